/* Tagscope guest runtime: MTE helpers (inline asm, need -march=armv8.5-a+memtag). */
#ifndef MTE_H
#define MTE_H
#include "tiny.h"

#define GRANULE 16UL
#define PAGE 4096UL
#define TAG_SHIFT 56

static inline u64 tag_of(u64 p) { return (p >> 56) & 0xf; }
static inline u64 with_tag(u64 p, u64 t) { return (p & ~(0xfUL << 56)) | ((t & 0xf) << 56); }
static inline u64 untag(u64 p) { return p & 0x00ffffffffffffffUL; }

static inline u64 irg(u64 p, u64 excl)
{
	u64 r;
	__asm__ volatile("irg %0, %1, %2" : "=r"(r) : "r"(p), "r"(excl));
	return r;
}
static inline u64 irg0(u64 p)
{
	u64 r;
	__asm__ volatile("irg %0, %1" : "=r"(r) : "r"(p));
	return r;
}
static inline u64 gmi(u64 p, u64 m)
{
	u64 r;
	__asm__("gmi %0, %1, %2" : "=r"(r) : "r"(p), "r"(m));
	return r;
}
/* STG: tag of p stored to granule at p. */
static inline void stg(u64 p) { __asm__ volatile("stg %0, [%0]" : : "r"(p) : "memory"); }
static inline void st2g(u64 p) { __asm__ volatile("st2g %0, [%0]" : : "r"(p) : "memory"); }
static inline void stzg(u64 p) { __asm__ volatile("stzg %0, [%0]" : : "r"(p) : "memory"); }
/* LDG: returns p with bits 59:56 replaced by the allocation tag of its granule. */
static inline u64 ldg(u64 p)
{
	u64 r = p;
	__asm__ volatile("ldg %0, [%1]" : "+r"(r) : "r"(p) : "memory");
	return r;
}
/* Allocation tag of the granule containing address a. */
static inline int mtag(u64 a) { return (int)tag_of(ldg(a)); }

/* Set tags of [p, p+n) (n multiple of 16) to tag t. */
static inline void set_tags(u64 p, u64 n, u64 t)
{
	for (u64 a = untag(p); a < untag(p) + n; a += 16)
		stg(with_tag(a, t));
}

static inline u64 tco_read(void)
{
	u64 r;
	__asm__ volatile("mrs %0, tco" : "=r"(r));
	return r;
}
static inline void tco_set(void) { __asm__ volatile("msr tco, #1" ::: "memory"); }
static inline void tco_clear(void) { __asm__ volatile("msr tco, #0" ::: "memory"); }
static inline u64 dczid(void)
{
	u64 r;
	__asm__ volatile("mrs %0, dczid_el0" : "=r"(r));
	return r;
}

/* Checked accesses whose destination keeps SENTINEL if the access faults and is skipped. */
#define SENTINEL 0x5e5e5e5e5e5e5e5eUL
static inline u64 ld64(u64 p)
{
	u64 r = SENTINEL;
	__asm__ volatile("ldr %0, [%1]" : "+r"(r) : "r"(p) : "memory");
	return r;
}
static inline u64 ld8(u64 p)
{
	u64 r = SENTINEL;
	__asm__ volatile("ldrb %w0, [%1]" : "+r"(r) : "r"(p) : "memory");
	return r;
}
static inline void st64(u64 p, u64 v) { __asm__ volatile("str %1, [%0]" : : "r"(p), "r"(v) : "memory"); }
static inline void st8(u64 p, u64 v) { __asm__ volatile("strb %w1, [%0]" : : "r"(p), "r"(v) : "memory"); }
/* Unchecked-by-construction (TCO is set around the access) peek/poke for checking memory contents. */
static inline u64 peek64(u64 p)
{
	u64 r;
	__asm__ volatile("msr tco, #1\n\tldr %0, [%1]\n\tmsr tco, #0" : "=r"(r) : "r"(p) : "memory");
	return r;
}
static inline void poke64(u64 p, u64 v)
{
	__asm__ volatile("msr tco, #1\n\tstr %1, [%0]\n\tmsr tco, #0" : : "r"(p), "r"(v) : "memory");
}

static inline long tagctrl_set(u64 flags) { return sys_prctl(PR_SET_TAGGED_ADDR_CTRL, (long)flags, 0, 0, 0); }
static inline long tagctrl_get(void) { return sys_prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0); }
#define INCL(mask) ((u64)(mask) << PR_MTE_TAG_SHIFT)

/* Anonymous private mapping; prot_extra may include PROT_MTE. Exits(99) on failure. */
static inline u64 map_anon(u64 len, int prot)
{
	long r = sys_mmap(0, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r < 0 && r > -4096) {
		tfprintf(2, "mmap failed: %ld\n", r);
		sys_exit_group(99);
	}
	return (u64)r;
}
static inline u64 map_mte(u64 len) { return map_anon(len, PROT_READ | PROT_WRITE | PROT_MTE); }

/* Print the last recorded fault as: "<label>: <kind>" with the address given relative to base
 * (offset of bits 55:0 from base, plus the top byte separately). */
static inline void show_fault(const char *label, u64 base)
{
	if (flog.count == 0) {
		tprintf("%s: no fault\n", label);
		return;
	}
	u64 a = flog.addr;
	if (a == 0)
		tprintf("%s: faults=%d signo=%d si_code=%d addr=0\n", label, flog.count, flog.signo, flog.code);
	else
		tprintf("%s: faults=%d signo=%d si_code=%d addr=base%+ld top=0x%02lx\n", label, flog.count, flog.signo,
			flog.code, (i64)(untag(a) - untag(base)), a >> 56);
}
#endif
