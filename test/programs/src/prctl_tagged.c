/* prctl PR_SET_TAGGED_ADDR_CTRL (55) / PR_GET_TAGGED_ADDR_CTRL (56): return values, round trip
 * of ENABLE / TCF / include mask, and EINVAL for unknown flag bits or nonzero unused arguments
 * (a failed SET leaves the state unchanged). SYNC|ASYNC together is in prctl_both.
 * MTE.md §7. */
#include "mte.h"

static void set(const char *label, long a2, long a3, long a4, long a5)
{
	long r = sys_prctl(PR_SET_TAGGED_ADDR_CTRL, a2, a3, a4, a5);
	long g = sys_prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0);
	tprintf("SET %-34s -> %ld   GET -> 0x%lx\n", label, r, (u64)g);
}

int main(void)
{
	tprintf("GET initial -> 0x%lx\n", tagctrl_get());
	set("ENABLE", 1, 0, 0, 0);
	set("0", 0, 0, 0, 0);
	set("ENABLE|SYNC|incl 0x1234", (long)(1 | PR_MTE_TCF_SYNC | INCL(0x1234)), 0, 0, 0);
	set("ENABLE|ASYNC|incl 0xffff", (long)(1 | PR_MTE_TCF_ASYNC | INCL(0xffff)), 0, 0, 0);
	set("SYNC only", (long)PR_MTE_TCF_SYNC, 0, 0, 0);
	set("incl 0x8001 only", (long)INCL(0x8001), 0, 0, 0);
	set("ENABLE|SYNC|incl 0xa5a5", (long)(1 | PR_MTE_TCF_SYNC | INCL(0xa5a5)), 0, 0, 0);
	/* EINVAL cases: state stays ENABLE|SYNC|incl 0xa5a5 */
	set("bit 20", (long)(1 | PR_MTE_TCF_SYNC | (1UL << 20)), 0, 0, 0);
	set("bit 31", (long)(1UL << 31), 0, 0, 0);
	set("bit 63", (long)(1UL << 63), 0, 0, 0);
	set("ENABLE, arg3=1", 1, 1, 0, 0);
	set("ENABLE, arg4=1", 1, 0, 1, 0);
	set("ENABLE, arg5=-1", 1, 0, 0, -1);
	tprintf("GET arg2=1 -> %ld\n", sys_prctl(PR_GET_TAGGED_ADDR_CTRL, 1, 0, 0, 0));
	tprintf("GET arg3=1 -> %ld\n", sys_prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 1, 0, 0));
	tprintf("GET arg5=1 -> %ld\n", sys_prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 1));
	tprintf("GET still -> 0x%lx\n", tagctrl_get());
	set("ENABLE|NONE|incl 0", 1, 0, 0, 0);
	tprintf("prctl(unknown option 0x7fff0001) -> %ld\n", sys_prctl(0x7fff0001, 0, 0, 0, 0));
	return 0;
}
