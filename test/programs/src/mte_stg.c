/* MTE: STG/STZG/ST2G/STZ2G in offset, pre-index and post-index forms; LDG read-back
 * (offset forms, alignment, keeps other Xt bits); tag comes from Xt|SP, not the address.
 * MTE.md §4.1 (encodings), §4.3 (semantics), §8. Tag checks off (TCF none). */
#include "mte.h"

static u64 b; /* base: page + 256, so negative offsets stay in the mapping */

static void dump(const char *label, int from, int count)
{
	tprintf("%s: granules[%d..%d] =", label, from, from + count - 1);
	for (int i = from; i < from + count; i++)
		tprintf(" %d", mtag(b + (u64)(i * 16)));
	tprintf("\n");
}

static void clear_tags(void) { set_tags(b - 256, 1024, 0); }

static void fill(u64 pat)
{
	for (u64 a = b - 256; a < b + 768; a += 8)
		poke64(a, pat ^ a);
}

/* count of 8-byte words in [b+from*16, +count*16) that are zero, and that still hold the fill pattern */
static void data(const char *label, int from, int count, u64 pat)
{
	int zero = 0, kept = 0;
	for (u64 a = b + (u64)(from * 16); a < b + (u64)((from + count) * 16); a += 8) {
		u64 v = peek64(a);
		zero += v == 0;
		kept += v == (pat ^ a);
	}
	tprintf("%s: data granules[%d..%d] zero_words=%d kept_words=%d\n", label, from, from + count - 1, zero, kept);
}

#define WB(insn)                                                                               \
	({                                                                                     \
		u64 _a = b;                                                                    \
		__asm__ volatile(insn : "+r"(_a) : "r"(t) : "memory");                         \
		(i64)(_a - b);                                                                 \
	})

int main(void)
{
	u64 page = map_mte(2 * PAGE);
	b = page + 256;
	tprintf("prctl: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | INCL(0xffff)));
	dump("fresh", -2, 10);

	u64 t = with_tag(0, 3);
	i64 wb;
	/* STG forms */
	wb = WB("stg %1, [%0]");
	tprintf("stg [b] wb=%ld\n", wb);
	t = with_tag(0, 4);
	wb = WB("stg %1, [%0, #32]");
	tprintf("stg [b,#32] wb=%ld\n", wb);
	t = with_tag(0, 5);
	wb = WB("stg %1, [%0, #-16]");
	tprintf("stg [b,#-16] wb=%ld\n", wb);
	t = with_tag(0, 6);
	wb = WB("stg %1, [%0, #48]!");
	tprintf("stg [b,#48]! wb=%ld\n", wb);
	t = with_tag(0, 7);
	wb = WB("stg %1, [%0], #-32");
	tprintf("stg [b],#-32 wb=%ld\n", wb);
	dump("after stg forms", -2, 10);

	/* the tag comes from Xt, not from the address register */
	u64 a = with_tag(b + 64, 12);
	__asm__ volatile("stg %1, [%0]" : : "r"(a), "r"(with_tag(0, 9)) : "memory");
	tprintf("stg Xt tag9 to address tagged 12: granule 4 = %d\n", mtag(b + 64));
	__asm__ volatile("stg sp, [%0]" : : "r"(b + 64) : "memory");
	tprintf("stg sp (tag 0) to granule 4: %d\n", mtag(b + 64));
	__asm__ volatile("stg %0, [%0, #4080]" : : "r"(with_tag(b - 256, 13)) : "memory");
	tprintf("stg [x,#4080]: granule at page+4080 = %d\n", mtag(b - 256 + 4080));

	/* STZG forms: zero the data */
	clear_tags();
	fill(0x1111222233334444UL);
	t = with_tag(0, 8);
	wb = WB("stzg %1, [%0]");
	tprintf("stzg [b] wb=%ld\n", wb);
	wb = WB("stzg %1, [%0, #48]!");
	tprintf("stzg [b,#48]! wb=%ld\n", wb);
	t = with_tag(0, 10);
	wb = WB("stzg %1, [%0], #16");
	tprintf("stzg [b],#16 wb=%ld\n", wb);
	dump("after stzg forms", -1, 6);
	data("after stzg forms", -1, 6, 0x1111222233334444UL);

	/* ST2G forms: two granules */
	clear_tags();
	t = with_tag(0, 9);
	wb = WB("st2g %1, [%0, #16]");
	tprintf("st2g [b,#16] (16- not 32-aligned) wb=%ld\n", wb);
	dump("after st2g [b,#16]", 0, 4);
	clear_tags();
	t = with_tag(0, 2);
	wb = WB("st2g %1, [%0, #64]!");
	tprintf("st2g [b,#64]! wb=%ld\n", wb);
	t = with_tag(0, 11);
	wb = WB("st2g %1, [%0], #-32");
	tprintf("st2g [b],#-32 wb=%ld\n", wb);
	t = with_tag(0, 1);
	wb = WB("st2g %1, [%0, #-64]");
	tprintf("st2g [b,#-64] wb=%ld\n", wb);
	dump("after st2g forms", -4, 10);

	/* STZ2G forms */
	clear_tags();
	fill(0x5555aaaa5555aaaaUL);
	t = with_tag(0, 14);
	wb = WB("stz2g %1, [%0, #32]");
	tprintf("stz2g [b,#32] wb=%ld\n", wb);
	t = with_tag(0, 15);
	wb = WB("stz2g %1, [%0, #96]!");
	tprintf("stz2g [b,#96]! wb=%ld\n", wb);
	t = with_tag(0, 1);
	wb = WB("stz2g %1, [%0], #-32");
	tprintf("stz2g [b],#-32 wb=%ld\n", wb);
	dump("after stz2g forms", -1, 10);
	data("after stz2g forms", -1, 10, 0x5555aaaa5555aaaaUL);

	/* LDG */
	clear_tags();
	stg(with_tag(b, 6));
	stg(with_tag(b + 16, 0xb));
	stg(with_tag(b - 16, 0xd));
	u64 r = ~0UL & ~(0xfUL << 56);
	__asm__ volatile("ldg %0, [%1]" : "+r"(r) : "r"(b) : "memory");
	tprintf("ldg into Xt=~0 (tag bits 0) from tag-6 granule: 0x%lx\n", r);
	r = 0;
	__asm__ volatile("ldg %0, [%1]" : "+r"(r) : "r"(b) : "memory");
	tprintf("ldg into Xt=0: 0x%lx\n", r);
	r = 0x1234;
	__asm__ volatile("ldg %0, [%1, #16]" : "+r"(r) : "r"(with_tag(b, 2)) : "memory");
	tprintf("ldg [b,#16] into Xt=0x1234: 0x%lx\n", r);
	r = with_tag(0, 5);
	__asm__ volatile("ldg %0, [%1, #-16]" : "+r"(r) : "r"(b) : "memory");
	tprintf("ldg [b,#-16] into Xt=tag5: 0x%lx\n", r);
	tprintf("ldg unaligned b+7 -> tag %d, b+31 -> tag %d, b+32 -> tag %d\n", mtag(b + 7), mtag(b + 31),
		mtag(b + 32));
	r = 0;
	__asm__ volatile("ldg %0, [sp]" : "+r"(r) : : "memory");
	tprintf("ldg [sp] (stack is not PROT_MTE): 0x%lx\n", r);
	return 0;
}
