/* MTE: the state after execve, before any prctl: tagged-address ABI off, TCF none (no checks),
 * include mask 0 (GCR exclude all -> IRG and ADDG give tag 0), TCO 0. Tag storage still works
 * on PROT_MTE pages (STG/LDG), GMI is unaffected, and TBI lets tagged pointers be dereferenced.
 * MTE.md §7 "After execve", §4.3. */
#include "mte.h"

int main(void)
{
	tprintf("prctl get: 0x%lx\n", tagctrl_get());
	tprintf("tco: 0x%lx\n", tco_read());
	u64 p = map_mte(PAGE);
	u64 seen = 0;
	for (int i = 0; i < 64; i++)
		seen |= 1UL << tag_of(irg(with_tag(p, (u64)i & 15), 0));
	tprintf("irg x64 (include 0): seen tags 0x%lx\n", seen);
	u64 r;
	__asm__ volatile("addg %0, %1, #16, #5" : "=r"(r) : "r"(with_tag(p, 9)));
	tprintf("addg tag9 #16,#5: tag=%lu off=%ld\n", tag_of(r), (i64)(untag(r) - p));
	tprintf("gmi(tag 9, 0)=0x%lx\n", gmi(with_tag(p, 9), 0));
	stg(with_tag(p, 9));
	tprintf("stg tag9 / ldg: %d\n", mtag(p));
	sig_install(SIGSEGV, skip_handler, SA_EXPOSE_TAGBITS);
	fault_reset();
	st64(with_tag(p, 2), 0x42);
	u64 v = ld64(p);
	tprintf("mismatched tag2 store, tag0 load (no checks): value=0x%lx faults=%d\n", v, flog.count);
	static volatile u64 g = 77;
	tprintf("tagged pointer to .data (TBI): %lu\n", *(volatile u64 *)((u64)&g | (0x3aUL << 56)));
	static const char msg[] = "tagged buffer to write()\n";
	tprintf("write(tagged ptr) without the tagged-address ABI: %ld\n",
		sys_write(1, (void *)with_tag((u64)msg, 4), sizeof msg - 1));
	tprintf("write(untagged ptr): %ld\n", sys_write(1, msg, sizeof msg - 1));
	return 0;
}
