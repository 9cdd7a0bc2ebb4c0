/* MTE: STGP (data pair + tag taken from the address) in offset/pre/post forms; DC GVA and
 * DC GZVA over the DCZID block; DC ZVA as a checked store (pointer tag 0 only, see MTE.md §9.7).
 * MTE.md §4.1, §4.3, §2.5. */
#include "mte.h"

static u64 b;

static void dump(const char *label, u64 base, int from, int count)
{
	tprintf("%s: granules[%d..%d] =", label, from, from + count - 1);
	for (int i = from; i < from + count; i++)
		tprintf(" %d", mtag(base + (u64)(i * 16)));
	tprintf("\n");
}

int main(void)
{
	u64 page = map_mte(4 * PAGE);
	b = page + 2048;
	tprintf("prctl sync: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff)));
	sig_install(SIGSEGV, skip_handler, SA_EXPOSE_TAGBITS);

	/* STGP */
	u64 a = with_tag(b, 5);
	__asm__ volatile("stgp %1, %2, [%0]" : : "r"(a), "r"(0x1111UL), "r"(0x2222UL) : "memory");
	tprintf("stgp [b tag5]: tag=%d data=0x%lx,0x%lx\n", mtag(b), ld64(a), ld64(a + 8));
	a = with_tag(b, 6);
	__asm__ volatile("stgp %1, %2, [%0, #32]!" : "+r"(a) : "r"(0x3333UL), "r"(0x4444UL) : "memory");
	tprintf("stgp [b,#32]!: wb=%ld tag(g2)=%d data=0x%lx,0x%lx\n", (i64)(untag(a) - b), mtag(b + 32),
		ld64(a), ld64(a + 8));
	a = with_tag(b + 64, 7);
	__asm__ volatile("stgp %1, %2, [%0], #-16" : "+r"(a) : "r"(0x5555UL), "r"(0x6666UL) : "memory");
	tprintf("stgp [b+64],#-16: wb=%ld tag(g4)=%d data=0x%lx,0x%lx\n", (i64)(untag(a) - b), mtag(b + 64),
		ld64(with_tag(b + 64, 7)), ld64(with_tag(b + 72, 7)));
	a = with_tag(b, 8);
	__asm__ volatile("stgp %1, %2, [%0, #-1024]" : : "r"(a), "r"(0x7777UL), "r"(0x8888UL) : "memory");
	tprintf("stgp [b tag8,#-1024] (data store is unchecked): tag=%d data=0x%lx,0x%lx\n", mtag(b - 1024),
		ld64(with_tag(b - 1024, 8)), ld64(with_tag(b - 1024 + 8, 8)));
	dump("after stgp", b, -1, 6);

	/* DCZID */
	u64 dz = dczid();
	u64 bs = 4UL << (dz & 0xf);
	tprintf("dczid_el0=0x%lx block=%lu bytes dzp=%lu\n", dz, bs, (dz >> 4) & 1);
	u64 blk = page + PAGE; /* block aligned (bs <= 4096) */
	u64 ng = bs / 16;
	for (u64 x = blk - 32; x < blk + 2 * bs + 32; x += 8)
		poke64(x, 0xabcdabcd00000000UL | ((x - page) & 0xffff));

	/* DC GVA: tags the whole block from the pointer's tag, keeps data; address aligned down */
	u64 g = with_tag(blk + 100, 7);
	__asm__ volatile("dc gva, %0" : : "r"(g) : "memory");
	int ok = 1;
	for (u64 i = 0; i < ng; i++)
		ok &= mtag(blk + i * 16) == 7;
	int kept = 1;
	for (u64 x = blk; x < blk + bs; x += 8)
		kept &= peek64(x) == (0xabcdabcd00000000UL | ((x - page) & 0xffff));
	tprintf("dc gva tag7 (ptr blk+100): whole block tag7=%d data kept=%d before=%d after=%d\n", ok, kept,
		mtag(blk - 16), mtag(blk + bs));

	/* DC GZVA: tags and zeroes */
	g = with_tag(blk + bs + bs - 16, 4);
	__asm__ volatile("dc gzva, %0" : : "r"(g) : "memory");
	ok = 1;
	int zero = 1;
	for (u64 i = 0; i < ng; i++)
		ok &= mtag(blk + bs + i * 16) == 4;
	for (u64 x = blk + bs; x < blk + 2 * bs; x += 8)
		zero &= peek64(x) == 0;
	tprintf("dc gzva tag4 (ptr last granule of block 2): tag4=%d zeroed=%d next=%d word_after=0x%lx\n", ok,
		zero, mtag(blk + 2 * bs), peek64(blk + 2 * bs));

	/* DC ZVA is a checked store over the block (pointer tag 0 only: MTE.md §9.7) */
	fault_reset();
	__asm__ volatile("dc zva, %0" : : "r"(blk) : "memory");
	show_fault("dc zva tag0 ptr on tag-7 block (sync)", blk);
	tprintf("  data kept: 0x%lx\n", peek64(blk + 8));
	tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_NONE | INCL(0xffff));
	fault_reset();
	__asm__ volatile("dc zva, %0" : : "r"(blk) : "memory");
	show_fault("dc zva tag0 ptr on tag-7 block (tcf none)", blk);
	zero = 1;
	for (u64 x = blk; x < blk + bs; x += 8)
		zero &= peek64(x) == 0;
	tprintf("  zeroed=%d tag kept=%d\n", zero, mtag(blk));
	tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff));
	u64 blk3 = blk + 2 * bs;
	poke64(blk3 + 40, 0x99);
	fault_reset();
	__asm__ volatile("dc zva, %0" : : "r"(blk3 + 40) : "memory");
	show_fault("dc zva tag0 ptr on tag-0 block (sync)", blk3);
	tprintf("  word zeroed: 0x%lx\n", peek64(blk3 + 40));
	return 0;
}
