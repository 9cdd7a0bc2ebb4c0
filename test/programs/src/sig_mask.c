/* Signals: rt_sigprocmask blocking/unblocking (a blocked signal stays pending and is delivered
 * on unblock), rt_sigpending, SA_RESETHAND (one-shot), SA_NODEFER, SIG_IGN, rt_sigaction old
 * action read-back, and a handler on an alternate signal stack (sigaltstack). */
#include "mte.h"

static volatile int hits;
static volatile u64 local_addr;
static volatile int nested_depth, max_depth, total;

static void h(int sig, tsiginfo *si, tucontext *uc)
{
	(void)sig, (void)si, (void)uc;
	hits = hits + 1;
	u64 here = (u64)__builtin_frame_address(0);
	local_addr = here;
}

static void nested(int sig, tsiginfo *si, tucontext *uc)
{
	(void)si, (void)uc;
	nested_depth = nested_depth + 1;
	total = total + 1;
	if (nested_depth > max_depth)
		max_depth = nested_depth;
	if (total < 3)
		sys_kill(sys_getpid(), sig); /* delivered immediately only with SA_NODEFER */
	nested_depth = nested_depth - 1;
}

static u8 alt[16384] __attribute__((aligned(16)));

int main(void)
{
	sig_install(SIGUSR1, h, 0);
	u64 set = SIGBIT(SIGUSR1), old = 0, pend = 0;
	tprintf("block SIGUSR1: %ld\n", sys_rt_sigprocmask(SIG_BLOCK, &set, &old));
	tprintf("old mask had SIGUSR1: %d\n", (old & set) != 0);
	hits = 0;
	sys_kill(sys_getpid(), SIGUSR1);
	sys_kill(sys_getpid(), SIGUSR1);
	tprintf("after 2 kills while blocked: hits=%d\n", hits);
	tprintf("rt_sigpending: %ld pending has SIGUSR1: %d\n", sys4(136, &pend, 8, 0, 0), (pend & set) != 0);
	tprintf("unblock: %ld\n", sys_rt_sigprocmask(SIG_UNBLOCK, &set, 0));
	tprintf("after unblock: hits=%d (standard signals do not queue)\n", hits);
	sys_rt_sigprocmask(SIG_BLOCK, 0, &old);
	tprintf("mask now has SIGUSR1: %d\n", (old & set) != 0);
	tprintf("SIG_SETMASK with SIGKILL|SIGSTOP|SIGUSR2: %ld\n",
		sys_rt_sigprocmask(SIG_SETMASK, &(u64){SIGBIT(SIGKILL) | SIGBIT(19) | SIGBIT(SIGUSR2)}, 0));
	sys_rt_sigprocmask(SIG_BLOCK, 0, &old);
	tprintf("mask = 0x%lx (SIGKILL/SIGSTOP cannot be blocked)\n", old);
	sys_rt_sigprocmask(SIG_SETMASK, &(u64){0}, 0);
	tprintf("rt_sigprocmask bad how: %ld\n", sys_rt_sigprocmask(7, &set, 0));

	/* SA_RESETHAND: the action reverts to SIG_DFL after one delivery */
	sig_install(SIGUSR2, h, SA_RESETHAND);
	hits = 0;
	sys_kill(sys_getpid(), SIGUSR2);
	struct ksigaction cur;
	sys_rt_sigaction(SIGUSR2, 0, &cur);
	tprintf("SA_RESETHAND: hits=%d handler now SIG_DFL: %d\n", hits, cur.handler == SIG_DFL);

	/* read back an installed action */
	sig_install(SIGUSR2, h, SA_RESTART);
	sys_rt_sigaction(SIGUSR2, 0, &cur);
	tprintf("read back: handler==h:%d flags&(SIGINFO|RESTORER|RESTART)=0x%lx restorer ok:%d\n",
		cur.handler == (void *)h, cur.flags & (SA_SIGINFO | SA_RESTORER | SA_RESTART),
		cur.restorer == (void *)tiny_sigreturn);
	tprintf("rt_sigaction(SIGKILL) -> %ld\n", sig_install(SIGKILL, h, 0));
	tprintf("rt_sigaction(bad signal 65) -> %ld\n", sig_install(65, h, 0));

	/* SIG_IGN */
	sig_set_plain(SIGUSR2, SIG_IGN);
	hits = 0;
	tprintf("kill with SIG_IGN: %ld hits=%d\n", sys_kill(sys_getpid(), SIGUSR2), hits);

	/* nesting: without SA_NODEFER the signal is blocked inside its own handler */
	sig_install(SIGUSR1, nested, 0);
	nested_depth = max_depth = total = 0;
	sys_kill(sys_getpid(), SIGUSR1);
	tprintf("self-kill x3 without SA_NODEFER: runs=%d max depth=%d\n", total, max_depth);
	sig_install(SIGUSR1, nested, SA_NODEFER);
	nested_depth = max_depth = total = 0;
	sys_kill(sys_getpid(), SIGUSR1);
	tprintf("self-kill x3 with SA_NODEFER: runs=%d max depth=%d\n", total, max_depth);

	/* alternate signal stack */
	struct tstack ss = {(u64)alt, 0, 0, sizeof alt}, o;
	tprintf("sigaltstack: %ld\n", sys_sigaltstack(&ss, 0));
	sys_sigaltstack(0, &o);
	tprintf("sigaltstack read back: size ok %d flags %d\n", o.ss_size == sizeof alt && o.ss_sp == (u64)alt,
		o.ss_flags);
	sig_install(SIGUSR2, h, SA_ONSTACK);
	local_addr = 0;
	sys_kill(sys_getpid(), SIGUSR2);
	tprintf("SA_ONSTACK handler frame inside altstack: %d\n",
		local_addr >= (u64)alt && local_addr < (u64)alt + sizeof alt);
	sig_install(SIGUSR2, h, 0);
	sys_kill(sys_getpid(), SIGUSR2);
	tprintf("without SA_ONSTACK handler frame inside altstack: %d\n",
		local_addr >= (u64)alt && local_addr < (u64)alt + sizeof alt);
	tprintf("sigaltstack too small: %ld\n", sys_sigaltstack(&(struct tstack){(u64)alt, 0, 0, 512}, 0));
	return 0;
}
