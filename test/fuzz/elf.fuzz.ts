import fc from 'fast-check';
import { describe, test } from 'vitest';
import { checkElf, elfCase } from './elfCase.ts';
import { fuzzSeed } from './seed.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200_000);

describe('ELF fuzzing (long run)', () => {
  test(`${RUNS} mutated ELF files each run or stop with a one-line error, in bounded time and memory`, () => {
    fc.assert(fc.property(elfCase, (c) => { checkElf(c); }), { seed: fuzzSeed(), numRuns: RUNS });
  });
});
