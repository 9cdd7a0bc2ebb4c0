/**
 * Memory Tagging Extension instructions (MTE.md §4): tag arithmetic (IRG, GMI, ADDG/SUBG, SUBP/SUBPS/CMPP),
 * tag loads and stores (LDG, the STG family, STGP, LDGM/STGM/STZGM) and the DC block operations
 * (DC ZVA, DC GVA, DC GZVA). Tag generation is in src/core/mte/tags.ts, the memory side in
 * src/core/mte/tagMemory.ts.
 */
import { addWithCarry64, signExtend } from '../../bits/int64.ts';
import { undefinedInstruction } from '../../cpu/exceptions.ts';
import type { CpuState } from '../../cpu/state.ts';
import { rx, rxsp, wx } from '../../cpu/state.ts';
import { tagInsnContext, type TagInsnContext } from '../../mte/tagContext.ts';
import { dcBlock, fillGranules, loadTag, loadTagBlock, replicateTag } from '../../mte/tagMemory.ts';
import { addgTag, irgTag } from '../../mte/tags.ts';
import { carryHi, requireAligned } from './loadStore/access.ts';
import { defineOperandKinds, operandKind, parseImmediate, signExtendField, storeSigned } from '../operands.ts';
import type { Fields, InsnDef, Op } from '../types.ts';

defineOperandKinds({
  /** IRG's optional `, Xm`: omitted when Rm is 31 (XZR), as llvm-mc prints it. */
  IrgXm: {
    print: (f, l) => (f[l[0]] === 31 ? null : `, x${f[l[0]]}`),
    parse(text, l, f, ctx) {
      if (!text.startsWith(',')) { f[l[0]] = 31; return 0; }
      const n = operandKind('X').parse(text.slice(1), l, f, ctx);
      return n < 0 ? -1 : n + 1;
    },
  },
  /** Optional `, #imm` of a tag load/store or STGP offset form: signed field × 16, omitted when 0. */
  TagOffset: {
    print(f, l, ctx) {
      const v = signExtendField(f, l, ctx) * 16;
      return v === 0 ? null : `, #${v}`;
    },
    parse(text, l, f, ctx) {
      if (!text.startsWith(',')) { f[l[0]] = 0; return 0; }
      const p = parseImmediate(text.slice(1));
      if (!p || p[0] % 16 !== 0 || !storeSigned(f, l, p[0] / 16, ctx)) return -1;
      return p[1] + 1;
    },
  },
});

const TAG_SHIFT = 24; // the logical tag, VA<59:56>, is bits 27:24 of the high half
const tagOf = (hi: number): number => (hi >>> TAG_SHIFT) & 0xf;
const withTag = (hi: number, tag: number): number => (hi & ~(0xf << TAG_SHIFT)) | (tag << TAG_SHIFT);

/**
 * Raises Undefined Instruction unless the PE implements MTE at `level` (1: FEAT_MTE, 2: FEAT_MTE2) and,
 * for the EL1-only instructions, runs above EL0. Returns the tag-instruction context.
 */
function requireMte(s: CpuState, word: number, level: number, el1Only: boolean): TagInsnContext {
  const c = tagInsnContext(s);
  if (c.mteLevel < level) throw undefinedInstruction(word, `this PE does not implement FEAT_MTE${level === 1 ? '' : level}`);
  if (el1Only && s.el === 0) throw undefinedInstruction(word, 'LDGM, STGM and STZGM are UNDEFINED at EL0 (MTE.md §4.3)');
  return c;
}

// ---- tag arithmetic -------------------------------------------------------------------------------

/** IRG: Xd|SP = Xn|SP with a tag from the RGSR_EL1 LFSR, excluding GCR_EL1.Exclude | Xm<15:0>. */
function irg(f: Fields, word: number): Op {
  const d = rxsp(f.d);
  const n = rxsp(f.n);
  const m = rx(f.m);
  return (s) => {
    requireMte(s, word, 1, false);
    const tag = irgTag(s, s.lo[m] & 0xffff);
    s.lo[d] = s.lo[n];
    s.hi[d] = withTag(s.hi[n], tag);
    s.pc += 4;
  };
}

/** GMI: Xd = Xm | (1 << tag(Xn|SP)), whatever the tag access controls say. */
function gmi(f: Fields, word: number): Op {
  const d = wx(f.d);
  const n = rxsp(f.n);
  const m = rx(f.m);
  return (s) => {
    requireMte(s, word, 1, false);
    s.lo[d] = s.lo[m] | (1 << tagOf(s.hi[n]));
    s.hi[d] = s.hi[m];
    s.pc += 4;
  };
}

/** ADDG/SUBG: Xd|SP = Xn|SP ± uimm6·16 with tag ChooseNonExcludedTag(tag(Xn), uimm4, GCR_EL1.Exclude). */
function addSubTag(f: Fields, word: number, sub: boolean): Op {
  const d = rxsp(f.d);
  const n = rxsp(f.n);
  const offset = (sub ? -16 : 16) * f.i;
  const tagOffset = f.t;
  return (s) => {
    requireMte(s, word, 1, false);
    const hi = s.hi[n];
    const sum = (s.lo[n] >>> 0) + offset;
    const tag = addgTag(s, tagOf(hi), tagOffset);
    s.lo[d] = sum | 0;
    s.hi[d] = withTag(carryHi(hi, sum), tag);
    s.pc += 4;
  };
}

/** SUBP/SUBPS: the difference of the sign-extended bits 55:0 of two addresses; SUBPS sets NZCV as SUBS. */
function subPointer(f: Fields, word: number, setFlags: boolean): Op {
  const d = wx(f.d);
  const n = rxsp(f.n);
  const m = rxsp(f.m);
  return (s) => {
    requireMte(s, word, 1, false);
    const aHi = (s.hi[n] << 8) >> 8;
    const bHi = (s.hi[m] << 8) >> 8;
    addWithCarry64(s, d, aHi, s.lo[n], ~bHi, ~s.lo[m], 1, setFlags);
    s.pc += 4;
  };
}

// ---- tag loads and stores -------------------------------------------------------------------------

type IndexForm = 'post' | 'offset' | 'pre';

/** Address and writeback of an immediate-indexed form: `pre` is added before the access, `post` after it. */
interface Indexing { pre: number; post: number; wback: boolean }

function indexing(form: IndexForm, imm: number): Indexing {
  return { pre: form === 'post' ? 0 : imm, post: form === 'post' ? imm : 0, wback: form !== 'offset' };
}

/** Writes back base register `n` with (hi:lo) + post, after the access. */
function writeBack(s: CpuState, n: number, hi: number, lo: number, post: number): void {
  const sum = (lo >>> 0) + post;
  s.lo[n] = sum | 0;
  s.hi[n] = carryHi(hi, sum);
}

/**
 * STG/STZG/ST2G/STZ2G: 16-byte aligned address (alignment fault otherwise), tag(Xt|SP) to `granules`
 * granules, data zeroed for the STZ forms. Unchecked.
 */
function storeTag(f: Fields, word: number, granules: number, zero: boolean, form: IndexForm): Op {
  const t = rxsp(f.t);
  const n = rxsp(f.n);
  const { pre, post, wback } = indexing(form, signExtend(f.i, 9) * 16);
  const bytes = 16 * granules;
  return (s) => {
    requireMte(s, word, 1, false);
    const sum = (s.lo[n] >>> 0) + pre;
    const hi = carryHi(s.hi[n], sum);
    const lo = sum | 0;
    requireAligned(hi, lo, 16, true);
    const pattern = replicateTag(tagOf(s.hi[t]));
    fillGranules(s, hi, lo, bytes, true, pattern, pattern, zero);
    if (wback) writeBack(s, n, hi, lo, post);
    s.pc += 4;
  };
}

/** STGP: stores Xt, Xt2 at a and a+8 and the tag of the address a itself; a must be 16-byte aligned. */
function storeTagPair(f: Fields, word: number, form: IndexForm): Op {
  const t = rx(f.t);
  const t2 = rx(f.u);
  const n = rxsp(f.n);
  const { pre, post, wback } = indexing(form, signExtend(f.i, 7) * 16);
  return (s) => {
    requireMte(s, word, 1, false);
    const sum = (s.lo[n] >>> 0) + pre;
    const hi = carryHi(s.hi[n], sum);
    const lo = sum | 0;
    requireAligned(hi, lo, 16, true);
    // Registers are read before the granule is written, in case Xt or Xt2 is also the base.
    const v0 = s.lo[t], v1 = s.hi[t], v2 = s.lo[t2], v3 = s.hi[t2];
    const pattern = replicateTag(tagOf(hi));
    fillGranules(s, hi, lo, 16, true, pattern, pattern, false);
    s.bus.write64(hi, lo, v0, v1, false);
    s.bus.write64(hi, (lo + 8) | 0, v2, v3, false);
    if (wback) writeBack(s, n, hi, lo, post);
    s.pc += 4;
  };
}

/** LDG: Xt's tag field := the allocation tag of the granule at Xn|SP + simm (aligned down, never a fault). */
function loadTagOp(f: Fields, word: number): Op {
  const src = rx(f.t);
  const dst = wx(f.t);
  const n = rxsp(f.n);
  const imm = signExtend(f.i, 9) * 16;
  return (s) => {
    requireMte(s, word, 1, false);
    const sum = (s.lo[n] >>> 0) + imm;
    const tag = loadTag(s, carryHi(s.hi[n], sum), sum & ~15);
    s.lo[dst] = s.lo[src];
    s.hi[dst] = withTag(s.hi[src], tag);
    s.pc += 4;
  };
}

type BlockOp = 'ldgm' | 'stgm' | 'stzgm';

/** LDGM/STGM (GMID_EL1 block) and STZGM (DCZID block): EL1 and above, address aligned down to the block. */
function tagBlock(f: Fields, word: number, op: BlockOp): Op {
  const t = op === 'ldgm' ? wx(f.t) : rx(f.t);
  const n = rxsp(f.n);
  return (s) => {
    const c = requireMte(s, word, 2, true);
    const block = op === 'stzgm' ? c.dczBlock : c.gmBlock;
    const hi = s.hi[n];
    const lo = s.lo[n] & -block;
    if (op === 'ldgm') loadTagBlock(s, t, hi, lo, block);
    else if (op === 'stgm') fillGranules(s, hi, lo, block, true, s.hi[t], s.lo[t], false);
    else {
      const pattern = replicateTag(s.lo[t]);
      fillGranules(s, hi, lo, block, true, pattern, pattern, true);
    }
    s.pc += 4;
  };
}

type DcOp = 'zva' | 'gva' | 'gzva';

/**
 * DC ZVA (a checked store of zeroes), DC GVA (tag(Xt) to every granule) and DC GZVA (both, unchecked)
 * over the DCZID block holding Xt. At EL0 they need SCTLR_EL1.DZE=1.
 */
function dcOp(f: Fields, word: number, op: DcOp): Op {
  const t = rx(f.t);
  return (s) => {
    const c = op === 'zva' ? tagInsnContext(s) : requireMte(s, word, 1, false);
    if (!c.dcZeroAllowed) throw undefinedInstruction(word, `DC ${op.toUpperCase()} at EL0 needs SCTLR_EL1.DZE=1`);
    dcBlock(s, s.hi[t], s.lo[t], c.dczBlock, op !== 'zva', op !== 'gva');
    s.pc += 4;
  };
}

// ---- the table ------------------------------------------------------------------------------------

/** The STG family: opc (bits 23:22), mnemonic, granules written, data zeroed. */
const STORE_TAG_FAMILY = [
  { opc: '00', name: 'stg', granules: 1, zero: false },
  { opc: '01', name: 'stzg', granules: 1, zero: true },
  { opc: '10', name: 'st2g', granules: 2, zero: false },
  { opc: '11', name: 'stz2g', granules: 2, zero: true },
] as const;

/** Index forms of the tag stores: op2 (bits 11:10) of the STG family, bits 24:23 of STGP, and the operand syntax. */
const INDEX_FORMS = [
  { form: 'post', op2: '01', stgpIdx: '001', mem: '[{XSP:n}], {S16:i}' },
  { form: 'offset', op2: '10', stgpIdx: '010', mem: '[{XSP:n}{TagOffset:i}]' },
  { form: 'pre', op2: '11', stgpIdx: '011', mem: '[{XSP:n}, {S16:i}]!' },
] as const;

const BLOCK_OPS = [
  { opc: '11', op: 'ldgm' },
  { opc: '10', op: 'stgm' },
  { opc: '00', op: 'stzgm' },
] as const;

const DC_OPS = [
  { op2: '001', op: 'zva' },
  { op2: '011', op: 'gva' },
  { op2: '100', op: 'gzva' },
] as const;

export const rows: InsnDef[] = [
  { id: 'IRG', pattern: '10011010110mmmmm000100nnnnnddddd', syntax: 'irg {XSP:d}, {XSP:n}{IrgXm:m}', exec: irg },
  { id: 'GMI', pattern: '10011010110mmmmm000101nnnnnddddd', syntax: 'gmi {X:d}, {XSP:n}, {X:m}', exec: gmi },
  { id: 'ADDG', pattern: '1001000110iiiiii00ttttnnnnnddddd', syntax: 'addg {XSP:d}, {XSP:n}, {U16:i}, {U:t}',
    exec: (f, w) => addSubTag(f, w, false) },
  { id: 'SUBG', pattern: '1101000110iiiiii00ttttnnnnnddddd', syntax: 'subg {XSP:d}, {XSP:n}, {U16:i}, {U:t}',
    exec: (f, w) => addSubTag(f, w, true) },
  { id: 'SUBP', pattern: '10011010110mmmmm000000nnnnnddddd', syntax: 'subp {X:d}, {XSP:n}, {XSP:m}',
    exec: (f, w) => subPointer(f, w, false) },
  // llvm-mc accepts CMPP but prints the instruction as `subps xzr, ...`; so does Tagscope.
  { id: 'CMPP', pattern: '10111010110mmmmm000000nnnnn11111', syntax: 'cmpp {XSP:n}, {XSP:m}', fixed: { d: 31 },
    noPrint: true, exec: (f, w) => subPointer({ ...f, d: 31 }, w, true) },
  { id: 'SUBPS', pattern: '10111010110mmmmm000000nnnnnddddd', syntax: 'subps {X:d}, {XSP:n}, {XSP:m}',
    exec: (f, w) => subPointer(f, w, true) },
  ...STORE_TAG_FAMILY.flatMap(({ opc, name, granules, zero }) => INDEX_FORMS.map(({ form, op2, mem }): InsnDef => ({
    id: `${name.toUpperCase()}_${form}`,
    pattern: `11011001${opc}1iiiiiiiii${op2}nnnnnttttt`,
    syntax: `${name} {XSP:t}, ${mem}`,
    exec: (f, w) => storeTag(f, w, granules, zero, form),
  }))),
  ...INDEX_FORMS.map(({ form, stgpIdx, mem }): InsnDef => ({
    id: `STGP_${form}`,
    pattern: `011010${stgpIdx}0iiiiiiiuuuuunnnnnttttt`,
    syntax: `stgp {X:t}, {X:u}, ${mem}`,
    exec: (f, w) => storeTagPair(f, w, form),
  })),
  { id: 'LDG', pattern: '11011001011iiiiiiiii00nnnnnttttt', syntax: 'ldg {X:t}, [{XSP:n}{TagOffset:i}]', exec: loadTagOp },
  ...BLOCK_OPS.map(({ opc, op }): InsnDef => ({
    id: op.toUpperCase(),
    pattern: `11011001${opc}100000000000nnnnnttttt`,
    syntax: `${op} {X:t}, [{XSP:n}]`,
    exec: (f, w) => tagBlock(f, w, op),
  })),
  ...DC_OPS.map(({ op2, op }): InsnDef => ({
    id: `DC_${op.toUpperCase()}`,
    pattern: `110101010000101101110100${op2}ttttt`,
    syntax: `dc ${op}, {X:t}`,
    exec: (f, w) => dcOp(f, w, op),
  })),
];
