/**
 * The SIMD&FP differential program: for each block (one instruction, or a short sequence ending in one,
 * with an optional FPCR and NZCV), it runs over every entry of an input table and records V0 (128 bits),
 * X0, and FPSR | NZCV — 32 bytes per case — then writes the whole record to stdout and exits. The guest
 * uses only the write and exit_group system calls. The same ELF runs under qemu-aarch64 and Tagscope.
 */
import { seeded } from './dataProcessing.words.ts';

export const ENTRIES = 64;
export const CASE_BYTES = 32;

/** Input tables: D (special doubles), S (special singles), I (integer lanes and general registers). */
export type Table = 'D' | 'S' | 'I';

export interface Block {
  table: Table;
  /** Instructions, `;`-separated; sources v1, v2, v3 (128 bits), x1, x2; results in v0 and x0. */
  insn: string;
  /** FPCR for the block (RMode in bits 23:22, FZ bit 24, DN bit 25). */
  fpcr?: number;
  /** NZCV preset before each case (bits 31:28). */
  nzcv?: number;
}

const RP = 1 << 22, RM = 2 << 22, RZ = 3 << 22, FZ = 1 << 24, DN = 1 << 25;

const binaryFp = ['fadd', 'fsub', 'fmul', 'fdiv', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fnmul'];
const unaryFp = ['fabs', 'fneg', 'fsqrt', 'frintn', 'frintp', 'frintm', 'frintz', 'frinta', 'frintx', 'frinti', 'fmov'];
const fusedFp = ['fmadd', 'fmsub', 'fnmadd', 'fnmsub'];
const toInt = ['fcvtzs', 'fcvtzu', 'fcvtns', 'fcvtnu', 'fcvtms', 'fcvtmu', 'fcvtps', 'fcvtpu', 'fcvtas', 'fcvtau'];

function scalarBlocks(table: 'D' | 'S'): Block[] {
  const r = table === 'D' ? 'd' : 's', v = table === 'D' ? '2d' : '4s', other = table === 'D' ? 's' : 'd';
  return [
    ...binaryFp.map((op) => ({ table, insn: `${op} ${r}0, ${r}1, ${r}2` })),
    ...unaryFp.map((op) => ({ table, insn: `${op} ${r}0, ${r}1` })),
    ...fusedFp.map((op) => ({ table, insn: `${op} ${r}0, ${r}1, ${r}2, ${r}3` })),
    ...['fcmp', 'fcmpe'].flatMap((op) => [{ table, insn: `${op} ${r}1, ${r}2` }, { table, insn: `${op} ${r}1, #0.0` }]),
    { table, insn: `fccmp ${r}1, ${r}2, #5, eq`, nzcv: 0x40000000 },
    { table, insn: `fccmpe ${r}1, ${r}2, #5, ne`, nzcv: 0x40000000 },
    { table, insn: `fcsel ${r}0, ${r}1, ${r}2, gt`, nzcv: 0x20000000 },
    { table, insn: `fcvt ${other}0, ${r}1` },
    { table, insn: `fcvt h0, ${r}1` },
    { table, insn: `fcvt ${r}0, h1` },
    ...toInt.flatMap((op) => [{ table, insn: `${op} x0, ${r}1` }, { table, insn: `${op} w0, ${r}1` }]),
    { table, insn: `fcvtzs x0, ${r}1, #10` }, { table, insn: `fcvtzu w0, ${r}1, #32` }, { table, insn: `fcvtzs ${r}0, ${r}1, #3` },
    { table, insn: `fcvtzs ${r}0, ${r}1` }, { table, insn: `fcvtau ${r}0, ${r}1` },
    // Rounding by FPCR.RMode and the default-NaN mode.
    ...[RP, RM, RZ].flatMap((mode) => [
      { table, insn: `frinti ${r}0, ${r}1`, fpcr: mode }, { table, insn: `frintx ${r}0, ${r}1`, fpcr: mode },
      { table, insn: `fcvt ${table === 'D' ? 's0, d1' : 'h0, s1'}`, fpcr: mode },
    ]),
    { table, insn: `fadd ${r}0, ${r}1, ${r}2`, fpcr: DN }, { table, insn: `fmadd ${r}0, ${r}1, ${r}2, ${r}3`, fpcr: DN },
    { table, insn: `fcvt ${other}0, ${r}1`, fpcr: DN },
    // Vector forms.
    ...['fadd', 'fsub', 'fmul', 'fdiv', 'fmax', 'fminnm', 'fabd', 'faddp', 'fcmeq', 'fcmge', 'fcmgt'].map((op) => ({ table, insn: `${op} v0.${v}, v1.${v}, v2.${v}` })),
    ...['fmla', 'fmls'].map((op) => ({ table, insn: `mov v0.16b, v3.16b; ${op} v0.${v}, v1.${v}, v2.${v}` })),
    ...['fabs', 'fneg', 'fsqrt', 'frintn', 'frinta', 'fcvtzs', 'fcvtzu', 'fcvtns', 'fcvtms'].map((op) => ({ table, insn: `${op} v0.${v}, v1.${v}` })),
    ...['fcmeq', 'fcmge', 'fcmgt', 'fcmle', 'fcmlt'].map((op) => ({ table, insn: `${op} v0.${v}, v1.${v}, #0.0` })),
    { table, insn: `fcvtzs v0.${v}, v1.${v}, #5` },
    { table, insn: `faddp ${r}0, v1.2${r}` },
    // Scalar three same, estimates and steps, pairwise, by element, and conversions between precisions.
    ...['fabd', 'fmulx', 'facge', 'facgt', 'frecps', 'frsqrts', 'fcmeq', 'fcmge', 'fcmgt'].map((op) => ({ table, insn: `${op} ${r}0, ${r}1, ${r}2` })),
    ...['fmulx', 'facgt', 'frecps', 'frsqrts', 'fmaxp', 'fminp', 'fmaxnmp', 'fminnmp'].map((op) => ({ table, insn: `${op} v0.${v}, v1.${v}, v2.${v}` })),
    ...['frecpe', 'frsqrte'].flatMap((op) => [{ table, insn: `${op} ${r}0, ${r}1` }, { table, insn: `${op} v0.${v}, v1.${v}` }]),
    ...[RP, RM, RZ].map((mode) => ({ table, insn: `frecpe ${r}0, ${r}1`, fpcr: mode })),
    ...['fmaxp', 'fminp', 'fmaxnmp', 'fminnmp'].map((op) => ({ table, insn: `${op} ${r}0, v1.2${r}` })),
    ...['fmla', 'fmls'].map((op) => ({ table, insn: `mov v0.16b, v3.16b; ${op} v0.${v}, v1.${v}, v2.${r}[1]` })),
    ...['fmul', 'fmulx'].flatMap((op) => [{ table, insn: `${op} v0.${v}, v1.${v}, v2.${r}[0]` }, { table, insn: `${op} ${r}0, ${r}1, v2.${r}[1]` }]),
    { table, insn: `mov v0.16b, v3.16b; fmla ${r}0, ${r}1, v2.${r}[1]` },
    { table, insn: `frecpx ${r}0, ${r}1` },
    // Arithmetic under each directed rounding mode and flush-to-zero (FPCR.FZ): results, IXC/UFC/OFC and IDC.
    ...[RP, RM, RZ, FZ, FZ | RP, FZ | RM].flatMap((fpcr) => [
      ...['fadd', 'fsub', 'fmul', 'fdiv', 'fnmul'].map((op) => `${op} ${r}0, ${r}1, ${r}2`),
      `fsub ${r}0, ${r}1, ${r}1`, `fsqrt ${r}0, ${r}1`, `fmadd ${r}0, ${r}1, ${r}2, ${r}3`, `fnmsub ${r}0, ${r}1, ${r}2, ${r}3`,
      `fmul v0.${v}, v1.${v}, v2.${v}`, `fdiv v0.${v}, v1.${v}, v2.${v}`, `mov v0.16b, v3.16b; fmla v0.${v}, v1.${v}, v2.${v}`,
      `faddp v0.${v}, v1.${v}, v2.${v}`, `frecps ${r}0, ${r}1, ${r}2`, `frsqrts ${r}0, ${r}1, ${r}2`, `fmulx ${r}0, ${r}1, ${r}2`,
    ].map((insn) => ({ table, insn, fpcr }))),
    ...[`fcmp ${r}1, ${r}2`, `fcmpe ${r}1, #0.0`, `fmax ${r}0, ${r}1, ${r}2`, `fminnm ${r}0, ${r}1, ${r}2`, `fabd ${r}0, ${r}1, ${r}2`,
      `fcvt ${other}0, ${r}1`, `fcvt h0, ${r}1`, `fcvtzs x0, ${r}1`, `fcvtns w0, ${r}1`, `frintx ${r}0, ${r}1`, `frinta ${r}0, ${r}1`,
      `frecpe ${r}0, ${r}1`, `frsqrte ${r}0, ${r}1`, `frecpx ${r}0, ${r}1`, `fcmgt v0.${v}, v1.${v}, #0.0`, `fabs v0.${v}, v1.${v}`,
      `fmul ${r}0, ${r}1, v2.${r}[1]`, `fsqrt v0.${v}, v1.${v}`]
      .map((insn) => ({ table, insn, fpcr: FZ })),
    ...(table === 'D'
      ? [{ table, insn: 'fcvtxn v0.2s, v1.2d' }, { table, insn: 'mov v0.16b, v3.16b; fcvtxn2 v0.4s, v1.2d' }, { table, insn: 'fcvtxn s0, d1' },
        { table, insn: 'fcvtxn s0, d1', fpcr: DN }, { table, insn: 'fcvtxn v0.2s, v1.2d', fpcr: FZ }, { table, insn: 'fcvtn v0.2s, v1.2d', fpcr: FZ | RP },
        { table, insn: 'fcvtn v0.2s, v1.2d' }, { table, insn: 'mov v0.16b, v3.16b; fcvtn2 v0.4s, v1.2d' }, { table, insn: 'fcvtn v0.2s, v1.2d', fpcr: RM }]
      : [{ table, insn: 'fcvtl v0.2d, v1.2s' }, { table, insn: 'fcvtl2 v0.2d, v1.4s' }, { table, insn: 'fcvtn v0.4h, v1.4s' },
        { table, insn: 'mov v0.16b, v3.16b; fcvtn2 v0.8h, v1.4s' }, { table, insn: 'fcvtl v0.4s, v1.4h' }, { table, insn: 'fcvtl2 v0.4s, v1.8h' },
        ...['fmaxv', 'fminv', 'fmaxnmv', 'fminnmv'].map((op) => ({ table, insn: `${op} s0, v1.4s` }))]),
  ];
}

const LONG_ARRANGEMENTS = [['8h', '8b', '16b'], ['4s', '4h', '8h'], ['2d', '2s', '4s']];
/** Integer blocks of the three-different group, by element, saturating and rounding forms. */
const moreIntBlocks: string[] = [
  ...['saddl', 'uaddl', 'ssubl', 'usubl', 'sabal', 'uabal', 'sabdl', 'uabdl', 'smlal', 'umlal', 'smlsl', 'umlsl', 'smull', 'umull'].flatMap((op) => [
    ...LONG_ARRANGEMENTS.map(([w, n]) => `mov v0.16b, v3.16b; ${op} v0.${w}, v1.${n}, v2.${n}`),
    `mov v0.16b, v3.16b; ${op}2 v0.2d, v1.4s, v2.4s`, `mov v0.16b, v3.16b; ${op}2 v0.8h, v1.16b, v2.16b`,
  ]),
  ...['saddw', 'uaddw', 'ssubw', 'usubw'].flatMap((op) => [
    ...LONG_ARRANGEMENTS.map(([w, n]) => `${op} v0.${w}, v1.${w}, v2.${n}`), `${op}2 v0.2d, v1.2d, v2.4s`, `${op}2 v0.4s, v1.4s, v2.8h`,
  ]),
  ...['addhn', 'raddhn', 'subhn', 'rsubhn'].flatMap((op) => [
    ...LONG_ARRANGEMENTS.map(([w, n]) => `${op} v0.${n}, v1.${w}, v2.${w}`), ...LONG_ARRANGEMENTS.map(([w, , n2]) => `mov v0.16b, v3.16b; ${op}2 v0.${n2}, v1.${w}, v2.${w}`),
  ]),
  'pmull v0.8h, v1.8b, v2.8b', 'pmull2 v0.8h, v1.16b, v2.16b', 'pmul v0.16b, v1.16b, v2.16b', 'pmul v0.8b, v1.8b, v2.8b',
  'mul v0.8h, v1.8h, v2.h[5]', 'mul v0.2s, v1.2s, v2.s[3]', 'mov v0.16b, v3.16b; mla v0.4s, v1.4s, v2.s[3]', 'mov v0.16b, v3.16b; mls v0.4h, v1.4h, v2.h[7]',
  'smull v0.4s, v1.4h, v2.h[2]', 'umull2 v0.2d, v1.4s, v2.s[1]', 'mov v0.16b, v3.16b; smlal2 v0.4s, v1.8h, v2.h[7]', 'mov v0.16b, v3.16b; umlsl v0.2d, v1.2s, v2.s[3]',
  'mov v0.16b, v3.16b; umlal v0.4s, v1.4h, v2.h[0]', 'mov v0.16b, v3.16b; smlsl2 v0.2d, v1.4s, v2.s[2]',
  ...['sshl', 'ushl', 'srshl', 'urshl'].flatMap((op) => [...['16b', '8h', '4s', '2d'].map((t) => `${op} v0.${t}, v1.${t}, v3.${t}`), `${op} d0, d1, d3`]),
  ...['sqadd', 'uqadd', 'sqsub', 'uqsub'].flatMap((op) => [...['16b', '8h', '4s', '2d'].map((t) => `${op} v0.${t}, v1.${t}, v2.${t}`),
    ...['b', 'h', 's', 'd'].map((r) => `${op} ${r}0, ${r}1, ${r}2`)]),
  ...['sqxtn', 'uqxtn', 'sqxtun'].flatMap((op) => [`${op} v0.8b, v1.8h`, `mov v0.16b, v3.16b; ${op}2 v0.8h, v1.4s`, `${op} v0.2s, v1.2d`,
    `mov v0.16b, v3.16b; ${op}2 v0.4s, v1.2d`, `${op} b0, h1`, `${op} s0, d1`]),
  'mov v0.16b, v3.16b; sadalp v0.4s, v1.8h', 'mov v0.16b, v3.16b; uadalp v0.2d, v1.4s', 'mov v0.16b, v3.16b; uadalp v0.8h, v1.16b', 'mov v0.16b, v3.16b; sadalp v0.1d, v1.2s',
  ...['srshr', 'urshr', 'srsra', 'ursra'].flatMap((op) => ['16b, #3', '8h, #16', '4s, #32', '4s, #1', '2d, #64', '2d, #17'].map((t) => {
    const [arr, sh] = t.split(', ');
    return `mov v0.16b, v3.16b; ${op} v0.${arr}, v1.${arr}, ${sh}`;
  }).concat([`mov v0.16b, v3.16b; ${op} d0, d1, #1`, `mov v0.16b, v3.16b; ${op} d0, d1, #64`])),
  'rshrn v0.8b, v1.8h, #3', 'mov v0.16b, v3.16b; rshrn2 v0.4s, v1.2d, #32', 'rshrn v0.4h, v1.4s, #16', 'rshrn v0.2s, v1.2d, #1',
  ...['sli', 'sri'].flatMap((op) => ['16b, #1', '8h, #15', '4s, #31', '2s, #7', '2d, #63', '2d, #1'].map((t) => {
    const [arr, sh] = t.split(', ');
    return `mov v0.16b, v3.16b; ${op} v0.${arr}, v1.${arr}, ${op === 'sri' && sh === '#63' ? '#64' : sh}`;
  })),
  'mov v0.16b, v3.16b; sli d0, d1, #0', 'mov v0.16b, v3.16b; sri d0, d1, #64', 'mov v0.16b, v3.16b; sri v0.16b, v1.16b, #8', 'mov v0.16b, v3.16b; sli v0.4s, v1.4s, #0',
  'shll v0.8h, v1.8b, #8', 'shll2 v0.4s, v1.8h, #16', 'shll v0.2d, v1.2s, #32',
];

const SAME_ARRANGEMENTS = ['16b', '8h', '4s', '2d'];
const withShift = (shifts: string[]) => (op: string, arrangement: string, k: number) => `${op} v0.${arrangement}, v1.${arrangement}, ${shifts[k]}`;
/** Saturating (FPSR.QC), halving and accumulating integer blocks; squares (v1 with v1) reach the most negative × itself. */
const saturatingIntBlocks: string[] = [
  ...['shsub', 'uhsub'].flatMap((op) => ['16b', '8h', '4s', '2s'].map((t) => `${op} v0.${t}, v1.${t}, v2.${t}`)),
  ...['saba', 'uaba'].flatMap((op) => ['16b', '4h', '4s'].map((t) => `mov v0.16b, v3.16b; ${op} v0.${t}, v1.${t}, v2.${t}`)),
  ...['sqshl', 'uqshl', 'sqrshl', 'uqrshl'].flatMap((op) => [...SAME_ARRANGEMENTS.map((t) => `${op} v0.${t}, v1.${t}, v3.${t}`),
    ...['b', 'h', 's', 'd'].map((r) => `${op} ${r}0, ${r}1, ${r}3`)]),
  ...['sqdmulh', 'sqrdmulh'].flatMap((op) => [`${op} v0.8h, v1.8h, v2.8h`, `${op} v0.4s, v1.4s, v2.4s`, `${op} v0.4h, v1.4h, v1.4h`, `${op} v0.2s, v1.2s, v1.2s`,
    `${op} h0, h1, h2`, `${op} s0, s1, s1`, `${op} v0.8h, v1.8h, v2.h[3]`, `${op} v0.4s, v1.4s, v1.s[1]`, `${op} h0, h1, v2.h[7]`, `${op} s0, s1, v2.s[3]`]),
  ...['sqdmlal', 'sqdmlsl', 'sqdmull'].flatMap((op) => [`${op} v0.4s, v1.4h, v2.4h`, `${op} v0.2d, v1.2s, v1.2s`, `${op}2 v0.4s, v1.8h, v1.8h`, `${op}2 v0.2d, v1.4s, v2.4s`,
    `${op} s0, h1, h2`, `${op} d0, s1, s1`, `${op} v0.4s, v1.4h, v2.h[5]`, `${op}2 v0.2d, v1.4s, v1.s[3]`, `${op} s0, h1, v1.h[0]`, `${op} d0, s1, v2.s[2]`]
    .map((insn) => `mov v0.16b, v3.16b; ${insn}`)),
  ...['suqadd', 'usqadd'].flatMap((op) => [...SAME_ARRANGEMENTS.map((t) => `mov v0.16b, v3.16b; ${op} v0.${t}, v1.${t}`),
    ...['b', 'h', 's', 'd'].map((r) => `mov v0.16b, v3.16b; ${op} ${r}0, ${r}1`)]),
  ...['sqabs', 'sqneg'].flatMap((op) => [...SAME_ARRANGEMENTS.map((t) => `${op} v0.${t}, v1.${t}`), ...['b', 'h', 's', 'd'].map((r) => `${op} ${r}0, ${r}1`)]),
  ...['sqshlu', 'sqshl', 'uqshl'].flatMap((op) => [...SAME_ARRANGEMENTS.map((t, k) => withShift(['#3', '#15', '#0', '#63'])(op, t, k)),
    `${op} v0.2s, v1.2s, #31`, `${op} b0, b1, #7`, `${op} h0, h1, #1`, `${op} s0, s1, #31`, `${op} d0, d1, #5`, `${op} d0, d1, #0`]),
  ...['sqshrn', 'sqrshrn', 'uqshrn', 'uqrshrn', 'sqshrun', 'sqrshrun'].flatMap((op) => [`${op} v0.8b, v1.8h, #1`, `mov v0.16b, v3.16b; ${op}2 v0.8h, v1.4s, #16`,
    `${op} v0.2s, v1.2d, #32`, `mov v0.16b, v3.16b; ${op}2 v0.4s, v1.2d, #7`, `${op} b0, h1, #8`, `${op} h0, s1, #5`, `${op} s0, d1, #1`, `${op} s0, d1, #31`]),
  'urecpe v0.4s, v1.4s', 'urecpe v0.2s, v2.2s', 'ursqrte v0.4s, v1.4s', 'ursqrte v0.2s, v2.2s',
];

const intBlocks: Block[] = [
  ...['scvtf', 'ucvtf'].flatMap((op) => [
    { table: 'I' as Table, insn: `${op} d0, x1` }, { table: 'I' as Table, insn: `${op} s0, x1` }, { table: 'I' as Table, insn: `${op} d0, w1` },
    { table: 'I' as Table, insn: `${op} s0, w1` }, { table: 'I' as Table, insn: `${op} d0, x1, #7` }, { table: 'I' as Table, insn: `${op} s0, w1, #32` },
    { table: 'I' as Table, insn: `${op} v0.2d, v1.2d` }, { table: 'I' as Table, insn: `${op} v0.4s, v1.4s` }, { table: 'I' as Table, insn: `${op} v0.4s, v1.4s, #9` },
    { table: 'I' as Table, insn: `${op} d0, d1` },
  ]),
  ...[RP, RM, RZ].map((mode) => ({ table: 'I' as Table, insn: 'scvtf s0, x1', fpcr: mode })),
  { table: 'I', insn: 'ucvtf d0, x1', fpcr: RM },
  ...['add', 'sub', 'mul', 'mla', 'cmeq', 'cmhi', 'cmge', 'cmtst', 'umax', 'smin', 'sabd', 'uhadd', 'urhadd', 'addp', 'uminp', 'smaxp',
    'zip1', 'zip2', 'uzp1', 'uzp2', 'trn1', 'trn2'].flatMap((op) => ['16b', '8h', '4s', '2s'].map((t) => ({ table: 'I' as Table, insn: `mov v0.16b, v3.16b; ${op} v0.${t}, v1.${t}, v2.${t}` }))),
  ...['add', 'sub', 'cmeq', 'cmgt', 'cmhs', 'addp', 'zip1', 'trn2'].map((op) => ({ table: 'I' as Table, insn: `${op} v0.2d, v1.2d, v2.2d` })),
  ...['and', 'bic', 'orr', 'orn', 'eor', 'bsl', 'bit', 'bif'].map((op) => ({ table: 'I' as Table, insn: `mov v0.16b, v3.16b; ${op} v0.16b, v1.16b, v2.16b` })),
  ...['abs', 'neg', 'cls', 'clz', 'rev64', 'rev32', 'uaddlp', 'saddlp'].map((op) => ({ table: 'I' as Table, insn: `${op} ${op.endsWith('lp') ? 'v0.4s' : 'v0.8h'}, v1.8h` })),
  ...['cmgt', 'cmge', 'cmeq', 'cmle', 'cmlt'].flatMap((op) => [{ table: 'I' as Table, insn: `${op} v0.4s, v1.4s, #0` }, { table: 'I' as Table, insn: `${op} d0, d1, #0` }]),
  ...['cnt v0.16b, v1.16b', 'mvn v0.8b, v1.8b', 'rbit v0.16b, v1.16b', 'rev16 v0.16b, v1.16b', 'abs d0, d1', 'neg d0, d1', 'add d0, d1, d2', 'cmhi d0, d1, d2',
    'addv b0, v1.16b', 'addv h0, v1.4h', 'uaddlv h0, v1.16b', 'saddlv d0, v1.4s', 'umaxv b0, v1.16b', 'sminv h0, v1.8h', 'uminv s0, v1.4s', 'addp d0, v1.2d',
    'xtn v0.8b, v1.8h', 'mov v0.16b, v3.16b; xtn2 v0.4s, v1.2d', 'shrn v0.4h, v1.4s, #5', 'mov v0.16b, v3.16b; shrn2 v0.16b, v1.8h, #3',
    'ushll v0.2d, v1.2s, #3', 'sshll2 v0.8h, v1.16b, #0', 'sshr v0.4s, v1.4s, #32', 'ushr v0.16b, v1.16b, #3', 'mov v0.16b, v3.16b; usra v0.2d, v1.2d, #64',
    'mov v0.16b, v3.16b; ssra v0.8h, v2.8h, #7', 'shl v0.2d, v1.2d, #63', 'sshr d0, d1, #64', 'ushr d0, d1, #1', 'shl d0, d1, #5',
    'tbl v0.16b, { v1.16b, v2.16b }, v3.16b', 'mov v0.16b, v3.16b; tbx v0.8b, { v1.16b }, v2.8b', 'tbl v0.16b, { v1.16b, v2.16b, v3.16b }, v2.16b',
    'ext v0.16b, v1.16b, v2.16b, #5', 'ext v0.8b, v1.8b, v2.8b, #7', 'dup v0.8h, v1.h[5]', 'dup v0.4s, w1', 'dup v0.2d, x2', 'dup v0.16b, w2',
    'smov x0, v1.b[3]', 'smov w0, v1.h[7]', 'smov x0, v1.s[2]', 'umov w0, v1.b[15]', 'mov x0, v1.d[1]', 'mov w0, v1.s[3]',
    'mov v0.16b, v3.16b; mov v0.h[3], w1', 'mov v0.16b, v3.16b; mov v0.d[1], x2', 'mov v0.16b, v3.16b; mov v0.b[9], v1.b[2]', 'mov s0, v1.s[3]',
    'fmov x0, d1', 'fmov w0, s1', 'fmov d0, x1', 'fmov s0, w1', 'mov v0.16b, v3.16b; fmov v0.d[1], x1', 'fmov x0, v1.d[1]',
    'movi v0.4s, #171, lsl #16', 'mvni v0.8h, #18, lsl #8', 'movi v0.2s, #5, msl #16', 'movi d0, #0xff00ff0000ff00ff', 'fmov v0.4s, #-3.5', 'fmov v0.2d, #0.125',
    'fmov d0, #31.0', 'fmov s0, #-0.1875', 'mov v0.16b, v3.16b; orr v0.4s, #7, lsl #24', 'mov v0.16b, v3.16b; bic v0.4h, #255', 'movi v0.16b, #170',
  ].map((insn) => ({ table: 'I' as Table, insn })),
];

export const BLOCKS: Block[] = [...scalarBlocks('D'), ...scalarBlocks('S'), ...intBlocks,
  ...[...moreIntBlocks, ...saturatingIntBlocks].map((insn) => ({ table: 'I' as Table, insn }))];

// ---- input tables ----------------------------------------------------------------------------------

const D_SPECIAL: bigint[] = [
  0x0000000000000000n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n,
  0x7ff8000000000000n, 0x7ff800000000abcdn, 0xfff8000000001234n, 0x7ff0000000000001n, 0xfff4000000005678n, 0x0000000000000001n,
  0x800fffffffffffffn, 0x0010000000000000n, 0x7fefffffffffffffn, 0xffefffffffffffffn, 0x3fe0000000000000n, 0x3ff8000000000000n,
  0x4004000000000000n, 0xc004000000000000n, 0x400c000000000000n, 0x432fffffffffffffn, 0x41dfffffffe00000n, 0x41e0000000000000n,
  0xc1e0000000000000n, 0xc1e0000000200000n, 0x41f0000000000000n, 0x43e0000000000000n, 0xc3e0000000000000n, 0x43f0000000000000n,
  0x7e37e43c8800759cn, 0x01a56e1fc2f8f359n, 0x400921fb54442d18n, 0x3fd5555555555555n, 0x36a0000000000000n, 0x47f0000000000000n,
  0x380fffffe0000000n, 0x3810000010000000n, 0xc3dfffffffffffffn, 0x40f0000080000000n,
];
const S_SPECIAL: number[] = [
  0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fc0abcd, 0xffc01234, 0x7f800001, 0xffa05678,
  0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x3f000000, 0x3fc00000, 0x40200000, 0xc0200000, 0x40600000, 0x4b7fffff,
  0x4effffff, 0x4f000000, 0xcf000000, 0xcf000001, 0x4f800000, 0x5f000000, 0xdf000000, 0x5f800000, 0x40490fdb, 0x3eaaaaab, 0x33800000,
  0x477fe000, 0x477ff000, 0x38800000, 0x387fc000, 0x33000001, 0x7149f2ca, 0x0c000000,
];
const I_SPECIAL: bigint[] = [
  0n, 1n, 0xffffffffffffffffn, 0x7fffffffffffffffn, 0x8000000000000000n, 0x0000000080000000n, 0x00000000ffffffffn, 0x7fffffffn,
  0x0020000000000001n, 0x0020000000000003n, 0xfffffffffffffffdn, 0x0000000001000001n, 0x0000000002000003n, 0x8000008000000001n,
  0xffffffff80000000n, 0x123456789abcdef0n, 0x00000000fffffff7n, 0x0000000100000000n,
];

/** Words whose lanes of every size are the most negative or the largest signed values, or −1. */
const LANE_EXTREMES: bigint[] = [
  0x8000000000000000n, 0x8000000080000000n, 0x8000800080008000n, 0x8080808080808080n, 0x7fffffffffffffffn, 0x7fff7fff7fff7fffn,
  0xffffffffffffffffn, 0x8000000080000000n,
];

const hex64 = (v: bigint) => `0x${BigInt.asUintN(64, v).toString(16)}`;
const f64Bits = (x: number) => { const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, x); return b.getBigUint64(0); };
const f64Of = (v: bigint) => { const b = new DataView(new ArrayBuffer(8)); b.setBigUint64(0, v); return b.getFloat64(0); };
const f32Bits = (x: number) => { const b = new DataView(new ArrayBuffer(4)); b.setFloat32(0, x); return b.getUint32(0); };
const f32Of = (v: number) => { const b = new DataView(new ArrayBuffer(4)); b.setUint32(0, v); return b.getFloat32(0); };

/** Eight 64-bit words per entry: V1, V2, V3 (two words each), X1, X2. */
function tableWords(table: Table): bigint[] {
  const rnd = seeded(table.charCodeAt(0) * 7919);
  const r64 = () => (BigInt(rnd()) << 32n) | BigInt(rnd());
  const words: bigint[] = [];
  for (let i = 0; i < ENTRIES; i++) {
    let v: bigint[];
    if (table === 'D') {
      const pick = (k: number) => (i >= 48 ? r64() & 0x7fffffffffffffffn | (BigInt(rnd() & 1) << 63n) : D_SPECIAL[k % D_SPECIAL.length]);
      const [a, b] = [pick(i), pick(i * 7 + 3)];
      let c = pick(i * 13 + 5);
      // Addends that cancel the rounded product: a fused multiply-add leaves exactly its rounding error.
      if (i % 4 === 1) c = f64Bits(-(f64Of(a) * f64Of(b)));
      v = [a, pick(i + 9), b, pick(i * 3 + 1), c, pick(i + 17)];
    } else if (table === 'S') {
      const pick = (k: number) => (i >= 48 ? (rnd() & 0x7fffffff) | ((rnd() & 1) << 31) : S_SPECIAL[k % S_SPECIAL.length]) >>> 0;
      const [a, b] = [pick(i), pick(i * 7 + 3)];
      const c = i % 4 === 1 ? f32Bits(-(f32Of(a) * f32Of(b))) : pick(i * 13 + 5);
      const pair = (x: number, y: number) => (BigInt(y) << 32n) | BigInt(x);
      v = [pair(a, pick(i + 3)), pair(pick(i + 11), pick(i + 23)), pair(b, pick(i + 5)), pair(pick(i + 29), pick(i * 5)), pair(c, pick(i + 1)), pair(pick(i + 7), pick(i + 13))];
    } else {
      const pick = (k: number) => (k % 3 === 0 ? I_SPECIAL[(k / 3) % I_SPECIAL.length] : r64());
      v = [pick(i), r64(), pick(i + 1), r64(), i % 2 ? r64() & 0x1f1f1f1f1f1f1f1fn : r64(), r64()];
      // Entries whose every lane is small (no lane saturates) or extreme (lanes of the most negative and largest values).
      if (i % 8 === 2) v = v.map((w) => w & 0x0303030303030303n);
      if (i % 8 === 6) v = [0, 1, 2, 3, 4, 5].map((k) => LANE_EXTREMES[(i + k) % LANE_EXTREMES.length]);
    }
    words.push(...v, I_SPECIAL[i % I_SPECIAL.length] ^ (i >= I_SPECIAL.length ? r64() : 0n), pickInt(i, rnd));
  }
  return words;
}

const pickInt = (i: number, rnd: () => number): bigint => (i < I_SPECIAL.length ? I_SPECIAL[(i * 5) % I_SPECIAL.length] : BigInt(rnd()) << BigInt(i % 40));

/** The assembly source for gcc. */
export function programSource(): string {
  const out: string[] = ['.arch armv8.5-a', '.text', '.globl _start', '_start:',
    '  adrp x21, results', '  add x21, x21, :lo12:results',
    '  movi v31.16b, #0x55', '  mov x25, #0x5a5a', '  movk x25, #0xa5a5, lsl #48'];
  BLOCKS.forEach((b, k) => {
    out.push(`// block ${k}: ${b.insn}`, `  adrp x20, table${b.table}`, `  add x20, x20, :lo12:table${b.table}`, `  mov x24, #${ENTRIES}`,
      `  mov x26, #${(b.nzcv ?? 0) >>> 16}`, '  lsl x26, x26, #16', `  mov x27, #${(b.fpcr ?? 0) >>> 16}`, '  lsl x27, x27, #16', '  msr fpcr, x27',
      `1:`, '  ldp q1, q2, [x20]', '  ldr q3, [x20, #32]', '  ldp x1, x2, [x20, #48]', '  add x20, x20, #64',
      '  mov v0.16b, v31.16b', '  mov x0, x25', '  msr fpsr, xzr', '  msr nzcv, x26',
      ...b.insn.split(';').map((s) => `  ${s.trim()}`),
      '  mrs x9, fpsr', '  mrs x10, nzcv', '  orr x9, x9, x10', '  str q0, [x21], #16', '  stp x0, x9, [x21], #16',
      '  subs x24, x24, #1', '  b.ne 1b', '  msr fpcr, xzr');
  });
  out.push('  mov x0, #1', '  adrp x1, results', '  add x1, x1, :lo12:results', `  mov x2, #${(BLOCKS.length * ENTRIES * CASE_BYTES) & 0xffff}`,
    `  movk x2, #${(BLOCKS.length * ENTRIES * CASE_BYTES) >>> 16}, lsl #16`, '  mov x8, #64', '  svc #0',
    '  mov x0, #0', '  mov x8, #93', '  svc #0', '.data', '.balign 16');
  for (const t of ['D', 'S', 'I'] as const) {
    out.push(`table${t}:`);
    const w = tableWords(t);
    for (let i = 0; i < w.length; i += 4) out.push(`  .quad ${w.slice(i, i + 4).map(hex64).join(', ')}`);
  }
  out.push('.bss', '.balign 16', 'results:', `  .zero ${BLOCKS.length * ENTRIES * CASE_BYTES}`);
  return `${out.join('\n')}\n`;
}

/** The inputs of case `i` of block `b`, for messages: the table entry's eight words. */
export function caseInputs(b: Block, i: number): string {
  return tableWords(b.table).slice(i * 8, i * 8 + 8).map(hex64).join(' ');
}
