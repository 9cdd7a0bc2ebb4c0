/* MTE: asynchronous mode (prctl TCF_ASYNC). A mismatched store/load completes, then SIGSEGV
 * si_code 8 (SEGV_MTEAERR) with si_addr 0 arrives no later than the next syscall. The handler
 * only records (it does not print and does not move pc), so qemu (delivers at the end of the
 * translation block) and Linux (delivers at the next kernel entry, restarting the syscall) print
 * the same thing. Several faults before one kernel entry give one signal (TFSR is a sticky bit).
 * MTE.md §3, §7, §9 item 3. */
#include "mte.h"

static u64 p;

static void report(const char *label)
{
	/* the write() issued by this tprintf is the "next syscall": by the time it returns the
	 * signal has been delivered in both qemu and Linux, and the handler printed nothing. */
	tputs_fd(1, "");
	tprintf("%s: signals=%d signo=%d si_code=%d si_addr=0x%lx\n", label, flog.count, flog.signo, flog.code,
		flog.addr);
}

int main(void)
{
	p = map_mte(PAGE);
	tprintf("prctl async: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_ASYNC | INCL(0xffff)));
	tprintf("get: 0x%lx\n", tagctrl_get());
	sig_install(SIGSEGV, record_handler, SA_EXPOSE_TAGBITS);
	set_tags(p, 128, 3);
	u64 bad = with_tag(p, 5), good = with_tag(p, 3);

	fault_reset();
	st64(good, 1);
	report("matching store");

	fault_reset();
	st64(bad + 8, 0xfeedface);
	report("mismatched store");
	tprintf("  the store completed: 0x%lx\n", peek64(p + 8));

	poke64(p + 16, 0xabcdef);
	fault_reset();
	u64 v = ld64(bad + 16);
	report("mismatched load");
	tprintf("  the load completed: 0x%lx\n", v);

	fault_reset();
	__asm__ volatile("str %1, [%0, #32]\n\t"
			 "str %1, [%0, #48]\n\t"
			 "ldr xzr, [%0, #64]\n\t"
			 "stp %1, %1, [%0, #80]" : : "r"(bad), "r"(0x77UL) : "memory");
	report("four mismatched accesses, one kernel entry");
	tprintf("  stores completed: 0x%lx 0x%lx 0x%lx\n", peek64(p + 32), peek64(p + 48), peek64(p + 88));

	fault_reset();
	__asm__ volatile("ldadd %1, %0, [%2]" : "=r"(v) : "r"(2UL), "r"(bad + 8) : "memory");
	report("mismatched ldadd");
	tprintf("  old=0x%lx new=0x%lx\n", v, peek64(p + 8));

	fault_reset();
	__asm__ volatile("msr tco, #1\n\tstr xzr, [%0]\n\tmsr tco, #0" : : "r"(bad) : "memory");
	report("mismatched store under tco=1");

	tprintf("prctl none: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_NONE | INCL(0xffff)));
	fault_reset();
	st64(bad, 5);
	report("mismatched store, tcf none");
	tprintf("prctl async again: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_ASYNC | INCL(0xffff)));
	fault_reset();
	st64(bad, 6);
	report("mismatched store, async again");
	return 0;
}
