/**
 * Operand kinds of the data-processing instructions. Each prints exactly as llvm-mc does and parses what
 * it prints, plus the spellings assemblers accept: `lsl #0`, a label for ADR, and gcc's immediates
 * without `#`.
 */
import { bitMaskValue, decodeBitMask, encodeBitMask } from '../../../bits/bitmask.ts';
import { CONDITIONS, defineOperandKinds, one, operandKind, OperandError, parseImmediate } from '../../operands.ts';
import type { Fields, OperandContext, OperandKind } from '../../types.ts';

const SHIFT_NAMES = ['lsl', 'lsr', 'asr', 'ror'];
const EXTEND_NAMES = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];

/** Parses `#imm` as a BigInt (64-bit immediates do not fit a double). Returns [value, length] or null. */
function parseWideImmediate(text: string): [bigint, number] | null {
  const m = /^#?(-?)(0x[0-9a-f]+|\d+)/.exec(text);
  if (!m) return null;
  const v = BigInt(m[2]);
  return [m[1] ? -v : v, m[0].length];
}

/** Parses `,name#amount` (or `,name` when `bare` allows it) for one of `names`; [index, amount, length] or null. */
function parseNamedAmount(text: string, names: readonly string[], bare: boolean): [number, number, number] | null {
  const m = /^,([a-z]+)/.exec(text);
  if (!m) return null;
  const index = names.indexOf(m[1]);
  if (index < 0) return null;
  const rest = text.slice(m[0].length);
  const amount = parseImmediate(rest);
  if (amount) return [index, amount[0], m[0].length + amount[1]];
  return bare ? [index, 0, m[0].length] : null;
}

/** `, <shift> #<amount>` of shifted-register operands; `lsl #0` is not printed. ROR only for logical instructions. */
function shiftOperand(allowRor: boolean): OperandKind {
  return {
    print(f, [t, i]) {
      return f[t] === 0 && f[i] === 0 ? null : `, ${SHIFT_NAMES[f[t]]} #${f[i]}`;
    },
    parse(text, [t, i], f, ctx) {
      const p = parseNamedAmount(text, allowRor ? SHIFT_NAMES : SHIFT_NAMES.slice(0, 3), false);
      // 32-bit rows have a 5-bit amount field, 64-bit rows a 6-bit one.
      const max = 2 ** ctx.fieldWidth(i) - 1;
      if (p && (p[1] < 0 || p[1] > max)) throw new OperandError(`shift amount #${p[1]} is out of range: ${max + 1}-bit registers shift by 0 to ${max}`);
      [f[t], f[i]] = p ? [p[0], p[1]] : [0, 0];
      return p ? p[2] : 0;
    },
  };
}

/**
 * `, <extend> {#<amount>}` of extended-register ADD/SUB. Letters: option, imm3, then the register fields
 * that are SP when 31. With SP among them, UXTX (UXTW for W registers) prints as `lsl`, omitted at #0.
 */
function extendOperand(lslOption: number): OperandKind {
  const spInvolved = (f: Fields, regs: string): boolean => [...regs].some((r) => f[r] === 31);
  return {
    print(f, letters) {
      const [o, i] = letters;
      if (f[o] === lslOption && spInvolved(f, letters.slice(2))) return f[i] === 0 ? null : `, lsl #${f[i]}`;
      return `, ${EXTEND_NAMES[f[o]]}${f[i] === 0 ? '' : ` #${f[i]}`}`;
    },
    parse(text, letters, f) {
      const [o, i] = letters;
      const named = parseNamedAmount(text, EXTEND_NAMES, true);
      const lsl = /^,lsl#?(\d+)/.exec(text);
      // `lsl` or nothing stands for UXTX/UXTW only beside SP; otherwise this is the shifted-register form.
      if (!named && !spInvolved(f, letters.slice(2))) return -1;
      const amount = named ? named[1] : lsl ? Number(lsl[1]) : 0;
      if (amount > 4) throw new OperandError(`extended register shift #${amount} is out of range 0 to 4`);
      [f[o], f[i]] = [named ? named[0] : lslOption, amount];
      return named ? named[2] : lsl ? lsl[0].length : 0;
    },
  };
}

function storeBitMask(text: string, letters: string, f: Fields, why: (value: string, width: number) => string): number {
  const p = parseWideImmediate(text);
  if (!p) return -1;
  const enc = encodeBitMask(p[0], letters.length === 3);
  if (!enc) throw new OperandError(why(text.slice(0, p[1]).replace(/^#?/, '#'), letters.length === 3 ? 64 : 32));
  if (letters.length === 3) [f[letters[0]], f[letters[1]], f[letters[2]]] = [enc.N, enc.immr, enc.imms];
  else [f[letters[0]], f[letters[1]]] = [enc.immr, enc.imms];
  return p[1];
}

/** SignExtend64 of llvm's printer: the value as a signed number of the register width. */
const signedOfWidth = (v: bigint, is64: boolean): bigint => BigInt.asIntN(is64 ? 64 : 32, v);

/** Whether MOVZ can make a value of this width (llvm's isAnyMOVZMovAlias). */
export function isMovzImmediate(v: bigint, is64: boolean): boolean {
  const width = is64 ? 64n : 32n;
  const u = BigInt.asUintN(Number(width), v);
  for (let shift = 0n; shift < width; shift += 16n) if ((u & ~(0xffffn << shift)) === 0n) return true;
  return false;
}

/** Whether MOVZ or MOVN can make a value of this width (llvm's isAnyMOVWMovAlias). */
export const isMoveWideImmediate = (v: bigint, is64: boolean): boolean => isMovzImmediate(v, is64) || isMovzImmediate(~v, is64);

/**
 * Value of a logical immediate row's bitmask, or null when reserved. Its letters are N, immr, imms in
 * 64-bit rows and immr, imms in 32-bit rows (whose N is fixed at 0).
 */
export function bitMaskFieldValue(f: Fields, letters: string): bigint | null {
  const is64 = letters.length === 3;
  const [N, r, s] = is64 ? [f[letters[0]], f[letters[1]], f[letters[2]]] : [0, f[letters[0]], f[letters[1]]];
  const mask = decodeBitMask(N, s, r, is64);
  return mask ? bitMaskValue(mask) : null;
}

/** The value a MOVZ (or, inverted, MOVN) sets: imm16 << 16·hw, in the register width. */
export function moveWideValue(imm: number, hw: number, inverted: boolean, is64: boolean): bigint {
  const v = BigInt(imm) << BigInt(16 * hw);
  return BigInt.asUintN(is64 ? 64 : 32, inverted ? ~v : v);
}

/** MOV (wide immediate): the value of MOVZ/MOVN in decimal; parsing finds imm16 and hw. */
function moveWideAlias(inverted: boolean): OperandKind {
  return {
    print(f, [i, h], ctx) {
      const is64 = ctx.fieldWidth(h) === 2;
      return `#${signedOfWidth(moveWideValue(f[i], f[h], inverted, is64), is64)}`;
    },
    parse(text, [i, h], f, ctx) {
      const p = parseWideImmediate(text);
      const is64 = ctx.fieldWidth(h) === 2;
      const width = is64 ? 64 : 32;
      if (!p || p[0] < -(1n << BigInt(width - 1)) || p[0] >= 1n << BigInt(width)) return -1;
      const u = BigInt.asUintN(width, inverted ? ~p[0] : p[0]);
      for (let hw = 0; hw < width / 16; hw++) {
        if ((u & ~(0xffffn << BigInt(16 * hw))) === 0n) {
          [f[i], f[h]] = [Number(u >> BigInt(16 * hw)), hw];
          return p[1];
        }
      }
      return -1;
    },
  };
}

/** A register written to two fields (ROR with Rn = Rm, CINC and friends with Rn = Rm). */
function duplicated(reg: 'X' | 'W'): OperandKind {
  const base = operandKind(reg);
  return {
    print: (f, letters, ctx) => base.print(f, letters, ctx),
    parse(text, letters, f, ctx) {
      const n = base.parse(text, letters, f, ctx);
      if (n >= 0) for (const l of letters) f[l] = f[letters[0]];
      return n;
    },
  };
}

/** Bit width of a bitfield row, from its immr field: 6 bits for 64-bit rows, 5 for 32-bit rows. */
const bitfieldWidth = (ctx: OperandContext, r: string): number => 2 ** ctx.fieldWidth(r);

/** Parses a plain decimal or hex immediate, which must lie in [min, max]; [value, length] or null. */
function immediateIn(text: string, min: number, max: number, what: string): [number, number] | null {
  const p = parseImmediate(text);
  if (p && (p[0] < min || p[0] > max)) throw new OperandError(`${what} #${p[0]} is out of range ${min} to ${max}`);
  return p;
}

/** A PC-relative target: `#offset` or a label. Returns [offset from `base`, length] or null. */
function parseTarget(text: string, ctx: OperandContext, base: number, scale: number): [number, number] | null {
  const imm = parseImmediate(text);
  if (imm) return imm[0] % scale === 0 ? [imm[0] / scale, imm[1]] : null;
  const m = /^[a-z_.$][\w.$]*/.exec(text);
  const address = m ? ctx.labels?.get(m[0]) : undefined;
  if (m === null || address === undefined) return null;
  const target = scale === 1 ? address : address - (address % scale);
  return [(target - base) / scale, m[0].length];
}

/** ADR/ADRP offset from the fields immhi:immlo (21-bit signed), scaled by 4096 for ADRP. */
function pcRelative(scale: number): OperandKind {
  return {
    print(f, [h, l]) {
      const imm = f[h] * 4 + f[l];
      return `#${(imm >= 2 ** 20 ? imm - 2 ** 21 : imm) * scale}`;
    },
    parse(text, [h, l], f, ctx) {
      const base = scale === 1 ? ctx.pc : ctx.pc - (ctx.pc % scale);
      const p = parseTarget(text, ctx, base, scale);
      if (!p) return -1;
      if (p[0] < -(2 ** 20) || p[0] >= 2 ** 20) throw new OperandError(`target is out of range: ${scale === 1 ? 'ADR reaches ±1 MiB' : 'ADRP reaches ±4 GiB'}`);
      const imm = p[0] < 0 ? p[0] + 2 ** 21 : p[0];
      [f[h], f[l]] = [Math.floor(imm / 4), imm % 4];
      return p[1];
    },
  };
}

defineOperandKinds({
  /** `, lsl #12` on ADD/SUB (immediate) when sh=1. */
  LslImm12: {
    print: (f, l) => (one(f, l) ? ', lsl #12' : null),
    parse(text, l, f) {
      const m = /^,lsl#?(12|0)(?![0-9])/.exec(text);
      f[l[0]] = m?.[1] === '12' ? 1 : 0;
      return m ? m[0].length : 0;
    },
  },
  ShiftArith: shiftOperand(false),
  ShiftLogical: shiftOperand(true),
  Extend32: extendOperand(2),
  Extend64: extendOperand(3),
  /** Logical immediate, printed in hex as the register-width value. */
  BitImm: {
    print(f, letters) {
      const v = bitMaskFieldValue(f, letters);
      return v === null ? null : `#0x${v.toString(16)}`;
    },
    parse: (text, letters, f) => storeBitMask(text, letters, f, (v, width) =>
      `${v} is not a bitmask immediate of a ${width}-bit register (one run of ones, rotated and repeated in 2- to ${width}-bit elements)`),
  },
  /** MOV (bitmask immediate): the value in signed decimal. */
  BitImmMov: {
    print(f, letters) {
      const v = bitMaskFieldValue(f, letters);
      return v === null ? null : `#${signedOfWidth(v, letters.length === 3)}`;
    },
    parse: (text, letters, f) => storeBitMask(text, letters, f, (v) =>
      `${v} cannot be made by one MOVZ, MOVN or ORR (bitmask); build it with MOVZ and MOVK`),
  },
  MovZImm: moveWideAlias(false),
  MovNImm: moveWideAlias(true),
  /** `, lsl #16·hw` of the move-wide instructions, omitted for hw=0. */
  HwShift: {
    print: (f, l) => (one(f, l) === 0 ? null : `, lsl #${16 * one(f, l)}`),
    parse(text, l, f, ctx) {
      const m = /^,lsl#?(\d+)/.exec(text);
      if (!m) { f[l[0]] = 0; return 0; }
      const amount = Number(m[1]);
      const max = 16 * (2 ** ctx.fieldWidth(l[0]) - 1);
      if (amount % 16 !== 0 || amount > max) throw new OperandError(`move-wide shift must be lsl #0${max >= 16 ? ', #16' : ''}${max > 16 ? ', #32 or #48' : ''}`);
      f[l[0]] = amount / 16;
      return m[0].length;
    },
  },
  /** LSL (immediate) as UBFM: shift = width-1-imms, immr = -shift MOD width. Letters: immr, imms. */
  LslBitfield: {
    print: (f, [r, s], ctx) => `#${bitfieldWidth(ctx, r) - 1 - f[s]}`,
    parse(text, [r, s], f, ctx) {
      const width = bitfieldWidth(ctx, r);
      const p = immediateIn(text, 0, width - 1, 'shift amount');
      if (!p) return -1;
      [f[r], f[s]] = [(width - p[0]) % width, width - 1 - p[0]];
      return p[1];
    },
  },
  /** The lsb of BFI/SBFIZ/UBFIZ/BFC: (width - immr) MOD width. */
  BfLsb: {
    print: (f, [r], ctx) => `#${(bitfieldWidth(ctx, r) - f[r]) % bitfieldWidth(ctx, r)}`,
    parse(text, [r], f, ctx) {
      const width = bitfieldWidth(ctx, r);
      const p = immediateIn(text, 0, width - 1, 'bitfield lsb');
      if (!p) return -1;
      f[r] = (width - p[0]) % width;
      return p[1];
    },
  },
  /** The width of BFI/SBFIZ/UBFIZ/BFC: imms + 1; the field must end within the register. Letters: immr, imms. */
  BfizWidth: {
    print: (f, [, s]) => `#${f[s] + 1}`,
    parse(text, [r, s], f, ctx) {
      const width = bitfieldWidth(ctx, r);
      const lsb = (width - f[r]) % width;
      const p = immediateIn(text, 1, width - lsb, `bitfield width (after lsb #${lsb})`);
      if (!p) return -1;
      f[s] = p[0] - 1;
      return p[1];
    },
  },
  /** The width of BFXIL/SBFX/UBFX: imms - immr + 1 (immr parsed before it). Letters: immr, imms. */
  BfxWidth: {
    print: (f, [r, s]) => `#${f[s] - f[r] + 1}`,
    parse(text, [r, s], f, ctx) {
      const p = immediateIn(text, 1, bitfieldWidth(ctx, r) - f[r], `bitfield width (after lsb #${f[r]})`);
      if (!p) return -1;
      f[s] = f[r] + p[0] - 1;
      return p[1];
    },
  },
  XDup: duplicated('X'),
  WDup: duplicated('W'),
  /** The condition of CSET/CINC and friends: the inverse of the encoded one. AL and NV have no inverse form. */
  InvCond: {
    print: (f, l) => CONDITIONS[one(f, l) ^ 1],
    parse(text, l, f, ctx) {
      const n = operandKind('Cond').parse(text, l, f, ctx);
      if (n >= 0) f[l[0]] ^= 1;
      return n;
    },
  },
  AdrOffset: pcRelative(1),
  AdrpOffset: pcRelative(4096),
});
