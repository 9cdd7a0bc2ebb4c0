/**
 * The system calls of the Linux personality. Each handler receives the raw argument registers and returns
 * the value for X0 (negative errno on failure), or 'noreturn' when it changed the context itself (exit,
 * rt_sigreturn). Semantics and errno choices follow the Linux arm64 kernel; MTE.md §7 for PROT_MTE and
 * the tagged address ABI.
 */
import { AccessKind } from '../../core/mte/check.ts';
import { Errno, MapFlag, NSIG, PID, Prctl, Prot, Sig, SiCode, SYSCALL_NAMES, UAPI_SA_FLAGS, UID } from './abi.ts';
import { MMAP_TOP, PAGE, pageUp, STACK_SIZE, TASK_SIZE } from './addressSpace.ts';
import type { Vma } from './addressSpace.ts';
import { deviceMapError, isDevice } from './devices.ts';
import type { LinuxProcess } from './process.ts';
import { MINSIGSTKSZ, SIG_DFL, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK, sigBit, UNBLOCKABLE } from './signals.ts';

export type SyscallOutcome = bigint | 'noreturn';
type Handler = (p: LinuxProcess, a: bigint[]) => SyscallOutcome;

const err = (e: number): bigint => BigInt(-e);
const EFAULT = err(Errno.EFAULT);
const EINVAL = err(Errno.EINVAL);
const EBADF = err(Errno.EBADF);
/** Largest single read or write (MAX_RW_COUNT). */
const MAX_RW = 0x7fff_f000;
const IOV_MAX = 1024;
/** Nanoseconds of guest time per instruction executed: the clock is a pure function of the run. */
const NS_PER_INSTRUCTION = 1n;
/** CLOCK_REALTIME at instruction 0: 2024-01-01T00:00:00Z. */
const EPOCH_NS = 1_704_067_200n * 1_000_000_000n;

const int = (v: bigint): number => Number(BigInt.asIntN(32, v));
const ENOMEM = err(Errno.ENOMEM);

/**
 * ENOMEM when mapping [start, end) afresh would pass the address-space limit (may_expand_vm) or, with `newMaps`
 * more mappings, vm.max_map_count; null when it may go ahead (src/guest/linux/limits.ts).
 */
function overLimits(p: LinuxProcess, start: number, end: number, newMaps: number): bigint | null {
  if (p.space.vmas.length + newMaps > p.limits.maxMapCount) return ENOMEM;
  const growth = end - start - p.space.mappedBytes(start, end);
  return p.space.totalMapped + growth > p.limits.addressSpaceBytes ? ENOMEM : null;
}
const untag = (v: bigint): bigint => v & 0x00ff_ffff_ffff_ffffn;

export function syscall(p: LinuxProcess, nr: number, args: bigint[]): SyscallOutcome {
  const h = handlers[nr];
  if (h) return h(p, args);
  const name = SYSCALL_NAMES[nr] ?? `number ${nr}`;
  p.diagnoseOnce(`sys${nr}`, `syscall ${name} is not implemented (returns -ENOSYS)`);
  return err(Errno.ENOSYS);
}

// ---- files ---------------------------------------------------------------------------------------

function stream(p: LinuxProcess, fd: bigint) {
  return fd >= 0n && fd < 1024n ? p.files.get(Number(fd)) : undefined;
}

function writeTo(p: LinuxProcess, fd: bigint, buf: bigint, count: bigint): bigint {
  const f = stream(p, fd);
  if (f === undefined || f === 'stdin') return EBADF;
  if (isDevice(f)) return err(Errno.EIO); // a UIO node without an interrupt
  const n = Number(count > BigInt(MAX_RW) ? BigInt(MAX_RW) : count);
  const out = f === 'stdout' ? 1 : 2;
  let done = 0;
  while (done < n) {
    const chunk = Math.min(PAGE, n - done);
    // Past the output limit (or to /dev/null) the bytes are dropped: only whether they could be read matters.
    if (f === 'null' || p.streamFull(out)) {
      if (!p.user.accessible(buf + BigInt(done), chunk, AccessKind.Read)) return done > 0 ? BigInt(done) : EFAULT;
      done += chunk;
      continue;
    }
    const bytes = p.user.read(buf + BigInt(done), chunk);
    if (bytes === null) return done > 0 ? BigInt(done) : EFAULT;
    p.writeStream(out, bytes);
    done += chunk;
  }
  return BigInt(done);
}

function readFrom(p: LinuxProcess, fd: bigint, buf: bigint, count: bigint): bigint {
  const f = stream(p, fd);
  if (f === undefined || f === 'stdout' || f === 'stderr') return EBADF;
  if (isDevice(f)) return err(Errno.EIO);
  if (f === 'null') return 0n;
  const n = Math.min(Number(count > BigInt(MAX_RW) ? BigInt(MAX_RW) : count), p.stdin.length - p.stdinOffset);
  if (n <= 0) return 0n;
  if (!p.user.write(buf, p.stdin.subarray(p.stdinOffset, p.stdinOffset + n))) return EFAULT;
  p.stdinOffset += n;
  return BigInt(n);
}

/** readv/writev: walks the iovec array. */
function vectored(p: LinuxProcess, a: bigint[], op: typeof writeTo): bigint {
  const cnt = a[2];
  if (cnt > BigInt(IOV_MAX)) return EINVAL;
  if (stream(p, a[0]) === undefined) return EBADF;
  let total = 0n;
  for (let i = 0n; i < cnt; i++) {
    const base = p.user.readU64(a[1] + 16n * i);
    const len = p.user.readU64(a[1] + 16n * i + 8n);
    if (base === null || len === null) return EFAULT;
    if (len === 0n) continue;
    const r = op(p, a[0], base, len);
    if (r < 0n) return total > 0n ? total : r;
    total += r;
    if (r < len) break;
  }
  return total;
}

const DEVICES: Record<string, 'stdin' | 'stdout' | 'stderr' | 'null'> = {
  '/dev/stdin': 'stdin', '/dev/stdout': 'stdout', '/dev/stderr': 'stderr', '/dev/null': 'null',
  '/proc/self/fd/0': 'stdin', '/proc/self/fd/1': 'stdout', '/proc/self/fd/2': 'stderr',
};

function lowestFreeFd(p: LinuxProcess, from = 0): number {
  let fd = from;
  while (p.files.has(fd)) fd++;
  return fd;
}

/** struct stat for a pipe-like standard stream (arm64 asm-generic layout, 128 bytes). */
function statBytes(): Uint8Array {
  const b = new Uint8Array(128);
  const dv = new DataView(b.buffer);
  dv.setUint32(16, 0o010600, true); // S_IFIFO | 0600
  dv.setUint32(20, 1, true);
  dv.setUint32(24, UID, true);
  dv.setUint32(28, UID, true);
  dv.setInt32(56, 4096, true);
  return b;
}

const put = (p: LinuxProcess, va: bigint, bytes: Uint8Array): bigint => (p.user.write(va, bytes) ? 0n : EFAULT);

function u64s(...vals: bigint[]): Uint8Array {
  const b = new Uint8Array(8 * vals.length);
  const dv = new DataView(b.buffer);
  vals.forEach((v, i) => dv.setBigUint64(8 * i, BigInt.asUintN(64, v), true));
  return b;
}

// ---- memory --------------------------------------------------------------------------------------

function mmap(p: LinuxProcess, a: bigint[]): bigint {
  const [addr, lenArg, protArg, flagsArg, fd, off] = a;
  const prot = int(protArg);
  const flags = int(flagsArg);
  if (lenArg === 0n) return EINVAL;
  if (off % BigInt(PAGE) !== 0n) return EINVAL;
  if (lenArg > BigInt(TASK_SIZE)) return err(Errno.ENOMEM);
  const length = pageUp(Number(lenArg));
  const type = flags & MapFlag.SHARED_VALIDATE;
  if (type === 0) return EINVAL;
  const device = (flags & MapFlag.ANONYMOUS) === 0 ? stream(p, fd) : undefined;
  if (isDevice(device)) {
    const e = deviceMapError(device, length, Number(off));
    if (e !== 0) return err(e);
  } else if ((flags & MapFlag.ANONYMOUS) === 0) {
    if (device === undefined) return EBADF;
    // PROT_MTE needs anonymous or shmem memory (arch_validate_flags); standard streams cannot be mapped.
    return (prot & Prot.MTE) !== 0 ? EINVAL : err(Errno.ENODEV);
  }
  const fixed = (flags & (MapFlag.FIXED | MapFlag.FIXED_NOREPLACE)) !== 0;
  let start: number;
  if (fixed) {
    if (addr % BigInt(PAGE) !== 0n) return EINVAL;
    if (addr + BigInt(length) > BigInt(TASK_SIZE)) return err(Errno.ENOMEM);
    start = Number(addr);
    if ((flags & MapFlag.FIXED) === 0 && !p.space.isFree(start, start + length)) return err(Errno.EEXIST);
  } else {
    const hint = addr < BigInt(TASK_SIZE) ? Number(addr) - (Number(addr) % PAGE) : 0;
    const found = p.space.findFree(length, hint);
    if (found === null) return err(Errno.ENOMEM);
    start = found;
  }
  const over = overLimits(p, start, start + length, 1 + p.space.splitsAt(start, start + length));
  if (over !== null) return over;
  const kept = prot & (Prot.READ | Prot.WRITE | Prot.EXEC | Prot.MTE);
  if (isDevice(device)) p.mapDevice(device, start, start + length, kept);
  else p.space.map(start, start + length, kept, 'anon', true);
  return BigInt(start);
}

/** Page-aligned [start, end) of an (untagged) address range, or an errno. */
function range(addr: bigint, len: bigint): { start: number; end: number } | bigint {
  const a = untag(addr);
  if (a % BigInt(PAGE) !== 0n) return EINVAL;
  if (len > BigInt(TASK_SIZE) || a + len > BigInt(TASK_SIZE)) return a + len > BigInt(TASK_SIZE) ? err(Errno.ENOMEM) : EINVAL;
  return { start: Number(a), end: pageUp(Number(a + len)) };
}

function munmap(p: LinuxProcess, a: bigint[]): bigint {
  if (a[1] === 0n) return EINVAL;
  const r = range(a[0], a[1]);
  if (typeof r === 'bigint') return r === err(Errno.ENOMEM) ? EINVAL : r;
  if (p.space.vmas.length + p.space.splitsAt(r.start, r.end) - 1 > p.limits.maxMapCount) return ENOMEM;
  p.space.unmap(r.start, r.end);
  return 0n;
}

function mprotect(p: LinuxProcess, a: bigint[]): bigint {
  const prot = int(a[2]);
  const known = Prot.READ | Prot.WRITE | Prot.EXEC | Prot.SEM | (p.cpu.sys.mteLevel >= 2 ? Prot.MTE : 0);
  if ((prot & ~known) !== 0) return EINVAL;
  const r = range(a[0], a[1]);
  if (typeof r === 'bigint') return r;
  if (r.start === r.end) return 0n;
  if (p.space.vmas.length + p.space.splitsAt(r.start, r.end) > p.limits.maxMapCount) return ENOMEM;
  const e = p.space.protect(r.start, r.end, prot & (Prot.READ | Prot.WRITE | Prot.EXEC | Prot.MTE));
  return e === 0 ? 0n : err(e);
}

const MADV = { NORMAL: 0, RANDOM: 1, SEQUENTIAL: 2, WILLNEED: 3, DONTNEED: 4, FREE: 8 } as const;
/** Advice that only tunes the kernel's heuristics: accepted, no visible effect here. */
const MADV_HINTS = new Set([0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);

function madvise(p: LinuxProcess, a: bigint[]): bigint {
  const advice = int(a[2]);
  const r = range(a[0], a[1]);
  if (typeof r === 'bigint') return r;
  if (advice !== MADV.DONTNEED && !MADV_HINTS.has(advice)) return EINVAL;
  for (let x = r.start; x < r.end;) {
    const v = p.space.find(x);
    if (v === undefined) return err(Errno.ENOMEM);
    x = v.end;
  }
  if (advice === MADV.DONTNEED) p.space.discard(r.start, r.end);
  return 0n;
}

function brk(p: LinuxProcess, a: bigint[]): bigint {
  const want = a[0];
  if (want < BigInt(p.brkStart) || want > BigInt(MMAP_TOP)) return BigInt(p.brk);
  const target = Number(want);
  const oldEnd = pageUp(p.brk);
  const newEnd = pageUp(target);
  if (newEnd > oldEnd) {
    if (!p.space.isFree(oldEnd, newEnd)) return BigInt(p.brk);
    const prev = p.space.find(oldEnd - 1);
    const grows = prev?.kind === 'brk' && prev.end === oldEnd;
    if (overLimits(p, oldEnd, newEnd, grows ? 0 : 1) !== null) return BigInt(p.brk);
    p.space.map(oldEnd, newEnd, Prot.READ | Prot.WRITE, 'brk', true); // joins the heap's VMA as it grows
  } else if (newEnd < oldEnd) {
    p.space.unmap(newEnd, oldEnd);
  }
  p.brk = target;
  return BigInt(target);
}

const MREMAP_MAYMOVE = 1n, MREMAP_FIXED = 2n, MREMAP_DONTUNMAP = 4n;

/**
 * vma_to_resize: whether [start, start + oldLen) of `v` may become newLen bytes long; an errno, or null.
 * A private mapping cannot be duplicated with old_len 0, a remap cannot cross the VMA's end, the vDSO
 * (VM_DONTEXPAND) cannot grow, and growth counts against the address-space limit.
 */
function resizable(p: LinuxProcess, v: Vma, start: number, oldLen: number, newLen: number, dontUnmap: boolean): bigint | null {
  if (oldLen === 0) return EINVAL;
  if (dontUnmap && v.kind === 'vdso') return EINVAL;
  if (start + oldLen > v.end) return EFAULT;
  if (newLen === oldLen) return null;
  if (v.kind === 'vdso') return EFAULT;
  return p.space.totalMapped + newLen - oldLen > p.limits.addressSpaceBytes ? ENOMEM : null;
}

/**
 * mremap (mm/mremap.c): shrinks in place, grows in place when the pages after the mapping are free, or with
 * MREMAP_MAYMOVE moves the mapping — its pages and their tags — to a free range; MREMAP_FIXED moves it to
 * new_addr (replacing what was there), and MREMAP_DONTUNMAP leaves the old range mapped but empty.
 */
function mremap(p: LinuxProcess, a: bigint[]): bigint {
  const [addrArg, oldArg, newArg, flags, newAddr] = a;
  const fixed = (flags & MREMAP_FIXED) !== 0n, dontUnmap = (flags & MREMAP_DONTUNMAP) !== 0n, mayMove = (flags & MREMAP_MAYMOVE) !== 0n;
  if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) !== 0n || (fixed && !mayMove)) return EINVAL;
  if (dontUnmap && (!mayMove || oldArg !== newArg)) return EINVAL;
  const addr = untag(addrArg);
  if (addr % BigInt(PAGE) !== 0n || newArg === 0n) return EINVAL;
  // Lengths beyond the address space cannot fit a VMA: their exact size no longer matters.
  const start = Number(addr), oldLen = pageUp(Number(oldArg)), newLen = pageUp(Number(newArg));
  let v = p.space.find(start);
  if (v === undefined) return EFAULT;
  if (fixed || dontUnmap) {
    const to = Number(newAddr);
    if (newAddr % BigInt(PAGE) !== 0n || newLen > TASK_SIZE || to > TASK_SIZE - newLen) return EINVAL;
    if (start + oldLen > to && to + newLen > start) return EINVAL;
    if (p.space.vmas.length + 2 >= p.limits.maxMapCount - 3) return ENOMEM;
    if (fixed) p.space.unmap(to, to + newLen);
    if (oldLen > newLen) p.space.unmap(start + newLen, start + oldLen);
    const moved = Math.min(oldLen, newLen);
    v = p.space.find(start)!;
    const e = resizable(p, v, start, moved, newLen, dontUnmap);
    if (e !== null) return e;
    if (dontUnmap && p.space.totalMapped + moved > p.limits.addressSpaceBytes) return ENOMEM;
    const target = fixed ? to : p.space.findFree(newLen, to);
    if (target === null) return ENOMEM;
    const { prot, kind, mteAllowed } = v;
    p.space.remap(start, start + moved, target, newLen);
    if (dontUnmap) p.space.map(start, start + moved, prot, kind, mteAllowed);
    return BigInt(target);
  }
  if (oldLen >= newLen) {
    if (oldLen > newLen) p.space.unmap(start + newLen, start + oldLen);
    return addr;
  }
  const e = resizable(p, v, start, oldLen, newLen, false);
  if (e !== null) return e;
  const grow = newLen - oldLen;
  if (start + oldLen === v.end && v.end + grow <= TASK_SIZE && p.space.isFree(v.end, v.end + grow)) {
    p.space.remap(start, start + oldLen, start, newLen);
    return addr;
  }
  if (!mayMove || p.space.vmas.length >= p.limits.maxMapCount - 3) return ENOMEM;
  const to = p.space.findFree(newLen);
  if (to === null) return ENOMEM;
  p.space.remap(start, start + oldLen, to, newLen);
  return BigInt(to);
}

/**
 * sysinfo: struct sysinfo (112 bytes, mem_unit 1) with values that follow from the run — uptime from the
 * instruction clock (whole seconds, rounded up as Linux does), total RAM the memory limit, free RAM what the
 * process may still populate, one process, no load, swap or shared memory.
 */
function sysinfo(p: LinuxProcess, a: bigint[]): bigint {
  const ns = nowNs(p, 1)!;
  const used = p.space.populatedPages + p.space.stage1.tables.size;
  const total = p.space.maxPages * PAGE;
  const b = new Uint8Array(112);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, ns / 1_000_000_000n + (ns % 1_000_000_000n === 0n ? 0n : 1n), true);
  dv.setBigUint64(32, BigInt(total), true);
  dv.setBigUint64(40, BigInt(Math.max(0, total - used * PAGE)), true);
  dv.setUint16(80, 1, true);
  dv.setUint32(104, 1, true);
  return put(p, a[0], b);
}

// ---- signals -------------------------------------------------------------------------------------

function rtSigaction(p: LinuxProcess, a: bigint[]): bigint {
  const sig = int(a[0]);
  if (a[3] !== 8n || sig < 1 || sig > NSIG) return EINVAL;
  let next: { handler: bigint; flags: number; restorer: bigint; mask: bigint } | null = null;
  if (a[1] !== 0n) {
    const b = p.user.read(a[1], 32);
    if (b === null) return EFAULT;
    const dv = new DataView(b.buffer);
    if (sig === Sig.SIGKILL || sig === Sig.SIGSTOP) return EINVAL;
    next = {
      handler: dv.getBigUint64(0, true),
      flags: Number(dv.getBigUint64(8, true) & BigInt(UAPI_SA_FLAGS)),
      restorer: dv.getBigUint64(16, true),
      mask: dv.getBigUint64(24, true) & ~UNBLOCKABLE,
    };
  }
  const cur = p.signals.actions[sig];
  if (a[2] !== 0n && !p.user.write(a[2], u64s(cur.handler, BigInt(cur.flags), cur.restorer, cur.mask))) return EFAULT;
  if (next !== null) {
    p.signals.actions[sig] = next;
    // Setting SIG_IGN (or SIG_DFL for a default-ignored signal) discards a pending instance.
    if (next.handler === 1n || (next.handler === SIG_DFL && p.signals.isDefaultIgnored(sig))) p.signals.pending.delete(sig);
  }
  return 0n;
}

function rtSigprocmask(p: LinuxProcess, a: bigint[]): bigint {
  const how = int(a[0]);
  if (a[3] !== 8n) return EINVAL;
  const old = p.signals.blocked;
  if (a[1] !== 0n) {
    const set = p.user.readU64(a[1]);
    if (set === null) return EFAULT;
    if (how === 0) p.signals.blocked = old | set;
    else if (how === 1) p.signals.blocked = old & ~set;
    else if (how === 2) p.signals.blocked = set;
    else return EINVAL;
    p.signals.blocked &= ~UNBLOCKABLE;
  }
  if (a[2] !== 0n && !p.user.writeU64(a[2], old)) return EFAULT;
  return 0n;
}

function sigaltstack(p: LinuxProcess, a: bigint[]): bigint {
  const sp = p.cpu.getX(31);
  const cur = p.signals.altStack;
  let next: typeof cur | null = null;
  if (a[0] !== 0n) {
    const b = p.user.read(a[0], 24);
    if (b === null) return EFAULT;
    const dv = new DataView(b.buffer);
    const ssSp = dv.getBigUint64(0, true);
    const flags = dv.getInt32(8, true);
    const size = dv.getBigUint64(16, true);
    if (p.signals.onAltStack(sp)) return err(Errno.EPERM);
    const mode = flags & ~SS_AUTODISARM;
    if (mode !== 0 && mode !== SS_DISABLE && mode !== SS_ONSTACK) return EINVAL;
    if (mode === SS_DISABLE) next = { sp: 0n, size: 0n, flags: SS_DISABLE };
    else if (size < BigInt(MINSIGSTKSZ)) return err(Errno.ENOMEM);
    else next = { sp: ssSp, size, flags: flags & SS_AUTODISARM };
  }
  if (a[1] !== 0n) {
    const b = new Uint8Array(24);
    const dv = new DataView(b.buffer);
    dv.setBigUint64(0, cur.sp, true);
    dv.setInt32(8, p.signals.altStackFlags(sp) | (cur.flags & SS_AUTODISARM), true);
    dv.setBigUint64(16, cur.size, true);
    if (!p.user.write(a[1], b)) return EFAULT;
  }
  if (next !== null) p.signals.altStack = next;
  return 0n;
}

/** kill/tgkill to this process: sig 0 only checks; the signal arrives on the way back to user space. */
function sendToSelf(p: LinuxProcess, sig: number, code: number): bigint {
  if (sig < 0 || sig > NSIG) return EINVAL;
  if (sig !== 0) p.signals.send({ signo: sig, code, pid: PID, uid: UID });
  return 0n;
}

const isSelf = (pid: bigint): boolean => pid === BigInt(PID);

// ---- time and randomness -------------------------------------------------------------------------

function nowNs(p: LinuxProcess, clock: number): bigint | null {
  const t = BigInt(p.instructions) * NS_PER_INSTRUCTION;
  if (clock === 0 || clock === 5 || clock === 8) return EPOCH_NS + t; // REALTIME, REALTIME_COARSE, REALTIME_ALARM
  if (clock >= 1 && clock <= 7) return t; // MONOTONIC, CPUTIME, RAW, COARSE, BOOTTIME
  return null;
}

const timespec = (ns: bigint): Uint8Array => u64s(ns / 1_000_000_000n, ns % 1_000_000_000n);

function sleep(p: LinuxProcess, req: bigint): bigint {
  const b = p.user.read(req, 16);
  if (b === null) return EFAULT;
  const dv = new DataView(b.buffer);
  const nsec = dv.getBigInt64(8, true);
  if (dv.getBigInt64(0, true) < 0n || nsec < 0n || nsec >= 1_000_000_000n) return EINVAL;
  return 0n;
}

function nextRandom(p: LinuxProcess): number {
  let x = p.randomState;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  p.randomState = x >>> 0;
  return p.randomState & 0xff;
}

// ---- misc ------------------------------------------------------------------------------------------

function uname(): Uint8Array {
  const b = new Uint8Array(65 * 6);
  const fields = ['Linux', 'tagscope', '6.12.0-tagscope', '#1 SMP', 'aarch64', '(none)'];
  fields.forEach((s, i) => b.set(new TextEncoder().encode(s), 65 * i));
  return b;
}

const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

function rlimit(resource: number): Uint8Array {
  if (resource === 3) return u64s(BigInt(STACK_SIZE), RLIM_INFINITY); // RLIMIT_STACK
  if (resource === 7) return u64s(1024n, 4096n); // RLIMIT_NOFILE
  return u64s(RLIM_INFINITY, RLIM_INFINITY);
}

function prctl(p: LinuxProcess, a: bigint[]): bigint {
  const op = int(a[0]);
  switch (op) {
    case Prctl.PR_SET_TAGGED_ADDR_CTRL: {
      const e = p.tagCtrl.set(a[1], a.slice(2, 5));
      if (e !== 0) return err(e);
      p.user.taggedAddrAbi = p.tagCtrl.enabled;
      p.machine.bus.refreshMteContext();
      return 0n;
    }
    case Prctl.PR_GET_TAGGED_ADDR_CTRL:
      return BigInt(p.tagCtrl.get(a.slice(1, 5)));
    case Prctl.PR_SET_NAME:
    case 4: // PR_SET_DUMPABLE
      return 0n;
    case Prctl.PR_GET_NAME:
      return put(p, a[1], new TextEncoder().encode('program\0\0\0\0\0\0\0\0\0'));
    case 3: // PR_GET_DUMPABLE
      return 1n;
    default:
      return EINVAL;
  }
}

function futex(p: LinuxProcess, a: bigint[]): SyscallOutcome {
  const cmd = int(a[1]) & 127;
  if (cmd === 1 || cmd === 10) return 0n; // WAKE, WAKE_BITSET: nobody else waits
  if (cmd !== 0 && cmd !== 9) return err(Errno.ENOSYS);
  const word = p.user.read(a[0], 4);
  if (word === null) return EFAULT;
  if (new DataView(word.buffer).getUint32(0, true) !== Number(a[2] & 0xffff_ffffn)) return err(Errno.EAGAIN);
  if (a[3] !== 0n) return err(Errno.ETIMEDOUT);
  p.fail('futex wait with no other thread to wake it: the process would block forever');
  return 'noreturn';
}

const handlers: Record<number, Handler> = {
  17: (p, a) => { // getcwd
    if (a[1] < 2n) return err(Errno.ERANGE);
    return p.user.write(a[0], new Uint8Array([0x2f, 0])) ? 2n : EFAULT;
  },
  23: (p, a) => { // dup
    const f = stream(p, a[0]);
    if (f === undefined) return EBADF;
    const fd = lowestFreeFd(p);
    p.files.set(fd, f);
    return BigInt(fd);
  },
  24: (p, a) => { // dup3
    const f = stream(p, a[0]);
    if (f === undefined || a[1] < 0n || a[1] >= 1024n) return EBADF;
    if (a[0] === a[1] || (a[2] & ~0x80000n) !== 0n) return EINVAL;
    p.files.set(Number(a[1]), f);
    return a[1];
  },
  25: (p, a) => { // fcntl
    const f = stream(p, a[0]);
    if (f === undefined) return EBADF;
    const cmd = int(a[1]);
    if (cmd === 0 || cmd === 1030) { // F_DUPFD, F_DUPFD_CLOEXEC
      const fd = lowestFreeFd(p, Number(a[2]));
      p.files.set(fd, f);
      return BigInt(fd);
    }
    if (cmd === 1 || cmd === 2 || cmd === 4) return 0n; // F_GETFD, F_SETFD, F_SETFL
    if (cmd === 3) return f === 'stdin' ? 0n : 1n; // F_GETFL: O_RDONLY / O_WRONLY
    return EINVAL;
  },
  29: (p, a) => (stream(p, a[0]) === undefined ? EBADF : err(Errno.ENOTTY)), // ioctl: no terminal
  48: (p, a) => { // faccessat
    const path = p.user.readCString(a[1]);
    if (path === null) return EFAULT;
    return path in DEVICES ? 0n : err(Errno.ENOENT);
  },
  56: (p, a) => { // openat
    const path = p.user.readCString(a[1]);
    if (path === null) return EFAULT;
    const dev = DEVICES[path] ?? p.device(path);
    if (dev === undefined) return err(Errno.ENOENT);
    const fd = lowestFreeFd(p);
    p.files.set(fd, dev);
    return BigInt(fd);
  },
  57: (p, a) => (stream(p, a[0]) !== undefined && p.files.delete(Number(a[0])) ? 0n : EBADF), // close
  62: (p, a) => (stream(p, a[0]) === undefined ? EBADF : err(Errno.ESPIPE)), // lseek
  63: (p, a) => readFrom(p, a[0], a[1], a[2]),
  64: (p, a) => writeTo(p, a[0], a[1], a[2]),
  65: (p, a) => vectored(p, a, readFrom),
  66: (p, a) => vectored(p, a, writeTo),
  67: (p, a) => (stream(p, a[0]) === undefined ? EBADF : err(Errno.ESPIPE)), // pread64
  68: (p, a) => (stream(p, a[0]) === undefined ? EBADF : err(Errno.ESPIPE)), // pwrite64
  78: () => err(Errno.ENOENT), // readlinkat
  79: (p, a) => { // newfstatat
    const path = p.user.readCString(a[1]);
    if (path === null) return EFAULT;
    if (path === '' && (a[3] & 0x1000n) !== 0n) return stream(p, a[0]) === undefined ? EBADF : put(p, a[2], statBytes());
    return path in DEVICES ? put(p, a[2], statBytes()) : err(Errno.ENOENT);
  },
  80: (p, a) => (stream(p, a[0]) === undefined ? EBADF : put(p, a[1], statBytes())), // fstat
  93: (p, a) => { p.exit(int(a[0])); return 'noreturn'; }, // exit
  94: (p, a) => { p.exit(int(a[0])); return 'noreturn'; }, // exit_group
  96: () => BigInt(PID), // set_tid_address
  98: futex,
  99: (_p, a) => (a[1] === 24n ? 0n : EINVAL), // set_robust_list
  101: (p, a) => sleep(p, a[0]), // nanosleep
  113: (p, a) => { // clock_gettime
    const ns = nowNs(p, int(a[0]));
    return ns === null ? EINVAL : put(p, a[1], timespec(ns));
  },
  114: (p, a) => (nowNs(p, int(a[0])) === null ? EINVAL : a[1] === 0n ? 0n : put(p, a[1], timespec(1n))), // clock_getres
  115: (p, a) => (nowNs(p, int(a[0])) === null ? EINVAL : sleep(p, a[2])), // clock_nanosleep
  124: () => 0n, // sched_yield
  129: (p, a) => (isSelf(a[0]) || a[0] === 0n || a[0] === -1n || a[0] === 0xffff_ffff_ffff_ffffn ? sendToSelf(p, int(a[1]), SiCode.SI_USER) : err(Errno.ESRCH)), // kill
  130: (p, a) => (isSelf(a[0]) ? sendToSelf(p, int(a[1]), SiCode.SI_TKILL) : err(Errno.ESRCH)), // tkill
  131: (p, a) => (isSelf(a[0]) && isSelf(a[1]) ? sendToSelf(p, int(a[2]), SiCode.SI_TKILL) : err(Errno.ESRCH)), // tgkill
  132: sigaltstack,
  134: rtSigaction,
  135: rtSigprocmask,
  136: (p, a) => (p.user.writeU64(a[0], [...p.signals.pending.keys()].reduce((m, s) => m | sigBit(s), 0n) & p.signals.blocked) ? 0n : EFAULT), // rt_sigpending
  139: (p) => { p.sigreturn(); return 'noreturn'; }, // rt_sigreturn
  160: (p, a) => put(p, a[0], uname()),
  163: (p, a) => put(p, a[1], rlimit(int(a[0]))), // getrlimit
  164: () => 0n, // setrlimit
  165: (p, a) => put(p, a[1], new Uint8Array(144)), // getrusage
  166: () => 0o022n, // umask
  167: prctl,
  169: (p, a) => { // gettimeofday
    const ns = nowNs(p, 0)!;
    return a[0] === 0n ? 0n : put(p, a[0], u64s(ns / 1_000_000_000n, (ns % 1_000_000_000n) / 1000n));
  },
  172: () => BigInt(PID), // getpid
  173: () => BigInt(PID - 1), // getppid
  174: () => BigInt(UID), 175: () => BigInt(UID), 176: () => BigInt(UID), 177: () => BigInt(UID),
  178: () => BigInt(PID), // gettid
  179: sysinfo,
  214: brk,
  215: munmap,
  216: mremap,
  222: mmap,
  226: mprotect,
  233: madvise,
  261: (p, a) => { // prlimit64
    if (a[0] !== 0n && !isSelf(a[0])) return err(Errno.ESRCH);
    return a[3] === 0n ? 0n : put(p, a[3], rlimit(int(a[1])));
  },
  278: (p, a) => { // getrandom
    if ((a[2] & ~7n) !== 0n) return EINVAL;
    const n = Math.min(Number(a[1] > 0x200_0000n ? 0x200_0000n : a[1]), MAX_RW);
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = nextRandom(p);
    return p.user.write(a[0], b) ? BigInt(n) : EFAULT;
  },
  293: () => err(Errno.ENOSYS), // rseq: not provided, as on a kernel without CONFIG_RSEQ; libc copes
};
