/**
 * Executors shared by the integer SIMD rows: lane-by-lane operations, pairwise operations and
 * reductions, on the scratch lanes of lanes.ts. Lanes of up to 32 bits are JS numbers (a typed-array
 * store wraps the result to the lane width); 64-bit lanes are (hi, lo) pairs and need their own function.
 */
import { r64 } from '../../../bits/int64.ts';
import type { CpuState } from '../../../cpu/state.ts';
import type { Op } from '../../types.ts';
import { A, B, broadcast, D, load, R, store, storeScalar } from './lanes.ts';

/** A lane function: operands a, b, the old destination lane d, and the lane width. */
export type LaneFn = (a: number, b: number, d: number, esize: number) => number;
/** The same on 64-bit lanes: operand halves in, the result in r64. */
export type Lane64Fn = (ah: number, al: number, bh: number, bl: number, dh: number, dl: number) => void;

export interface LaneOp {
  signed: boolean;
  lane: LaneFn;
  /** Absent when the operation has no 64-bit lanes (size = 11 is reserved). */
  lane64?: Lane64Fn;
}

export function add64(ah: number, al: number, bh: number, bl: number): void {
  const lo = (al >>> 0) + (bl >>> 0);
  r64.lo = lo | 0;
  r64.hi = (ah + bh + (lo > 0xffffffff ? 1 : 0)) | 0;
}
export function sub64(ah: number, al: number, bh: number, bl: number): void {
  const lo = (al >>> 0) - (bl >>> 0);
  r64.lo = lo | 0;
  r64.hi = (ah - bh - (lo < 0 ? 1 : 0)) | 0;
}
export const mask64 = (c: boolean): void => {
  r64.hi = r64.lo = c ? -1 : 0;
};
export const gt64 = (ah: number, al: number, bh: number, bl: number): boolean => ah > bh || (ah === bh && al >>> 0 > bl >>> 0);
export const hi64 = (ah: number, al: number, bh: number, bl: number): boolean =>
  ah >>> 0 > bh >>> 0 || (ah === bh && al >>> 0 > bl >>> 0);

/**
 * `count` lanes of `esize` bits: V[d] = op(V[n], V[m], V[d]); a 64-bit (Q=0 or scalar) result clears the
 * upper half. `unary` rows do not read V[m]: their lane functions see b = 0 (the compares with #0).
 * With `index` ≥ 0 every lane of V[m] is replaced by lane `index` (the by-element forms).
 */
export function elementwise(d: number, n: number, m: number, esize: number, count: number, full: boolean, op: LaneOp, unary = false, index = -1): Op {
  if (esize === 64) {
    const fn = op.lane64!;
    const a = A.i32, b = B.i32, dd = D.i32, r = R.i32;
    return (s) => {
      load(s, n, A);
      if (unary) B.clear();
      else load(s, m, B);
      if (index >= 0) broadcast(B, 64, index);
      load(s, d, D);
      for (let i = 0; i < 2 * count; i += 2) {
        fn(a[i + 1], a[i], b[i + 1], b[i], dd[i + 1], dd[i]);
        r[i] = r64.lo;
        r[i + 1] = r64.hi;
      }
      store(s, d, R, full);
      s.pc += 4;
    };
  }
  const a = A.ints(esize, op.signed), b = B.ints(esize, op.signed), dd = D.ints(esize, op.signed), r = R.ints(esize, op.signed);
  const fn = op.lane;
  return (s) => {
    load(s, n, A);
    if (unary) B.clear();
    else load(s, m, B);
    if (index >= 0) broadcast(B, esize, index);
    load(s, d, D);
    for (let i = 0; i < count; i++) r[i] = fn(a[i], b[i], dd[i], esize);
    store(s, d, R, full);
    s.pc += 4;
  };
}

/** Pairwise: the lanes of V[n] then V[m] taken two at a time (ADDP, SMAXP, …). */
export function pairwise(d: number, n: number, m: number, esize: number, full: boolean, op: LaneOp): Op {
  const count = (full ? 128 : 64) / esize, half = count / 2;
  if (esize === 64) {
    const fn = op.lane64!, a = A.i32, b = B.i32, r = R.i32;
    return (s) => {
      load(s, n, A);
      load(s, m, B);
      fn(a[1], a[0], a[3], a[2], 0, 0);
      r[0] = r64.lo;
      r[1] = r64.hi;
      fn(b[1], b[0], b[3], b[2], 0, 0);
      r[2] = r64.lo;
      r[3] = r64.hi;
      store(s, d, R, true);
      s.pc += 4;
    };
  }
  const a = A.ints(esize, op.signed), b = B.ints(esize, op.signed), r = R.ints(esize, op.signed), fn = op.lane;
  return (s) => {
    load(s, n, A);
    load(s, m, B);
    for (let i = 0; i < half; i++) {
      r[i] = fn(a[2 * i], a[2 * i + 1], 0, esize);
      r[half + i] = fn(b[2 * i], b[2 * i + 1], 0, esize);
    }
    store(s, d, R, full);
    s.pc += 4;
  };
}

const TWO32 = 4294967296;

/** Writes an exact integer (|v| < 2^53) of `width` bits as a scalar result: the low bits, sign or zero filled. */
export function storeNumber(s: CpuState, reg: number, v: number, width: number): void {
  const lo = width >= 32 ? v | 0 : v & ((1 << width) - 1);
  storeScalar(s, reg, lo, width === 64 ? Math.floor(v / TWO32) | 0 : 0);
}

/**
 * A scalar integer operation on B, H, S or D registers: lane 0 only (of V[m]'s lane `index` when ≥ 0),
 * the rest of V[d] zeroed.
 */
export function scalarOp(d: number, n: number, m: number, esize: number, op: LaneOp, unary = false, index = -1): Op {
  if (esize === 64) return elementwise(d, n, m, 64, 1, false, op, unary, index);
  const a = A.ints(esize, op.signed), b = B.ints(esize, op.signed), dd = D.ints(esize, op.signed), fn = op.lane;
  return (s) => {
    load(s, n, A);
    if (unary) B.clear();
    else load(s, m, B);
    if (index >= 0) broadcast(B, esize, index);
    load(s, d, D);
    storeNumber(s, d, fn(a[0], b[0], dd[0], esize), esize);
    s.pc += 4;
  };
}

/** Across lanes: folds the `count` lanes of V[n] with `fold` (exact in doubles) into a `width`-bit scalar. */
export function reduce(d: number, n: number, esize: number, count: number, signed: boolean, width: number, fold: (acc: number, x: number) => number): Op {
  const a = A.ints(esize, signed);
  return (s) => {
    load(s, n, A);
    let acc = a[0];
    for (let i = 1; i < count; i++) acc = fold(acc, a[i]);
    storeNumber(s, d, acc, width);
    s.pc += 4;
  };
}

/**
 * Moves lanes: result lane i = lane table[i] of the concatenation V[src1]:V[src2] (src1 first), at the
 * granularity of min(esize, 32) bits. Covers DUP, INS, ZIP, UZP, TRN, EXT and REV.
 */
export function permute(d: number, src1: number, src2: number, esize: number, table: readonly number[], full: boolean): Op {
  const g = Math.min(esize, 32), per = esize / g;
  const words: number[] = [];
  for (const t of table) for (let k = 0; k < per; k++) words.push(t * per + k);
  const idx = Int8Array.from(words), lanesPerReg = 128 / g;
  const a = A.ints(g, false), b = B.ints(g, false), r = R.ints(g, false);
  return (s) => {
    load(s, src1, A);
    load(s, src2, B);
    R.clear(); // a scalar result (DUP to B, H or S) zeroes the rest of the register
    for (let i = 0; i < idx.length; i++) {
      const k = idx[i];
      r[i] = k < lanesPerReg ? a[k] : b[k - lanesPerReg];
    }
    store(s, d, R, full);
    s.pc += 4;
  };
}
