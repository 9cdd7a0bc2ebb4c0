/**
 * The lane loop of floating-point executors. Scalar instructions are the one-lane case: a single result
 * fills bits 31:0, a double bits 63:0, and the rest of the register is zeroed.
 */
import type { CpuState } from '../../../cpu/state.ts';
import { DOUBLE, type Precision, res, SINGLE } from '../../../fp/arith.ts';
import type { Op } from '../../types.ts';
import { A, B, broadcast, D, load, R, store } from './lanes.ts';

/** Computes one lane from operand bits (a single as (bits, 0)) and leaves the result in `res`. */
export type FpLaneFn = (s: CpuState, p: Precision, ahi: number, alo: number, bhi: number, blo: number, dhi: number, dlo: number) => void;

export const precision = (double: number | boolean): Precision => (double ? DOUBLE : SINGLE);

/**
 * V[d] = fn(V[n], V[m], V[d]) lane by lane: `count` lanes of precision p; `full` keeps the upper 64 bits.
 * With `index` ≥ 0 every lane of V[m] is replaced by lane `index` (the by-element forms).
 */
export function fpLanes(d: number, n: number, m: number, p: Precision, count: number, full: boolean, fn: FpLaneFn, index = -1): Op {
  const a = A.i32, b = B.i32, dd = D.i32, r = R.i32;
  if (p.single) {
    return (s) => {
      load(s, n, A);
      load(s, m, B);
      if (index >= 0) broadcast(B, 32, index);
      load(s, d, D);
      r[1] = 0;
      for (let i = 0; i < count; i++) {
        fn(s, p, a[i], 0, b[i], 0, dd[i], 0);
        r[i] = res.hi;
      }
      store(s, d, R, full);
      s.pc += 4;
    };
  }
  return (s) => {
    load(s, n, A);
    load(s, m, B);
    if (index >= 0) broadcast(B, 64, index);
    load(s, d, D);
    for (let i = 0; i < 2 * count; i += 2) {
      fn(s, p, a[i + 1], a[i], b[i + 1], b[i], dd[i + 1], dd[i]);
      r[i] = res.lo;
      r[i + 1] = res.hi;
    }
    store(s, d, R, full);
    s.pc += 4;
  };
}

/** Operand bits of a scalar register: the high word (a single's only word), low word in `scalarLo`. */
export let scalarLo = 0;
export function scalarHi(s: CpuState, reg: number, p: Precision): number {
  const q = reg << 2;
  scalarLo = p.single ? 0 : s.vreg[q];
  return p.single ? s.vreg[q] : s.vreg[q + 1];
}
