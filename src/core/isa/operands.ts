/**
 * Operand kinds shared by the instruction classes. A class file may register kinds of its own with
 * `defineOperandKinds`; every kind is looked up by name when a syntax template is first used.
 */
import type { Fields, OperandContext, OperandKind } from './types.ts';

const kinds = new Map<string, OperandKind>();

export function defineOperandKinds(defs: Record<string, OperandKind>): void {
  for (const [name, kind] of Object.entries(defs)) {
    if (kinds.has(name)) throw new Error(`operand kind ${name} defined twice`);
    kinds.set(name, kind);
  }
}

export function operandKind(name: string): OperandKind {
  const k = kinds.get(name);
  if (!k) throw new Error(`unknown operand kind ${name}`);
  return k;
}

/**
 * Thrown by an operand parser for text that is clearly this operand but cannot be encoded (an immediate
 * out of range, a value with no bitmask encoding). The assembler tries the other rows and, if none
 * fits, reports this reason.
 */
export class OperandError extends Error {}

// ---- helpers for writing kinds ------------------------------------------------------------------

/** Reads the single field of a one-letter operand. */
export const one = (f: Fields, letters: string): number => f[letters[0]];

const NUMBER = /^#?(-?)(0x[0-9a-f]+|\d+)/;

/** Parses `#imm`, `#-imm`, `#0x..` (the `#` optional, as llvm-mc accepts). Returns [value, length] or null. */
export function parseImmediate(text: string): [number, number] | null {
  const m = NUMBER.exec(text);
  if (!m) return null;
  const v = Number(m[2]);
  return [m[1] ? -v : v, m[0].length];
}

/** Formats an immediate as llvm-mc does for plain decimal operands. */
export const dec = (v: number): string => `#${v}`;
export const hex = (v: number): string => (v < 0 ? `#-0x${(-v).toString(16)}` : `#0x${v.toString(16)}`);

/** Matches a register token such as `x12`, `w3`, `sp`, `xzr` at the start of `text`. */
export function parseRegToken(text: string): [string, number] | null {
  const m = /^[a-z]+[0-9]*/.exec(text);
  if (!m) return null;
  // Do not treat a following letter/digit as part of another token: registers end at , ] ! or end.
  return [m[0], m[0].length];
}

function gpr(width: 'x' | 'w', sp: boolean): OperandKind {
  const zr = width === 'x' ? 'xzr' : 'wzr';
  const spName = width === 'x' ? 'sp' : 'wsp';
  return {
    print(f, letters) {
      const r = one(f, letters);
      return r === 31 ? (sp ? spName : zr) : `${width}${r}`;
    },
    parse(text, letters, f) {
      const t = parseRegToken(text);
      if (!t) return -1;
      const [name, len] = t;
      let r: number;
      if (name === (sp ? spName : zr)) r = 31;
      else if (width === 'x' && name === 'lr' ) r = 30;
      else if (width === 'x' && name === 'fp' ) r = 29;
      else {
        const m = new RegExp(`^${width}([0-9]|[12][0-9]|30)$`).exec(name);
        if (!m) return -1;
        r = Number(m[1]);
      }
      f[letters[0]] = r;
      return len;
    },
  };
}

/** Unsigned field printed in decimal, optionally scaled: `U`, `U4` (×4), `U8`, `U16`. */
function unsigned(scale: number, printer: (v: number) => string = dec): OperandKind {
  return {
    print: (f, letters) => printer(one(f, letters) * scale),
    parse(text, letters, f) {
      const p = parseImmediate(text);
      if (!p || p[0] < 0 || p[0] % scale !== 0) return -1;
      f[letters[0]] = p[0] / scale;
      return p[1];
    },
  };
}

/** Signed (two's complement) field, scaled: value = sext(field) × scale. */
export function signed(scale: number): OperandKind {
  return {
    print(f, letters, ctx) {
      return dec(signExtendField(f, letters, ctx) * scale);
    },
    parse(text, letters, f, ctx) {
      const p = parseImmediate(text);
      if (!p || p[0] % scale !== 0) return -1;
      return storeSigned(f, letters, p[0] / scale, ctx) ? p[1] : -1;
    },
  };
}

/** Value of a two's-complement field, using its width from the pattern. */
export function signExtendField(f: Fields, letters: string, ctx: OperandContext): number {
  const w = ctx.fieldWidth(letters[0]);
  const v = f[letters[0]];
  return v >= 2 ** (w - 1) ? v - 2 ** w : v;
}

/** Stores a signed value into a two's-complement field; false when it does not fit. */
export function storeSigned(f: Fields, letters: string, v: number, ctx: OperandContext): boolean {
  const w = ctx.fieldWidth(letters[0]);
  if (!Number.isInteger(v) || v < -(2 ** (w - 1)) || v >= 2 ** (w - 1)) return false;
  f[letters[0]] = v < 0 ? v + 2 ** w : v;
  return true;
}

export const CONDITIONS = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];

/** A scalar SIMD&FP register with a fixed prefix: `b0`..`b31`, `h`, `s`, `d`, `q`. */
function fpScalar(prefix: string): OperandKind {
  return {
    print: (f, letters) => `${prefix}${one(f, letters)}`,
    parse(text, letters, f) {
      const t = parseRegToken(text);
      const m = t && new RegExp(`^${prefix}([0-9]|[12][0-9]|3[01])$`).exec(t[0]);
      if (!t || !m) return -1;
      f[letters[0]] = Number(m[1]);
      return t[1];
    },
  };
}

defineOperandKinds({
  Fb: fpScalar('b'),
  Fh: fpScalar('h'),
  Fs: fpScalar('s'),
  Fd: fpScalar('d'),
  Fq: fpScalar('q'),
  X: gpr('x', false),
  W: gpr('w', false),
  XSP: gpr('x', true),
  WSP: gpr('w', true),
  U: unsigned(1),
  U2: unsigned(2),
  U4: unsigned(4),
  U8: unsigned(8),
  U16: unsigned(16),
  Hex: unsigned(1, hex),
  S: signed(1),
  S4: signed(4),
  S8: signed(8),
  S16: signed(16),
  Cond: {
    print: (f, letters) => CONDITIONS[one(f, letters)],
    parse(text, letters, f) {
      const m = /^[a-z]{2}/.exec(text);
      if (!m) return -1;
      const alt: Record<string, string> = { cs: 'hs', cc: 'lo' };
      const i = CONDITIONS.indexOf(alt[m[0]] ?? m[0]);
      if (i < 0) return -1;
      f[letters[0]] = i;
      return 2;
    },
  },
});
