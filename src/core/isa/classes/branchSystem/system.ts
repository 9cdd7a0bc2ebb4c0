/**
 * System register moves and system instructions (Arm ARM C4.1.66): MRS, MSR (register), SYS with its DC, IC,
 * AT and TLBI aliases, and SYSL. Register access rules live in src/core/cpu/sysregAccess.ts; the names printed
 * are llvm-mc's (sysregNames.ts). DC ZVA, DC GVA and DC GZVA are rows of the MTE class (mte.ts).
 */
import { undefinedInstruction } from '../../../cpu/exceptions.ts';
import { genericSysRegName, sysRegAccessDenied, sysRegAt, sysRegKey } from '../../../cpu/sysregAccess.ts';
import { rx, wx } from '../../../cpu/state.ts';
import { bit, SCTLR } from '../../../cpu/sysregs.ts';
import { AccessKind } from '../../../mte/check.ts';
import { defineOperandKinds, operandKind } from '../../operands.ts';
import type { Fields, InsnDef, Op, OperandKind } from '../../types.ts';
import { alwaysUndefined } from './common.ts';
import { readNames, writeNames } from './sysregNames.ts';

// ---- operands ------------------------------------------------------------------------------------

const GENERIC = /^s([0-3])_([0-7])_c(\d{1,2})_c(\d{1,2})_([0-7])/;
const keyOf = (f: Fields, l: string): number => sysRegKey(f[l[0]], f[l[1]], f[l[2]], f[l[3]], f[l[4]]);

/** A system register operand over the fields op0, op1, CRn, CRm, op2 (in that letter order). */
function sysRegOperand(names: ReadonlyMap<number, string>): OperandKind {
  const byName = new Map([...names].map(([key, name]) => [name.toLowerCase(), key]));
  return {
    print(f, l) {
      return names.get(keyOf(f, l)) ?? genericSysRegName(f[l[0]], f[l[1]], f[l[2]], f[l[3]], f[l[4]]);
    },
    parse(text, l, f) {
      const g = GENERIC.exec(text);
      if (g) {
        const [op0, op1, crn, crm, op2] = g.slice(1).map(Number);
        if (crn > 15 || crm > 15) return -1;
        Object.assign(f, { [l[0]]: op0, [l[1]]: op1, [l[2]]: crn, [l[3]]: crm, [l[4]]: op2 });
        return g[0].length;
      }
      const name = /^\w+/.exec(text)?.[0] ?? '';
      const key = byName.get(name);
      if (key === undefined) return -1;
      Object.assign(f, { [l[0]]: key >> 14, [l[1]]: (key >> 11) & 7, [l[2]]: (key >> 7) & 15, [l[3]]: (key >> 3) & 15, [l[4]]: key & 7 });
      return name.length;
    },
  };
}

defineOperandKinds({
  SysRegRead: sysRegOperand(readNames),
  SysRegWrite: sysRegOperand(writeNames),
  /** `Cn` of SYS/SYSL. */
  SysCr: {
    print: (f, l) => `c${f[l[0]]}`,
    parse(text, l, f) {
      const m = /^c(\d{1,2})/.exec(text);
      if (!m || Number(m[1]) > 15) return -1;
      f[l[0]] = Number(m[1]);
      return m[0].length;
    },
  },
  /** SYS's optional `, Xt`: omitted when Rt is 31. */
  SysXt: {
    print: (f, l) => (f[l[0]] === 31 ? null : `, x${f[l[0]]}`),
    parse(text, l, f, ctx) {
      if (!text.startsWith(',')) { f[l[0]] = 31; return 0; }
      const n = operandKind('X').parse(text.slice(1), l, f, ctx);
      return n < 0 ? -1 : n + 1;
    },
  },
});

// ---- MRS and MSR -----------------------------------------------------------------------------------

function mrs(f: Fields, word: number): Op {
  const key = sysRegKey(f.o, f.p, f.n, f.m, f.q);
  const def = sysRegAt(key);
  const t = wx(f.t);
  if (def === undefined) {
    return alwaysUndefined(`MRS of ${readNames.get(key) ?? genericSysRegName(f.o, f.p, f.n, f.m, f.q)}: no such register at EL0`)(f, word);
  }
  return (s) => {
    const denied = sysRegAccessDenied(s, def, false);
    if (denied !== null) throw undefinedInstruction(word, `MRS: ${denied}`);
    s.setX(t, def.read!(s));
    s.pc += 4;
  };
}

function msr(f: Fields, word: number): Op {
  const key = sysRegKey(f.o, f.p, f.n, f.m, f.q);
  const def = sysRegAt(key);
  const t = rx(f.t);
  if (def === undefined) {
    return alwaysUndefined(`MSR to ${writeNames.get(key) ?? genericSysRegName(f.o, f.p, f.n, f.m, f.q)}: no such register at EL0`)(f, word);
  }
  return (s) => {
    const denied = sysRegAccessDenied(s, def, true);
    if (denied !== null) throw undefinedInstruction(word, `MSR: ${denied}`);
    def.write!(s, s.getX(t));
    s.pc += 4;
  };
}

// ---- SYS and its aliases -----------------------------------------------------------------------------

/**
 * `user`: cache maintenance by VA that EL0 may issue when SCTLR_EL1.UCI = 1; with no caches modelled it
 * translates the address as a read (faulting as a read would) and does nothing else.
 * `privileged`: UNDEFINED at EL0, and EL1 system instructions are not modelled (the OS runs natively).
 */
type SysOpEffect = 'user' | 'privileged';

interface SysOp {
  mnemonic: 'dc' | 'ic' | 'at' | 'tlbi';
  op: string;
  op1: number;
  crn: number;
  crm: number;
  op2: number;
  /** Takes Xt; the others ignore Rt and assemble it as 31. */
  register: boolean;
  effect: SysOpEffect;
  /** llvm-mc prints the alias with our features; otherwise the encoding prints as `sys`. */
  named: boolean;
}

const sysOp = (mnemonic: SysOp['mnemonic'], op: string, [op1, crn, crm, op2]: number[], effect: SysOpEffect,
  { register = true, named = true } = {}): SysOp => ({ mnemonic, op, op1, crn, crm, op2, register, effect, named });

const SYS_OPS: SysOp[] = [
  sysOp('ic', 'ialluis', [0, 7, 1, 0], 'privileged', { register: false }),
  sysOp('ic', 'iallu', [0, 7, 5, 0], 'privileged', { register: false }),
  sysOp('ic', 'ivau', [3, 7, 5, 1], 'user'),
  ...(['ivac', 'isw', 'igvac', 'igsw', 'igdvac', 'igdsw'] as const).map((op, i) =>
    sysOp('dc', op, [0, 7, 6, i + 1], 'privileged')),
  ...([['csw', 10, 2], ['cgsw', 10, 4], ['cgdsw', 10, 6], ['cisw', 14, 2], ['cigsw', 14, 4], ['cigdsw', 14, 6]] as const)
    .map(([op, crm, op2]) => sysOp('dc', op, [0, 7, crm, op2], 'privileged')),
  // By VA to the points of coherency, unification and persistence; the G forms also clean tags (FEAT_MTE2).
  ...([['cvac', 10, 1], ['cgvac', 10, 3], ['cgdvac', 10, 5], ['cvau', 11, 1], ['cgvap', 12, 3], ['cgdvap', 12, 5],
    ['cgvadp', 13, 3], ['cgdvadp', 13, 5], ['civac', 14, 1], ['cigvac', 14, 3], ['cigdvac', 14, 5]] as const)
    .map(([op, crm, op2]) => sysOp('dc', op, [3, 7, crm, op2], 'user')),
  // FEAT_DPB and FEAT_DPB2 (ID_AA64ISAR1_EL1.DPB = 2): llvm-mc names them only with +ccpp/+ccdp.
  sysOp('dc', 'cvap', [3, 7, 12, 1], 'user', { named: false }),
  sysOp('dc', 'cvadp', [3, 7, 13, 1], 'user', { named: false }),
  ...([['s1e1r', 0, 0], ['s1e1w', 0, 1], ['s1e0r', 0, 2], ['s1e0w', 0, 3], ['s1e2r', 4, 0], ['s1e2w', 4, 1],
    ['s12e1r', 4, 4], ['s12e1w', 4, 5], ['s12e0r', 4, 6], ['s12e0w', 4, 7], ['s1e3r', 6, 0], ['s1e3w', 6, 1]] as const)
    .map(([op, op1, op2]) => sysOp('at', op, [op1, 7, 8, op2], 'privileged')),
  ...tlbiOps(),
];

/** TLBI operations: EL1 ones (op1 0), EL2 ones (op1 4) and EL3 ones (op1 6), each also Inner Shareable (CRm 3). */
function tlbiOps(): SysOp[] {
  const local: [string, number, number, boolean][] = [
    ['vmalle1', 0, 0, false], ['vae1', 0, 1, true], ['aside1', 0, 2, true], ['vaae1', 0, 3, true],
    ['vale1', 0, 5, true], ['vaale1', 0, 7, true], ['alle2', 4, 0, false], ['vae2', 4, 1, true],
    ['alle1', 4, 4, false], ['vale2', 4, 5, true], ['vmalls12e1', 4, 6, false], ['alle3', 6, 0, false],
    ['vae3', 6, 1, true], ['vale3', 6, 5, true],
  ];
  const ops = local.flatMap(([op, op1, op2, register]) => [
    sysOp('tlbi', op, [op1, 8, 7, op2], 'privileged', { register }),
    sysOp('tlbi', `${op}is`, [op1, 8, 3, op2], 'privileged', { register }),
  ]);
  for (const [op, crm, op2] of [['ipas2e1is', 0, 1], ['ipas2le1is', 0, 5], ['ipas2e1', 4, 1], ['ipas2le1', 4, 5]] as const) {
    ops.push(sysOp('tlbi', op, [4, 8, crm, op2], 'privileged'));
  }
  return ops;
}

const sysKey = (op1: number, crn: number, crm: number, op2: number): number => sysRegKey(1, op1, crn, crm, op2);
/** Encodings the MTE class owns (DC ZVA, DC GVA, DC GZVA): the `sys` fallback must not print them. */
const MTE_OWNED = new Set([[3, 7, 4, 1], [3, 7, 4, 3], [3, 7, 4, 4]].map(([op1, crn, crm, op2]) => sysKey(op1, crn, crm, op2)));
const SYS_BY_KEY = new Map(SYS_OPS.map((o) => [sysKey(o.op1, o.crn, o.crm, o.op2), o]));

function sysOpExec(o: SysOp, f: Fields, word: number): Op {
  const name = `${o.mnemonic.toUpperCase()} ${o.op.toUpperCase()}`;
  if (o.effect === 'privileged') return alwaysUndefined(`${name} is UNDEFINED at EL0 (EL1 system instructions are not modelled)`)(f, word);
  const t = rx(f.t);
  const e = undefinedInstruction(word, `${name} at EL0 needs SCTLR_EL1.UCI = 1`);
  return (s) => {
    if (s.el === 0 && bit(s.sys.SCTLR_EL1, SCTLR.UCI) === 0) throw e;
    s.bus.physicalAddress(s.hi[t], s.lo[t], AccessKind.Read);
    s.pc += 4;
  };
}

function sys(f: Fields, word: number): Op {
  const o = SYS_BY_KEY.get(sysKey(f.p, f.n, f.m, f.q));
  if (o) return sysOpExec(o, f, word);
  return alwaysUndefined(`SYS #${f.p}, C${f.n}, C${f.m}, #${f.q} is not an implemented system instruction`)(f, word);
}

const bits = (v: number, width: number): string => v.toString(2).padStart(width, '0');

const aliasRows = SYS_OPS.filter((o) => o.named).map((o): InsnDef => ({
  id: `${o.mnemonic.toUpperCase()}_${o.op.toUpperCase()}`,
  pattern: `1101010100001${bits(o.op1, 3)}${bits(o.crn, 4)}${bits(o.crm, 4)}${bits(o.op2, 3)}ttttt`,
  syntax: o.register ? `${o.mnemonic} ${o.op}, {X:t}` : `${o.mnemonic} ${o.op}`,
  ...(o.register ? {} : { fixed: { t: 31 } }),
  exec: (f, word) => sysOpExec(o, f, word),
}));

export const rows: InsnDef[] = [
  ...aliasRows,
  { id: 'SYS', pattern: '1101010100001pppnnnnmmmmqqqttttt', syntax: 'sys {U:p}, {SysCr:n}, {SysCr:m}, {U:q}{SysXt:t}',
    when: (f) => !MTE_OWNED.has(sysKey(f.p, f.n, f.m, f.q)), exec: sys },
  { id: 'SYSL', pattern: '1101010100101pppnnnnmmmmqqqttttt', syntax: 'sysl {X:t}, {U:p}, {SysCr:n}, {SysCr:m}, {U:q}',
    exec: alwaysUndefined('SYSL is UNDEFINED at EL0') },
  // op0 = 1 is SYS/SYSL; llvm-mc prints every other encoding of the space as MRS/MSR, named or generic.
  { id: 'MRS', pattern: '11010101001oopppnnnnmmmmqqqttttt', syntax: 'mrs {X:t}, {SysRegRead:opnmq}', when: (f) => f.o !== 1, exec: mrs },
  { id: 'MSR_reg', pattern: '11010101000oopppnnnnmmmmqqqttttt', syntax: 'msr {SysRegWrite:opnmq}, {X:t}', when: (f) => f.o !== 1, exec: msr },
];
