/**
 * Lane access for SIMD executors. An instruction copies its source registers into scratch buffers, works
 * on typed-array views of them (lanes of 8, 16, 32 bits signed or unsigned; singles and doubles), and
 * copies the result back: no allocation, and a destination that is also a source reads its old value.
 * The views assume a little-endian host, as V registers are little-endian lanes of `s.vreg`.
 */
import type { CpuState } from '../../../cpu/state.ts';

export type IntLanes = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

export class Lanes {
  readonly i32 = new Int32Array(4);
  readonly u8 = new Uint8Array(this.i32.buffer);
  readonly s8 = new Int8Array(this.i32.buffer);
  readonly u16 = new Uint16Array(this.i32.buffer);
  readonly s16 = new Int16Array(this.i32.buffer);
  readonly u32 = new Uint32Array(this.i32.buffer);

  clear(): void {
    this.i32[0] = this.i32[1] = this.i32[2] = this.i32[3] = 0;
  }

  /** The view of `esize`-bit integer lanes (8, 16 or 32). */
  ints(esize: number, signed: boolean): IntLanes {
    if (esize === 8) return signed ? this.s8 : this.u8;
    if (esize === 16) return signed ? this.s16 : this.u16;
    return signed ? this.i32 : this.u32;
  }
}

/** Operands A, B, the old destination D, and the result R. */
export const A = new Lanes(), B = new Lanes(), D = new Lanes(), R = new Lanes();

export function load(s: CpuState, reg: number, into: Lanes): void {
  const v = s.vreg, q = reg << 2, w = into.i32;
  w[0] = v[q];
  w[1] = v[q + 1];
  w[2] = v[q + 2];
  w[3] = v[q + 3];
}

/** Writes the result to V[reg]; a 64-bit (Q=0) result zeroes the upper half. */
export function store(s: CpuState, reg: number, from: Lanes, full: boolean): void {
  const v = s.vreg, q = reg << 2, w = from.i32;
  v[q] = w[0];
  v[q + 1] = w[1];
  v[q + 2] = full ? w[2] : 0;
  v[q + 3] = full ? w[3] : 0;
}

/** Writes a scalar result of up to 64 bits (hi:lo) to V[reg], zeroing the rest of the register. */
export function storeScalar(s: CpuState, reg: number, lo: number, hi: number): void {
  const v = s.vreg, q = reg << 2;
  v[q] = lo;
  v[q + 1] = hi;
  v[q + 2] = 0;
  v[q + 3] = 0;
}

/** Zero-extended integer lane `e` of `esize` bits of V[reg]; a 64-bit lane's high word is left in `laneHi`. */
export let laneHi = 0;
export function readLane(s: CpuState, reg: number, e: number, esize: number): number {
  const v = s.vreg, base = reg << 2;
  switch (esize) {
    case 64: laneHi = v[base + 2 * e + 1]; return v[base + 2 * e];
    case 32: laneHi = 0; return v[base + e];
    case 16: laneHi = 0; return (v[base + (e >> 1)] >>> ((e & 1) << 4)) & 0xffff;
    default: laneHi = 0; return (v[base + (e >> 2)] >>> ((e & 3) << 3)) & 0xff;
  }
}

/** Replaces lane `e` of V[reg], keeping the other lanes. */
export function writeLane(s: CpuState, reg: number, e: number, esize: number, lo: number, hi: number): void {
  const v = s.vreg, base = reg << 2;
  switch (esize) {
    case 64: v[base + 2 * e] = lo; v[base + 2 * e + 1] = hi; return;
    case 32: v[base + e] = lo; return;
    default: {
      const w = base + (e * esize >> 5), sh = (e * esize) & 31, mask = esize === 16 ? 0xffff : 0xff;
      v[w] = (v[w] & ~(mask << sh)) | ((lo & mask) << sh);
    }
  }
}

/** Copies lane `index` of `esize` bits to every lane (the indexed-element operand of the by-element forms). */
export function broadcast(l: Lanes, esize: number, index: number): void {
  const w = l.i32;
  if (esize === 64) {
    const lo = w[2 * index], hi = w[2 * index + 1];
    w[0] = w[2] = lo;
    w[1] = w[3] = hi;
  } else if (esize === 32) {
    w[0] = w[1] = w[2] = w[3] = w[index];
  } else {
    const h = l.u16[index];
    w[0] = w[1] = w[2] = w[3] = h | (h << 16);
  }
}
