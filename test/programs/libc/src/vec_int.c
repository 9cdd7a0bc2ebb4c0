/* Auto-vectorised integer loops (built at -O3): element-wise add/sub/mul/min/max/abs, widening sums and
   products (uint8 -> uint16/uint32, int16 -> int32, int32 -> int64), narrowing stores, shifts, saturating
   clamps, absolute differences, byte histograms and searches, dot products and reductions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 4099
static uint8_t u8a[N], u8b[N], u8r[N];
static int8_t s8a[N];
static int16_t s16a[N], s16b[N], s16r[N];
static uint16_t u16a[N], u16r[N];
static int32_t s32a[N], s32b[N], s32r[N];
static uint32_t u32a[N], u32r[N];
static int64_t s64a[N], s64r[N];
static uint64_t u64r[N];

static uint64_t h;
static void mix(const void *p, size_t n) {
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
}
static void report(const char *what, const void *p, size_t n) {
	h = 0xcbf29ce484222325ULL;
	mix(p, n);
	printf("%-28s %016llx\n", what, (unsigned long long)h);
}

__attribute__((noinline)) static void widen_u8(void) {
	for (int i = 0; i < N; i++) u16r[i] = (uint16_t)(u8a[i] + u8b[i]);
	report("uaddl u8->u16", u16r, sizeof u16r);
	for (int i = 0; i < N; i++) u16r[i] = (uint16_t)(u8a[i] * u8b[i]);
	report("umull u8->u16", u16r, sizeof u16r);
	for (int i = 0; i < N; i++) u32r[i] = (uint32_t)u8a[i] * 1000u + u8b[i];
	report("u8->u32 madd", u32r, sizeof u32r);
	for (int i = 0; i < N; i++) u16r[i] = (uint16_t)(u16a[i] + u8a[i]);
	report("uaddw u16+u8", u16r, sizeof u16r);
	for (int i = 0; i < N; i++) u16r[i] = (uint16_t)(u8a[i] - u8b[i]);
	report("usubl", u16r, sizeof u16r);
}

__attribute__((noinline)) static void widen_s16(void) {
	for (int i = 0; i < N; i++) s32r[i] = s16a[i] * s16b[i];
	report("smull s16->s32", s32r, sizeof s32r);
	for (int i = 0; i < N; i++) s32r[i] += s16a[i] * 3 - s16b[i];
	report("smlal-ish", s32r, sizeof s32r);
	for (int i = 0; i < N; i++) s64r[i] = (int64_t)s32a[i] * s32b[i];
	report("smull s32->s64", s64r, sizeof s64r);
	for (int i = 0; i < N; i++) u64r[i] = (uint64_t)u32a[i] * u32a[N - 1 - i];
	report("umull u32->u64", u64r, sizeof u64r);
	for (int i = 0; i < N; i++) s64r[i] = s64a[i] + s32a[i];
	report("saddw s64+s32", s64r, sizeof s64r);
	for (int i = 0; i < N; i++) s32r[i] = s8a[i] * (int32_t)s16a[i];
	report("s8*s16->s32", s32r, sizeof s32r);
}

__attribute__((noinline)) static void narrow(void) {
	for (int i = 0; i < N; i++) u8r[i] = (uint8_t)(u16a[i] >> 8);
	report("shrn u16->u8", u8r, sizeof u8r);
	for (int i = 0; i < N; i++) s16r[i] = (int16_t)(s32a[i] >> 16);
	report("shrn s32->s16", s16r, sizeof s16r);
	for (int i = 0; i < N; i++) u8r[i] = (uint8_t)((u8a[i] + u8b[i] + 1) >> 1);
	report("urhadd", u8r, sizeof u8r);
	for (int i = 0; i < N; i++) {
		int v = s16a[i] / 64;
		s16r[i] = (int16_t)v;
	}
	report("sdiv by 64", s16r, sizeof s16r);
	for (int i = 0; i < N; i++) {
		int v = s32a[i] >> 12;
		u8r[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
	}
	report("clamp to u8", u8r, sizeof u8r);
	for (int i = 0; i < N; i++) {
		int v = u8a[i] + u8b[i];
		u8r[i] = (uint8_t)(v > 255 ? 255 : v);
	}
	report("uqadd u8", u8r, sizeof u8r);
	for (int i = 0; i < N; i++) {
		int v = s16a[i] - s16b[i];
		s16r[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
	}
	report("sqsub s16", s16r, sizeof s16r);
	for (int i = 0; i < N; i++) {
		int v = u8a[i] - u8b[i];
		u8r[i] = (uint8_t)(v < 0 ? 0 : v);
	}
	report("uqsub u8", u8r, sizeof u8r);
	for (int i = 0; i < N; i++) u16r[i] = (uint16_t)((u32a[i] * (uint64_t)0x9e3779b1u) >> 32);
	report("umulh-ish u32", u16r, sizeof u16r);
}

__attribute__((noinline)) static void elementwise(void) {
	for (int i = 0; i < N; i++) s32r[i] = s32a[i] < s32b[i] ? s32a[i] : s32b[i];
	report("smin s32", s32r, sizeof s32r);
	for (int i = 0; i < N; i++) u8r[i] = u8a[i] > u8b[i] ? u8a[i] : u8b[i];
	report("umax u8", u8r, sizeof u8r);
	for (int i = 0; i < N; i++) s32r[i] = abs(s32a[i] - s32b[i]);
	report("abs diff s32", s32r, sizeof s32r);
	for (int i = 0; i < N; i++) u8r[i] = (uint8_t)abs(u8a[i] - u8b[i]);
	report("uabd u8", u8r, sizeof u8r);
	for (int i = 0; i < N; i++) s32r[i] = (s32a[i] << 3) ^ (s32b[i] >> 5) ^ (int32_t)((uint32_t)s32a[i] >> 7);
	report("shifts s32", s32r, sizeof s32r);
	for (int i = 0; i < N; i++) s32r[i] = s32a[i] << (s32b[i] & 15);
	report("sshl by vector", s32r, sizeof s32r);
	for (int i = 0; i < N; i++) u32r[i] = u32a[i] >> (u32a[N - 1 - i] & 31);
	report("ushl by -vector", u32r, sizeof u32r);
	for (int i = 0; i < N; i++) s64r[i] = s64a[i] * 7 + (s64a[i] >> 3);
	report("s64 mul/shift", s64r, sizeof s64r);
	for (int i = 0; i < N; i++) s16r[i] = (int16_t)(s16a[i] * s16b[i] >> 15);
	report("q15 multiply", s16r, sizeof s16r);
	for (int i = 0; i < N; i++) s32r[i] = s32a[i] == s32b[i] ? -1 : (s32a[i] > 0 ? 1 : 2);
	report("compares", s32r, sizeof s32r);
}

__attribute__((noinline)) static void reductions(void) {
	uint32_t sum8 = 0;
	for (int i = 0; i < N; i++) sum8 += u8a[i];
	int64_t sum32 = 0;
	for (int i = 0; i < N; i++) sum32 += s32a[i];
	int32_t dot16 = 0;
	for (int i = 0; i < N; i++) dot16 += s16a[i] * s16b[i];
	int64_t dot32 = 0;
	for (int i = 0; i < N; i++) dot32 += (int64_t)s32a[i] * s32b[i];
	uint32_t sad = 0;
	for (int i = 0; i < N; i++) sad += (uint32_t)abs(u8a[i] - u8b[i]);
	int32_t mx = INT32_MIN, mn = INT32_MAX;
	for (int i = 0; i < N; i++) { mx = s32a[i] > mx ? s32a[i] : mx; mn = s32a[i] < mn ? s32a[i] : mn; }
	uint8_t bmax = 0;
	for (int i = 0; i < N; i++) bmax = u8a[i] > bmax ? u8a[i] : bmax;
	int count = 0;
	for (int i = 0; i < N; i++) count += u8a[i] == 'e';
	uint32_t xr = 0;
	for (int i = 0; i < N; i++) xr ^= u32a[i];
	uint16_t sum16 = 0;
	for (int i = 0; i < N; i++) sum16 += u16a[i];
	printf("sum8 %u sum32 %lld dot16 %d dot32 %lld sad %u\n", sum8, (long long)sum32, dot16, (long long)dot32, sad);
	printf("max %d min %d bmax %u count %d xor %08x sum16 %u\n", mx, mn, bmax, count, xr, sum16);
	unsigned hist[256] = {0};
	for (int i = 0; i < N; i++) hist[u8a[i]]++;
	report("histogram", hist, sizeof hist);
}

int main(void) {
	uint64_t x = 0x853c49e6748fea9bULL;
	for (int i = 0; i < N; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		uint32_t r = (uint32_t)(x >> 32), r2 = (uint32_t)x;
		u8a[i] = (uint8_t)r;
		u8b[i] = (uint8_t)(r >> 8);
		s8a[i] = (int8_t)(r >> 16);
		s16a[i] = (int16_t)r2;
		s16b[i] = (int16_t)(r2 >> 16);
		u16a[i] = (uint16_t)(r >> 13);
		s32a[i] = (int32_t)(r ^ (r2 << 7));
		s32b[i] = (int32_t)(r2 * 2654435761u);
		u32a[i] = r ^ r2;
		s64a[i] = (int64_t)x;
	}
	widen_u8();
	widen_s16();
	narrow();
	elementwise();
	reductions();
	return 0;
}
