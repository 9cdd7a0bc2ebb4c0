/* Integer work: bit manipulation (clz/ctz/rbit/rev/bitfields/rotates/popcount). */
#include "tiny.h"

static volatile u64 vals[] = {0,
			      1,
			      0x80,
			      0xff00,
			      0x12345678,
			      0x80000000,
			      0xdeadbeefcafebabeUL,
			      0x8000000000000000UL,
			      0xffffffffffffffffUL,
			      0x0123456789abcdefUL,
			      0x00f0000000000000UL};
#define NV (int)(sizeof vals / sizeof vals[0])

struct bf {
	u64 a : 3;
	u64 b : 13;
	i64 c : 7;
	u64 d : 41;
};

static u64 rbit64(u64 x)
{
	u64 r;
	__asm__("rbit %0, %1" : "=r"(r) : "r"(x));
	return r;
}
static u64 cls64(u64 x)
{
	u64 r;
	__asm__("cls %0, %1" : "=r"(r) : "r"(x));
	return r;
}

/* (not __builtin_popcountl: libgcc's __popcountdi2 uses SIMD cnt, and the suite stays integer-only) */
static int popcount_swar(u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555UL);
	x = (x & 0x3333333333333333UL) + ((x >> 2) & 0x3333333333333333UL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fUL;
	return (int)((x * 0x0101010101010101UL) >> 56);
}

static int popcount_loop(u64 x)
{
	int n = 0;
	while (x) {
		x &= x - 1;
		n++;
	}
	return n;
}

int main(void)
{
	for (int i = 0; i < NV; i++) {
		u64 v = vals[i];
		u32 w = (u32)v;
		tprintf("v=0x%016lx clz=%d ctz=%d clz32=%d cls=%lu pop=%d/%d rbit=0x%016lx rev=0x%016lx rev16=0x%08x "
			"rev32=0x%016lx\n",
			v, v ? __builtin_clzl(v) : 64, v ? __builtin_ctzl(v) : 64, w ? __builtin_clz(w) : 32, cls64(v),
			popcount_swar(v), popcount_loop(v), rbit64(v), __builtin_bswap64(v),
			(u32)__builtin_bswap16((u16)v) | ((u32)__builtin_bswap16((u16)(v >> 16)) << 16),
			((u64)__builtin_bswap32((u32)(v >> 32)) << 32) | __builtin_bswap32((u32)v));
	}
	/* bitfield insert/extract (bfi, ubfx, sbfx, bfxil) */
	struct bf s = {0, 0, 0, 0};
	u64 acc = 0;
	for (int i = 0; i < NV; i++) {
		u64 v = vals[i];
		s.a = v;
		s.b = v >> 3;
		s.c = (i64)(v >> 9);
		s.d = v ^ (v >> 7);
		acc = acc * 31 + s.a + s.b * 7 + (u64)(i64)s.c * 11 + s.d;
		u64 x = (v & ~0xff0UL) | ((v >> 20 & 0xff) << 4);
		i64 sx = ((i64)(v << 20)) >> 50;
		acc ^= x + (u64)sx;
	}
	tprintf("bitfields acc=0x%016lx last a=%lu b=%lu c=%ld d=0x%lx\n", acc, (u64)s.a, (u64)s.b, (i64)s.c,
		(u64)s.d);
	/* rotates and shifts by variable amounts */
	u64 r = 0;
	for (int k = 0; k < 70; k++) {
		u64 v = vals[k % NV];
		unsigned sh = (unsigned)k & 63;
		r += ((v << sh) | (v >> ((64 - sh) & 63))) ^ (v >> sh) ^ (u64)((i64)v >> sh);
		r ^= (u64)((u32)v << (k & 31)) + (u64)((i32)v >> (k & 31));
	}
	tprintf("shift/rotate mix=0x%016lx\n", r);
	/* parity, bit reversal by table, gray code */
	u64 gray = 0;
	for (u64 n = 0; n < 64; n++)
		gray += (n ^ (n >> 1)) << (n & 7);
	tprintf("gray fold=0x%lx parity(0xdeadbeef)=%d ffs=%d\n", gray, __builtin_parityl(0xdeadbeefUL ^ vals[1]),
		__builtin_ffsl((long)vals[3]));
	/* extr (funnel shift) */
	u64 hi = vals[6], lo = vals[9], ex;
	__asm__("extr %0, %1, %2, #24" : "=r"(ex) : "r"(hi), "r"(lo));
	tprintf("extr #24=0x%016lx\n", ex);
	/* sign/zero extension */
	u64 v = vals[6];
	tprintf("sxtb=%ld sxth=%ld sxtw=%ld uxtb=%lu uxth=%lu uxtw=%lu\n", (i64)(signed char)v, (i64)(short)v,
		(i64)(int)v, (u64)(u8)v, (u64)(u16)v, (u64)(u32)v);
	return 0;
}
