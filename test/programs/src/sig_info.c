/* Signals: SA_SIGINFO handlers and the siginfo/ucontext they receive. SEGV_MAPERR (1),
 * SEGV_ACCERR (2), SIGBUS BUS_ADRALN (1) from an unaligned exclusive, SIGTRAP from BRK,
 * SIGILL from UDF (si_code not printed, see sig_ill_code), kill() -> SI_USER, tgkill() ->
 * SI_TKILL. The handler sees the interrupted registers in uc_mcontext and can change them
 * (sigreturn restores the modified values). Addresses are printed relative to known points. */
#include "mte.h"

static volatile u64 seen_x9, seen_pc_ok, seen_mask;
static volatile int seen_pid_ok;

static void handler(int sig, tsiginfo *si, tucontext *uc)
{
	record_handler(sig, si, uc);
	seen_x9 = uc->mc.regs[9];
	uc->mc.regs[10] = 0x777; /* visible after sigreturn */
	if (sig == SIGSEGV || sig == SIGBUS || sig == SIGTRAP || sig == SIGILL)
		uc->mc.pc += 4;
	u64 cur = 0;
	sys_rt_sigprocmask(SIG_BLOCK, 0, &cur);
	seen_mask = cur;
	if (sig == SIGUSR1 || sig == SIGUSR2)
		seen_pid_ok = si->f.kill.pid == (i32)sys_getpid();
}

/* Execute insn with x9=0x1234 and x10=0; returns x10 after the instruction (and the handler). */
#define RUN(insn, addr_in, at)                                                                       \
	({                                                                                           \
		u64 _x10;                                                                            \
		__asm__ volatile("mov x9, #0x1234\n\tmov x10, #0\n\tmov x11, %2\n\tadr %1, 1f\n1:\t" insn "\n\t" \
				 "mov %0, x10"                                                       \
				 : "=r"(_x10), "=&r"(at)                                             \
				 : "r"(addr_in)                                                      \
				 : "x9", "x10", "x11", "memory");                                    \
		_x10;                                                                                \
	})

static void line(const char *label, u64 at, u64 x10, u64 base)
{
	tprintf("%s: signo=%d si_code=%d addr=%s%+ld pc==insn:%d x9_in_handler=0x%lx x10_after=0x%lx own_sig_blocked=%d\n",
		label, flog.signo, flog.code, base ? "base" : "pc", (i64)(flog.addr - (base ? base : at)),
		flog.pc == at, seen_x9, x10, (seen_mask & SIGBIT(flog.signo)) != 0);
}

int main(void)
{
	sig_install(SIGSEGV, handler, 0);
	sig_install(SIGBUS, handler, 0);
	sig_install(SIGTRAP, handler, 0);
	sig_install(SIGILL, handler, 0);
	sig_install(SIGUSR1, handler, 0);
	sig_install(SIGUSR2, handler, 0);
	u64 at, x10;

	u64 gone = map_anon(PAGE, PROT_READ | PROT_WRITE);
	sys_munmap(gone, PAGE);
	fault_reset();
	x10 = RUN("ldr x12, [x11, #0x10]", gone, at);
	line("load from unmapped page", at, x10, gone);

	u64 ro = map_anon(PAGE, PROT_READ);
	fault_reset();
	x10 = RUN("str xzr, [x11, #0x18]", ro, at);
	line("store to read-only page", at, x10, ro);

	fault_reset();
	x10 = RUN("str xzr, [x11]", (u64)main, at);
	line("store to .text", at, x10, (u64)main);

	u64 rw = map_anon(PAGE, PROT_READ | PROT_WRITE);
	fault_reset();
	x10 = RUN("ldxr x12, [x11]", rw + 4, at);
	line("unaligned ldxr", at, x10, rw);

	fault_reset();
	x10 = RUN("brk #0x42", 0, at);
	line("brk #0x42", at, x10, 0);

	fault_reset();
	x10 = RUN("udf #7", 0, at);
	tprintf("udf #7: signo=%d addr==pc:%d pc==insn:%d x10_after=0x%lx\n", flog.signo, flog.addr == at,
		flog.pc == at, x10);

	fault_reset();
	seen_pid_ok = 0;
	long r = sys_kill(sys_getpid(), SIGUSR1);
	tprintf("kill(getpid(), SIGUSR1) = %ld: signo=%d si_code=%d si_pid==getpid:%d\n", r, flog.signo, flog.code,
		seen_pid_ok);
	fault_reset();
	seen_pid_ok = 0;
	r = sys_tgkill(sys_getpid(), sys_gettid(), SIGUSR2);
	tprintf("tgkill(getpid(), gettid(), SIGUSR2) = %ld: signo=%d si_code=%d si_pid==getpid:%d\n", r, flog.signo,
		flog.code, seen_pid_ok);
	return 0;
}
