import fc from 'fast-check';
import { describe, test } from 'vitest';
import { AsmError, assembleProgram } from '../../src/core/isa/asm.ts';
import { disassemble } from '../../src/core/isa/disasm.ts';
import { tableRows } from '../../src/core/isa/table.ts';
import { fuzzSeed } from './seed.ts';

/** The editor hands whatever the user typed to the assembler: it assembles or says which line is wrong, nothing else. */
function checkAssembles(source: string): void {
  try {
    assembleProgram(source, 0x40_0000);
  } catch (e) {
    if (e instanceof AsmError && e.message.length > 0 && !/[\r\n]/.test(e.message)) return;
    throw new Error(`the assembler failed with something other than a one-line AsmError: ${(e as Error)?.stack ?? String(e)}\n  source: ${JSON.stringify(source.slice(0, 300))}`);
  }
}

/** The text of a random instruction form, as the disassembler prints it. */
const printed: fc.Arbitrary<string> = (() => {
  const rows = tableRows();
  return fc.tuple(fc.nat(rows.length - 1), fc.integer({ min: 0, max: 0xffff_ffff })).map(([i, w]) => {
    const p = rows[i].pattern;
    return disassemble(((w & ~p.mask) | p.value) >>> 0, 0x40_0000) ?? 'nop';
  });
})();

/** Edits a line the way a slip of the keyboard or a hostile paste would. */
const edited: fc.Arbitrary<string> = fc.tuple(printed, fc.nat(), fc.constantFrom(
  '', '#', ',', '[', ']', '!', '-', 'x', 'w', 'sp', '#-1', '#0x', '99999999999999999999999', '#1e9', 'lsl #64', '{', '}', '.', ':',
  '\u0000', '\u{1f600}', ' '.repeat(200), '#0xffffffffffffffffffffffff', 'label', '.balign 3', '.zero 99999999999',
)).map(([line, at, piece]) => {
  const i = at % (line.length + 1);
  return at % 2 === 0 ? line.slice(0, i) + piece + line.slice(i) : line.slice(0, i) + piece + line.slice(i + 1);
});

describe('assembler fuzzing', () => {
  test('any text assembles or gives a one-line error naming the line', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), checkAssembles), { seed: fuzzSeed(), numRuns: 5_000 });
  });

  test('every instruction form, printed and then mistyped, assembles or gives a one-line error', () => {
    fc.assert(fc.property(fc.array(edited, { minLength: 1, maxLength: 4 }), (lines) => checkAssembles(lines.join('\n'))), { seed: fuzzSeed(), numRuns: 10_000 });
  });
});
