import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { scenarioFromJson, scenarioFromValue } from '../../src/scenario/codec.ts';
import { fuzzSeed } from './seed.ts';
import { checkDecoded, hostileJson, mutatedScenarioJson, POLLUTING_KEYS, scenarioMutation, validScenario } from './scenarioCase.ts';

const options = { seed: fuzzSeed(), numRuns: 1_000 };

/** A short description of a value for failure messages (fc.stringify recurses, and values may be 5,000 levels deep). */
function describeValue(v: unknown): string {
  try {
    return fc.stringify(v).slice(0, 300);
  } catch {
    return `${typeof v} too deep to print`;
  }
}

function decodeJson(text: string): void {
  let d;
  try {
    d = scenarioFromJson(text);
  } catch (e) {
    throw new Error(`scenarioFromJson threw: ${(e as Error).stack}\n  input: ${text.slice(0, 300)}`);
  }
  checkDecoded(d, text);
}

describe('scenario fuzzing', () => {
  test('the unmutated scenario is valid (mutations start from a scenario that loads)', () => {
    expect(scenarioFromJson(mutatedScenarioJson([])).ok).toBe(true);
  });

  test('any JavaScript value gives a scenario or a one-line message', () => {
    const anything = fc.anything({ withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true, withUnicodeString: true });
    fc.assert(fc.property(fc.oneof(anything, hostileJson.map((t) => JSON.parse(t) as unknown)), (v) => {
      let d;
      try {
        d = scenarioFromValue(v);
      } catch (e) {
        throw new Error(`scenarioFromValue threw: ${(e as Error).stack}`);
      }
      checkDecoded(d, describeValue(v));
    }), options);
  });

  test('any text gives a scenario or a one-line message', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary' }), hostileJson), decodeJson), options);
  });

  test('a valid scenario with parts replaced by wrong types, extreme numbers, huge strings, deep nesting or polluting keys gives a scenario or a one-line message', () => {
    fc.assert(fc.property(fc.array(scenarioMutation, { minLength: 1, maxLength: 4 }), (ms) => decodeJson(mutatedScenarioJson(ms))), options);
  });

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
