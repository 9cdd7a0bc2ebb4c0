import { describe, test } from 'vitest';
import { scenarioProperties } from './scenarioCase.ts';
import { fuzzSeed } from './seed.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 20_000);

describe('scenario fuzzing (long run)', () => {
  test.each(scenarioProperties)('%s', (_name, check) => check(fuzzSeed(), RUNS));
});
