/**
 * Conditional compare and conditional select (Arm ARM C4.1, Data Processing -- Register: "Conditional
 * compare (register)", "Conditional compare (immediate)", "Conditional select").
 */
import { conditionHolds } from '../../../bits/condition.ts';
import { addWithCarry32, addWithCarry64 } from '../../../bits/int64.ts';
import { rx, wx, ZR_DEST } from '../../../cpu/state.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { bothSizes, type Size } from './sizes.ts';

// ---- executors ------------------------------------------------------------------------------------

/**
 * CCMP/CCMN: when the condition holds, NZCV from Rn - operand (CCMP) or Rn + operand (CCMN);
 * otherwise NZCV from the instruction's #nzcv. The operand is Rm, or imm5 in the immediate form.
 */
function conditionalCompare(f: Fields, z: Size, sub: boolean, immediate: boolean): Op {
  const n = rx(f.n), m = rx(f.m ?? 31), cond = f.c, nzcv = f.f << 28;
  const inv = sub ? -1 : 0, carry = sub ? 1 : 0, bLo = (f.i ?? 0) ^ inv, bHi = inv;
  if (z.is64) {
    if (immediate) return (s) => { if (conditionHolds(s, cond)) addWithCarry64(s, ZR_DEST, s.hi[n], s.lo[n], bHi, bLo, carry, true); else s.nzcv = nzcv; s.pc += 4; };
    return (s) => { if (conditionHolds(s, cond)) addWithCarry64(s, ZR_DEST, s.hi[n], s.lo[n], s.hi[m] ^ inv, s.lo[m] ^ inv, carry, true); else s.nzcv = nzcv; s.pc += 4; };
  }
  if (immediate) return (s) => { if (conditionHolds(s, cond)) addWithCarry32(s, ZR_DEST, s.lo[n], bLo, carry, true); else s.nzcv = nzcv; s.pc += 4; };
  return (s) => { if (conditionHolds(s, cond)) addWithCarry32(s, ZR_DEST, s.lo[n], s.lo[m] ^ inv, carry, true); else s.nzcv = nzcv; s.pc += 4; };
}

/** What CSEL and its relatives make of Rm when the condition fails. */
const SELECT = 0, INCREMENT = 1, INVERT = 2, NEGATE = 3;

/** CSEL/CSINC/CSINV/CSNEG: Rn when the condition holds, else Rm, Rm + 1, NOT Rm or -Rm. */
function conditionalSelect(f: Fields, z: Size, kind: number): Op {
  const d = wx(f.d), n = rx(f.n), m = rx(f.m), cond = f.c;
  if (!z.is64) {
    return (s) => {
      if (conditionHolds(s, cond)) s.lo[d] = s.lo[n];
      else {
        const x = s.lo[m];
        s.lo[d] = kind === INCREMENT ? (x + 1) | 0 : kind === INVERT ? ~x : kind === NEGATE ? -x | 0 : x;
      }
      s.hi[d] = 0;
      s.pc += 4;
    };
  }
  return (s) => {
    if (conditionHolds(s, cond)) {
      s.hi[d] = s.hi[n];
      s.lo[d] = s.lo[n];
    } else {
      const hi = s.hi[m], lo = s.lo[m];
      switch (kind) {
        case INCREMENT: { const l = (lo + 1) | 0; s.lo[d] = l; s.hi[d] = (hi + (l === 0 ? 1 : 0)) | 0; break; }
        case INVERT: s.lo[d] = ~lo; s.hi[d] = ~hi; break;
        case NEGATE: { const l = -lo | 0; s.lo[d] = l; s.hi[d] = (~hi + (l === 0 ? 1 : 0)) | 0; break; }
        default: s.lo[d] = lo; s.hi[d] = hi;
      }
    }
    s.pc += 4;
  };
}

// ---- rows -----------------------------------------------------------------------------------------

/** Conditional compare: sf op 1 11010010 (Rm | imm5) cond o 0 Rn 0 nzcv, o = 1 for the immediate form. */
const compareRows = (z: Size): InsnDef[] =>
  (['ccmn', 'ccmp'] as const).flatMap((mnemonic, op): InsnDef[] => {
    const sub = op === 1;
    return [
      { id: `${mnemonic.toUpperCase()}_reg_${z.id}`, pattern: `${z.sf}${op}111010010 mmmmm cccc 00 nnnnn 0 ffff`,
        syntax: `${mnemonic} {${z.R}:n}, {${z.R}:m}, {U:f}, {Cond:c}`, exec: (f) => conditionalCompare(f, z, sub, false) },
      { id: `${mnemonic.toUpperCase()}_imm_${z.id}`, pattern: `${z.sf}${op}111010010 iiiii cccc 10 nnnnn 0 ffff`,
        syntax: `${mnemonic} {${z.R}:n}, {U:i}, {U:f}, {Cond:c}`, exec: (f) => conditionalCompare(f, z, sub, true) },
    ];
  });

/**
 * Conditional select: sf op 0 11010100 Rm cond 0 o2 Rn Rd. The aliases take the inverted condition and
 * exist only for conditions other than AL and NV: CSET/CSETM when Rn = Rm = XZR, CINC/CINV/CNEG when Rn = Rm.
 */
const selectRows = (z: Size): InsnDef[] => {
  const forms = [
    { mnemonic: 'csel', kind: SELECT, op: 0, o2: 0, set: null, same: null },
    { mnemonic: 'csinc', kind: INCREMENT, op: 0, o2: 1, set: 'cset', same: 'cinc' },
    { mnemonic: 'csinv', kind: INVERT, op: 1, o2: 0, set: 'csetm', same: 'cinv' },
    { mnemonic: 'csneg', kind: NEGATE, op: 1, o2: 1, set: null, same: 'cneg' },
  ];
  const notAlways = (f: Fields) => f.c < 14;
  return forms.flatMap(({ mnemonic, kind, op, o2, set, same }): InsnDef[] => {
    const pattern = (rm: string, rn: string) => `${z.sf}${op}011010100 ${rm} cccc 0${o2} ${rn} ddddd`;
    const exec = (f: Fields) => conditionalSelect({ n: 31, m: 31, ...f }, z, kind);
    const aliases: InsnDef[] = [];
    if (set) aliases.push({ id: `${set.toUpperCase()}_${z.id}`, pattern: pattern('11111', '11111'), syntax: `${set} {${z.R}:d}, {InvCond:c}`, when: notAlways, exec });
    if (same) {
      aliases.push({ id: `${same.toUpperCase()}_${z.id}`, pattern: pattern('mmmmm', 'nnnnn'), syntax: `${same} {${z.R}:d}, {${z.RDup}:nm}, {InvCond:c}`,
        when: (f) => f.n === f.m && notAlways(f), exec });
    }
    return [...aliases, { id: `${mnemonic.toUpperCase()}_${z.id}`, pattern: pattern('mmmmm', 'nnnnn'), syntax: `${mnemonic} {${z.R}:d}, {${z.R}:n}, {${z.R}:m}, {Cond:c}`, exec }];
  });
};

export const rows: InsnDef[] = bothSizes((z) => [...compareRows(z), ...selectRows(z)]);
