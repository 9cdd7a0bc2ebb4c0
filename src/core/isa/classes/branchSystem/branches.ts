/**
 * Branches (Arm ARM C4.1.65): B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET, and ERET/DRPS (UNDEFINED at EL0).
 * PC-relative targets print as llvm-mc prints raw words (`b #8`, the offset from the branch); the assembler
 * also takes labels, resolved against the instruction's address.
 */
import { conditionHolds } from '../../../bits/condition.ts';
import { splitHi } from '../../../bits/int64.ts';
import { GuestException } from '../../../cpu/exceptions.ts';
import type { CpuState } from '../../../cpu/state.ts';
import { rx } from '../../../cpu/state.ts';
import { bit, TCR } from '../../../cpu/sysregs.ts';
import { defineOperandKinds, OperandError, parseImmediate, signExtendField, storeSigned } from '../../operands.ts';
import type { Fields, InsnDef, Op, OperandContext } from '../../types.ts';
import { alwaysUndefined } from './common.ts';

const LABEL = /^[a-z_.$][\w.$]*/;

/** Byte offset of a branch target: an immediate (`#-8`) or a label relative to the instruction. */
function targetOffset(text: string, ctx: OperandContext): [number, number, string] | null {
  const label = LABEL.exec(text);
  if (label) {
    const address = ctx.labels?.get(label[0]);
    if (address === undefined) throw new OperandError(`undefined label "${label[0]}"`);
    return [address - ctx.pc, label[0].length, `label "${label[0]}"`];
  }
  const imm = parseImmediate(text);
  return imm && [imm[0], imm[1], `offset ${imm[0]}`];
}

defineOperandKinds({
  /** A PC-relative branch target: signed field × 4. Out-of-range or misaligned targets are errors. */
  BranchTarget: {
    print: (f, l, ctx) => `#${signExtendField(f, l, ctx) * 4}`,
    parse(text, l, f, ctx) {
      const t = targetOffset(text, ctx);
      if (!t) return -1;
      const [offset, length, what] = t;
      if (offset % 4 !== 0) throw new OperandError(`branch ${what} is ${offset} bytes away, not a multiple of 4`);
      if (!storeSigned(f, l, offset / 4, ctx)) {
        const reach = 2 ** (ctx.fieldWidth(l[0]) + 1);
        throw new OperandError(`branch ${what} is ${offset} bytes away, out of range: this branch reaches ${-reach} to +${reach - 4}`);
      }
      return length;
    },
  },
  /** TBZ/TBNZ bit number of the X form: b5=1, so the field holds bit − 32. */
  TestBitHigh: {
    print: (f, l) => `#${32 + f[l[0]]}`,
    parse(text, l, f) {
      const p = parseImmediate(text);
      if (!p || p[0] < 32 || p[0] > 63) return -1;
      f[l[0]] = p[0] - 32;
      return p[1];
    },
  },
});

// ---- BranchTo ------------------------------------------------------------------------------------

/** X30 := the address of the next instruction (BL, BLR). */
function link(s: CpuState): void {
  const ret = s.pc + 4;
  s.lo[30] = ret | 0;
  s.hi[30] = splitHi(ret);
}

/**
 * BranchAddr (Arm ARM J1, shared/functions/memory) for EL0/EL1 on a PE without FEAT_PAuth, given bits 63:32 of
 * a target whose bits 63:55 are not all equal. AddrTop is 55 when TBI applies to the target's half (TBID
 * only matters with FEAT_PAuth): bits 63:56 become copies of bit 55. Without TBI the address is kept.
 */
function branchAddrHi(s: CpuState, hi: number): number {
  const upper = (hi >>> 23) & 1;
  if (bit(s.sys.TCR_EL1, upper ? TCR.TBI1 : TCR.TBI0) === 0) return hi;
  return upper ? hi | 0xff000000 : hi & 0x00ffffff;
}

/** PC values are JS numbers: exact while bits 63:53 of the address are all equal. */
const PC_HI_LIMIT = 0x200000;

/**
 * BranchTo a register's value. A target that no PC number can hold exactly lies outside every 48-bit (and
 * 52-bit) translation range, so its fetch is a level-0 translation fault: raise it here with the exact
 * address, as the fetch would.
 */
function branchToRegister(s: CpuState, hi: number, lo: number): void {
  const top = hi >> 23;
  if (top !== 0 && top !== -1) hi = branchAddrHi(s, hi);
  s.pc = hi * 4294967296 + (lo >>> 0);
  // Two faults belong to the fetch at the target, not to the branch, yet are raised here: a misaligned
  // PC (the run loop checks alignment only when it enters a new page) and a target no translation
  // regime can reach (the PC cannot hold it exactly). Either way the branch itself has retired.
  const aligned = (lo & 3) === 0;
  const reachable = hi >= -PC_HI_LIMIT && hi < PC_HI_LIMIT;
  if (aligned && reachable) return;
  s.instret++;
  if (!aligned) throw new GuestException({ kind: 'pcAlignment', pc: s.pc });
  const va = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  throw new GuestException({ kind: 'instructionAbort', fault: { type: 'translation', stage: 1, level: 0, va, write: false, fetch: true } });
}

// ---- executors -----------------------------------------------------------------------------------

/** B and BL: PC := PC + offset. */
function branchImm(f: Fields, withLink: boolean): Op {
  const offset = (f.i >= 2 ** 25 ? f.i - 2 ** 26 : f.i) * 4;
  if (withLink) return (s) => { link(s); s.pc += offset; };
  return (s) => { s.pc += offset; };
}

const offset19 = (i: number): number => (i >= 2 ** 18 ? i - 2 ** 19 : i) * 4;

function branchCond(f: Fields): Op {
  const offset = offset19(f.i);
  const cond = f.c;
  return (s) => { s.pc += conditionHolds(s, cond) ? offset : 4; };
}

/** CBZ/CBNZ: branch when Rt is (not) zero; the W form looks at the low half only. */
function compareBranch(f: Fields, is64: boolean, nonZero: boolean): Op {
  const offset = offset19(f.i);
  const t = rx(f.t);
  if (is64) return (s) => { s.pc += ((s.lo[t] | s.hi[t]) !== 0) === nonZero ? offset : 4; };
  return (s) => { s.pc += (s.lo[t] !== 0) === nonZero ? offset : 4; };
}

/** TBZ/TBNZ: branch when bit `bitPos` of Rt is (not) zero. */
function testBranch(f: Fields, bitPos: number, nonZero: boolean): Op {
  const offset = (f.i >= 2 ** 13 ? f.i - 2 ** 14 : f.i) * 4;
  const t = rx(f.t);
  const high = bitPos >= 32;
  const shift = bitPos & 31;
  return (s) => {
    const b = ((high ? s.hi[t] : s.lo[t]) >>> shift) & 1;
    s.pc += (b === 1) === nonZero ? offset : 4;
  };
}

/** BR, BLR, RET: the target is read before BLR writes X30 (BLR X30 branches to the old X30). */
function branchReg(f: Fields, withLink: boolean): Op {
  const n = rx(f.n);
  return (s) => {
    const hi = s.hi[n];
    const lo = s.lo[n];
    if (withLink) link(s);
    branchToRegister(s, hi, lo);
  };
}

// ---- rows ----------------------------------------------------------------------------------------

const target = '{BranchTarget:i}';

export const rows: InsnDef[] = [
  { id: 'B', pattern: '000101iiiiiiiiiiiiiiiiiiiiiiiiii', syntax: `b ${target}`, exec: (f) => branchImm(f, false) },
  { id: 'BL', pattern: '100101iiiiiiiiiiiiiiiiiiiiiiiiii', syntax: `bl ${target}`, exec: (f) => branchImm(f, true) },
  { id: 'B_cond', pattern: '01010100iiiiiiiiiiiiiiiiiii0cccc', syntax: `b.{Cond:c} ${target}`, exec: branchCond },
  ...[false, true].flatMap((nonZero): InsnDef[] => {
    const name = nonZero ? 'cbnz' : 'cbz';
    const op = nonZero ? '1' : '0';
    return [
      { id: `${name.toUpperCase()}_32`, pattern: `0011010${op}iiiiiiiiiiiiiiiiiiittttt`, syntax: `${name} {W:t}, ${target}`,
        exec: (f) => compareBranch(f, false, nonZero) },
      { id: `${name.toUpperCase()}_64`, pattern: `1011010${op}iiiiiiiiiiiiiiiiiiittttt`, syntax: `${name} {X:t}, ${target}`,
        exec: (f) => compareBranch(f, true, nonZero) },
    ];
  }),
  ...[false, true].flatMap((nonZero): InsnDef[] => {
    const name = nonZero ? 'tbnz' : 'tbz';
    const op = nonZero ? '1' : '0';
    return [
      { id: `${name.toUpperCase()}_W`, pattern: `0011011${op}bbbbbiiiiiiiiiiiiiittttt`, syntax: `${name} {W:t}, {U:b}, ${target}`,
        exec: (f) => testBranch(f, f.b, nonZero) },
      { id: `${name.toUpperCase()}_X`, pattern: `1011011${op}bbbbbiiiiiiiiiiiiiittttt`, syntax: `${name} {X:t}, {TestBitHigh:b}, ${target}`,
        exec: (f) => testBranch(f, 32 + f.b, nonZero) },
      // llvm-mc also accepts an X register with a bit below 32 and encodes the W form.
      { id: `${name.toUpperCase()}_X_low`, pattern: `0011011${op}bbbbbiiiiiiiiiiiiiittttt`, syntax: `${name} {X:t}, {U:b}, ${target}`,
        noPrint: true, exec: (f) => testBranch(f, f.b, nonZero) },
    ];
  }),
  { id: 'BR', pattern: '1101011000011111000000nnnnn00000', syntax: 'br {X:n}', exec: (f) => branchReg(f, false) },
  { id: 'BLR', pattern: '1101011000111111000000nnnnn00000', syntax: 'blr {X:n}', exec: (f) => branchReg(f, true) },
  { id: 'RET_x30', pattern: '11010110010111110000001111000000', syntax: 'ret', exec: () => branchReg({ n: 30 }, false) },
  { id: 'RET', pattern: '1101011001011111000000nnnnn00000', syntax: 'ret {X:n}', exec: (f) => branchReg(f, false) },
  { id: 'ERET', pattern: '11010110100111110000001111100000', syntax: 'eret', exec: alwaysUndefined('ERET is UNDEFINED at EL0') },
  { id: 'DRPS', pattern: '11010110101111110000001111100000', syntax: 'drps', exec: alwaysUndefined('DRPS is UNDEFINED outside Debug state') },
];
