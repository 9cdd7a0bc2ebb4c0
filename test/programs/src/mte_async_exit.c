/* MTE: an unhandled asynchronous tag check fault cannot be swallowed by exiting: the pending
 * fault is delivered at the exit_group kernel entry (Linux: the syscall is not executed) and the
 * default action kills the process -> status 139. A branch separates the store from the svc so
 * that qemu also delivers before the syscall (qemu delivers at the end of the translation
 * block, MTE.md §9 item 3). MTE.md §7 "Async delivery". */
#include "mte.h"

int main(void)
{
	u64 p = map_mte(PAGE);
	tprintf("prctl async: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_ASYNC | INCL(0xffff)));
	set_tags(p, 16, 3);
	tprintf("storing through a mismatched pointer, then exit_group(0)\n");
	__asm__ volatile("str xzr, [%0]\n\t"
			 "b 1f\n"
			 "1:\tmov x0, #0\n\t"
			 "mov x8, #94\n\t"
			 "svc #0" : : "r"(with_tag(p, 5)) : "x0", "x8", "memory");
	tprintf("not reached\n");
	return 0;
}
