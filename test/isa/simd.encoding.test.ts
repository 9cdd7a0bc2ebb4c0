import { describe, expect, test } from 'vitest';
import { rows } from '../../src/core/isa/classes/simd.ts';
import { assembleOne } from '../../src/core/isa/asm.ts';
import { disassemble } from '../../src/core/isa/disasm.ts';
import { llvmDisassembly } from './llvm.ts';
import { seeded, wordsForRow } from './dataProcessing.words.ts';

const hex = (w: number) => w.toString(16).padStart(8, '0');

const WORDS_PER_ROW = 40;
const byRow = rows.map((def) => ({ def, words: wordsForRow(def, WORDS_PER_ROW) }));
const allWords = [...new Set(byRow.flatMap((r) => r.words))];
const oracle = new Map(llvmDisassembly('simd', allWords).map((text, i) => [allWords[i], text]));

describe('SIMD&FP rows disassemble exactly as llvm-mc does', () => {
  test.each(byRow.map((r) => [r.def.id, r.words] as const))('%s', (_id, words) => {
    expect(words.length).toBeGreaterThan(0);
    expect(words.map((w) => `${hex(w)} ${disassemble(w)}`)).toEqual(words.map((w) => `${hex(w)} ${oracle.get(w)}`));
  });
});

describe('assembling what the disassembler prints gives the word back', () => {
  test.each(byRow.map((r) => [r.def.id, r.words] as const))('%s', (_id, words) => {
    for (const w of words) {
      const text = disassemble(w);
      if (text === null) continue;
      const back = assembleOne(text);
      // Ignored bits (FCMP #0.0's Rm, INS's low imm4 bits) come back in their canonical form.
      expect(back === w || disassemble(back) === text, `${hex(w)} "${text}" assembled to ${hex(back)}`).toBe(true);
    }
  });
});

/**
 * The encoding groups of the SIMD&FP data-processing space (op0 = x111) that Tagscope implements in full,
 * as mask/value pairs: within each, every word llvm-mc decodes must print the same and every word it
 * rejects must be rejected. Groups are narrowed by opcode (and U, a, or size bits) where Tagscope
 * implements only some of a group's instructions.
 */
const threeSame = (u: number, opcode: number) => [0xbf20fc00, 0x0e200400 | (u << 29) | (opcode << 11)];
const threeSameFp = (u: number, a: number, opcode: number) => [0xbfa0fc00, 0x0e200400 | (u << 29) | (a << 23) | (opcode << 11)];
const twoMisc = (u: number, opcode: number) => [0xbf3ffc00, 0x0e200800 | (u << 29) | (opcode << 12)];
const twoMiscFp = (u: number, a: number, opcode: number) => [0xbfbffc00, 0x0e200800 | (u << 29) | (a << 23) | (opcode << 12)];
const across = (u: number, opcode: number) => [0xbf3ffc00, 0x0e300800 | (u << 29) | (opcode << 12)];
const shiftImm = (u: number, opcode: number) => [0xbf80fc00, 0x0f000400 | (u << 29) | (opcode << 11)];
const scalarShiftImm = (u: number, opcode: number) => [0xff80fc00, 0x5f000400 | (u << 29) | (opcode << 11)];
const scalarThree = (u: number, opcode: number) => [0xff20fc00, 0x5e200400 | (u << 29) | (opcode << 11)];
const scalarTwo = (u: number, opcode: number) => [0xff3ffc00, 0x5e200800 | (u << 29) | (opcode << 12)];
const scalarTwoFp = (u: number, a: number, opcode: number) => [0xffbffc00, 0x5e200800 | (u << 29) | (a << 23) | (opcode << 12)];
const threeDifferent = (u: number, opcode: number) => [0xbf20fc00, 0x0e200000 | (u << 29) | (opcode << 12)];
const scalarThreeDifferent = (u: number, opcode: number) => [0xff20fc00, 0x5e200000 | (u << 29) | (opcode << 12)];
const byElement = (u: number, opcode: number) => [0xbf00f400, 0x0f000000 | (u << 29) | (opcode << 12)];
const scalarByElement = (u: number, opcode: number) => [0xff00f400, 0x5f000000 | (u << 29) | (opcode << 12)];
/** Opcodes 0 .. count−1. */
const upTo = (count: number): number[] => Array.from({ length: count }, (_, i) => i);
const both = (fn: (u: number, opcode: number) => number[], ...opcodes: number[]) => opcodes.flatMap((op) => [fn(0, op), fn(1, op)]);

const GROUPS: Record<string, number[][]> = {
  'three same (integer)': both(threeSame, ...upTo(0b11000)),
  'three same (floating point)': [
    [0, 0, 0b11010], [0, 1, 0b11010], [1, 0, 0b11011], [1, 0, 0b11111], [0, 0, 0b11110], [0, 1, 0b11110], [0, 0, 0b11000], [0, 1, 0b11000],
    [0, 0, 0b11001], [0, 1, 0b11001], [1, 1, 0b11010], [0, 0, 0b11100], [1, 0, 0b11100], [1, 1, 0b11100], [1, 0, 0b11010],
  ].map(([u, a, op]) => threeSameFp(u, a, op)),
  'two-register misc (integer)': [
    ...both(twoMisc, 0b01011, 0b01000, 0b01001, 0b01010, 0b00100, 0b00101, 0b00000, 0b00001, 0b00010, 0b00011, 0b00110, 0b00111, 0b10010, 0b10100),
    ...both((u, op) => twoMiscFp(u, 1, op), 0b11100),
  ],
  'three different': both(threeDifferent, ...upTo(16)),
  'scalar three different': both(scalarThreeDifferent, 0b1001, 0b1011, 0b1101),
  'by element (integer)': both(byElement, 0b0000, 0b0010, 0b0011, 0b0100, 0b0110, 0b0111, 0b1000, 0b1010, 0b1011, 0b1100, 0b1101),
  'scalar by element (integer)': both(scalarByElement, 0b0011, 0b0111, 0b1011, 0b1100, 0b1101),
  'two-register misc (floating point)': [
    [0, 1, 0b01111], [1, 1, 0b01111], [1, 1, 0b11111], [0, 0, 0b11000], [0, 1, 0b11000], [0, 0, 0b11001], [0, 1, 0b11001], [1, 0, 0b11000],
    [1, 0, 0b11001], [1, 1, 0b11001], [0, 0, 0b11101], [1, 0, 0b11101], [0, 0, 0b11010], [0, 1, 0b11010], [0, 0, 0b11011], [0, 1, 0b11011],
    [1, 0, 0b11010], [1, 1, 0b11010], [1, 0, 0b11011], [1, 1, 0b11011], [0, 0, 0b11100], [1, 0, 0b11100], [0, 1, 0b01100], [1, 1, 0b01100],
    [0, 1, 0b01101], [1, 1, 0b01101], [0, 1, 0b01110], [0, 0, 0b10110], [1, 0, 0b10110], [0, 0, 0b10111],
  ].map(([u, a, op]) => twoMiscFp(u, a, op)),
  'across lanes': both(across, 0b11011, 0b00011, 0b01010, 0b11010),
  copy: [[0x9fe08400, 0x0e000400]],
  'scalar copy': [[0xdfe08400, 0x5e000400]],
  permute: [[0xbf208c00, 0x0e000800]],
  extract: [[0xbf208400, 0x2e000000]],
  'table lookup': [[0xbf208c00, 0x0e000000]],
  'modified immediate': [[0x9ff80400, 0x0f000400]],
  'shift by immediate': both(shiftImm, 0b00000, 0b00010, 0b00100, 0b00110, 0b01000, 0b01010, 0b01100, 0b01110, 0b10000, 0b10001, 0b10010, 0b10011, 0b10100, 0b11100, 0b11111),
  'scalar shift by immediate': both(scalarShiftImm, 0b00000, 0b00010, 0b00100, 0b00110, 0b01000, 0b01010, 0b01100, 0b01110, 0b10000, 0b10001, 0b10010, 0b10011, 0b11100, 0b11111),
  'scalar three same': both(scalarThree, 0b00001, 0b00101, 0b00110, 0b00111, 0b01000, 0b01001, 0b01010, 0b01011, 0b10000, 0b10001, 0b10110),
  'scalar two-register misc': [
    ...both(scalarTwo, 0b01011, 0b01000, 0b01001, 0b00011, 0b00111, 0b10010, 0b10100), scalarTwo(0, 0b01010),
    scalarTwoFp(0, 1, 0b11111), scalarTwoFp(1, 0, 0b10110),
    ...[[0, 0, 0b11010], [0, 1, 0b11010], [0, 0, 0b11011], [0, 1, 0b11011], [1, 0, 0b11010], [1, 1, 0b11010], [1, 0, 0b11011], [1, 1, 0b11011],
      [0, 0, 0b11100], [1, 0, 0b11100], [0, 0, 0b11101], [1, 0, 0b11101], [0, 1, 0b01100], [1, 1, 0b01100], [0, 1, 0b01101], [1, 1, 0b01101],
      [0, 1, 0b01110]].map(([u, a, op]) => scalarTwoFp(u, a, op)),
  ],
  'scalar pairwise': [[0xff3ffc00, 0x5e31b800], [0xffbffc00, 0x7e30d800]],
  'floating-point data-processing (1 source)': [[0xff207c00, 0x1e204000]],
  'floating-point compare': [[0xff203c00, 0x1e202000]],
  'floating-point immediate': [[0xff201c00, 0x1e201000]],
  'floating-point conditional compare': [[0xff200c00, 0x1e200400]],
  'floating-point data-processing (2 source)': [[0xff200c00, 0x1e200800]],
  'floating-point conditional select': [[0xff200c00, 0x1e200c00]],
  'floating-point data-processing (3 source)': [[0xff000000, 0x1f000000]],
  'conversion between floating point and integer': [[0x7f20fc00, 0x1e200000]],
  'conversion between floating point and fixed point': [[0x7f200000, 0x1e000000]],
};

describe('random words of the implemented SIMD&FP groups', () => {
  const rnd = seeded(20240923);
  const entries = Object.entries(GROUPS).map(([name, pairs]) => {
    const words = pairs.flatMap(([mask, value]) => Array.from({ length: 60 }, () => ((rnd() & ~mask) | value) >>> 0));
    return { name, words };
  });
  const all = entries.flatMap((e) => e.words);
  const llvm = new Map(llvmDisassembly('simdRandom', all).map((t, i) => [all[i], t]));

  test.each(entries.map((e) => [e.name, e.words] as const))('%s: accepted words print as llvm-mc prints them, rejected ones are rejected', (_name, words) => {
    const mismatches = words.filter((w) => disassemble(w) !== llvm.get(w)).map((w) => `${hex(w)}: llvm-mc ${llvm.get(w)}, ours ${disassemble(w)}`);
    expect(mismatches).toEqual([]);
  });

  test('the sample reaches both decoded and unallocated words', () => {
    const decoded = all.filter((w) => llvm.get(w) !== null).length;
    expect(decoded).toBeGreaterThan(all.length / 3);
    expect(decoded).toBeLessThan(all.length);
  });
});
