/* Signals: an unhandled SIGSEGV (NULL dereference) kills the process -> status 139; output
 * written before the fault is kept (writes are unbuffered). */
#include "tiny.h"

int main(void)
{
	tputs("about to dereference NULL");
	tfprintf(2, "stderr before the fault\n");
	volatile u64 *null = (volatile u64 *)0;
	u64 v = *null;
	tprintf("not reached %lu\n", v);
	return 0;
}
