/**
 * Floating-point arithmetic of the Arm ARM pseudocode (FPAdd, FPMul, FPDiv, FPMax, FPMaxNum, FPSqrt,
 * FPCompare, FPRoundInt, FPMulAdd) on operand bits, for single and double precision.
 *
 * What is modelled: IEEE results in round-to-nearest-even; NaN propagation (signalling NaNs first, operand
 * order, payload kept and quietened) and FPCR.DN; the cumulative flags IOC, DZC, OFC, UFC and IXC.
 * Not modelled: FPCR.FZ (denormals are never flushed, so IDC is never set) and FPCR.RMode for
 * arithmetic (only round-to-integral and conversions honour it).
 */
import type { CpuState } from '../cpu/state.ts';
import {
  DEFAULT_NAN32, DEFAULT_NAN64_HI, doubleHi, dlo, isNaN32, isNaN64, isSignalling32, isSignalling64, pow2, QUIET32, QUIET64,
  singleBits, toDouble, toSingle,
} from './bits.ts';
import { defaultNaNMode, DZC, fpcr, fpcrRMode, IOC, IXC, OFC, RA, RM, RN, RO, RP, raiseFlags, UFC } from './status.ts';
import { fusedMultiplyAdd, inexact, productError, sumError } from './fma.ts';

/** A result as bits: the high word (the whole value for single precision) and the low word of a double. */
export const res = { hi: 0, lo: 0 };

/** Single or double precision, with operands as (hi, lo) pairs: a single is (bits, 0). */
export interface Precision {
  readonly single: boolean;
  isNaN(hi: number, lo: number): boolean;
  signalling(hi: number): boolean;
  readonly quiet: number;
  readonly defaultNaN: number;
  value(hi: number, lo: number): number;
  /** Rounds a non-NaN value to this precision (nearest even). */
  round(x: number): number;
  /** Writes the bits of a non-NaN value (rounded to nearest even) to `res`. */
  put(x: number): void;
}

export const DOUBLE: Precision = {
  single: false,
  isNaN: isNaN64,
  signalling: isSignalling64,
  quiet: QUIET64,
  defaultNaN: DEFAULT_NAN64_HI,
  value: toDouble,
  round: (x) => x,
  put(x) {
    res.hi = doubleHi(x);
    res.lo = dlo;
  },
};

export const SINGLE: Precision = {
  single: true,
  isNaN: (hi) => isNaN32(hi),
  signalling: isSignalling32,
  quiet: QUIET32,
  defaultNaN: DEFAULT_NAN32,
  value: (hi) => toSingle(hi),
  round: Math.fround,
  put(x) {
    res.hi = singleBits(x);
    res.lo = 0;
  },
};

export function putDefaultNaN(p: Precision): void {
  res.hi = p.defaultNaN;
  res.lo = 0;
}

/** FPProcessNaN: the operand quietened, or the default NaN under FPCR.DN. */
export function putNaN(s: CpuState, p: Precision, hi: number, lo: number): void {
  if (p.signalling(hi)) raiseFlags(s, IOC);
  if (defaultNaNMode(s)) putDefaultNaN(p);
  else {
    res.hi = hi | p.quiet;
    res.lo = lo;
  }
}

/** FPProcessNaNs3 (FPProcessNaNs with two operands): signalling NaNs first, then quiet ones, in operand order. */
function processNaNs(s: CpuState, p: Precision, ahi: number, alo: number, bhi: number, blo: number, chi = 0, clo = 0, three = false): boolean {
  const an = p.isNaN(ahi, alo), bn = p.isNaN(bhi, blo), cn = three && p.isNaN(chi, clo);
  if (!an && !bn && !cn) return false;
  if (an && p.signalling(ahi)) putNaN(s, p, ahi, alo);
  else if (bn && p.signalling(bhi)) putNaN(s, p, bhi, blo);
  else if (cn && p.signalling(chi)) putNaN(s, p, chi, clo);
  else if (an) putNaN(s, p, ahi, alo);
  else if (bn) putNaN(s, p, bhi, blo);
  else putNaN(s, p, chi, clo);
  return true;
}

/**
 * Writes a computed (non-NaN-input) result: NaN means an invalid operation, ±∞ from finite inputs an
 * overflow; `roundedInDouble` says the double-precision operation was inexact. A rounded result below the
 * smallest normal number is an underflow (tininess is judged after rounding here; Arm judges it before,
 * which differs only for results that round up to the smallest normal).
 */
function putResult(s: CpuState, p: Precision, x: number, finiteInputs: boolean, roundedInDouble: boolean): void {
  if (x !== x) {
    raiseFlags(s, IOC);
    putDefaultNaN(p);
    return;
  }
  const r = p.round(x);
  if (finiteInputs && (r === Infinity || r === -Infinity)) raiseFlags(s, OFC | IXC);
  else if (roundedInDouble || r !== x) raiseFlags(s, Math.abs(r) < (p.single ? MIN_NORMAL32 : MIN_NORMAL64) ? IXC | UFC : IXC);
  p.put(r);
}

const MIN_NORMAL64 = pow2(-1022), MIN_NORMAL32 = pow2(-126);

/** Whether op(a, b) = x (finite) was rounded in double precision. */
function roundedInDouble(op: BinaryOp, a: number, b: number, x: number): boolean {
  if (!Number.isFinite(x) || !Number.isFinite(a) || !Number.isFinite(b)) return false;
  switch (op) {
    case fadd: return sumError(a, b, x) !== 0;
    case fsub: return sumError(a, -b, x) !== 0;
    case fmul: return productError(a, b, x) !== 0;
    case fdiv: return x * b !== a || productError(x, b, a) !== 0;
    default: return false;
  }
}

export type BinaryOp = (a: number, b: number) => number;
export const fadd: BinaryOp = (a, b) => a + b;
export const fsub: BinaryOp = (a, b) => a - b;
export const fmul: BinaryOp = (a, b) => a * b;
export const fdiv: BinaryOp = (a, b) => a / b;
/** FPMax/FPMin: Math.max/min order +0 above −0 as Arm does. */
export const fmax: BinaryOp = Math.max;
export const fmin: BinaryOp = Math.min;

/** FPAdd, FPSub, FPMul, FPDiv, FPMax, FPMin, FNMUL: the result bits in `res`. */
export function binary(s: CpuState, p: Precision, op: BinaryOp, ahi: number, alo: number, bhi: number, blo: number): void {
  if (processNaNs(s, p, ahi, alo, bhi, blo)) return;
  const a = p.value(ahi, alo), b = p.value(bhi, blo);
  const finite = Number.isFinite(a) && Number.isFinite(b);
  if (op === fdiv && b === 0 && finite && a !== 0) {
    raiseFlags(s, DZC);
    p.put(a / b);
    return;
  }
  const x = op(a, b);
  putResult(s, p, x, finite, roundedInDouble(op, a, b, x));
}

/** FPMaxNum/FPMinNum (FMAXNM, FMINNM): a quiet NaN loses against a number. */
export function binaryNumber(s: CpuState, p: Precision, op: BinaryOp, ahi: number, alo: number, bhi: number, blo: number): void {
  const an = p.isNaN(ahi, alo), bn = p.isNaN(bhi, blo);
  if (an !== bn && !p.signalling(an ? ahi : bhi)) {
    res.hi = an ? bhi : ahi;
    res.lo = an ? blo : alo;
    return;
  }
  binary(s, p, op, ahi, alo, bhi, blo);
}

export function sqrt(s: CpuState, p: Precision, hi: number, lo: number): void {
  if (p.isNaN(hi, lo)) {
    putNaN(s, p, hi, lo);
    return;
  }
  const v = p.value(hi, lo), x = Math.sqrt(v);
  putResult(s, p, x, false, Number.isFinite(x) && (x * x !== v || productError(x, x, v) !== 0));
}

/**
 * FPMulAdd: addend + op1 × op2 rounded once (fused). An Invalid Operation (∞ × 0) with a quiet NaN addend
 * gives the default NaN, as the Arm pseudocode says.
 */
export function mulAdd(s: CpuState, p: Precision, ahi: number, alo: number, nhi: number, nlo: number, mhi: number, mlo: number): void {
  const n = p.value(nhi, nlo), m = p.value(mhi, mlo);
  const infTimesZero = (Math.abs(n) === Infinity && m === 0) || (n === 0 && Math.abs(m) === Infinity);
  if (p.isNaN(ahi, alo) && !p.signalling(ahi) && infTimesZero && !p.isNaN(nhi, nlo) && !p.isNaN(mhi, mlo)) {
    raiseFlags(s, IOC);
    putDefaultNaN(p);
    return;
  }
  if (processNaNs(s, p, ahi, alo, nhi, nlo, mhi, mlo, true)) return;
  const a = p.value(ahi, alo);
  const x = fusedMultiplyAdd(a, n, m, p.single);
  putResult(s, p, x, Number.isFinite(a) && Number.isFinite(n) && Number.isFinite(m), inexact);
}

/** NZCV of FPCompare: unordered 0011, equal 0110, less 1000, greater 0010. `signalling` for FCMPE. */
export function compare(s: CpuState, p: Precision, ahi: number, alo: number, bhi: number, blo: number, signalling: boolean): number {
  const an = p.isNaN(ahi, alo), bn = p.isNaN(bhi, blo);
  if (an || bn) {
    if (signalling || (an && p.signalling(ahi)) || (bn && p.signalling(bhi))) raiseFlags(s, IOC);
    return 0b0011;
  }
  const a = p.value(ahi, alo), b = p.value(bhi, blo);
  return a === b ? 0b0110 : a < b ? 0b1000 : 0b0010;
}

/** Rounds to an integral value in `mode` (RN, RP, RM, RZ, RA or RO); −0 stays −0. */
export function roundIntegral(x: number, mode: number): number {
  switch (mode) {
    case RN: {
      const r = Math.round(x);
      return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
    }
    case RP: return Math.ceil(x);
    case RM: return Math.floor(x);
    case RA: return x < 0 || Object.is(x, -0) ? -Math.round(-x) : Math.round(x);
    case RO: {
      // Truncated, then made odd when anything was dropped.
      const t = Math.trunc(x);
      return t === x || t % 2 !== 0 ? t : t + Math.sign(x);
    }
    default: return Math.trunc(x);
  }
}

/** The rounding mode of FPCR.RMode. */
export const currentMode = (s: CpuState): number => fpcrRMode(fpcr(s));

/** FPRoundInt (FRINT*): `exact` raises Inexact when the value changes (FRINTX). */
export function roundInt(s: CpuState, p: Precision, hi: number, lo: number, mode: number, exact: boolean): void {
  if (p.isNaN(hi, lo)) {
    putNaN(s, p, hi, lo);
    return;
  }
  const x = p.value(hi, lo);
  const r = roundIntegral(x, mode);
  if (exact && r !== x) raiseFlags(s, IXC);
  p.put(r);
}
