/**
 * Fused multiply-add: a + n × m with a single rounding (round to nearest even), as FMADD and FMLA need.
 *
 * Single precision: n × m is exact in a double (24 + 24 bits) and the sum's rounding error is exact by
 * TwoSum, so the sum is rounded to odd in double precision and then to single, which rounds correctly
 * (53 ≥ 24 + 2 bits).
 * Double precision: when Dekker's TwoProduct shows n × m is exact as a double, one addition rounds the
 * result correctly. Otherwise the exact value is formed with BigInt and rounded once: slow, but exact.
 * `inexact` tells whether the result was rounded (only the single-precision rounding is left to the caller).
 */
import { nextDouble, oddDouble, pow2 } from './bits.ts';
import { bitLength, decompose } from './exact.ts';

/** Veltkamp's splitting constant 2^27 + 1. */
const SPLIT = 134217729;
/** Operands below this magnitude can be split without overflow. */
const SPLIT_LIMIT = pow2(995);
/** Products below this magnitude leave TwoProduct's partial products finite. */
const PRODUCT_LIMIT = pow2(1020);
/** Products at or above this magnitude have an error term that is a normal double (ulp(p) · 2^-53 ≥ 2^-1022). */
const EXACT_ERROR_MIN = pow2(-969);

/** Whether the last result of this module was rounded (for FPSR.IXC). */
export let inexact = false;

/** The rounding error of x + y (exact: TwoSum), given s = x + y as rounded. */
export function sumError(x: number, y: number, s: number): number {
  const bv = s - x;
  return (x - (s - bv)) + (y - bv);
}

/** The sum of two doubles rounded to odd: the nearest double with an odd last bit when the sum is inexact. */
function sumRoundedToOdd(x: number, y: number): number {
  const s = x + y;
  const err = sumError(x, y, s);
  inexact = err !== 0;
  if (err === 0 || !Number.isFinite(s) || oddDouble(s)) return s;
  return nextDouble(s, err);
}

/** Sign of the error of p = n × m as rounded (exact − p): Dekker's TwoProduct where it is exact, BigInt elsewhere. */
export function productError(n: number, m: number, p: number): number {
  if (p === 0 && (n === 0 || m === 0)) return 0;
  if (Math.abs(n) < SPLIT_LIMIT && Math.abs(m) < SPLIT_LIMIT && Math.abs(p) >= EXACT_ERROR_MIN && Math.abs(p) < PRODUCT_LIMIT) {
    const cn = SPLIT * n, nh = cn - (cn - n), nl = n - nh;
    const cm = SPLIT * m, mh = cm - (cm - m), ml = m - mh;
    return Math.sign(((nh * mh - p) + nh * ml + nl * mh) + nl * ml);
  }
  const [nn, ne] = decompose(n);
  const [mn, me] = decompose(m);
  const [pn, pe] = decompose(p);
  const e = Math.min(ne + me, pe);
  const diff = ((nn * mn) << BigInt(ne + me - e)) - (pn << BigInt(pe - e));
  return diff === 0n ? 0 : diff > 0n ? 1 : -1;
}

export function fusedMultiplyAdd(a: number, n: number, m: number, single: boolean): number {
  inexact = false;
  if (!Number.isFinite(a) || !Number.isFinite(n) || !Number.isFinite(m)) {
    // An infinite addend wins over any finite product (which might overflow on its own).
    return Number.isFinite(n) && Number.isFinite(m) ? a : n * m + a;
  }
  const p = n * m;
  if (single) return sumRoundedToOdd(p, a);
  if (productError(n, m, p) === 0) {
    const s = p + a;
    inexact = Number.isFinite(s) && sumError(p, a, s) !== 0;
    return s;
  }
  return exactMulAdd(a, n, m);
}

/** a + n × m computed exactly in BigInt and rounded once to nearest even. */
function exactMulAdd(a: number, n: number, m: number): number {
  const [an, ae] = decompose(a);
  const [nn, ne] = decompose(n);
  const [mn, me] = decompose(m);
  const pe = ne + me;
  const e = Math.min(pe, ae);
  const sum = ((nn * mn) << BigInt(pe - e)) + (an << BigInt(ae - e));
  inexact = false;
  if (sum === 0n) return 0; // a = −(n × m) ≠ 0 exactly: an exact zero sum is +0 when rounding to nearest
  const negative = sum < 0n;
  const mag = negative ? -sum : sum;
  const top = bitLength(mag) - 1 + e;
  if (top > 1023) return negative ? -Infinity : Infinity;
  const q = Math.max(top - 52, -1074);
  let r: bigint;
  if (q <= e) r = mag << BigInt(e - q);
  else {
    const shift = BigInt(q - e);
    r = mag >> shift;
    const rest = mag - (r << shift);
    inexact = rest !== 0n;
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (r & 1n) === 1n)) r += 1n;
  }
  const v = Number(r) * pow2(q);
  return negative ? -v : v;
}
