/**
 * Saturation of integer SIMD results (Arm ARM SignedSatQ, UnsignedSatQ) and FPSR.QC. A lane function
 * saturates through `saturate` (lanes of up to 32 bits, exact in doubles) or the 64-bit helpers here, which
 * note the event in `saturation.hit`; `withSaturation` wraps the instruction and sets QC once.
 */
import { clz64, cls64, r64, shl64 } from '../../../bits/int64.ts';
import type { Op } from '../../types.ts';
import { add64, hi64, type Lane64Fn, sub64 } from './elementwise.ts';

/** Whether a lane of the running instruction saturated. */
export const saturation = { hit: false };

/** An exact result saturated to `esize` bits (signed or unsigned range). */
export function saturate(v: number, esize: number, signed: boolean): number {
  const max = signed ? 2 ** (esize - 1) - 1 : 2 ** esize - 1, min = signed ? -(2 ** (esize - 1)) : 0;
  if (v > max) {
    saturation.hit = true;
    return max;
  }
  if (v < min) {
    saturation.hit = true;
    return min;
  }
  return v;
}

/** FPSR.QC (bit 27), the cumulative saturation flag. */
const QC = 1n << 27n;

/** Runs a saturating instruction and sets FPSR.QC when any lane saturated. */
export function withSaturation(op: Op): Op {
  return (s) => {
    saturation.hit = false;
    op(s);
    if (saturation.hit) s.sys.FPSR |= QC;
  };
}

/** Writes the saturated 64-bit limit to r64: the signed maximum or minimum, or the unsigned maximum or 0. */
export function saturate64(signed: boolean, high: boolean): void {
  saturation.hit = true;
  if (signed) {
    r64.hi = high ? 0x7fffffff : -0x80000000;
    r64.lo = high ? -1 : 0;
  } else r64.hi = r64.lo = high ? -1 : 0;
}

/**
 * An exact 65-bit-or-so result given as a high part (an integer double, the value's floor(v / 2^32)) and a
 * low word, saturated into r64.
 */
export function saturateParts64(high: number, lo: number, signed: boolean): void {
  if (signed ? high > 0x7fffffff : high > 0xffffffff) saturate64(signed, true);
  else if (signed ? high < -0x80000000 : high < 0) saturate64(signed, false);
  else {
    r64.hi = high | 0;
    r64.lo = lo | 0;
  }
}

/** SQADD/UQADD/SQSUB/UQSUB on 64-bit lanes. */
export function saturatingAdd64(signed: boolean, subtract: boolean): Lane64Fn {
  return (ah, al, bh, bl) => {
    if (subtract) sub64(ah, al, bh, bl);
    else add64(ah, al, bh, bl);
    const rh = r64.hi;
    if (signed) {
      // Signed overflow: the operands' signs (b negated for a subtraction) agree and the result's differs.
      const overflow = subtract ? ((ah ^ bh) & (ah ^ rh)) < 0 : (~(ah ^ bh) & (ah ^ rh)) < 0;
      if (overflow) saturate64(true, ah >= 0);
    } else if (subtract ? hi64(bh, bl, ah, al) : hi64(ah, al, rh, r64.lo)) saturate64(false, !subtract);
  };
}

/**
 * A 64-bit value shifted left by `sh` ≥ 0 and saturated: `signedSource` reads it as signed, `signedResult`
 * saturates to the signed range (SQSHL), else to the unsigned one (UQSHL, and SQSHLU from a signed source).
 */
export function saturatingShiftLeft64(ah: number, al: number, sh: number, signedSource: boolean, signedResult: boolean): void {
  if ((ah | al) === 0) {
    r64.hi = r64.lo = 0;
    return;
  }
  const negative = signedSource && ah < 0;
  if (negative && !signedResult) return saturate64(false, false);
  // The bits that may be shifted out: all but the sign for a signed result, all for an unsigned one.
  const room = signedResult ? cls64(ah, al) : clz64(ah, al);
  if (sh > room) return saturate64(signedResult, !negative);
  shl64(ah, al, sh);
}
