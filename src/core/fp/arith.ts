/**
 * Floating-point arithmetic of the Arm ARM pseudocode (FPAdd, FPMul, FPDiv, FPMax, FPMaxNum, FPSqrt,
 * FPCompare, FPRoundInt, FPMulAdd) on operand bits, for single and double precision.
 *
 * What is modelled: IEEE results in every FPCR.RMode; NaN propagation (signalling NaNs first, operand
 * order, payload kept and quietened) and FPCR.DN; FPCR.FZ (denormal operands read as zero and raise IDC,
 * results below the smallest normal become zero and raise UFC); the cumulative flags IOC, DZC, OFC, UFC,
 * IXC and IDC, with Underflow judged before rounding as Arm does.
 *
 * The fast path computes in doubles, which round to nearest (exact for single precision, whose results
 * need at most 2·24 + 2 bits); a result that is inexact under a directed RMode, or tiny, or at the edge of
 * the normal range, is formed again exactly and rounded by the Arm rules (exact.ts).
 */
import type { CpuState } from '../cpu/state.ts';
import {
  DEFAULT_NAN32, DEFAULT_NAN64_HI, doubleHi, dlo, isNaN32, isNaN64, isSignalling32, isSignalling64, pow2, QUIET32, QUIET64,
  singleBits, toDouble, toSingle,
} from './bits.ts';
import { ADD, DIV, FMA, MUL, roundExact, SQRT } from './exact.ts';
import { defaultNaNMode, DZC, flushToZero, fpcr, FPCR_FZ, fpcrRMode, IDC, IOC, IXC, OFC, RA, RM, RN, RO, RP, raiseFlags, UFC } from './status.ts';
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
  /** A denormal: exponent field zero, fraction not. */
  denormal(hi: number, lo: number): boolean;
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
  denormal: (hi, lo) => (hi & 0x7ff00000) === 0 && ((hi & 0xfffff) | lo) !== 0,
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
  denormal: (hi) => (hi & 0x7f800000) === 0 && (hi & 0x7fffff) !== 0,
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

/**
 * FPUnpack's flush: under FPCR.FZ a denormal operand reads as a zero of its sign and raises IDC. Returns
 * the high word; the low word is left in `flo`. FPCR is read only for a denormal.
 */
export let flo = 0;
export function flushInput(s: CpuState, p: Precision, hi: number, lo: number): number {
  if (p.denormal(hi, lo) && flushToZero(s)) {
    raiseFlags(s, IDC);
    flo = 0;
    return hi & -0x80000000;
  }
  flo = lo;
  return hi;
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
 * Writes a computed (non-NaN-input) result: NaN means an invalid operation. x is the round-to-nearest
 * result in double precision of the operation `kind` (exact.ts; −1 for results that are an operand, as
 * FMAX's) on a, b (and addend c), and `roundedInDouble` says that rounding was inexact. An exact normal
 * result is final; otherwise FPCR decides: round to nearest without FZ keeps x (an Underflow when it is
 * below the smallest normal), anything else is rounded again from the exact value.
 */
function putResult(s: CpuState, p: Precision, x: number, finiteInputs: boolean, roundedInDouble: boolean, kind: number, a: number, b: number, c: number): void {
  if (x !== x) {
    raiseFlags(s, IOC);
    putDefaultNaN(p);
    return;
  }
  const r = p.round(x), mag = Math.abs(r), min = p.single ? MIN_NORMAL32 : MIN_NORMAL64;
  const rounded = roundedInDouble || r !== x;
  if ((!rounded && mag >= min && mag !== Infinity) || kind < 0 || !finiteInputs) {
    p.put(r);
    return;
  }
  const control = fpcr(s), mode = fpcrRMode(control), flush = (control & FPCR_FZ) !== 0;
  // Tininess is judged on the exact value: only a result rounded to the smallest normal leaves it open.
  if (mode === RN && !flush && !(rounded && mag === min)) {
    if (mag === Infinity) raiseFlags(s, OFC | IXC);
    else if (rounded) raiseFlags(s, mag < min ? IXC | UFC : IXC);
    p.put(r);
    return;
  }
  p.put(roundExact(s, p.single, kind, a, b, c, mode, flush, r));
}

/** The exact.ts operation of a binary operator, or −1 when the result is one of the operands. */
const kindOf = (op: BinaryOp): number => (op === fadd || op === fsub ? ADD : op === fmul ? MUL : op === fdiv ? DIV : -1);

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
  ahi = flushInput(s, p, ahi, alo);
  alo = flo;
  bhi = flushInput(s, p, bhi, blo);
  blo = flo;
  if (processNaNs(s, p, ahi, alo, bhi, blo)) return;
  const a = p.value(ahi, alo), b = p.value(bhi, blo);
  const finite = Number.isFinite(a) && Number.isFinite(b);
  if (op === fdiv && b === 0 && finite && a !== 0) {
    raiseFlags(s, DZC);
    p.put(a / b);
    return;
  }
  const x = op(a, b);
  putResult(s, p, x, finite, roundedInDouble(op, a, b, x), kindOf(op), a, op === fsub ? -b : b, 0);
}

/** FPMaxNum/FPMinNum (FMAXNM, FMINNM): a quiet NaN loses against a number. */
export function binaryNumber(s: CpuState, p: Precision, op: BinaryOp, ahi: number, alo: number, bhi: number, blo: number): void {
  ahi = flushInput(s, p, ahi, alo);
  alo = flo;
  bhi = flushInput(s, p, bhi, blo);
  blo = flo;
  const an = p.isNaN(ahi, alo), bn = p.isNaN(bhi, blo);
  if (an !== bn && !p.signalling(an ? ahi : bhi)) {
    res.hi = an ? bhi : ahi;
    res.lo = an ? blo : alo;
    return;
  }
  binary(s, p, op, ahi, alo, bhi, blo);
}

export function sqrt(s: CpuState, p: Precision, hi: number, lo: number): void {
  hi = flushInput(s, p, hi, lo);
  lo = flo;
  if (p.isNaN(hi, lo)) {
    putNaN(s, p, hi, lo);
    return;
  }
  const v = p.value(hi, lo), x = Math.sqrt(v);
  putResult(s, p, x, Number.isFinite(v), Number.isFinite(x) && (x * x !== v || productError(x, x, v) !== 0), SQRT, v, 0, 0);
}

/**
 * FPMulAdd: addend + op1 × op2 rounded once (fused). An Invalid Operation (∞ × 0) with a quiet NaN addend
 * gives the default NaN, as the Arm pseudocode says.
 */
export function mulAdd(s: CpuState, p: Precision, ahi: number, alo: number, nhi: number, nlo: number, mhi: number, mlo: number): void {
  ahi = flushInput(s, p, ahi, alo);
  alo = flo;
  nhi = flushInput(s, p, nhi, nlo);
  nlo = flo;
  mhi = flushInput(s, p, mhi, mlo);
  mlo = flo;
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
  putResult(s, p, x, Number.isFinite(a) && Number.isFinite(n) && Number.isFinite(m), inexact, FMA, n, m, a);
}

/** NZCV of FPCompare: unordered 0011, equal 0110, less 1000, greater 0010. `signalling` for FCMPE. */
export function compare(s: CpuState, p: Precision, ahi: number, alo: number, bhi: number, blo: number, signalling: boolean): number {
  ahi = flushInput(s, p, ahi, alo);
  alo = flo;
  bhi = flushInput(s, p, bhi, blo);
  blo = flo;
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
  hi = flushInput(s, p, hi, lo);
  lo = flo;
  if (p.isNaN(hi, lo)) {
    putNaN(s, p, hi, lo);
    return;
  }
  const x = p.value(hi, lo);
  const r = roundIntegral(x, mode);
  if (exact && r !== x) raiseFlags(s, IXC);
  p.put(r);
}
