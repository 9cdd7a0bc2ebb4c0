/**
 * The slow path of floating-point arithmetic: the exact result of FPAdd, FPMul, FPDiv, FPSqrt or FPMulAdd
 * formed in BigInt and rounded once by the Arm ARM's FPRound — any rounding mode, FPCR.FZ flushing a result
 * whose exact value is below the smallest normal, and Underflow judged before rounding. Used only when
 * round-to-nearest in doubles cannot stand for it (a directed FPCR.RMode, FZ, or a result at the edge of
 * the normal range), so it may allocate.
 */
import type { CpuState } from '../cpu/state.ts';
import { dlo, doubleHi, pow2 } from './bits.ts';
import { IXC, OFC, RM, RN, RO, RP, raiseFlags, UFC } from './status.ts';

/** The operation whose exact value is formed: c + a × b for FMA (c the addend). */
export const ADD = 0, MUL = 1, DIV = 2, SQRT = 3, FMA = 4;

/** A finite double as an integer mantissa × 2^exponent (exponent ≥ −1074), from its bits. */
export function decompose(x: number): [bigint, number] {
  const hi = doubleHi(x);
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt((hi & 0xfffff) | (biased === 0 ? 0 : 0x100000)) << 32n) | BigInt(dlo >>> 0);
  return [hi < 0 ? -frac : frac, biased === 0 ? -1074 : biased - 1075];
}

export const bitLength = (v: bigint): number => v.toString(2).length;

function isqrt(n: bigint): bigint {
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  if (x === 0n) return n === 0n ? 0n : 1n;
  x = (x + n / x) >> 1n; // one Newton step from any start lands at or above the root
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x--;
  return x;
}

/** Bits kept beyond the result's precision by DIV and SQRT, followed by a sticky bit for the remainder. */
const GUARD = 64;

/** The exact value of a finite operation as a signed integer × 2^exponent; a nonzero remainder of DIV or SQRT is a sticky last bit. */
function exactValue(kind: number, a: number, b: number, c: number): [bigint, number] {
  const [an, ae] = decompose(a);
  const [bn, be] = decompose(b);
  switch (kind) {
    case ADD: {
      const e = Math.min(ae, be);
      return [(an << BigInt(ae - e)) + (bn << BigInt(be - e)), e];
    }
    case MUL: return [an * bn, ae + be];
    case FMA: {
      const [cn, ce] = decompose(c);
      const e = Math.min(ae + be, ce);
      return [((an * bn) << BigInt(ae + be - e)) + (cn << BigInt(ce - e)), e];
    }
    case DIV: {
      const k = Math.max(0, GUARD + bitLength(bn < 0n ? -bn : bn) - bitLength(an < 0n ? -an : an));
      const num = (an < 0n ? -an : an) << BigInt(k), den = bn < 0n ? -bn : bn;
      const q = num / den, sticky = num % den === 0n ? 0n : 1n;
      const mag = (q << 1n) | sticky;
      return [(an < 0n) !== (bn < 0n) ? -mag : mag, ae - be - k - 1];
    }
    default: { // SQRT of a ≥ 0: an even exponent, the mantissa scaled by 2^(2·GUARD)
      const odd = ae & 1;
      const n = (an << BigInt(odd)) << BigInt(2 * GUARD);
      const r = isqrt(n);
      return [(r << 1n) | (r * r === n ? 0n : 1n), (ae - odd) / 2 - GUARD - 1];
    }
  }
}

interface Format { fraction: number; emin: number; emax: number; maxFinite: number }
const SINGLE_FORMAT: Format = { fraction: 23, emin: -126, emax: 127, maxFinite: (2 - pow2(-23)) * pow2(127) };
const DOUBLE_FORMAT: Format = { fraction: 52, emin: -1022, emax: 1023, maxFinite: Number.MAX_VALUE };

/**
 * FPRound of the exact result of `kind` on finite operands, in `mode`, with FPCR.FZ as `flush`; the value
 * is returned and the flags raised. `zero` is the result to give when the exact value is 0 in round to
 * nearest (its sign follows the operands); in RM an exact zero sum of opposite-signed terms is −0.
 */
export function roundExact(s: CpuState, single: boolean, kind: number, a: number, b: number, c: number, mode: number, flush: boolean, zero: number): number {
  const f = single ? SINGLE_FORMAT : DOUBLE_FORMAT;
  const [v, e] = exactValue(kind, a, b, c);
  if (v === 0n) {
    // Round to nearest's zero, except that in RM a sum whose terms are not all +0 is −0.
    const allPlusZero = kind === ADD ? Object.is(a, 0) && Object.is(b, 0) : (a === 0 || b === 0) && Object.is(a * b, 0) && Object.is(c, 0);
    return mode === RM && (kind === ADD || kind === FMA) && !allPlusZero ? -0 : zero;
  }
  const negative = v < 0n, mag = negative ? -v : v;
  const exponent = bitLength(mag) - 1 + e; // floor(log2 |value|)
  const tiny = exponent < f.emin;
  if (tiny && flush) {
    raiseFlags(s, UFC);
    return negative ? -0 : 0;
  }
  if (exponent > f.emax) return overflow(s, f, negative, mode);
  // Quantum of the result: the last fraction bit at this exponent (denormals keep emin's quantum).
  const q = Math.max(exponent, f.emin) - f.fraction;
  let m = mag, inexact = false, roundUp = false;
  if (q > e) {
    const shift = BigInt(q - e);
    m = mag >> shift;
    const rest = mag - (m << shift), half = 1n << (shift - 1n);
    inexact = rest !== 0n;
    roundUp = mode === RN ? rest > half || (rest === half && (m & 1n) === 1n) : inexact && ((mode === RP && !negative) || (mode === RM && negative));
  } else m = mag << BigInt(e - q);
  if (roundUp) m += 1n;
  if (mode === RO && inexact) m |= 1n;
  if (tiny && inexact) raiseFlags(s, UFC);
  const value = Number(m) * pow2(q);
  if (value > f.maxFinite) return overflow(s, f, negative, mode);
  if (inexact) raiseFlags(s, IXC);
  return negative ? -value : value;
}

/** An exponent too large for the format: ±∞, or the largest finite value when the mode rounds toward zero. */
function overflow(s: CpuState, f: Format, negative: boolean, mode: number): number {
  raiseFlags(s, OFC | IXC);
  const toInfinity = mode === RN || (mode === RP && !negative) || (mode === RM && negative);
  const r = toInfinity ? Infinity : f.maxFinite;
  return negative ? -r : r;
}
