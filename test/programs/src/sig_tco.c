/* Signals and PSTATE.TCO: Linux starts every signal handler with TCO=0 and sigreturn restores the
 * interrupted TCO from the saved pstate. qemu 7.2 runs the handler with the interrupted TCO
 * (MTE.md §9 item 6), so the second handler line differs (linuxOverride). */
#include "mte.h"

static volatile u64 tco_in_handler;

static void h(int sig, tsiginfo *si, tucontext *uc)
{
	(void)sig, (void)si;
	tco_in_handler = tco_read();
	flog.pstate = uc->mc.pstate;
}

int main(void)
{
	sig_install(SIGUSR1, h, 0);
	tco_clear();
	sys_kill(sys_getpid(), SIGUSR1);
	tprintf("interrupted with TCO=0: handler TCO=0x%lx saved pstate.TCO=%lu after return TCO=0x%lx\n",
		tco_in_handler, (flog.pstate >> 25) & 1, tco_read());
	tco_set();
	sys_kill(sys_getpid(), SIGUSR1);
	u64 after = tco_read();
	tco_clear();
	tprintf("interrupted with TCO=1: handler TCO=0x%lx saved pstate.TCO=%lu after return TCO=0x%lx\n",
		tco_in_handler, (flog.pstate >> 25) & 1, after);
	return 0;
}
