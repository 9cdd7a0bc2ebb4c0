/* malloc/free/realloc/calloc churn: many sizes (small bins to mmap-sized blocks), patterns written and
   verified, realloc growth and shrink keeping contents, calloc zeroing of reused memory. Only checksums and
   counts are printed, never addresses. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint32_t next(void) {
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng >> 33);
}

#define SLOTS 512
static unsigned char *ptr[SLOTS];
static size_t len[SLOTS];
static unsigned char tag[SLOTS];

static size_t pick_size(void) {
	uint32_t r = next();
	switch (r & 7) {
	case 0: return 1 + (r >> 8) % 16;
	case 1: case 2: return 1 + (r >> 8) % 128;
	case 3: case 4: return 1 + (r >> 8) % 1024;
	case 5: return 1 + (r >> 8) % 8192;
	case 6: return 1 + (r >> 8) % 70000;
	default: return (r >> 8) % 200000 + 130000; /* above the mmap threshold */
	}
}

/* Blocks are marked in their first and last 64 bytes and at every 4 KiB boundary in between: enough to
   catch a block that moved or overlaps another, at a cost independent of the block's size. */
static size_t next_mark(size_t k, size_t n) {
	if (n <= 128 || k + 1 < 64 || k + 1 >= n - 64) return k + 1;
	size_t boundary = (k | 4095) + 1;
	return boundary < n - 64 ? boundary : n - 64;
}

static int verify(int i) {
	for (size_t k = 0; k < len[i]; k = next_mark(k, len[i]))
		if (ptr[i][k] != (unsigned char)(tag[i] + k)) return 0;
	return 1;
}

static void fill(int i) {
	for (size_t k = 0; k < len[i]; k = next_mark(k, len[i])) ptr[i][k] = (unsigned char)(tag[i] + k);
}

int main(void) {
	unsigned mallocs = 0, frees = 0, reallocs = 0, callocs = 0, bad = 0, nonzero = 0;
	uint64_t bytes = 0;
	for (int step = 0; step < 12000; step++) {
		int i = next() % SLOTS;
		uint32_t op = next() % 10;
		if (ptr[i] && !verify(i)) bad++;
		if (!ptr[i] && op < 6) {
			len[i] = pick_size();
			tag[i] = (unsigned char)next();
			ptr[i] = malloc(len[i]);
			if (!ptr[i]) { puts("malloc failed"); return 1; }
			fill(i);
			mallocs++;
			bytes += len[i];
		} else if (!ptr[i]) {
			size_t n = 1 + next() % 64, sz = 1 + next() % 96;
			ptr[i] = calloc(n, sz);
			len[i] = n * sz;
			for (size_t k = 0; k < len[i]; k++) nonzero += ptr[i][k] != 0;
			tag[i] = (unsigned char)next();
			fill(i);
			callocs++;
			bytes += len[i];
		} else if (op < 5) {
			free(ptr[i]);
			ptr[i] = NULL;
			frees++;
		} else {
			size_t nl = pick_size();
			unsigned char *q = realloc(ptr[i], nl);
			if (!q) { puts("realloc failed"); return 1; }
			size_t keep = nl < len[i] ? nl : len[i];
			for (size_t k = 0; k < keep; k = next_mark(k, len[i]))
				if (k < keep && q[k] != (unsigned char)(tag[i] + k)) { bad++; break; }
			ptr[i] = q;
			len[i] = nl;
			fill(i);
			reallocs++;
			bytes += nl;
		}
	}
	unsigned live = 0;
	for (int i = 0; i < SLOTS; i++) {
		if (!ptr[i]) continue;
		if (!verify(i)) bad++;
		live++;
		free(ptr[i]);
	}
	printf("malloc %u calloc %u realloc %u free %u live %u bytes %llu\n", mallocs, callocs, reallocs, frees, live,
		(unsigned long long)bytes);
	printf("corrupted %u calloc nonzero %u\n", bad, nonzero);

	/* a growing vector by doubling, and a linked list built and torn down */
	int *vec = NULL;
	size_t cap = 0;
	long long sum = 0;
	for (int k = 0; k < 100000; k++) {
		if ((size_t)k == cap) {
			cap = cap ? cap * 2 : 4;
			vec = realloc(vec, cap * sizeof *vec);
		}
		vec[k] = k * 3 - 7;
	}
	for (int k = 0; k < 100000; k++) sum += vec[k];
	free(vec);
	printf("vector cap %zu sum %lld\n", cap, sum);

	struct node { struct node *next; int v; char pad[20]; } *head = NULL;
	for (int k = 0; k < 20000; k++) {
		struct node *n = malloc(sizeof *n);
		n->v = k;
		n->next = head;
		head = n;
	}
	long total = 0;
	int count = 0;
	while (head) {
		struct node *n = head;
		head = n->next;
		total += n->v;
		count++;
		free(n);
	}
	printf("list %d nodes sum %ld\n", count, total);
	void *z = malloc(0);
	printf("malloc(0) %s, free(NULL) ok\n", z ? "non-null" : "null");
	free(z);
	free(NULL);
	void *huge = malloc((size_t)1 << 62);
	printf("malloc(2^62) %s\n", huge ? "succeeded" : "failed");
	return 0;
}
