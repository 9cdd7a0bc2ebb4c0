/* Process start-up: argc/argv as laid out on the initial stack (argv[0] is not printed: it is
 * the host path), envp terminator, and exit status 1 with a message on stderr. Run with the
 * arguments listed in manifest.json. */
#include "tiny.h"

int main(int argc, char **argv, char **envp)
{
	tprintf("argc=%d\n", argc);
	for (int i = 1; i < argc; i++)
		tprintf("argv[%d]=\"%s\" len=%lu\n", i, argv[i], strlen(argv[i]));
	tprintf("argv[argc] is NULL: %d\n", argv[argc] == 0);
	tprintf("envp follows argv: %d\n", envp == argv + argc + 1);
	u64 sp;
	__asm__ volatile("mov %0, sp" : "=r"(sp));
	tprintf("sp 16-byte aligned in main: %d\n", (sp & 15) == 0);
	tfprintf(2, "error: exiting with status 1\n");
	return 1;
}
