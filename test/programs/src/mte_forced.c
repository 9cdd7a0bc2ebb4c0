/* MTE: a synchronous tag check fault is a forced signal: with SIGSEGV blocked the process still
 * dies with SIGSEGV -> status 139 (and the handler is not run). MTE.md §3 "Forced". */
#include "mte.h"

static void handler(int sig, tsiginfo *si, tucontext *uc)
{
	(void)sig, (void)si, (void)uc;
	tprintf("handler ran (unexpected)\n");
	sys_exit_group(3);
}

int main(void)
{
	u64 p = map_mte(PAGE);
	tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff));
	sig_install(SIGSEGV, handler, SA_EXPOSE_TAGBITS);
	u64 set = SIGBIT(SIGSEGV), old = 0;
	tprintf("block SIGSEGV: %ld\n", sys_rt_sigprocmask(SIG_BLOCK, &set, 0));
	sys_rt_sigprocmask(SIG_BLOCK, 0, &old);
	tprintf("mask has SIGSEGV: %d\n", (old & SIGBIT(SIGSEGV)) != 0);
	stg(with_tag(p, 4));
	tprintf("mismatched load with SIGSEGV blocked...\n");
	ld64(with_tag(p, 5));
	tprintf("not reached\n");
	return 0;
}
