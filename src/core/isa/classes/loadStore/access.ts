/**
 * Building blocks of the load/store executors: addressing modes (Arm ARM C1.3.3) and transfers.
 *
 * An addressing-mode builder computes the virtual address as int32 halves, calls a `Transfer` that moves
 * the data, then writes back the base. Transfers never write a register before every access of the
 * instruction has succeeded, and multi-part stores probe their whole footprint first, so a fault leaves
 * memory and registers unchanged (MTE.md §2.6). The tag-check flag of each form follows MTE.md §2.5.
 */
import { GuestException } from '../../../cpu/exceptions.ts';
import type { CpuState } from '../../../cpu/state.ts';
import { AccessKind } from '../../../mte/check.ts';
import { toBigVa } from '../../../mmu/bus.ts';
import type { Op } from '../../types.ts';

/**
 * Moves data between memory at (hi, lo) and register `t` (and `t2` for pairs). GPR transfers take
 * register-file indices (see rx/wx); SIMD&FP transfers take V register numbers.
 */
export type Transfer = (s: CpuState, t: number, t2: number, hi: number, lo: number, checked: boolean) => void;

const TWO32 = 4294967296;

/** High half of (hi:lo) + off after a 32-bit add whose unsigned low result is `sum`. */
export const carryHi = (hi: number, sum: number): number => (hi + (sum < 0 ? -1 : sum >= TWO32 ? 1 : 0)) | 0;

export type Writeback = 'none' | 'pre' | 'post';

/**
 * Base register plus immediate: offset (`[Xn, #imm]`), pre-index (`[Xn, #imm]!`) or post-index
 * (`[Xn], #imm`). Tag checked when `wback || n != 31` (MTE.md §2.5). On a load with writeback and
 * Rt == Rn (CONSTRAINED UNPREDICTABLE) the writeback wins, as under qemu.
 */
export function immediateMode(xfer: Transfer, t: number, t2: number, n: number, offset: number, wb: Writeback): Op {
  const checked = wb !== 'none' || n !== 31;
  if (wb === 'none') {
    return (s) => {
      const sum = (s.lo[n] >>> 0) + offset;
      xfer(s, t, t2, carryHi(s.hi[n], sum), sum | 0, checked);
      s.pc += 4;
    };
  }
  if (wb === 'pre') {
    return (s) => {
      const sum = (s.lo[n] >>> 0) + offset;
      const hi = carryHi(s.hi[n], sum);
      const lo = sum | 0;
      xfer(s, t, t2, hi, lo, checked);
      s.lo[n] = lo;
      s.hi[n] = hi;
      s.pc += 4;
    };
  }
  return (s) => {
    const hi = s.hi[n];
    const lo = s.lo[n];
    xfer(s, t, t2, hi, lo, checked);
    const sum = (lo >>> 0) + offset;
    s.lo[n] = sum | 0;
    s.hi[n] = carryHi(hi, sum);
    s.pc += 4;
  };
}

/** Register-offset extend (the `option` field): UXTW 010, LSL 011, SXTW 110, SXTX 111. */
const Extend = { UXTW: 2, LSL: 3, SXTW: 6, SXTX: 7 } as const;

/** `[Xn|SP, Rm{, extend {#shift}}]`: always tag checked, even with an SP base (MTE.md §2.5). */
export function registerOffsetMode(xfer: Transfer, t: number, n: number, m: number, option: number, shift: number): Op {
  const word = (option & 1) === 0; // UXTW/SXTW take a W register
  const signedWord = option === Extend.SXTW;
  return (s) => {
    let mlo = s.lo[m];
    let mhi = word ? (signedWord ? mlo >> 31 : 0) : s.hi[m];
    if (shift !== 0) {
      mhi = (mhi << shift) | (mlo >>> (32 - shift));
      mlo <<= shift;
    }
    const sum = (s.lo[n] >>> 0) + (mlo >>> 0);
    xfer(s, t, 0, (s.hi[n] + mhi + (sum >= TWO32 ? 1 : 0)) | 0, sum | 0, true);
    s.pc += 4;
  };
}

/** PC-relative literal: never tag checked (MTE.md §2.5). The PC is read at run time: a frame may be mapped twice. */
export function literalMode(xfer: Transfer, t: number, offset: number): Op {
  return (s) => {
    const a = s.pc + offset;
    xfer(s, t, 0, Math.floor(a / TWO32) | 0, a | 0, false);
    s.pc += 4;
  };
}

/** An Alignment fault Data Abort at (hi, lo): it has priority over translation and tag checks. */
export function alignmentFault(hi: number, lo: number, write: boolean): GuestException {
  return new GuestException({ kind: 'dataAbort', fault: { type: 'alignment', stage: 1, level: 0, va: toBigVa(hi, lo), write, fetch: false } });
}

/** Throws an Alignment fault unless (hi, lo) is aligned to `bytes` (a power of two). */
export function requireAligned(hi: number, lo: number, bytes: number, write: boolean): void {
  if ((lo & (bytes - 1)) !== 0) throw alignmentFault(hi, lo, write);
}

/**
 * Base register only, `[Xn|SP]` (exclusives, acquire/release, atomics), or with an unscaled offset
 * (LDAPUR/STLUR): natural alignment of `align` bytes, tag checked when `n != 31` (MTE.md §2.5).
 */
export function orderedMode(xfer: Transfer, t: number, t2: number, n: number, offset: number, align: number, write: boolean): Op {
  const checked = n !== 31;
  return (s) => {
    const sum = (s.lo[n] >>> 0) + offset;
    const hi = carryHi(s.hi[n], sum);
    const lo = sum | 0;
    requireAligned(hi, lo, align, write);
    xfer(s, t, t2, hi, lo, checked);
    s.pc += 4;
  };
}

// ---- general-purpose register transfers ----------------------------------------------------------

/** Writes a 32-bit result to a W register (upper half zero). */
const setW = (s: CpuState, t: number, v: number): void => {
  s.lo[t] = v;
  s.hi[t] = 0;
};
/** Writes a sign-extended 32-bit value to an X register. */
const setSx = (s: CpuState, t: number, v: number): void => {
  s.lo[t] = v;
  s.hi[t] = v >> 31;
};

/**
 * Before the parts of a multi-part load whose footprint crosses into another page: translate and tag-check the
 * whole footprint as one access, so that a fault on the second page comes before any tag-check effect of the
 * first, such as an asynchronous fault recorded in TFSRE0_EL1 (MTE.md §2.6). Within one page the parts cannot
 * differ in translation, so nothing is probed. Returns the tag-check flag for the parts (false once probed).
 */
export function probeLoad(s: CpuState, hi: number, lo: number, bytes: number, c: boolean): boolean {
  if ((lo & 0xfff) + bytes <= 0x1000) return c;
  s.bus.probe(hi, lo, bytes, AccessKind.Read, c);
  return false;
}

export const gpr = {
  ldrb: ((s, t, _t2, hi, lo, c) => setW(s, t, s.bus.read8(hi, lo, c))) as Transfer,
  ldrh: ((s, t, _t2, hi, lo, c) => setW(s, t, s.bus.read16(hi, lo, c))) as Transfer,
  ldrw: ((s, t, _t2, hi, lo, c) => setW(s, t, s.bus.read32(hi, lo, c))) as Transfer,
  ldrx: ((s, t, _t2, hi, lo, c) => {
    const v = s.bus.read64(hi, lo, c);
    s.hi[t] = s.bus.rhi;
    s.lo[t] = v;
  }) as Transfer,
  ldrsbw: ((s, t, _t2, hi, lo, c) => setW(s, t, (s.bus.read8(hi, lo, c) << 24) >> 24)) as Transfer,
  ldrsbx: ((s, t, _t2, hi, lo, c) => setSx(s, t, (s.bus.read8(hi, lo, c) << 24) >> 24)) as Transfer,
  ldrshw: ((s, t, _t2, hi, lo, c) => setW(s, t, (s.bus.read16(hi, lo, c) << 16) >> 16)) as Transfer,
  ldrshx: ((s, t, _t2, hi, lo, c) => setSx(s, t, (s.bus.read16(hi, lo, c) << 16) >> 16)) as Transfer,
  ldrsw: ((s, t, _t2, hi, lo, c) => setSx(s, t, s.bus.read32(hi, lo, c))) as Transfer,
  strb: ((s, t, _t2, hi, lo, c) => s.bus.write8(hi, lo, s.lo[t], c)) as Transfer,
  strh: ((s, t, _t2, hi, lo, c) => s.bus.write16(hi, lo, s.lo[t], c)) as Transfer,
  strw: ((s, t, _t2, hi, lo, c) => s.bus.write32(hi, lo, s.lo[t], c)) as Transfer,
  strx: ((s, t, _t2, hi, lo, c) => s.bus.write64(hi, lo, s.lo[t], s.hi[t], c)) as Transfer,
  /**
   * LDP/LDPSW/LDXP: both reads complete before either register is written; Rt is written last, so
   * with Rt == Rt2 (CONSTRAINED UNPREDICTABLE) Rt's value wins, as under qemu.
   */
  ldpw: ((s, t, t2, hi, lo, checked) => {
    const c = probeLoad(s, hi, lo, 8, checked);
    const a = s.bus.read32(hi, lo, c);
    const sum = (lo >>> 0) + 4;
    const b = s.bus.read32(carryHi(hi, sum), sum | 0, c);
    setW(s, t2, b);
    setW(s, t, a);
  }) as Transfer,
  ldpsw: ((s, t, t2, hi, lo, checked) => {
    const c = probeLoad(s, hi, lo, 8, checked);
    const a = s.bus.read32(hi, lo, c);
    const sum = (lo >>> 0) + 4;
    const b = s.bus.read32(carryHi(hi, sum), sum | 0, c);
    setSx(s, t2, b);
    setSx(s, t, a);
  }) as Transfer,
  ldpx: ((s, t, t2, hi, lo, checked) => {
    const c = probeLoad(s, hi, lo, 16, checked);
    const alo = s.bus.read64(hi, lo, c);
    const ahi = s.bus.rhi;
    const sum = (lo >>> 0) + 8;
    const blo = s.bus.read64(carryHi(hi, sum), sum | 0, c);
    s.hi[t2] = s.bus.rhi;
    s.lo[t2] = blo;
    s.lo[t] = alo;
    s.hi[t] = ahi;
  }) as Transfer,
  stpw: ((s, t, t2, hi, lo, c) => {
    s.bus.probe(hi, lo, 8, AccessKind.Write, c);
    s.bus.write32(hi, lo, s.lo[t], false);
    const sum = (lo >>> 0) + 4;
    s.bus.write32(carryHi(hi, sum), sum | 0, s.lo[t2], false);
  }) as Transfer,
  stpx: ((s, t, t2, hi, lo, c) => {
    s.bus.probe(hi, lo, 16, AccessKind.Write, c);
    s.bus.write64(hi, lo, s.lo[t], s.hi[t], false);
    const sum = (lo >>> 0) + 8;
    s.bus.write64(carryHi(hi, sum), sum | 0, s.lo[t2], s.hi[t2], false);
  }) as Transfer,
};

/** Reads `bytes` (1, 2, 4 or 8) at (hi, lo) zero-extended: returns the low half, leaves the high half in `s.bus.rhi`. */
export function readSized(s: CpuState, hi: number, lo: number, bytes: number, c: boolean): number {
  switch (bytes) {
    case 1: s.bus.rhi = 0; return s.bus.read8(hi, lo, c);
    case 2: s.bus.rhi = 0; return s.bus.read16(hi, lo, c);
    case 4: s.bus.rhi = 0; return s.bus.read32(hi, lo, c);
    default: return s.bus.read64(hi, lo, c);
  }
}

/** Writes the low `bytes` (1, 2, 4 or 8) of (vhi:vlo) at (hi, lo). */
export function writeSized(s: CpuState, hi: number, lo: number, bytes: number, vlo: number, vhi: number, c: boolean): void {
  switch (bytes) {
    case 1: s.bus.write8(hi, lo, vlo, c); return;
    case 2: s.bus.write16(hi, lo, vlo, c); return;
    case 4: s.bus.write32(hi, lo, vlo, c); return;
    default: s.bus.write64(hi, lo, vlo, vhi, c);
  }
}
