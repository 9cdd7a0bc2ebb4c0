/**
 * Lane functions of the floating-point estimate and step instructions (Arm ARM shared pseudocode
 * FPRecipEstimate, FPRSqrtEstimate, FPRecipStepFused, FPRSqrtStepFused, FPMulX): FRECPE, FRSQRTE, FRECPS,
 * FRSQRTS, FMULX and FRECPX; URECPE and URSQRTE use the same estimates. The estimates are the 8-bit
 * table-free algorithms of Armv8.0 (no FEAT_RPRES).
 */
import { r64, shl64 } from '../../../bits/int64.ts';
import type { CpuState } from '../../../cpu/state.ts';
import { binary, currentMode, flo, flushInput, fmul, mulAdd, type Precision, putDefaultNaN, putNaN, res } from '../../../fp/arith.ts';
import { DZC, flushToZero, IOC, IXC, OFC, RM, RN, RP, raiseFlags, UFC } from '../../../fp/status.ts';
import type { FpLaneFn } from './fpLanes.ts';

const SIGN = -0x80000000;
const ONE_HALF_BITS = { single: 0x3fc00000, double: 0x3ff80000 };
const TWO_BITS = { single: 0x40000000, double: 0x40000000 };
const THREE_BITS = { single: 0x40400000, double: 0x40080000 };

/** RecipEstimate: a 9-bit input 256..511 (0.5 ≤ x < 1 in steps of 1/512) to an 8-bit-fraction estimate 256..511. */
export function recipEstimate(a: number): number {
  const b = Math.floor(2 ** 19 / (a * 2 + 1));
  return (b + 1) >> 1;
}

/** RecipSqrtEstimate: a 9-bit input 128..511 (0.25 ≤ x < 1) to an estimate 256..511. */
export function recipSqrtEstimate(input: number): number {
  // Below 256 in units of 1/512; from 256, the bottom bit dropped, in units of 1/256.
  const a = input < 256 ? input * 2 + 1 : (((input >> 1) << 1) + 1) * 2;
  let b = 512;
  while (a * (b + 1) * (b + 1) < 2 ** 28) b++;
  return (b + 1) >> 1;
}

/**
 * The exponent field and the top 10 bits of the 52-bit fraction (fraction<51:42>) of an operand. A
 * denormal is normalised: shifted left past its leading one, the exponent going 0, -1, -2, … (FRECPE
 * only meets shifts of one or two; smaller inputs overflow before).
 */
let exponent = 0;
function unpack(p: Precision, hi: number, lo: number): number {
  exponent = p.single ? (hi >>> 23) & 0xff : (hi >>> 20) & 0x7ff;
  if (p.single) {
    const frac = hi & 0x7fffff;
    if (exponent !== 0) return frac >>> 13;
    const zeros = Math.clz32(frac) - 9;
    exponent = -zeros;
    return ((frac << (zeros + 1)) >>> 13) & 0x3ff;
  }
  const frac = hi & 0xfffff;
  if (exponent !== 0) return frac >>> 10;
  const zeros = frac !== 0 ? Math.clz32(frac) - 12 : 20 + Math.clz32(lo);
  exponent = -zeros;
  shl64(frac, lo, zeros + 1);
  return (r64.hi >>> 10) & 0x3ff;
}

/** Packs sign, a biased exponent (0 and -1 make denormals) and an 8-bit estimate fraction into res. */
function pack(p: Precision, sign: number, exp: number, estimate: number): void {
  let frac = (estimate & 0xff) << (p.single ? 15 : 12);
  if (exp === 0) frac = (1 << (p.single ? 22 : 19)) | (frac >>> 1);
  else if (exp === -1) {
    frac = (1 << (p.single ? 21 : 18)) | (frac >>> 2);
    exp = 0;
  }
  res.hi = sign | (exp << (p.single ? 23 : 20)) | frac;
  res.lo = 0;
}

const isInf = (p: Precision, hi: number, lo: number): boolean => (p.single ? (hi & 0x7fffffff) === 0x7f800000 : (hi & 0x7fffffff) === 0x7ff00000 && lo === 0);
const isZero = (hi: number, lo: number): boolean => (hi & 0x7fffffff) === 0 && lo === 0;

function putInfinity(p: Precision, sign: number): void {
  res.hi = sign | (p.single ? 0x7f800000 : 0x7ff00000);
  res.lo = 0;
}

/** FRECPE; under FPCR.FZ a result that would be denormal is zero (UFC). */
export const laneRecipEstimate: FpLaneFn = (s, p, hi, lo) => {
  hi = flushInput(s, p, hi, lo);
  lo = flo;
  const sign = hi & SIGN;
  if (p.isNaN(hi, lo)) return putNaN(s, p, hi, lo);
  if (isInf(p, hi, lo)) {
    res.hi = sign;
    res.lo = 0;
    return;
  }
  if (isZero(hi, lo)) {
    raiseFlags(s, DZC);
    return putInfinity(p, sign);
  }
  if (Math.abs(p.value(hi, lo)) < (p.single ? 2 ** -128 : 2 ** -1024)) {
    const mode = currentMode(s);
    const toInfinity = mode === RN || (mode === RP && sign === 0) || (mode === RM && sign !== 0);
    raiseFlags(s, OFC | IXC);
    if (toInfinity) return putInfinity(p, sign);
    res.hi = sign | (p.single ? 0x7f7fffff : 0x7fefffff);
    res.lo = p.single ? 0 : -1;
    return;
  }
  if (Math.abs(p.value(hi, lo)) >= (p.single ? 2 ** 126 : 2 ** 1022) && flushToZero(s)) {
    raiseFlags(s, UFC);
    res.hi = sign;
    res.lo = 0;
    return;
  }
  const top = unpack(p, hi, lo);
  pack(p, sign, (p.single ? 253 : 2045) - exponent, recipEstimate(0x100 | (top >> 2)));
};

/** FRSQRTE. */
export const laneRSqrtEstimate: FpLaneFn = (s, p, hi, lo) => {
  hi = flushInput(s, p, hi, lo);
  lo = flo;
  if (p.isNaN(hi, lo)) return putNaN(s, p, hi, lo);
  if (isZero(hi, lo)) {
    raiseFlags(s, DZC);
    return putInfinity(p, hi & SIGN);
  }
  if (hi < 0) {
    raiseFlags(s, IOC);
    return putDefaultNaN(p);
  }
  if (isInf(p, hi, lo)) {
    res.hi = res.lo = 0;
    return;
  }
  const top = unpack(p, hi, lo);
  // An even biased exponent scales the fraction into [0.5, 1), an odd one into [0.25, 0.5).
  const scaled = (exponent & 1) === 0 ? 0x100 | (top >> 2) : 0x80 | (top >> 3);
  pack(p, 0, Math.floor(((p.single ? 380 : 3068) - exponent) / 2), recipSqrtEstimate(scaled));
};

/**
 * FRECPX: the exponent field inverted, the fraction zeroed (zeros and denormals give the largest finite
 * exponent): a cheap power-of-two scale for reciprocal iterations.
 */
export const laneRecpX: FpLaneFn = (s, p, hi, lo) => {
  hi = flushInput(s, p, hi, lo);
  if (p.isNaN(hi, lo)) return putNaN(s, p, hi, lo);
  const field = p.single ? 0x7f800000 : 0x7ff00000, exp = hi & field;
  res.hi = (hi & SIGN) | (exp === 0 ? field - (p.single ? 0x800000 : 0x100000) : ~exp & field);
  res.lo = 0;
};

/** Writes a constant with high word `bits` (single: the whole value) to res. */
function putConstant(p: Precision, bits: { single: number; double: number }, sign = 0): void {
  res.hi = sign | (p.single ? bits.single : bits.double);
  res.lo = 0;
}

/**
 * ∞ × 0 with neither operand a NaN: the step instructions and FMULX give a constant instead of Invalid.
 * Under FPCR.FZ a denormal operand counts as 0 (and raises IDC, as the arithmetic would).
 */
function infTimesZero(s: CpuState, p: Precision, ah: number, al: number, bh: number, bl: number): boolean {
  ah = flushInput(s, p, ah, al);
  al = flo;
  bh = flushInput(s, p, bh, bl);
  bl = flo;
  return !p.isNaN(ah, al) && !p.isNaN(bh, bl) && ((isInf(p, ah, al) && isZero(bh, bl)) || (isZero(ah, al) && isInf(p, bh, bl)));
}

/** FMULX: FMUL, except ∞ × 0 = ±2. */
export const laneMulX: FpLaneFn = (s, p, ah, al, bh, bl) => {
  if (infTimesZero(s, p, ah, al, bh, bl)) putConstant(p, TWO_BITS, (ah ^ bh) & SIGN);
  else binary(s, p, fmul, ah, al, bh, bl);
};

/** FRECPS: 2 − a × b, fused; ∞ × 0 gives 2. */
export const laneRecipStep: FpLaneFn = (s, p, ah, al, bh, bl) => {
  if (infTimesZero(s, p, ah, al, bh, bl)) putConstant(p, TWO_BITS);
  else mulAdd(s, p, p.single ? TWO_BITS.single : TWO_BITS.double, 0, ah ^ SIGN, al, bh, bl);
};

/**
 * FRSQRTS: (3 − a × b) / 2 rounded once, computed as 1.5 − (a/2) × b fused, halving the operand of
 * larger magnitude (exact unless it is tiny, and then the product is far below the rounding of 1.5,
 * except when both operands are ±the smallest denormal); ∞ × 0 gives 1.5.
 */
export const laneRSqrtStep: FpLaneFn = (s: CpuState, p, ah, al, bh, bl) => {
  if (infTimesZero(s, p, ah, al, bh, bl)) return putConstant(p, ONE_HALF_BITS);
  if (p.isNaN(ah, al) || p.isNaN(bh, bl)) return mulAdd(s, p, p.single ? THREE_BITS.single : THREE_BITS.double, 0, ah ^ SIGN, al, bh, bl);
  const halveA = Math.abs(p.value(ah, al)) >= Math.abs(p.value(bh, bl));
  p.put(p.value(halveA ? ah : bh, halveA ? al : bl) / 2);
  const hh = res.hi, hl = res.lo;
  const oneHalf = p.single ? ONE_HALF_BITS.single : ONE_HALF_BITS.double;
  if (halveA) mulAdd(s, p, oneHalf, 0, hh ^ SIGN, hl, bh, bl);
  else mulAdd(s, p, oneHalf, 0, ah ^ SIGN, al, hh, hl);
};
