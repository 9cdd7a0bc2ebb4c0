/**
 * Logical operations and move wide (Arm ARM C4.1, Data Processing -- Immediate: "Logical (immediate)",
 * "Move wide (immediate)"; Data Processing -- Register: "Logical (shifted register)").
 */
import { decodeBitMask } from '../../../bits/bitmask.ts';
import { r64, shift32, shift64 } from '../../../bits/int64.ts';
import { rx, rxsp, wx, type CpuState } from '../../../cpu/state.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { bitMaskFieldValue, isMoveWideImmediate, isMovzImmediate, moveWideValue } from './operands.ts';
import { bothSizes, type Size } from './sizes.ts';

/** The opc field of the logical instructions. */
const AND = 0, ORR = 1, EOR = 2, ANDS = 3;

interface LogicalOp {
  mnemonic: string;
  opc: number;
  /** The N bit of the shifted-register form: operand2 is inverted (BIC, ORN, EON, BICS). */
  invert: boolean;
}

const LOGICAL: readonly LogicalOp[] = [
  { mnemonic: 'and', opc: AND, invert: false }, { mnemonic: 'bic', opc: AND, invert: true },
  { mnemonic: 'orr', opc: ORR, invert: false }, { mnemonic: 'orn', opc: ORR, invert: true },
  { mnemonic: 'eor', opc: EOR, invert: false }, { mnemonic: 'eon', opc: EOR, invert: true },
  { mnemonic: 'ands', opc: ANDS, invert: false }, { mnemonic: 'bics', opc: ANDS, invert: true },
];
const opcBits = (opc: number): string => opc.toString(2).padStart(2, '0');

// ---- executors ------------------------------------------------------------------------------------

const combine = (opc: number, a: number, b: number): number => (opc === ORR ? a | b : opc === EOR ? a ^ b : a & b);

/** Writes a logical result; ANDS/BICS set N and Z from it and clear C and V. */
function writeLogical(s: CpuState, d: number, hi: number, lo: number, setFlags: boolean, is64: boolean): void {
  if (setFlags) {
    s.n = (is64 ? hi : lo) >>> 31;
    s.z = lo === 0 && hi === 0 ? 1 : 0;
    s.c = 0;
    s.v = 0;
  }
  s.hi[d] = hi;
  s.lo[d] = lo;
}

/** AND/ORR/EOR/ANDS (immediate): a constant operand; Rd is SP when 31 except for ANDS. */
function logicalImmediate(f: Fields, z: Size, opc: number): Op {
  const mask = decodeBitMask(z.is64 ? f.N : 0, f.s, f.r, z.is64)!;
  const n = rx(f.n), d = opc === ANDS ? wx(f.d) : rxsp(f.d), setFlags = opc === ANDS, bHi = mask.hi, bLo = mask.lo;
  if (z.is64) return (s) => { writeLogical(s, d, combine(opc, s.hi[n], bHi), combine(opc, s.lo[n], bLo), setFlags, true); s.pc += 4; };
  return (s) => { writeLogical(s, d, 0, combine(opc, s.lo[n], bLo), setFlags, false); s.pc += 4; };
}

/** Logical (shifted register); MOV (ORR from XZR, no shift) is a plain register copy. */
function logicalShifted(f: Fields, z: Size, op: LogicalOp): Op {
  const d = wx(f.d), n = rx(f.n), m = rx(f.m), type = f.t, k = f.i, opc = op.opc;
  const inv = op.invert ? -1 : 0, setFlags = opc === ANDS;
  if (z.is64) {
    if (opc === ORR && n === rx(31) && k === 0 && inv === 0) return (s) => { s.hi[d] = s.hi[m]; s.lo[d] = s.lo[m]; s.pc += 4; };
    if (k === 0) return (s) => { writeLogical(s, d, combine(opc, s.hi[n], s.hi[m] ^ inv), combine(opc, s.lo[n], s.lo[m] ^ inv), setFlags, true); s.pc += 4; };
    return (s) => {
      shift64(s.hi[m], s.lo[m], type, k);
      writeLogical(s, d, combine(opc, s.hi[n], r64.hi ^ inv), combine(opc, s.lo[n], r64.lo ^ inv), setFlags, true);
      s.pc += 4;
    };
  }
  if (k === 0) return (s) => { writeLogical(s, d, 0, combine(opc, s.lo[n], s.lo[m] ^ inv), setFlags, false); s.pc += 4; };
  return (s) => { writeLogical(s, d, 0, combine(opc, s.lo[n], shift32(s.lo[m], type, k) ^ inv), setFlags, false); s.pc += 4; };
}

/** MOVZ/MOVN: a constant, known at decode time. */
function moveWide(f: Fields, z: Size, inverted: boolean): Op {
  const v = moveWideValue(f.i, f.h, inverted, z.is64);
  const d = wx(f.d), hi = Number(v >> 32n) | 0, lo = Number(v & 0xffffffffn) | 0;
  return (s) => { s.hi[d] = hi; s.lo[d] = lo; s.pc += 4; };
}

/** MOVK: replaces one 16-bit halfword and keeps the others (a W destination still clears bits 63:32). */
function moveKeep(f: Fields, z: Size): Op {
  const d = wx(f.d), shift = 16 * (f.h & 1), keep = ~(0xffff << shift), imm = f.i << shift;
  if (f.h >= 2) return (s) => { s.hi[d] = (s.hi[d] & keep) | imm; s.pc += 4; };
  if (z.is64) return (s) => { s.lo[d] = (s.lo[d] & keep) | imm; s.pc += 4; };
  return (s) => { s.lo[d] = (s.lo[d] & keep) | imm; s.hi[d] = 0; s.pc += 4; };
}

// ---- rows -----------------------------------------------------------------------------------------

/**
 * Logical (immediate): sf opc 100100 N immr imms Rn Rd. N=1 exists only for 64-bit registers (the 32-bit
 * pattern fixes it at 0); reserved bitmasks (a run of all ones) match no row.
 */
const immediateRows = (z: Size): InsnDef[] => {
  const bits = z.is64 ? 'Nrs' : 'rs';
  const pattern = (opc: number, rn = 'nnnnn', rd = 'ddddd') => `${z.sf}${opcBits(opc)}100100 ${z.is64 ? 'N' : '0'} rrrrrr ssssss ${rn} ${rd}`;
  const valid = (f: Fields) => bitMaskFieldValue(f, bits) !== null;
  const exec = (opc: number) => (f: Fields) => logicalImmediate({ n: 31, d: 31, ...f }, z, opc);
  const names: [string, number][] = [['and', AND], ['orr', ORR], ['eor', EOR], ['ands', ANDS]];
  return [
    { id: `TST_imm_${z.id}`, pattern: pattern(ANDS, 'nnnnn', '11111'), syntax: `tst {${z.R}:n}, {BitImm:${bits}}`, when: valid, exec: exec(ANDS) },
    // MOV (bitmask immediate) is preferred only when MOVZ/MOVN cannot make the value.
    { id: `MOV_bitmask_${z.id}`, pattern: pattern(ORR, '11111'), syntax: `mov {${z.RSP}:d}, {BitImmMov:${bits}}`,
      when: (f) => { const v = bitMaskFieldValue(f, bits); return v !== null && !isMoveWideImmediate(v, z.is64); }, exec: exec(ORR) },
    ...names.map(([mnemonic, opc]): InsnDef => ({
      id: `${mnemonic.toUpperCase()}_imm_${z.id}`, pattern: pattern(opc), when: valid, exec: exec(opc),
      syntax: `${mnemonic} {${opc === ANDS ? z.R : z.RSP}:d}, {${z.R}:n}, {BitImm:${bits}}`,
    })),
  ];
};

/** Logical (shifted register): sf opc 01010 shift N Rm imm6 Rn Rd. */
const shiftedRows = (z: Size): InsnDef[] => {
  const pattern = (op: LogicalOp, rn = 'nnnnn', rd = 'ddddd') =>
    `${z.sf}${opcBits(op.opc)}01010 tt${op.invert ? 1 : 0} mmmmm ${z.six('i')} ${rn} ${rd}`;
  const exec = (op: LogicalOp) => (f: Fields) => logicalShifted({ n: 31, d: 31, t: 0, i: 0, ...f }, z, op);
  const [orr, orn, ands] = ['orr', 'orn', 'ands'].map((m) => LOGICAL.find((op) => op.mnemonic === m)!);
  const rm = `{${z.R}:m}{ShiftLogical:ti}`;
  return [
    { id: `MOV_reg_${z.id}`, pattern: `${z.sf}0101010 000 mmmmm 000000 11111 ddddd`, syntax: `mov {${z.R}:d}, {${z.R}:m}`, exec: exec(orr) },
    { id: `MVN_${z.id}`, pattern: pattern(orn, '11111'), syntax: `mvn {${z.R}:d}, ${rm}`, exec: exec(orn) },
    { id: `TST_sreg_${z.id}`, pattern: pattern(ands, 'nnnnn', '11111'), syntax: `tst {${z.R}:n}, ${rm}`, exec: exec(ands) },
    ...LOGICAL.map((op): InsnDef => ({
      id: `${op.mnemonic.toUpperCase()}_sreg_${z.id}`, pattern: pattern(op), exec: exec(op),
      syntax: `${op.mnemonic} {${z.R}:d}, {${z.R}:n}, ${rm}`,
    })),
  ];
};

/** Move wide (immediate): sf opc 100101 hw imm16 Rd; opc=01 is unallocated, and so is hw ≥ 2 for W registers. */
const moveWideRows = (z: Size): InsnDef[] => {
  const pattern = (opc: string) => `${z.sf}${opc}100101 ${z.is64 ? 'hh' : '0h'} iiiiiiiiiiiiiiii ddddd`;
  const value = (f: Fields, inverted: boolean) => moveWideValue(f.i, f.h, inverted, z.is64);
  // llvm's preference: MOVZ, then MOVN, as `mov`; `#0, lsl #16` and the like keep their own name.
  const movzAlias = (f: Fields) => f.h === 0 || f.i !== 0;
  const movnAlias = (f: Fields) => movzAlias(f) && !isMovzImmediate(value(f, true), z.is64);
  return [
    { id: `MOV_movz_${z.id}`, pattern: pattern('10'), syntax: `mov {${z.R}:d}, {MovZImm:ih}`, when: movzAlias, exec: (f) => moveWide(f, z, false) },
    { id: `MOV_movn_${z.id}`, pattern: pattern('00'), syntax: `mov {${z.R}:d}, {MovNImm:ih}`, when: movnAlias, exec: (f) => moveWide(f, z, true) },
    { id: `MOVZ_${z.id}`, pattern: pattern('10'), syntax: `movz {${z.R}:d}, {U:i}{HwShift:h}`, exec: (f) => moveWide(f, z, false) },
    { id: `MOVN_${z.id}`, pattern: pattern('00'), syntax: `movn {${z.R}:d}, {U:i}{HwShift:h}`, exec: (f) => moveWide(f, z, true) },
    { id: `MOVK_${z.id}`, pattern: pattern('11'), syntax: `movk {${z.R}:d}, {U:i}{HwShift:h}`, exec: (f) => moveKeep(f, z) },
  ];
};

export const rows: InsnDef[] = bothSizes((z) => [...immediateRows(z), ...shiftedRows(z), ...moveWideRows(z)]);
