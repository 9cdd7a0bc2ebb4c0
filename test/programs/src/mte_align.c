/* MTE: tag stores need a 16-byte aligned address (also the 2-granule forms and STGP):
 * otherwise SIGBUS BUS_ADRALN (si_code 1) with the address, and nothing is written. LDG never
 * takes an alignment fault. Alignment is checked on untagged memory too. MTE.md §4.3, §8. */
#include "mte.h"

static u64 p;

#define TRYA(label, insn, addr)                                                                      \
	do {                                                                                         \
		fault_reset();                                                                       \
		__asm__ volatile(insn : : "r"(addr), "r"(with_tag(0, 9)) : "memory");                \
		show_fault(label, p);                                                                \
	} while (0)

int main(void)
{
	p = map_mte(PAGE);
	tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff));
	sig_install(SIGBUS, skip_handler, SA_EXPOSE_TAGBITS);
	sig_install(SIGSEGV, skip_handler, SA_EXPOSE_TAGBITS);
	for (u64 a = p; a < p + 256; a += 8)
		poke64(a, 0x7777777777777777UL);

	TRYA("stg [p+8]", "stg %1, [%0]", p + 8);
	TRYA("stg [p+1]", "stg %1, [%0]", p + 1);
	TRYA("stg [p+4, #16]", "stg %1, [%0, #16]", p + 4);
	TRYA("st2g [p+8]", "st2g %1, [%0]", p + 8);
	TRYA("stzg [p+12]", "stzg %1, [%0]", p + 12);
	TRYA("stz2g [p+40]", "stz2g %1, [%0]", p + 40);
	TRYA("stgp [p+8]", "stgp %1, %1, [%0]", p + 8);
	TRYA("st2g [p+16] (16-aligned is enough)", "st2g %1, [%0]", p + 16);
	TRYA("stg [p+64] aligned", "stg %1, [%0]", p + 64);
	int ok = 1;
	for (u64 a = p; a < p + 256; a += 8)
		if (a < p + 16 || a >= p + 80)
			ok &= peek64(a) == 0x7777777777777777UL;
	tprintf("data untouched by the faulting stores: %d; tags g0..g5: %d %d %d %d %d %d\n", ok, mtag(p),
		mtag(p + 16), mtag(p + 32), mtag(p + 48), mtag(p + 64), mtag(p + 80));
	fault_reset();
	u64 r = 0;
	__asm__ volatile("ldg %0, [%1, #-16]" : "+r"(r) : "r"(p + 47) : "memory");
	show_fault("ldg [p+47, #-16] (never alignment-checked)", p);
	tprintf("  tag=%lu\n", tag_of(r));

	u64 u = map_anon(PAGE, PROT_READ | PROT_WRITE);
	fault_reset();
	__asm__ volatile("stg %0, [%0]" : : "r"(u + 8) : "memory");
	show_fault("stg [untagged+8]", u);
	/* alignment is checked before permissions */
	u64 ro = map_anon(PAGE, PROT_READ | PROT_MTE);
	fault_reset();
	__asm__ volatile("stg %0, [%0]" : : "r"(ro + 8) : "memory");
	show_fault("stg [read-only+8]", ro);
	fault_reset();
	__asm__ volatile("stg %0, [%0]" : : "r"(ro + 16) : "memory");
	show_fault("stg [read-only+16]", ro);
	return 0;
}
