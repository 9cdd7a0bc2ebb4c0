/* MTE: an unhandled synchronous tag check fault kills the process with SIGSEGV -> status 139.
 * MTE.md §3 (Linux: SIGSEGV, SEGV_MTESERR). */
#include "mte.h"

int main(void)
{
	u64 p = map_mte(PAGE);
	tprintf("prctl sync: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff)));
	stg(with_tag(p, 4));
	tprintf("load through matching pointer: %lu\n", ld64(with_tag(p, 4)));
	tprintf("load through mismatched pointer...\n");
	ld64(with_tag(p, 5));
	tprintf("not reached\n");
	return 0;
}
