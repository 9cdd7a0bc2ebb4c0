/**
 * Bitmask immediates of the logical (immediate) instructions: DecodeBitMasks of the Arm ARM
 * (shared/functions/bitmasks) and its inverse for the assembler.
 *
 * An immediate is an element of 2, 4, ..., 64 bits holding a run of S+1 ones rotated right by R,
 * replicated across the register. (N:NOT(imms)) gives the element size; a run of all ones is reserved.
 */

export interface BitMask {
  hi: number;
  lo: number;
}

export interface BitMaskFields {
  /** The N bit (1 only for 64-bit elements). */
  N: number;
  immr: number;
  imms: number;
}

/** Ones(n) as a 32-bit pattern, 0 ≤ n ≤ 32. */
const ones32 = (n: number): number => (n === 32 ? -1 : (2 ** n - 1) | 0);

/** wmask of DecodeBitMasks(N, imms, immr, immediate = TRUE) as int32 halves, or null when the encoding is reserved. */
export function decodeBitMask(N: number, imms: number, immr: number, is64: boolean): BitMask | null {
  const len = 31 - Math.clz32((N << 6) | (~imms & 0x3f));
  if (len < 1 || (!is64 && len > 5)) return null;
  const esize = 1 << len;
  const levels = esize - 1;
  const S = imms & levels;
  const R = immr & levels;
  if (S === levels) return null;
  if (esize === 64) {
    const hi = S + 1 > 32 ? ones32(S + 1 - 32) : 0;
    const lo = S + 1 >= 32 ? -1 : ones32(S + 1);
    return rotateRight64(hi, lo, R);
  }
  let e = ones32(S + 1);
  if (R !== 0) e = ((e >>> R) | (e << (esize - R))) & ones32(esize);
  for (let k = esize; k < 32; k *= 2) e |= e << k;
  return { hi: is64 ? e : 0, lo: e };
}

function rotateRight64(hi: number, lo: number, r: number): BitMask {
  if (r >= 32) [hi, lo, r] = [lo, hi, r - 32];
  if (r === 0) return { hi, lo };
  return { hi: (hi >>> r) | (lo << (32 - r)), lo: (lo >>> r) | (hi << (32 - r)) };
}

/** The value of a bitmask as an unsigned BigInt (for printing and the assembler, never the hot path). */
export const bitMaskValue = (m: BitMask): bigint => (BigInt(m.hi >>> 0) << 32n) | BigInt(m.lo >>> 0);

const encodings: Map<bigint, BitMaskFields>[] = [];

/** Every canonical encoding (the one llvm-mc emits: immr < element size) of one register width, by value. */
function encodingsFor(is64: boolean): Map<bigint, BitMaskFields> {
  const key = is64 ? 1 : 0;
  const cached = encodings[key];
  if (cached) return cached;
  const map = new Map<bigint, BitMaskFields>();
  for (let esize = 2; esize <= (is64 ? 64 : 32); esize *= 2) {
    const N = esize === 64 ? 1 : 0;
    // imms = NOT(esize - 1) << 1 in its high bits, then S.
    const sizeBits = (~(esize * 2 - 1) & 0x3f);
    for (let S = 0; S < esize - 1; S++) {
      for (let immr = 0; immr < esize; immr++) {
        const imms = sizeBits | S;
        const value = bitMaskValue(decodeBitMask(N, imms, immr, is64)!);
        map.set(value, { N, immr, imms });
      }
    }
  }
  encodings[key] = map;
  return map;
}

/**
 * The encoding of `value` as a bitmask immediate of a 32- or 64-bit register, or null when it has none.
 * Negative values are taken as two's complement of the register width.
 */
export function encodeBitMask(value: bigint, is64: boolean): BitMaskFields | null {
  const width = is64 ? 64 : 32;
  if (value < -(1n << BigInt(width - 1)) || value >= 1n << BigInt(width)) return null;
  return encodingsFor(is64).get(BigInt.asUintN(width, value)) ?? null;
}
