/* string.h over many lengths and alignments (glibc picks SIMD and DC ZVA implementations through ifuncs):
   memcpy, memmove (both directions), memset (incl. large zeroing), memcmp, memchr, memrchr, strlen,
   strnlen, strchr, strrchr, strcmp, strncmp, strcpy, stpcpy, strncpy, strcat, strstr, strspn, strcspn,
   strtok, strdup, strcasecmp. Every result is checked against a byte-by-byte reference. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BUF 5000
static unsigned char a[BUF + 128], b[BUF + 128], c[BUF + 128];
static unsigned fails;
static unsigned long checks;

static void check(int ok, const char *what, size_t n, size_t off) {
	checks++;
	if (!ok && fails++ < 20) printf("FAIL %s n=%zu off=%zu\n", what, n, off);
}

static void pattern(unsigned char *p, size_t n, unsigned seed) {
	for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed + i * 7 + (i >> 3));
}

static int sign(int x) { return (x > 0) - (x < 0); }

static int ref_memcmp(const unsigned char *x, const unsigned char *y, size_t n) {
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
	return 0;
}

static void mem_tests(void) {
	static const size_t lens[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 95, 96, 127, 128,
		129, 255, 256, 257, 511, 512, 513, 1000, 1023, 1024, 1025, 2048, 4095, 4096, 4097, 4999};
	for (unsigned li = 0; li < sizeof lens / sizeof lens[0]; li++) {
		size_t n = lens[li];
		for (size_t sa = 0; sa < 16; sa += (n > 600 ? 5 : 1)) {
			for (size_t da = 0; da < 16; da += (n > 600 ? 7 : 3)) {
				size_t span = n + 32; /* only the bytes a test can touch are prepared */
				pattern(a, sa + span, (unsigned)(n + sa));
				memset(b, 0xee, da + span);
				memcpy(b + da, a + sa, n);
				check(ref_memcmp(b + da, a + sa, n) == 0 && b[da + n] == 0xee && (da == 0 || b[da - 1] == 0xee),
					"memcpy", n, sa * 16 + da);
				check(memcmp(b + da, a + sa, n) == 0, "memcmp eq", n, sa);
				if (n) {
					size_t k = (n * 5) / 7;
					b[da + k] ^= 0x40;
					check(sign(memcmp(b + da, a + sa, n)) == ref_memcmp(b + da, a + sa, n), "memcmp ne", n, k);
					check(memchr(b + da, b[da + k], n) == memchr(b + da, b[da + k], k + 1), "memchr", n, k);
					unsigned char *r = memrchr(b + da, b[da + k], n);
					unsigned char *want = NULL;
					for (size_t i = n; i-- > 0;)
						if (b[da + i] == b[da + k]) { want = b + da + i; break; }
					check(r == want, "memrchr", n, k);
				}
				memset(c, 0x11, da + span);
				memset(c + da, (int)(n & 0xff), n);
				int ok = c[da + n] == 0x11 && (da == 0 || c[da - 1] == 0x11);
				for (size_t i = 0; i < n; i++) ok &= c[da + i] == (unsigned char)n;
				check(ok, "memset", n, da);
				/* overlapping moves, forwards and backwards */
				pattern(c, 16 + span, 3);
				memcpy(b, c, 16 + span);
				memmove(c + da + 5, c + sa, n);
				ok = 1;
				for (size_t i = 0; i < n; i++) ok &= c[da + 5 + i] == b[sa + i];
				check(ok, "memmove fwd", n, da);
				pattern(c, 16 + span, 9);
				memcpy(b, c, 16 + span);
				memmove(c + sa, c + da + 9, n);
				ok = 1;
				for (size_t i = 0; i < n; i++) ok &= c[sa + i] == b[da + 9 + i];
				check(ok, "memmove bwd", n, sa);
			}
		}
	}
	/* large zeroing: glibc uses DC ZVA above a threshold */
	unsigned char *big = malloc(300000);
	memset(big, 0x5a, 300000);
	memset(big + 3, 0, 299990);
	unsigned long sum = 0;
	for (size_t i = 0; i < 300000; i++) sum += big[i];
	printf("big memset sum %lu (expect %lu)\n", sum, 0x5aul * 10);
	unsigned char *big2 = malloc(300000);
	for (size_t i = 0; i < 300000; i++) big[i] = (unsigned char)(i * 13);
	memcpy(big2, big, 300000);
	printf("big memcpy equal %d\n", memcmp(big, big2, 300000) == 0);
	free(big);
	free(big2);
}

static void str_tests(void) {
	for (size_t n = 0; n < 300; n += (n < 70 ? 1 : 13)) {
		for (size_t al = 0; al < 16; al++) {
			char *s = (char *)a + al;
			for (size_t i = 0; i < n; i++) s[i] = (char)('a' + (i * 7 + n) % 26);
			s[n] = 0;
			s[n + 1] = 'Z';
			check(strlen(s) == n, "strlen", n, al);
			check(strnlen(s, n / 2) == n / 2 && strnlen(s, n + 10) == n, "strnlen", n, al);
			char *t = (char *)b + ((al * 5) & 15);
			check(strcpy(t, s) == t && strcmp(t, s) == 0 && strlen(t) == n, "strcpy", n, al);
			check(stpcpy(t, s) == t + n, "stpcpy", n, al);
			if (n) {
				char ch = s[n / 2];
				char *first = NULL, *last = NULL;
				for (size_t i = 0; i < n; i++) {
					if (s[i] == ch) { if (!first) first = s + i; last = s + i; }
				}
				check(strchr(s, ch) == first, "strchr", n, al);
				check(strrchr(s, ch) == last, "strrchr", n, al);
				check(strchr(s, 0) == s + n && strchr(s, 'Z') == NULL, "strchr nul", n, al);
				check(strchrnul(s, '!') == s + n, "strchrnul", n, al);
				t[n - 1]++;
				check(strcmp(t, s) > 0 && strcmp(s, t) < 0, "strcmp", n, al);
				check(strncmp(t, s, n - 1) == 0 && strncmp(t, s, n) > 0, "strncmp", n, al);
				t[n - 1]--;
			}
			check(strcmp(s, t) == 0, "strcmp eq", n, al);
		}
	}
	char buf[128];
	strcpy(buf, "alpha");
	strcat(buf, "-beta");
	{ volatile size_t six = 6; strncat(buf, "-gammadelta", six); }
	printf("strcat [%s] len %zu\n", buf, strlen(buf));
	memset(buf, 'x', sizeof buf);
	strncpy(buf, "abc", 6);
	printf("strncpy %d %d %d %c\n", buf[3], buf[4], buf[5], buf[6]);
	const char *hay = "the quick brown fox jumps over the lazy dog; the end";
	printf("strstr %ld %ld %s\n", strstr(hay, "the") - hay, strstr(hay, "lazy") - hay, strstr(hay, "cat") ? "yes" : "no");
	printf("strspn %zu strcspn %zu strpbrk %s\n", strspn(hay, "the "), strcspn(hay, "xyz"), strpbrk(hay, "jz"));
	printf("strcasecmp %d %d strncasecmp %d\n", strcasecmp("HeLLo", "hello"), sign(strcasecmp("abc", "ABD")),
		strncasecmp("ABCdef", "abcXYZ", 3));
	char *dup = strdup(hay);
	int words = 0;
	for (char *tok = strtok(dup, " ;"); tok; tok = strtok(NULL, " ;")) words++;
	printf("strtok words %d\n", words);
	free(dup);
	char *nd = strndup("truncate-me", 8);
	printf("strndup [%s]\n", nd);
	free(nd);
	/* long strings across page-sized lengths */
	char *ls = malloc(70000);
	memset(ls, 'q', 69999);
	ls[69999] = 0;
	ls[40000] = 'W';
	printf("long strlen %zu strchr %ld strrchr %ld\n", strlen(ls), strchr(ls, 'W') - ls, strrchr(ls, 'q') - ls);
	free(ls);
}

int main(void) {
	mem_tests();
	str_tests();
	printf("checks %lu failures %u\n", checks, fails);
	return fails != 0;
}
