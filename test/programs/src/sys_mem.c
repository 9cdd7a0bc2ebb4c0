/* Syscalls: brk growth/shrink, mmap/munmap (partial unmap makes a hole), mprotect, madvise,
 * MAP_FIXED, and error returns. Addresses are only printed as differences. */
#include "mte.h"

static volatile int faults;
static void h(int sig, tsiginfo *si, tucontext *uc)
{
	(void)sig, (void)si;
	faults = faults + 1;
	uc->mc.pc += 4;
}

static u64 try_load(u64 a)
{
	u64 v = SENTINEL;
	__asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(a) : "memory");
	return v;
}

int main(void)
{
	sig_install(SIGSEGV, h, 0);
	u64 b0 = (u64)sys_brk(0);
	tprintf("brk(0) page aligned: %d\n", (b0 & 0xfff) == 0);
	u64 b1 = (u64)sys_brk(b0 + 0x21000);
	tprintf("brk(+0x21000) grew by 0x%lx\n", b1 - b0);
	volatile u64 *heap = (volatile u64 *)b0;
	for (int i = 0; i < 0x21000 / 8; i += 512)
		heap[i] = (u64)i * 3;
	u64 s = 0;
	for (int i = 0; i < 0x21000 / 8; i += 512)
		s += heap[i];
	tprintf("heap sum=%lu last word ok=%d\n", s, (heap[0x21000 / 8 - 1] = 9) == 9);
	u64 b2 = (u64)sys_brk(b0 + 0x1000);
	tprintf("brk shrink to +0x1000: 0x%lx\n", b2 - b0);
	/* (not checked: whether memory above a shrunk break is unmapped -- qemu 7.2 keeps it mapped) */
	tprintf("brk(0) again: +0x%lx\n", (u64)sys_brk(0) - b0);
	tprintf("brk(1) (invalid) returns current break: %d\n", (u64)sys_brk(1) == b0 + 0x1000);

	u64 m = (u64)sys_mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	tprintf("mmap 3 pages: page aligned %d\n", (m & 0xfff) == 0);
	for (u64 a = m; a < m + 3 * PAGE; a += PAGE)
		*(volatile u64 *)a = a - m + 1;
	tprintf("munmap middle page: %ld\n", sys_munmap(m + PAGE, PAGE));
	faults = 0;
	u64 v0 = try_load(m), v1 = try_load(m + PAGE), v2 = try_load(m + 2 * PAGE);
	tprintf("after hole: first=0x%lx second faulted=%d third=0x%lx faults=%d\n", v0, v1 == SENTINEL, v2, faults);
	tprintf("mprotect first page read-only: %ld\n", sys_mprotect(m, PAGE, PROT_READ));
	faults = 0;
	__asm__ volatile("str xzr, [%0]" : : "r"(m) : "memory");
	tprintf("store to read-only page faults=%d value kept=0x%lx\n", faults, *(volatile u64 *)m);
	tprintf("mprotect back to RW: %ld\n", sys_mprotect(m, PAGE, PROT_READ | PROT_WRITE));
	*(volatile u64 *)m = 5;
	tprintf("store ok: %lu\n", *(volatile u64 *)m);
	tprintf("madvise WILLNEED: %ld\n", sys_madvise(m, PAGE, MADV_WILLNEED));
	tprintf("madvise NORMAL: %ld\n", sys_madvise(m, PAGE, MADV_NORMAL));
	long f = sys_mmap(m + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	tprintf("MAP_FIXED into the hole: at requested address %d, zero-filled %d\n", (u64)f == m + PAGE,
		*(volatile u64 *)(m + PAGE) == 0);
	tprintf("munmap all: %ld\n", sys_munmap(m, 3 * PAGE));
	tprintf("munmap unaligned: %ld\n", sys_munmap(m + 1, PAGE));
	tprintf("mmap len 0: %ld\n", sys_mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	tprintf("mmap no MAP_PRIVATE/SHARED: %ld\n", sys_mmap(0, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0));
	tprintf("mprotect unaligned: %ld\n", sys_mprotect(m + 8, PAGE, PROT_READ));
	/* a large mapping is lazily allocated and zero-filled */
	u64 big = (u64)sys_mmap(0, 64 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	u64 z = 0;
	for (u64 a = big; a < big + (64 << 20); a += 1 << 20)
		z |= *(volatile u64 *)a;
	*(volatile u64 *)(big + (64 << 20) - 8) = 1;
	tprintf("64 MiB mapping: zero=%d munmap=%ld\n", z == 0, sys_munmap(big, 64 << 20));
	return 0;
}
