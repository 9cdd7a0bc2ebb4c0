/**
 * Exception generation (Arm ARM C4.1.66) and UDF. SVC and BRK raise their exceptions for the OS model; HVC,
 * HLT and DCPS are UNDEFINED for an EL0 program (SMC and DCPS3 need EL3, which llvm-mc rejects without it).
 */
import { GuestException } from '../../../cpu/exceptions.ts';
import { defineOperandKinds, hex, parseImmediate } from '../../operands.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { alwaysUndefined } from './common.ts';

defineOperandKinds({
  /** The imm16 of exception-generating instructions: hexadecimal, except that zero prints as `#0`. */
  ExcImm: {
    print: (f, l) => (f[l[0]] === 0 ? '#0' : hex(f[l[0]])),
    parse(text, l, f) {
      const p = parseImmediate(text);
      if (!p || p[0] < 0) return -1;
      f[l[0]] = p[0];
      return p[1];
    },
  },
});

/** SVC: the preferred return address is the next instruction, so the PC moves past the SVC first. */
function svc(f: Fields): Op {
  const e = new GuestException({ kind: 'svc', imm: f.i });
  return (s) => {
    s.pc += 4;
    throw e;
  };
}

/** BRK: a Breakpoint Instruction exception; the PC stays on the BRK. */
function brk(f: Fields): Op {
  const e = new GuestException({ kind: 'brk', imm: f.i });
  return () => {
    throw e;
  };
}

const dcps = alwaysUndefined('DCPS is UNDEFINED outside Debug state');

export const rows: InsnDef[] = [
  { id: 'SVC', pattern: '11010100000iiiiiiiiiiiiiiii00001', syntax: 'svc {ExcImm:i}', exec: svc },
  { id: 'HVC', pattern: '11010100000iiiiiiiiiiiiiiii00010', syntax: 'hvc {ExcImm:i}', exec: alwaysUndefined('HVC is UNDEFINED at EL0') },
  { id: 'BRK', pattern: '11010100001iiiiiiiiiiiiiiii00000', syntax: 'brk {ExcImm:i}', exec: brk },
  { id: 'HLT', pattern: '11010100010iiiiiiiiiiiiiiii00000', syntax: 'hlt {ExcImm:i}',
    exec: alwaysUndefined('HLT is UNDEFINED while halting debug is disabled (EDSCR.HDE = 0)') },
  { id: 'DCPS1_0', pattern: '11010100101000000000000000000001', syntax: 'dcps1', exec: dcps },
  { id: 'DCPS1', pattern: '11010100101iiiiiiiiiiiiiiii00001', syntax: 'dcps1 {ExcImm:i}', exec: dcps },
  { id: 'DCPS2_0', pattern: '11010100101000000000000000000010', syntax: 'dcps2', exec: dcps },
  { id: 'DCPS2', pattern: '11010100101iiiiiiiiiiiiiiii00010', syntax: 'dcps2 {ExcImm:i}', exec: dcps },
  { id: 'UDF', pattern: '0000000000000000iiiiiiiiiiiiiiii', syntax: 'udf {U:i}', exec: alwaysUndefined('UDF: permanently undefined') },
];
