/* MTE: synchronous tag check faults (prctl TCF_SYNC): mismatched loads/stores of every size
 * raise SIGSEGV si_code 9 (SEGV_MTESERR) with the faulting address (SA_EXPOSE_TAGBITS keeps
 * bits 59:56); the access writes nothing, performs no writeback and changes no register.
 * Also a fix-up handler that retags the granule and retries. MTE.md §2.1, §2.6, §3. */
#include "mte.h"

static u64 p;

/* Fix-up handler: set the faulting granule's tag to the pointer tag and retry the access. */
static void retag_handler(int sig, tsiginfo *si, tucontext *uc)
{
	(void)uc;
	record_handler(sig, si, uc);
	u64 a = si->f.addr & ~15UL;
	__asm__ volatile("stg %0, [%0]" : : "r"(a) : "memory");
}

int main(void)
{
	p = map_mte(PAGE);
	tprintf("prctl sync: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff)));
	tprintf("get: 0x%lx\n", tagctrl_get());
	sig_install(SIGSEGV, skip_handler, SA_EXPOSE_TAGBITS);
	set_tags(p, 64, 3);
	u64 good = with_tag(p, 3), bad = with_tag(p, 5);

	fault_reset();
	st64(good, 0x1122334455667788UL);
	u64 v = ld64(good);
	show_fault("matching tag store+load", p);
	tprintf("  value=0x%lx\n", v);

	fault_reset();
	v = ld64(bad);
	show_fault("ldr x, tag5 ptr, tag3 memory", p);
	tprintf("  destination unchanged: %d\n", v == SENTINEL);

	fault_reset();
	st64(bad + 8, 0xdead);
	show_fault("str x at +8", p);
	tprintf("  memory unchanged: 0x%lx\n", peek64(p + 8));

	fault_reset();
	v = ld8(bad + 37);
	show_fault("ldrb at +37", p);

	fault_reset();
	st8(bad + 63, 1);
	show_fault("strb at +63", p);

	fault_reset();
	u64 h = SENTINEL;
	__asm__ volatile("ldrsh %0, [%1, #6]" : "+r"(h) : "r"(bad + 16) : "memory");
	show_fault("ldrsh [x,#6] at +22", p);

	fault_reset();
	u32 w = 0x5a5a;
	__asm__ volatile("str %w1, [%0, #-4]" : : "r"(bad + 48), "r"(w) : "memory");
	show_fault("str w [x,#-4] at +44", p);

	/* pre-index store: no writeback on fault */
	fault_reset();
	u64 base = bad;
	__asm__ volatile("str %1, [%0, #16]!" : "+r"(base) : "r"(0x77UL) : "memory");
	show_fault("str [x,#16]! fault", p);
	tprintf("  base register unchanged: %d\n", base == bad);
	/* post-index load: no writeback, no register change */
	fault_reset();
	base = bad + 32;
	u64 d = SENTINEL;
	__asm__ volatile("ldr %1, [%0], #8" : "+r"(base), "+r"(d) : : "memory");
	show_fault("ldr [x],#8 fault", p);
	tprintf("  base unchanged: %d dest unchanged: %d\n", base == bad + 32, d == SENTINEL);
	/* register offset */
	fault_reset();
	d = SENTINEL;
	__asm__ volatile("ldr %0, [%1, %2, lsl #3]" : "+r"(d) : "r"(bad), "r"(3UL) : "memory");
	show_fault("ldr [x, x lsl #3]", p);
	/* pairs */
	fault_reset();
	u64 d2 = SENTINEL;
	d = SENTINEL;
	__asm__ volatile("ldp %0, %1, [%2, #16]" : "+r"(d), "+r"(d2) : "r"(bad) : "memory");
	show_fault("ldp [x,#16]", p);
	tprintf("  both destinations unchanged: %d\n", d == SENTINEL && d2 == SENTINEL);
	fault_reset();
	__asm__ volatile("stp %1, %1, [%0]" : : "r"(bad), "r"(0x99UL) : "memory");
	show_fault("stp [x]", p);
	/* unprivileged load at EL0 is an ordinary checked load */
	fault_reset();
	d = SENTINEL;
	__asm__ volatile("ldtr %0, [%1, #8]" : "+r"(d) : "r"(bad) : "memory");
	show_fault("ldtr [x,#8]", p);

	/* granule tag 0 vs pointer tag 0: fine; another granule tagged 9 */
	stg(with_tag(p + 64, 9));
	fault_reset();
	v = ld64(p + 80);
	show_fault("tag0 ptr into tag0 granule", p);
	fault_reset();
	v = ld64(p + 64);
	show_fault("tag0 ptr into tag9 granule", p);
	fault_reset();
	v = ld64(with_tag(p + 72, 9));
	show_fault("tag9 ptr into tag9 granule", p);
	/* bits 63:60 of the pointer are not part of the logical tag */
	fault_reset();
	v = ld64(with_tag(p + 64, 9) | (0xcUL << 60));
	show_fault("ptr 0xc9.. into tag9 granule", p);

	/* fix-up handler: retag and retry (no pc change) */
	sig_install(SIGSEGV, retag_handler, SA_EXPOSE_TAGBITS);
	fault_reset();
	u64 np = with_tag(p + 128, 0xe);
	st64(np, 0xabcdef);
	v = ld64(np);
	show_fault("retag handler: store via tag14 ptr", p);
	tprintf("  after retry: granule tag=%d value=0x%lx\n", mtag(p + 128), v);
	return 0;
}
