/**
 * Branch, exception-generating, hint, barrier and system encodings against llvm-mc (`+mte,+lse`): a verified
 * list, every row with random fields, every named system register both ways, random words over the op0 = 101x
 * space and its system subspaces, and a round trip over the whole class. DC ZVA/GVA/GZVA are the MTE class's.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { assembleOne } from '../../src/core/isa/asm.ts';
import { readNames, writeNames } from '../../src/core/isa/classes/branchSystem/sysregNames.ts';
import { disassemble } from '../../src/core/isa/disasm.ts';
import { decode } from '../../src/core/isa/table.ts';
import { branchSystemRows, hex, isMteOwnedDc, prng, randomFieldsWord } from './branchSystem.words.ts';
import { llvmDisassembly } from './llvm.ts';

/** Words and the text llvm-mc prints for them, from `llvm-mc --show-encoding` sessions. */
const VERIFIED: [number, string][] = [
  [0x14000002, 'b #8'], [0x54ffffe0, 'b.eq #-4'], [0x54000022, 'b.hs #4'], [0x5400002f, 'b.nv #4'], [0x94000040, 'bl #256'],
  [0x15ffffff, 'b #134217724'], [0x16000000, 'b #-134217728'],
  [0x34000080, 'cbz w0, #16'], [0xb5ffff81, 'cbnz x1, #-16'], [0xb47fffe0, 'cbz x0, #1048572'],
  [0x36180080, 'tbz w0, #3, #16'], [0xb7ffffc0, 'tbnz x0, #63, #-8'], [0x361c0000, 'tbz w0, #3, #-32768'],
  [0xd61f0020, 'br x1'], [0xd63f0040, 'blr x2'], [0xd63f03c0, 'blr x30'], [0xd65f03c0, 'ret'], [0xd65f0020, 'ret x1'],
  [0xd4000021, 'svc #0x1'], [0xd4000001, 'svc #0'], [0xd4207d00, 'brk #0x3e8'], [0xd4000022, 'hvc #0x1'],
  [0xd4400020, 'hlt #0x1'], [0xd4a00001, 'dcps1'], [0xd4a00021, 'dcps1 #0x1'], [0x00000001, 'udf #1'], [0x0000ffff, 'udf #65535'],
  [0xd503201f, 'nop'], [0xd503203f, 'yield'], [0xd503205f, 'wfe'], [0xd503207f, 'wfi'], [0xd503209f, 'sev'],
  [0xd50320bf, 'sevl'], [0xd50320df, 'dgh'], [0xd503229f, 'csdb'],
  [0xd503245f, 'hint #34'], [0xd503233f, 'hint #25'], [0xd50323bf, 'hint #29'], [0xd5032c9f, 'hint #100'],
  [0xd503309f, 'ssbb'], [0xd503349f, 'pssbb'], [0xd5033b9f, 'dsb ish'], [0xd50335bf, 'dmb nshld'], [0xd50330bf, 'dmb #0'],
  [0xd5033fdf, 'isb'], [0xd50333df, 'isb #3'], [0xd5033f5f, 'clrex'], [0xd503355f, 'clrex #5'],
  [0xd503419f, 'msr TCO, #1'], [0xd5034e9f, 'msr TCO, #14'], [0xd50342df, 'msr DAIFSet, #2'], [0xd50041bf, 'msr SPSel, #1'],
  [0xd503301f, 'msr S0_3_C3_C0_0, xzr'],
  [0xd53b42e0, 'mrs x0, TCO'], [0xd51b42e0, 'msr TCO, x0'], [0xd53bd040, 'mrs x0, TPIDR_EL0'], [0xd53be040, 'mrs x0, CNTVCT_EL0'],
  [0xd5380000, 'mrs x0, MIDR_EL1'], [0xd53b0000, 'mrs x0, S3_3_C0_C0_0'], [0xd5300000, 'mrs x0, S2_0_C0_C0_0'],
  [0xd5200000, 'mrs x0, S0_0_C0_C0_0'], [0xd5100001, 'msr S2_0_C0_C0_0, x1'],
  [0xd50b7b20, 'dc cvau, x0'], [0xd50b7520, 'ic ivau, x0'], [0xd508751f, 'ic iallu'], [0xd5087501, 'ic iallu'],
  [0xd5087620, 'dc ivac, x0'], [0xd5088300, 'tlbi vmalle1is'], [0xd5087800, 'at s1e1r, x0'],
  [0xd50b7c20, 'sys #3, c7, c12, #1, x0'], [0xd508001f, 'sys #0, c0, c0, #0'], [0xd5280000, 'sysl x0, #0, c0, c0, #0'],
];

const rand = prng(0x425359);
const ROW_SAMPLES = 12;
const rowWords = new Map(branchSystemRows.map((row) =>
  [row.def.id, Array.from({ length: ROW_SAMPLES }, () => randomFieldsWord(row, rand)).filter((w) => !isMteOwnedDc(w))]));

const fromKeys = (base: number, keys: Iterable<number>): number[] => [...keys].map((key) => (base | (key << 5) | (rand() & 31)) >>> 0);
const SPACE_SAMPLES = 2500;
const spaces: Record<string, number[]> = {
  // Everything with op0 = 101x: B/BL, B.cond, CBZ/TBZ, exception generation, system, branch (register).
  op0_101x: Array.from({ length: SPACE_SAMPLES }, () => ((rand() & ~(7 << 26)) | (5 << 26)) >>> 0),
  // System instructions and register moves: 1101010100 L op0 op1 CRn CRm op2 Rt.
  system: Array.from({ length: SPACE_SAMPLES }, () => (0xd5000000 | (rand() & 0x3fffff)) >>> 0),
  // Hints, barriers and PSTATE (op0 = 0, CRn = 2, 3, 4, Rt = 31) for op1 = 0 and 3, every CRm:op2.
  hintsBarriersPstate: [0, 3].flatMap((op1) => [2, 3, 4].flatMap((crn) =>
    Array.from({ length: 128 }, (_, x) => (0xd500001f | (op1 << 16) | (crn << 12) | (x << 5)) >>> 0))),
  // Exception generation: every opc, op2 and LL, with a random imm16.
  exceptions: Array.from({ length: 256 }, (_, x) => (0xd4000000 | ((x >> 5) << 21) | ((rand() & 0xffff) << 5) | (x & 31)) >>> 0),
  // Branch (register): every opc with op2 = 31, op3 = 0, op4 = 0 or 31, and random words of the whole space.
  branchRegister: [
    ...Array.from({ length: 32 }, (_, x) => (0xd61f0000 | ((x >> 1) << 21) | ((rand() & 31) << 5) | ((x & 1) * 31)) >>> 0),
    ...Array.from({ length: 300 }, () => (0xd6000000 | (rand() & 0x1ffffff)) >>> 0),
  ],
  // Every named system register, as MRS and as MSR.
  namedRegisters: [...fromKeys(0xd5200000, readNames.keys()), ...fromKeys(0xd5000000, writeNames.keys())],
};

const allWords = [...new Set([...VERIFIED.map(([w]) => w), ...[...rowWords.values()].flat(), ...Object.values(spaces).flat()])]
  .filter((w) => !isMteOwnedDc(w));
const llvmTexts = llvmDisassembly('branchSystem', allWords);
const llvmText = new Map(allWords.map((w, i) => [w, llvmTexts[i]]));
const oracle = (w: number): string | null => llvmText.get(w)!;

const ours = (words: number[]) => words.map((w) => `${hex(w)} ${disassemble(w)}`);
const theirs = (words: number[]) => words.map((w) => `${hex(w)} ${oracle(w)}`);

/** Whether a row's syntax mentions every field of its pattern (otherwise assembling fills in `fixed`). */
function syntaxCoversFields(word: number): boolean {
  const row = decode(word)!.row;
  const mentioned = row.pieces.flatMap((p) => ('letters' in p ? [...p.letters] : []));
  return [...row.pattern.fields.keys()].every((l) => mentioned.includes(l));
}

describe('branch and system encodings', () => {
  test.each(VERIFIED.map(([w, t]) => [hex(w), t, w] as const))('%s disassembles as "%s", as llvm-mc prints it', (_h, text, word) => {
    expect(disassemble(word)).toBe(text);
    expect(oracle(word)).toBe(text);
  });

  test.each(branchSystemRows.filter((r) => !r.def.noPrint).map((r) => [r.def.id, r] as const))(
    '%s with random fields prints exactly as llvm-mc', (_id, row) => {
      const words = rowWords.get(row.def.id)!;
      expect(ours(words)).toEqual(theirs(words));
    });

  test.each(Object.keys(spaces))('words of the %s space: accepted → identical text, rejected → null', (name) => {
    const words = spaces[name].filter((w) => !isMteOwnedDc(w));
    expect(ours(words)).toEqual(theirs(words));
    expect(words.some((w) => oracle(w) !== null)).toBe(true);
  });

  test.each(['op0_101x', 'exceptions', 'branchRegister'])('the %s space has unallocated words too', (name) => {
    expect(spaces[name].some((w) => oracle(w) === null)).toBe(true);
  });

  test('every row survives encode → decode → print → parse → encode', () => {
    const printable = branchSystemRows.filter((r) => !r.def.noPrint);
    fc.assert(fc.property(fc.constantFrom(...printable), fc.integer({ min: 0, max: 0x7fffffff }), (row, seed) => {
      const word = randomFieldsWord(row, prng(seed), true);
      fc.pre(!isMteOwnedDc(word));
      const text = disassemble(word);
      expect(text).not.toBeNull();
      const again = assembleOne(text!);
      expect(disassemble(again)).toBe(text);
      // Register-less aliases (`ic iallu`, `tlbi vmalle1`) print the same for every Rt and assemble Rt = 31.
      if (syntaxCoversFields(word)) expect(hex(again)).toBe(hex(word));
    }), { seed: 0x425359, numRuns: 4000 });
  });
});
