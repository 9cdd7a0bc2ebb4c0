/* MTE async delivery relative to a syscall (MTE.md §7 and §9 item 3). The mismatched store and
 * the write() are in one straight-line block. Linux: the pending async fault is noticed at the
 * write's kernel entry, the write is NOT executed, the handler runs (and prints), then the write
 * is restarted -> "handler" line before "after store". qemu 7.2: executes the write, then
 * delivers -> "after store" first. Expected output is Linux's (linuxOverride). */
#include "mte.h"

static void handler(int sig, tsiginfo *si, tucontext *uc)
{
	(void)uc;
	tprintf("handler: signo=%d si_code=%d si_addr=0x%lx\n", sig, si->si_code, si->f.addr);
}

int main(void)
{
	u64 p = map_mte(PAGE);
	tprintf("prctl async: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_ASYNC | INCL(0xffff)));
	sig_install(SIGSEGV, handler, SA_EXPOSE_TAGBITS);
	set_tags(p, 16, 3);
	static const char msg[] = "after store (write syscall)\n";
	long r;
	__asm__ volatile("str xzr, [%1]\n\t"
			 "mov x0, #1\n\t"
			 "mov x1, %2\n\t"
			 "mov x2, %3\n\t"
			 "mov x8, #64\n\t"
			 "svc #0\n\t"
			 "mov %0, x0"
			 : "=r"(r)
			 : "r"(with_tag(p, 5)), "r"(msg), "r"(sizeof msg - 1)
			 : "x0", "x1", "x2", "x8", "memory");
	tprintf("write returned %ld\n", r);
	return 0;
}
