/* MTE: PSTATE.TCO. MRS/MSR TCO at EL0 (bit 25), TCO=1 makes every access Unchecked (loads and
 * stores complete), TCO survives a syscall, and tag instructions still work with TCO=1.
 * MTE.md §2.1 step 6, §2.3. (TCO inside signal handlers: see sig_tco.) */
#include "mte.h"

int main(void)
{
	u64 p = map_mte(PAGE);
	tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff));
	sig_install(SIGSEGV, skip_handler, SA_EXPOSE_TAGBITS);
	set_tags(p, 64, 9);
	u64 bad = with_tag(p, 4);

	tprintf("tco at start: 0x%lx\n", tco_read());
	tco_set();
	tprintf("after msr tco, #1: 0x%lx\n", tco_read());
	tco_clear();
	tprintf("after msr tco, #0: 0x%lx\n", tco_read());
	u64 r;
	__asm__ volatile("msr tco, %1\n\tmrs %0, tco" : "=r"(r) : "r"(~0UL) : "memory");
	tprintf("msr tco, x(~0) then mrs: 0x%lx\n", r);
	__asm__ volatile("msr tco, %1\n\tmrs %0, tco" : "=r"(r) : "r"(~(1UL << 25)) : "memory");
	tprintf("msr tco, x(~bit25) then mrs: 0x%lx\n", r);
	__asm__ volatile("msr tco, %1\n\tmrs %0, tco" : "=r"(r) : "r"(1UL << 25) : "memory");
	tprintf("msr tco, x(bit25) then mrs: 0x%lx\n", r);

	/* TCO=1 (still set from the last line): mismatched accesses are unchecked */
	fault_reset();
	st64(bad + 8, 0x1234);
	u64 v = ld64(bad + 8);
	show_fault("tco=1 mismatched store+load", p);
	tprintf("  value=0x%lx\n", v);
	fault_reset();
	__asm__ volatile("ldadd %1, %0, [%2]" : "=r"(v) : "r"(1UL), "r"(bad + 8) : "memory");
	show_fault("tco=1 mismatched ldadd", p);
	tprintf("  old=0x%lx\n", v);
	/* a syscall does not change TCO */
	sys_getpid();
	tprintf("tco after syscalls: 0x%lx\n", tco_read());
	/* tag instructions work with TCO=1 */
	stg(with_tag(p + 32, 11));
	tprintf("stg with tco=1: tag=%d\n", mtag(p + 32));

	tco_clear();
	fault_reset();
	v = ld64(bad + 8);
	show_fault("tco=0 mismatched load", p);
	fault_reset();
	st64(bad + 8, 0x9999);
	show_fault("tco=0 mismatched store", p);
	tprintf("  value still 0x%lx\n", peek64(p + 8));
	/* msr tco immediate toggles around a single access */
	fault_reset();
	__asm__ volatile("msr tco, #1\n\tldr %0, [%1]\n\tmsr tco, #0" : "=r"(v) : "r"(bad) : "memory");
	show_fault("msr tco,#1 / ldr / msr tco,#0", p);
	tprintf("tco at end: 0x%lx\n", tco_read());
	return 0;
}
