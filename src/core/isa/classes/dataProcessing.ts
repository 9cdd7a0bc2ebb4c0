/**
 * Data processing, immediate and register (Arm ARM C4.1.92, C4.1.95).
 * Each row: encoding pattern, llvm-mc syntax, and the executor that the decoder compiles into a closure.
 */
import { addWithCarry32, addWithCarry64 } from '../../bits/int64.ts';
import { rx, rxsp, wx } from '../../cpu/state.ts';
import { defineOperandKinds, one } from '../operands.ts';
import type { Fields, InsnDef, Op } from '../types.ts';

defineOperandKinds({
  /** `, lsl #12` on ADD/SUB (immediate) when sh=1. */
  LslImm12: {
    print: (f, l) => (one(f, l) ? ', lsl #12' : null),
    parse(text, l, f) {
      if (text.startsWith(',lsl#12')) { f[l[0]] = 1; return 7; }
      if (text.startsWith(',lsl#0')) { f[l[0]] = 0; return 6; }
      f[l[0]] = 0;
      return 0;
    },
  },
});

/** ADD/SUB/ADDS/SUBS (immediate): `sf op S 100010 sh imm12 Rn Rd`. */
function addSubImm(f: Fields, is64: boolean, sub: boolean, setFlags: boolean): Op {
  const n = rxsp(f.n);
  // The destination is SP for ADD/SUB but XZR for ADDS/SUBS (CMP/CMN).
  const d = setFlags ? wx(f.d) : rxsp(f.d);
  const imm = f.i * (f.s ? 4096 : 1);
  const next = (s: { pc: number }) => (s.pc += 4);
  if (is64) {
    const bLo = (sub ? ~imm : imm) | 0;
    const bHi = sub ? -1 : 0;
    const carry = sub ? 1 : 0;
    return (s) => { addWithCarry64(s, d, s.hi[n], s.lo[n], bHi, bLo, carry, setFlags); next(s); };
  }
  const b = (sub ? ~imm : imm) | 0;
  const carry = sub ? 1 : 0;
  return (s) => { addWithCarry32(s, d, s.lo[n], b, carry, setFlags); next(s); };
}

export const rows: InsnDef[] = [
  // Aliases first where they need a condition beyond the pattern.
  { id: 'MOV_sp_64', pattern: '1001000100000000000000nnnnnddddd', syntax: 'mov {XSP:d}, {XSP:n}',
    when: (f) => f.d === 31 || f.n === 31, exec: (f) => addSubImm({ ...f, i: 0, s: 0 }, true, false, false) },
  { id: 'MOV_sp_32', pattern: '0001000100000000000000nnnnnddddd', syntax: 'mov {WSP:d}, {WSP:n}',
    when: (f) => f.d === 31 || f.n === 31, exec: (f) => addSubImm({ ...f, i: 0, s: 0 }, false, false, false) },
  { id: 'CMP_imm_64', pattern: '111100010siiiiiiiiiiiinnnnn11111', syntax: 'cmp {XSP:n}, {U:i}{LslImm12:s}',
    fixed: { d: 31 }, exec: (f) => addSubImm({ ...f, d: 31 }, true, true, true) },
  { id: 'CMP_imm_32', pattern: '011100010siiiiiiiiiiiinnnnn11111', syntax: 'cmp {WSP:n}, {U:i}{LslImm12:s}',
    exec: (f) => addSubImm({ ...f, d: 31 }, false, true, true) },
  { id: 'CMN_imm_64', pattern: '101100010siiiiiiiiiiiinnnnn11111', syntax: 'cmn {XSP:n}, {U:i}{LslImm12:s}',
    exec: (f) => addSubImm({ ...f, d: 31 }, true, false, true) },
  { id: 'CMN_imm_32', pattern: '001100010siiiiiiiiiiiinnnnn11111', syntax: 'cmn {WSP:n}, {U:i}{LslImm12:s}',
    exec: (f) => addSubImm({ ...f, d: 31 }, false, false, true) },
  { id: 'ADD_imm_64', pattern: '100100010siiiiiiiiiiiinnnnnddddd', syntax: 'add {XSP:d}, {XSP:n}, {U:i}{LslImm12:s}',
    exec: (f) => addSubImm(f, true, false, false) },
  { id: 'ADD_imm_32', pattern: '000100010siiiiiiiiiiiinnnnnddddd', syntax: 'add {WSP:d}, {WSP:n}, {U:i}{LslImm12:s}',
    exec: (f) => addSubImm(f, false, false, false) },
  { id: 'ADDS_imm_64', pattern: '101100010siiiiiiiiiiiinnnnnddddd', syntax: 'adds {X:d}, {XSP:n}, {U:i}{LslImm12:s}',
    exec: (f) => addSubImm(f, true, false, true) },
  { id: 'ADDS_imm_32', pattern: '001100010siiiiiiiiiiiinnnnnddddd', syntax: 'adds {W:d}, {WSP:n}, {U:i}{LslImm12:s}',
    exec: (f) => addSubImm(f, false, false, true) },
  { id: 'SUB_imm_64', pattern: '110100010siiiiiiiiiiiinnnnnddddd', syntax: 'sub {XSP:d}, {XSP:n}, {U:i}{LslImm12:s}',
    exec: (f) => addSubImm(f, true, true, false) },
  { id: 'SUB_imm_32', pattern: '010100010siiiiiiiiiiiinnnnnddddd', syntax: 'sub {WSP:d}, {WSP:n}, {U:i}{LslImm12:s}',
    exec: (f) => addSubImm(f, false, true, false) },
  { id: 'SUBS_imm_64', pattern: '111100010siiiiiiiiiiiinnnnnddddd', syntax: 'subs {X:d}, {XSP:n}, {U:i}{LslImm12:s}',
    exec: (f) => addSubImm(f, true, true, true) },
  { id: 'SUBS_imm_32', pattern: '011100010siiiiiiiiiiiinnnnnddddd', syntax: 'subs {W:d}, {WSP:n}, {U:i}{LslImm12:s}',
    exec: (f) => addSubImm(f, false, true, true) },
];
void rx;
