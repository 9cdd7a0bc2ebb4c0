/* Integer work: multi-limb arithmetic (carry chains, umulh), sieve, collatz, integer sqrt. */
#include "tiny.h"

typedef unsigned __int128 u128;
#define LIMBS 64

/* little-endian array of 64-bit limbs */
static void bn_mul_small(u64 *a, int n, u64 m)
{
	u64 carry = 0;
	for (int i = 0; i < n; i++) {
		u128 t = (u128)a[i] * m + carry;
		a[i] = (u64)t;
		carry = (u64)(t >> 64);
	}
}

static void bn_add(u64 *r, const u64 *a, const u64 *b, int n)
{
	u64 c = 0;
	for (int i = 0; i < n; i++) {
		u64 s;
		u64 c1 = __builtin_add_overflow(a[i], b[i], &s);
		u64 c2 = __builtin_add_overflow(s, c, &r[i]);
		c = c1 | c2;
	}
}

static void bn_sub(u64 *r, const u64 *a, const u64 *b, int n)
{
	u64 br = 0;
	for (int i = 0; i < n; i++) {
		u64 d;
		u64 b1 = __builtin_sub_overflow(a[i], b[i], &d);
		u64 b2 = __builtin_sub_overflow(d, br, &r[i]);
		br = b1 | b2;
	}
}

static u64 bn_divmod_small(u64 *a, int n, u64 d)
{
	u128 rem = 0;
	for (int i = n - 1; i >= 0; i--) {
		u128 cur = (rem << 64) | a[i];
		a[i] = (u64)(cur / d);
		rem = cur % d;
	}
	return (u64)rem;
}

static int bn_is_zero(const u64 *a, int n)
{
	for (int i = 0; i < n; i++)
		if (a[i])
			return 0;
	return 1;
}

static u64 digit_sum(const u64 *src, int n, int *ndigits)
{
	u64 tmp[LIMBS];
	for (int i = 0; i < n; i++)
		tmp[i] = src[i];
	u64 s = 0;
	int d = 0;
	while (!bn_is_zero(tmp, n)) {
		u64 r = bn_divmod_small(tmp, n, 10000000000000000000UL);
		for (int k = 0; k < 19; k++) {
			s += r % 10;
			r /= 10;
			d++;
		}
	}
	*ndigits = d;
	return s;
}

static void bn_mul(u64 *r, const u64 *a, const u64 *b, int n)
{
	u64 t[2 * LIMBS];
	for (int i = 0; i < 2 * n; i++)
		t[i] = 0;
	for (int i = 0; i < n; i++) {
		u64 carry = 0;
		for (int j = 0; j < n; j++) {
			u128 p = (u128)a[i] * b[j] + t[i + j] + carry;
			t[i + j] = (u64)p;
			carry = (u64)(p >> 64);
		}
		t[i + n] = carry;
	}
	for (int i = 0; i < n; i++)
		r[i] = t[i];
}

static u8 sieve[100001];

static u64 isqrt(u64 x)
{
	u64 r = 0, bit = 1UL << 62;
	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else
			r >>= 1;
		bit >>= 2;
	}
	return r;
}

int main(void)
{
	u64 a[LIMBS], b[LIMBS], c[LIMBS];
	int nd;
	for (int i = 0; i < LIMBS; i++)
		a[i] = 0;
	a[0] = 1;
	for (int i = 1; i <= 100; i++)
		bn_mul_small(a, LIMBS, (u64)i);
	tprintf("100!: digit sum=%lu digits=%d\n", digit_sum(a, LIMBS, &nd), nd);
	for (int i = 0; i < LIMBS; i++)
		b[i] = 0;
	b[1000 / 64] = 1UL << (1000 % 64);
	tprintf("2^1000: digit sum=%lu\n", digit_sum(b, LIMBS, &nd));
	/* fib(500) via bn_add */
	u64 f0[LIMBS] = {0}, f1[LIMBS] = {0};
	f1[0] = 1;
	for (int i = 0; i < 500; i++) {
		bn_add(c, f0, f1, 8);
		for (int k = 0; k < 8; k++) {
			f0[k] = f1[k];
			f1[k] = c[k];
		}
	}
	tprintf("fib(500): top=0x%lx digitsum=%lu\n", f0[5], digit_sum(f0, 8, &nd));
	bn_sub(c, f1, f0, 8);
	tprintf("fib(501)-fib(500)==fib(499) low limb=0x%016lx\n", c[0]);
	/* (2^127-1)^2 via bn_mul */
	u64 m[4] = {~0UL, 0x7fffffffffffffffUL, 0, 0}, sq[4];
	bn_mul(sq, m, m, 4);
	tprintf("(2^127-1)^2 = 0x%016lx%016lx%016lx%016lx\n", sq[3], sq[2], sq[1], sq[0]);

	/* sieve of Eratosthenes */
	for (int i = 0; i <= 100000; i++)
		sieve[i] = (u8)(i >= 2);
	for (int i = 2; i * i <= 100000; i++)
		if (sieve[i])
			for (int j = i * i; j <= 100000; j += i)
				sieve[j] = 0;
	int cnt = 0, last = 0;
	u64 psum = 0;
	for (int i = 0; i <= 100000; i++)
		if (sieve[i])
			cnt++, last = i, psum += (u64)i;
	tprintf("primes<=100000: count=%d last=%d sum=%lu\n", cnt, last, psum);

	/* longest collatz chain under 30000 */
	u32 best = 0, best_n = 0;
	for (u32 n = 1; n < 30000; n++) {
		u64 x = n;
		u32 steps = 0;
		while (x != 1) {
			x = (x & 1) ? 3 * x + 1 : x >> 1;
			steps++;
		}
		if (steps > best)
			best = steps, best_n = n;
	}
	tprintf("collatz<30000: n=%u steps=%u\n", best_n, best);
	tprintf("isqrt: %lu %lu %lu\n", isqrt(1000000), isqrt(0xffffffffffffffffUL), isqrt(99));
	return 0;
}
