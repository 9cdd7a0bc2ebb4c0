import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkCase, describeCase, instructionCase } from './instructionCase.ts';
import { fuzzSeed } from './seed.ts';

/** The always-on slice; `npm run fuzz` runs test/fuzz/instructions.fuzz.ts with a million cases. */
const RUNS = 20_000;

describe('instruction fuzzing (always-on slice)', () => {
  test(`${RUNS} random words from random machine states give only architectural outcomes`, () => {
    fc.assert(fc.property(instructionCase, (c) => checkCase(c)), { seed: fuzzSeed(), numRuns: RUNS });
  });

  test('a failing case prints its word, disassembly and state', () => {
    const c = fc.sample(instructionCase, { seed: 1, numRuns: 1 })[0];
    c.word = 0xd503201f;
    expect(describeCase(c)).toMatch(/^word 0xd503201f \(nop\) nzcv=\d{4} tco=\d .* x0=0x[0-9a-f]{16} .* sp=0x[0-9a-f]{16}$/);
  });
});
