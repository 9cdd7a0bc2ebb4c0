/**
 * Hints, barriers and MSR (immediate) to PSTATE fields (Arm ARM C4.1.66, "System instructions"): the
 * encodings with op0 = 0 and Rt = 31. Names are the ones llvm-mc prints with `+mte,+lse`: without further
 * features it names only NOP, YIELD, WFE, WFI, SEV, SEVL, DGH and CSDB, so BTI, ESB, PSB and the PAuth hints
 * (PACIASP, AUTIASP, ...) print as `hint #N`. All hints execute as NOPs: Tagscope models one PE without
 * FEAT_BTI or FEAT_PAuth, where WFE/WFI have nothing to wait for. Barriers order nothing on one PE.
 */
import { undefinedInstruction } from '../../../cpu/exceptions.ts';
import { defineOperandKinds, one, parseImmediate } from '../../operands.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { alwaysUndefined, nop } from './common.ts';

/** DSB/DMB option names by CRm; the others print as `#N`. */
const BARRIER_OPTIONS: Record<number, string> = {
  1: 'oshld', 2: 'oshst', 3: 'osh', 5: 'nshld', 6: 'nshst', 7: 'nsh',
  9: 'ishld', 10: 'ishst', 11: 'ish', 13: 'ld', 14: 'st', 15: 'sy',
};
const BARRIER_BY_NAME = new Map(Object.entries(BARRIER_OPTIONS).map(([crm, name]) => [name, Number(crm)]));

defineOperandKinds({
  BarrierOption: {
    print: (f, l) => BARRIER_OPTIONS[one(f, l)] ?? `#${one(f, l)}`,
    parse(text, l, f) {
      const name = /^[a-z]+/.exec(text)?.[0] ?? '';
      const crm = BARRIER_BY_NAME.get(name);
      if (crm !== undefined) { f[l[0]] = crm; return name.length; }
      const p = parseImmediate(text);
      if (!p || !text.startsWith('#') || p[0] < 0) return -1;
      f[l[0]] = p[0];
      return p[1];
    },
  },
});

const HINTS = ['nop', 'yield', 'wfe', 'wfi', 'sev', 'sevl', 'dgh'];

/** A hint or barrier row: op0 = 0, op1 = 3, the given CRn, CRm and op2 (fixed or a field), Rt = 31. */
const system = (crn: string, crm: string, op2: string): string => `1101010100000011${crn}${crm}${op2}11111`;
const bits = (v: number, width: number): string => v.toString(2).padStart(width, '0');

/** CLREX: clears the local exclusive monitor. */
const clrex = (): Op => (s) => {
  s.exclusiveAddr = -1;
  s.pc += 4;
};

/** MSR TCO, #imm: PSTATE.TCO = CRm<0> (MTE.md §2.3); UNDEFINED without FEAT_MTE, ignored with MTE only. */
function msrTco(f: Fields, word: number): Op {
  const tco = f.i & 1;
  const e = undefinedInstruction(word, 'MSR TCO needs FEAT_MTE');
  return (s) => {
    if (s.sys.mteLevel === 0) throw e;
    if (s.sys.mteLevel >= 2) s.setTco(tco);
    s.pc += 4;
  };
}

/** MSR (immediate) to a PSTATE field: `op1` and `op2` select the field, CRm holds the value. */
const pstate = (op1: string, op2: string): string => `1101010100000${op1}0100iiii${op2}11111`;

export const rows: InsnDef[] = [
  ...HINTS.map((name, i): InsnDef => ({ id: name.toUpperCase(), pattern: system('0010', '0000', bits(i, 3)), syntax: name, exec: nop })),
  { id: 'CSDB', pattern: system('0010', '0010', '100'), syntax: 'csdb', exec: nop },
  { id: 'HINT', pattern: system('0010', 'iiii', 'iii'), syntax: 'hint {U:i}', exec: nop },

  { id: 'CLREX_all', pattern: system('0011', '1111', '010'), syntax: 'clrex', exec: clrex },
  { id: 'CLREX', pattern: system('0011', 'mmmm', '010'), syntax: 'clrex {U:m}', exec: clrex },
  { id: 'SSBB', pattern: system('0011', '0000', '100'), syntax: 'ssbb', exec: nop },
  { id: 'PSSBB', pattern: system('0011', '0100', '100'), syntax: 'pssbb', exec: nop },
  { id: 'DSB', pattern: system('0011', 'mmmm', '100'), syntax: 'dsb {BarrierOption:m}', exec: nop },
  { id: 'DMB', pattern: system('0011', 'mmmm', '101'), syntax: 'dmb {BarrierOption:m}', exec: nop },
  { id: 'ISB_sy', pattern: system('0011', '1111', '110'), syntax: 'isb', exec: nop },
  { id: 'ISB', pattern: system('0011', 'mmmm', '110'), syntax: 'isb {U:m}', exec: nop },

  { id: 'MSR_SPSel', pattern: pstate('000', '101'), syntax: 'msr SPSel, {U:i}', exec: alwaysUndefined('MSR SPSel is UNDEFINED at EL0') },
  { id: 'MSR_TCO_imm', pattern: pstate('011', '100'), syntax: 'msr TCO, {U:i}', exec: msrTco },
  { id: 'MSR_DAIFSet', pattern: pstate('011', '110'), syntax: 'msr DAIFSet, {U:i}',
    exec: alwaysUndefined('MSR DAIFSet is UNDEFINED at EL0 (Linux leaves SCTLR_EL1.UMA = 0)') },
  { id: 'MSR_DAIFClr', pattern: pstate('011', '111'), syntax: 'msr DAIFClr, {U:i}',
    exec: alwaysUndefined('MSR DAIFClr is UNDEFINED at EL0 (Linux leaves SCTLR_EL1.UMA = 0)') },
];
