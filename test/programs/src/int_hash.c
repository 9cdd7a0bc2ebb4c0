/* Integer work: checksums and hashes built from shifts, xors, rotates and multiplies. */
#include "tiny.h"

static u32 crc32_bitwise(const u8 *p, size_t n)
{
	u32 c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return ~c;
}

static u32 crc_table[256];
static u32 crc32_table(const u8 *p, size_t n)
{
	if (!crc_table[1])
		for (u32 i = 0; i < 256; i++) {
			u32 c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	u32 c = 0xffffffffu;
	while (n--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

static u32 crc32c_bitwise(const u8 *p, size_t n)
{
	u32 c = ~0u;
	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82F63B78u & -(c & 1));
	}
	return ~c;
}

static u32 adler32(const u8 *p, size_t n)
{
	u32 a = 1, b = 0;
	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return (b << 16) | a;
}

static u64 fnv1a64(const u8 *p, size_t n)
{
	u64 h = 0xcbf29ce484222325UL;
	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3UL;
	}
	return h;
}

static u32 djb2(const char *s)
{
	u32 h = 5381;
	while (*s)
		h = ((h << 5) + h) + (u8)*s++;
	return h;
}

static inline u64 rotl64(u64 x, int r) { return (x << r) | (x >> (64 - r)); }
static inline u32 rotl32(u32 x, int r) { return (x << r) | (x >> (32 - r)); }

static u32 murmur3_32(const u8 *key, size_t len, u32 seed)
{
	u32 h = seed;
	const u32 c1 = 0xcc9e2d51, c2 = 0x1b873593;
	size_t i = 0;
	for (; i + 4 <= len; i += 4) {
		u32 k = key[i] | (u32)key[i + 1] << 8 | (u32)key[i + 2] << 16 | (u32)key[i + 3] << 24;
		k *= c1;
		k = rotl32(k, 15);
		k *= c2;
		h ^= k;
		h = rotl32(h, 13);
		h = h * 5 + 0xe6546b64;
	}
	u32 k = 0;
	switch (len & 3) {
	case 3:
		k ^= (u32)key[i + 2] << 16;
		/* fallthrough */
	case 2:
		k ^= (u32)key[i + 1] << 8;
		/* fallthrough */
	case 1:
		k ^= key[i];
		k *= c1;
		k = rotl32(k, 15);
		k *= c2;
		h ^= k;
	}
	h ^= (u32)len;
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

static u64 splitmix64(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15UL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
	return z ^ (z >> 31);
}

static u64 xoshiro_s[4];
static u64 xoshiro256ss(void)
{
	u64 *s = xoshiro_s;
	u64 result = rotl64(s[1] * 5, 7) * 9;
	u64 t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

static u8 buf[4096];

int main(void)
{
	const char *msg = "The quick brown fox jumps over the lazy dog";
	size_t n = strlen(msg);
	tprintf("crc32(fox) bitwise=0x%08x table=0x%08x\n", crc32_bitwise((const u8 *)msg, n),
		crc32_table((const u8 *)msg, n));
	tprintf("crc32(123456789)=0x%08x crc32c=0x%08x\n", crc32_table((const u8 *)"123456789", 9),
		crc32c_bitwise((const u8 *)"123456789", 9));
	tprintf("adler32(Wikipedia)=0x%08x\n", adler32((const u8 *)"Wikipedia", 9));
	tprintf("fnv1a64(\"\")=0x%016lx fnv1a64(a)=0x%016lx fox=0x%016lx\n", fnv1a64((const u8 *)"", 0),
		fnv1a64((const u8 *)"a", 1), fnv1a64((const u8 *)msg, n));
	tprintf("djb2(hello)=%u\n", djb2("hello"));
	for (u32 len = 0; len <= 7; len++)
		tprintf("murmur3(fox[0..%u], 0x9747b28c)=0x%08x\n", len, murmur3_32((const u8 *)msg, len, 0x9747b28c));
	u64 s = 1234567;
	tprintf("splitmix64:");
	for (int i = 0; i < 4; i++) {
		xoshiro_s[i] = splitmix64(&s);
		tprintf(" %016lx", xoshiro_s[i]);
	}
	tprintf("\n");
	u64 acc = 0;
	for (int i = 0; i < 10000; i++)
		acc ^= xoshiro256ss() >> (i & 31);
	tprintf("xoshiro256** fold=0x%016lx next=0x%016lx\n", acc, xoshiro256ss());
	for (int i = 0; i < 4096; i++)
		buf[i] = (u8)(xoshiro256ss() >> 56);
	tprintf("4K buffer: crc32=0x%08x crc32c=0x%08x adler=0x%08x fnv=0x%016lx murmur=0x%08x\n",
		crc32_table(buf, sizeof buf), crc32c_bitwise(buf, sizeof buf), adler32(buf, sizeof buf),
		fnv1a64(buf, sizeof buf), murmur3_32(buf, sizeof buf, 42));
	return 0;
}
