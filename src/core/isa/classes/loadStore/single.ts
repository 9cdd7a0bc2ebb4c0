/**
 * Load/store of one register (Arm ARM C4.1.94 "Loads and Stores"): unsigned scaled immediate, unscaled
 * (LDUR), pre/post-index, unprivileged (LDTR), register offset, RCpc unscaled (LDAPUR/STLUR), literal and
 * PRFM, for general-purpose and SIMD&FP registers. Every class shares one size:V:opc table of forms; the
 * rows are the product of the classes and the forms each allows.
 */
import { signExtend } from '../../../bits/int64.ts';
import { rx, wx } from '../../../cpu/state.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { gpr, immediateMode, literalMode, orderedMode, registerOffsetMode, type Transfer } from './access.ts';
import { fpLoad, fpStore } from './fp.ts';
import { optionOf } from './operands.ts';

/** One entry of the size:V:opc table of the register load/store classes. */
interface Form {
  size: number;
  v: 0 | 1;
  opc: number;
  kind: 'load' | 'store' | 'prefetch';
  /** Mnemonic suffix after ldr/str/ldur/ldtr…: '', 'b', 'h', 'sb', 'sh', 'sw'. */
  suffix: string;
  /** Operand kind of Rt: X, W, Fb…Fq, or Prfop. */
  reg: string;
  bytes: number;
  xfer: Transfer;
}

const g = (size: number, opc: number, kind: 'load' | 'store', suffix: string, reg: string, bytes: number, xfer: Transfer): Form =>
  ({ size, v: 0, opc, kind, suffix, reg, bytes, xfer });
const fp = (size: number, opc: number, kind: 'load' | 'store', reg: string, bytes: number): Form =>
  ({ size, v: 1, opc, kind, suffix: '', reg, bytes, xfer: kind === 'load' ? fpLoad(bytes) : fpStore(bytes) });

const GPR: Form[] = [
  g(0, 0, 'store', 'b', 'W', 1, gpr.strb), g(0, 1, 'load', 'b', 'W', 1, gpr.ldrb),
  g(0, 2, 'load', 'sb', 'X', 1, gpr.ldrsbx), g(0, 3, 'load', 'sb', 'W', 1, gpr.ldrsbw),
  g(1, 0, 'store', 'h', 'W', 2, gpr.strh), g(1, 1, 'load', 'h', 'W', 2, gpr.ldrh),
  g(1, 2, 'load', 'sh', 'X', 2, gpr.ldrshx), g(1, 3, 'load', 'sh', 'W', 2, gpr.ldrshw),
  g(2, 0, 'store', '', 'W', 4, gpr.strw), g(2, 1, 'load', '', 'W', 4, gpr.ldrw), g(2, 2, 'load', 'sw', 'X', 4, gpr.ldrsw),
  g(3, 0, 'store', '', 'X', 8, gpr.strx), g(3, 1, 'load', '', 'X', 8, gpr.ldrx),
];
const PRFM: Form = { size: 3, v: 0, opc: 2, kind: 'prefetch', suffix: '', reg: 'Prfop', bytes: 8, xfer: gpr.ldrx };
const FP: Form[] = [
  fp(0, 0, 'store', 'Fb', 1), fp(0, 1, 'load', 'Fb', 1), fp(0, 2, 'store', 'Fq', 16), fp(0, 3, 'load', 'Fq', 16),
  fp(1, 0, 'store', 'Fh', 2), fp(1, 1, 'load', 'Fh', 2),
  fp(2, 0, 'store', 'Fs', 4), fp(2, 1, 'load', 'Fs', 4),
  fp(3, 0, 'store', 'Fd', 8), fp(3, 1, 'load', 'Fd', 8),
];

export const bin = (v: number, width: number): string => v.toString(2).padStart(width, '0');

/** Register index of Rt: loads write (31 is XZR, discarded), stores read (31 is XZR, zero); V registers as is. */
const rtIndex = (e: Form, t: number): number => (e.v === 1 ? t : e.kind === 'load' ? wx(t) : rx(t));

const hint: Op = (s) => {
  s.pc += 4; // PRFM is a hint: it never faults and changes nothing
};

interface AddressingClass {
  id: string;
  /** Pattern from the form's size, V and opc bits. */
  pattern: (size: string, v: number, opc: string) => string;
  /** Mnemonic stems for loads and stores, and for PRFM where the class has it. */
  load: string;
  store: string;
  prefetch?: string;
  /** Text after `Rt, `. */
  address: (e: Form) => string;
  exec: (e: Form, f: Fields, t: number) => Op;
  forms: Form[];
}

const log2 = (bytes: number): number => Math.log2(bytes);

const CLASSES: AddressingClass[] = [
  { id: 'uimm', pattern: (z, v, o) => `${z}111${v}01${o}iiiiiiiiiiiinnnnnttttt`, load: 'ldr', store: 'str', prefetch: 'prfm',
    address: (e) => `[{XSP:n}{MemOffU${e.bytes}:i}]`,
    exec: (e, f, t) => immediateMode(e.xfer, t, 0, f.n, f.i * e.bytes, 'none'), forms: [...GPR, PRFM, ...FP] },
  { id: 'unscaled', pattern: (z, v, o) => `${z}111${v}00${o}0iiiiiiiii00nnnnnttttt`, load: 'ldur', store: 'stur', prefetch: 'prfum',
    address: () => '[{XSP:n}{MemOffS1:i}]',
    exec: (e, f, t) => immediateMode(e.xfer, t, 0, f.n, signExtend(f.i, 9), 'none'), forms: [...GPR, PRFM, ...FP] },
  { id: 'post', pattern: (z, v, o) => `${z}111${v}00${o}0iiiiiiiii01nnnnnttttt`, load: 'ldr', store: 'str',
    address: () => '[{XSP:n}], {S:i}',
    exec: (e, f, t) => immediateMode(e.xfer, t, 0, f.n, signExtend(f.i, 9), 'post'), forms: [...GPR, ...FP] },
  { id: 'pre', pattern: (z, v, o) => `${z}111${v}00${o}0iiiiiiiii11nnnnnttttt`, load: 'ldr', store: 'str',
    address: () => '[{XSP:n}, {S:i}]!',
    exec: (e, f, t) => immediateMode(e.xfer, t, 0, f.n, signExtend(f.i, 9), 'pre'), forms: [...GPR, ...FP] },
  // LDTR/STTR: at EL0 exactly the normal access; checked as an EL0 access (MTE.md §2.1) when `n != 31`.
  { id: 'unpriv', pattern: (z, v, o) => `${z}111${v}00${o}0iiiiiiiii10nnnnnttttt`, load: 'ldtr', store: 'sttr',
    address: () => '[{XSP:n}{MemOffS1:i}]',
    exec: (e, f, t) => immediateMode(e.xfer, t, 0, f.n, signExtend(f.i, 9), 'none'), forms: GPR },
  { id: 'reg', pattern: (z, v, o) => `${z}111${v}00${o}1mmmmmo1os10nnnnnttttt`, load: 'ldr', store: 'str', prefetch: 'prfm',
    address: (e) => `[{XSP:n}, {MemExt${log2(e.bytes)}:mos}]`,
    exec: (e, f, t) => registerOffsetMode(e.xfer, t, f.n, rx(f.m), optionOf(f), f.s ? log2(e.bytes) : 0), forms: [...GPR, PRFM, ...FP] },
  // FEAT_LRCPC2: ordered, so naturally aligned (no FEAT_LSE2), checked when `n != 31`.
  { id: 'rcpc', pattern: (z, _v, o) => `${z}011001${o}0iiiiiiiii00nnnnnttttt`, load: 'ldapur', store: 'stlur',
    address: () => '[{XSP:n}{MemOffS1:i}]',
    exec: (e, f, t) => orderedMode(e.xfer, t, 0, f.n, signExtend(f.i, 9), e.bytes, e.kind === 'store'), forms: GPR },
];

const nameIn = (c: AddressingClass, e: Form): string =>
  e.kind === 'prefetch' ? c.prefetch! : `${e.kind === 'store' ? c.store : c.load}${e.suffix}`;
const execIn = (c: AddressingClass, e: Form): InsnDef['exec'] =>
  e.kind === 'prefetch' ? () => hint : (f) => c.exec(e, f, rtIndex(e, f.t));

function classRows(c: AddressingClass): InsnDef[] {
  return c.forms.map((e): InsnDef => ({
    id: `${nameIn(c, e).toUpperCase()}_${c.id}_${e.reg}`,
    pattern: c.pattern(bin(e.size, 2), e.v, bin(e.opc, 2)),
    syntax: `${nameIn(c, e)} {${e.reg}:t}, ${c.address(e)}`,
    exec: execIn(c, e),
  }));
}

/**
 * Assembler-only: `ldr x0, [x1, #12]` (an offset the scaled form cannot encode) assembles as LDUR, as
 * llvm-mc does. The disassembler always prints the LDUR name.
 */
function unscaledAliasRows(): InsnDef[] {
  const [scaled, unscaled] = CLASSES;
  return unscaled.forms.filter((e) => e.kind !== 'prefetch').map((e): InsnDef => ({
    id: `${nameIn(scaled, e).toUpperCase()}_unscaled_alias_${e.reg}`,
    pattern: unscaled.pattern(bin(e.size, 2), e.v, bin(e.opc, 2)),
    syntax: `${nameIn(scaled, e)} {${e.reg}:t}, [{XSP:n}{MemOffS1:i}]`,
    when: (f) => signExtend(f.i, 9) < 0 || f.i % e.bytes !== 0,
    noPrint: true,
    exec: execIn(unscaled, e),
  }));
}

/** Load register (literal): `opc 011 V 00 imm19 Rt`; never tag checked. */
const form = (list: Form[], size: number, opc: number): Form => list.find((e) => e.size === size && e.opc === opc)!;
const LITERAL_FORMS: { opc: number; v: 0 | 1; e: Form }[] = [
  { opc: 0, v: 0, e: form(GPR, 2, 1) }, { opc: 1, v: 0, e: form(GPR, 3, 1) }, { opc: 2, v: 0, e: form(GPR, 2, 2) },
  { opc: 3, v: 0, e: PRFM },
  { opc: 0, v: 1, e: form(FP, 2, 1) }, { opc: 1, v: 1, e: form(FP, 3, 1) }, { opc: 2, v: 1, e: form(FP, 0, 3) },
];

const literalRows = LITERAL_FORMS.map(({ opc, v, e }): InsnDef => {
  const name = e.kind === 'prefetch' ? 'prfm' : `ldr${e.suffix}`;
  return {
    id: `${name.toUpperCase()}_literal_${e.reg}`,
    pattern: `${bin(opc, 2)}011${v}00iiiiiiiiiiiiiiiiiiittttt`,
    syntax: `${name} {${e.reg}:t}, {MemLit:i}`,
    exec: e.kind === 'prefetch' ? () => hint : (f) => literalMode(e.xfer, rtIndex(e, f.t), signExtend(f.i, 19) * 4),
  };
});

export const rows: InsnDef[] = [...CLASSES.flatMap(classRows), ...unscaledAliasRows(), ...literalRows];
