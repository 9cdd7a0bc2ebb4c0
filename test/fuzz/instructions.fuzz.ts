import fc from 'fast-check';
import { describe, test } from 'vitest';
import { checkCase, instructionCase } from './instructionCase.ts';
import { fuzzSeed } from './seed.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000_000);

describe('instruction fuzzing (long run)', () => {
  test(`${RUNS} random words from random machine states give only architectural outcomes`, () => {
    fc.assert(fc.property(instructionCase, (c) => checkCase(c)), { seed: fuzzSeed(), numRuns: RUNS });
  });
});
