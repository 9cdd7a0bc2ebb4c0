/** Numbers of the Linux arm64 user ABI (asm-generic syscall numbers, errno, signals, flags). */

/** The process's ids: one process, one thread. */
export const PID = 1000;
export const UID = 1000;

export const Errno = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14,
  EEXIST: 17, ENODEV: 19, ENOTDIR: 20, EINVAL: 22, EMFILE: 24, ENOTTY: 25, ESPIPE: 29, ERANGE: 34,
  ENOSYS: 38, ETIMEDOUT: 110,
} as const;

export const Sig = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16, SIGCHLD: 17,
  SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25,
  SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPWR: 30, SIGSYS: 31,
} as const;
export const NSIG = 64;

export const SIGNAL_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Sig).map(([k, v]) => [v, k]));

/** si_code values. */
export const SiCode = {
  SI_USER: 0, SI_KERNEL: 0x80, SI_TKILL: -6,
  SEGV_MAPERR: 1, SEGV_ACCERR: 2, SEGV_MTEAERR: 8, SEGV_MTESERR: 9,
  BUS_ADRALN: 1, ILL_ILLOPC: 1, TRAP_BRKPT: 1,
} as const;

export const SaFlag = {
  SA_NOCLDSTOP: 0x1, SA_NOCLDWAIT: 0x2, SA_SIGINFO: 0x4, SA_EXPOSE_TAGBITS: 0x800, SA_RESTORER: 0x04000000,
  SA_ONSTACK: 0x08000000, SA_RESTART: 0x10000000, SA_NODEFER: 0x40000000, SA_RESETHAND: 0x80000000,
} as const;
/** Flags the kernel keeps; others read back as 0 so programs can detect support. */
export const UAPI_SA_FLAGS = Object.values(SaFlag).reduce((a, b) => a + b, 0);

export const Prot = { READ: 1, WRITE: 2, EXEC: 4, SEM: 8, BTI: 0x10, MTE: 0x20 } as const;
export const MapFlag = {
  SHARED: 0x1, PRIVATE: 0x2, SHARED_VALIDATE: 0x3, FIXED: 0x10, ANONYMOUS: 0x20, GROWSDOWN: 0x100,
  DENYWRITE: 0x800, EXECUTABLE: 0x1000, LOCKED: 0x2000, NORESERVE: 0x4000, POPULATE: 0x8000,
  NONBLOCK: 0x10000, STACK: 0x20000, HUGETLB: 0x40000, SYNC: 0x80000, FIXED_NOREPLACE: 0x100000,
} as const;

export const Prctl = {
  PR_SET_NAME: 15, PR_GET_NAME: 16, PR_SET_TAGGED_ADDR_CTRL: 55, PR_GET_TAGGED_ADDR_CTRL: 56,
} as const;
export const PR_TAGGED_ADDR_ENABLE = 1;
export const PR_MTE_TCF_SYNC = 1 << 1;
export const PR_MTE_TCF_ASYNC = 1 << 2;
export const PR_MTE_TAG_SHIFT = 3;
export const PR_MTE_TAG_MASK = 0xffff << PR_MTE_TAG_SHIFT;

/** AT_* auxiliary vector keys. */
export const At = {
  NULL: 0, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9, UID: 11, EUID: 12, GID: 13,
  EGID: 14, PLATFORM: 15, HWCAP: 16, CLKTCK: 17, SECURE: 23, RANDOM: 25, HWCAP2: 26, EXECFN: 31,
  MINSIGSTKSZ: 51,
} as const;

/** AT_HWCAP of an Armv8.5 CPU with the features this emulator targets (arch/arm64/include/uapi/asm/hwcap.h). */
export const HWCAP = {
  FP: 1 << 0, ASIMD: 1 << 1, EVTSTRM: 1 << 2, AES: 1 << 3, PMULL: 1 << 4, SHA1: 1 << 5, SHA2: 1 << 6,
  CRC32: 1 << 7, ATOMICS: 1 << 8, CPUID: 1 << 11, ASIMDRDM: 1 << 12, LRCPC: 1 << 15, DCPOP: 1 << 16,
  ILRCPC: 1 << 26, FLAGM: 1 << 27, SSBS: 1 << 28, SB: 1 << 29,
} as const;
export const HWCAP2_MTE = 1 << 18;
export const HWCAP2_MTE3 = 1 << 22;

/** Syscall numbers (include/uapi/asm-generic/unistd.h), the ones this personality knows by name. */
export const SYSCALL_NAMES: Record<number, string> = {
  17: 'getcwd', 23: 'dup', 24: 'dup3', 25: 'fcntl', 29: 'ioctl', 48: 'faccessat', 56: 'openat', 57: 'close',
  61: 'getdents64', 62: 'lseek', 63: 'read', 64: 'write', 65: 'readv', 66: 'writev', 67: 'pread64',
  68: 'pwrite64', 78: 'readlinkat', 79: 'newfstatat', 80: 'fstat', 93: 'exit', 94: 'exit_group',
  96: 'set_tid_address', 98: 'futex', 99: 'set_robust_list', 100: 'get_robust_list', 101: 'nanosleep',
  113: 'clock_gettime', 114: 'clock_getres', 115: 'clock_nanosleep', 124: 'sched_yield', 129: 'kill',
  130: 'tkill', 131: 'tgkill', 132: 'sigaltstack', 133: 'rt_sigsuspend', 134: 'rt_sigaction',
  135: 'rt_sigprocmask', 136: 'rt_sigpending', 137: 'rt_sigtimedwait', 138: 'rt_sigqueueinfo',
  139: 'rt_sigreturn', 160: 'uname', 163: 'getrlimit', 164: 'setrlimit', 165: 'getrusage', 166: 'umask',
  167: 'prctl', 169: 'gettimeofday', 172: 'getpid', 173: 'getppid', 174: 'getuid', 175: 'geteuid',
  176: 'getgid', 177: 'getegid', 178: 'gettid', 179: 'sysinfo', 214: 'brk', 215: 'munmap', 216: 'mremap',
  220: 'clone', 221: 'execve', 222: 'mmap', 226: 'mprotect', 233: 'madvise', 260: 'wait4',
  261: 'prlimit64', 278: 'getrandom', 279: 'memfd_create', 293: 'rseq', 435: 'clone3',
};
