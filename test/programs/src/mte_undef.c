/* MTE: LDGM/STGM/STZGM and the EL1 MTE system registers are UNDEFINED at EL0 -> SIGILL with
 * si_addr = pc of the instruction. MTE.md §4.1, §4.3 ("LDGM/STGM (EL1+, UNDEFINED at EL0)").
 * si_code is deliberately not printed here (qemu 7.2 says ILL_ILLOPN, Linux ILL_ILLOPC: see
 * sig_ill_code). */
#include "mte.h"

#define TRY(name, insn)                                                                              \
	do {                                                                                         \
		u64 at;                                                                              \
		fault_reset();                                                                       \
		__asm__ volatile("mov x1, %1\n\tmov x0, #0x77\n\tadr %0, 1f\n1:\t" insn "\n\tmov %1, x0" \
				 : "=&r"(at), "+r"(arg)                                              \
				 :                                                                   \
				 : "x0", "x1", "memory");                                            \
		tprintf("%-28s signals=%d signo=%d si_addr==pc:%d x0_after=0x%lx\n", name ":", flog.count, \
			flog.signo, flog.addr == at && flog.pc == at, arg);                          \
	} while (0)

int main(void)
{
	u64 p = map_mte(PAGE), arg;
	tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff));
	sig_install(SIGILL, skip_handler, 0);
	set_tags(p, 256, 5);
	poke64(p, 0x1234);
	arg = p;
	TRY("ldgm x0, [x1]", "ldgm x0, [x1]");
	arg = p;
	TRY("stgm x0, [x1]", "stgm x0, [x1]");
	arg = p;
	TRY("stzgm x0, [x1]", "stzgm x0, [x1]");
	arg = p;
	TRY("mrs gcr_el1", "mrs x0, s3_0_c1_c0_6");
	arg = p;
	TRY("msr gcr_el1", "msr s3_0_c1_c0_6, x0");
	arg = p;
	TRY("mrs rgsr_el1", "mrs x0, s3_0_c1_c0_5");
	arg = p;
	TRY("mrs tfsr_el1", "mrs x0, s3_0_c5_c6_0");
	arg = p;
	TRY("mrs tfsre0_el1", "mrs x0, s3_0_c5_c6_1");
	arg = p;
	TRY("mrs gmid_el1", "mrs x0, s3_1_c0_c0_4");
	tprintf("tags untouched by stgm/stzgm: %d %d, data word 0x%lx\n", mtag(p), mtag(p + 240), peek64(p));
	/* the EL0-accessible MTE system state for contrast */
	arg = p;
	TRY("mrs tco (EL0 ok)", "mrs x0, tco");
	arg = p;
	TRY("mrs dczid_el0 (EL0 ok)", "mrs x0, dczid_el0");
	return 0;
}
