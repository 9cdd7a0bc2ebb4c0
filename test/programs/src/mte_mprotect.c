/* MTE: PROT_MTE and mprotect. Adding PROT_MTE to an anonymous mapping keeps the data and gives
 * tag 0; PROT_MTE cannot be removed (mprotect without it keeps the mapping Tagged, tags persist,
 * checks still apply); tags survive PROT_NONE and back; STG needs write permission (it is
 * translated as a write); LDG only needs read. Fresh PROT_MTE pages have tag 0. MTE.md §1, §7. */
#include "mte.h"

int main(void)
{
	tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff));
	sig_install(SIGSEGV, skip_handler, SA_EXPOSE_TAGBITS);

	u64 m = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	for (u64 a = m; a < m + 2 * PAGE; a += 8)
		*(volatile u64 *)a = a - m;
	stg(with_tag(m, 7));
	tprintf("untagged mapping: stg tag7 then ldg -> %d\n", mtag(m));
	fault_reset();
	ld64(with_tag(m + 8, 7));
	show_fault("untagged mapping: tag7 load", m);

	tprintf("mprotect(RW|MTE): %ld\n", sys_mprotect(m, 2 * PAGE, PROT_READ | PROT_WRITE | PROT_MTE));
	int kept = 1, tags0 = 1;
	for (u64 a = m; a < m + 2 * PAGE; a += 8)
		kept &= peek64(a) == a - m;
	for (u64 a = m; a < m + 2 * PAGE; a += 16)
		tags0 &= mtag(a) == 0;
	tprintf("  data kept=%d all tags 0=%d\n", kept, tags0);
	stg(with_tag(m, 7));
	stg(with_tag(m + PAGE, 9));
	tprintf("  stg now works: %d %d\n", mtag(m), mtag(m + PAGE));
	fault_reset();
	ld64(m + 8);
	show_fault("  tag0 load from tag7 granule", m);

	tprintf("mprotect(READ) without PROT_MTE: %ld\n", sys_mprotect(m, 2 * PAGE, PROT_READ));
	tprintf("  tags persist: %d %d\n", mtag(m), mtag(m + PAGE));
	fault_reset();
	ld64(m + 8);
	show_fault("  tag0 load from tag7 granule (still checked)", m);
	fault_reset();
	u64 v = ld64(with_tag(m + 8, 7));
	show_fault("  tag7 load", m);
	tprintf("  value=0x%lx\n", v);
	fault_reset();
	stg(with_tag(m + 32, 3));
	show_fault("  stg on read-only page", m);
	tprintf("  tag at +32 unchanged: %d\n", mtag(m + 32));

	tprintf("mprotect(NONE): %ld\n", sys_mprotect(m, PAGE, PROT_NONE));
	fault_reset();
	ldg(m);
	show_fault("  ldg on PROT_NONE page", m);
	tprintf("mprotect(RW) without PROT_MTE: %ld\n", sys_mprotect(m, 2 * PAGE, PROT_READ | PROT_WRITE));
	tprintf("  tags survived PROT_NONE: %d %d\n", mtag(m), mtag(m + PAGE));
	stg(with_tag(m + 48, 12));
	tprintf("  stg still works: %d\n", mtag(m + 48));
	fault_reset();
	st64(m + 48, 1);
	show_fault("  tag0 store to tag12 granule", m);

	/* a read-only PROT_MTE mapping */
	u64 r = map_anon(PAGE, PROT_READ | PROT_MTE);
	fault_reset();
	tprintf("read-only PROT_MTE mapping: ldg -> %d\n", mtag(r + 16));
	show_fault("  ldg", r);
	fault_reset();
	stg(with_tag(r + 16, 4));
	show_fault("  stg", r);
	fault_reset();
	__asm__ volatile("stzg %0, [%0]" : : "r"(with_tag(r + 32, 4)) : "memory");
	show_fault("  stzg", r);

	/* munmap + fresh mapping: tags start at 0 */
	tprintf("munmap: %ld\n", sys_munmap(m, 2 * PAGE));
	u64 f = map_mte(4 * PAGE);
	int zero = 1;
	for (u64 a = f; a < f + 4 * PAGE; a += 16)
		zero &= mtag(a) == 0 && peek64(a) == 0 && peek64(a + 8) == 0;
	tprintf("fresh 4-page PROT_MTE mapping: all tags 0 and data 0: %d\n", zero);
	/* MAP_FIXED over a tagged mapping replaces it: tags 0 again */
	set_tags(f, 64, 10);
	long fx = sys_mmap(f, PAGE, PROT_READ | PROT_WRITE | PROT_MTE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	tprintf("MAP_FIXED remap same address: %d tag now %d\n", (u64)fx == f, mtag(f));
	return 0;
}
