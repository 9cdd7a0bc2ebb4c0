/**
 * 64-bit arithmetic on int32 halves, for executors. Results are written straight into a register pair
 * or returned through `out` so that nothing allocates on the hot path.
 */
import type { CpuState } from '../cpu/state.ts';

/**
 * AddWithCarry of the Arm pseudocode on (aHi:aLo) + (bHi:bLo) + carry, written to register `d`.
 * Sets NZCV when `setFlags`. Works for 64-bit operands; see addWithCarry32 for W registers.
 */
export function addWithCarry64(s: CpuState, d: number, aHi: number, aLo: number, bHi: number, bLo: number, carry: number, setFlags: boolean): void {
  const lo = (aLo >>> 0) + (bLo >>> 0) + carry;
  const c0 = lo > 0xffffffff ? 1 : 0;
  const hi = (aHi >>> 0) + (bHi >>> 0) + c0;
  const rlo = lo | 0;
  const rhi = hi | 0;
  if (setFlags) {
    s.n = rhi >>> 31;
    s.z = rlo === 0 && rhi === 0 ? 1 : 0;
    s.c = hi > 0xffffffff ? 1 : 0;
    s.v = (~(aHi ^ bHi) & (aHi ^ rhi)) >>> 31;
  }
  s.lo[d] = rlo;
  s.hi[d] = rhi;
}

/** AddWithCarry on 32-bit operands; the result is zero-extended into register `d`. */
export function addWithCarry32(s: CpuState, d: number, a: number, b: number, carry: number, setFlags: boolean): void {
  const sum = (a >>> 0) + (b >>> 0) + carry;
  const r = sum | 0;
  if (setFlags) {
    s.n = r >>> 31;
    s.z = r === 0 ? 1 : 0;
    s.c = sum > 0xffffffff ? 1 : 0;
    s.v = (~(a ^ b) & (a ^ r)) >>> 31;
  }
  s.lo[d] = r;
  s.hi[d] = 0;
}

/** Sign-extends the low `bits` bits of a non-negative number. */
export const signExtend = (v: number, bits: number): number => (v >= 2 ** (bits - 1) ? v - 2 ** bits : v);

/** Splits a JS integer in [-2^53, 2^53] into int32 halves of its 64-bit two's complement. */
export function splitHi(v: number): number {
  return Math.floor(v / 4294967296) | 0;
}
