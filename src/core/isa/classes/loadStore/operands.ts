/**
 * Operand kinds of the load/store syntax, printed exactly as llvm-mc prints them:
 * optional offsets (`[x1]` when zero), register offsets (`[x1, w2, sxtw #3]`), literals (`#-8`),
 * prefetch operations (`pldl1keep`, `#6` when unnamed) and SIMD&FP scalar registers (`q3`).
 */
import { dec, defineOperandKinds, one, parseImmediate, parseRegToken, signExtendField, storeSigned } from '../../operands.ts';
import type { Fields, OperandKind } from '../../types.ts';

/** `, #imm` after the base register, omitted when the offset is zero. */
function optionalOffset(scale: number, isSigned: boolean): OperandKind {
  return {
    print(f, l, ctx) {
      const v = (isSigned ? signExtendField(f, l, ctx) : one(f, l)) * scale;
      return v === 0 ? null : `, ${dec(v)}`;
    },
    parse(text, l, f, ctx) {
      const p = text.startsWith(',') ? parseImmediate(text.slice(1)) : null;
      if (p === null) {
        f[l[0]] = 0;
        return 0;
      }
      const [v, len] = p;
      if (v % scale !== 0) return -1;
      if (isSigned) return storeSigned(f, l, v / scale, ctx) ? len + 1 : -1;
      if (v < 0 || v / scale >= 2 ** ctx.fieldWidth(l[0])) return -1;
      f[l[0]] = v / scale;
      return len + 1;
    },
  };
}

/** Register-offset extend names by the `o` field (option<2>:option<0>; option<1> is fixed at 1). */
const EXTENDS = ['uxtw', 'lsl', 'sxtw', 'sxtx'];

/**
 * `Rm{, extend {#amount}}` of the register-offset forms; letters `mos` are Rm, option<2,0> and S.
 * S=1 shifts by `amount` (log2 of the access size); llvm-mc prints `#0` for byte accesses too.
 */
function registerOffset(amount: number): OperandKind {
  return {
    print(f, l) {
      const [m, o, sh] = [f[l[0]], f[l[1]], f[l[2]]];
      const reg = (o & 1) === 1 ? (m === 31 ? 'xzr' : `x${m}`) : (m === 31 ? 'wzr' : `w${m}`);
      if (o === 1) return sh ? `${reg}, lsl #${amount}` : reg;
      return `${reg}, ${EXTENDS[o]}${sh ? ` #${amount}` : ''}`;
    },
    parse(text, l, f) {
      const m = /^([xw])(\d+|zr),?([a-z]{3,4})?(#\d+)?/.exec(text);
      if (!m) return -1;
      const reg = m[2] === 'zr' ? 31 : Number(m[2]);
      if (reg > 30 && m[2] !== 'zr') return -1;
      const ext = m[3] ?? 'lsl';
      const o = EXTENDS.indexOf(ext);
      if (o < 0 || (m[1] === 'x') !== ((o & 1) === 1)) return -1;
      if (m[3] === undefined && m[4] !== undefined) return -1;
      if (m[4] !== undefined && Number(m[4].slice(1)) !== amount) return -1;
      f[l[0]] = reg;
      f[l[1]] = o;
      f[l[2]] = m[4] === undefined ? 0 : 1;
      // A bare `x2,` would be a trailing comma: only take the comma when an extend follows.
      return m[3] === undefined ? m[1].length + m[2].length : m[0].length;
    },
  };
}

/** PC-relative literal address, printed as llvm-mc does (`#offset`); the assembler also takes a label. */
const literal: OperandKind = {
  print: (f, l, ctx) => dec(signExtendField(f, l, ctx) * 4),
  parse(text, l, f, ctx) {
    const p = parseImmediate(text);
    let offset: number;
    let len: number;
    if (p !== null) [offset, len] = p;
    else {
      const m = /^[a-z_.$][\w.$]*/.exec(text);
      const target = m ? ctx.labels?.get(m[0]) : undefined;
      if (!m || target === undefined) return -1;
      [offset, len] = [target - ctx.pc, m[0].length];
    }
    if (offset % 4 !== 0) return -1;
    return storeSigned(f, l, offset / 4, ctx) ? len : -1;
  },
};

const PRF_TYPES = ['pld', 'pli', 'pst'];
const PRF_TARGETS = ['l1', 'l2', 'l3'];
const PRF_POLICIES = ['keep', 'strm'];

/** Name of a PRFM operation (`Rt` field), or undefined when the architecture leaves it unnamed. */
function prefetchName(op: number): string | undefined {
  const type = PRF_TYPES[op >> 3];
  const target = PRF_TARGETS[(op >> 1) & 3];
  return type && target ? `${type}${target}${PRF_POLICIES[op & 1]}` : undefined;
}

const prefetchOp: OperandKind = {
  print: (f, l) => prefetchName(one(f, l)) ?? `#${one(f, l)}`,
  parse(text, l, f) {
    const p = parseImmediate(text);
    if (p !== null && text.startsWith('#')) {
      if (p[0] < 0 || p[0] > 31) return -1;
      f[l[0]] = p[0];
      return p[1];
    }
    const m = /^[a-z0-9]+/.exec(text);
    if (!m) return -1;
    for (let op = 0; op < 32; op++) {
      if (prefetchName(op) === m[0]) {
        f[l[0]] = op;
        return m[0].length;
      }
    }
    return -1;
  },
};

/** A consecutive register pair `x0, x1` of CASP (the first even; `x30, xzr` for 30). */
function registerPair(width: 'x' | 'w'): OperandKind {
  const name = (r: number) => (r === 31 ? `${width}zr` : `${width}${r}`);
  return {
    print: (f, l) => `${name(one(f, l))}, ${name(one(f, l) + 1)}`,
    parse(text, l, f) {
      const m = new RegExp(`^${width}(\\d+),(${width}(?:\\d+|zr))`).exec(text);
      if (!m || Number(m[1]) > 30 || name(Number(m[1]) + 1) !== m[2]) return -1;
      f[l[0]] = Number(m[1]);
      return m[0].length;
    },
  };
}

const kinds: Record<string, OperandKind> = { MemLit: literal, Prfop: prefetchOp, CaspX: registerPair('x'), CaspW: registerPair('w') };
for (const scale of [1, 2, 4, 8, 16]) kinds[`MemOffU${scale}`] = optionalOffset(scale, false);
for (const scale of [1, 4, 8, 16]) kinds[`MemOffS${scale}`] = optionalOffset(scale, true);
for (let amount = 0; amount <= 4; amount++) kinds[`MemExt${amount}`] = registerOffset(amount);
defineOperandKinds(kinds);

/** The register-offset `option` field value from the `o` field of the patterns. */
export const optionOf = (f: Fields): number => ((f.o >> 1) << 2) | 2 | (f.o & 1);
