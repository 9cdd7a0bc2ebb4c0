/* MTE: GMI, ADDG/SUBG (address offset + tag offset with GCR exclusion, wrap-around),
 * SUBP/SUBPS/CMPP (56-bit sign-extended pointer difference). MTE.md §4.1, §4.3. */
#include "mte.h"

#define ADDG(p, off, toff)                                                                  \
	({                                                                                  \
		u64 _r;                                                                     \
		__asm__ volatile("addg %0, %1, #" #off ", #" #toff : "=r"(_r) : "r"(p));    \
		_r;                                                                         \
	})
#define SUBG(p, off, toff)                                                                  \
	({                                                                                  \
		u64 _r;                                                                     \
		__asm__ volatile("subg %0, %1, #" #off ", #" #toff : "=r"(_r) : "r"(p));    \
		_r;                                                                         \
	})

static u64 base;

static void show_ptr(const char *label, u64 r)
{
	tprintf("%s: tag=%lu off=%+ld top_nibble=0x%lx\n", label, tag_of(r), (i64)(untag(r) - base), r >> 60);
}

static i64 subp(u64 a, u64 b)
{
	i64 r;
	__asm__("subp %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
	return r;
}
static u64 subps_nzcv(u64 a, u64 b, i64 *res)
{
	u64 f;
	i64 r;
	__asm__ volatile("subps %1, %2, %3\n\tmrs %0, nzcv" : "=r"(f), "=r"(r) : "r"(a), "r"(b) : "cc");
	*res = r;
	return f >> 28;
}
static u64 cmpp_nzcv(u64 a, u64 b)
{
	u64 f;
	__asm__ volatile("cmpp %1, %2\n\tmrs %0, nzcv" : "=r"(f) : "r"(a), "r"(b) : "cc");
	return f >> 28;
}

int main(void)
{
	base = map_mte(2 * PAGE) + PAGE;
	u64 p = base;

	/* GMI: Xd = Xm | 1 << tag(Xn) -- independent of the include mask */
	tprintf("gmi(tag 7, 0x1)=0x%lx\n", gmi(with_tag(p, 7), 1));
	tprintf("gmi(tag 0, 0)=0x%lx\n", gmi(p, 0));
	tprintf("gmi(tag 15, 0x7fff)=0x%lx\n", gmi(with_tag(p, 15), 0x7fff));
	tprintf("gmi(tag 3, 0xdead000000000000)=0x%lx\n", gmi(with_tag(p, 3), 0xdead000000000000UL));
	tprintf("gmi(tag 3, already set)=0x%lx\n", gmi(with_tag(p, 3), 0x8));
	u64 g;
	__asm__("gmi %0, sp, %1" : "=r"(g) : "r"(0x100UL));
	tprintf("gmi(sp, 0x100)=0x%lx\n", g);
	u64 mask = 0;
	for (int t = 0; t < 16; t += 3)
		mask = gmi(with_tag(p, (u64)t), mask);
	tprintf("gmi chain over tags 0,3,6,9,12,15=0x%lx\n", mask);

	tprintf("prctl include all: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | INCL(0xffff)));
	show_ptr("addg tag7 #16,#1", ADDG(with_tag(p, 7), 16, 1));
	show_ptr("addg tag15 #0,#1 (wrap)", ADDG(with_tag(p, 15), 0, 1));
	show_ptr("addg tag14 #1008,#15", ADDG(with_tag(p, 14), 1008, 15));
	show_ptr("addg tag9 #0,#0", ADDG(with_tag(p, 9), 0, 0));
	show_ptr("subg tag2 #1008,#3", SUBG(with_tag(p, 2), 1008, 3));
	show_ptr("subg tag0 #16,#15", SUBG(p, 16, 15));
	show_ptr("addg keeps bits 63:60", ADDG(with_tag(p, 1) | (0xaUL << 60), 32, 2));

	tprintf("prctl include {3,5,11}: %ld\n",
		tagctrl_set(PR_TAGGED_ADDR_ENABLE | INCL((1 << 3) | (1 << 5) | (1 << 11))));
	show_ptr("addg tag3 #0,#2", ADDG(with_tag(p, 3), 0, 2));
	show_ptr("addg tag3 #0,#1", ADDG(with_tag(p, 3), 0, 1));
	show_ptr("addg tag11 #0,#1 (wrap)", ADDG(with_tag(p, 11), 0, 1));
	show_ptr("addg tag0 #0,#0 (excluded start)", ADDG(p, 0, 0));
	show_ptr("addg tag4 #0,#0", ADDG(with_tag(p, 4), 0, 0));
	show_ptr("addg tag4 #0,#1", ADDG(with_tag(p, 4), 0, 1));
	show_ptr("addg tag5 #0,#7", ADDG(with_tag(p, 5), 0, 7));
	show_ptr("subg tag11 #32,#4", SUBG(with_tag(p, 11), 32, 4));

	tprintf("prctl include all but 0: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | INCL(0xfffe)));
	show_ptr("addg tag7 #0,#15", ADDG(with_tag(p, 7), 0, 15));
	show_ptr("addg tag15 #0,#1", ADDG(with_tag(p, 15), 0, 1));
	show_ptr("addg tag0 #16,#0", ADDG(p, 16, 0));

	tprintf("prctl include none: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE));
	show_ptr("addg tag7 #48,#3 (all excluded)", ADDG(with_tag(p, 7), 48, 3));
	show_ptr("subg tag7 #48,#0 (all excluded)", SUBG(with_tag(p, 7), 48, 0));
	u64 sp_r, spv;
	__asm__ volatile("mov %0, sp\n\taddg %1, sp, #32, #1" : "=&r"(spv), "=r"(sp_r));
	tprintf("addg x, sp, #32, #1 (all excluded): tag=%lu off_from_sp=%ld\n", tag_of(sp_r), (i64)(sp_r - spv));

	/* SUBP / SUBPS / CMPP */
	tprintf("subp(tag5 p+100, tag9 p)=%ld\n", subp(with_tag(p + 100, 5), with_tag(p, 9)));
	tprintf("subp(p, p+100)=%ld\n", subp(p, p + 100));
	tprintf("subp(0x0080000000000000, 0)=0x%lx\n", (u64)subp(0x0080000000000000UL, 0));
	tprintf("subp(0xff7fffffffffffff, 0)=0x%lx\n", (u64)subp(0xff7fffffffffffffUL, 0));
	tprintf("subp(0xab00000000001000, 0x1200000000000fff)=%ld\n",
		subp(0xab00000000001000UL, 0x1200000000000fffUL));
	i64 r;
	u64 f = subps_nzcv(with_tag(p, 3), with_tag(p, 4), &r);
	tprintf("subps equal addresses, different tags: res=%ld nzcv=0x%lx\n", r, f);
	f = subps_nzcv(p, p + 16, &r);
	tprintf("subps p, p+16: res=%ld nzcv=0x%lx\n", r, f);
	f = subps_nzcv(0x007fffffffffffffUL, 0x0080000000000000UL, &r);
	tprintf("subps max56, min56: res=0x%lx nzcv=0x%lx\n", (u64)r, f);
	tprintf("cmpp tag1 p+32, tag2 p: nzcv=0x%lx\n", cmpp_nzcv(with_tag(p + 32, 1), with_tag(p, 2)));
	tprintf("cmpp equal: nzcv=0x%lx\n", cmpp_nzcv(with_tag(p, 15), p | (0xfUL << 60)));
	u64 f2;
	__asm__ volatile("cmpp sp, sp\n\tmrs %0, nzcv" : "=r"(f2) : : "cc");
	tprintf("cmpp sp, sp: nzcv=0x%lx\n", f2 >> 28);
	return 0;
}
