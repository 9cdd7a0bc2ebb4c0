import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { assembleOne } from '../../src/core/isa/asm.ts';
import { rows as loadStoreDefs } from '../../src/core/isa/classes/loadStore.ts';
import { disassemble } from '../../src/core/isa/disasm.ts';
import { extractFields, insertFields } from '../../src/core/isa/pattern.ts';
import { tableRows, type Row } from '../../src/core/isa/table.ts';
import { llvmDisassembly } from './llvm.ts';

/**
 * The emulated CPU implements FEAT_LRCPC (LDAPR), FEAT_LRCPC2 (LDAPUR/STLUR) and FEAT_LOR (LDLAR/STLLR),
 * which llvm-mc decodes only when asked: every comparison here names them.
 */
const ATTRS = '+mte,+lse,+rcpc,+rcpc-immo,+lor';

/** A deterministic generator, so the recorded fixtures hold exactly the words the test asks about. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const defs = new Set(loadStoreDefs);
const rows: Row[] = tableRows().filter((r) => defs.has(r.def));

/** A word of `row` with random bits in every non-fixed position (fields and ignored bits alike). */
const wordOf = (row: Row, bits: number): number => (row.pattern.value | (bits & ~row.pattern.mask)) >>> 0;

/**
 * MTE tag loads/stores (0xD9 with bit 21 set) and STGP (opc=01 V=0 L=0 in the pair classes) belong to the
 * MTE class and its own tests, so the load/store tests leave them out.
 */
const ownedByMte = (w: number): boolean =>
  (w & 0xff200000) >>> 0 === 0xd9200000 || ((w & 0xfe400000) >>> 0 === 0x68000000 && (w & 0x01800000) !== 0);

describe('load/store encodings match llvm-mc', () => {
  test('every row prints as llvm-mc for many random field values', () => {
    const next = random(1);
    const words: number[] = [];
    for (const row of rows) {
      for (let k = 0; k < 16; k++) {
        const w = wordOf(row, next());
        if (row.def.when && disassemble(w) === null) continue;
        words.push(w);
      }
    }
    const expected = llvmDisassembly('loadStore.rows', words, ATTRS);
    const mismatches = words.map((w, i) => ({ word: w.toString(16).padStart(8, '0'), ours: disassemble(w), llvm: expected[i] }))
      .filter((m) => m.ours !== m.llvm);
    expect(mismatches.slice(0, 20)).toEqual([]);
  });

  // Random words over the whole load/store space (op0 = x1x0): llvm-mc and Tagscope accept the same words
  // and print them identically.
  test('random words of the load/store space: same acceptance and text as llvm-mc', () => {
    const next = random(2);
    const words: number[] = [];
    while (words.length < 20000) {
      const w = ((next() | 0x08000000) & ~0x02000000) >>> 0;
      if (!ownedByMte(w)) words.push(w);
    }
    const expected = llvmDisassembly('loadStore.random', words, ATTRS);
    const mismatches = words.map((w, i) => ({ word: w.toString(16).padStart(8, '0'), ours: disassemble(w), llvm: expected[i] }))
      .filter((m) => m.ours !== m.llvm);
    expect(mismatches.slice(0, 20)).toEqual([]);
  });
});

describe('load/store assembler', () => {
  // Encodings from `llvm-mc --triple=aarch64 --show-encoding`.
  test.each([
    ['ldr x0, [x1, #12]', 0xf840c020], ['ldr x0, [x1, #-8]', 0xf85f8020], ['ldr x0, [x1, #8]', 0xf9400420],
    ['strh w0, [sp, #3]', 0x780033e0], ['ldr q0, [x1, #8]', 0x3cc08020],
  ])('an offset the scaled form cannot encode assembles as LDUR/STUR, as llvm-mc does: %s', (text, word) => {
    expect(assembleOne(text)).toBe(word);
  });

  test('CASP needs even register pairs, as the architecture requires', () => {
    expect(() => assembleOne('casp x1, x2, x4, x5, [x0]')).toThrow(/invalid operands/);
    expect(assembleOne('casp x30, xzr, x2, x3, [x0]')).toBe(0x483e7c02);
  });
});

describe('load/store round trip', () => {
  test('fields → word → text → assembler → the same word, for every row', () => {
    fc.assert(fc.property(fc.nat(rows.length - 1), fc.nat(0xffffffff), (ri, bits) => {
      const row = rows[ri];
      const word = insertFields(row.pattern, { ...extractFields(row.pattern, bits), ...row.def.fixed });
      if (word === null || disassemble(word) === null) return;
      expect(assembleOne(disassemble(word)!)).toBe(word);
    }), { numRuns: 20000 });
  });
});
