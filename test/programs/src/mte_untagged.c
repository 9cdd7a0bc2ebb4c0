/* MTE: Untagged memory (no PROT_MTE: anonymous mmap, .bss, the stack). Tag writes are dropped,
 * LDG reads 0 (other Xt bits kept), tagged pointers never fault even in sync mode, STZG/STZ2G/
 * DC GZVA still zero the data, STGP still stores the data. MTE.md §1, §5 (untagged column), §8. */
#include "mte.h"

static u8 bss[1024] __attribute__((aligned(512)));

static void probe(const char *label, u64 a)
{
	fault_reset();
	stg(with_tag(a, 6));
	u64 r = ~0UL;
	__asm__ volatile("ldg %0, [%1]" : "+r"(r) : "r"(a) : "memory");
	st64(with_tag(a, 6), 0x66);
	u64 v1 = ld64(with_tag(a, 6));
	u64 v2 = ld64(with_tag(a, 0xb));
	tprintf("%s: ldg after stg6 -> xt=0x%lx; tag6 store/load=0x%lx; tag11 load=0x%lx; faults=%d\n", label, r,
		v1, v2, flog.count);
}

int main(void)
{
	tprintf("prctl sync: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff)));
	sig_install(SIGSEGV, skip_handler, SA_EXPOSE_TAGBITS);
	u64 m = map_anon(PAGE, PROT_READ | PROT_WRITE);
	probe("anon mmap", m);
	probe(".bss", (u64)bss);
	u64 stackbuf[8] __attribute__((aligned(16)));
	stackbuf[0] = 0;
	probe("stack", (u64)stackbuf);

	/* STZG / STZ2G zero data, tag dropped */
	for (int i = 0; i < 8; i++)
		((volatile u64 *)m)[i] = 0x1111111111111111UL * (u64)(i + 1);
	__asm__ volatile("stzg %0, [%0]" : : "r"(with_tag(m, 3)) : "memory");
	__asm__ volatile("stz2g %0, [%0, #32]" : : "r"(with_tag(m, 3)) : "memory");
	tprintf("stzg/stz2g: words=");
	for (int i = 0; i < 8; i++)
		tprintf("%lx ", ((volatile u64 *)m)[i]);
	tprintf("tags=%d %d %d\n", mtag(m), mtag(m + 16), mtag(m + 32));
	/* STGP writes data */
	__asm__ volatile("stgp %1, %2, [%0, #16]" : : "r"(with_tag(m, 3)), "r"(0xaaUL), "r"(0xbbUL) : "memory");
	tprintf("stgp: data 0x%lx 0x%lx tag %d\n", ((volatile u64 *)m)[2], ((volatile u64 *)m)[3], mtag(m + 16));
	/* DC GVA keeps data, DC GZVA zeroes, neither tags */
	u64 bs = 4UL << (dczid() & 0xf);
	u64 blk = (u64)bss;
	if (bs > sizeof bss)
		bs = 0; /* skip if the block is larger than our buffer */
	for (u64 i = 0; i < bs; i += 8)
		*(volatile u64 *)(blk + i) = 0x5a5a;
	if (bs) {
		__asm__ volatile("dc gva, %0" : : "r"(with_tag(blk, 9)) : "memory");
		tprintf("dc gva: data kept=%d tag=%d\n", *(volatile u64 *)(blk + bs - 8) == 0x5a5a, mtag(blk));
		__asm__ volatile("dc gzva, %0" : : "r"(with_tag(blk, 9)) : "memory");
		tprintf("dc gzva: data zero=%d tag=%d\n", *(volatile u64 *)(blk + bs - 8) == 0, mtag(blk));
	}
	/* TBI: any top byte can be used to dereference ordinary memory */
	volatile u64 *hi = (volatile u64 *)((u64)bss | 0xff00000000000000UL);
	*hi = 0x123;
	tprintf("top byte 0xff pointer store/load: 0x%lx faults=%d\n", *(volatile u64 *)(u64)bss, flog.count);
	return 0;
}
