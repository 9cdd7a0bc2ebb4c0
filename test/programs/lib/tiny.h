/* Tagscope guest runtime: freestanding syscall wrappers and print helpers.
 * No libc, no global constructors. Build with
 *   -ffreestanding -fno-builtin -fno-stack-protector -mgeneral-regs-only
 *   -fno-tree-loop-distribute-patterns -O2
 */
#ifndef TINY_H
#define TINY_H

#include <stdarg.h>

typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;
typedef int i32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef unsigned long size_t;
typedef long ssize_t;

#define NULL ((void *)0)

/* ---- syscall numbers (asm-generic, AArch64) ---- */
#define SYS_getcwd 17
#define SYS_openat 56
#define SYS_close 57
#define SYS_read 63
#define SYS_write 64
#define SYS_writev 66
#define SYS_exit 93
#define SYS_exit_group 94
#define SYS_kill 129
#define SYS_tgkill 131
#define SYS_sigaltstack 132
#define SYS_rt_sigaction 134
#define SYS_rt_sigprocmask 135
#define SYS_rt_sigreturn 139
#define SYS_uname 160
#define SYS_prctl 167
#define SYS_getpid 172
#define SYS_getppid 173
#define SYS_gettid 178
#define SYS_brk 214
#define SYS_munmap 215
#define SYS_mmap 222
#define SYS_mprotect 226
#define SYS_madvise 233

/* ---- errno values (negated returns) ---- */
#define EPERM 1
#define ENOENT 2
#define EBADF 9
#define ENOMEM 12
#define EFAULT 14
#define EINVAL 22

static inline long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;
	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory", "cc");
	return x0;
}
#define sys0(n) sys6((n), 0, 0, 0, 0, 0, 0)
#define sys1(n, a) sys6((n), (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b) sys6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c) sys6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) sys6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define sys5(n, a, b, c, d, e) sys6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

struct iovec {
	const void *iov_base;
	size_t iov_len;
};

struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

static inline long sys_write(int fd, const void *buf, size_t n) { return sys3(SYS_write, fd, buf, n); }
static inline long sys_read(int fd, void *buf, size_t n) { return sys3(SYS_read, fd, buf, n); }
static inline long sys_writev(int fd, const struct iovec *iov, int cnt) { return sys3(SYS_writev, fd, iov, cnt); }
static inline long sys_close(int fd) { return sys1(SYS_close, fd); }
__attribute__((noreturn)) static inline void sys_exit_group(int code)
{
	sys1(SYS_exit_group, code);
	__builtin_unreachable();
}
static inline long sys_getpid(void) { return sys0(SYS_getpid); }
static inline long sys_gettid(void) { return sys0(SYS_gettid); }
static inline long sys_kill(long pid, int sig) { return sys2(SYS_kill, pid, sig); }
static inline long sys_tgkill(long tgid, long tid, int sig) { return sys3(SYS_tgkill, tgid, tid, sig); }
static inline long sys_uname(struct utsname *u) { return sys1(SYS_uname, u); }
static inline long sys_brk(u64 addr) { return sys1(SYS_brk, addr); }
static inline long sys_prctl(long op, long a, long b, long c, long d) { return sys5(SYS_prctl, op, a, b, c, d); }
static inline long sys_mmap(u64 addr, size_t len, int prot, int flags, int fd, long off)
{
	return sys6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off);
}
static inline long sys_munmap(u64 addr, size_t len) { return sys2(SYS_munmap, addr, len); }
static inline long sys_mprotect(u64 addr, size_t len, int prot) { return sys3(SYS_mprotect, addr, len, prot); }
static inline long sys_madvise(u64 addr, size_t len, int adv) { return sys3(SYS_madvise, addr, len, adv); }

/* mmap / mprotect constants */
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define PROT_MTE 0x20
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MADV_NORMAL 0
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4

/* prctl */
#define PR_SET_TAGGED_ADDR_CTRL 55
#define PR_GET_TAGGED_ADDR_CTRL 56
#define PR_TAGGED_ADDR_ENABLE (1UL << 0)
#define PR_MTE_TCF_NONE 0UL
#define PR_MTE_TCF_SYNC (1UL << 1)
#define PR_MTE_TCF_ASYNC (1UL << 2)
#define PR_MTE_TAG_SHIFT 3
#define PR_MTE_TAG_MASK (0xffffUL << PR_MTE_TAG_SHIFT)

/* ---- signals ---- */
#define SIGHUP 1
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGTERM 15

#define SA_SIGINFO 0x00000004UL
#define SA_EXPOSE_TAGBITS 0x00000800UL
#define SA_RESTORER 0x04000000UL
#define SA_ONSTACK 0x08000000UL
#define SA_RESTART 0x10000000UL
#define SA_NODEFER 0x40000000UL
#define SA_RESETHAND 0x80000000UL

#define SIG_DFL ((void *)0)
#define SIG_IGN ((void *)1)
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SIGBIT(s) (1UL << ((s) - 1))

#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define SEGV_MTEAERR 8
#define SEGV_MTESERR 9
#define BUS_ADRALN 1
#define ILL_ILLOPC 1
#define SI_USER 0
#define SI_TKILL (-6)

typedef struct {
	i32 si_signo;
	i32 si_errno;
	i32 si_code;
	i32 _pad0;
	union {
		u64 addr; /* SIGSEGV, SIGBUS, SIGILL, SIGFPE: si_addr */
		struct {
			i32 pid;
			u32 uid;
		} kill;
		u8 _raw[112];
	} f;
} tsiginfo;

struct tsigcontext {
	u64 fault_address;
	u64 regs[31];
	u64 sp;
	u64 pc;
	u64 pstate;
	u8 reserved[4096] __attribute__((aligned(16)));
};

typedef struct {
	u64 uc_flags;
	u64 uc_link;
	u64 ss_sp;
	i32 ss_flags;
	i32 _pad;
	u64 ss_size;
	u64 uc_sigmask;
	u8 _unused[1024 / 8 - 8];
	struct tsigcontext mc __attribute__((aligned(16)));
} tucontext;

_Static_assert(__builtin_offsetof(tucontext, mc) == 176, "ucontext layout");
_Static_assert(__builtin_offsetof(tucontext, mc.pc) == 440, "ucontext pc");

struct ksigaction {
	void *handler;
	u64 flags;
	void *restorer;
	u64 mask;
};

struct tstack {
	u64 ss_sp;
	i32 ss_flags;
	i32 _pad;
	u64 ss_size;
};

typedef void (*sighandler_fn)(int, tsiginfo *, tucontext *);

void tiny_sigreturn(void);

static inline long sys_rt_sigaction(int sig, const struct ksigaction *act, struct ksigaction *old)
{
	return sys4(SYS_rt_sigaction, sig, act, old, 8);
}
static inline long sys_rt_sigprocmask(int how, const u64 *set, u64 *old)
{
	return sys4(SYS_rt_sigprocmask, how, set, old, 8);
}
static inline long sys_sigaltstack(const struct tstack *ss, struct tstack *old)
{
	return sys2(SYS_sigaltstack, ss, old);
}

/* Install handler for sig with SA_SIGINFO|SA_RESTORER|extra_flags (restorer = tiny_sigreturn). */
long sig_install(int sig, sighandler_fn h, u64 extra_flags);
/* Install SIG_DFL / SIG_IGN style plain handler value. */
long sig_set_plain(int sig, void *h);

/* Standard fault recorder: records the signal, then skips the faulting
 * instruction (pc += 4) so execution continues after it. */
struct fault_log {
	volatile int count;
	volatile int signo;
	volatile int code;
	volatile u64 addr;
	volatile u64 pc;
	volatile u64 pstate;
};
extern struct fault_log flog;
void fault_reset(void);
void skip_handler(int sig, tsiginfo *si, tucontext *uc);
/* Records like skip_handler but does not touch pc (for async faults). */
void record_handler(int sig, tsiginfo *si, tucontext *uc);

/* ---- memory / string helpers (in tiny.c) ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* ---- printing (unbuffered: each call is one write syscall) ---- */
int tvfprintf(int fd, const char *fmt, va_list ap);
int tfprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tputs(const char *s);          /* s + "\n" to stdout */
int tputs_fd(int fd, const char *s); /* s verbatim */
void print_hex(u64 v);             /* 0x... to stdout */
void print_dec(i64 v);
void print_udec(u64 v);
/* Used by the hand-written .S programs: prints "<label>: 0x<hex>\n". */
void show(const char *label, u64 v);
/* prints "<label>: <signed decimal>\n" */
void showd(const char *label, i64 v);

extern char **tiny_envp;

#endif
