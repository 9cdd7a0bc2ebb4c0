/* Integer work: switch jump tables, recursion, conditional select, function pointers. */
#include "tiny.h"

static __attribute__((noinline)) int classify(int c)
{
	switch (c) {
	case 0: return 11;
	case 1: return 27;
	case 2: return 3;
	case 3: return 94;
	case 4: return 5;
	case 5: return 61;
	case 6: return 7;
	case 7: return 18;
	case 8: return 42;
	case 9: return 100;
	case 10: return -1;
	case 11: return 13;
	default: return -100;
	}
}

static __attribute__((noinline)) const char *opname(unsigned op)
{
	switch (op) {
	case 0x00: return "nop";
	case 0x01: return "add";
	case 0x02: return "sub";
	case 0x03: return "mul";
	case 0x04: return "div";
	case 0x05: return "and";
	case 0x06: return "orr";
	case 0x07: return "eor";
	case 0x08: return "lsl";
	case 0x09: return "lsr";
	case 0x0a: return "asr";
	case 0x0b: return "ror";
	case 0x10: return "ldr";
	case 0x11: return "str";
	default: return "???";
	}
}

/* a tiny stack VM driven by a switch */
static i64 run_vm(const u8 *code, int n)
{
	i64 st[32];
	int sp = 0;
	for (int pc = 0; pc < n; pc++) {
		u8 op = code[pc];
		switch (op) {
		case 0: st[sp++] = code[++pc]; break;
		case 1: sp--; st[sp - 1] += st[sp]; break;
		case 2: sp--; st[sp - 1] -= st[sp]; break;
		case 3: sp--; st[sp - 1] *= st[sp]; break;
		case 4: st[sp] = st[sp - 1]; sp++; break;
		case 5: { i64 t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; } break;
		case 6: st[sp - 1] = -st[sp - 1]; break;
		case 7: sp--; st[sp - 1] = st[sp - 1] < st[sp]; break;
		case 8: if (st[--sp]) pc += code[pc + 1]; pc++; break;
		default: return -999;
		}
	}
	return sp ? st[sp - 1] : 0;
}

static __attribute__((noinline)) u64 fib(u32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static __attribute__((noinline)) u64 ackermann(u64 m, u64 n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ackermann(m - 1, 1);
	return ackermann(m - 1, ackermann(m, n - 1));
}

static u64 hanoi_moves;
static u64 hanoi_sig;
static void hanoi(int n, int from, int to, int via)
{
	if (!n)
		return;
	hanoi(n - 1, from, via, to);
	hanoi_moves++;
	hanoi_sig = hanoi_sig * 7 + (u64)(from * 3 + to);
	hanoi(n - 1, via, to, from);
}

static int queens(int n, int row, u32 cols, u32 d1, u32 d2)
{
	if (row == n)
		return 1;
	int count = 0;
	u32 avail = ~(cols | d1 | d2) & ((1u << n) - 1);
	while (avail) {
		u32 bit = avail & -avail;
		avail ^= bit;
		count += queens(n, row + 1, cols | bit, (d1 | bit) << 1, (d2 | bit) >> 1);
	}
	return count;
}

/* conditional selects: the compiler should use csel/csinc/csneg/cset */
static __attribute__((noinline)) i64 sel_mix(i64 a, i64 b)
{
	i64 r = 0;
	r += a > b ? a : b;
	r += a < 0 ? -a : a;
	r += a == b ? 1 : 0;
	r += (a & 1) ? b + 1 : b;
	r += (u64)a >= (u64)b ? ~a : a;
	r += a != 0 && b != 0 ? 5 : -5;
	r += a > 10 || b < -10 ? 100 : 0;
	return r;
}

typedef i64 (*binop)(i64, i64);
static i64 f_add(i64 a, i64 b) { return a + b; }
static i64 f_sub(i64 a, i64 b) { return a - b; }
static i64 f_mul(i64 a, i64 b) { return a * b; }
static i64 f_max(i64 a, i64 b) { return a > b ? a : b; }
static binop table[] = {f_add, f_sub, f_mul, f_max};

static volatile int vn = 14;

int main(void)
{
	int s = 0;
	for (int i = -2; i < 15; i++)
		s = s * 3 + classify(i);
	tprintf("switch classify hash=%d\n", s);
	tprintf("opnames:");
	for (unsigned op = 0; op < 0x13; op += 1)
		tprintf(" %s", opname(op));
	tprintf("\n");
	/* (3+4)*5 - 2 ; then loop: countdown 10 -> product */
	static const u8 prog1[] = {0, 3, 0, 4, 1, 0, 5, 3, 0, 2, 2};
	tprintf("vm prog1=%ld\n", run_vm(prog1, sizeof prog1));
	/* (6 < 7) * 5, swap with 100, subtract: 100 - 5 = 95; then 95 * -1 */
	static const u8 prog2[] = {0, 6, 0, 7, 7, 0, 5, 3, 0, 100, 5, 2, 0, 1, 6, 3};
	tprintf("vm prog2=%ld\n", run_vm(prog2, sizeof prog2));
	tprintf("fib(%d)=%lu fib(25)=%lu\n", vn, fib((u32)vn), fib(25));
	tprintf("ackermann(2,3)=%lu ackermann(3,4)=%lu\n", ackermann(2, 3), ackermann(3, 4));
	hanoi(12, 0, 2, 1);
	tprintf("hanoi(12) moves=%lu sig=0x%lx\n", hanoi_moves, hanoi_sig);
	for (int n = 4; n <= 9; n++)
		tprintf("queens(%d)=%d\n", n, queens(n, 0, 0, 0, 0));
	i64 acc = 0;
	for (i64 a = -13; a <= 13; a += 3)
		for (i64 b = -12; b <= 12; b += 4)
			acc = acc * 3 + sel_mix(a, b);
	tprintf("csel mix=%ld\n", acc);
	i64 r = 1;
	for (int i = 0; i < 20; i++)
		r = table[i & 3](r, i + 2) % 1000003;
	tprintf("function pointer chain=%ld\n", r);
	return 0;
}
