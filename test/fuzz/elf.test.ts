import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { runProgram } from '../../src/engine/runProgram.ts';
import { fuzzSeed } from './seed.ts';
import { CASE_INSTRUCTIONS, checkElf, elfCase, seeds } from './elfCase.ts';

const RUNS = 10_000;

describe('ELF fuzzing', () => {
  test('every seed program runs unmutated (the mutations start from working files)', () => {
    for (const s of seeds) expect(runProgram(s.bytes, { maxInstructions: CASE_INSTRUCTIONS }).reason, s.name).not.toBe('error');
  });

  test(`${RUNS} mutated ELF files each run or stop with a one-line error, in bounded time and memory`, () => {
    const reasons: Record<string, number> = {};
    fc.assert(fc.property(elfCase, (c) => {
      const r = checkElf(c);
      reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
    }), { seed: fuzzSeed(), numRuns: RUNS });
    // The mutations reach both sides: files the loader refuses and files that still run.
    expect(reasons.error).toBeGreaterThan(RUNS / 10);
    expect((reasons.exit ?? 0) + (reasons.signal ?? 0) + (reasons.limit ?? 0)).toBeGreaterThan(RUNS / 10);
  });
});
