/* MTE: which instruction classes are tag checked (with an X-register base): exclusives,
 * load-acquire/store-release, LDAPR, LSE atomics (including a CAS whose compare fails) are
 * checked; PC-relative literal loads are never checked (run from a PROT_MTE|PROT_EXEC page
 * whose granules are tagged); tag instructions themselves are unchecked. MTE.md §2.5. */
#include "mte.h"

static u64 p, bad;

#define CK(label, insn)                                                                              \
	do {                                                                                         \
		fault_reset();                                                                       \
		__asm__ volatile("mov x9, %0\n\tmov x0, #0\n\tmov x1, #0\n\tmov x2, #1\n\tmov x3, #2\n\t" insn \
				 :                                                                   \
				 : "r"(bad)                                                          \
				 : "x0", "x1", "x2", "x3", "x4", "x9", "memory");                    \
		show_fault(label, p);                                                                \
	} while (0)

/* Position-independent code copied into the tagged executable page. */
__asm__(".text\n"
	".p2align 4\n"
	"jit_start:\n"
	"lit_fn:\n"         /* +0: ldr x0, literal (never checked) */
	"	ldr x0, 1f\n"
	"	ret\n"
	"lit_w_fn:\n"       /* +8: ldrsw x0, literal */
	"	ldrsw x0, 2f\n"
	"	ret\n"
	"prfm_fn:\n"        /* +16: prfm literal */
	"	prfm pldl1keep, 1f\n"
	"	ret\n"
	"adr_fn:\n"         /* +24: adr + ldr: an ordinary checked load */
	"	adr x1, 1f\n"
	"	mov x0, #0x42\n"
	"	ldr x0, [x1]\n"
	"	ret\n"
	"	.p2align 4\n"
	"1:	.quad 0x1122334455667788\n"
	"2:	.word 0x89abcdef\n"
	"jit_end:\n");
extern const char jit_start[], jit_end[], lit_fn[], lit_w_fn[], prfm_fn[], adr_fn[];

int main(void)
{
	p = map_mte(PAGE);
	tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff));
	sig_install(SIGSEGV, skip_handler, SA_EXPOSE_TAGBITS);
	set_tags(p, 256, 7);
	bad = with_tag(p, 2);

	CK("ldxr", "ldxr x0, [x9]");
	CK("ldxrb", "ldxrb w0, [x9]");
	CK("ldaxp", "ldaxp x0, x1, [x9]");
	/* store-exclusives only with an armed monitor (ldxr done under TCO=1): with an open monitor
	 * it is IMPLEMENTATION DEFINED whether a failing STXR reports a tag check fault */
	CK("stxr (monitor armed by ldxr under tco=1)", "msr tco, #1\n\tldxr x0, [x9]\n\tmsr tco, #0\n\tstxr w3, x2, [x9]");
	CK("stlxp (monitor armed by ldaxp under tco=1)",
	   "msr tco, #1\n\tldaxp x0, x1, [x9]\n\tmsr tco, #0\n\tstlxp w3, x2, x2, [x9]");
	CK("ldar", "ldar x0, [x9]");
	CK("ldarh", "ldarh w0, [x9]");
	CK("stlr", "stlr x2, [x9]");
	CK("stlrb", "stlrb w2, [x9]");
	CK("ldapr", "ldapr x0, [x9]");
	/* LDAPUR/STLUR are in mte_rcpc2 (qemu 7.2 does not check them: linuxOverride there) */
	CK("ldadd", "ldadd x2, x0, [x9]");
	CK("ldaddal w", "ldaddal w2, w0, [x9]");
	CK("ldclr", "ldclr x2, x0, [x9]");
	CK("ldeor", "ldeor x2, x0, [x9]");
	CK("ldset", "ldset x2, x0, [x9]");
	CK("ldsmax", "ldsmax x2, x0, [x9]");
	CK("ldumin", "ldumin x2, x0, [x9]");
	CK("stadd", "stadd x2, [x9]");
	CK("swp", "swp x2, x0, [x9]");
	CK("swpb", "swpb w2, w0, [x9]");
	CK("cas (compare succeeds)", "cas x0, x2, [x9]");
	CK("cas (compare fails)", "mov x0, #99\n\tcas x0, x2, [x9]");
	CK("casp", "casp x0, x1, x2, x3, [x9]");
	CK("ldtr", "ldtr x0, [x9]");
	CK("sttrb", "sttrb w2, [x9, #3]");
	CK("prfm (never faults)", "prfm pldl1keep, [x9]");
	CK("ldg (unchecked)", "ldg x0, [x9]");
	CK("stg (unchecked)", "stg x9, [x9, #128]");
	CK("stgp (unchecked)", "add x9, x9, #144\n\tstgp x2, x3, [x9]");
	tprintf("memory still zero after all faulting stores: %d %d\n", peek64(p) == 0, peek64(p + 8) == 0);

	/* literal loads from a tagged executable page (PC has tag 0, granules tag 6) */
	u64 jit = map_anon(PAGE, PROT_READ | PROT_WRITE | PROT_EXEC | PROT_MTE);
	u64 n = (u64)(jit_end - jit_start);
	for (u64 i = 0; i < n; i++)
		((volatile u8 *)jit)[i] = (u8)jit_start[i];
	for (u64 a = jit; a < jit + n; a += 4)
		__asm__ volatile("dc cvau, %0\n\tic ivau, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb ish\n\tisb" ::: "memory");
	set_tags(jit, (n + 15) & ~15UL, 6);
	tprintf("jit page tags: first=%d last=%d\n", mtag(jit), mtag(jit + n - 1));
	u64 (*f)(void);
	fault_reset();
	f = (u64(*)(void))(jit + (u64)(lit_fn - jit_start));
	u64 v = f();
	show_fault("ldr x literal from tag-6 granule", jit);
	tprintf("  value=0x%lx\n", v);
	fault_reset();
	f = (u64(*)(void))(jit + (u64)(lit_w_fn - jit_start));
	v = f();
	show_fault("ldrsw literal", jit);
	tprintf("  value=0x%lx\n", v);
	fault_reset();
	f = (u64(*)(void))(jit + (u64)(prfm_fn - jit_start));
	f();
	show_fault("prfm literal", jit);
	fault_reset();
	f = (u64(*)(void))(jit + (u64)(adr_fn - jit_start));
	v = f();
	show_fault("adr + ldr [x1] (checked)", jit);
	tprintf("  x0 kept its pre-load value: 0x%lx\n", v);
	return 0;
}
