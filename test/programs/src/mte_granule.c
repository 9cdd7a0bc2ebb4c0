/* MTE: accesses that span two granules compare every granule; the reported address is the
 * access start if the first granule fails, else the first byte of the first failing granule.
 * A faulting multi-granule store writes nothing. A part on an Untagged page is not checked.
 * MTE.md §2.6, §8. */
#include "mte.h"

static u64 p;

static u64 ld32(u64 a)
{
	u64 r = SENTINEL;
	__asm__ volatile("ldr %w0, [%1]" : "+r"(r) : "r"(a) : "memory");
	return r;
}
static u64 ld16(u64 a)
{
	u64 r = SENTINEL;
	__asm__ volatile("ldrh %w0, [%1]" : "+r"(r) : "r"(a) : "memory");
	return r;
}
static void ldp64(u64 a)
{
	u64 r1 = SENTINEL, r2 = SENTINEL;
	__asm__ volatile("ldp %0, %1, [%2]" : "+r"(r1), "+r"(r2) : "r"(a) : "memory");
}
static void stp64(u64 a, u64 v1, u64 v2) { __asm__ volatile("stp %1, %2, [%0]" : : "r"(a), "r"(v1), "r"(v2) : "memory"); }

#define CASE(label, expr)                                                                            \
	do {                                                                                         \
		fault_reset();                                                                       \
		expr;                                                                                \
		show_fault(label, p);                                                                \
	} while (0)

int main(void)
{
	p = map_mte(PAGE);
	tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff));
	sig_install(SIGSEGV, skip_handler, SA_EXPOSE_TAGBITS);
	/* granule tags: g0=3 g1=0 g2=3 g3=4 g4=4 */
	stg(with_tag(p, 3));
	stg(with_tag(p + 32, 3));
	stg(with_tag(p + 48, 4));
	stg(with_tag(p + 64, 4));
	tprintf("tags g0..g5: %d %d %d %d %d %d\n", mtag(p), mtag(p + 16), mtag(p + 32), mtag(p + 48), mtag(p + 64),
		mtag(p + 80));
	u64 t3 = with_tag(p, 3), t4 = with_tag(p, 4);

	CASE("ldr x tag3 at +8 (g0 only)", ld64(t3 + 8));
	CASE("ldr x tag3 at +12 (g0 ok, g1 bad)", ld64(t3 + 12));
	CASE("ldr x tag0 at +12 (g0 bad, g1 ok)", ld64(p + 12));
	CASE("ldr x tag4 at +12 (both bad)", ld64(with_tag(p + 12, 4)));
	CASE("ldr w tag3 at +14", ld32(t3 + 14));
	CASE("ldrh tag3 at +15", ld16(t3 + 15));
	CASE("ldrh tag0 at +31 (g1 ok, g2 bad)", ld16(p + 31));
	CASE("ldp tag3 at +8 (g0 ok, g1 bad)", ldp64(t3 + 8));
	CASE("ldp tag3 at +32 (g2 only)", ldp64(t3 + 32));
	CASE("ldp tag3 at +40 (g2 ok, g3 bad)", ldp64(t3 + 40));
	CASE("ldp tag4 at +48 (g3, g4 ok)", ldp64(t4 + 48));
	CASE("ldp tag4 at +56 (g3, g4 ok)", ldp64(t4 + 56));
	CASE("ldp tag4 at +72 (g4 ok, g5 bad)", ldp64(t4 + 72));

	/* a faulting straddling store writes neither half */
	poke64(p + 40, 0x1111);
	poke64(p + 48, 0x2222);
	CASE("stp tag3 at +40 (g2 ok, g3 bad)", stp64(t3 + 40, 0xaaaa, 0xbbbb));
	tprintf("  memory after: 0x%lx 0x%lx\n", peek64(p + 40), peek64(p + 48));
	poke64(p + 12, 0x0123456789abcdefUL);
	CASE("str x tag3 at +12 (g0 ok, g1 bad)", st64(t3 + 12, 0));
	tprintf("  memory after: 0x%lx\n", peek64(p + 12));
	CASE("str x tag0 at +28 (g1 ok, g2 bad)", st64(p + 28, 0));

	/* a tagged page followed by an untagged page: the untagged part is not checked */
	u64 m = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	tprintf("mprotect first page +MTE: %ld\n", sys_mprotect(m, PAGE, PROT_READ | PROT_WRITE | PROT_MTE));
	stg(with_tag(m + PAGE - 16, 6));
	fault_reset();
	ld64(with_tag(m + PAGE - 4, 6));
	show_fault("tag6 ldr x at page end (tagged g6 | untagged)", m);
	fault_reset();
	ld64(with_tag(m + PAGE - 4, 2));
	show_fault("tag2 ldr x at page end (tagged g6 | untagged)", m);
	u64 m2 = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	tprintf("mprotect second page +MTE: %ld\n", sys_mprotect(m2 + PAGE, PAGE, PROT_READ | PROT_WRITE | PROT_MTE));
	stg(with_tag(m2 + PAGE, 6));
	fault_reset();
	ld64(with_tag(m2 + PAGE - 4, 6));
	show_fault("tag6 ldr x at page end (untagged | tagged g6)", m2);
	fault_reset();
	ld64(with_tag(m2 + PAGE - 4, 1));
	show_fault("tag1 ldr x at page end (untagged | tagged g6)", m2);
	fault_reset();
	ldp64(with_tag(m2 + PAGE - 8, 6));
	show_fault("tag6 ldp at page end-8 (untagged | tagged g6)", m2);
	return 0;
}
