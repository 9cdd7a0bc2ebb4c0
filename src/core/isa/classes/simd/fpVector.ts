/**
 * Advanced SIMD floating point (Arm ARM C4.1.6): three same (FADD, FSUB, FMUL, FMULX, FDIV, FMLA, FMLS,
 * FMAX, FMIN, FMAXNM, FMINNM, FABD, FCMEQ/GE/GT, FACGE/GT, FRECPS, FRSQRTS), pairwise (FADDP, FMAXP,
 * FMINP, FMAXNMP, FMINNMP), two-register misc (FABS, FNEG, FSQRT, FRINT*, FCVT*S/U, SCVTF/UCVTF, FRECPE,
 * FRSQRTE, compares with zero, FCVTN/FCVTL), across lanes (FMAXV, FMINV, FMAXNMV, FMINNMV), by element
 * (FMLA, FMLS, FMUL, FMULX), their scalar forms, FCVTXN (round to odd), FRECPX, and the fixed-point
 * conversions of the shift-by-immediate groups. 2S, 4S and 2D only (1D and half precision are unallocated here, except where FCVTN/FCVTL
 * convert to or from half precision).
 */
import { type BinaryOp, binary, binaryNumber, compare, fadd, fmax, fmin, fsub, fmul, fdiv, mulAdd, res } from '../../../fp/arith.ts';
import { convertPrecision, fromFixed, HALF, toFixed } from '../../../fp/convert.ts';
import { RO, RZ } from '../../../fp/status.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { fpLanes, type FpLaneFn, precision } from './fpLanes.ts';
import { convertOp, laneAbs, laneBinary, laneNeg, laneRound, laneSqrt, NAMED_MODES, SIGN } from './fpScalar.ts';
import { laneMulX, laneRecipEstimate, laneRecipStep, laneRecpX, laneRSqrtEstimate, laneRSqrtStep } from './fpEstimate.ts';
import { load, A, B, R, store } from './lanes.ts';
import { SHIFT_FIELD } from './shift.ts';

const bits = (v: number, width: number): string => v.toString(2).padStart(width, '0');

/** Lanes as all ones when `test` holds for FPCompare's NZCV (0110 equal, 0010 greater, 1000 less, 0011 unordered). */
const laneCompare = (test: (nzcv: number) => boolean, signalling: boolean, zero = false): FpLaneFn => (s, p, ah, al, bh, bl) => {
  const nzcv = zero ? compare(s, p, ah, al, 0, 0, signalling) : compare(s, p, ah, al, bh, bl, signalling);
  res.hi = res.lo = test(nzcv) ? -1 : 0;
};
/** FACGE/FACGT: the compare of the absolute values. */
const laneAbsCompare = (test: (nzcv: number) => boolean): FpLaneFn => (s, p, ah, al, bh, bl) => {
  res.hi = res.lo = test(compare(s, p, ah & ~SIGN, al, bh & ~SIGN, bl, true)) ? -1 : 0;
};
const EQ = (c: number) => c === 0b0110, GE = (c: number) => c === 0b0110 || c === 0b0010, GT = (c: number) => c === 0b0010;
const LE = (c: number) => c === 0b0110 || c === 0b1000, LT = (c: number) => c === 0b1000;

/** A conversion result (an integer in res.hi:res.lo) placed as a lane: a single lane holds it in res.hi. */
const laneToFixed = (mode: number, unsigned: boolean, fbits: number): FpLaneFn => (s, p, ah, al) => {
  toFixed(s, p, ah, al, fbits, mode, p.single ? 32 : 64, unsigned);
  if (p.single) res.hi = res.lo;
};
const laneFromFixed = (unsigned: boolean, fbits: number): FpLaneFn => (s, p, ah, al) =>
  fromFixed(s, p, p.single ? 0 : ah, p.single ? ah : al, !p.single, unsigned, fbits);

/** Three same; `scalar` ones also exist as scalar (S/D register) instructions. */
const THREE_SAME: { name: string; u: number; a: number; opcode: number; fn: FpLaneFn; scalar?: boolean }[] = [
  { name: 'fadd', u: 0, a: 0, opcode: 0b11010, fn: laneBinary(fadd) },
  { name: 'fsub', u: 0, a: 1, opcode: 0b11010, fn: laneBinary(fsub) },
  { name: 'fmul', u: 1, a: 0, opcode: 0b11011, fn: laneBinary(fmul) },
  { name: 'fdiv', u: 1, a: 0, opcode: 0b11111, fn: laneBinary(fdiv) },
  { name: 'fmax', u: 0, a: 0, opcode: 0b11110, fn: laneBinary(fmax) },
  { name: 'fmin', u: 0, a: 1, opcode: 0b11110, fn: laneBinary(fmin) },
  { name: 'fmaxnm', u: 0, a: 0, opcode: 0b11000, fn: laneBinary(fmax, true) },
  { name: 'fminnm', u: 0, a: 1, opcode: 0b11000, fn: laneBinary(fmin, true) },
  { name: 'fmla', u: 0, a: 0, opcode: 0b11001, fn: (s, p, ah, al, bh, bl, dh, dl) => mulAdd(s, p, dh, dl, ah, al, bh, bl) },
  { name: 'fmls', u: 0, a: 1, opcode: 0b11001, fn: (s, p, ah, al, bh, bl, dh, dl) => mulAdd(s, p, dh, dl, ah ^ SIGN, al, bh, bl) },
  { name: 'fabd', u: 1, a: 1, opcode: 0b11010, fn: (s, p, ah, al, bh, bl) => { binary(s, p, fsub, ah, al, bh, bl); res.hi &= ~SIGN; }, scalar: true },
  { name: 'fcmeq', u: 0, a: 0, opcode: 0b11100, fn: laneCompare(EQ, false), scalar: true },
  { name: 'fcmge', u: 1, a: 0, opcode: 0b11100, fn: laneCompare(GE, true), scalar: true },
  { name: 'fcmgt', u: 1, a: 1, opcode: 0b11100, fn: laneCompare(GT, true), scalar: true },
  { name: 'facge', u: 1, a: 0, opcode: 0b11101, fn: laneAbsCompare(GE), scalar: true },
  { name: 'facgt', u: 1, a: 1, opcode: 0b11101, fn: laneAbsCompare(GT), scalar: true },
  { name: 'fmulx', u: 0, a: 0, opcode: 0b11011, fn: laneMulX, scalar: true },
  { name: 'frecps', u: 0, a: 0, opcode: 0b11111, fn: laneRecipStep, scalar: true },
  { name: 'frsqrts', u: 0, a: 1, opcode: 0b11111, fn: laneRSqrtStep, scalar: true },
];

/** Pairwise operations: vector (three same, U = 1), scalar pairwise (o1 = a) and across lanes (4S only). */
const PAIRWISE: { name: string; a: number; opcode: number; scalarOpcode: number; op: BinaryOp; number: boolean; across?: string }[] = [
  { name: 'faddp', a: 0, opcode: 0b11010, scalarOpcode: 0b01101, op: fadd, number: false },
  { name: 'fmaxp', a: 0, opcode: 0b11110, scalarOpcode: 0b01111, op: fmax, number: false, across: 'fmaxv' },
  { name: 'fminp', a: 1, opcode: 0b11110, scalarOpcode: 0b01111, op: fmin, number: false, across: 'fminv' },
  { name: 'fmaxnmp', a: 0, opcode: 0b11000, scalarOpcode: 0b01100, op: fmax, number: true, across: 'fmaxnmv' },
  { name: 'fminnmp', a: 1, opcode: 0b11000, scalarOpcode: 0b01100, op: fmin, number: true, across: 'fminnmv' },
];

/** By element (U, opcode), with the lane function of the three-same instruction of the same name. */
const BY_ELEMENT: { name: string; u: number; opcode: number }[] = [
  { name: 'fmla', u: 0, opcode: 0b0001 }, { name: 'fmls', u: 0, opcode: 0b0101 },
  { name: 'fmul', u: 0, opcode: 0b1001 }, { name: 'fmulx', u: 1, opcode: 0b1001 },
];

/** Two-register misc: `scalar` ones also exist as scalar (S/D register) instructions. */
const TWO_MISC: { name: string; u: number; a: number; opcode: number; fn: FpLaneFn; scalar: boolean; zero?: boolean }[] = [
  { name: 'fabs', u: 0, a: 1, opcode: 0b01111, fn: laneAbs, scalar: false },
  { name: 'fneg', u: 1, a: 1, opcode: 0b01111, fn: laneNeg, scalar: false },
  { name: 'fsqrt', u: 1, a: 1, opcode: 0b11111, fn: laneSqrt, scalar: false },
  { name: 'frintn', u: 0, a: 0, opcode: 0b11000, fn: laneRound(NAMED_MODES[0].mode, false), scalar: false },
  { name: 'frintp', u: 0, a: 1, opcode: 0b11000, fn: laneRound(NAMED_MODES[1].mode, false), scalar: false },
  { name: 'frintm', u: 0, a: 0, opcode: 0b11001, fn: laneRound(NAMED_MODES[2].mode, false), scalar: false },
  { name: 'frintz', u: 0, a: 1, opcode: 0b11001, fn: laneRound(NAMED_MODES[3].mode, false), scalar: false },
  { name: 'frinta', u: 1, a: 0, opcode: 0b11000, fn: laneRound(NAMED_MODES[4].mode, false), scalar: false },
  { name: 'frintx', u: 1, a: 0, opcode: 0b11001, fn: laneRound(-1, true), scalar: false },
  { name: 'frinti', u: 1, a: 1, opcode: 0b11001, fn: laneRound(-1, false), scalar: false },
  { name: 'scvtf', u: 0, a: 0, opcode: 0b11101, fn: laneFromFixed(false, 0), scalar: true },
  { name: 'ucvtf', u: 1, a: 0, opcode: 0b11101, fn: laneFromFixed(true, 0), scalar: true },
  // FCVT{N,P,M,Z,A}{S,U}: opcode 1101x with a = 0 for N/M and 1 for P/Z, bit 0 = M/Z; A is 11100.
  ...[0, 1].flatMap((u) => NAMED_MODES.map(({ letter, mode }) => ({
    name: `fcvt${letter}${u ? 'u' : 's'}`, u, a: mode === 1 || mode === 3 ? 1 : 0,
    opcode: mode === 4 ? 0b11100 : 0b11010 | (mode >> 1), fn: laneToFixed(mode, u === 1, 0), scalar: true,
  }))),
  { name: 'fcmgt', u: 0, a: 1, opcode: 0b01100, fn: laneCompare(GT, true, true), scalar: true, zero: true },
  { name: 'fcmge', u: 1, a: 1, opcode: 0b01100, fn: laneCompare(GE, true, true), scalar: true, zero: true },
  { name: 'fcmeq', u: 0, a: 1, opcode: 0b01101, fn: laneCompare(EQ, false, true), scalar: true, zero: true },
  { name: 'fcmle', u: 1, a: 1, opcode: 0b01101, fn: laneCompare(LE, true, true), scalar: true, zero: true },
  { name: 'fcmlt', u: 0, a: 1, opcode: 0b01110, fn: laneCompare(LT, true, true), scalar: true, zero: true },
  { name: 'frecpe', u: 0, a: 1, opcode: 0b11101, fn: laneRecipEstimate, scalar: true },
  { name: 'frsqrte', u: 1, a: 1, opcode: 0b11101, fn: laneRSqrtEstimate, scalar: true },
];

// ---- executors -----------------------------------------------------------------------------------

const lanesOf = (f: Fields): number => (f.q ? 4 : 2) >> f.s;
const vectorOp = (f: Fields, fn: FpLaneFn): Op => fpLanes(f.d, f.n, f.m ?? 0, precision(f.s), lanesOf(f), f.q === 1, fn);
const scalarOp = (f: Fields, fn: FpLaneFn): Op => fpLanes(f.d, f.n, f.n, precision(f.s), 1, false, fn);

/** FADDP, FMAXP, … (vector): pairs of V[n] then V[m], combined. */
function pairwiseOp(f: Fields, op: BinaryOp, number: boolean): Op {
  const p = precision(f.s), count = lanesOf(f), half = count / 2, d = f.d, n = f.n, m = f.m, full = f.q === 1;
  const a = A.i32, b = B.i32, r = R.i32, combine = number ? binaryNumber : binary;
  return (s) => {
    load(s, n, A);
    load(s, m, B);
    for (let i = 0; i < count; i++) {
      const src = i < half ? a : b, k = 2 * (i % half);
      if (p.single) {
        combine(s, p, op, src[k], 0, src[k + 1], 0);
        r[i] = res.hi;
      } else {
        combine(s, p, op, src[2 * k + 1], src[2 * k], src[2 * k + 3], src[2 * k + 2]);
        r[2 * i] = res.lo;
        r[2 * i + 1] = res.hi;
      }
    }
    store(s, d, R, full);
    s.pc += 4;
  };
}

/** FADDP, FMAXP, … (scalar): the two lanes of a 2S or 2D vector combined (fpLanes has loaded V[n] into A). */
function pairScalar(f: Fields, op: BinaryOp, number: boolean): Op {
  const p = precision(f.s), combine = number ? binaryNumber : binary;
  return fpLanes(f.d, f.n, f.n, p, 1, false, p.single
    ? (s, q) => combine(s, q, op, A.i32[0], 0, A.i32[1], 0)
    : (s, q) => combine(s, q, op, A.i32[1], A.i32[0], A.i32[3], A.i32[2]));
}

/** FMAXV, FMINV, FMAXNMV, FMINNMV of 4S: the pairs reduced, then their results (Arm's Reduce order). */
function acrossOp(f: Fields, op: BinaryOp, number: boolean): Op {
  const p = precision(0), combine = number ? binaryNumber : binary;
  return fpLanes(f.d, f.n, f.n, p, 1, false, (s, q) => {
    combine(s, q, op, A.i32[0], 0, A.i32[1], 0);
    const low = res.hi;
    combine(s, q, op, A.i32[2], 0, A.i32[3], 0);
    combine(s, q, op, low, 0, res.hi, 0);
  });
}

/**
 * FCVTL/FCVTL2: the lower (upper) half's elements widened (half → single, single → double).
 * FCVTN/FCVTN2: each element narrowed (single → half, double → single) into the lower half, zeroing the
 * upper (or into the upper half, keeping the lower).
 */
function convertLanes(f: Fields, widen: boolean, mode = -1): Op {
  const wide = precision(f.s), narrow = f.s ? precision(0) : HALF, count = f.s ? 2 : 4;
  const d = f.d, n = f.n, upper = f.q === 1, first = upper ? count : 0;
  const a = A.i32, r = R.i32, a16 = A.u16, r16 = R.u16;
  return (s) => {
    load(s, n, A);
    if (widen) R.clear();
    else if (upper) load(s, d, R);
    else R.clear();
    for (let i = 0; i < count; i++) {
      if (widen) {
        convertPrecision(s, narrow, wide, narrow === HALF ? a16[first + i] : a[first + i], 0);
        if (wide.single) r[i] = res.hi;
        else {
          r[2 * i] = res.lo;
          r[2 * i + 1] = res.hi;
        }
      } else {
        convertPrecision(s, wide, narrow, wide.single ? a[i] : a[2 * i + 1], wide.single ? 0 : a[2 * i], mode);
        if (narrow === HALF) r16[first + i] = res.hi;
        else r[first + i] = res.hi;
      }
    }
    store(s, d, R, widen || upper);
    s.pc += 4;
  };
}

/** The element index of a floating-point by-element form: H:L for singles, H for doubles. */
const fpElementIndex = (f: Fields): number => (f.s ? f.H : (f.H << 1) | f.L);

// ---- rows ----------------------------------------------------------------------------------------

const V = (r: string) => `{Vfp:${r}qs}`;
const vecOk = (f: Fields): boolean => !(f.s === 1 && f.q === 0);

const threeSameRows: InsnDef[] = THREE_SAME.flatMap((o): InsnDef[] => [
  {
    id: `${o.name.toUpperCase()}_vf`, pattern: `0q${o.u}01110${o.a}s1mmmmm${bits(o.opcode, 5)}1nnnnnddddd`,
    syntax: `${o.name} ${V('d')}, ${V('n')}, ${V('m')}`, when: vecOk, exec: (f) => vectorOp(f, o.fn),
  },
  ...(o.scalar ? [{
    id: `${o.name.toUpperCase()}_sf`, pattern: `01${o.u}11110${o.a}s1mmmmm${bits(o.opcode, 5)}1nnnnnddddd`,
    syntax: `${o.name} {Fp:ds}, {Fp:ns}, {Fp:ms}`, exec: (f: Fields) => fpLanes(f.d, f.n, f.m, precision(f.s), 1, false, o.fn),
  }] : []),
]);

const pairwiseRows: InsnDef[] = PAIRWISE.flatMap((o): InsnDef[] => [
  { id: `${o.name.toUpperCase()}_vf`, pattern: `0q101110${o.a}s1mmmmm${bits(o.opcode, 5)}1nnnnnddddd`,
    syntax: `${o.name} ${V('d')}, ${V('n')}, ${V('m')}`, when: vecOk, exec: (f) => pairwiseOp(f, o.op, o.number) },
  { id: `${o.name.toUpperCase()}_sf`, pattern: `01111110${o.a}s11000${bits(o.scalarOpcode, 5)}10nnnnnddddd`,
    syntax: `${o.name} {Fp:ds}, {Vpair:ns}`, exec: (f) => pairScalar(f, o.op, o.number) },
  ...(o.across ? [{ id: `${o.across.toUpperCase()}_vf`, pattern: `01101110${o.a}011000${bits(o.scalarOpcode, 5)}10nnnnnddddd`,
    syntax: `${o.across} {Fs:d}, {V4s:n}`, exec: (f: Fields) => acrossOp(f, o.op, o.number) }] : []),
]);

const byElementRows: InsnDef[] = BY_ELEMENT.flatMap((o): InsnDef[] => {
  const fn = THREE_SAME.find((t) => t.name === o.name)!.fn;
  const elementOk = (f: Fields): boolean => !(f.s === 1 && f.L === 1);
  const exec = (count: (f: Fields) => number) => (f: Fields): Op =>
    fpLanes(f.d, f.n, (f.M << 4) | f.k, precision(f.s), count(f), f.q === 1, fn, fpElementIndex(f));
  return [
    { id: `${o.name.toUpperCase()}_elem_vf`, pattern: `0q${o.u}011111sLMkkkk${bits(o.opcode, 4)}H0nnnnnddddd`,
      syntax: `${o.name} ${V('d')}, ${V('n')}, {ElemF:kMLHs}`, when: (f) => vecOk(f) && elementOk(f), exec: exec(lanesOf) },
    { id: `${o.name.toUpperCase()}_elem_sf`, pattern: `01${o.u}111111sLMkkkk${bits(o.opcode, 4)}H0nnnnnddddd`,
      syntax: `${o.name} {Fp:ds}, {Fp:ns}, {ElemF:kMLHs}`, when: elementOk, exec: exec(() => 1) },
  ];
});

/** FCVTN/FCVTN2 (narrow, opcode 10110) and FCVTL/FCVTL2 (widen, 10111); sz 0 converts to or from half precision. */
const convertRows: InsnDef[] = [['fcvtn', 0b10110, false], ['fcvtl', 0b10111, true]].flatMap(([name, opcode, widen]) =>
  ['', '2'].map((two, q): InsnDef => ({
    id: `${String(name).toUpperCase()}${two}_vf`, pattern: `0q0011100s10000${bits(Number(opcode), 5)}10nnnnnddddd`,
    syntax: widen ? `${name}${two} {VfpWide:ds}, {VfpNarrow:nqs}` : `${name}${two} {VfpNarrow:dqs}, {VfpWide:ns}`,
    when: (f) => f.q === q, exec: (f) => convertLanes(f, widen === true),
  })));

const twoMiscRows: InsnDef[] = TWO_MISC.flatMap((o): InsnDef[] => {
  const zero = o.zero ? ', #0.0' : '';
  const id = `${o.name.toUpperCase()}${o.zero ? '_zero' : ''}`;
  const rows: InsnDef[] = [{
    id: `${id}_vf`, pattern: `0q${o.u}01110${o.a}s10000${bits(o.opcode, 5)}10nnnnnddddd`,
    syntax: `${o.name} ${V('d')}, ${V('n')}${zero}`, when: vecOk, exec: (f) => vectorOp(f, o.fn),
  }];
  if (o.scalar) {
    rows.push({
      id: `${id}_sf`, pattern: `01${o.u}11110${o.a}s10000${bits(o.opcode, 5)}10nnnnnddddd`,
      syntax: `${o.name} {Fp:ds}, {Fp:ns}${zero}`, exec: (f) => scalarOp(f, o.fn),
    });
  }
  return rows;
});

/** SCVTF/UCVTF/FCVTZS/FCVTZU with fbits from immh:immb (S: immh 01xx, D: 1xxx), vector and scalar. */
const fixedRows: InsnDef[] = [2, 3].flatMap((size): InsnDef[] => {
  const field = SHIFT_FIELD[size], esize = 8 << size, sz = size - 2, v = `Vq${esize}`, r = size === 3 ? 'Fd' : 'Fs';
  const ops: [string, number, number, (fbits: number) => FpLaneFn][] = [
    ['scvtf', 0, 0b11100, (fb) => laneFromFixed(false, fb)], ['ucvtf', 1, 0b11100, (fb) => laneFromFixed(true, fb)],
    ['fcvtzs', 0, 0b11111, (fb) => laneToFixed(RZ, false, fb)], ['fcvtzu', 1, 0b11111, (fb) => laneToFixed(RZ, true, fb)],
  ];
  return ops.flatMap(([name, u, opcode, fn]): InsnDef[] => [
    { id: `${name.toUpperCase()}_fixed_v${esize}`, pattern: `0q${u}011110${field}${bits(opcode, 5)}1nnnnnddddd`,
      syntax: `${name} {${v}:dq}, {${v}:nq}, {ShR:i}`, when: (f) => size === 2 || f.q === 1,
      exec: (f) => vectorOp({ ...f, s: sz }, fn(esize - f.i)) },
    { id: `${name.toUpperCase()}_fixed_s${esize}`, pattern: `01${u}111110${field}${bits(opcode, 5)}1nnnnnddddd`,
      syntax: `${name} {${r}:d}, {${r}:n}, {ShR:i}`, exec: (f) => scalarOp({ ...f, s: sz }, fn(esize - f.i)) },
  ]);
});

/** FCVTXN/FCVTXN2 (double to single, rounding to odd) and FRECPX (scalar only). */
const oddRows: InsnDef[] = [
  ...['', '2'].map((two, q): InsnDef => ({
    id: `FCVTXN${two}_vf`, pattern: '0q10111001100001011010nnnnnddddd', syntax: `fcvtxn${two} {Vq32:dq}, {V2d:n}`,
    when: (f) => f.q === q, exec: (f) => convertLanes({ ...f, s: 1 }, false, RO),
  })),
  { id: 'FCVTXN_sf', pattern: '0111111001100001011010nnnnnddddd', syntax: 'fcvtxn {Fs:d}, {Fd:n}', exec: (f) => convertOp({ ...f, t: 1, o: 0 }, RO) },
  { id: 'FRECPX_sf', pattern: '010111101s100001111110nnnnnddddd', syntax: 'frecpx {Fp:ds}, {Fp:ns}', exec: (f) => scalarOp(f, laneRecpX) },
];

export const rows: InsnDef[] = [...threeSameRows, ...pairwiseRows, ...byElementRows, ...twoMiscRows, ...convertRows, ...fixedRows, ...oddRows];
