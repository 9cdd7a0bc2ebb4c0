import { describe, expect, test } from 'vitest';
import { scenarioFromJson } from '../../src/scenario/codec.ts';
import { fuzzSeed } from './seed.ts';
import { checkDecoded, mutatedScenarioJson, POLLUTING_KEYS, scenarioProperties, validScenario } from './scenarioCase.ts';

describe('scenario fuzzing', () => {
  test('the unmutated scenario is valid (mutations start from a scenario that loads)', () => {
    expect(scenarioFromJson(mutatedScenarioJson([])).ok).toBe(true);
  });

  test.each(scenarioProperties)('%s', (_name, check) => check(fuzzSeed(), 1_000));

  test.each(POLLUTING_KEYS)('a "%s" key anywhere never reaches Object.prototype', (key) => {
    const payload = `{"${key}": {"polluted": true, "toString": 1}}`;
    for (const text of [
      payload,
      JSON.stringify(validScenario).replace('{', `{"${key}": {"polluted": true},`),
      JSON.stringify(validScenario).replace('"machine":{', `"machine":{"${key}": {"polluted": true},`),
      JSON.stringify(validScenario).replace('"actions":[{', `"actions":[{"${key}": {"polluted": true},`),
    ]) {
      const d = scenarioFromJson(text);
      expect(d.ok, text).toBe(false);
      checkDecoded(d, text);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
