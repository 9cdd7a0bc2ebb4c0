/**
 * Advanced SIMD shift by immediate, vector and scalar (Arm ARM C4.1.6): SSHR, USHR, SSRA, USRA and their
 * rounding forms SRSHR, URSHR, SRSRA, URSRA, SHL, SLI, SRI, SHRN, RSHRN, SSHLL/USHLL (UXTL/SXTL print as
 * USHLL/SSHLL #0, as llvm-mc does), SHLL of the two-register misc group, and the saturating shifts SQSHL,
 * UQSHL, SQSHLU, SQSHRN, UQSHRN, SQSHRUN and their rounding forms, which set FPSR.QC. The element size is the position of
 * the highest set bit of immh, so each size has its own row; the shift field is the rest of immh:immb.
 * The fixed-point conversions of this group live with the floating-point rows (fpVector.ts).
 */
import { asr64, lsr64, r64, shl64 } from '../../../bits/int64.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { add64, elementwise, type LaneOp, scalarOp } from './elementwise.ts';
import { A, load, R, store } from './lanes.ts';
import { saturate, saturatingShiftLeft64, withSaturation } from './saturation.ts';

/** immh:immb prefixes by element size (0 B .. 3 D): fixed bits then the field's letters. */
export const SHIFT_FIELD = ['0001iii', '001iiii', '01iiiii', '1iiiiii'];
const opBits = (opcode: number): string => opcode.toString(2).padStart(5, '0');

/**
 * Lane shift right by sh (1..esize), arithmetic or logical, then optionally accumulated into d. `round`
 * adds 2^(sh−1) first, computed as (a >> sh) + bit sh−1 of a so that nothing overflows.
 */
function shiftRight(sh: number, signed: boolean, accumulate: boolean, round = false): LaneOp {
  const by = (a: number, k: number): number => (k >= 32 ? (signed ? a >> 31 : 0) : signed ? a >> k : a >>> k);
  const roundBit = (a: number): number => (round ? (a >>> (sh - 1)) & 1 : 0);
  const shift64 = (ah: number, al: number, k: number): void => {
    if (k === 64) r64.hi = r64.lo = signed ? ah >> 31 : 0;
    else if (signed) asr64(ah, al, k);
    else lsr64(ah, al, k);
  };
  return {
    signed,
    lane: (a, _b, d) => by(a, sh) + roundBit(a) + (accumulate ? d : 0),
    lane64: (ah, al, _bh, _bl, dh, dl) => {
      let bit = 0;
      if (round) {
        shift64(ah, al, sh - 1);
        bit = r64.lo & 1;
      }
      shift64(ah, al, sh);
      if (bit) add64(r64.hi, r64.lo, 0, 1);
      if (accumulate) add64(r64.hi, r64.lo, dh, dl);
    },
  };
}

/**
 * SLI/SRI: the shifted element inserted into d, keeping the bits of d that the shift leaves free
 * (the low sh bits for SLI, the high sh bits for SRI).
 */
function shiftInsert(sh: number, left: boolean): LaneOp {
  return {
    signed: false,
    lane: (a, _b, d, esize) => {
      const ones = esize === 32 ? -1 : (1 << esize) - 1;
      if (left) return sh >= 32 ? d : (a << sh) | (d & ~(ones << sh));
      if (sh >= esize) return d;
      const kept = ~(ones >>> sh) & ones;
      return (a >>> sh) | (d & kept);
    },
    lane64: (ah, al, _bh, _bl, dh, dl) => {
      if (left) shl64(-1, -1, sh);
      else if (sh === 64) r64.hi = r64.lo = 0;
      else lsr64(-1, -1, sh);
      const mh = r64.hi, ml = r64.lo;
      if (left) shl64(ah, al, sh);
      else if (sh === 64) r64.hi = r64.lo = 0;
      else lsr64(ah, al, sh);
      r64.hi = (r64.hi & mh) | (dh & ~mh);
      r64.lo = (r64.lo & ml) | (dl & ~ml);
    },
  };
}

const shiftLeft = (sh: number): LaneOp => ({
  signed: false,
  lane: (a) => (sh >= 32 ? 0 : a << sh),
  lane64: (ah, al) => shl64(ah, al, sh),
});

/**
 * SHRN/SHRN2: each wide element shifted right and narrowed; SHRN2 fills the upper half and keeps the lower.
 * RSHRN/RSHRN2 round (add 2^(sh−1) first, as bit sh−1 of the element).
 */
function shiftRightNarrow(d: number, n: number, esize: number, sh: number, upper: boolean, round = false): Op {
  const count = 64 / esize;
  const wideLanes = esize === 32 ? null : A.ints(2 * esize, false);
  const r = R.ints(esize, false);
  return (s) => {
    load(s, n, A);
    if (upper) load(s, d, R);
    const base = upper ? count : 0;
    for (let i = 0; i < count; i++) {
      if (wideLanes) r[base + i] = (wideLanes[i] >>> sh) + (round ? (wideLanes[i] >>> (sh - 1)) & 1 : 0);
      else {
        const bit = round ? (lsr64(A.i32[2 * i + 1], A.i32[2 * i], sh - 1), r64.lo & 1) : 0;
        lsr64(A.i32[2 * i + 1], A.i32[2 * i], sh);
        r[base + i] = r64.lo + bit;
      }
    }
    store(s, d, R, upper);
    s.pc += 4;
  };
}

/** SQSHL/UQSHL/SQSHLU (immediate): a left shift saturated to the signed or unsigned range of the lane. */
function saturatingShiftLeft(sh: number, signedSource: boolean, signedResult: boolean): LaneOp {
  const scale = 2 ** sh;
  return {
    signed: signedSource,
    lane: (a, _b, _d, esize) => saturate(a * scale, esize, signedResult),
    lane64: (ah, al) => saturatingShiftLeft64(ah, al, sh, signedSource, signedResult),
  };
}

/**
 * SQSHRN, UQSHRN, SQSHRUN and the rounding SQRSHRN, UQRSHRN, SQRSHRUN (and their `2` forms): each wide
 * element shifted right by sh (rounded: plus 2^(sh−1) first), saturated to half its width. The scalar
 * forms narrow lane 0 and zero the rest of V[d].
 */
function saturatingShiftRightNarrow(d: number, n: number, esize: number, sh: number, upper: boolean, round: boolean,
  signedSource: boolean, signedResult: boolean, scalar = false): Op {
  const count = scalar ? 1 : 64 / esize, base = upper ? count : 0;
  const wide = esize === 32 ? null : A.ints(2 * esize, signedSource), r = R.ints(esize, signedResult);
  const scale = 2 ** sh, half = round ? 2 ** (sh - 1) : 0;
  const shift = signedSource ? asr64 : lsr64;
  return withSaturation((s) => {
    load(s, n, A);
    if (upper) load(s, d, R);
    else R.clear();
    for (let i = 0; i < count; i++) {
      if (wide) {
        r[base + i] = saturate(Math.floor((wide[i] + half) / scale), esize, signedResult);
        continue;
      }
      const hi = A.i32[2 * i + 1], lo = A.i32[2 * i];
      const bit = round ? (shift(hi, lo, sh - 1), r64.lo & 1) : 0;
      shift(hi, lo, sh);
      if (bit) add64(r64.hi, r64.lo, 0, 1);
      // As a double the shifted value is exact when it fits and still out of range when it does not
      // (rounding 2^64 − 1 right by 1 carries into bit 63, so an unsigned source stays unsigned).
      r[base + i] = saturate((signedSource ? r64.hi : r64.hi >>> 0) * 4294967296 + (r64.lo >>> 0), esize, signedResult);
    }
    store(s, d, R, upper);
    s.pc += 4;
  });
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

const rightShifts: { name: string; u: number; opcode: number; signed: boolean; accumulate: boolean; round?: boolean }[] = [
  { name: 'sshr', u: 0, opcode: 0b00000, signed: true, accumulate: false },
  { name: 'ushr', u: 1, opcode: 0b00000, signed: false, accumulate: false },
  { name: 'ssra', u: 0, opcode: 0b00010, signed: true, accumulate: true },
  { name: 'usra', u: 1, opcode: 0b00010, signed: false, accumulate: true },
  { name: 'srshr', u: 0, opcode: 0b00100, signed: true, accumulate: false, round: true },
  { name: 'urshr', u: 1, opcode: 0b00100, signed: false, accumulate: false, round: true },
  { name: 'srsra', u: 0, opcode: 0b00110, signed: true, accumulate: true, round: true },
  { name: 'ursra', u: 1, opcode: 0b00110, signed: false, accumulate: true, round: true },
];

/** Saturating left shifts: SQSHL and UQSHL keep the source's signedness, SQSHLU saturates a signed source to unsigned. */
const saturatingLefts = [
  { name: 'sqshl', u: 0, opcode: 0b01110, signedSource: true, signedResult: true },
  { name: 'uqshl', u: 1, opcode: 0b01110, signedSource: false, signedResult: false },
  { name: 'sqshlu', u: 1, opcode: 0b01100, signedSource: true, signedResult: false },
];

/** Saturating narrowing right shifts; bit 0 of the opcode selects rounding. */
const saturatingNarrows = [
  { name: 'sqshrn', u: 0, opcode: 0b10010, signedSource: true, signedResult: true },
  { name: 'uqshrn', u: 1, opcode: 0b10010, signedSource: false, signedResult: false },
  { name: 'sqshrun', u: 1, opcode: 0b10000, signedSource: true, signedResult: false },
].flatMap((e) => [e, { ...e, name: e.name.replace('sh', 'rsh'), opcode: e.opcode | 1 }]);

const vectorRows = (size: number): InsnDef[] => {
  const esize = 8 << size, field = SHIFT_FIELD[size], v = vq(size);
  const pattern = (q: string, u: number, opcode: number) => `0${q}${u}011110${field}${opBits(opcode)}1nnnnnddddd`;
  const qOk = (f: Fields) => size < 3 || f.q === 1;
  const lanes = (f: Fields) => (f.q ? 128 : 64) / esize;
  const rows: InsnDef[] = [
    ...rightShifts.map((r): InsnDef => ({
      id: `${r.name.toUpperCase()}_v${esize}`, pattern: pattern('q', r.u, r.opcode), when: qOk,
      syntax: `${r.name} {${v}:dq}, {${v}:nq}, {ShR:i}`,
      exec: (f) => elementwise(f.d, f.n, 0, esize, lanes(f), f.q === 1, shiftRight(esize - f.i, r.signed, r.accumulate, r.round), true),
    })),
    { id: `SHL_v${esize}`, pattern: pattern('q', 0, 0b01010), when: qOk, syntax: `shl {${v}:dq}, {${v}:nq}, {U:i}`,
      exec: (f) => elementwise(f.d, f.n, 0, esize, lanes(f), f.q === 1, shiftLeft(f.i), true) },
    { id: `SLI_v${esize}`, pattern: pattern('q', 1, 0b01010), when: qOk, syntax: `sli {${v}:dq}, {${v}:nq}, {U:i}`,
      exec: (f) => elementwise(f.d, f.n, 0, esize, lanes(f), f.q === 1, shiftInsert(f.i, true), true) },
    { id: `SRI_v${esize}`, pattern: pattern('q', 1, 0b01000), when: qOk, syntax: `sri {${v}:dq}, {${v}:nq}, {ShR:i}`,
      exec: (f) => elementwise(f.d, f.n, 0, esize, lanes(f), f.q === 1, shiftInsert(esize - f.i, false), true) },
    ...saturatingLefts.map((e): InsnDef => ({
      id: `${e.name.toUpperCase()}_v${esize}`, pattern: pattern('q', e.u, e.opcode), when: qOk, syntax: `${e.name} {${v}:dq}, {${v}:nq}, {U:i}`,
      exec: (f) => withSaturation(elementwise(f.d, f.n, 0, esize, lanes(f), f.q === 1, saturatingShiftLeft(f.i, e.signedSource, e.signedResult), true)),
    })),
  ];
  if (size === 3) return rows;
  const wide = `V${WIDE[size]}`;
  for (const [q, suffix] of [[0, ''], [1, '2']] as const) {
    const upper = (f: Fields) => f.q === q;
    rows.push(
      ...(['', 'r'] as const).map((r, round): InsnDef => ({
        id: `${r.toUpperCase()}SHRN${suffix}_v${esize}`, pattern: pattern('q', 0, 0b10000 | round), syntax: `${r}shrn${suffix} {${v}:dq}, {${wide}:n}, {ShR:i}`,
        when: upper, exec: (f) => shiftRightNarrow(f.d, f.n, esize, esize - f.i, q === 1, round === 1),
      })),
      { id: `SHLL${suffix}_v${esize}`, pattern: `0q101110${['00', '01', '10'][size]}100001001110nnnnnddddd`, syntax: `shll${suffix} {${wide}:d}, {${v}:nq}, #${esize}`,
        when: upper, exec: (f) => shiftLeftLong(f, size, esize, false) },
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
      ...saturatingNarrows.map((e): InsnDef => ({
        id: `${e.name.toUpperCase()}${suffix}_v${esize}`, pattern: pattern('q', e.u, e.opcode), when: upper,
        syntax: `${e.name}${suffix} {${v}:dq}, {${wide}:n}, {ShR:i}`,
        exec: (f) => saturatingShiftRightNarrow(f.d, f.n, esize, esize - f.i, q === 1, (e.opcode & 1) === 1, e.signedSource, e.signedResult),
      })),
    );
  }
  return rows;
};

const scalarRows: InsnDef[] = [
  ...rightShifts.map((r): InsnDef => ({
    id: `${r.name.toUpperCase()}_d`, pattern: `01${r.u}1111101iiiiii${opBits(r.opcode)}1nnnnnddddd`, syntax: `${r.name} {Fd:d}, {Fd:n}, {ShR:i}`,
    exec: (f) => elementwise(f.d, f.n, 0, 64, 1, false, shiftRight(64 - f.i, r.signed, r.accumulate, r.round), true),
  })),
  { id: 'SHL_d', pattern: '0101111101iiiiii010101nnnnnddddd', syntax: 'shl {Fd:d}, {Fd:n}, {U:i}',
    exec: (f) => elementwise(f.d, f.n, 0, 64, 1, false, shiftLeft(f.i), true) },
  { id: 'SLI_d', pattern: '0111111101iiiiii010101nnnnnddddd', syntax: 'sli {Fd:d}, {Fd:n}, {U:i}',
    exec: (f) => elementwise(f.d, f.n, 0, 64, 1, false, shiftInsert(f.i, true), true) },
  { id: 'SRI_d', pattern: '0111111101iiiiii010001nnnnnddddd', syntax: 'sri {Fd:d}, {Fd:n}, {ShR:i}',
    exec: (f) => elementwise(f.d, f.n, 0, 64, 1, false, shiftInsert(64 - f.i, false), true) },
];

/** The saturating shifts on B, H, S and D scalars (the narrowing ones from H, S and D). */
const scalarSaturatingRows = (size: number): InsnDef[] => {
  const esize = 8 << size, reg = `F${'bhsd'[size]}`, pattern = (u: number, opcode: number) => `01${u}111110${SHIFT_FIELD[size]}${opBits(opcode)}1nnnnnddddd`;
  const rows = saturatingLefts.map((e): InsnDef => ({
    id: `${e.name.toUpperCase()}_s${esize}`, pattern: pattern(e.u, e.opcode), syntax: `${e.name} {${reg}:d}, {${reg}:n}, {U:i}`,
    exec: (f) => withSaturation(scalarOp(f.d, f.n, 0, esize, saturatingShiftLeft(f.i, e.signedSource, e.signedResult), true)),
  }));
  if (size === 3) return rows;
  return [...rows, ...saturatingNarrows.map((e): InsnDef => ({
    id: `${e.name.toUpperCase()}_s${esize}`, pattern: pattern(e.u, e.opcode), syntax: `${e.name} {${reg}:d}, {F${'hsd'[size]}:n}, {ShR:i}`,
    exec: (f) => saturatingShiftRightNarrow(f.d, f.n, esize, esize - f.i, false, (e.opcode & 1) === 1, e.signedSource, e.signedResult, true),
  }))];
};

export const rows: InsnDef[] = [...[0, 1, 2, 3].flatMap(vectorRows), ...scalarRows, ...[0, 1, 2, 3].flatMap(scalarSaturatingRows)];
