/* libm: sqrt, cbrt, pow, exp, exp2, expm1, log, log2, log10, log1p, sin, cos, tan, asin, acos, atan, atan2,
   sinh, cosh, tanh, hypot, fmod, remainder, floor, ceil, round, trunc, rint, lrint, nearbyint, frexp, ldexp,
   modf, fma, fmin/fmax, copysign, nextafter, erf, lgamma, tgamma; single-precision variants; special values.
   Every result is printed in %a (exact bits) and %.17g. */
#include <fenv.h>
#include <math.h>
#include <stdio.h>

typedef double (*f1)(double);
typedef double (*f2)(double, double);
typedef float (*g1)(float);

static const double inputs[] = {0.0, -0.0, 0.5, 1.0, -1.0, 2.0, 3.0, 0.1, 1e-5, 10.0, 100.5, -7.25, 1e10, 1e-300,
	3.14159265358979, 0.7853981633974483, 710.0, -745.0, INFINITY, -INFINITY, NAN};

#define N1(f) {#f, f}
static const struct { const char *name; f1 fn; } unary[] = {
	N1(sqrt), N1(cbrt), N1(exp), N1(exp2), N1(expm1), N1(log), N1(log2), N1(log10), N1(log1p), N1(sin), N1(cos),
	N1(tan), N1(asin), N1(acos), N1(atan), N1(sinh), N1(cosh), N1(tanh), N1(floor), N1(ceil), N1(round),
	N1(trunc), N1(rint), N1(nearbyint), N1(fabs), N1(erf), N1(erfc), N1(lgamma), N1(tgamma), N1(asinh), N1(atanh),
};
static const struct { const char *name; f2 fn; } binary[] = {
	N1(pow), N1(atan2), N1(hypot), N1(fmod), N1(remainder), N1(fmin), N1(fmax), N1(copysign), N1(nextafter), N1(fdim),
};
float powf_sq(float x);
float powf_sq(float x) { return powf(x, 1.5f); }

static const struct { const char *name; g1 fn; } single[] = {
	N1(sqrtf), N1(expf), N1(logf), N1(sinf), N1(cosf), N1(tanf), N1(atanf), N1(powf_sq), N1(floorf), N1(roundf),
	N1(cbrtf), N1(log2f), N1(exp2f),
};

int main(void) {
	unsigned n = sizeof inputs / sizeof inputs[0];
	for (unsigned k = 0; k < sizeof unary / sizeof unary[0]; k++)
		for (unsigned i = 0; i < n; i++) {
			double r = unary[k].fn(inputs[i]);
			printf("%s(%g) = %a %.17g\n", unary[k].name, inputs[i], r, r);
		}
	for (unsigned k = 0; k < sizeof binary / sizeof binary[0]; k++)
		for (unsigned i = 0; i < n; i += 2)
			for (unsigned j = 1; j < n; j += 3) {
				double r = binary[k].fn(inputs[i], inputs[j]);
				printf("%s(%g, %g) = %a\n", binary[k].name, inputs[i], inputs[j], r);
			}
	for (unsigned k = 0; k < sizeof single / sizeof single[0]; k++)
		for (unsigned i = 0; i < n; i++) {
			float r = single[k].fn((float)inputs[i]);
			printf("%s(%g) = %a\n", single[k].name, (double)(float)inputs[i], (double)r);
		}
	for (unsigned i = 0; i < n; i++) {
		int e;
		double ip, fr = frexp(inputs[i], &e), mf = modf(inputs[i], &ip);
		printf("frexp %a %d modf %a %a ldexp %a ilogb %d lrint %ld llround %lld\n", fr, e, mf, ip, ldexp(inputs[i], 7),
			isfinite(inputs[i]) && inputs[i] != 0 ? ilogb(inputs[i]) : 0,
			isfinite(inputs[i]) && fabs(inputs[i]) < 1e15 ? lrint(inputs[i]) : 0,
			isfinite(inputs[i]) && fabs(inputs[i]) < 1e15 ? llround(inputs[i]) : 0);
	}
	printf("fma %a %a\n", fma(0.1, 10.0, -1.0), fmaf(0.1f, 10.0f, -1.0f));
	printf("classify %d %d %d %d %d signbit %d %d\n", fpclassify(0.0), fpclassify(1e-310), fpclassify(1.0),
		fpclassify(INFINITY), fpclassify(NAN), signbit(-0.0) != 0, signbit(0.0) != 0);
	/* rounding modes through fesetround (FPCR.RMode): rint follows the mode */
	static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
	for (int m = 0; m < 4; m++) {
		fesetround(modes[m]);
		volatile double x = 2.5, y = -2.5;
		printf("mode %d: rint %g %g nearbyint %g lrint %ld\n", m, rint(x), rint(y), nearbyint(-1.5), lrint(3.5));
	}
	fesetround(FE_TONEAREST);
	feclearexcept(FE_ALL_EXCEPT);
	volatile double z = 0.0, one = 1.0;
	volatile double q = one / z;
	printf("divbyzero flag %d (q=%g)\n", fetestexcept(FE_DIVBYZERO) != 0, q);
	feclearexcept(FE_ALL_EXCEPT);
	q = sqrt(-one);
	printf("invalid flag %d inexact %d\n", fetestexcept(FE_INVALID) != 0, fetestexcept(FE_INEXACT) != 0);
	double acc = 0;
	for (int i = 1; i <= 20000; i++) acc += sin(i * 0.001) * exp(-i * 1e-4) + sqrt((double)i) / log(i + 1.0);
	printf("series %.17g\n", acc);
	return 0;
}
