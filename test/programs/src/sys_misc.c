/* Syscalls: uname (sysname only), getpid/gettid (compared, never printed), the auxiliary vector
 * (AT_PAGESZ, HWCAP2_MTE, HWCAP_ATOMICS), and exit status 42. */
#include "tiny.h"

#define AT_NULL 0
#define AT_PAGESZ 6
#define AT_HWCAP 16
#define AT_HWCAP2 26

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	struct utsname u;
	long r = sys_uname(&u);
	tprintf("uname: %ld sysname=%s\n", r, u.sysname);
	long pid = sys_getpid(), tid = sys_gettid();
	tprintf("getpid > 1: %d, getpid == gettid: %d, getpid stable: %d\n", pid > 1, pid == tid, pid == sys_getpid());
	char **e = tiny_envp;
	while (*e)
		e++;
	u64 *auxv = (u64 *)(e + 1);
	u64 pagesz = 0, hwcap = 0, hwcap2 = 0;
	for (; auxv[0] != AT_NULL; auxv += 2) {
		if (auxv[0] == AT_PAGESZ)
			pagesz = auxv[1];
		else if (auxv[0] == AT_HWCAP)
			hwcap = auxv[1];
		else if (auxv[0] == AT_HWCAP2)
			hwcap2 = auxv[1];
	}
	tprintf("AT_PAGESZ=%lu HWCAP_ATOMICS=%lu HWCAP2_MTE=%lu\n", pagesz, (hwcap >> 8) & 1, (hwcap2 >> 18) & 1);
	tprintf("exiting with 42\n");
	return 42;
}
