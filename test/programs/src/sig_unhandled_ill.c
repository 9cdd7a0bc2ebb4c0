/* Signals: an unhandled SIGILL (udf #0) kills the process -> status 132. */
#include "tiny.h"

int main(void)
{
	tputs("about to execute udf #0");
	__asm__ volatile("udf #0");
	tputs("not reached");
	return 0;
}
