/* Integer work: multiply/divide (including AArch64 divide-by-zero = 0), 128-bit arithmetic. */
#include "tiny.h"

typedef unsigned __int128 u128;
typedef __int128 i128;

static u64 udiv_asm(u64 a, u64 b)
{
	u64 r;
	__asm__ volatile("udiv %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
	return r;
}
static i64 sdiv_asm(i64 a, i64 b)
{
	i64 r;
	__asm__ volatile("sdiv %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
	return r;
}
static u32 udiv32_asm(u32 a, u32 b)
{
	u32 r;
	__asm__ volatile("udiv %w0, %w1, %w2" : "=r"(r) : "r"(a), "r"(b));
	return r;
}
static i32 sdiv32_asm(i32 a, i32 b)
{
	i32 r;
	__asm__ volatile("sdiv %w0, %w1, %w2" : "=r"(r) : "r"(a), "r"(b));
	return r;
}

static void print_u128(const char *label, u128 v)
{
	char buf[48];
	int n = 0;
	do {
		buf[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	char out[48];
	for (int i = 0; i < n; i++)
		out[i] = buf[n - 1 - i];
	out[n] = 0;
	tprintf("%s: %s\n", label, out);
}

static void print_x128(const char *label, u128 v)
{
	tprintf("%s: 0x%016lx%016lx\n", label, (u64)(v >> 64), (u64)v);
}

/* volatile inputs keep the compiler from constant folding */
static volatile u64 vu[] = {0, 1, 2, 3, 7, 10, 0xffffffffUL, 0x100000000UL, 0x7fffffffffffffffUL,
			    0x8000000000000000UL, 0xffffffffffffffffUL, 0x123456789abcdef0UL};
#define NV (int)(sizeof vu / sizeof vu[0])

int main(void)
{
	tprintf("udiv by 0: %lu %lu\n", udiv_asm(12345, 0), udiv_asm(~0UL, 0));
	tprintf("sdiv by 0: %ld %ld\n", sdiv_asm(-12345, 0), sdiv_asm(0x7fffffffffffffffL, 0));
	tprintf("sdiv INT64_MIN/-1: 0x%lx\n", (u64)sdiv_asm((i64)0x8000000000000000UL, -1));
	tprintf("32-bit: udiv by 0=%u sdiv by 0=%d INT32_MIN/-1=%d\n", udiv32_asm(7, 0), sdiv32_asm(-7, 0),
		sdiv32_asm((i32)0x80000000u, -1));
	tprintf("sdiv rounding: -7/2=%ld 7/-2=%ld -7%%2=%ld 7%%-2=%ld\n", sdiv_asm(-7, 2), sdiv_asm(7, -2),
		(i64)vu[0] - 7 - sdiv_asm(-7, 2) * 2, 7 - sdiv_asm(7, -2) * -2);

	u64 h = 0;
	for (int i = 0; i < NV; i++)
		for (int j = 0; j < NV; j++) {
			u64 a = vu[i], b = vu[j];
			u64 q = b ? a / b : 0, r = b ? a % b : 0;
			i64 sa = (i64)a, sb = (i64)b;
			i64 sq = (sb == 0 || (sb == -1 && sa == (i64)0x8000000000000000UL)) ? 0 : sa / sb;
			i64 sr = (sb == 0 || sb == -1) ? 0 : sa % sb;
			u64 hi = (u64)(((u128)a * b) >> 64);
			i64 shi = (i64)(((i128)sa * sb) >> 64);
			h = (h * 0x100000001b3UL) ^ q ^ (r << 1) ^ ((u64)sq << 2) ^ ((u64)sr << 3) ^ hi ^ ((u64)shi << 5) ^
			    (a * b);
		}
	tprintf("div/mod/mulh matrix hash: 0x%016lx\n", h);

	u64 a = vu[11], b = vu[10];
	tprintf("umulh(0x123456789abcdef0, ~0)=0x%lx smulh=0x%lx\n", (u64)(((u128)a * b) >> 64),
		(u64)(i64)(((i128)(i64)a * (i64)b) >> 64));
	u32 x32 = (u32)vu[6], y32 = 0x12345u;
	tprintf("umull 32x32->64: 0x%lx smull: %ld\n", (u64)x32 * y32, (i64)(i32)x32 * (i64)(i32)y32);
	tprintf("madd/msub: %lu %lu\n", vu[5] * vu[4] + vu[3], vu[11] - vu[5] * vu[4]);

	u128 f = 1;
	for (u32 i = 1; i <= 34; i++)
		f *= i;
	print_u128("34!", f);
	print_x128("34! hex", f);
	print_u128("34!/(17!)", f / 355687428096000UL);
	print_u128("34! mod 1000000007", f % 1000000007UL);
	u128 big = ((u128)0xfedcba9876543210UL << 64) | 0x0123456789abcdefUL;
	for (int s = 0; s < 128; s += 37)
		tprintf("shift %3d: shl=0x%016lx%016lx lsr=0x%016lx%016lx asr=0x%016lx%016lx\n", s,
			(u64)((big << s) >> 64), (u64)(big << s), (u64)((big >> s) >> 64), (u64)(big >> s),
			(u64)(((i128)big >> s) >> 64), (u64)((i128)big >> s));
	u128 sum = big + big, diff = (u128)vu[1] - big;
	print_x128("add128", sum);
	print_x128("sub128", diff);
	i128 neg = -(i128)big;
	print_x128("neg128", (u128)neg);
	print_u128("u128 max", ~(u128)0);
	print_u128("u128 max/3", ~(u128)0 / 3);

	/* modular exponentiation with 128-bit intermediate */
	u64 m = 0xffffffff00000001UL, base = 7, e = 0xfffffffe, r = 1;
	while (e) {
		if (e & 1)
			r = (u64)((u128)r * base % m);
		base = (u64)((u128)base * base % m);
		e >>= 1;
	}
	tprintf("7^(2^32-2) mod p = 0x%lx\n", r);

	/* gcd / lcm */
	u64 g1 = 1071, g2 = 462;
	while (g2) {
		u64 t = g1 % g2;
		g1 = g2;
		g2 = t;
	}
	tprintf("gcd(1071,462)=%lu\n", g1);
	/* 32-bit overflow wraps */
	u32 w = (u32)vu[6];
	w = w * w + 3;
	i32 sw = (i32)w;
	tprintf("u32 wrap: %u as i32: %d\n", w, sw);
	return 0;
}
