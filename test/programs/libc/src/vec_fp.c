/* Auto-vectorised floating-point loops (built at -O3): saxpy/daxpy (fmla), element-wise arithmetic,
   float <-> double conversions (fcvtl/fcvtn), int <-> float conversions, min/max, sqrt, division, a matrix
   multiply (by-element fmla), compares and selects, and reductions. Results printed as hashes of the bits
   and as %a. Only operations whose order gcc keeps without -ffast-math (no re-association). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 2051
static float fa[N], fb[N], fr[N];
static double da[N], db[N], dr[N];
static int32_t ia[N], ir[N];
static int64_t la[N];

static void report(const char *what, const void *p, size_t n) {
	uint64_t h = 0xcbf29ce484222325ULL;
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
	printf("%-24s %016llx\n", what, (unsigned long long)h);
}

__attribute__((noinline)) static void arith(float k, double dk) {
	for (int i = 0; i < N; i++) fr[i] = k * fa[i] + fb[i];
	report("saxpy", fr, sizeof fr);
	for (int i = 0; i < N; i++) dr[i] = dk * da[i] + db[i];
	report("daxpy", dr, sizeof dr);
	for (int i = 0; i < N; i++) fr[i] = (fa[i] - fb[i]) * (fa[i] + fb[i]) / (fabsf(fb[i]) + 1.0f);
	report("float arith", fr, sizeof fr);
	for (int i = 0; i < N; i++) dr[i] = sqrt(fabs(da[i])) + da[i] / (db[i] + 3.0);
	report("double sqrt/div", dr, sizeof dr);
	for (int i = 0; i < N; i++) fr[i] = fmaxf(fa[i], fb[i]) - fminf(fa[i], 0.5f);
	report("fmaxnm/fminnm", fr, sizeof fr);
	for (int i = 0; i < N; i++) fr[i] = fa[i] > fb[i] ? fa[i] : -fb[i];
	report("compare/select", fr, sizeof fr);
	for (int i = 0; i < N; i++) fr[i] = -fa[i] * fb[i] - 1.0f;
	report("fnmul-ish", fr, sizeof fr);
}

__attribute__((noinline)) static void conversions(void) {
	for (int i = 0; i < N; i++) dr[i] = fa[i];
	report("float->double", dr, sizeof dr);
	for (int i = 0; i < N; i++) fr[i] = (float)da[i];
	report("double->float", fr, sizeof fr);
	for (int i = 0; i < N; i++) ir[i] = (int32_t)(fa[i] * 1000.0f);
	report("float->int", ir, sizeof ir);
	for (int i = 0; i < N; i++) fr[i] = (float)ia[i] * 0.25f;
	report("int->float", fr, sizeof fr);
	for (int i = 0; i < N; i++) dr[i] = (double)la[i];
	report("int64->double", dr, sizeof dr);
	for (int i = 0; i < N; i++) la[i] = (int64_t)(da[i] * 1e6);
	report("double->int64", la, sizeof la);
	for (int i = 0; i < N; i++) dr[i] = (double)ia[i] + 0.5;
	report("int32->double", dr, sizeof dr);
	for (int i = 0; i < N; i++) fr[i] = roundf(fa[i] * 10.0f) + floorf(fb[i]) + ceilf(fa[i]) + truncf(fb[i] * 3.0f);
	report("rounding", fr, sizeof fr);
	for (int i = 0; i < N; i++) ir[i] = (int32_t)lrintf(fa[i] * 7.0f);
	report("lrintf", ir, sizeof ir);
}

#define M 24
__attribute__((noinline)) static void matmul(void) {
	static float A[M][M], B[M][M], C[M][M];
	static double DA[M][M], DB[M][M], DC[M][M];
	for (int i = 0; i < M; i++)
		for (int j = 0; j < M; j++) {
			A[i][j] = fa[i * M + j];
			B[i][j] = fb[j * M + i];
			DA[i][j] = da[i * M + j];
			DB[i][j] = db[i + j];
		}
	for (int i = 0; i < M; i++)
		for (int j = 0; j < M; j++) {
			float s = 0;
			for (int k = 0; k < M; k++) s += A[i][k] * B[k][j];
			C[i][j] = s;
		}
	report("sgemm", C, sizeof C);
	for (int i = 0; i < M; i++)
		for (int j = 0; j < M; j++) DC[i][j] = 0;
	for (int i = 0; i < M; i++)
		for (int k = 0; k < M; k++)
			for (int j = 0; j < M; j++) DC[i][j] += DA[i][k] * DB[k][j];
	report("dgemm", DC, sizeof DC);
	float v[4] = {1.5f, -2.0f, 0.25f, 3.0f};
	for (int i = 0; i < N - 4; i += 4)
		for (int j = 0; j < 4; j++) fr[i + j] = fa[i] * v[j] + fb[i + 1] * v[3 - j];
	report("by-element", fr, sizeof fr);
}

__attribute__((noinline)) static void reductions(void) {
	float fmx = -INFINITY, fmn = INFINITY;
	for (int i = 0; i < N; i++) { fmx = fa[i] > fmx ? fa[i] : fmx; fmn = fa[i] < fmn ? fa[i] : fmn; }
	double dmx = -INFINITY;
	for (int i = 0; i < N; i++) dmx = fmax(dmx, da[i]);
	double dot = 0;
	for (int i = 0; i < N; i++) dot += da[i] * db[i];
	float fsum = 0;
	for (int i = 0; i < N; i++) fsum += fa[i];
	int pos = 0;
	for (int i = 0; i < N; i++) pos += fa[i] > 0.0f;
	printf("fmax %a fmin %a dmax %a dot %a fsum %a positive %d\n", (double)fmx, (double)fmn, dmx, dot, (double)fsum, pos);
}

int main(void) {
	uint64_t x = 0x2545f4914f6cdd1dULL;
	for (int i = 0; i < N; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		uint64_t r = x * 0x2545f4914f6cdd1dULL;
		fa[i] = (float)((int32_t)(r >> 32)) / 65536.0f;
		fb[i] = (float)((int32_t)r) / 16777216.0f;
		da[i] = (double)(int64_t)r / 4294967296.0;
		db[i] = (double)(int32_t)(r >> 16) / 1e3;
		ia[i] = (int32_t)(r >> 20);
		la[i] = (int64_t)r >> 3;
	}
	arith(1.75f, -0.625);
	conversions();
	matmul();
	reductions();
	return 0;
}
