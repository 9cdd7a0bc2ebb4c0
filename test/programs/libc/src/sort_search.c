/* qsort and bsearch: integers, doubles, strings and structs, stable-key checks, sorted/reversed/equal inputs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t seed = 12345;
static uint32_t lcg(void) { return seed = seed * 1103515245u + 12345u; }

static int cmp_int(const void *a, const void *b) {
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}
static int cmp_int_desc(const void *a, const void *b) { return cmp_int(b, a); }
static int cmp_dbl(const void *a, const void *b) {
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

struct rec { unsigned key; unsigned order; char name[12]; };
static int cmp_rec(const void *a, const void *b) {
	const struct rec *x = a, *y = b;
	if (x->key != y->key) return x->key < y->key ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static unsigned long hash_ints(const int *v, size_t n) {
	unsigned long h = 5381;
	for (size_t i = 0; i < n; i++) h = h * 33 + (unsigned)v[i];
	return h;
}

static int sorted(const int *v, size_t n) {
	for (size_t i = 1; i < n; i++)
		if (v[i - 1] > v[i]) return 0;
	return 1;
}

int main(void) {
	static int v[50000];
	static const size_t sizes[] = {0, 1, 2, 3, 7, 16, 100, 1000, 50000};
	for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		size_t n = sizes[s];
		for (size_t i = 0; i < n; i++) v[i] = (int)(lcg() >> 8) - (1 << 22);
		qsort(v, n, sizeof v[0], cmp_int);
		int ok = sorted(v, n);
		int found = 0, missing = 0;
		for (int k = 0; k < 2000 && n; k++) {
			int key = v[lcg() % n];
			int *p = bsearch(&key, v, n, sizeof v[0], cmp_int);
			found += p && *p == key;
			int absent = (int)(lcg() >> 8) - (1 << 22);
			if (!bsearch(&absent, v, n, sizeof v[0], cmp_int)) missing++;
		}
		printf("ints n=%zu sorted=%d hash=%lu found=%d missing=%d min=%d max=%d\n", n, ok, hash_ints(v, n), found,
			missing, n ? v[0] : 0, n ? v[n - 1] : 0);
	}
	for (size_t i = 0; i < 1000; i++) v[i] = (int)i;
	qsort(v, 1000, sizeof v[0], cmp_int_desc);
	printf("descending first %d last %d hash %lu\n", v[0], v[999], hash_ints(v, 1000));
	for (size_t i = 0; i < 1000; i++) v[i] = 7;
	qsort(v, 1000, sizeof v[0], cmp_int);
	printf("all equal hash %lu\n", hash_ints(v, 1000));

	static double d[4000];
	for (int i = 0; i < 4000; i++) d[i] = ((int)lcg() >> 4) / 65536.0;
	qsort(d, 4000, sizeof d[0], cmp_dbl);
	int dok = 1;
	for (int i = 1; i < 4000; i++) dok &= d[i - 1] <= d[i];
	printf("doubles sorted=%d first %.6f median %.6f last %.6f\n", dok, d[0], d[2000], d[3999]);

	static const char *words[] = {"pear", "apple", "fig", "banana", "kiwi", "cherry", "date", "grape", "lemon", "mango",
		"apricot", "lime", "plum", "peach", "quince", "melon", "olive", "papaya", "guava", "yuzu", "Zebra", "aardvark", ""};
	size_t nw = sizeof words / sizeof words[0];
	const char **w = malloc(nw * sizeof *w);
	memcpy(w, words, nw * sizeof *w);
	qsort(w, nw, sizeof *w, cmp_str);
	printf("strings:");
	for (size_t i = 0; i < nw; i++) printf(" [%s]", w[i]);
	printf("\n");
	const char *key = "mango";
	const char **hit = bsearch(&key, w, nw, sizeof *w, cmp_str);
	printf("bsearch mango at %ld, nothing %s\n", hit ? (long)(hit - w) : -1L,
		bsearch(&(const char *){"nothing"}, w, nw, sizeof *w, cmp_str) ? "found" : "absent");
	free(w);

	struct rec *r = malloc(3000 * sizeof *r);
	for (unsigned i = 0; i < 3000; i++) {
		r[i].key = lcg() % 50;
		r[i].order = i;
		snprintf(r[i].name, sizeof r[i].name, "r%u", i);
	}
	qsort(r, 3000, sizeof *r, cmp_rec);
	int rok = 1;
	unsigned long h = 0;
	for (unsigned i = 1; i < 3000; i++) rok &= cmp_rec(&r[i - 1], &r[i]) < 0;
	for (unsigned i = 0; i < 3000; i++) h = h * 131 + r[i].order;
	printf("records ordered=%d hash=%lu first %s last %s\n", rok, h, r[0].name, r[2999].name);
	free(r);
	return 0;
}
