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
