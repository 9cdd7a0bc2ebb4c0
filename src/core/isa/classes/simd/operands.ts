/**
 * Operand kinds of the SIMD&FP data-processing syntax, printed exactly as llvm-mc prints them. Most kinds
 * parse by trying the values of their small fields (arrangement, size, index) and keeping the longest
 * printed text that the source starts with, so parsing can never disagree with printing.
 */
import { defineOperandKinds, one, OperandError, parseRegToken } from '../../operands.ts';
import type { Fields, OperandContext, OperandKind } from '../../types.ts';

/** Vector arrangements by (size << 1) | Q. */
export const ARRANGEMENTS = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'];
export const ELEMENT_LETTERS = 'bhsdq';

/** The element size (0 B, 1 H, 2 S, 3 D) an imm5 field selects by its lowest set bit, or -1 (reserved). */
export const imm5Size = (imm5: number): number => ((imm5 & 0xf) === 0 ? -1 : 31 - Math.clz32(imm5 & -imm5));

type Printer = (f: Fields, letters: string, ctx: OperandContext) => string | null;

/**
 * Parses by printing: the register field (letters[0], when `registerFirst`) is read from the text, and
 * every value of the other letters not yet set is tried. With `deferLast`, the values of the last letter
 * that matched are recorded under `<letter>?` (a bit mask) and the lowest is kept: a later operand that
 * shares the field (DUP's arrangement and element both live in imm5) chooses again among them.
 */
function enumerated(print: Printer, registerFirst: boolean, deferLast = false): OperandKind {
  return {
    print: (f, letters, ctx) => print(f, letters, ctx) ?? '<invalid>',
    parse(text, letters, f, ctx) {
      let free = [...letters].filter((l, i) => (f[l] === undefined || f[`${l}?`] !== undefined) && letters.indexOf(l) === i);
      if (registerFirst) {
        const m = /^[a-z]+(\d+)/.exec(text);
        if (!m || Number(m[1]) > 31) return -1;
        if (f[letters[0]] !== undefined && f[letters[0]] !== Number(m[1])) return -1;
        f[letters[0]] = Number(m[1]);
        free = free.filter((l) => l !== letters[0]);
      }
      const widths = free.map((l) => ctx.fieldWidth(l));
      const assign = (combo: number): boolean => {
        let rest = combo;
        return free.every((l, i) => {
          const v = (f[l] = rest % 2 ** widths[i]);
          rest = Math.floor(rest / 2 ** widths[i]);
          const allowed = f[`${l}?`];
          return allowed === undefined || Math.floor(allowed / 2 ** v) % 2 === 1;
        });
      };
      const total = 2 ** widths.reduce((a, b) => a + b, 0);
      const last = letters[letters.length - 1];
      let bestLen = -1, best = 0, lastValues = 0;
      for (let combo = 0; combo < total; combo++) {
        if (!assign(combo)) continue;
        const t = print(f, letters, ctx)?.replace(/\s+/g, '').toLowerCase();
        if (t === undefined || !text.startsWith(t) || t.length < bestLen) continue;
        if (t.length > bestLen) [bestLen, best, lastValues] = [t.length, combo, 0];
        if (Math.floor(lastValues / 2 ** f[last]) % 2 === 0) lastValues += 2 ** f[last];
      }
      assign(best);
      if (bestLen < 0 && registerFirst) delete f[letters[0]];
      if (deferLast && bestLen >= 0) f[`${last}?`] = lastValues;
      return bestLen;
    },
  };
}

const vector = (arrangement: (f: Fields, letters: string) => string | null): OperandKind =>
  enumerated((f, l) => {
    const a = arrangement(f, l);
    return a === null ? null : `v${one(f, l)}.${a}`;
  }, true);

/** A plain register number (for text such as `v{Num:d}.d[1]`). */
const num: OperandKind = {
  print: (f, l) => `${one(f, l)}`,
  parse(text, l, f) {
    const m = /^\d+/.exec(text);
    if (!m || Number(m[0]) > 31) return -1;
    f[l[0]] = Number(m[0]);
    return m[0].length;
  },
};

/** An immediate printed by `show`, parsed by trying every field value. */
const immediate = (show: (f: Fields, letters: string, ctx: OperandContext) => string | null): OperandKind => enumerated(show, false);

/** VFPExpandImm of imm8 as a double: sign, 3-bit exponent, 4-bit fraction. */
export function fpImmediateValue(imm8: number): number {
  const sign = imm8 & 0x80 ? -1 : 1;
  // Exponent NOT(b):Replicate(b):c:d is 1 + cd when b = 0 and cd − 3 when b = 1.
  const bcd = (imm8 >> 4) & 7;
  return sign * (16 + (imm8 & 15)) / 16 * 2 ** ((bcd ^ 4) - 3);
}

/** The 64-bit MOVI mask immediate: each bit of imm8 becomes a byte of ones. */
function byteMask(imm8: number): string {
  let hex = '';
  for (let i = 7; i >= 0; i--) hex += (imm8 >> i) & 1 ? 'ff' : '00';
  return hex;
}

const kinds: Record<string, OperandKind> = {
  Num: num,
  /** Vector with arrangement from size and Q: letters register, Q, size. */
  Vsz: vector((f, l) => ARRANGEMENTS[(f[l[2]] << 1) | f[l[1]]]),
  /** Elements twice as wide, same Q (UADDLP): letters register, Q, size. */
  VszUp: vector((f, l) => (f[l[2]] < 3 ? ARRANGEMENTS[((f[l[2]] + 1) << 1) | f[l[1]]] : null)),
  /** A byte vector written to two register fields (MOV as ORR with Rn = Rm): letters register, register, Q. */
  Vq8Twice: {
    print: (f, l) => `v${f[l[0]]}.${ARRANGEMENTS[f[l[2]]]}`,
    parse(text, l, f) {
      const m = /^v(\d+)\.(8b|16b)/.exec(text);
      if (!m || Number(m[1]) > 31 || (f[l[2]] !== undefined && f[l[2]] !== (m[2] === '16b' ? 1 : 0))) return -1;
      [f[l[0]], f[l[1]], f[l[2]]] = [Number(m[1]), Number(m[1]), m[2] === '16b' ? 1 : 0];
      return m[0].length;
    },
  },
  /** Single or double scalar by the ftype/sz bit: letters register, type (0 S, 1 D). */
  Fp: enumerated((f, l) => `${f[l[1]] ? 'd' : 's'}${one(f, l)}`, true),
  /** Floating-point vector 2S/4S/2D by sz and Q: letters register, Q, sz. */
  Vfp: vector((f, l) => ARRANGEMENTS[((2 + f[l[2]]) << 1) | f[l[1]]]),
  /** The narrow side of FCVTN/FCVTL, 4H/8H (sz 0) or 2S/4S (sz 1): letters register, Q, sz. */
  VfpNarrow: vector((f, l) => ARRANGEMENTS[((1 + f[l[2]]) << 1) | f[l[1]]]),
  /** The wide side of FCVTN/FCVTL, 4S (sz 0) or 2D (sz 1): letters register, sz. */
  VfpWide: vector((f, l) => (f[l[1]] ? '2d' : '4s')),
  /** The pair of a scalar pairwise operation, 2S or 2D by sz: letters register, sz. */
  Vpair: vector((f, l) => (f[l[1]] ? '2d' : '2s')),
  /** Twice-as-wide full vector (the long side of SHLL/XTN-style pairs): letters register, size. */
  Vwide: vector((f, l) => (f[l[1]] < 3 ? ARRANGEMENTS[((f[l[1]] + 1) << 1) | 1] : null)),
  /** Arrangement from the lowest set bit of imm5 and Q (DUP): letters register, Q, imm5. */
  Vimm5: enumerated((f, l) => {
    const size = imm5Size(f[l[2]]);
    return size < 0 ? null : `v${one(f, l)}.${ARRANGEMENTS[(size << 1) | f[l[1]]]}`;
  }, true, true),
  /** Element `v<n>.<T>[<index>]` with T and index from imm5: letters register, imm5. */
  Elem5: enumerated((f, l) => {
    const size = imm5Size(f[l[1]]);
    return size < 0 ? null : `v${one(f, l)}.${ELEMENT_LETTERS[size]}[${f[l[1]] >> (size + 1)}]`;
  }, true),
  /** Element with T from imm5 and index from imm4 (INS element): letters register, imm4, imm5. */
  Elem4: enumerated((f, l) => {
    const size = imm5Size(f[l[2]]);
    return size < 0 ? null : `v${one(f, l)}.${ELEMENT_LETTERS[size]}[${f[l[1]] >> size}]`;
  }, true),
  /** Scalar of the size given by imm5's lowest set bit: letters register, imm5. */
  Fimm5: enumerated((f, l) => {
    const size = imm5Size(f[l[1]]);
    return size < 0 ? null : `${ELEMENT_LETTERS[size]}${one(f, l)}`;
  }, true, true),
  /** Scalar of the size in a 2-bit field: letters register, size. */
  Fsz: enumerated((f, l) => `${ELEMENT_LETTERS[f[l[1]]]}${one(f, l)}`, true),
  /** Scalar one size wider than the size field (UADDLV): letters register, size. */
  Fwide: enumerated((f, l) => `${ELEMENT_LETTERS[f[l[1]] + 1]}${one(f, l)}`, true),
  /**
   * The indexed element of the integer by-element forms: letters Rm (4 bits), M, L, H, size. An H element
   * takes its register from Rm alone and its index from H:L:M; an S element its register from M:Rm and
   * its index from H:L.
   */
  ElemI: immediate((f, l) => {
    const [rm, m, lo, h, size] = [...l].map((x) => f[x]);
    if (size === 1) return `v${rm}.h[${(h << 2) | (lo << 1) | m}]`;
    return size === 2 ? `v${(m << 4) | rm}.s[${(h << 1) | lo}]` : null;
  }),
  /** The indexed element of the floating-point by-element forms: letters Rm, M, L, H, sz (S: index H:L, D: index H). */
  ElemF: immediate((f, l) => {
    const [rm, m, lo, h, sz] = [...l].map((x) => f[x]);
    if (sz === 0) return `v${(m << 4) | rm}.s[${(h << 1) | lo}]`;
    return lo === 0 ? `v${(m << 4) | rm}.d[${h}]` : null;
  }),
  /** TBL/TBX table: `{ v<n>.16b, ... }` with len+1 consecutive registers (modulo 32): letters register, len. */
  Table: enumerated((f, l) => {
    const regs = Array.from({ length: f[l[1]] + 1 }, (_, i) => `v${(one(f, l) + i) % 32}.16b`);
    return `{ ${regs.join(', ')} }`;
  }, false),
  /** FMOV's 8-bit floating-point immediate, as llvm prints it (`#1.00000000`). */
  FpImm: immediate((f, l) => `#${fpImmediateValue(one(f, l)).toFixed(8)}`),
  /** MOVI's 64-bit byte-mask immediate (llvm prints it with printf's `%#016llx`); any spelling of the value parses. */
  ByteMask: {
    print(f, l) {
      const hex = byteMask(one(f, l)).replace(/^0+/, '');
      return hex === '' ? '#0000000000000000' : `#0x${hex.padStart(14, '0')}`;
    },
    parse(text, l, f) {
      const m = /^#(0x[0-9a-f]+|\d+)/.exec(text);
      if (!m) return -1;
      const hex = BigInt(m[1]).toString(16).padStart(16, '0');
      if (hex.length > 16 || !/^((00)|(ff))*$/.test(hex)) throw new OperandError(`${m[0]} is not a byte mask: every byte must be 0x00 or 0xff`);
      f[l[0]] = parseInt([...hex.matchAll(/../g)].map((b) => (b[0] === 'ff' ? '1' : '0')).join(''), 2);
      return m[0].length;
    },
  },
  /** `, lsl #8·k` of the shifted modified immediates, omitted at 0: letter k. */
  LslBytes: immediate((f, l) => (one(f, l) === 0 ? '' : `, lsl #${8 * one(f, l)}`)),
  /** `, msl #8`/`#16` of MOVI/MVNI shifting ones: letter k. */
  MslBytes: immediate((f, l) => `, msl #${8 * (one(f, l) + 1)}`),
  /** Right shift (and fixed-point fbits) of the shift-by-immediate forms: esize − field, esize = 2^width. */
  ShR: immediate((f, l, ctx) => `#${(1 << ctx.fieldWidth(l[0])) - one(f, l)}`),
  /** fbits of the scalar FP ↔ fixed-point conversions: 64 − scale. */
  FBits: immediate((f, l) => `#${64 - one(f, l)}`),
};
for (const a of ARRANGEMENTS) kinds[`V${a}`] = vector(() => a);
/** Vector of a fixed element size with Q: `Vq8`..`Vq64`, letters register, Q. */
for (let size = 0; size < 4; size++) kinds[`Vq${8 << size}`] = vector((f, l) => ARRANGEMENTS[(size << 1) | f[l[1]]]);
defineOperandKinds(kinds);
