/* MTE through glibc (built with -march=armv8.5-a+memtag): prctl(PR_SET_TAGGED_ADDR_CTRL) from
   <sys/prctl.h>, mmap(PROT_MTE) from <sys/mman.h>, the __arm_mte_* intrinsics of <arm_acle.h>, and a
   SIGSEGV handler installed with sigaction(SA_SIGINFO | SA_EXPOSE_TAGBITS) that prints si_code and leaves
   through siglongjmp. IRG results are random under qemu, so only their properties are printed, except
   where the exclusion mask leaves one candidate. Fault addresses print as an offset from the page. */
#include <arm_acle.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef PROT_MTE
#define PROT_MTE 0x20
#endif
#ifndef SA_EXPOSE_TAGBITS
#define SA_EXPOSE_TAGBITS 0x800
#endif
#ifndef SEGV_MTESERR
#define SEGV_MTESERR 9
#endif
#ifndef HWCAP2_MTE
#define HWCAP2_MTE (1 << 18)
#endif

static sigjmp_buf back;
static volatile sig_atomic_t got_signo, got_code;
static volatile uintptr_t got_addr;
static uintptr_t page;

static void on_segv(int signo, siginfo_t *si, void *uc) {
	(void)uc;
	got_signo = signo;
	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
	siglongjmp(back, 1);
}

static unsigned tag_of(const void *p) { return (unsigned)((uintptr_t)p >> 56) & 0xf; }

/* `a` with logical tag `t`, through an empty asm so the compiler cannot reuse a register that an LDG
   rewrote in place (the intrinsics' operands are tied registers). */
static char *with_tag(uintptr_t a, unsigned t) {
	uintptr_t v = (a & ~(0xfUL << 56)) | ((uintptr_t)t << 56);
	__asm__("" : "+r"(v));
	return (char *)v;
}

static unsigned memory_tag(uintptr_t a) { return tag_of(__arm_mte_get_tag(with_tag(a, 0))); }

static void show_fault(const char *what) {
	uintptr_t a = got_addr;
	printf("%s: signal %d si_code %d%s addr=page+0x%lx top=0x%02lx\n", what, (int)got_signo, (int)got_code,
		got_code == SEGV_MTESERR ? " (SEGV_MTESERR)" : "", (unsigned long)((a & ((1UL << 56) - 1)) - page),
		(unsigned long)(a >> 56));
}

/* Runs one access that may fault; returns 1 if it faulted. */
#define TRY(what, stmt)                                                                  \
	do {                                                                                 \
		got_signo = 0;                                                                   \
		if (sigsetjmp(back, 1) == 0) {                                                   \
			stmt;                                                                        \
			printf("%s: no fault\n", what);                                              \
		} else                                                                           \
			show_fault(what);                                                            \
	} while (0)

int main(void) {
	printf("HWCAP2_MTE %d\n", (getauxval(AT_HWCAP2) & HWCAP2_MTE) != 0);
	int r = prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | (0xfffeUL << PR_MTE_TAG_SHIFT), 0, 0, 0);
	printf("prctl set %d get 0x%x\n", r, (unsigned)prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0));
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_EXPOSE_TAGBITS;
	sigemptyset(&sa.sa_mask);
	printf("sigaction %d\n", sigaction(SIGSEGV, &sa, NULL));

	char *p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE | PROT_MTE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) { puts("mmap PROT_MTE failed"); return 1; }
	page = (uintptr_t)p;
	printf("mmap tag %u, get_tag %u\n", tag_of(p), memory_tag(page));

	/* IRG with an exclusion mask that leaves only tag 5 */
	char *t5 = __arm_mte_create_random_tag(p, 0xffff & ~(1u << 5));
	printf("irg single candidate: tag %u\n", tag_of(t5));
	/* tags excluded by GCR (prctl include mask 0xfffe excludes 0): never 0, never the excluded ones */
	int ok = 1;
	for (int i = 0; i < 200; i++) {
		char *q = __arm_mte_create_random_tag(p, 0x00ff);
		unsigned t = tag_of(q);
		ok &= t >= 8;
	}
	printf("irg excluding 0-7 gives 8-15: %d\n", ok);
	printf("exclude mask %lx\n", (unsigned long)__arm_mte_exclude_tag(t5, 1));
	char *t7 = __arm_mte_increment_tag(t5, 2);
	printf("increment tag 5+2 = %u, ptrdiff %ld\n", tag_of(t7), (long)__arm_mte_ptrdiff(t7 + 48, t5));

	/* colour the first 64 bytes with tag 5 and the next 64 with tag 7 */
	for (int g = 0; g < 4; g++) __arm_mte_set_tag(t5 + 16 * g);
	for (int g = 4; g < 8; g++) __arm_mte_set_tag(t7 + 16 * g);
	printf("get_tag +0 %u +48 %u +64 %u +128 %u\n", memory_tag(page), memory_tag(page + 48), memory_tag(page + 64),
		memory_tag(page + 128));

	strcpy(t5, "tagged hello");
	printf("read through matching tag: [%s]\n", t5);
	volatile char sink;
	TRY("load with right tag", sink = t5[10]);
	TRY("load with wrong tag", sink = t7[10]);
	TRY("store past the coloured region", t5[64] = 1);
	TRY("store with tag 7 at +64", t7[64] = 'x');
	TRY("untagged pointer (tag 0) to tag-5 memory", sink = with_tag(page, 0)[3]);
	TRY("unrelated page granule (tag 0) via tag 0", sink = with_tag(page, 0)[4096]);
	TRY("memset across both colours", memset(t5, 0, 100));
	(void)sink;

	/* async mode: the fault is reported at the next kernel entry, with si_code SEGV_MTEAERR and addr 0 */
	r = prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_NONE | (0xfffeUL << PR_MTE_TAG_SHIFT), 0, 0, 0);
	TRY("TCF none: wrong tag ignored", ((volatile char *)t7)[0] = 2);
	printf("prctl none %d get 0x%x, byte now %d\n", r, (unsigned)prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0), t5[0]);

	munmap(with_tag(page, 0), 4 * 4096);
	char *plain = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | (0xfffeUL << PR_MTE_TAG_SHIFT), 0, 0, 0);
	page = (uintptr_t)plain;
	char *volatile pt = with_tag(page, 9);
	TRY("tagged pointer to untagged memory", pt[5] = 'u');
	printf("untagged page get_tag %u\n", memory_tag(page));
	return 0;
}
