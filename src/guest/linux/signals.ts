/**
 * Signal state of the (single-threaded) process and the arm64 rt_sigframe layout
 * (arch/arm64/kernel/signal.c): siginfo, then ucontext with the sigcontext whose __reserved area holds an
 * fpsimd_context record, an esr_context record after a fault, and a terminator.
 */
import type { CpuState } from '../../core/cpu/state.ts';
import { NSIG, Sig } from './abi.ts';

export const SIG_DFL = 0n;
export const SIG_IGN = 1n;

export interface SigAction {
  handler: bigint;
  flags: number;
  restorer: bigint;
  mask: bigint;
}

export interface SigInfo {
  signo: number;
  code: number;
  /** si_addr for fault signals. */
  addr?: bigint;
  /** si_pid / si_uid for kill and tgkill. */
  pid?: number;
  uid?: number;
  /** Set for faults the kernel forces (force_sig): blocked or ignored means death. */
  forced?: boolean;
  /** A tag-check fault: si_addr keeps bits 59:56 only with SA_EXPOSE_TAGBITS. */
  tagFault?: boolean;
}

export interface AltStack {
  sp: bigint;
  size: bigint;
  flags: number;
}

export const SS_ONSTACK = 1;
export const SS_DISABLE = 2;
export const SS_AUTODISARM = 1 << 31;
/** MINSIGSTKSZ of the arm64 uapi: sigaltstack refuses smaller stacks. */
export const MINSIGSTKSZ = 5120;

export const SIGINFO_SIZE = 128;
export const UC_OFFSET = SIGINFO_SIZE;
export const UC = { flags: 0, link: 8, ssSp: 16, ssFlags: 24, ssSize: 32, sigmask: 40, faultAddress: 176, regs: 184, sp: 432, pc: 440, pstate: 448, reserved: 464 } as const;
const RESERVED_SIZE = 4096;
export const FRAME_SIZE = UC_OFFSET + UC.reserved + RESERVED_SIZE;
/** AT_MINSIGSTKSZ: the frame, its frame record and the worst alignment padding. */
export const SIGFRAME_MINSIGSTKSZ = FRAME_SIZE + 16 + 16;
export const FPSIMD_MAGIC = 0x46508001;
const FPSIMD_SIZE = 528;
export const ESR_MAGIC = 0x45535201;
const ESR_SIZE = 16;
/** PSTATE.TCO in SPSR and in sigcontext.pstate (MTE.md §2.3). */
export const PSTATE_TCO = 1n << 25n;

/** Signals whose default action is to do nothing (SIGCONT continues; stop signals are not modelled). */
const DEFAULT_IGNORED = new Set<number>([Sig.SIGCHLD, Sig.SIGURG, Sig.SIGWINCH, Sig.SIGCONT, Sig.SIGSTOP, Sig.SIGTSTP, Sig.SIGTTIN, Sig.SIGTTOU]);
/** Synchronous signals are dequeued before the others (kernel/signal.c SYNCHRONOUS_MASK). */
const SYNCHRONOUS = [Sig.SIGSEGV, Sig.SIGBUS, Sig.SIGILL, Sig.SIGTRAP, Sig.SIGFPE, Sig.SIGSYS];

export const sigBit = (sig: number): bigint => 1n << BigInt(sig - 1);
/** SIGKILL and SIGSTOP can never be blocked. */
export const UNBLOCKABLE = sigBit(Sig.SIGKILL) | sigBit(Sig.SIGSTOP);

export class SignalState {
  readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, () => ({ handler: SIG_DFL, flags: 0, restorer: 0n, mask: 0n }));
  blocked = 0n;
  /** Standard signals are not queued: one pending instance per number, the first one's siginfo. */
  readonly pending = new Map<number, SigInfo>();
  altStack: AltStack = { sp: 0n, size: 0n, flags: SS_DISABLE };

  /** Queues a signal. A forced one that is blocked or ignored resets to SIG_DFL and unblocks (force_sig_info). */
  send(info: SigInfo): void {
    const a = this.actions[info.signo];
    if (info.forced && ((this.blocked & sigBit(info.signo)) !== 0n || a.handler === SIG_IGN)) {
      a.handler = SIG_DFL;
      this.blocked &= ~sigBit(info.signo);
    }
    if (!this.pending.has(info.signo)) this.pending.set(info.signo, info);
  }

  /** The next signal to deliver: synchronous ones first, then the lowest number. */
  next(): SigInfo | null {
    let best: number | null = null;
    for (const sig of this.pending.keys()) {
      if ((this.blocked & sigBit(sig)) !== 0n) continue;
      if (best === null || rank(sig) < rank(best)) best = sig;
    }
    if (best === null) return null;
    const info = this.pending.get(best)!;
    this.pending.delete(best);
    return info;
  }

  isDefaultIgnored(sig: number): boolean {
    return DEFAULT_IGNORED.has(sig);
  }

  /** sas_ss_flags(sp). */
  onAltStack(sp: bigint): boolean {
    return this.altStack.size !== 0n && sp > this.altStack.sp && sp - this.altStack.sp <= this.altStack.size;
  }

  altStackFlags(sp: bigint): number {
    if (this.altStack.size === 0n) return SS_DISABLE;
    return this.onAltStack(sp) ? SS_ONSTACK : 0;
  }
}

const rank = (sig: number): number => (SYNCHRONOUS.includes(sig as (typeof SYNCHRONOUS)[number]) ? sig - 100 : sig);

/** si_addr as the handler sees it (kernel/signal.c hide_si_addr_tag_bits, arch_untagged_si_addr). */
export function visibleSiAddr(info: SigInfo, exposeTagBits: boolean): bigint {
  const addr = info.addr ?? 0n;
  if (!exposeTagBits) return addr & 0x00ff_ffff_ffff_ffffn;
  // FAR<63:60> is UNKNOWN after a tag-check fault: Linux replaces them with the untagged address's bits.
  return info.tagFault ? addr & 0x0fff_ffff_ffff_ffffn : addr;
}

export function encodeSigInfo(info: SigInfo, siAddr: bigint): Uint8Array {
  const b = new Uint8Array(SIGINFO_SIZE);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, info.signo, true);
  dv.setInt32(8, info.code, true);
  if (info.pid !== undefined) {
    dv.setInt32(16, info.pid, true);
    dv.setUint32(20, info.uid ?? 0, true);
  } else {
    dv.setBigUint64(16, siAddr, true);
  }
  return b;
}

export interface FrameContents {
  info: Uint8Array | null;
  altStack: AltStack;
  altStackFlags: number;
  sigmask: bigint;
  faultAddress: bigint;
  /** ESR of the last fault (thread.fault_code), 0 for none. */
  esr: bigint;
}

/** Fills the rt_sigframe bytes for the current CPU state. */
export function encodeFrame(cpu: CpuState, c: FrameContents): Uint8Array {
  const b = new Uint8Array(FRAME_SIZE);
  const dv = new DataView(b.buffer);
  if (c.info) b.set(c.info, 0);
  const uc = UC_OFFSET;
  dv.setBigUint64(uc + UC.ssSp, c.altStack.sp, true);
  dv.setInt32(uc + UC.ssFlags, c.altStackFlags, true);
  dv.setBigUint64(uc + UC.ssSize, c.altStack.size, true);
  dv.setBigUint64(uc + UC.sigmask, c.sigmask, true);
  dv.setBigUint64(uc + UC.faultAddress, c.faultAddress, true);
  for (let i = 0; i < 31; i++) dv.setBigUint64(uc + UC.regs + 8 * i, cpu.getX(i), true);
  dv.setBigUint64(uc + UC.sp, cpu.getX(31), true);
  dv.setBigUint64(uc + UC.pc, BigInt(cpu.pc), true);
  dv.setBigUint64(uc + UC.pstate, pstateOf(cpu), true);
  let rec = uc + UC.reserved;
  dv.setUint32(rec, FPSIMD_MAGIC, true);
  dv.setUint32(rec + 4, FPSIMD_SIZE, true);
  dv.setUint32(rec + 8, Number(cpu.sys.FPSR & 0xffff_ffffn), true);
  dv.setUint32(rec + 12, Number(cpu.sys.FPCR & 0xffff_ffffn), true);
  for (let i = 0; i < 32 * 4; i++) dv.setInt32(rec + 16 + 4 * i, cpu.vreg[i], true);
  rec += FPSIMD_SIZE;
  if (c.esr !== 0n) {
    dv.setUint32(rec, ESR_MAGIC, true);
    dv.setUint32(rec + 4, ESR_SIZE, true);
    dv.setBigUint64(rec + 8, c.esr, true);
    rec += ESR_SIZE;
  }
  return b; // the terminator record is the zeroes that follow
}

export function pstateOf(cpu: CpuState): bigint {
  return BigInt(cpu.nzcv) | (cpu.tco ? PSTATE_TCO : 0n);
}

/** What rt_sigreturn restores; null when the frame is malformed (the kernel then forces SIGSEGV). */
export interface RestoredFrame {
  regs: bigint[];
  sp: bigint;
  pc: bigint;
  pstate: bigint;
  sigmask: bigint;
  altStack: { sp: bigint; flags: number; size: bigint };
  fpsr: bigint;
  fpcr: bigint;
  vregs: Int32Array;
}

export function decodeFrame(b: Uint8Array): RestoredFrame | null {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const uc = UC_OFFSET;
  const pstate = dv.getBigUint64(uc + UC.pstate, true);
  // valid_user_regs(): only AArch64 EL0t may be returned to.
  if ((pstate & 0x1fn) !== 0n) return null;
  const regs: bigint[] = [];
  for (let i = 0; i < 31; i++) regs.push(dv.getBigUint64(uc + UC.regs + 8 * i, true));
  let fp: { fpsr: bigint; fpcr: bigint; vregs: Int32Array } | null = null;
  for (let rec = uc + UC.reserved; rec + 8 <= uc + UC.reserved + RESERVED_SIZE;) {
    const magic = dv.getUint32(rec, true);
    const size = dv.getUint32(rec + 4, true);
    if (magic === 0) break;
    if (size < 8 || size % 16 !== 0 || rec + size > uc + UC.reserved + RESERVED_SIZE) return null;
    if (magic === FPSIMD_MAGIC) {
      if (size !== FPSIMD_SIZE) return null;
      const vregs = new Int32Array(32 * 4);
      for (let i = 0; i < vregs.length; i++) vregs[i] = dv.getInt32(rec + 16 + 4 * i, true);
      fp = { fpsr: BigInt(dv.getUint32(rec + 8, true)), fpcr: BigInt(dv.getUint32(rec + 12, true)), vregs };
    } else if (magic !== ESR_MAGIC) return null;
    rec += size;
  }
  if (fp === null) return null;
  return {
    regs,
    sp: dv.getBigUint64(uc + UC.sp, true),
    pc: dv.getBigUint64(uc + UC.pc, true),
    pstate,
    sigmask: dv.getBigUint64(uc + UC.sigmask, true),
    altStack: { sp: dv.getBigUint64(uc + UC.ssSp, true), flags: dv.getInt32(uc + UC.ssFlags, true), size: dv.getBigUint64(uc + UC.ssSize, true) },
    ...fp,
  };
}
