/**
 * Advanced SIMD floating point (Arm ARM C4.1.6): three same (FADD, FSUB, FMUL, FDIV, FMLA, FMLS, FMAX,
 * FMIN, FMAXNM, FMINNM, FABD, FADDP, FCMEQ/GE/GT), two-register misc (FABS, FNEG, FSQRT, FRINT*,
 * FCVT*S/U, SCVTF/UCVTF, compares with zero), the scalar forms of the conversions and compares, scalar
 * FADDP, and the fixed-point conversions of the shift-by-immediate groups. 2S, 4S and 2D only (1D and
 * half precision are unallocated here).
 */
import { binary, compare, fadd, fmax, fmin, fsub, fmul, fdiv, mulAdd, res } from '../../../fp/arith.ts';
import { fromFixed, toFixed } from '../../../fp/convert.ts';
import { RZ } from '../../../fp/status.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { fpLanes, type FpLaneFn, precision } from './fpLanes.ts';
import { laneAbs, laneBinary, laneNeg, laneRound, laneSqrt, NAMED_MODES, SIGN } from './fpScalar.ts';
import { load, A, B, R, store } from './lanes.ts';
import { SHIFT_FIELD } from './shift.ts';

const bits = (v: number, width: number): string => v.toString(2).padStart(width, '0');

/** Lanes as all ones when `test` holds for FPCompare's NZCV (0110 equal, 0010 greater, 1000 less, 0011 unordered). */
const laneCompare = (test: (nzcv: number) => boolean, signalling: boolean, zero = false): FpLaneFn => (s, p, ah, al, bh, bl) => {
  const nzcv = zero ? compare(s, p, ah, al, 0, 0, signalling) : compare(s, p, ah, al, bh, bl, signalling);
  res.hi = res.lo = test(nzcv) ? -1 : 0;
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

const THREE_SAME: { name: string; u: number; a: number; opcode: number; fn: FpLaneFn }[] = [
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
  { name: 'fabd', u: 1, a: 1, opcode: 0b11010, fn: (s, p, ah, al, bh, bl) => { binary(s, p, fsub, ah, al, bh, bl); res.hi &= ~SIGN; } },
  { name: 'fcmeq', u: 0, a: 0, opcode: 0b11100, fn: laneCompare(EQ, false) },
  { name: 'fcmge', u: 1, a: 0, opcode: 0b11100, fn: laneCompare(GE, true) },
  { name: 'fcmgt', u: 1, a: 1, opcode: 0b11100, fn: laneCompare(GT, true) },
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
];

// ---- executors -----------------------------------------------------------------------------------

const lanesOf = (f: Fields): number => (f.q ? 4 : 2) >> f.s;
const vectorOp = (f: Fields, fn: FpLaneFn): Op => fpLanes(f.d, f.n, f.m ?? 0, precision(f.s), lanesOf(f), f.q === 1, fn);
const scalarOp = (f: Fields, fn: FpLaneFn): Op => fpLanes(f.d, f.n, f.n, precision(f.s), 1, false, fn);

/** FADDP (vector): pairs of V[n] then V[m], added. */
function addPairwise(f: Fields): Op {
  const p = precision(f.s), count = lanesOf(f), half = count / 2, d = f.d, n = f.n, m = f.m, full = f.q === 1;
  const a = A.i32, b = B.i32, r = R.i32;
  return (s) => {
    load(s, n, A);
    load(s, m, B);
    for (let i = 0; i < count; i++) {
      const src = i < half ? a : b, k = 2 * (i % half);
      if (p.single) {
        binary(s, p, fadd, src[k], 0, src[k + 1], 0);
        r[i] = res.hi;
      } else {
        binary(s, p, fadd, src[2 * k + 1], src[2 * k], src[2 * k + 3], src[2 * k + 2]);
        r[2 * i] = res.lo;
        r[2 * i + 1] = res.hi;
      }
    }
    store(s, d, R, full);
    s.pc += 4;
  };
}

/** FADDP (scalar): the two lanes of a 2S or 2D vector added (fpLanes has loaded V[n] into A). */
function addPairScalar(f: Fields): Op {
  const p = precision(f.s);
  return fpLanes(f.d, f.n, f.n, p, 1, false, p.single
    ? (s, q) => binary(s, q, fadd, A.i32[0], 0, A.i32[1], 0)
    : (s, q) => binary(s, q, fadd, A.i32[1], A.i32[0], A.i32[3], A.i32[2]));
}

// ---- rows ----------------------------------------------------------------------------------------

const V = (r: string) => `{Vfp:${r}qs}`;
const vecOk = (f: Fields): boolean => !(f.s === 1 && f.q === 0);

const threeSameRows: InsnDef[] = [
  ...THREE_SAME.map((o): InsnDef => ({
    id: `${o.name.toUpperCase()}_vf`, pattern: `0q${o.u}01110${o.a}s1mmmmm${bits(o.opcode, 5)}1nnnnnddddd`,
    syntax: `${o.name} ${V('d')}, ${V('n')}, ${V('m')}`, when: vecOk, exec: (f) => vectorOp(f, o.fn),
  })),
  { id: 'FADDP_vf', pattern: '0q1011100s1mmmmm110101nnnnnddddd', syntax: `faddp ${V('d')}, ${V('n')}, ${V('m')}`, when: vecOk, exec: addPairwise },
  { id: 'FADDP_sf', pattern: '011111100s110000110110nnnnnddddd', syntax: 'faddp {Fp:ds}, {Vpair:ns}', exec: addPairScalar },
];

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

export const rows: InsnDef[] = [...threeSameRows, ...twoMiscRows, ...fixedRows];
