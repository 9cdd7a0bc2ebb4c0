/* Tagscope guest runtime: memory helpers, a small printf, signal helpers. */
#include "tiny.h"

struct fault_log flog;

void *memset(void *d, int c, size_t n)
{
	volatile u8 *p = d; /* volatile: keep gcc from turning this into a memset call */
	while (n--)
		*p++ = (u8)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	volatile u8 *dp = d;
	const u8 *sp = s;
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	volatile u8 *dp = d;
	const u8 *sp = s;
	if (dp < sp) {
		while (n--)
			*dp++ = *sp++;
	} else {
		dp += n;
		sp += n;
		while (n--)
			*--dp = *--sp;
	}
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (u8)*a - (u8)*b;
}

/* ---- printf ---- */
struct obuf {
	char b[512];
	int n;
	int fd;
	int total;
};

static void ob_flush(struct obuf *o)
{
	int off = 0;
	while (off < o->n) {
		long r = sys_write(o->fd, o->b + off, o->n - off);
		if (r <= 0)
			break;
		off += (int)r;
	}
	o->n = 0;
}

static void ob_put(struct obuf *o, char c)
{
	if (o->n == (int)sizeof(o->b))
		ob_flush(o);
	o->b[o->n++] = c;
	o->total++;
}

static void ob_num(struct obuf *o, u64 v, unsigned base, int upper, int neg, int width, int zero, int left,
		   const char *prefix)
{
	char tmp[72];
	int n = 0, plen = prefix ? (int)strlen(prefix) : 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	int len = n + neg + plen;
	if (!left && !zero)
		for (; len < width; width--)
			ob_put(o, ' ');
	if (neg)
		ob_put(o, '-');
	for (int i = 0; i < plen; i++)
		ob_put(o, prefix[i]);
	if (!left && zero)
		for (; len < width; width--)
			ob_put(o, '0');
	while (n)
		ob_put(o, tmp[--n]);
	if (left)
		for (; len < width; width--)
			ob_put(o, ' ');
}

int tvfprintf(int fd, const char *fmt, va_list ap)
{
	struct obuf o;
	o.n = 0;
	o.fd = fd;
	o.total = 0;
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			ob_put(&o, *fmt);
			continue;
		}
		fmt++;
		int zero = 0, left = 0, alt = 0, width = 0, lng = 0, plus = 0;
		for (;; fmt++) {
			if (*fmt == '+')
				plus = 1;
			else if (*fmt == '0')
				zero = 1;
			else if (*fmt == '-')
				left = 1;
			else if (*fmt == '#')
				alt = 1;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z' || *fmt == 'j')
				lng = 2;
			else if (*fmt == 'h')
				lng = lng > 0 ? lng : (lng - 1); /* h = -1, hh = -2 */
			else
				break;
		}
		char c = *fmt;
		if (!c)
			break;
		u64 v;
		switch (c) {
		case 'd':
		case 'i': {
			i64 s;
			if (lng == 2)
				s = va_arg(ap, i64);
			else {
				s = va_arg(ap, int);
				if (lng == -1)
					s = (short)s;
				else if (lng <= -2)
					s = (signed char)s;
			}
			ob_num(&o, s < 0 ? (u64)0 - (u64)s : (u64)s, 10, 0, s < 0, width, zero, left,
			       (plus && s >= 0) ? "+" : 0);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o':
		case 'b':
			if (lng == 2)
				v = va_arg(ap, u64);
			else {
				v = va_arg(ap, u32);
				if (lng == -1)
					v = (u16)v;
				else if (lng <= -2)
					v = (u8)v;
			}
			ob_num(&o, v, c == 'u' ? 10 : c == 'o' ? 8 : c == 'b' ? 2 : 16, c == 'X', 0, width, zero, left,
			       alt && v ? (c == 'X' ? "0X" : c == 'b' ? "0b" : c == 'o' ? "0" : "0x") : 0);
			break;
		case 'p':
			v = (u64)va_arg(ap, void *);
			ob_num(&o, v, 16, 0, 0, width, zero, left, "0x");
			break;
		case 'c':
			ob_put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int len = (int)strlen(s);
			if (!left)
				for (; len < width; width--)
					ob_put(&o, ' ');
			while (*s)
				ob_put(&o, *s++);
			if (left)
				for (; len < width; width--)
					ob_put(&o, ' ');
			break;
		}
		default:
			ob_put(&o, c);
		}
	}
	ob_flush(&o);
	return o.total;
}

int tfprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = tvfprintf(fd, fmt, ap);
	va_end(ap);
	return r;
}

int tprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = tvfprintf(1, fmt, ap);
	va_end(ap);
	return r;
}

int tputs_fd(int fd, const char *s) { return (int)sys_write(fd, s, strlen(s)); }

int tputs(const char *s)
{
	struct iovec iov[2] = {{s, strlen(s)}, {"\n", 1}};
	return (int)sys_writev(1, iov, 2);
}

void print_hex(u64 v) { tprintf("0x%lx", v); }
void print_dec(i64 v) { tprintf("%ld", v); }
void print_udec(u64 v) { tprintf("%lu", v); }
void show(const char *label, u64 v) { tprintf("%s: 0x%lx\n", label, v); }
void showd(const char *label, i64 v) { tprintf("%s: %ld\n", label, v); }

/* ---- signals ---- */
long sig_install(int sig, sighandler_fn h, u64 extra_flags)
{
	struct ksigaction sa;
	sa.handler = (void *)h;
	sa.flags = SA_SIGINFO | SA_RESTORER | extra_flags;
	sa.restorer = (void *)tiny_sigreturn;
	sa.mask = 0;
	return sys_rt_sigaction(sig, &sa, 0);
}

long sig_set_plain(int sig, void *h)
{
	struct ksigaction sa;
	sa.handler = h;
	sa.flags = SA_RESTORER;
	sa.restorer = (void *)tiny_sigreturn;
	sa.mask = 0;
	return sys_rt_sigaction(sig, &sa, 0);
}

void fault_reset(void)
{
	flog.count = 0;
	flog.signo = 0;
	flog.code = 0;
	flog.addr = 0;
	flog.pc = 0;
	flog.pstate = 0;
}

void record_handler(int sig, tsiginfo *si, tucontext *uc)
{
	flog.count = flog.count + 1;
	flog.signo = sig;
	flog.code = si->si_code;
	flog.addr = si->f.addr;
	flog.pc = uc->mc.pc;
	flog.pstate = uc->mc.pstate;
}

void skip_handler(int sig, tsiginfo *si, tucontext *uc)
{
	record_handler(sig, si, uc);
	uc->mc.pc += 4;
}
