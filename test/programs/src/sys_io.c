/* Syscalls: write to stdout and stderr, writev (including empty iovecs), zero-length write,
 * read from an empty stdin (EOF), error returns (EBADF, EFAULT). Exit status 0. */
#include "tiny.h"

int main(void)
{
	long r = sys_write(1, "hello, stdout\n", 14);
	tprintf("write(1) returned %ld\n", r);
	r = sys_write(2, "hello, stderr\n", 14);
	tprintf("write(2) returned %ld\n", r);
	struct iovec iov[4] = {{"writev: ", 8}, {"", 0}, {"three ", 6}, {"parts\n", 6}};
	r = sys_writev(1, iov, 4);
	tprintf("writev returned %ld\n", r);
	struct iovec iov2[2] = {{"stderr via ", 11}, {"writev\n", 7}};
	tprintf("writev(2) returned %ld\n", sys_writev(2, iov2, 2));
	tprintf("writev(0 iovecs) returned %ld\n", sys_writev(1, iov, 0));
	tprintf("write(len 0) returned %ld\n", sys_write(1, "x", 0));
	tprintf("write(bad fd 99) returned %ld\n", sys_write(99, "x", 1));
	tprintf("write(fd -1) returned %ld\n", sys_write(-1, "x", 1));
	tprintf("write(bad pointer 0x10) returned %ld\n", sys_write(1, (void *)0x10, 4));
	char buf[16];
	tprintf("read(0) from empty stdin returned %ld\n", sys_read(0, buf, sizeof buf));
	tprintf("read(bad fd 98) returned %ld\n", sys_read(98, buf, sizeof buf));
	/* a longer line in several pieces */
	for (int i = 0; i < 3; i++)
		tprintf("line %d of %d: %s\n", i + 1, 3, i == 1 ? "middle" : "edge");
	char big[700];
	for (int i = 0; i < 699; i++)
		big[i] = (char)('a' + i % 26);
	big[699] = 0;
	tprintf("%s\n", big);
	tfprintf(2, "goodbye from stderr (%d)\n", 7);
	return 0;
}
