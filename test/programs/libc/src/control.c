/* Process-level libc: argv and getenv/setenv, atexit handlers (run in reverse order at exit), setjmp/longjmp
   (nested, through recursion, with local state), time(), clock_gettime (realtime, monotonic, process CPU
   time: only properties printed), gettimeofday, reading an empty stdin, and an exit status from exit(). */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static jmp_buf env;
static int depth_reached;

static void dive(int depth) {
	volatile char pad[64];
	pad[depth % 64] = (char)depth;
	if (depth > 1000) return;
	if (depth == 200) {
		depth_reached = depth + pad[depth % 64] - (char)depth;
		longjmp(env, depth);
	}
	dive(depth + 1);
}

static void bye1(void) { puts("atexit: first registered, runs last"); }
static void bye2(void) { puts("atexit: second registered"); }
static void bye3(void) { printf("atexit: third registered, runs first\n"); fflush(stdout); }

static jmp_buf inner;
static int nested(int x) {
	if (setjmp(inner) == 0) {
		if (x > 2) longjmp(inner, x * 10);
		return x;
	}
	return -x;
}

int main(int argc, char **argv) {
	printf("argc %d\n", argc);
	for (int i = 1; i < argc; i++) printf("argv[%d] [%s] len %zu\n", i, argv[i], strlen(argv[i]));
	printf("argv[argc] is %s\n", argv[argc] ? "set" : "NULL");
	const char *v = getenv("TAGSCOPE_TEST");
	printf("getenv TAGSCOPE_TEST [%s]\n", v ? v : "(unset)");
	printf("getenv UNSET_VARIABLE_XYZ %s\n", getenv("UNSET_VARIABLE_XYZ") ? "set" : "(unset)");
	setenv("NEW_VAR", "value1", 0);
	setenv("NEW_VAR", "value2", 0);
	printf("setenv no-overwrite [%s]\n", getenv("NEW_VAR"));
	setenv("NEW_VAR", "value3", 1);
	printf("setenv overwrite [%s]\n", getenv("NEW_VAR"));
	unsetenv("NEW_VAR");
	printf("unsetenv %s\n", getenv("NEW_VAR") ? "still set" : "gone");

	volatile int counter = 0;
	int r = setjmp(env);
	counter++;
	if (r == 0) dive(0);
	printf("longjmp returned %d after depth %d, counter %d\n", r, depth_reached, counter);
	printf("nested %d %d %d\n", nested(1), nested(5), nested(2));
	jmp_buf loop;
	volatile int iter = 0;
	if (setjmp(loop) < 5) {
		iter++;
		longjmp(loop, iter);
	}
	printf("setjmp loop iterations %d\n", iter);

	time_t t0 = time(NULL);
	struct timespec rt, m0, m1, cpu;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &m0);
	volatile unsigned long spin = 0;
	for (int i = 0; i < 100000; i++) spin += i;
	clock_gettime(CLOCK_MONOTONIC, &m1);
	int cr = clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
	struct timeval tv;
	gettimeofday(&tv, NULL);
	printf("time after 2020: %d, realtime after 2020: %d, nsec in range: %d\n", t0 > 1577836800, rt.tv_sec > 1577836800,
		rt.tv_nsec >= 0 && rt.tv_nsec < 1000000000);
	printf("monotonic non-decreasing: %d\n", m1.tv_sec > m0.tv_sec || (m1.tv_sec == m0.tv_sec && m1.tv_nsec >= m0.tv_nsec));
	printf("cputime ok: %d, gettimeofday after 2020: %d, usec in range: %d\n", cr == 0 && cpu.tv_nsec < 1000000000,
		tv.tv_sec > 1577836800, tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	struct tm tm;
	time_t fixed = 1700000000;
	gmtime_r(&fixed, &tm);
	char when[64];
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %a %j", &tm);
	printf("gmtime %s\n", when);
	printf("mktime-free difftime %.1f\n", difftime(fixed + 90, fixed));

	char line[64];
	printf("stdin: %s\n", fgets(line, sizeof line, stdin) ? line : (feof(stdin) ? "EOF" : "error"));
	printf("read(0) = %zd\n", read(0, line, sizeof line));
	printf("isatty(1) = %d\n", isatty(1));

	atexit(bye1);
	atexit(bye2);
	atexit(bye3);
	printf("exiting with 3\n");
	exit(3);
}
