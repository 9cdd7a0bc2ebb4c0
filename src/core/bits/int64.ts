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

/**
 * Result of the pair helpers below, as int32 halves. Each helper overwrites it; read it straight after
 * the call. A shared scratch object keeps the hot path free of allocation.
 */
export const r64 = { hi: 0, lo: 0 };

/** (hi:lo) << k, 0 ≤ k < 64. */
export function shl64(hi: number, lo: number, k: number): void {
  if (k === 0) { r64.hi = hi; r64.lo = lo; } else if (k < 32) { r64.hi = (hi << k) | (lo >>> (32 - k)); r64.lo = lo << k; } else { r64.hi = lo << (k - 32); r64.lo = 0; }
}

/** (hi:lo) >>> k (logical), 0 ≤ k < 64. */
export function lsr64(hi: number, lo: number, k: number): void {
  if (k === 0) { r64.hi = hi; r64.lo = lo; } else if (k < 32) { r64.lo = (lo >>> k) | (hi << (32 - k)); r64.hi = hi >>> k | 0; } else { r64.lo = hi >>> (k - 32) | 0; r64.hi = 0; }
}

/** (hi:lo) >> k (arithmetic), 0 ≤ k < 64. */
export function asr64(hi: number, lo: number, k: number): void {
  if (k === 0) { r64.hi = hi; r64.lo = lo; } else if (k < 32) { r64.lo = (lo >>> k) | (hi << (32 - k)); r64.hi = hi >> k; } else { r64.lo = hi >> (k - 32); r64.hi = hi >> 31; }
}

/** (hi:lo) rotated right by k, 0 ≤ k < 64. */
export function ror64(hi: number, lo: number, k: number): void {
  if (k >= 32) { const t = hi; hi = lo; lo = t; k -= 32; }
  if (k === 0) { r64.hi = hi; r64.lo = lo; } else { r64.lo = (lo >>> k) | (hi << (32 - k)); r64.hi = (hi >>> k) | (lo << (32 - k)); }
}

/** Shift types of shifted-register operands, as encoded (Arm ARM DecodeShift); 3 is ROR. */
const LSL = 0, LSR = 1, ASR = 2;

/** ShiftReg on a 64-bit value, into r64. */
export function shift64(hi: number, lo: number, type: number, k: number): void {
  switch (type) {
    case LSL: shl64(hi, lo, k); break;
    case LSR: lsr64(hi, lo, k); break;
    case ASR: asr64(hi, lo, k); break;
    default: ror64(hi, lo, k); // ROR
  }
}

/** ShiftReg on a 32-bit value, 0 ≤ k < 32. */
export function shift32(x: number, type: number, k: number): number {
  switch (type) {
    case LSL: return x << k;
    case LSR: return (x >>> k) | 0;
    case ASR: return x >> k;
    default: return k === 0 ? x : (x >>> k) | (x << (32 - k)); // ROR
  }
}

/** High 32 bits of the unsigned 64-bit product of two 32-bit values, from 16-bit pieces. */
function umulhi32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p01 = a0 * b1, p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/** Low 64 bits of (aHi:aLo) × (bHi:bLo), into r64; the same bits for signed and unsigned operands. */
export function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  r64.hi = (umulhi32(aLo, bLo) + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) | 0;
  r64.lo = Math.imul(aLo, bLo);
}

const TWO16 = 65536;

/** High 64 bits of the unsigned 128-bit product, into r64 (schoolbook on 16-bit limbs, exact in doubles). */
export function umulh64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff, a1 = aLo >>> 16, a2 = aHi & 0xffff, a3 = aHi >>> 16;
  const b0 = bLo & 0xffff, b1 = bLo >>> 16, b2 = bHi & 0xffff, b3 = bHi >>> 16;
  let c = Math.floor((a0 * b0) / TWO16);
  c = Math.floor((a0 * b1 + a1 * b0 + c) / TWO16);
  c = Math.floor((a0 * b2 + a1 * b1 + a2 * b0 + c) / TWO16);
  c = Math.floor((a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + c) / TWO16);
  const col4 = a1 * b3 + a2 * b2 + a3 * b1 + c;
  c = Math.floor(col4 / TWO16);
  const col5 = a2 * b3 + a3 * b2 + c;
  c = Math.floor(col5 / TWO16);
  const col6 = a3 * b3 + c;
  const c7 = Math.floor(col6 / TWO16);
  r64.lo = ((col5 & 0xffff) << 16) | (col4 & 0xffff);
  r64.hi = (c7 << 16) | (col6 & 0xffff);
}

/** High 64 bits of the signed 128-bit product, into r64: the unsigned high part corrected for negative operands. */
export function smulh64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  umulh64(aHi, aLo, bHi, bLo);
  let hi = r64.hi, lo = r64.lo;
  if (aHi < 0) { const l = (lo >>> 0) - (bLo >>> 0); hi = (hi - bHi - (l < 0 ? 1 : 0)) | 0; lo = l | 0; }
  if (bHi < 0) { const l = (lo >>> 0) - (aLo >>> 0); hi = (hi - aHi - (l < 0 ? 1 : 0)) | 0; lo = l | 0; }
  r64.hi = hi;
  r64.lo = lo;
}

const TWO32 = 4294967296;
/** Values whose high word is below this are exact as doubles (< 2^53). */
const EXACT_HI = 0x200000;

/** Unsigned 64-bit division rounding toward zero, into r64; division by zero gives 0 (Arm ARM UDIV). */
export function udiv64(nHi: number, nLo: number, dHi: number, dLo: number): void {
  const nh = nHi >>> 0, dh = dHi >>> 0;
  if ((dHi | dLo) === 0) {
    r64.hi = 0;
    r64.lo = 0;
  } else if (nh < EXACT_HI && dh < EXACT_HI) {
    const n = nh * TWO32 + (nLo >>> 0), d = dh * TWO32 + (dLo >>> 0);
    // n % d is exact in doubles, so (n - n % d) / d is the exact quotient.
    const q = (n - (n % d)) / d;
    r64.hi = Math.floor(q / TWO32) | 0;
    r64.lo = q | 0;
  } else udivLong(nHi, nLo, dHi, dLo);
}

/**
 * Division of a dividend of 2^53 and above. A divisor below 2^32 goes by 16-bit digits (each partial
 * dividend stays below 2^48, exact in doubles); a larger one leaves a quotient below 2^32, found by
 * restoring binary division over the low 32 bits of the dividend.
 */
function udivLong(nHi: number, nLo: number, dHi: number, dLo: number): void {
  const nh = nHi >>> 0, nl = nLo >>> 0, dl = dLo >>> 0;
  if (dHi === 0) {
    let t = nh >>> 16;
    const q3 = Math.floor(t / dl);
    t = (t - q3 * dl) * TWO16 + (nh & 0xffff);
    const q2 = Math.floor(t / dl);
    t = (t - q2 * dl) * TWO16 + (nl >>> 16);
    const q1 = Math.floor(t / dl);
    t = (t - q1 * dl) * TWO16 + (nl & 0xffff);
    const q0 = Math.floor(t / dl);
    r64.hi = (q3 << 16) | q2;
    r64.lo = (q1 << 16) | q0;
    return;
  }
  const dh = dHi >>> 0;
  // The remainder starts as the high word, already below the divisor.
  let rh = 0, rl = nh, q = 0;
  for (let i = 31; i >= 0; i--) {
    const out = rh >>> 31;
    rh = ((rh << 1) | (rl >>> 31)) >>> 0;
    rl = ((rl << 1) | ((nl >>> i) & 1)) >>> 0;
    if (out || rh > dh || (rh === dh && rl >= dl)) {
      const l = rl - dl;
      rh = (rh - dh - (l < 0 ? 1 : 0)) >>> 0;
      rl = l >>> 0;
      q |= 1 << i;
    }
  }
  r64.hi = 0;
  r64.lo = q;
}

/** Signed 64-bit division rounding toward zero, into r64; x / 0 = 0 and INT64_MIN / -1 = INT64_MIN (Arm ARM SDIV). */
export function sdiv64(nHi: number, nLo: number, dHi: number, dLo: number): void {
  const negN = nHi < 0, negD = dHi < 0;
  if (negN) { nLo = -nLo | 0; nHi = (~nHi + (nLo === 0 ? 1 : 0)) | 0; }
  if (negD) { dLo = -dLo | 0; dHi = (~dHi + (dLo === 0 ? 1 : 0)) | 0; }
  udiv64(nHi, nLo, dHi, dLo);
  if (negN !== negD) { const lo = -r64.lo | 0; r64.hi = (~r64.hi + (lo === 0 ? 1 : 0)) | 0; r64.lo = lo; }
}

/** Signed 32-bit division rounding toward zero; x / 0 = 0 and INT32_MIN / -1 = INT32_MIN. */
export const sdiv32 = (n: number, d: number): number => (d === 0 ? 0 : (n / d) | 0);

/** Unsigned 32-bit division rounding toward zero; x / 0 = 0. */
export const udiv32 = (n: number, d: number): number => (d === 0 ? 0 : ((n >>> 0) / (d >>> 0)) | 0);

/** CountLeadingZeroBits of a 64-bit value. */
export const clz64 = (hi: number, lo: number): number => (hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo));

/** CountLeadingSignBits of a 64-bit value (leading bits equal to the sign bit, not counting it). */
export const cls64 = (hi: number, lo: number): number => clz64(hi ^ (hi >> 31), lo ^ (hi >> 31)) - 1;

/** CountLeadingSignBits of a 32-bit value. */
export const cls32 = (x: number): number => Math.clz32(x ^ (x >> 31)) - 1;

/** Reverses the bit order of a 32-bit value (RBIT). */
export function rbit32(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  return rev32(x);
}

/** Reverses the bytes of a 32-bit value (REV on a W register). */
export const rev32 = (x: number): number => (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);

/** Reverses the bytes within each 16-bit halfword of a 32-bit value (REV16). */
export const rev16 = (x: number): number => ((x & 0x00ff00ff) << 8) | ((x >>> 8) & 0x00ff00ff);
