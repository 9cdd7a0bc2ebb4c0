/* Integer work: several sorting algorithms over deterministic pseudo-random data. */
#include "tiny.h"

static u64 lcg_state = 0x2545F4914F6CDD1DUL;
static u64 lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005UL + 1442695040888963407UL;
	return lcg_state >> 17;
}

static void insertion_i32(i32 *a, int n)
{
	for (int i = 1; i < n; i++) {
		i32 v = a[i];
		int j = i - 1;
		while (j >= 0 && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

static void quick_u64(u64 *a, long lo, long hi)
{
	while (lo < hi) {
		u64 pivot = a[lo + (hi - lo) / 2];
		long i = lo, j = hi;
		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				u64 t = a[i];
				a[i] = a[j];
				a[j] = t;
				i++;
				j--;
			}
		}
		/* recurse on the smaller half */
		if (j - lo < hi - i) {
			quick_u64(a, lo, j);
			lo = i;
		} else {
			quick_u64(a, i, hi);
			hi = j;
		}
	}
}

static void sift(i64 *a, long start, long end)
{
	long root = start;
	while (2 * root + 1 <= end) {
		long child = 2 * root + 1, sw = root;
		if (a[sw] < a[child])
			sw = child;
		if (child + 1 <= end && a[sw] < a[child + 1])
			sw = child + 1;
		if (sw == root)
			return;
		i64 t = a[root];
		a[root] = a[sw];
		a[sw] = t;
		root = sw;
	}
}

static void heap_i64(i64 *a, long n)
{
	for (long s = (n - 2) / 2; s >= 0; s--)
		sift(a, s, n - 1);
	for (long end = n - 1; end > 0; end--) {
		i64 t = a[end];
		a[end] = a[0];
		a[0] = t;
		sift(a, 0, end - 1);
	}
}

static u16 tmp16[512];
static void merge_u16(u16 *a, int n)
{
	for (int w = 1; w < n; w *= 2) {
		for (int lo = 0; lo < n; lo += 2 * w) {
			int mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			int i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp16[k++] = a[i] <= a[j] ? a[i++] : a[j++];
			while (i < mid)
				tmp16[k++] = a[i++];
			while (j < hi)
				tmp16[k++] = a[j++];
		}
		for (int i = 0; i < n; i++)
			a[i] = tmp16[i];
	}
}

static void counting_u8(u8 *a, int n)
{
	u32 cnt[256];
	for (int i = 0; i < 256; i++)
		cnt[i] = 0;
	for (int i = 0; i < n; i++)
		cnt[a[i]]++;
	int k = 0;
	for (int v = 0; v < 256; v++)
		for (u32 c = 0; c < cnt[v]; c++)
			a[k++] = (u8)v;
}

static const char *words[] = {"pear", "apple", "fig", "banana", "kiwi", "cherry", "date", "apricot", "grape", "lime"};
static void sort_strings(const char **w, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = n - 1; j > i; j--)
			if (strcmp(w[j - 1], w[j]) > 0) {
				const char *t = w[j - 1];
				w[j - 1] = w[j];
				w[j] = t;
			}
}

static i32 ai[300];
static u64 au[1000];
static i64 al[777];
static u16 ah[500];
static u8 ab[1024];

int main(void)
{
	u64 h;
	int ok;

	for (int i = 0; i < 300; i++)
		ai[i] = (i32)(lcg() & 0xffff) - 30000;
	insertion_i32(ai, 300);
	ok = 1;
	h = 0;
	for (int i = 0; i < 300; i++) {
		if (i && ai[i - 1] > ai[i])
			ok = 0;
		h = h * 31 + (u32)ai[i];
	}
	tprintf("insertion i32: sorted=%d min=%d max=%d median=%d hash=0x%lx\n", ok, ai[0], ai[299], ai[150], h);

	for (int i = 0; i < 1000; i++)
		au[i] = lcg() * 0x9E3779B97F4A7C15UL;
	quick_u64(au, 0, 999);
	ok = 1;
	h = 0;
	for (int i = 0; i < 1000; i++) {
		if (i && au[i - 1] > au[i])
			ok = 0;
		h ^= au[i] + 0x9e3779b97f4a7c15UL + (h << 6) + (h >> 2);
	}
	tprintf("quicksort u64: sorted=%d first=0x%lx last=0x%lx hash=0x%lx\n", ok, au[0], au[999], h);

	for (int i = 0; i < 777; i++)
		al[i] = (i64)(lcg() << 20) - (i64)(lcg() << 19);
	heap_i64(al, 777);
	ok = 1;
	h = 0;
	for (int i = 0; i < 777; i++) {
		if (i && al[i - 1] > al[i])
			ok = 0;
		h = (h ^ (u64)al[i]) * 0x100000001b3UL;
	}
	tprintf("heapsort i64: sorted=%d min=%ld max=%ld hash=0x%lx\n", ok, al[0], al[776], h);

	for (int i = 0; i < 500; i++)
		ah[i] = (u16)lcg();
	merge_u16(ah, 500);
	ok = 1;
	h = 0;
	for (int i = 0; i < 500; i++) {
		if (i && ah[i - 1] > ah[i])
			ok = 0;
		h = h * 65599 + ah[i];
	}
	tprintf("mergesort u16: sorted=%d min=%u max=%u hash=0x%lx\n", ok, ah[0], ah[499], h);

	for (int i = 0; i < 1024; i++)
		ab[i] = (u8)(lcg() >> 3);
	counting_u8(ab, 1024);
	ok = 1;
	h = 0;
	for (int i = 0; i < 1024; i++) {
		if (i && ab[i - 1] > ab[i])
			ok = 0;
		h += (u64)ab[i] * (u64)(i + 1);
	}
	tprintf("counting u8: sorted=%d min=%u max=%u weighted=%lu\n", ok, ab[0], ab[1023], h);

	const char *w[10];
	for (int i = 0; i < 10; i++)
		w[i] = words[i];
	sort_strings(w, 10);
	tprintf("strings:");
	for (int i = 0; i < 10; i++)
		tprintf(" %s", w[i]);
	tprintf("\n");
	return 0;
}
