/**
 * Add and subtract (Arm ARM C4.1, Data Processing -- Immediate: "Add/subtract (immediate)"; Data
 * Processing -- Register: "Add/subtract (shifted register)", "(extended register)", "(with carry)").
 * Every form is AddWithCarry(Rn, operand2, carry) with operand2 inverted and carry 1 for subtraction.
 */
import { addWithCarry32, addWithCarry64, r64, shift32, shift64, shl64 } from '../../../bits/int64.ts';
import { rx, rxsp, wx, type CpuState } from '../../../cpu/state.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { bothSizes, type Size } from './sizes.ts';

interface ArithOp {
  mnemonic: string;
  /** The op and S bits. */
  op: '0' | '1';
  S: '0' | '1';
  sub: boolean;
  setFlags: boolean;
}

const ARITH: readonly ArithOp[] = [
  { mnemonic: 'add', op: '0', S: '0', sub: false, setFlags: false },
  { mnemonic: 'adds', op: '0', S: '1', sub: false, setFlags: true },
  { mnemonic: 'sub', op: '1', S: '0', sub: true, setFlags: false },
  { mnemonic: 'subs', op: '1', S: '1', sub: true, setFlags: true },
];
const [ADD, ADDS, SUB, SUBS] = ARITH;

/** operand2 of a subtraction is NOT(operand2) with carry-in 1. */
const invertOf = (a: ArithOp): number => (a.sub ? -1 : 0);
const carryOf = (a: ArithOp): number => (a.sub ? 1 : 0);
const upper = (a: ArithOp): string => a.mnemonic.toUpperCase();

// ---- executors ------------------------------------------------------------------------------------

/** ADD/SUB (immediate): Rn and Rd are SP when 31, except that ADDS/SUBS write XZR (CMN/CMP). */
function addSubImmediate(f: Fields, z: Size, a: ArithOp): Op {
  const n = rxsp(f.n);
  const d = a.setFlags ? wx(f.d) : rxsp(f.d);
  const imm = f.i * (f.s ? 4096 : 1);
  const bLo = imm ^ invertOf(a), bHi = invertOf(a), carry = carryOf(a), setFlags = a.setFlags;
  if (z.is64) return (s) => { addWithCarry64(s, d, s.hi[n], s.lo[n], bHi, bLo, carry, setFlags); s.pc += 4; };
  return (s) => { addWithCarry32(s, d, s.lo[n], bLo, carry, setFlags); s.pc += 4; };
}

/** ADD/SUB (shifted register): all registers are XZR when 31. */
function addSubShifted(f: Fields, z: Size, a: ArithOp): Op {
  const d = wx(f.d), n = rx(f.n), m = rx(f.m), type = f.t, k = f.i;
  const inv = invertOf(a), carry = carryOf(a), setFlags = a.setFlags;
  if (z.is64) {
    if (k === 0) return (s) => { addWithCarry64(s, d, s.hi[n], s.lo[n], s.hi[m] ^ inv, s.lo[m] ^ inv, carry, setFlags); s.pc += 4; };
    return (s) => {
      shift64(s.hi[m], s.lo[m], type, k);
      addWithCarry64(s, d, s.hi[n], s.lo[n], r64.hi ^ inv, r64.lo ^ inv, carry, setFlags);
      s.pc += 4;
    };
  }
  if (k === 0) return (s) => { addWithCarry32(s, d, s.lo[n], s.lo[m] ^ inv, carry, setFlags); s.pc += 4; };
  return (s) => { addWithCarry32(s, d, s.lo[n], shift32(s.lo[m], type, k) ^ inv, carry, setFlags); s.pc += 4; };
}

/** ExtendReg of the pseudocode on a 64-bit register: UXTB..UXTX, SXTB..SXTX by option, then LSL #shift; into r64. */
function extendReg64(hi: number, lo: number, option: number, shift: number): void {
  switch (option) {
    case 0: lo &= 0xff; hi = 0; break;
    case 1: lo &= 0xffff; hi = 0; break;
    case 2: hi = 0; break;
    case 4: lo = (lo << 24) >> 24; hi = lo >> 31; break;
    case 5: lo = (lo << 16) >> 16; hi = lo >> 31; break;
    case 6: hi = lo >> 31; break;
    default: break;
  }
  shl64(hi, lo, shift);
}

/** ExtendReg on a 32-bit register (UXTW/UXTX/SXTW/SXTX leave it as it is). */
function extendReg32(x: number, option: number, shift: number): number {
  switch (option) {
    case 0: x &= 0xff; break;
    case 1: x &= 0xffff; break;
    case 4: x = (x << 24) >> 24; break;
    case 5: x = (x << 16) >> 16; break;
    default: break;
  }
  return x << shift;
}

/** ADD/SUB (extended register): Rn is SP when 31, and so is Rd unless the flags are set. */
function addSubExtended(f: Fields, z: Size, a: ArithOp): Op {
  const n = rxsp(f.n), m = rx(f.m), d = a.setFlags ? wx(f.d) : rxsp(f.d), option = f.o, k = f.i;
  const inv = invertOf(a), carry = carryOf(a), setFlags = a.setFlags;
  if (z.is64) {
    return (s) => {
      extendReg64(s.hi[m], s.lo[m], option, k);
      addWithCarry64(s, d, s.hi[n], s.lo[n], r64.hi ^ inv, r64.lo ^ inv, carry, setFlags);
      s.pc += 4;
    };
  }
  return (s) => { addWithCarry32(s, d, s.lo[n], extendReg32(s.lo[m], option, k) ^ inv, carry, setFlags); s.pc += 4; };
}

/** ADC/SBC: AddWithCarry with the carry flag as carry-in. */
function addSubCarry(f: Fields, z: Size, a: ArithOp): Op {
  const d = wx(f.d), n = rx(f.n), m = rx(f.m), inv = invertOf(a), setFlags = a.setFlags;
  if (z.is64) return (s: CpuState) => { addWithCarry64(s, d, s.hi[n], s.lo[n], s.hi[m] ^ inv, s.lo[m] ^ inv, s.c, setFlags); s.pc += 4; };
  return (s: CpuState) => { addWithCarry32(s, d, s.lo[n], s.lo[m] ^ inv, s.c, setFlags); s.pc += 4; };
}

// ---- rows -----------------------------------------------------------------------------------------

/** Add/subtract (immediate): sf op S 100010 sh imm12 Rn Rd. */
const immediateRows = (z: Size): InsnDef[] => {
  const pattern = (a: ArithOp, rd = 'ddddd') => `${z.sf}${a.op}${a.S}100010 s iiiiiiiiiiii nnnnn ${rd}`;
  const exec = (a: ArithOp) => (f: Fields) => addSubImmediate(f, z, a);
  const imm = `{U:i}{LslImm12:s}`;
  return [
    // MOV (to/from SP) is ADD #0 when either register is SP.
    { id: `MOV_sp_${z.id}`, pattern: `${z.sf}00100010 0 000000000000 nnnnn ddddd`, syntax: `mov {${z.RSP}:d}, {${z.RSP}:n}`,
      when: (f) => f.d === 31 || f.n === 31, exec: (f) => addSubImmediate({ ...f, i: 0, s: 0 }, z, ADD) },
    { id: `CMP_imm_${z.id}`, pattern: pattern(SUBS, '11111'), syntax: `cmp {${z.RSP}:n}, ${imm}`, exec: (f) => addSubImmediate({ ...f, d: 31 }, z, SUBS) },
    { id: `CMN_imm_${z.id}`, pattern: pattern(ADDS, '11111'), syntax: `cmn {${z.RSP}:n}, ${imm}`, exec: (f) => addSubImmediate({ ...f, d: 31 }, z, ADDS) },
    ...ARITH.map((a): InsnDef => ({
      id: `${upper(a)}_imm_${z.id}`, pattern: pattern(a), exec: exec(a),
      syntax: `${a.mnemonic} {${a.setFlags ? z.R : z.RSP}:d}, {${z.RSP}:n}, ${imm}`,
    })),
  ];
};

/** Add/subtract (shifted register): sf op S 01011 shift 0 Rm imm6 Rn Rd; shift = ROR is reserved. */
const shiftedRows = (z: Size): InsnDef[] => {
  const pattern = (a: ArithOp, rn = 'nnnnn', rd = 'ddddd') => `${z.sf}${a.op}${a.S}01011 tt0 mmmmm ${z.six('i')} ${rn} ${rd}`;
  const exec = (a: ArithOp) => (f: Fields) => addSubShifted({ n: 31, d: 31, ...f }, z, a);
  const when = (f: Fields) => f.t !== 3;
  const rm = `{${z.R}:m}{ShiftArith:ti}`;
  return [
    // CMP before NEGS: `subs xzr, xzr, x1` prints as `cmp xzr, x1`.
    { id: `CMP_sreg_${z.id}`, pattern: pattern(SUBS, 'nnnnn', '11111'), syntax: `cmp {${z.R}:n}, ${rm}`, when, exec: exec(SUBS) },
    { id: `CMN_sreg_${z.id}`, pattern: pattern(ADDS, 'nnnnn', '11111'), syntax: `cmn {${z.R}:n}, ${rm}`, when, exec: exec(ADDS) },
    { id: `NEG_sreg_${z.id}`, pattern: pattern(SUB, '11111'), syntax: `neg {${z.R}:d}, ${rm}`, when, exec: exec(SUB) },
    { id: `NEGS_sreg_${z.id}`, pattern: pattern(SUBS, '11111'), syntax: `negs {${z.R}:d}, ${rm}`, when, exec: exec(SUBS) },
    ...ARITH.map((a): InsnDef => ({
      id: `${upper(a)}_sreg_${z.id}`, pattern: pattern(a), when, exec: exec(a),
      syntax: `${a.mnemonic} {${z.R}:d}, {${z.R}:n}, ${rm}`,
    })),
  ];
};

/**
 * Add/subtract (extended register): sf op S 01011 00 1 Rm option imm3 Rn Rd; imm3 > 4 is reserved.
 * 64-bit rows name Rm as X for UXTX/SXTX and as W otherwise, so each gets a row of its own.
 */
const extendedRows = (z: Size): InsnDef[] => {
  const rmForms = z.is64
    ? [{ kind: 'X', suffix: '', ok: (o: number) => (o & 3) === 3 }, { kind: 'W', suffix: 'w', ok: (o: number) => (o & 3) !== 3 }]
    : [{ kind: 'W', suffix: '', ok: () => true }];
  const extend = z.is64 ? 'Extend64' : 'Extend32';
  return rmForms.flatMap(({ kind, suffix, ok }) => {
    const pattern = (a: ArithOp, rd = 'ddddd') => `${z.sf}${a.op}${a.S}01011 001 mmmmm ooo iii nnnnn ${rd}`;
    const exec = (a: ArithOp) => (f: Fields) => addSubExtended({ d: 31, ...f }, z, a);
    const when = (f: Fields) => f.i <= 4 && ok(f.o);
    const id = (name: string) => `${name}_ereg_${z.id}${suffix}`;
    return [
      { id: id('CMP'), pattern: pattern(SUBS, '11111'), syntax: `cmp {${z.RSP}:n}, {${kind}:m}{${extend}:oin}`, when, exec: exec(SUBS) },
      { id: id('CMN'), pattern: pattern(ADDS, '11111'), syntax: `cmn {${z.RSP}:n}, {${kind}:m}{${extend}:oin}`, when, exec: exec(ADDS) },
      ...ARITH.map((a): InsnDef => ({
        id: id(upper(a)), pattern: pattern(a), when, exec: exec(a),
        // Rd is SP only without flags, and only then does it choose the `lsl` spelling.
        syntax: a.setFlags
          ? `${a.mnemonic} {${z.R}:d}, {${z.RSP}:n}, {${kind}:m}{${extend}:oin}`
          : `${a.mnemonic} {${z.RSP}:d}, {${z.RSP}:n}, {${kind}:m}{${extend}:oidn}`,
      })),
    ];
  });
};

/** Add/subtract (with carry): sf op S 11010000 Rm 000000 Rn Rd. NGC/NGCS are SBC/SBCS from XZR. */
const carryRows = (z: Size): InsnDef[] => {
  const pattern = (a: ArithOp, rn = 'nnnnn') => `${z.sf}${a.op}${a.S}11010000 mmmmm 000000 ${rn} ddddd`;
  const exec = (a: ArithOp) => (f: Fields) => addSubCarry({ n: 31, ...f }, z, a);
  const name = (a: ArithOp) => a.mnemonic.replace('add', 'adc').replace('sub', 'sbc');
  return [
    { id: `NGC_${z.id}`, pattern: pattern(SUB, '11111'), syntax: `ngc {${z.R}:d}, {${z.R}:m}`, exec: exec(SUB) },
    { id: `NGCS_${z.id}`, pattern: pattern(SUBS, '11111'), syntax: `ngcs {${z.R}:d}, {${z.R}:m}`, exec: exec(SUBS) },
    ...ARITH.map((a): InsnDef => ({
      id: `${name(a).toUpperCase()}_${z.id}`, pattern: pattern(a), exec: exec(a),
      syntax: `${name(a)} {${z.R}:d}, {${z.R}:n}, {${z.R}:m}`,
    })),
  ];
};

export const rows: InsnDef[] = bothSizes((z) => [...immediateRows(z), ...shiftedRows(z), ...extendedRows(z), ...carryRows(z)]);
