/**
 * Data-processing (1 source), (2 source) and (3 source) (Arm ARM C4.1, Data Processing -- Register):
 * bit and byte reversal, leading-bit counts, division, variable shifts, CRC32, multiply(-add/-subtract).
 */
import { CRC32C_TABLE, CRC32_TABLE, crc32Update } from '../../../bits/crc32.ts';
import {
  cls32, cls64, clz64, mul64, r64, rbit32, rev16, rev32, sdiv32, sdiv64, shift32, shift64, smulh64, udiv32, udiv64, umulh64,
} from '../../../bits/int64.ts';
import { rx, wx, type CpuState } from '../../../cpu/state.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { bothSizes, type Size } from './sizes.ts';

/** A 64-bit operation from (hi, lo) into r64, or a 32-bit one returning its result. */
type Unary64 = (hi: number, lo: number) => void;
type Binary64 = (aHi: number, aLo: number, bHi: number, bLo: number) => void;

const writeR64 = (s: CpuState, d: number): void => {
  s.hi[d] = r64.hi;
  s.lo[d] = r64.lo;
};

// ---- 1 source -------------------------------------------------------------------------------------

interface UnaryOp {
  mnemonic: string;
  opcode: string;
  /** The operation on a W register, or on an X register; a form exists for each size it is given for. */
  op32?: (x: number) => number;
  op64?: Unary64;
  noPrint?: boolean;
}

function unary(f: Fields, z: Size, u: UnaryOp): Op {
  const d = wx(f.d), n = rx(f.n), op32 = u.op32!, op64 = u.op64!;
  if (z.is64) return (s) => { op64(s.hi[n], s.lo[n]); writeR64(s, d); s.pc += 4; };
  return (s) => { s.lo[d] = op32(s.lo[n]); s.hi[d] = 0; s.pc += 4; };
}

const halves = (hi: number, lo: number): void => { r64.hi = hi; r64.lo = lo; };
const reverse64: Unary64 = (hi, lo) => halves(rev32(lo), rev32(hi));
const UNARY: UnaryOp[] = [
  { mnemonic: 'rbit', opcode: '000000', op32: rbit32, op64: (hi, lo) => halves(rbit32(lo), rbit32(hi)) },
  { mnemonic: 'rev16', opcode: '000001', op32: rev16, op64: (hi, lo) => halves(rev16(hi), rev16(lo)) },
  // Opcode 000010 reverses the bytes of each word: REV on a W register, REV32 on an X register.
  { mnemonic: 'rev', opcode: '000010', op32: rev32 },
  { mnemonic: 'rev32', opcode: '000010', op64: (hi, lo) => halves(rev32(hi), rev32(lo)) },
  // REV64 is another name of REV (64-bit), which llvm-mc accepts but does not print.
  { mnemonic: 'rev', opcode: '000011', op64: reverse64 },
  { mnemonic: 'rev64', opcode: '000011', op64: reverse64, noPrint: true },
  { mnemonic: 'clz', opcode: '000100', op32: Math.clz32, op64: (hi, lo) => halves(0, clz64(hi, lo)) },
  { mnemonic: 'cls', opcode: '000101', op32: cls32, op64: (hi, lo) => halves(0, cls64(hi, lo)) },
];

/** Data-processing (1 source): sf 1 0 11010110 00000 opcode Rn Rd. */
const oneSourceRows = (z: Size): InsnDef[] =>
  UNARY.filter((u) => (z.is64 ? u.op64 : u.op32)).map((u): InsnDef => ({
    id: `${u.mnemonic.toUpperCase()}_${z.id}`, pattern: `${z.sf}101101011000000 ${u.opcode} nnnnn ddddd`, noPrint: u.noPrint,
    syntax: `${u.mnemonic} {${z.R}:d}, {${z.R}:n}`, exec: (f) => unary(f, z, u),
  }));

// ---- 2 source -------------------------------------------------------------------------------------

function binary64(f: Fields, op64: Binary64): Op {
  const d = wx(f.d), n = rx(f.n), m = rx(f.m);
  return (s) => { op64(s.hi[n], s.lo[n], s.hi[m], s.lo[m]); writeR64(s, d); s.pc += 4; };
}

function binary(f: Fields, z: Size, op32: (a: number, b: number) => number, op64: Binary64): Op {
  if (z.is64) return binary64(f, op64);
  const d = wx(f.d), n = rx(f.n), m = rx(f.m);
  return (s) => { s.lo[d] = op32(s.lo[n], s.lo[m]); s.hi[d] = 0; s.pc += 4; };
}

/** LSLV/LSRV/ASRV/RORV: shift by Rm MOD the register width. */
const variableShift = (type: number) => ({
  op32: (a: number, b: number) => shift32(a, type, b & 31),
  op64: (aHi: number, aLo: number, _bHi: number, bLo: number) => shift64(aHi, aLo, type, bLo & 63),
});

const BINARY = [
  { mnemonic: 'udiv', opcode: '000010', op32: udiv32, op64: udiv64 },
  { mnemonic: 'sdiv', opcode: '000011', op32: sdiv32, op64: sdiv64 },
  // llvm-mc prints the variable shifts as LSL/LSR/ASR/ROR and accepts the -V names too.
  ...['lsl', 'lsr', 'asr', 'ror'].map((mnemonic, type) => ({ mnemonic, opcode: `0010${type.toString(2).padStart(2, '0')}`, ...variableShift(type) })),
];

/** CRC32{C}{B,H,W,X}: fold the low 1, 2, 4 or 8 bytes of Rm into the accumulator Wn. */
function crc32(f: Fields, table: Int32Array, bytes: number): Op {
  const d = wx(f.d), n = rx(f.n), m = rx(f.m);
  if (bytes === 8) return (s) => { s.lo[d] = crc32Update(table, crc32Update(table, s.lo[n], s.lo[m], 4), s.hi[m], 4); s.hi[d] = 0; s.pc += 4; };
  return (s) => { s.lo[d] = crc32Update(table, s.lo[n], s.lo[m], bytes); s.hi[d] = 0; s.pc += 4; };
}

/** Data-processing (2 source): sf 0 0 11010110 Rm opcode Rn Rd. */
const twoSourceRows = (z: Size): InsnDef[] => {
  const pattern = (opcode: string) => `${z.sf}0011010110 mmmmm ${opcode} nnnnn ddddd`;
  return BINARY.flatMap((b): InsnDef[] => {
    const row = (mnemonic: string, noPrint?: boolean): InsnDef => ({
      id: `${mnemonic.toUpperCase()}_${b.opcode.startsWith('0010') ? 'reg_' : ''}${z.id}`, pattern: pattern(b.opcode), noPrint,
      syntax: `${mnemonic} {${z.R}:d}, {${z.R}:n}, {${z.R}:m}`, exec: (f) => binary(f, z, b.op32, b.op64),
    });
    return b.opcode.startsWith('0010') ? [row(b.mnemonic), row(`${b.mnemonic}v`, true)] : [row(b.mnemonic)];
  });
};

/** CRC32: sf 0 0 11010110 Rm 010 C sz Rn Rd, with sf = 1 exactly for sz = 11 (X). */
const crcRows: InsnDef[] = [0, 1].flatMap((c) => ['b', 'h', 'w', 'x'].map((size, sz): InsnDef => {
  const mnemonic = `crc32${c ? 'c' : ''}${size}`;
  return {
    id: mnemonic.toUpperCase(), pattern: `${sz === 3 ? 1 : 0}0011010110 mmmmm 010${c}${sz.toString(2).padStart(2, '0')} nnnnn ddddd`,
    syntax: `${mnemonic} {W:d}, {W:n}, {${sz === 3 ? 'X' : 'W'}:m}`, exec: (f) => crc32(f, c ? CRC32C_TABLE : CRC32_TABLE, 1 << sz),
  };
}));

// ---- 3 source -------------------------------------------------------------------------------------

/** Ra ± the 64-bit product in r64, into Rd. */
function accumulate(s: CpuState, d: number, a: number, subtract: boolean): void {
  const pHi = r64.hi, pLo = r64.lo, aLo = s.lo[a] >>> 0;
  if (subtract) {
    const lo = aLo - (pLo >>> 0);
    s.hi[d] = (s.hi[a] - pHi - (lo < 0 ? 1 : 0)) | 0;
    s.lo[d] = lo | 0;
  } else {
    const lo = aLo + (pLo >>> 0);
    s.hi[d] = (s.hi[a] + pHi + (lo > 0xffffffff ? 1 : 0)) | 0;
    s.lo[d] = lo | 0;
  }
}

/** How the 64-bit product is formed from Rn and Rm. */
const PRODUCT = {
  full: (s: CpuState, n: number, m: number) => mul64(s.hi[n], s.lo[n], s.hi[m], s.lo[m]),
  signedWords: (s: CpuState, n: number, m: number) => mul64(s.lo[n] >> 31, s.lo[n], s.lo[m] >> 31, s.lo[m]),
  unsignedWords: (s: CpuState, n: number, m: number) => mul64(0, s.lo[n], 0, s.lo[m]),
};

/** MADD/MSUB and the widening SMADDL/SMSUBL/UMADDL/UMSUBL: Rd = Ra ± product; Ra = XZR is MUL/MNEG/xMULL/xMNEGL. */
function multiplyAdd(f: Fields, z: Size, product: keyof typeof PRODUCT, subtract: boolean): Op {
  const d = wx(f.d), n = rx(f.n), m = rx(f.m), a = rx(f.a ?? 31);
  if (!z.is64) {
    if (subtract) return (s) => { s.lo[d] = (s.lo[a] - Math.imul(s.lo[n], s.lo[m])) | 0; s.hi[d] = 0; s.pc += 4; };
    return (s) => { s.lo[d] = (s.lo[a] + Math.imul(s.lo[n], s.lo[m])) | 0; s.hi[d] = 0; s.pc += 4; };
  }
  const form = PRODUCT[product];
  if (a === rx(31) && !subtract) return (s) => { form(s, n, m); writeR64(s, d); s.pc += 4; };
  return (s) => { form(s, n, m); accumulate(s, d, a, subtract); s.pc += 4; };
}

/** Data-processing (3 source): sf 00 11011 op31 Rm o0 Ra Rn Rd. */
const threeSourceRows = (z: Size): InsnDef[] => {
  const pattern = (op31: string, o0: number, ra = 'aaaaa') => `${z.sf}0011011 ${op31} mmmmm ${o0} ${ra} nnnnn ddddd`;
  const forms: { op31: string; product: keyof typeof PRODUCT; names: [string, string, string, string]; src: 'X' | 'W' }[] = [
    { op31: '000', product: 'full', names: ['madd', 'msub', 'mul', 'mneg'], src: z.R },
  ];
  if (z.is64) {
    forms.push({ op31: '001', product: 'signedWords', names: ['smaddl', 'smsubl', 'smull', 'smnegl'], src: 'W' });
    forms.push({ op31: '101', product: 'unsignedWords', names: ['umaddl', 'umsubl', 'umull', 'umnegl'], src: 'W' });
  }
  return forms.flatMap(({ op31, product, names, src }) => names.map((mnemonic, i): InsnDef => {
    const subtract = i % 2 === 1, noAccumulator = i >= 2;
    const operands = `{${z.R}:d}, {${src}:n}, {${src}:m}`;
    return {
      id: `${mnemonic.toUpperCase()}_${z.id}`, pattern: pattern(op31, subtract ? 1 : 0, noAccumulator ? '11111' : 'aaaaa'),
      syntax: noAccumulator ? `${mnemonic} ${operands}` : `${mnemonic} ${operands}, {${z.R}:a}`,
      exec: (f) => multiplyAdd(f, z, product, subtract),
    };
  }));
};

/** SMULH/UMULH: the high 64 bits of the 128-bit product; Ra is ignored (written as XZR). */
const multiplyHighRows: InsnDef[] = [
  { id: 'SMULH', pattern: '10011011 010 mmmmm 0 aaaaa nnnnn ddddd', syntax: 'smulh {X:d}, {X:n}, {X:m}', fixed: { a: 31 }, exec: (f) => binary64(f, smulh64) },
  { id: 'UMULH', pattern: '10011011 110 mmmmm 0 aaaaa nnnnn ddddd', syntax: 'umulh {X:d}, {X:n}, {X:m}', fixed: { a: 31 }, exec: (f) => binary64(f, umulh64) },
];

export const rows: InsnDef[] = [
  ...bothSizes((z) => [...oneSourceRows(z), ...twoSourceRows(z), ...threeSourceRows(z)]),
  ...crcRows,
  ...multiplyHighRows,
];
