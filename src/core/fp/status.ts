/**
 * FPCR and FPSR as numbers. The registers live in `s.sys` as BigInt (MRS/MSR are edges); executors read a
 * number that is recomputed only when the BigInt value changes, and only on the paths that need it (NaN
 * operands, rounding by FPCR.RMode, raising a flag not yet raised).
 */
import type { CpuState } from '../cpu/state.ts';

/** FPCR.DN and FPCR.FZ (Arm ARM D17.2.48); AHP is kept in FPCR but not modelled. */
export const FPCR_DN = 1 << 25, FPCR_FZ = 1 << 24;
export const fpcrRMode = (fpcr: number): number => (fpcr >>> 22) & 3;

/** FPSR cumulative exception flags (Arm ARM D17.2.50); IDC is raised when FPCR.FZ flushes a denormal operand. */
export const IOC = 1, DZC = 2, OFC = 4, UFC = 8, IXC = 16, IDC = 128;

/**
 * Rounding modes in FPCR.RMode order, plus ties-away (FCVTA*, FRINTA) and round-to-odd (FCVTXN), which
 * have no RMode encoding.
 */
export const RN = 0, RP = 1, RM = 2, RZ = 3, RA = 4, RO = 5;

let fpcrSeen = 0n;
let fpcrBits = 0;

export function fpcr(s: CpuState): number {
  const v = s.sys.FPCR;
  if (v !== fpcrSeen) {
    fpcrSeen = v;
    fpcrBits = Number(v & 0xffffffffn);
  }
  return fpcrBits;
}

/** FPCR.DN: NaN results are the default NaN. */
export const defaultNaNMode = (s: CpuState): boolean => (fpcr(s) & FPCR_DN) !== 0;

/** FPCR.FZ: denormal operands and results are flushed to zero (single and double precision). */
export const flushToZero = (s: CpuState): boolean => (fpcr(s) & FPCR_FZ) !== 0;

let fpsrSeen = 0n;
let fpsrBits = 0;

/** Sets cumulative flags in FPSR; a BigInt write happens only when a flag changes from 0 to 1. */
export function raiseFlags(s: CpuState, flags: number): void {
  const v = s.sys.FPSR;
  if (v !== fpsrSeen) {
    fpsrSeen = v;
    fpsrBits = Number(v & 0xffffffffn);
  }
  if ((fpsrBits & flags) === flags) return;
  fpsrBits |= flags;
  fpsrSeen = s.sys.FPSR = v | BigInt(flags);
}
