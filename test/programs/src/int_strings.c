/* Integer work: number formatting/parsing, string and memory routines, a little text processing. */
#include "tiny.h"

static i64 parse_int(const char *s, int base, int *ok)
{
	i64 sign = 1;
	u64 v = 0;
	*ok = 0;
	while (*s == ' ')
		s++;
	if (*s == '-')
		sign = -1, s++;
	else if (*s == '+')
		s++;
	for (; *s; s++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'z')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'Z')
			d = *s - 'A' + 10;
		else
			break;
		if (d >= base)
			break;
		v = v * (u64)base + (u64)d;
		*ok = 1;
	}
	return (i64)v * sign;
}

static int to_base(u64 v, int base, char *out)
{
	char tmp[70];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % (u64)base];
		v /= (u64)base;
	} while (v);
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = 0;
	return n;
}

static void reverse_words(char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
		char t = s[i];
		s[i] = s[j];
		s[j] = t;
	}
	size_t st = 0;
	for (size_t i = 0; i <= n; i++)
		if (s[i] == ' ' || s[i] == 0) {
			for (size_t a = st, b = i ? i - 1 : 0; a < b && b != (size_t)-1; a++, b--) {
				char t = s[a];
				s[a] = s[b];
				s[b] = t;
			}
			st = i + 1;
		}
}

static char big[300];
static char text[] = "it was the best of times it was the worst of times it was the age of wisdom";

int main(void)
{
	tprintf("decimal: %ld %ld %lu %d %d\n", (i64)0x8000000000000000UL, (i64)0x7fffffffffffffffL,
		0xffffffffffffffffUL, (int)0x80000000u, -1);
	tprintf("hex: %x %lx %016lx %#x %X\n", 0xdeadbeefu, 0x123456789abcdefUL, 0xabcUL, 255u, 0xcafeu);
	tprintf("padding: [%5d] [%-5d] [%05d] [%3s] [%-6s] [%c%c]\n", 42, 42, -42, "abcdef", "ab", 'o', 'k');
	tprintf("short/char: %hd %hu %hhd %hhu\n", (short)-2, (unsigned short)65535, (signed char)-3,
		(unsigned char)250);
	char b[80];
	const int bases[] = {2, 3, 7, 8, 16, 36};
	for (int i = 0; i < 6; i++) {
		to_base(0xfedcba9876543210UL, bases[i], b);
		int ok;
		i64 back = parse_int(b, bases[i], &ok);
		tprintf("base %2d: %s roundtrip=%d\n", bases[i], b, (u64)back == 0xfedcba9876543210UL && ok);
	}
	const char *ins[] = {"  -12345", "+77", "zz", "0", "-9223372036854775808", "123abc"};
	for (int i = 0; i < 6; i++) {
		int ok;
		i64 v = parse_int(ins[i], 10, &ok);
		tprintf("parse('%s')=%ld ok=%d\n", ins[i], v, ok);
	}
	/* memcpy / memmove / memset / memcmp */
	for (int i = 0; i < 300; i++)
		big[i] = (char)('a' + i % 26);
	memmove(big + 10, big, 100);
	memmove(big + 150, big + 160, 100);
	memset(big + 50, '#', 7);
	memcpy(big + 280, "END", 3);
	u32 h = 0;
	for (int i = 0; i < 300; i++)
		h = h * 33 + (u8)big[i];
	tprintf("mem ops hash=0x%08x cmp=%d,%d,%d\n", h, memcmp("abc", "abd", 3) < 0,
		memcmp("abc", "abc", 3) == 0, memcmp("b", "a", 1) > 0);
	big[70] = 0;
	tprintf("slice: %s\n", big + 40);
	/* word frequency of 'was' and 'times' and longest word */
	int was = 0, times = 0;
	size_t longest = 0;
	for (char *p = text; *p;) {
		char *q = p;
		while (*q && *q != ' ')
			q++;
		size_t len = (size_t)(q - p);
		if (len == 3 && !memcmp(p, "was", 3))
			was++;
		if (len == 5 && !memcmp(p, "times", 5))
			times++;
		if (len > longest)
			longest = len;
		p = *q ? q + 1 : q;
	}
	tprintf("words: was=%d times=%d longest=%lu\n", was, times, longest);
	reverse_words(text);
	tprintf("reversed: %s\n", text);
	/* upper-case via bit ops, count vowels */
	char up[64];
	const char *src = "Hello, Tagscope World!";
	int vowels = 0;
	size_t i;
	for (i = 0; src[i]; i++) {
		char c = src[i];
		up[i] = (c >= 'a' && c <= 'z') ? (char)(c & ~0x20) : c;
		switch (c | 0x20) {
		case 'a': case 'e': case 'i': case 'o': case 'u': vowels++;
		}
	}
	up[i] = 0;
	tprintf("upper: %s vowels=%d len=%lu\n", up, vowels, strlen(up));
	return 0;
}
