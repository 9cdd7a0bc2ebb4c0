/* prctl SET with both TCF_SYNC and TCF_ASYNC: accepted (0) and GET returns the requested bits
 * (Linux get_mte_ctrl reports both bits; the mode actually used is the CPU's preferred one).
 * qemu 7.2 resolves the request to SYNC and its GET reports only the resolved TCF0 field, so it
 * prints 0x7fb instead of 0x7ff (MTE.md §9 item 2; linuxOverride). Behaviour in that mode is
 * deliberately not tested. MTE.md §7. */
#include "mte.h"

int main(void)
{
	long r = tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC | INCL(0xff));
	tprintf("SET ENABLE|SYNC|ASYNC|incl 0xff -> %ld\n", r);
	tprintf("GET -> 0x%lx\n", tagctrl_get());
	r = tagctrl_set(PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC);
	tprintf("SET SYNC|ASYNC -> %ld\n", r);
	tprintf("GET -> 0x%lx\n", tagctrl_get());
	tprintf("SET ENABLE|ASYNC -> %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_ASYNC));
	tprintf("GET -> 0x%lx\n", tagctrl_get());
	return 0;
}
