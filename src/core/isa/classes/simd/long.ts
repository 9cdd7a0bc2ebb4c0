/**
 * Advanced SIMD "three different" group (Arm ARM C4.1.6) and the long by-element forms: long results
 * (SADDL, UABAL, SMULL, UMLSL, PMULL, …) whose elements are twice the width of the sources, wide operands
 * (SADDW, USUBW) and narrowing high halves (ADDHN, RSUBHN). The `2` forms read the upper half of the
 * narrow sources, or write the upper half of a narrow result and keep the lower.
 */
import { mul64, r64, shl64 } from '../../../bits/int64.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { add64, sub64 } from './elementwise.ts';
import { A, B, broadcast, D, load, R, store } from './lanes.ts';
import { saturate, saturate64, saturatingAdd64, withSaturation } from './saturation.ts';

const bits = (v: number, width: number): string => v.toString(2).padStart(width, '0');
const TWO32 = 4294967296;

/** How a long result is formed from two narrow elements: exact in doubles except 32 × 32-bit products. */
type Combine = 'add' | 'sub' | 'abd' | 'mul' | 'pmul';

/** Polynomial (carry-less) product of two bytes. */
export function polyMul8(a: number, b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if ((b >> i) & 1) r ^= a << i;
  return r;
}

function combine(c: Combine, a: number, b: number): number {
  switch (c) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'abd': return Math.abs(a - b);
    case 'mul': return a * b;
    default: return polyMul8(a, b);
  }
}

/** Writes an exact integer (|v| < 2^53) to r64. */
function toR64(v: number): void {
  const hi = Math.floor(v / TWO32);
  r64.hi = hi | 0;
  r64.lo = (v - hi * TWO32) | 0;
}

/**
 * Long and wide operations: result element i (2·esize bits) = [D ±] combine(a, b), where b is narrow
 * element `first + i` of V[m] (or lane `index` of it) and a is the same narrow element of V[n], or, when
 * `wide`, wide element i of V[n]. `acc` is 1 to add into V[d], -1 to subtract from it, 0 to overwrite.
 */
export function longOp(f: Fields, esize: number, signed: boolean, c: Combine, acc: number, wide: boolean, index = -1): Op {
  const d = f.d, n = f.n, m = f.m, count = 64 / esize, first = f.q ? count : 0;
  const b = B.ints(esize, signed), a = wide ? null : A.ints(esize, signed);
  if (esize < 32) {
    const aw = A.ints(2 * esize, signed), dw = D.ints(2 * esize, signed), r = R.ints(2 * esize, signed);
    return (s) => {
      load(s, n, A);
      load(s, m, B);
      if (index >= 0) broadcast(B, esize, index);
      load(s, d, D);
      for (let i = 0; i < count; i++) {
        const v = a ? combine(c, a[first + i], b[first + i]) : combine(c, aw[i], b[first + i]);
        r[i] = acc === 0 ? v : dw[i] + acc * v;
      }
      store(s, d, R, true);
      s.pc += 4;
    };
  }
  const w = A.i32, dd = D.i32, out = R.i32;
  return (s) => {
    load(s, n, A);
    load(s, m, B);
    if (index >= 0) broadcast(B, esize, index);
    load(s, d, D);
    for (let i = 0; i < 2; i++) {
      const y = b[first + i];
      if (wide) {
        toR64(y);
        if (c === 'add') add64(w[2 * i + 1], w[2 * i], r64.hi, r64.lo);
        else sub64(w[2 * i + 1], w[2 * i], r64.hi, r64.lo);
      } else if (c === 'mul') {
        const x = a![first + i];
        mul64(signed ? x >> 31 : 0, x, signed ? y >> 31 : 0, y);
      } else toR64(combine(c, a![first + i], y));
      if (acc > 0) add64(dd[2 * i + 1], dd[2 * i], r64.hi, r64.lo);
      else if (acc < 0) sub64(dd[2 * i + 1], dd[2 * i], r64.hi, r64.lo);
      out[2 * i] = r64.lo;
      out[2 * i + 1] = r64.hi;
    }
    store(s, d, R, true);
    s.pc += 4;
  };
}

/**
 * ADDHN/SUBHN/RADDHN/RSUBHN: the high half of each wide sum or difference (rounded when `round`), narrowed
 * into the lower half of V[d] (upper half zeroed), or for the `2` forms into the upper half.
 */
function narrowHigh(f: Fields, esize: number, subtract: boolean, round: boolean): Op {
  const d = f.d, n = f.n, m = f.m, count = 64 / esize, first = f.q ? count : 0, upper = f.q === 1;
  const r = R.ints(esize, false), half = 2 ** (esize - 1), scale = 2 ** esize;
  const a = esize < 32 ? A.ints(2 * esize, false) : null, b = esize < 32 ? B.ints(2 * esize, false) : null;
  return (s) => {
    load(s, n, A);
    load(s, m, B);
    if (upper) load(s, d, R);
    else R.clear();
    for (let i = 0; i < count; i++) {
      if (a && b) r[first + i] = Math.floor(((subtract ? a[i] - b[i] : a[i] + b[i]) + (round ? half : 0)) / scale);
      else {
        const ah = A.i32[2 * i + 1], al = A.i32[2 * i], bh = B.i32[2 * i + 1], bl = B.i32[2 * i];
        if (subtract) sub64(ah, al, bh, bl);
        else add64(ah, al, bh, bl);
        if (round) add64(r64.hi, r64.lo, 0, 0x80000000);
        r[first + i] = r64.hi;
      }
    }
    store(s, d, R, upper);
    s.pc += 4;
  };
}

const SQADD64 = saturatingAdd64(true, false), SQSUB64 = saturatingAdd64(true, true);

/**
 * SQDMULL/SQDMLAL/SQDMLSL: 2·a·b of 16- or 32-bit elements, saturated to twice their width (only
 * a = b = the most negative value saturates), then for `acc` ±1 added to or subtracted from the wide
 * element of V[d] with saturation. b is lane `index` of V[m] when ≥ 0. `scalar` forms use lane 0 and
 * zero the rest of V[d].
 */
function doublingLong(f: Fields, esize: number, acc: number, index: number, scalar: boolean): Op {
  const d = f.d, n = f.n, m = f.m, count = scalar ? 1 : 64 / esize, first = f.q ? count : 0;
  const a = A.ints(esize, true), b = B.ints(esize, true), min = -(2 ** (esize - 1));
  const dw = esize === 16 ? D.i32 : null, rw = R.i32;
  return withSaturation((s) => {
    load(s, n, A);
    load(s, m, B);
    if (index >= 0) broadcast(B, esize, index);
    load(s, d, D);
    R.clear();
    for (let i = 0; i < count; i++) {
      const x = a[first + i], y = b[first + i];
      if (dw) {
        const product = saturate(2 * x * y, 32, true);
        rw[i] = acc === 0 ? product : saturate(dw[i] + acc * product, 32, true);
        continue;
      }
      if (x === min && y === min) saturate64(true, true);
      else {
        mul64(x >> 31, x, y >> 31, y);
        shl64(r64.hi, r64.lo, 1);
      }
      if (acc !== 0) (acc > 0 ? SQADD64 : SQSUB64)(D.i32[2 * i + 1], D.i32[2 * i], r64.hi, r64.lo, 0, 0);
      rw[2 * i] = r64.lo;
      rw[2 * i + 1] = r64.hi;
    }
    store(s, d, R, !scalar);
    s.pc += 4;
  });
}

// ---- rows ----------------------------------------------------------------------------------------

/** Long (`L`: wide result, narrow sources), wide (`W`: wide first source) and narrowing-high (`N`) shapes. */
type Shape = 'L' | 'W' | 'N';
const THREE_DIFFERENT: { s: string; u: string; opcode: number; shape: Shape; c: Combine; acc: number }[] = [
  { s: 'saddl', u: 'uaddl', opcode: 0b0000, shape: 'L', c: 'add', acc: 0 },
  { s: 'saddw', u: 'uaddw', opcode: 0b0001, shape: 'W', c: 'add', acc: 0 },
  { s: 'ssubl', u: 'usubl', opcode: 0b0010, shape: 'L', c: 'sub', acc: 0 },
  { s: 'ssubw', u: 'usubw', opcode: 0b0011, shape: 'W', c: 'sub', acc: 0 },
  { s: 'addhn', u: 'raddhn', opcode: 0b0100, shape: 'N', c: 'add', acc: 0 },
  { s: 'sabal', u: 'uabal', opcode: 0b0101, shape: 'L', c: 'abd', acc: 1 },
  { s: 'subhn', u: 'rsubhn', opcode: 0b0110, shape: 'N', c: 'sub', acc: 0 },
  { s: 'sabdl', u: 'uabdl', opcode: 0b0111, shape: 'L', c: 'abd', acc: 0 },
  { s: 'smlal', u: 'umlal', opcode: 0b1000, shape: 'L', c: 'mul', acc: 1 },
  { s: 'smlsl', u: 'umlsl', opcode: 0b1010, shape: 'L', c: 'mul', acc: -1 },
  { s: 'smull', u: 'umull', opcode: 0b1100, shape: 'L', c: 'mul', acc: 0 },
];

/** Syntax of each shape: wide registers take the arrangement one size up (8H, 4S, 2D). */
const OPERANDS: Record<Shape, string> = {
  L: '{Vwide:dz}, {Vsz:nqz}, {Vsz:mqz}',
  W: '{Vwide:dz}, {Vwide:nz}, {Vsz:mqz}',
  N: '{Vsz:dqz}, {Vwide:nz}, {Vwide:mz}',
};

/** The plain (Q = 0) and `2` (Q = 1) rows of one instruction. */
const halves = (name: string, pattern: string, operands: string, when: (f: Fields) => boolean, exec: (f: Fields) => Op, id = name.toUpperCase()): InsnDef[] =>
  ['', '2'].map((two, q): InsnDef => ({
    id: `${id}${two}_v`, pattern, syntax: `${name}${two} ${operands}`, when: (f) => f.q === q && when(f), exec,
  }));

const threeDifferentRows: InsnDef[] = THREE_DIFFERENT.flatMap((e) => [0, 1].flatMap((u) => {
  const name = u ? e.u : e.s;
  const pattern = `0q${u}01110zz1mmmmm${bits(e.opcode, 4)}00nnnnnddddd`;
  const exec = e.shape === 'N'
    ? (f: Fields) => narrowHigh(f, 8 << f.z, e.c === 'sub', u === 1)
    : (f: Fields) => longOp(f, 8 << f.z, u === 0, e.c, e.acc, e.shape === 'W');
  return halves(name, pattern, OPERANDS[e.shape], (f) => f.z < 3, exec);
}));

/** PMULL 8B → 8H (the 1Q form of size 11 belongs to FEAT_PMULL, outside this feature set). */
const polyRows: InsnDef[] = halves('pmull', '0q001110zz1mmmmm111000nnnnnddddd', OPERANDS.L, (f) => f.z === 0, (f) => longOp(f, 8, false, 'pmul', 0, false));

/** Long multiplies by element: H elements (size 01) or S elements (size 10). */
const BY_ELEMENT: { s: string; u: string; opcode: number; acc: number }[] = [
  { s: 'smlal', u: 'umlal', opcode: 0b0010, acc: 1 },
  { s: 'smlsl', u: 'umlsl', opcode: 0b0110, acc: -1 },
  { s: 'smull', u: 'umull', opcode: 0b1010, acc: 0 },
];

/** The element index of an integer by-element form: H:L:M for H elements, H:L for S elements. */
export const elementIndex = (f: Fields): number => (f.z === 1 ? (f.H << 2) | (f.L << 1) | f.M : (f.H << 1) | f.L);
/** The register of an integer by-element form: Rm alone for H elements, M:Rm for S elements. */
export const elementRegister = (f: Fields): number => (f.z === 1 ? f.k : (f.M << 4) | f.k);

const byElementRows: InsnDef[] = BY_ELEMENT.flatMap((e) => [0, 1].flatMap((u) => {
  const name = u ? e.u : e.s;
  return halves(name, `0q${u}01111zzLMkkkk${bits(e.opcode, 4)}H0nnnnnddddd`, '{Vwide:dz}, {Vsz:nqz}, {ElemI:kMLHz}',
    (f) => f.z === 1 || f.z === 2,
    (f) => longOp({ ...f, m: elementRegister(f) }, 8 << f.z, u === 0, 'mul', e.acc, false, elementIndex(f)),
    `${name.toUpperCase()}_elem`);
}));

/** SQDMLAL, SQDMLSL and SQDMULL: three-different opcode and by-element opcode; vector (and `2`) and scalar. */
const DOUBLING: { name: string; opcode: number; elementOpcode: number; acc: number }[] = [
  { name: 'sqdmlal', opcode: 0b1001, elementOpcode: 0b0011, acc: 1 },
  { name: 'sqdmlsl', opcode: 0b1011, elementOpcode: 0b0111, acc: -1 },
  { name: 'sqdmull', opcode: 0b1101, elementOpcode: 0b1011, acc: 0 },
];
const halfOrSingle = (f: Fields): boolean => f.z === 1 || f.z === 2;
const SCALAR_LONG = '{Fwide:dz}, {Fsz:nz}';

const doublingRows: InsnDef[] = DOUBLING.flatMap((e): InsnDef[] => {
  const id = e.name.toUpperCase(), op = bits(e.opcode, 4), elementOp = bits(e.elementOpcode, 4);
  const byElement = (scalar: boolean) => (f: Fields) => doublingLong({ ...f, m: elementRegister(f) }, 8 << f.z, e.acc, elementIndex(f), scalar);
  return [
    ...halves(e.name, `0q001110zz1mmmmm${op}00nnnnnddddd`, OPERANDS.L, halfOrSingle, (f) => doublingLong(f, 8 << f.z, e.acc, -1, false)),
    { id: `${id}_s`, pattern: `01011110zz1mmmmm${op}00nnnnnddddd`, syntax: `${e.name} ${SCALAR_LONG}, {Fsz:mz}`, when: halfOrSingle,
      exec: (f) => doublingLong({ ...f, q: 0 }, 8 << f.z, e.acc, -1, true) },
    ...halves(e.name, `0q001111zzLMkkkk${elementOp}H0nnnnnddddd`, '{Vwide:dz}, {Vsz:nqz}, {ElemI:kMLHz}', halfOrSingle, byElement(false), `${id}_elem`),
    { id: `${id}_elem_s`, pattern: `01011111zzLMkkkk${elementOp}H0nnnnnddddd`, syntax: `${e.name} ${SCALAR_LONG}, {ElemI:kMLHz}`, when: halfOrSingle,
      exec: (f) => byElement(true)({ ...f, q: 0 }) },
  ];
});

export const rows: InsnDef[] = [...threeDifferentRows, ...polyRows, ...byElementRows, ...doublingRows];
