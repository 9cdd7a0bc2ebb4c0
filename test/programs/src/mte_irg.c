/* MTE: IRG with the prctl include mask (GCR_EL1.Exclude) and the Xm exclusion operand.
 * IRG output is random (RGSR seed), so only properties are printed, except where the
 * include/exclude sets leave exactly one candidate (or none -> tag 0). MTE.md §4.3, §7. */
#include "mte.h"

#define N 400

/* Returns the set of tags IRG produced over N calls (bit t set = tag t seen); *addr_ok=1 if
 * bits 55:0 and 63:60 of the source were always preserved. */
static u64 irg_seen(u64 p, u64 excl, int *addr_ok)
{
	u64 seen = 0;
	*addr_ok = 1;
	for (int i = 0; i < N; i++) {
		u64 r = irg(p, excl);
		seen |= 1UL << tag_of(r);
		if ((r & ~(0xfUL << 56)) != (p & ~(0xfUL << 56)))
			*addr_ok = 0;
	}
	return seen;
}

static void check(const char *label, u64 incl, u64 p, u64 excl)
{
	int ok;
	u64 seen = irg_seen(p, excl, &ok);
	u64 allowed = incl & ~excl & 0xffff;
	tprintf("%s: outside_allowed=%d all_allowed_seen=%d addr_kept=%d\n", label, (seen & ~allowed) != 0,
		allowed ? seen == allowed : seen == 1, ok);
}

int main(void)
{
	u64 p = map_mte(PAGE);
	int ok;

	u64 incl = (1 << 3) | (1 << 5) | (1 << 11);
	tprintf("prctl include {3,5,11}: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(incl)));
	check("irg include {3,5,11}", incl, p, 0);
	check("irg include {3,5,11} Xm=1<<5", incl, p, 1 << 5);
	check("irg include {3,5,11} tagged source 0x0a..", incl, with_tag(p, 0xa), 0);
	check("irg include {3,5,11} source top nibble 0x5", incl, p | (0x5UL << 60), 0);
	u64 r = irg(p, (1 << 3) | (1 << 11));
	tprintf("irg include {3,5,11} Xm={3,11}: tag=%lu\n", tag_of(r));
	r = irg(with_tag(p, 9), (1 << 3) | (1 << 5) | (1 << 11));
	tprintf("irg include {3,5,11} Xm={3,5,11} (all excluded): tag=%lu\n", tag_of(r));
	r = irg(p, 0xffff);
	tprintf("irg Xm=0xffff: tag=%lu\n", tag_of(r));
	r = irg(p, 0xffffffffffff0000UL | (1 << 3) | (1 << 5));
	tprintf("irg Xm bits 63:16 ignored, Xm={3,5}: tag=%lu\n", tag_of(r));

	tprintf("prctl include {7}: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | INCL(1 << 7)));
	u64 s = irg_seen(p, 0, &ok);
	tprintf("irg include {7}: seen=0x%lx addr_kept=%d\n", s, ok);
	s = irg_seen(p, 1 << 7, &ok);
	tprintf("irg include {7} Xm={7}: seen=0x%lx\n", s);

	tprintf("prctl include all: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | INCL(0xffff)));
	check("irg include all", 0xffff, p, 0);
	check("irg include all Xm=0x00ff", 0xffff, p, 0x00ff);
	check("irg include all Xm=0x8001", 0xffff, p, 0x8001);
	tprintf("prctl include all but 0: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | INCL(0xfffe)));
	check("irg include 0xfffe", 0xfffe, p, 0);

	tprintf("prctl include none: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | INCL(0)));
	s = irg_seen(with_tag(p, 6), 0, &ok);
	tprintf("irg include none: seen=0x%lx addr_kept=%d\n", s, ok);

	/* IRG with SP as the source, and with an Xd that is used as a pointer afterwards */
	tagctrl_set(PR_TAGGED_ADDR_ENABLE | INCL(1 << 12));
	u64 spv, res;
	__asm__ volatile("mov %0, sp\n\tirg %1, sp" : "=&r"(spv), "=r"(res));
	tprintf("irg x, sp (include {12}): tag=%lu addr==sp %d\n", tag_of(res), untag(res) == spv);
	u64 t = irg0(p);
	stg(t);
	tprintf("stg of irg result: ldg tag=%d\n", mtag(p));
	return 0;
}
