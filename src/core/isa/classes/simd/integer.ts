/**
 * Advanced SIMD integer data processing (Arm ARM C4.1.6): three same, two-register miscellaneous, across
 * lanes, multiply by element, and their scalar (D register) forms.
 */
import { asr64, cls32, lsr64, mul64, r64, rbit32, shl64, signExtend } from '../../../bits/int64.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { add64, elementwise, gt64, hi64, type LaneOp, mask64, pairwise, permute, reduce, scalarOp, sub64 } from './elementwise.ts';
import { A, D, load, R, store, storeScalar } from './lanes.ts';
import { recipEstimate, recipSqrtEstimate } from './fpEstimate.ts';
import { elementIndex, elementRegister, polyMul8 } from './long.ts';
import { saturate, saturate64, saturateParts64, saturatingAdd64, saturatingShiftLeft64, withSaturation } from './saturation.ts';

const bits = (v: number, width: number): string => v.toString(2).padStart(width, '0');
/** Whether (size, Q) names an arrangement the row accepts: `sizes` is a bit mask, and 1D is never valid. */
export const arrangementOk = (sizes: number) => (f: Fields): boolean => ((sizes >> f.z) & 1) === 1 && !(f.z === 3 && f.q === 0);

// ---- lane operations -----------------------------------------------------------------------------

const cmp = (signed: boolean, test: (a: number, b: number) => boolean, test64: (ah: number, al: number, bh: number, bl: number) => boolean): LaneOp => ({
  signed,
  lane: (a, b) => (test(a, b) ? -1 : 0),
  lane64: (ah, al, bh, bl) => mask64(test64(ah, al, bh, bl)),
});

const CMEQ = cmp(false, (a, b) => a === b, (ah, al, bh, bl) => ah === bh && al === bl);
const CMTST = cmp(false, (a, b) => (a & b) !== 0, (ah, al, bh, bl) => ((ah & bh) | (al & bl)) !== 0);
const CMGT = cmp(true, (a, b) => a > b, gt64);
const CMGE = cmp(true, (a, b) => a >= b, (ah, al, bh, bl) => !gt64(bh, bl, ah, al));
const CMHI = cmp(false, (a, b) => a > b, hi64);
const CMHS = cmp(false, (a, b) => a >= b, (ah, al, bh, bl) => !hi64(bh, bl, ah, al));
const CMLE0 = cmp(true, (a) => a <= 0, (ah, al) => !gt64(ah, al, 0, 0));
const CMLT0 = cmp(true, (a) => a < 0, (ah) => ah < 0);

const plain = (signed: boolean, lane: LaneOp['lane']): LaneOp => ({ signed, lane });
const max = (a: number, b: number): number => (a > b ? a : b);
const min = (a: number, b: number): number => (a < b ? a : b);
const ADD: LaneOp = { signed: false, lane: (a, b) => a + b, lane64: add64 };
const SUB: LaneOp = { signed: false, lane: (a, b) => a - b, lane64: sub64 };
const NEG: LaneOp = { signed: false, lane: (a) => -a, lane64: (ah, al) => sub64(0, 0, ah, al) };
const ABS: LaneOp = { signed: true, lane: (a) => Math.abs(a), lane64: (ah, al) => (ah < 0 ? sub64(0, 0, ah, al) : ((r64.hi = ah), (r64.lo = al))) };

/** An integer element-wise operation of the three-same or two-register-misc groups. */
interface ElementDef {
  name: string;
  u: number;
  opcode: number;
  op: LaneOp;
  /** Allowed element sizes, as a bit mask over size = 0..3. */
  sizes: number;
  /** Saturates, setting FPSR.QC. */
  saturating?: boolean;
}

/** Element sizes as masks: all, all but 64-bit, and 16/32-bit only (the doubling multiplies). */
const ALL = 0b1111, NO64 = 0b0111, HS = 0b0110;

/**
 * SSHL/USHL/SRSHL/URSHL: shift by the signed low byte of b, left when positive, right when negative;
 * `round` adds 2^(k−1) before a right shift by k, computed as (a >> k) + bit k−1 of a so nothing overflows.
 * SQSHL/UQSHL/SQRSHL/UQRSHL (`saturating`) saturate a left shift instead of dropping the bits shifted out.
 */
function shiftByRegister(signed: boolean, round: boolean, saturating = false): LaneOp {
  // Beyond the element size a plain shift leaves only the sign; a rounding one always gives 0.
  const right = (a: number, k: number, esize: number): number => {
    if (k > esize) return round || !signed ? 0 : a >> 31;
    const shifted = k >= 32 ? (signed ? a >> 31 : 0) : signed ? a >> k : a >>> k;
    return round ? shifted + ((k - 1 >= 32 ? (signed ? a >> 31 : 0) : a >>> (k - 1)) & 1) : shifted;
  };
  const left = saturating
    ? (a: number, sh: number, esize: number): number => saturate(a * 2 ** sh, esize, signed)
    : (a: number, sh: number, esize: number): number => (sh >= esize ? 0 : a << sh);
  return {
    signed,
    lane: (a, b, _d, esize) => {
      const sh = (b << 24) >> 24;
      return sh >= 0 ? left(a, sh, esize) : right(a, -sh, esize);
    },
    lane64: (ah, al, _bh, bl) => {
      const sh = (bl << 24) >> 24;
      if (sh >= 0 && saturating) saturatingShiftLeft64(ah, al, sh, signed, signed);
      else if (sh >= 64) r64.hi = r64.lo = 0;
      else if (sh >= 0) shl64(ah, al, sh);
      else if (-sh > 64) r64.hi = r64.lo = round || !signed ? 0 : ah >> 31;
      else {
        const k = -sh;
        let bit = 0;
        if (round) {
          (signed ? asr64 : lsr64)(ah, al, k - 1);
          bit = r64.lo & 1;
        }
        if (k === 64) r64.hi = r64.lo = signed ? ah >> 31 : 0;
        else (signed ? asr64 : lsr64)(ah, al, k);
        if (bit) add64(r64.hi, r64.lo, 0, 1);
      }
    },
  };
}

/**
 * SQDMULH/SQRDMULH: the high half of 2·a·b (rounded when `round`), signed, saturating only for
 * a = b = the most negative value. 32-bit lanes form the exact 64-bit product in halves.
 */
function doublingMultiplyHigh(round: boolean): LaneOp {
  return {
    signed: true,
    lane: (a, b, _d, esize) => {
      if (esize === 16) return saturate(Math.floor((2 * a * b + (round ? 0x8000 : 0)) / 0x10000), 16, true);
      if (a === -0x80000000 && b === -0x80000000) return saturate(2 ** 31, 32, true);
      mul64(a >> 31, a, b >> 31, b);
      shl64(r64.hi, r64.lo, 1);
      if (round) add64(r64.hi, r64.lo, 0, 0x80000000);
      return r64.hi;
    },
  };
}

/** SUQADD (signed d, unsigned a, signed result) and USQADD (unsigned d, signed a, unsigned result): d += a, saturating. */
function saturatingAccumulate(signedResult: boolean): LaneOp {
  // The lanes are viewed with a's signedness; the accumulator d is reinterpreted.
  const accumulator = (d: number, esize: number): number => (signedResult ? signExtend(d, esize) : d < 0 ? d + 2 ** esize : d);
  return {
    signed: !signedResult,
    lane: (a, _b, d, esize) => saturate(a + accumulator(d, esize), esize, signedResult),
    lane64: (ah, al, _bh, _bl, dh, dl) => {
      const lo = (dl >>> 0) + (al >>> 0);
      const carry = lo > 0xffffffff ? 1 : 0;
      saturateParts64(signedResult ? dh + (ah >>> 0) + carry : (dh >>> 0) + ah + carry, lo, signedResult);
    },
  };
}

/** SQABS/SQNEG: |a| or −a, saturating for the most negative value. */
function saturatingNegate(abs: boolean): LaneOp {
  return {
    signed: true,
    lane: (a, _b, _d, esize) => saturate(abs ? Math.abs(a) : -a, esize, true),
    lane64: (ah, al) => {
      if (ah === -0x80000000 && al === 0) saturate64(true, true);
      else if (abs && ah >= 0) {
        r64.hi = ah;
        r64.lo = al;
      } else sub64(0, 0, ah, al);
    },
  };
}

/** SQADD/UQADD/SQSUB/UQSUB: exact sum or difference saturated to the lane. */
const saturatingArith = (signed: boolean, subtract: boolean): LaneOp => ({
  signed,
  lane: (a, b, _d, esize) => saturate(subtract ? a - b : a + b, esize, signed),
  lane64: saturatingAdd64(signed, subtract),
});

const THREE_SAME: ElementDef[] = [
  { name: 'add', u: 0, opcode: 0b10000, op: ADD, sizes: ALL },
  { name: 'sub', u: 1, opcode: 0b10000, op: SUB, sizes: ALL },
  { name: 'mul', u: 0, opcode: 0b10011, op: plain(false, (a, b) => Math.imul(a, b)), sizes: NO64 },
  { name: 'pmul', u: 1, opcode: 0b10011, op: plain(false, polyMul8), sizes: 0b0001 },
  { name: 'sshl', u: 0, opcode: 0b01000, op: shiftByRegister(true, false), sizes: ALL },
  { name: 'ushl', u: 1, opcode: 0b01000, op: shiftByRegister(false, false), sizes: ALL },
  { name: 'srshl', u: 0, opcode: 0b01010, op: shiftByRegister(true, true), sizes: ALL },
  { name: 'urshl', u: 1, opcode: 0b01010, op: shiftByRegister(false, true), sizes: ALL },
  { name: 'sqadd', u: 0, opcode: 0b00001, op: saturatingArith(true, false), sizes: ALL, saturating: true },
  { name: 'uqadd', u: 1, opcode: 0b00001, op: saturatingArith(false, false), sizes: ALL, saturating: true },
  { name: 'sqsub', u: 0, opcode: 0b00101, op: saturatingArith(true, true), sizes: ALL, saturating: true },
  { name: 'uqsub', u: 1, opcode: 0b00101, op: saturatingArith(false, true), sizes: ALL, saturating: true },
  { name: 'mla', u: 0, opcode: 0b10010, op: plain(false, (a, b, d) => d + Math.imul(a, b)), sizes: NO64 },
  { name: 'mls', u: 1, opcode: 0b10010, op: plain(false, (a, b, d) => d - Math.imul(a, b)), sizes: NO64 },
  { name: 'cmeq', u: 1, opcode: 0b10001, op: CMEQ, sizes: ALL },
  { name: 'cmtst', u: 0, opcode: 0b10001, op: CMTST, sizes: ALL },
  { name: 'cmgt', u: 0, opcode: 0b00110, op: CMGT, sizes: ALL },
  { name: 'cmge', u: 0, opcode: 0b00111, op: CMGE, sizes: ALL },
  { name: 'cmhi', u: 1, opcode: 0b00110, op: CMHI, sizes: ALL },
  { name: 'cmhs', u: 1, opcode: 0b00111, op: CMHS, sizes: ALL },
  { name: 'smax', u: 0, opcode: 0b01100, op: plain(true, max), sizes: NO64 },
  { name: 'umax', u: 1, opcode: 0b01100, op: plain(false, max), sizes: NO64 },
  { name: 'smin', u: 0, opcode: 0b01101, op: plain(true, min), sizes: NO64 },
  { name: 'umin', u: 1, opcode: 0b01101, op: plain(false, min), sizes: NO64 },
  { name: 'sabd', u: 0, opcode: 0b01110, op: plain(true, (a, b) => Math.abs(a - b)), sizes: NO64 },
  { name: 'uabd', u: 1, opcode: 0b01110, op: plain(false, (a, b) => Math.abs(a - b)), sizes: NO64 },
  { name: 'shadd', u: 0, opcode: 0b00000, op: plain(true, (a, b) => Math.floor((a + b) / 2)), sizes: NO64 },
  { name: 'uhadd', u: 1, opcode: 0b00000, op: plain(false, (a, b) => Math.floor((a + b) / 2)), sizes: NO64 },
  { name: 'srhadd', u: 0, opcode: 0b00010, op: plain(true, (a, b) => Math.floor((a + b + 1) / 2)), sizes: NO64 },
  { name: 'urhadd', u: 1, opcode: 0b00010, op: plain(false, (a, b) => Math.floor((a + b + 1) / 2)), sizes: NO64 },
  { name: 'shsub', u: 0, opcode: 0b00100, op: plain(true, (a, b) => Math.floor((a - b) / 2)), sizes: NO64 },
  { name: 'uhsub', u: 1, opcode: 0b00100, op: plain(false, (a, b) => Math.floor((a - b) / 2)), sizes: NO64 },
  { name: 'saba', u: 0, opcode: 0b01111, op: plain(true, (a, b, d) => d + Math.abs(a - b)), sizes: NO64 },
  { name: 'uaba', u: 1, opcode: 0b01111, op: plain(false, (a, b, d) => d + Math.abs(a - b)), sizes: NO64 },
  { name: 'sqshl', u: 0, opcode: 0b01001, op: shiftByRegister(true, false, true), sizes: ALL, saturating: true },
  { name: 'uqshl', u: 1, opcode: 0b01001, op: shiftByRegister(false, false, true), sizes: ALL, saturating: true },
  { name: 'sqrshl', u: 0, opcode: 0b01011, op: shiftByRegister(true, true, true), sizes: ALL, saturating: true },
  { name: 'uqrshl', u: 1, opcode: 0b01011, op: shiftByRegister(false, true, true), sizes: ALL, saturating: true },
  { name: 'sqdmulh', u: 0, opcode: 0b10110, op: doublingMultiplyHigh(false), sizes: HS, saturating: true },
  { name: 'sqrdmulh', u: 1, opcode: 0b10110, op: doublingMultiplyHigh(true), sizes: HS, saturating: true },
];

const PAIRWISE: ElementDef[] = [
  { name: 'addp', u: 0, opcode: 0b10111, op: ADD, sizes: ALL },
  { name: 'smaxp', u: 0, opcode: 0b10100, op: plain(true, max), sizes: NO64 },
  { name: 'umaxp', u: 1, opcode: 0b10100, op: plain(false, max), sizes: NO64 },
  { name: 'sminp', u: 0, opcode: 0b10101, op: plain(true, min), sizes: NO64 },
  { name: 'uminp', u: 1, opcode: 0b10101, op: plain(false, min), sizes: NO64 },
];

/** Two-register misc lane operations; `zero` ones compare with #0. */
const TWO_MISC: (ElementDef & { zero?: boolean })[] = [
  { name: 'abs', u: 0, opcode: 0b01011, op: ABS, sizes: ALL },
  { name: 'neg', u: 1, opcode: 0b01011, op: NEG, sizes: ALL },
  { name: 'cmgt', u: 0, opcode: 0b01000, op: CMGT, sizes: ALL, zero: true },
  { name: 'cmge', u: 1, opcode: 0b01000, op: CMGE, sizes: ALL, zero: true },
  { name: 'cmeq', u: 0, opcode: 0b01001, op: CMEQ, sizes: ALL, zero: true },
  { name: 'cmle', u: 1, opcode: 0b01001, op: CMLE0, sizes: ALL, zero: true },
  { name: 'cmlt', u: 0, opcode: 0b01010, op: CMLT0, sizes: ALL, zero: true },
  { name: 'cls', u: 0, opcode: 0b00100, op: plain(true, (a, _b, _d, esize) => cls32(a) - (32 - esize)), sizes: NO64 },
  { name: 'clz', u: 1, opcode: 0b00100, op: plain(false, (a, _b, _d, esize) => Math.clz32(a) - (32 - esize)), sizes: NO64 },
  { name: 'suqadd', u: 0, opcode: 0b00011, op: saturatingAccumulate(true), sizes: ALL, saturating: true },
  { name: 'usqadd', u: 1, opcode: 0b00011, op: saturatingAccumulate(false), sizes: ALL, saturating: true },
  { name: 'sqabs', u: 0, opcode: 0b00111, op: saturatingNegate(true), sizes: ALL, saturating: true },
  { name: 'sqneg', u: 1, opcode: 0b00111, op: saturatingNegate(false), sizes: ALL, saturating: true },
  // UnsignedRecipEstimate and UnsignedRSqrtEstimate: 9-bit estimates from the top 9 bits; small inputs give all ones.
  { name: 'urecpe', u: 0, opcode: 0b11100, op: plain(false, (a) => (a < 2 ** 31 ? -1 : recipEstimate(a >>> 23) << 23)), sizes: 0b0100 },
  { name: 'ursqrte', u: 1, opcode: 0b11100, op: plain(false, (a) => (a < 2 ** 30 ? -1 : recipSqrtEstimate(a >>> 23) << 23)), sizes: 0b0100 },
];

/** Bitwise operations on whole registers (three same, opcode 00011; `size` selects the operation). */
const LOGICAL: { name: string; u: number; size: number; fn: (a: number, b: number, d: number) => number }[] = [
  { name: 'and', u: 0, size: 0, fn: (a, b) => a & b },
  { name: 'bic', u: 0, size: 1, fn: (a, b) => a & ~b },
  { name: 'orr', u: 0, size: 2, fn: (a, b) => a | b },
  { name: 'orn', u: 0, size: 3, fn: (a, b) => a | ~b },
  { name: 'eor', u: 1, size: 0, fn: (a, b) => a ^ b },
  { name: 'bsl', u: 1, size: 1, fn: (a, b, d) => (d & a) | (~d & b) },
  { name: 'bit', u: 1, size: 2, fn: (a, b, d) => (a & b) | (d & ~b) },
  { name: 'bif', u: 1, size: 3, fn: (a, b, d) => (a & ~b) | (d & b) },
];

const POPCOUNT = (x: number): number => {
  x -= (x >>> 1) & 0x55;
  x = (x & 0x33) + ((x >>> 2) & 0x33);
  return (x + (x >>> 4)) & 0x0f;
};

// ---- executors -----------------------------------------------------------------------------------

const vectorOp = (f: Fields, op: LaneOp, unary = false): Op =>
  elementwise(f.d, f.n, f.m ?? 0, 8 << f.z, (f.q ? 128 : 64) >> (3 + f.z), f.q === 1, op, unary);

/** REV16/REV32/REV64: reverse the `esize` elements within each `container`-bit container. */
function reverse(f: Fields, container: number): Op {
  const esize = 8 << f.z, count = (f.q ? 128 : 64) / esize, flip = container / esize - 1;
  return permute(f.d, f.n, f.n, esize, Array.from({ length: count }, (_, i) => i ^ flip), f.q === 1);
}

/** XTN/XTN2: the low half of each element; XTN2 writes the upper half of Vd and keeps the lower. */
function extractNarrow(f: Fields): Op {
  const esize = 8 << f.z, count = 64 / esize;
  const table = Array.from({ length: f.q ? 2 * count : count }, (_, i) => (f.q && i < count ? i : 128 / esize + 2 * (i - (f.q ? count : 0))));
  return permute(f.d, f.d, f.n, esize, table, f.q === 1);
}

/** SADDLP/UADDLP: adjacent pairs added into elements twice as wide; SADALP/UADALP add them into V[d]. */
function addLongPairwise(f: Fields, signed: boolean, accumulate: boolean): Op {
  const esize = 8 << f.z, count = (f.q ? 64 : 32) / esize, a = A.ints(esize, signed);
  const r = esize === 32 ? null : R.ints(2 * esize, signed), dd = esize === 32 ? null : D.ints(2 * esize, signed);
  return (s) => {
    load(s, f.n, A);
    load(s, f.d, D);
    for (let i = 0; i < count; i++) {
      const v = a[2 * i] + a[2 * i + 1];
      if (r) r[i] = accumulate ? dd![i] + v : v;
      else {
        const hi = Math.floor(v / 4294967296);
        if (accumulate) add64(D.i32[2 * i + 1], D.i32[2 * i], hi | 0, v | 0);
        R.i32[2 * i] = accumulate ? r64.lo : v | 0;
        R.i32[2 * i + 1] = accumulate ? r64.hi : hi | 0;
      }
    }
    store(s, f.d, R, f.q === 1);
    s.pc += 4;
  };
}

/**
 * SQXTN/UQXTN/SQXTUN(2): each wide element saturated to half its width (`signedSource`: the source is
 * signed; `signedResult`: to a signed range). The scalar form narrows lane 0 and zeroes the rest.
 */
function saturatingNarrow(f: Fields, signedSource: boolean, signedResult: boolean, scalar = false): Op {
  const esize = 8 << f.z, count = scalar ? 1 : 64 / esize, upper = f.q === 1, first = upper ? count : 0, d = f.d, n = f.n;
  const wide = esize < 32 ? A.ints(2 * esize, signedSource) : null, r = R.ints(esize, signedResult);
  return withSaturation((s) => {
    load(s, n, A);
    if (upper) load(s, d, R);
    else R.clear();
    for (let i = 0; i < count; i++) {
      // A 64-bit source element as an exact double is enough to decide saturation, and exact when it does not saturate.
      const hi = A.i32[2 * i + 1], v = wide ? wide[i] : (signedSource ? hi : hi >>> 0) * 4294967296 + (A.i32[2 * i] >>> 0);
      r[first + i] = saturate(v, esize, signedResult);
    }
    store(s, d, R, upper);
    s.pc += 4;
  });
}

/** ADDP (scalar): the two 64-bit lanes of V[n] added. */
function addPairScalar(d: number, n: number): Op {
  return (s) => {
    const v = s.vreg, q = n << 2;
    add64(v[q + 1], v[q], v[q + 3], v[q + 2]);
    storeScalar(s, d, r64.lo, r64.hi);
    s.pc += 4;
  };
}

// ---- rows ----------------------------------------------------------------------------------------

const threeSame = (u: number, size: string, opcode: number) => `0q${u}01110${size}1mmmmm${bits(opcode, 5)}1nnnnnddddd`;
const twoMisc = (u: number, size: string, opcode: number) => `0q${u}01110${size}10000${bits(opcode, 5)}10nnnnnddddd`;
const scalarThree = (u: number, size: string, opcode: number) => `01${u}11110${size}1mmmmm${bits(opcode, 5)}1nnnnnddddd`;
const scalarTwo = (u: number, size: string, opcode: number) => `01${u}11110${size}10000${bits(opcode, 5)}10nnnnnddddd`;
const V3 = '{Vsz:dqz}, {Vsz:nqz}, {Vsz:mqz}';

/** The vector row and, for saturating operations (every size) or ones with 64-bit lanes (D only), the scalar row. */
function laneRows(e: ElementDef, vectorPattern: string, scalarPattern: (size: string) => string, operands: number, suffix: string, extra = ''): InsnDef[] {
  const unary = operands === 2;
  const letters = ['d', 'n', 'm'].slice(0, operands);
  const vector: InsnDef = {
    id: `${e.name.toUpperCase()}_${suffix}v`, pattern: vectorPattern, syntax: `${e.name} ${letters.map((r) => `{Vsz:${r}qz}`).join(', ')}${extra}`,
    when: arrangementOk(e.sizes), exec: (f) => (e.saturating ? withSaturation(vectorOp(f, e.op, unary)) : vectorOp(f, e.op, unary)),
  };
  if (e.saturating) {
    return [vector, {
      id: `${e.name.toUpperCase()}_${suffix}s`, pattern: scalarPattern('zz'), syntax: `${e.name} ${letters.map((r) => `{Fsz:${r}z}`).join(', ')}${extra}`,
      when: (f) => ((e.sizes >> f.z) & 1) === 1, exec: (f) => withSaturation(scalarOp(f.d, f.n, f.m ?? 0, 8 << f.z, e.op, unary)),
    }];
  }
  if (e.sizes !== ALL) return [vector];
  return [vector, {
    id: `${e.name.toUpperCase()}_${suffix}d`, pattern: scalarPattern('11'), syntax: `${e.name} ${letters.map((r) => `{Fd:${r}}`).join(', ')}${extra}`,
    exec: (f) => elementwise(f.d, f.n, f.m ?? 0, 64, 1, false, e.op, unary),
  }];
}

const threeSameRows: InsnDef[] = THREE_SAME.flatMap((e) => laneRows(e, threeSame(e.u, 'zz', e.opcode), (size) => scalarThree(e.u, size, e.opcode), 3, ''));

const pairwiseRows: InsnDef[] = [
  ...PAIRWISE.map((e): InsnDef => ({
    id: `${e.name.toUpperCase()}_v`, pattern: threeSame(e.u, 'zz', e.opcode), syntax: `${e.name} ${V3}`,
    when: arrangementOk(e.sizes), exec: (f) => pairwise(f.d, f.n, f.m, 8 << f.z, f.q === 1, e.op),
  })),
  { id: 'ADDP_d', pattern: '0101111011110001101110nnnnnddddd', syntax: 'addp {Fd:d}, {V2d:n}', exec: (f) => addPairScalar(f.d, f.n) },
];

const logicalRows: InsnDef[] = [
  { id: 'MOV_v', pattern: '0q001110101mmmmm000111nnnnnddddd', syntax: 'mov {Vq8:dq}, {Vq8Twice:nmq}',
    when: (f) => f.m === f.n, exec: (f) => elementwise(f.d, f.n, f.m, 32, f.q ? 4 : 2, f.q === 1, plain(false, (a, b) => a | b)) },
  ...LOGICAL.map((e): InsnDef => ({
    id: `${e.name.toUpperCase()}_v`, pattern: `0q${e.u}01110${bits(e.size, 2)}1mmmmm000111nnnnnddddd`,
    syntax: `${e.name} {Vq8:dq}, {Vq8:nq}, {Vq8:mq}`,
    exec: (f) => elementwise(f.d, f.n, f.m, 32, f.q ? 4 : 2, f.q === 1, plain(false, e.fn)),
  })),
];

const twoMiscRows: InsnDef[] = [
  ...TWO_MISC.flatMap((e) => laneRows(e, twoMisc(e.u, 'zz', e.opcode), (size) => scalarTwo(e.u, size, e.opcode), 2, e.zero ? 'zero_' : '', e.zero ? ', #0' : '')),
  { id: 'CNT_v', pattern: twoMisc(0, '00', 0b00101), syntax: 'cnt {Vq8:dq}, {Vq8:nq}', exec: (f) => vectorOp({ ...f, z: 0 }, plain(false, POPCOUNT), true) },
  { id: 'MVN_v', pattern: twoMisc(1, '00', 0b00101), syntax: 'mvn {Vq8:dq}, {Vq8:nq}', exec: (f) => vectorOp({ ...f, z: 2 }, plain(false, (a) => ~a), true) },
  { id: 'NOT_v', pattern: twoMisc(1, '00', 0b00101), syntax: 'not {Vq8:dq}, {Vq8:nq}', noPrint: true, exec: (f) => vectorOp({ ...f, z: 2 }, plain(false, (a) => ~a), true) },
  { id: 'RBIT_v', pattern: twoMisc(1, '01', 0b00101), syntax: 'rbit {Vq8:dq}, {Vq8:nq}', exec: (f) => vectorOp({ ...f, z: 0 }, plain(false, (a) => rbit32(a) >>> 24), true) },
  { id: 'REV64_v', pattern: twoMisc(0, 'zz', 0b00000), syntax: 'rev64 {Vsz:dqz}, {Vsz:nqz}', when: arrangementOk(0b0111), exec: (f) => reverse(f, 64) },
  { id: 'REV32_v', pattern: twoMisc(1, 'zz', 0b00000), syntax: 'rev32 {Vsz:dqz}, {Vsz:nqz}', when: arrangementOk(0b0011), exec: (f) => reverse(f, 32) },
  { id: 'REV16_v', pattern: twoMisc(0, 'zz', 0b00001), syntax: 'rev16 {Vsz:dqz}, {Vsz:nqz}', when: arrangementOk(0b0001), exec: (f) => reverse(f, 16) },
  { id: 'XTN_v', pattern: '0q001110zz100001001010nnnnnddddd', syntax: 'xtn {Vsz:dqz}, {Vwide:nz}', when: (f) => f.z < 3 && f.q === 0, exec: extractNarrow },
  { id: 'XTN2_v', pattern: '0q001110zz100001001010nnnnnddddd', syntax: 'xtn2 {Vsz:dqz}, {Vwide:nz}', when: (f) => f.z < 3 && f.q === 1, exec: extractNarrow },
  ...(['saddlp', 'uaddlp', 'sadalp', 'uadalp'] as const).map((name, k): InsnDef => ({
    id: `${name.toUpperCase()}_v`, pattern: twoMisc(k & 1, 'zz', k < 2 ? 0b00010 : 0b00110), syntax: `${name} {VszUp:dqz}, {Vsz:nqz}`,
    when: (f) => f.z < 3, exec: (f) => addLongPairwise(f, (k & 1) === 0, k >= 2),
  })),
  ...(['sqxtn', 'uqxtn', 'sqxtun'] as const).flatMap((name, k): InsnDef[] => {
    const [u, opcode] = k === 2 ? [1, 0b10010] : [k, 0b10100];
    return [
      ...['', '2'].map((two, q): InsnDef => ({
        id: `${name.toUpperCase()}${two}_v`, pattern: twoMisc(u, 'zz', opcode), syntax: `${name}${two} {Vsz:dqz}, {Vwide:nz}`,
        when: (f) => f.z < 3 && f.q === q, exec: (f) => saturatingNarrow(f, k !== 1, k === 0),
      })),
      { id: `${name.toUpperCase()}_s`, pattern: `01${u}11110zz10000${bits(opcode, 5)}10nnnnnddddd`, syntax: `${name} {Fsz:dz}, {Fwide:nz}`,
        when: (f) => f.z < 3, exec: (f) => saturatingNarrow({ ...f, q: 0 }, k !== 1, k === 0, true) },
    ];
  }),
];

/** Across lanes: 8B/16B/4H/8H/4S (2S and 64-bit elements are reserved). */
const acrossOk = (f: Fields): boolean => f.z < 2 || (f.z === 2 && f.q === 1);
const lanesOf = (f: Fields): number => (f.q ? 128 : 64) >> (3 + f.z);
const across = (name: string, u: number, opcode: number, signed: boolean, widen: boolean, fold: (acc: number, x: number) => number): InsnDef => ({
  id: `${name.toUpperCase()}_v`, pattern: `0q${u}01110zz11000${bits(opcode, 5)}10nnnnnddddd`,
  syntax: `${name} {${widen ? 'Fwide' : 'Fsz'}:dz}, {Vsz:nqz}`, when: acrossOk,
  exec: (f) => reduce(f.d, f.n, 8 << f.z, lanesOf(f), signed, (8 << f.z) * (widen ? 2 : 1), fold),
});
const sum = (acc: number, x: number): number => acc + x;

const acrossRows: InsnDef[] = [
  across('addv', 0, 0b11011, false, false, sum),
  across('saddlv', 0, 0b00011, true, true, sum),
  across('uaddlv', 1, 0b00011, false, true, sum),
  across('smaxv', 0, 0b01010, true, false, max),
  across('umaxv', 1, 0b01010, false, false, max),
  across('sminv', 0, 0b11010, true, false, min),
  across('uminv', 1, 0b11010, false, false, min),
];

/** MUL, MLA and MLS by element: H (size 01) or S (size 10) elements, the lane ops of the three-same rows. */
const byElementRows: InsnDef[] = ([['mul', 0, 0b1000], ['mla', 1, 0b0000], ['mls', 1, 0b0100]] as const).map(([name, u, opcode]): InsnDef => {
  const op = THREE_SAME.find((e) => e.name === name)!.op;
  return {
    id: `${name.toUpperCase()}_elem_v`, pattern: `0q${u}01111zzLMkkkk${bits(opcode, 4)}H0nnnnnddddd`, syntax: `${name} {Vsz:dqz}, {Vsz:nqz}, {ElemI:kMLHz}`,
    when: (f) => f.z === 1 || f.z === 2,
    exec: (f) => elementwise(f.d, f.n, elementRegister(f), 8 << f.z, (f.q ? 128 : 64) >> (3 + f.z), f.q === 1, op, false, elementIndex(f)),
  };
});

/** SQDMULH and SQRDMULH by element, vector and scalar. */
const saturatingByElementRows: InsnDef[] = ([['sqdmulh', 0b1100], ['sqrdmulh', 0b1101]] as const).flatMap(([name, opcode]): InsnDef[] => {
  const op = THREE_SAME.find((e) => e.name === name)!.op;
  const when = (f: Fields): boolean => f.z === 1 || f.z === 2;
  return [
    { id: `${name.toUpperCase()}_elem_v`, pattern: `0q001111zzLMkkkk${bits(opcode, 4)}H0nnnnnddddd`, syntax: `${name} {Vsz:dqz}, {Vsz:nqz}, {ElemI:kMLHz}`, when,
      exec: (f) => withSaturation(elementwise(f.d, f.n, elementRegister(f), 8 << f.z, (f.q ? 128 : 64) >> (3 + f.z), f.q === 1, op, false, elementIndex(f))) },
    { id: `${name.toUpperCase()}_elem_s`, pattern: `01011111zzLMkkkk${bits(opcode, 4)}H0nnnnnddddd`, syntax: `${name} {Fsz:dz}, {Fsz:nz}, {ElemI:kMLHz}`, when,
      exec: (f) => withSaturation(scalarOp(f.d, f.n, elementRegister(f), 8 << f.z, op, false, elementIndex(f))) },
  ];
});

export const rows: InsnDef[] = [...threeSameRows, ...pairwiseRows, ...logicalRows, ...twoMiscRows, ...acrossRows, ...byElementRows, ...saturatingByElementRows];
