/**
 * Advanced SIMD shift by immediate, vector and scalar (Arm ARM C4.1.6): SSHR, USHR, SSRA, USRA, SHL, SHRN,
 * SSHLL/USHLL (UXTL/SXTL print as USHLL/SSHLL #0, as llvm-mc does). The element size is the position of
 * the highest set bit of immh, so each size has its own row; the shift field is the rest of immh:immb.
 * The fixed-point conversions of this group live with the floating-point rows (fpVector.ts).
 */
import { asr64, lsr64, r64, shl64 } from '../../../bits/int64.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { add64, elementwise, type LaneOp } from './elementwise.ts';
import { A, load, R, store } from './lanes.ts';

/** immh:immb prefixes by element size (0 B .. 3 D): fixed bits then the field's letters. */
export const SHIFT_FIELD = ['0001iii', '001iiii', '01iiiii', '1iiiiii'];
const opBits = (opcode: number): string => opcode.toString(2).padStart(5, '0');

/** Lane shift right by sh (1..esize), arithmetic or logical, then optionally accumulated into d. */
function shiftRight(sh: number, signed: boolean, accumulate: boolean): LaneOp {
  const big = sh >= 32;
  return {
    signed,
    lane: signed
      ? (a, _b, d) => (big ? a >> 31 : a >> sh) + (accumulate ? d : 0)
      : (a, _b, d) => (big ? 0 : a >>> sh) + (accumulate ? d : 0),
    lane64: (ah, al, _bh, _bl, dh, dl) => {
      if (sh === 64) {
        r64.hi = r64.lo = signed ? ah >> 31 : 0;
      } else if (signed) asr64(ah, al, sh);
      else lsr64(ah, al, sh);
      if (accumulate) add64(r64.hi, r64.lo, dh, dl);
    },
  };
}

const shiftLeft = (sh: number): LaneOp => ({
  signed: false,
  lane: (a) => (sh >= 32 ? 0 : a << sh),
  lane64: (ah, al) => shl64(ah, al, sh),
});

/** SHRN/SHRN2: each wide element shifted right and narrowed; SHRN2 fills the upper half and keeps the lower. */
function shiftRightNarrow(d: number, n: number, esize: number, sh: number, upper: boolean): Op {
  const count = 64 / esize;
  const wideLanes = esize === 32 ? null : A.ints(2 * esize, false);
  const r = R.ints(esize, false);
  return (s) => {
    load(s, n, A);
    if (upper) load(s, d, R);
    const base = upper ? count : 0;
    for (let i = 0; i < count; i++) {
      if (wideLanes) r[base + i] = wideLanes[i] >>> sh;
      else {
        lsr64(A.i32[2 * i + 1], A.i32[2 * i], sh);
        r[base + i] = r64.lo;
      }
    }
    store(s, d, R, upper);
    s.pc += 4;
  };
}

/** SSHLL/USHLL(2): the low (or high) half's elements extended to twice their width and shifted left. */
function shiftLeftLong(f: Fields, size: number, sh: number, signed: boolean): Op {
  const esize = 8 << size, count = 64 / esize, first = f.q ? count : 0;
  const a = A.ints(esize, signed), r = esize === 32 ? null : R.ints(2 * esize, false);
  return (s) => {
    load(s, f.n, A);
    for (let i = 0; i < count; i++) {
      const v = a[first + i];
      if (r) r[i] = v << sh;
      else {
        shl64(signed ? v >> 31 : 0, v, sh);
        R.i32[2 * i] = r64.lo;
        R.i32[2 * i + 1] = r64.hi;
      }
    }
    store(s, f.d, R, true);
    s.pc += 4;
  };
}

// ---- rows ----------------------------------------------------------------------------------------

const WIDE = ['8h', '4s', '2d'];
const vq = (size: number): string => `Vq${8 << size}`;

const rightShifts: { name: string; u: number; opcode: number; signed: boolean; accumulate: boolean }[] = [
  { name: 'sshr', u: 0, opcode: 0b00000, signed: true, accumulate: false },
  { name: 'ushr', u: 1, opcode: 0b00000, signed: false, accumulate: false },
  { name: 'ssra', u: 0, opcode: 0b00010, signed: true, accumulate: true },
  { name: 'usra', u: 1, opcode: 0b00010, signed: false, accumulate: true },
];

const vectorRows = (size: number): InsnDef[] => {
  const esize = 8 << size, field = SHIFT_FIELD[size], v = vq(size);
  const pattern = (q: string, u: number, opcode: number) => `0${q}${u}011110${field}${opBits(opcode)}1nnnnnddddd`;
  const qOk = (f: Fields) => size < 3 || f.q === 1;
  const lanes = (f: Fields) => (f.q ? 128 : 64) / esize;
  const rows: InsnDef[] = [
    ...rightShifts.map((r): InsnDef => ({
      id: `${r.name.toUpperCase()}_v${esize}`, pattern: pattern('q', r.u, r.opcode), when: qOk,
      syntax: `${r.name} {${v}:dq}, {${v}:nq}, {ShR:i}`,
      exec: (f) => elementwise(f.d, f.n, 0, esize, lanes(f), f.q === 1, shiftRight(esize - f.i, r.signed, r.accumulate), true),
    })),
    { id: `SHL_v${esize}`, pattern: pattern('q', 0, 0b01010), when: qOk, syntax: `shl {${v}:dq}, {${v}:nq}, {U:i}`,
      exec: (f) => elementwise(f.d, f.n, 0, esize, lanes(f), f.q === 1, shiftLeft(f.i), true) },
  ];
  if (size === 3) return rows;
  const wide = `V${WIDE[size]}`;
  for (const [q, suffix] of [[0, ''], [1, '2']] as const) {
    const upper = (f: Fields) => f.q === q;
    rows.push(
      { id: `SHRN${suffix}_v${esize}`, pattern: pattern('q', 0, 0b10000), syntax: `shrn${suffix} {${v}:dq}, {${wide}:n}, {ShR:i}`, when: upper,
        exec: (f) => shiftRightNarrow(f.d, f.n, esize, esize - f.i, q === 1) },
      ...(['s', 'u'] as const).map((sign, u): InsnDef => ({
        id: `${sign.toUpperCase()}SHLL${suffix}_v${esize}`, pattern: pattern('q', u, 0b10100), when: upper,
        syntax: `${sign}shll${suffix} {${wide}:d}, {${v}:nq}, {U:i}`,
        exec: (f) => shiftLeftLong(f, size, f.i, sign === 's'),
      })),
      // UXTL/SXTL are USHLL/SSHLL #0: llvm-mc accepts them but prints the shift form.
      ...(['s', 'u'] as const).map((sign, u): InsnDef => ({
        id: `${sign.toUpperCase()}XTL${suffix}_v${esize}`, pattern: pattern('q', u, 0b10100), when: (f) => upper(f) && f.i === 0, fixed: { i: 0 },
        syntax: `${sign}xtl${suffix} {${wide}:d}, {${v}:nq}`, noPrint: true,
        exec: (f) => shiftLeftLong(f, size, 0, sign === 's'),
      })),
    );
  }
  return rows;
};

const scalarRows: InsnDef[] = [
  ...rightShifts.map((r): InsnDef => ({
    id: `${r.name.toUpperCase()}_d`, pattern: `01${r.u}1111101iiiiii${opBits(r.opcode)}1nnnnnddddd`, syntax: `${r.name} {Fd:d}, {Fd:n}, {ShR:i}`,
    exec: (f) => elementwise(f.d, f.n, 0, 64, 1, false, shiftRight(64 - f.i, r.signed, r.accumulate), true),
  })),
  { id: 'SHL_d', pattern: '0101111101iiiiii010101nnnnnddddd', syntax: 'shl {Fd:d}, {Fd:n}, {U:i}',
    exec: (f) => elementwise(f.d, f.n, 0, 64, 1, false, shiftLeft(f.i), true) },
];

export const rows: InsnDef[] = [...[0, 1, 2, 3].flatMap(vectorRows), ...scalarRows];
