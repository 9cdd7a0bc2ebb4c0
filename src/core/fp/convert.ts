/**
 * Conversions: floating-point ↔ integer and fixed-point (FCVT*S/U, SCVTF, UCVTF) and between precisions
 * (FCVT), with the Arm rounding, saturation and NaN rules (Arm ARM FPToFixed, FixedToFP, FPConvert).
 */
import type { CpuState } from '../cpu/state.ts';
import { DEFAULT_NAN16, exponentOf, halfBits, halfValue, isNaN16, nextDouble, oddDouble, pow2 } from './bits.ts';
import { currentMode, flo, flushInput, type Precision, putDefaultNaN, res, roundIntegral } from './arith.ts';
import { defaultNaNMode, flushToZero, IOC, IXC, OFC, RM, RN, RP, RZ, raiseFlags, UFC } from './status.ts';

const TWO32 = 4294967296;

/**
 * FPToFixed: the value × 2^fbits rounded in `mode`, saturated to a `width`-bit signed or unsigned integer,
 * into res (hi, lo). NaN gives 0; saturation and NaN raise Invalid Operation, an inexact result Inexact.
 */
export function toFixed(s: CpuState, p: Precision, hi: number, lo: number, fbits: number, mode: number, width: 32 | 64, unsigned: boolean): void {
  hi = flushInput(s, p, hi, lo);
  lo = flo;
  res.hi = res.lo = 0;
  if (p.isNaN(hi, lo)) {
    raiseFlags(s, IOC);
    return;
  }
  const x = p.value(hi, lo) * pow2(fbits);
  const r = roundIntegral(x, mode);
  const max = unsigned ? 2 ** width : 2 ** (width - 1);
  const min = unsigned ? 0 : -max;
  if (r >= max || r < min) {
    raiseFlags(s, IOC);
    const v = r >= max ? max - 1 : min;
    // Saturated limits: all ones below the sign bit, or the sign bit alone.
    if (width === 32) res.lo = v | 0;
    else if (unsigned) res.hi = res.lo = v > 0 ? -1 : 0;
    else [res.hi, res.lo] = v > 0 ? [0x7fffffff, -1] : [-0x80000000, 0];
    return;
  }
  if (r !== x) raiseFlags(s, IXC);
  const v = r === 0 ? 0 : r; // −0 converts to 0
  res.hi = width === 64 ? Math.floor(v / TWO32) | 0 : 0;
  res.lo = v % TWO32 | 0;
}

/** Nearest value in a format with `mant` fraction bits, exponents down to `emin`, largest finite `maxFinite`. */
interface Format { mant: number; emin: number; maxFinite: number }
const SINGLE_FORMAT: Format = { mant: 23, emin: -126, maxFinite: (2 - pow2(-23)) * pow2(127) };
const HALF_FORMAT: Format = { mant: 10, emin: -14, maxFinite: 65504 };
const SINGLE_FORMAT_MIN = pow2(SINGLE_FORMAT.emin);

/** Rounds a finite double to a narrower format in `mode`; overflow gives ±∞ or the largest finite value. */
function roundToFormat(s: CpuState, x: number, fmt: Format, mode: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const quantum = pow2(Math.max(exponentOf(x), fmt.emin) - fmt.mant);
  const r = roundIntegral(x / quantum, mode) * quantum;
  if (r !== x) raiseFlags(s, Math.abs(x) < pow2(fmt.emin) ? IXC | UFC : IXC);
  if (Math.abs(r) <= fmt.maxFinite) return r === 0 && x < 0 ? -0 : r;
  raiseFlags(s, OFC | IXC);
  const toInfinity = mode === RN || (mode === RP && x > 0) || (mode === RM && x < 0);
  return toInfinity ? x * Infinity : Math.sign(x) * fmt.maxFinite;
}

/** The exact sum t + err (|err| ≤ ½ ulp(t)) rounded to a double in `mode`, given t is its nearest-even rounding. */
function directed(t: number, err: number, mode: number): number {
  if (err === 0 || mode === RN) return t;
  if (mode === RP) return err > 0 ? nextDouble(t, 1) : t;
  if (mode === RM) return err < 0 ? nextDouble(t, -1) : t;
  if (mode === RZ) return (t > 0 && err < 0) || (t < 0 && err > 0) ? nextDouble(t, -t) : t;
  return t;
}

/**
 * FixedToFP: the signed or unsigned integer (hi:lo, or lo alone when !is64) divided by 2^fbits, rounded in
 * FPCR.RMode to precision p, into res. FPCR is read only when the result is inexact.
 */
export function fromFixed(s: CpuState, p: Precision, hi: number, lo: number, is64: boolean, unsigned: boolean, fbits: number): void {
  const high = !is64 ? 0 : unsigned ? (hi >>> 0) * TWO32 : hi * TWO32;
  const low = is64 || unsigned ? lo >>> 0 : lo;
  // high and low are exact; their sum is rounded once, and its error is exact (TwoSum).
  const t = high + low;
  const bv = t - high;
  const err = (high - (t - bv)) + (low - bv);
  const scale = pow2(-fbits);
  if (!p.single) {
    if (err !== 0) raiseFlags(s, IXC);
    p.put((err === 0 ? t : directed(t, err, currentMode(s))) * scale);
    return;
  }
  const odd = (err === 0 || oddDouble(t) ? t : nextDouble(t, err)) * scale;
  p.put(Math.fround(odd) === odd ? odd : roundToFormat(s, odd, SINGLE_FORMAT, currentMode(s)));
}

export const HALF = 'half';
export type ConvertFormat = Precision | typeof HALF;

/**
 * FPConvert (FCVT) between half, single and double precision, rounding in FPCR.RMode (or `mode`: round to
 * odd for FCVTXN); the result bits in res (a half in res.hi). FPCR.FZ flushes single and double operands
 * and a single result below the smallest normal (UFC); half precision has its own FZ16, not implemented.
 */
export function convertPrecision(s: CpuState, from: ConvertFormat, to: ConvertFormat, hi: number, lo: number, mode = -1): void {
  if (from !== HALF) {
    hi = flushInput(s, from, hi, lo);
    lo = flo;
  }
  const nan = from === HALF ? isNaN16(hi) : from.isNaN(hi, lo);
  if (nan) {
    convertNaN(s, from, to, hi, lo);
    return;
  }
  const x = from === HALF ? halfValue(hi) : from.value(hi, lo);
  if (to === HALF) {
    res.hi = halfBits(roundToFormat(s, x, HALF_FORMAT, mode < 0 ? currentMode(s) : mode));
    res.lo = 0;
  } else if (to.single && x !== 0 && Math.abs(x) < SINGLE_FORMAT_MIN && flushToZero(s)) {
    raiseFlags(s, UFC);
    to.put(x < 0 ? -0 : 0);
  } else to.put(to.single && Math.fround(x) !== x ? roundToFormat(s, x, SINGLE_FORMAT, mode < 0 ? currentMode(s) : mode) : x);
}

/** A NaN keeps its sign and the top bits of its payload, and is quietened (FPConvertNaN). */
function convertNaN(s: CpuState, from: ConvertFormat, to: ConvertFormat, hi: number, lo: number): void {
  const quietBit = from === HALF ? 0x200 : from.quiet;
  if ((hi & quietBit) === 0) raiseFlags(s, IOC);
  if (defaultNaNMode(s)) {
    if (to === HALF) [res.hi, res.lo] = [DEFAULT_NAN16, 0];
    else putDefaultNaN(to);
    return;
  }
  // The payload as a 51-bit fraction below the quiet bit, split into a high 19 and low 32 bits.
  let sign: number, fracHi: number, fracLo: number;
  if (from === HALF) [sign, fracHi, fracLo] = [hi & 0x8000, (hi & 0x1ff) << 10, 0];
  else if (from.single) [sign, fracHi, fracLo] = [hi & 0x80000000, (hi & 0x3fffff) >>> 3, (hi & 7) << 29];
  else [sign, fracHi, fracLo] = [hi & 0x80000000, hi & 0x7ffff, lo];
  const negative = sign !== 0;
  if (to === HALF) [res.hi, res.lo] = [(negative ? 0x8000 : 0) | 0x7e00 | (fracHi >>> 10), 0];
  else if (to.single) [res.hi, res.lo] = [(negative ? 0x80000000 : 0) | 0x7fc00000 | (fracHi << 3) | (fracLo >>> 29), 0];
  else [res.hi, res.lo] = [(negative ? 0x80000000 : 0) | 0x7ff80000 | fracHi, fracLo];
  res.hi |= 0;
}
