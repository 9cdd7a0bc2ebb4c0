/* printf/snprintf of integers and floats (%d %u %x %o %ld %lld %zu %c %s %p-free, %f %e %g %a), width,
   precision and flags; strtol/strtoul/strtod/strtof round trips, including errno on overflow. */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ints(void) {
	static const long long v[] = {0, 1, -1, 42, -42, 127, -128, 255, 32767, -32768, 65535, INT_MAX, INT_MIN,
		UINT_MAX, LLONG_MAX, LLONG_MIN, 1234567890123LL, -987654321098765LL};
	for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
		long long x = v[i];
		printf("int %d|%5d|%-5d|%05d|%+d|% d|%u|%x|%X|%#x|%o|%#o|%lld|%llx|%20lld|%-20lld|\n", (int)x, (int)x, (int)x,
			(int)x, (int)x, (int)x, (unsigned)x, (unsigned)x, (unsigned)x, (unsigned)x, (unsigned)x, (unsigned)x, x,
			(unsigned long long)x, x, x);
	}
	printf("short %hd %hu %hhd %hhu\n", (short)70000, (unsigned short)70000, (signed char)300, (unsigned char)300);
	printf("size %zu %zd %jd %" PRIu64 " %" PRIx32 "\n", (size_t)12345, (ssize_t)-5, (intmax_t)-77, (uint64_t)1 << 63,
		(uint32_t)0xdeadbeef);
	printf("char [%c] [%3c] [%-3c] str [%s] [%8s] [%-8s] [%.2s] [%*d] [%-*d] [%.*f]\n", 'A', 'B', 'C', "hello", "hi",
		"hi", "hello", 6, 42, 6, 42, 3, 3.14159265);
	printf("percent %% done\n");
}

static void floats(void) {
	static const double v[] = {0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, 3.14159265358979, 1e10, 1e-10, 123456.789,
		6.02214076e23, 1.602176634e-19, DBL_MAX, DBL_MIN, 4.9406564584124654e-324, 1e300, 100.0, 0.000123,
		9.999999, 0.05, 0.15, 0.25, 1.0 / 3.0};
	for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
		double x = v[i];
		printf("dbl %f|%.3f|%12.4f|%-12.2f|%e|%.2e|%E|%g|%.10g|%G|%a|%A|%.3a\n", x, x, x, x, x, x, x, x, x, x, x, x, x);
	}
	printf("special %f %f %f %e %g %a\n", INFINITY, -INFINITY, NAN, INFINITY, -NAN, INFINITY);
	printf("float %f %g %a %.9g\n", (double)1.1f, (double)3.4e38f, (double)1e-45f, (double)0.1f);
	printf("long double %Lf %Lg %Le\n", 1.0L / 3.0L, 2.0L / 7.0L, 1e100L);
	printf("flags [%+.2f] [% .2f] [%#.0f] [%#g] [%08.3f] [%-8.3f] [%+e]\n", 3.14159, 3.14159, 3.0, 1.0, -3.14159,
		3.14159, 12345.678);
}

static void snprintfs(void) {
	char buf[64];
	int n = snprintf(buf, sizeof buf, "%s-%d-%.3f", "abc", 12345, 2.0 / 3.0);
	printf("snprintf %d [%s]\n", n, buf);
	volatile size_t eight = 8;
	n = snprintf(buf, eight, "%s", "truncated-string");
	printf("snprintf trunc %d [%s]\n", n, buf);
	n = snprintf(NULL, 0, "%d %e", 123456789, 1e-300);
	printf("snprintf size %d\n", n);
	unsigned long sum = 0;
	for (int i = 0; i < 2000; i++) {
		n = snprintf(buf, sizeof buf, "%d:%x:%.4g:%e", i * 7919, i * 31337, i / 7.0, i * 1.25e-3);
		for (int k = 0; k < n; k++) sum = sum * 31 + (unsigned char)buf[k];
	}
	printf("snprintf loop checksum %lu last [%s]\n", sum, buf);
}

static void parse(void) {
	static const char *ints[] = {"0", "42", "-42", "  +17xyz", "0x1f", "0777", "2147483647", "9223372036854775807",
		"9223372036854775808", "-9223372036854775809", "zzz", "1010"};
	for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		char *end;
		errno = 0;
		long a = strtol(ints[i], &end, 0);
		int e1 = errno;
		errno = 0;
		unsigned long b = strtoul(ints[i], NULL, 16);
		int e2 = errno;
		long c = strtol(ints[i], NULL, 2);
		printf("strtol [%s] -> %ld rest [%s] errno %d | hex %lu errno %d | bin %ld | atoi %d\n", ints[i], a, end, e1,
			b, e2, c, atoi(ints[i]));
	}
	static const char *dbls[] = {"0", "1.5", "-2.25e-3", "3.14159265358979323846", "1e308", "1e309", "1e-320",
		"4.9e-325", "0x1.8p3", "inf", "-Infinity", "nan", "  12.5abc", ".5", "5.", "1e", "abc", "2.2250738585072014e-308",
		"179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368"};
	for (unsigned i = 0; i < sizeof dbls / sizeof dbls[0]; i++) {
		char *end;
		errno = 0;
		double d = strtod(dbls[i], &end);
		int e = errno;
		float f = strtof(dbls[i], NULL);
		printf("strtod [%.24s] -> %.17g %a rest [%s] errno %d | strtof %.9g | atof %g\n", dbls[i], d, d, end, e,
			(double)f, atof(dbls[i]));
	}
	/* round trip: print with %.17g, parse back, compare bits */
	unsigned ok = 0;
	uint64_t state = 88172645463325252ULL;
	for (int i = 0; i < 3000; i++) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		double d;
		uint64_t bits = state & 0x7fefffffffffffffULL;
		memcpy(&d, &bits, sizeof d);
		char buf[40];
		snprintf(buf, sizeof buf, "%.17g", d);
		double back = strtod(buf, NULL);
		ok += memcmp(&d, &back, sizeof d) == 0;
	}
	printf("round trip %u/3000\n", ok);
	printf("sscanf: ");
	int a; double b; char w[16]; unsigned x;
	int got = sscanf("  -17 2.5e2 word 0xff", "%d %lf %15s %x", &a, &b, w, &x);
	printf("%d %d %g %s %u\n", got, a, b, w, x);
}

int main(void) {
	ints();
	floats();
	snprintfs();
	parse();
	fflush(stdout);
	fprintf(stderr, "stderr: %s %d %.2f\n", "done", 7, 0.125);
	return 0;
}
