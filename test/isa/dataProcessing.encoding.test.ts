import { describe, expect, test } from 'vitest';
import { assembleOne } from '../../src/core/isa/asm.ts';
import { disassemble } from '../../src/core/isa/disasm.ts';
import { llvmDisassembly } from './llvm.ts';
import { dataProcessingRows, seeded, wordsForRow } from './dataProcessing.words.ts';

/** CRC32 is in every Armv8.1+ core (and in Tagscope's); llvm-mc decodes it only when told. */
const ATTRS = '+mte,+lse,+crc';
const hex = (w: number) => w.toString(16).padStart(8, '0');

const WORDS_PER_ROW = 48;
const byRow = dataProcessingRows.map((def) => ({ def, words: wordsForRow(def, WORDS_PER_ROW) }));
const allWords = [...new Set(byRow.flatMap((r) => r.words))];
const oracle = new Map(llvmDisassembly('dataProcessing', allWords, ATTRS).map((text, i) => [allWords[i], text]));

describe('data-processing rows disassemble exactly as llvm-mc does', () => {
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
      // Ignored bits (SMULH's Ra) and non-canonical encodings come back in their canonical form.
      expect(back === w || disassemble(back) === text, `${hex(w)} "${text}" assembled to ${hex(back)}`).toBe(true);
    }
  });
});

/**
 * The whole data-processing encoding space: op0 (bits 28:25) = 100x (immediate) and x101 (register).
 * Words llvm-mc decodes as MTE instructions (ADDG, SUBG, IRG, GMI, SUBP, SUBPS) belong to the MTE rows.
 */
describe('random words of the data-processing space', () => {
  const rnd = seeded(20240611);
  const OP0 = [0b1000, 0b1001, 0b0101, 0b1101];
  const words = Array.from({ length: 12000 }, (_, i) => ((rnd() & ~(0xf << 25)) | (OP0[i % 4] << 25)) >>> 0);
  const llvm = llvmDisassembly('dataProcessingRandom', words, ATTRS);
  const mte = /^(addg|subg|irg|gmi|subp|subps|cmpp) /;

  test('every word llvm-mc decodes prints the same, and every word it rejects is rejected', () => {
    const mismatches = words
      .map((w, i) => ({ w, ours: disassemble(w), theirs: llvm[i] }))
      .filter(({ ours, theirs }) => !(theirs !== null && mte.test(theirs)) && ours !== theirs)
      .map(({ w, ours, theirs }) => `${hex(w)}: llvm-mc ${theirs}, ours ${ours}`);
    expect(mismatches).toEqual([]);
  });

  test('the sample reaches both decoded and unallocated words', () => {
    const decoded = llvm.filter((t) => t !== null).length;
    expect(decoded).toBeGreaterThan(words.length / 4);
    expect(decoded).toBeLessThan(words.length);
  });
});

/** Spellings that llvm-mc and gcc write but the disassembler never prints; words as llvm-mc assembles them. */
describe('the assembler accepts the other spellings of data-processing instructions', () => {
  test.each([
    ['uxtw x0, w1', 0xd3407c20], ['uxtb x0, w1', 0x53001c20], ['lsl x0, x1, #0', 0xd340fc20],
    ['bfi w0, w1, #0, #8', 0x33001c20], ['bfc x0, #3, #4', 0xb37d0fe0], ['sbfm x0, x1, #1, #2', 0x93410820],
    ['rev64 x0, x1', 0xdac00c20], ['lslv x0, x1, x2', 0x9ac22020], ['mov x0, #0x1234000000000000', 0xd2e24680],
    ['add x0, x1, x2, lsl 3', 0x8b020c20], ['movk x0, 0x1234, lsl 16', 0xf2a24680], ['and w0, w0, 255', 0x12001c00],
    ['add x0, sp, w1, uxtw 2', 0x8b214be0], ['cmp w0, 3', 0x71000c1f], ['ubfiz x0, x1, 3, 32', 0xd37d7c20],
  ])('%s', (text, word) => {
    expect(hex(assembleOne(text))).toBe(hex(word));
  });
});
