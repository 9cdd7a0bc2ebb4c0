/* Signals: si_code of SIGILL for an UNDEFINED instruction. Linux (do_el0_undef) sends
 * ILL_ILLOPC (1); qemu 7.2 linux-user sends ILL_ILLOPN (2). This deviation is not in MTE.md §9;
 * the expected output is Linux's (linuxOverride) and qemu's is kept under "qemu". */
#include "mte.h"

int main(void)
{
	sig_install(SIGILL, skip_handler, 0);
	u64 p = map_mte(PAGE);
	fault_reset();
	__asm__ volatile("udf #0" ::: "memory");
	tprintf("udf #0: signo=%d si_code=%d\n", flog.signo, flog.code);
	fault_reset();
	__asm__ volatile("ldgm x0, [%0]" : : "r"(p) : "x0", "memory");
	tprintf("ldgm at EL0: signo=%d si_code=%d\n", flog.signo, flog.code);
	fault_reset();
	__asm__ volatile("mrs x0, s3_0_c1_c0_6" ::: "x0", "memory");
	tprintf("mrs gcr_el1 at EL0: signo=%d si_code=%d\n", flog.signo, flog.code);
	return 0;
}
