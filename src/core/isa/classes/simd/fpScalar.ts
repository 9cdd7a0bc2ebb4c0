/**
 * Scalar floating-point data processing (Arm ARM C4.1.6, "Data Processing -- Scalar Floating-Point"):
 * 1-, 2- and 3-source arithmetic, compare, conditional compare and select, immediate moves, conversions
 * between precisions, to and from general registers (integer and fixed-point), and FMOV. Single and double
 * precision (ftype 00 and 01); half precision only where FCVT converts to or from it.
 */
import { conditionHolds } from '../../../bits/condition.ts';
import { rx, wx, type CpuState } from '../../../cpu/state.ts';
import {
  binary, binaryNumber, type BinaryOp, compare, currentMode, fadd, fdiv, fmax, fmin, fmul, fsub, mulAdd,
  type Precision, res, roundInt, sqrt,
} from '../../../fp/arith.ts';
import { convertPrecision, fromFixed, HALF, type ConvertFormat, toFixed } from '../../../fp/convert.ts';
import { RA, RM, RN, RP, RZ } from '../../../fp/status.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { fpLanes, type FpLaneFn, precision, scalarHi, scalarLo } from './fpLanes.ts';
import { storeScalar } from './lanes.ts';
import { expandImmediate } from './immediate.ts';

export const SIGN = -0x80000000;

/** Lane functions shared with the vector rows. */
export const laneBinary = (op: BinaryOp, number = false): FpLaneFn => (number
  ? (s, p, ah, al, bh, bl) => binaryNumber(s, p, op, ah, al, bh, bl)
  : (s, p, ah, al, bh, bl) => binary(s, p, op, ah, al, bh, bl));
export const laneNeg: FpLaneFn = (_s, _p, ah, al) => { res.hi = ah ^ SIGN; res.lo = al; };
export const laneAbs: FpLaneFn = (_s, _p, ah, al) => { res.hi = ah & ~SIGN; res.lo = al; };
export const laneSqrt: FpLaneFn = (s, p, ah, al) => sqrt(s, p, ah, al);
/** FRINT<mode>; `mode` -1 means FPCR.RMode (FRINTI, FRINTX). */
export const laneRound = (mode: number, exact: boolean): FpLaneFn => (mode < 0
  ? (s, p, ah, al) => roundInt(s, p, ah, al, currentMode(s), exact)
  : (s, p, ah, al) => roundInt(s, p, ah, al, mode, exact));

/** The rounding modes of FCVT{N,P,M,Z,A}{S,U} and FRINT{N,P,M,Z,A}. */
export const NAMED_MODES: { letter: string; mode: number }[] = [
  { letter: 'n', mode: RN }, { letter: 'p', mode: RP }, { letter: 'm', mode: RM }, { letter: 'z', mode: RZ }, { letter: 'a', mode: RA },
];

const TWO_SOURCE: { name: string; opcode: number; fn: FpLaneFn }[] = [
  { name: 'fmul', opcode: 0b0000, fn: laneBinary(fmul) },
  { name: 'fdiv', opcode: 0b0001, fn: laneBinary(fdiv) },
  { name: 'fadd', opcode: 0b0010, fn: laneBinary(fadd) },
  { name: 'fsub', opcode: 0b0011, fn: laneBinary(fsub) },
  { name: 'fmax', opcode: 0b0100, fn: laneBinary(fmax) },
  { name: 'fmin', opcode: 0b0101, fn: laneBinary(fmin) },
  { name: 'fmaxnm', opcode: 0b0110, fn: laneBinary(fmax, true) },
  { name: 'fminnm', opcode: 0b0111, fn: laneBinary(fmin, true) },
  // FNMUL is FPNeg(FPMul()): the sign flips after NaN processing too.
  { name: 'fnmul', opcode: 0b1000, fn: (s, p, ah, al, bh, bl) => { binary(s, p, fmul, ah, al, bh, bl); res.hi ^= SIGN; } },
];

const ONE_SOURCE: { name: string; opcode: number; fn: FpLaneFn }[] = [
  { name: 'fmov', opcode: 0b000000, fn: (_s, _p, ah, al) => { res.hi = ah; res.lo = al; } },
  { name: 'fabs', opcode: 0b000001, fn: laneAbs },
  { name: 'fneg', opcode: 0b000010, fn: laneNeg },
  { name: 'fsqrt', opcode: 0b000011, fn: laneSqrt },
  ...NAMED_MODES.map(({ letter, mode }) => ({ name: `frint${letter}`, opcode: 0b001000 | mode, fn: laneRound(mode, false) })),
  { name: 'frintx', opcode: 0b001110, fn: laneRound(-1, true) },
  { name: 'frinti', opcode: 0b001111, fn: laneRound(-1, false) },
];

// ---- executors -----------------------------------------------------------------------------------

const scalarOp = (f: Fields, fn: FpLaneFn): Op => fpLanes(f.d, f.n, f.m ?? 0, precision(f.t), 1, false, fn);

/** Writes res as a scalar of precision p to V[d]. */
function storeResult(s: CpuState, d: number, p: Precision): void {
  if (p.single) storeScalar(s, d, res.hi, 0);
  else storeScalar(s, d, res.lo, res.hi);
}

/** FMADD/FMSUB/FNMADD/FNMSUB: ±Ra ± Rn × Rm, fused; the negations flip sign bits (NaNs included). */
function multiplyAdd(f: Fields, negateProduct: boolean, negateAddend: boolean): Op {
  const p = precision(f.t), d = f.d, n = f.n, m = f.m, a = f.a;
  const productSign = negateProduct ? SIGN : 0, addendSign = negateAddend ? SIGN : 0;
  return (s) => {
    const ah = scalarHi(s, a, p) ^ addendSign, al = scalarLo;
    const nh = scalarHi(s, n, p) ^ productSign, nl = scalarLo;
    const mh = scalarHi(s, m, p), ml = scalarLo;
    mulAdd(s, p, ah, al, nh, nl, mh, ml);
    storeResult(s, d, p);
    s.pc += 4;
  };
}

function setNzcv(s: CpuState, nzcv: number): void {
  s.n = nzcv >> 3;
  s.z = (nzcv >> 2) & 1;
  s.c = (nzcv >> 1) & 1;
  s.v = nzcv & 1;
}

/** FCMP/FCMPE with a register or #0.0; FCCMP/FCCMPE compare only when `cond` holds (else NZCV = nzcv). */
function floatCompare(f: Fields, withZero: boolean, signalling: boolean, cond = 14, nzcv = 0): Op {
  const p = precision(f.t), n = f.n, m = f.m;
  return (s) => {
    if (conditionHolds(s, cond)) {
      const ah = scalarHi(s, n, p), al = scalarLo;
      const bh = withZero ? 0 : scalarHi(s, m, p), bl = withZero ? 0 : scalarLo;
      setNzcv(s, compare(s, p, ah, al, bh, bl, signalling));
    } else setNzcv(s, nzcv);
    s.pc += 4;
  };
}

function conditionalSelect(f: Fields): Op {
  const p = precision(f.t), d = f.d, n = f.n, m = f.m, cond = f.c;
  return (s) => {
    const r = conditionHolds(s, cond) ? n : m;
    res.hi = scalarHi(s, r, p);
    res.lo = scalarLo;
    storeResult(s, d, p);
    s.pc += 4;
  };
}

function moveImmediate(f: Fields): Op {
  const [hi, lo] = expandImmediate(f.t, 15, f.i);
  const d = f.d;
  return f.t ? (s) => { storeScalar(s, d, lo, hi); s.pc += 4; } : (s) => { storeScalar(s, d, lo, 0); s.pc += 4; };
}

const FORMATS: ConvertFormat[] = [precision(0), precision(1), HALF, HALF];
/** FCVT: ftype 00 S, 01 D, 11 H to opc 00 S, 01 D, 11 H; FCVTXN is FCVT D to S with `mode` round to odd. */
export function convertOp(f: Fields, mode = -1): Op {
  const from = FORMATS[f.t], to = FORMATS[f.o], d = f.d, n = f.n;
  return (s) => {
    const q = n << 2;
    const hi = from === HALF ? s.vreg[q] & 0xffff : from.single ? s.vreg[q] : s.vreg[q + 1];
    convertPrecision(s, from, to, hi, from !== HALF && !from.single ? s.vreg[q] : 0, mode);
    if (to === HALF || to.single) storeScalar(s, d, to === HALF ? res.hi & 0xffff : res.hi, 0);
    else storeScalar(s, d, res.lo, res.hi);
    s.pc += 4;
  };
}

/** FCVT*S/U and FCVTZS/U (fixed-point): to a W or X register, saturating. */
export function toGeneral(f: Fields, mode: number, unsigned: boolean, fbits: number): Op {
  const p = precision(f.t), d = wx(f.d), n = f.n, width = f.sf ? 64 : 32;
  return (s) => {
    toFixed(s, p, scalarHi(s, n, p), scalarLo, fbits, mode, width, unsigned);
    s.lo[d] = res.lo;
    s.hi[d] = res.hi;
    s.pc += 4;
  };
}

/** SCVTF/UCVTF (integer and fixed-point) from a W or X register. */
export function fromGeneral(f: Fields, unsigned: boolean, fbits: number): Op {
  const p = precision(f.t), d = f.d, n = rx(f.n), is64 = f.sf === 1;
  return (s) => {
    fromFixed(s, p, s.hi[n], s.lo[n], is64, unsigned, fbits);
    storeResult(s, d, p);
    s.pc += 4;
  };
}

/** FMOV (general): raw bits between a general register and V[d] (low 32 or 64 bits, or the top 64 bits of a Q). */
function moveFromGeneral(f: Fields, bits: 32 | 64, top: boolean): Op {
  const d = f.d << 2, n = rx(f.n);
  if (top) return (s) => { s.vreg[d + 2] = s.lo[n]; s.vreg[d + 3] = s.hi[n]; s.pc += 4; };
  return (s) => { storeScalar(s, f.d, s.lo[n], bits === 64 ? s.hi[n] : 0); s.pc += 4; };
}

function moveToGeneral(f: Fields, bits: 32 | 64, top: boolean): Op {
  const n = (f.n << 2) + (top ? 2 : 0), d = wx(f.d);
  return (s) => { s.lo[d] = s.vreg[n]; s.hi[d] = bits === 64 ? s.vreg[n + 1] : 0; s.pc += 4; };
}

// ---- rows ----------------------------------------------------------------------------------------

const bits = (v: number, width: number): string => v.toString(2).padStart(width, '0');
const FP = (r: string) => `{Fp:${r}t}`;
const GPR = (sf: number) => (sf ? 'X' : 'W');

const arithmeticRows: InsnDef[] = [
  ...TWO_SOURCE.map((o): InsnDef => ({
    id: `${o.name.toUpperCase()}_s`, pattern: `000111100t1mmmmm${bits(o.opcode, 4)}10nnnnnddddd`,
    syntax: `${o.name} ${FP('d')}, ${FP('n')}, ${FP('m')}`, exec: (f) => scalarOp(f, o.fn),
  })),
  ...ONE_SOURCE.map((o): InsnDef => ({
    id: `${o.name.toUpperCase()}_s`, pattern: `000111100t1${bits(o.opcode, 6)}10000nnnnnddddd`,
    syntax: `${o.name} ${FP('d')}, ${FP('n')}`, exec: (f) => scalarOp(f, o.fn),
  })),
  ...[['fmadd', 0, 0], ['fmsub', 0, 1], ['fnmadd', 1, 0], ['fnmsub', 1, 1]].map(([name, o1, o0]): InsnDef => ({
    id: `${String(name).toUpperCase()}_s`, pattern: `000111110t${o1}mmmmm${o0}aaaaannnnnddddd`,
    syntax: `${name} ${FP('d')}, ${FP('n')}, ${FP('m')}, ${FP('a')}`,
    // FMSUB negates the product, FNMADD both, FNMSUB the addend.
    exec: (f) => multiplyAdd(f, o0 !== o1, o1 === 1),
  })),
  ...[['fcmp', 0], ['fcmpe', 1]].flatMap(([name, e]): InsnDef[] => [
    { id: `${String(name).toUpperCase()}_s`, pattern: `000111100t1mmmmm001000nnnnn${e}0000`, syntax: `${name} ${FP('n')}, ${FP('m')}`,
      exec: (f) => floatCompare(f, false, e === 1) },
    { id: `${String(name).toUpperCase()}_zero_s`, pattern: `000111100t1-----001000nnnnn${e}1000`, syntax: `${name} ${FP('n')}, #0.0`,
      exec: (f) => floatCompare(f, true, e === 1) },
  ]),
  ...[['fccmp', 0], ['fccmpe', 1]].map(([name, e]): InsnDef => ({
    id: `${String(name).toUpperCase()}_s`, pattern: `000111100t1mmmmmcccc01nnnnn${e}vvvv`,
    syntax: `${name} ${FP('n')}, ${FP('m')}, {U:v}, {Cond:c}`, exec: (f) => floatCompare(f, false, e === 1, f.c, f.v),
  })),
  { id: 'FCSEL_s', pattern: '000111100t1mmmmmcccc11nnnnnddddd', syntax: `fcsel ${FP('d')}, ${FP('n')}, ${FP('m')}, {Cond:c}`, exec: conditionalSelect },
  { id: 'FMOV_imm_s', pattern: '000111100t1iiiiiiii10000000ddddd', syntax: `fmov ${FP('d')}, {FpImm:i}`, exec: moveImmediate },
  ...[[0, 1], [0, 3], [1, 0], [1, 3], [3, 0], [3, 1]].map(([from, to]): InsnDef => ({
    id: `FCVT_${'sd-h'[to]}${'sd-h'[from]}`, pattern: `00011110${bits(from, 2)}10001${bits(to, 2)}10000nnnnnddddd`,
    syntax: `fcvt {F${'sd-h'[to]}:d}, {F${'sd-h'[from]}:n}`, exec: (f) => convertOp({ ...f, t: from, o: to }),
  })),
];

/** Conversions between floating-point and integer or fixed-point registers. */
const conversionRows: InsnDef[] = [0, 1].flatMap((sf): InsnDef[] => {
  const R = GPR(sf);
  const pattern = (rmode: number, opcode: number, scale = '000000', fixed = false) =>
    `${sf}00111100t${fixed ? 0 : 1}${bits(rmode, 2)}${bits(opcode, 3)}${scale}nnnnnddddd`;
  const fixedOk = (f: Fields) => sf === 1 || f.c >= 32;
  const sfFixed = (f: Fields) => ({ ...f, sf });
  const rows: InsnDef[] = [];
  for (const unsigned of [0, 1]) {
    const su = unsigned ? 'u' : 's';
    for (const { letter, mode } of NAMED_MODES) {
      const [rmode, opcode] = mode === RA ? [0, 0b100 | unsigned] : [mode, unsigned];
      rows.push({ id: `FCVT${letter.toUpperCase()}${su.toUpperCase()}_${R}`, pattern: pattern(rmode, opcode),
        syntax: `fcvt${letter}${su} {${R}:d}, ${FP('n')}`, exec: (f) => toGeneral(sfFixed(f), mode, unsigned === 1, 0) });
    }
    rows.push(
      { id: `FCVTZ${su.toUpperCase()}_fixed_${R}`, pattern: pattern(3, unsigned, 'cccccc', true), when: fixedOk,
        syntax: `fcvtz${su} {${R}:d}, ${FP('n')}, {FBits:c}`, exec: (f) => toGeneral(sfFixed(f), RZ, unsigned === 1, 64 - f.c) },
      { id: `${su.toUpperCase()}CVTF_${R}`, pattern: pattern(0, 0b010 | unsigned),
        syntax: `${su}cvtf ${FP('d')}, {${R}:n}`, exec: (f) => fromGeneral(sfFixed(f), unsigned === 1, 0) },
      { id: `${su.toUpperCase()}CVTF_fixed_${R}`, pattern: pattern(0, 0b010 | unsigned, 'cccccc', true), when: fixedOk,
        syntax: `${su}cvtf ${FP('d')}, {${R}:n}, {FBits:c}`, exec: (f) => fromGeneral(sfFixed(f), unsigned === 1, 64 - f.c) },
    );
  }
  const t = sf ? '01' : '00';
  rows.push(
    { id: `FMOV_to_${R}`, pattern: `${sf}0011110${t}100110000000nnnnnddddd`, syntax: `fmov {${R}:d}, {F${sf ? 'd' : 's'}:n}`, exec: (f) => moveToGeneral(f, sf ? 64 : 32, false) },
    { id: `FMOV_from_${R}`, pattern: `${sf}0011110${t}100111000000nnnnnddddd`, syntax: `fmov {F${sf ? 'd' : 's'}:d}, {${R}:n}`, exec: (f) => moveFromGeneral(f, sf ? 64 : 32, false) },
  );
  return rows;
});

const topHalfRows: InsnDef[] = [
  { id: 'FMOV_to_X_top', pattern: '1001111010101110000000nnnnnddddd', syntax: 'fmov {X:d}, v{Num:n}.d[1]', exec: (f) => moveToGeneral(f, 64, true) },
  { id: 'FMOV_from_X_top', pattern: '1001111010101111000000nnnnnddddd', syntax: 'fmov v{Num:d}.d[1], {X:n}', exec: (f) => moveFromGeneral(f, 64, true) },
];

export const rows: InsnDef[] = [...arithmeticRows, ...conversionRows, ...topHalfRows];
