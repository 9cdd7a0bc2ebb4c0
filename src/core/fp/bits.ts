/**
 * IEEE 754 values ↔ their bits, without allocation. Doubles are handled as int32 halves (hi, lo) like the
 * general registers; singles as one int32; halves as the low 16 bits of a number.
 *
 * NaNs are always handled as bits: a JS engine may quieten or canonicalise a NaN it moves through a
 * Float32Array or arithmetic, and Arm NaN propagation keeps payloads (Arm ARM FPProcessNaN).
 */

const f64 = new Float64Array(1);
const w64 = new Int32Array(f64.buffer);
const f32 = new Float32Array(1);
const w32 = new Int32Array(f32.buffer);

/** The double with bits hi:lo (not for NaNs: their payload is not guaranteed to survive). */
export function toDouble(hi: number, lo: number): number {
  w64[0] = lo;
  w64[1] = hi;
  return f64[0];
}

/** Bits of a non-NaN double: the high word is returned, the low word left in `dlo`. */
export let dlo = 0;
export function doubleHi(x: number): number {
  f64[0] = x;
  dlo = w64[0];
  return w64[1];
}

/** The single with bits `b` (not for NaNs). */
export function toSingle(b: number): number {
  w32[0] = b;
  return f32[0];
}

/** Bits of a non-NaN value rounded to single precision (round to nearest even). */
export function singleBits(x: number): number {
  f32[0] = x;
  return w32[0];
}

export const isNaN64 = (hi: number, lo: number): boolean => (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0;
export const isNaN32 = (b: number): boolean => (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;
export const isNaN16 = (b: number): boolean => (b & 0x7c00) === 0x7c00 && (b & 0x3ff) !== 0;
/** A signalling NaN has the top fraction bit clear. */
export const isSignalling64 = (hi: number): boolean => (hi & 0x80000) === 0;
export const isSignalling32 = (b: number): boolean => (b & 0x400000) === 0;
export const QUIET64 = 0x80000;
export const QUIET32 = 0x400000;

/** FPDefaultNaN: positive, quiet, zero payload. */
export const DEFAULT_NAN64_HI = 0x7ff80000;
export const DEFAULT_NAN32 = 0x7fc00000;
export const DEFAULT_NAN16 = 0x7e00;

/** Unbiased exponent of a non-zero finite double (subnormals report -1023, below every narrower format's range). */
export function exponentOf(x: number): number {
  return ((doubleHi(x) >>> 20) & 0x7ff) - 1023;
}

/** 2^k as a double, exact for -1074 ≤ k ≤ 1023 (built from bits, not from Math.pow). */
export function pow2(k: number): number {
  if (k >= -1022) return toDouble((k + 1023) << 20, 0);
  const shift = k + 1074; // subnormal: a single fraction bit
  return shift >= 32 ? toDouble(1 << (shift - 32), 0) : toDouble(0, 1 << shift);
}

/** The next double after x toward +∞ (dir > 0) or −∞ (dir < 0); x finite. */
export function nextDouble(x: number, dir: number): number {
  if (x === 0) return dir > 0 ? pow2(-1074) : -pow2(-1074);
  let hi = doubleHi(x);
  let lo = dlo;
  const away = (x > 0) === (dir > 0);
  const l = (lo >>> 0) + (away ? 1 : -1);
  hi = (hi + (l > 0xffffffff ? 1 : l < 0 ? -1 : 0)) | 0;
  lo = l | 0;
  return toDouble(hi, lo);
}

/** Whether the lowest fraction bit of a double is set. */
export const oddDouble = (x: number): boolean => (doubleHi(x), (dlo & 1) === 1);

/** Value of a half-precision number (IEEE binary16; Tagscope does not implement FPCR.AHP). */
export function halfValue(b: number): number {
  const sign = b & 0x8000 ? -1 : 1;
  const e = (b >>> 10) & 0x1f;
  const frac = b & 0x3ff;
  if (e === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (e === 0 ? frac * pow2(-24) : (1024 + frac) * pow2(e - 25));
}

/** Bits of a value exactly representable in half precision (already rounded). */
export function halfBits(x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  if (a < pow2(-14)) return sign | (a / pow2(-24));
  const e = exponentOf(a);
  return sign | ((e + 15) << 10) | (a / pow2(e - 10) - 1024);
}
