/**
 * Schema-level fuzzing of scenario JSON: any value, values that are almost valid scenarios with one part
 * replaced (wrong types, extreme numbers, huge strings, deep nesting), and prototype-pollution keys.
 * `checkDecoded` states what decoding promises for any input (docs/RELIABILITY.md).
 */
import fc from 'fast-check';
import { scenarioFromJson, scenarioFromValue, type Decoded } from '../../src/scenario/codec.ts';

/** A valid scenario touching every part of the schema; mutations start from it. */
export const validScenario = {
  version: 1,
  title: 'Overflow by one granule',
  program: { kind: 'asm', source: 'irg x0, x1\nstg x0, [x0]\n' },
  machine: { kernel: '6.13', mode: 'vm', tcf: 'sync', gcrExclude: 1, memslots: [{ ipa: 0x4000_0000, size: 1 << 20, backing: 'memfd' }] },
  actions: [{ do: 'run', until: 'fault', maxInstructions: 1000 }, { do: 'vmmWrite', ipa: 0x4000_0000, bytes: '00ff' }, { do: 'copyTags', direction: 'fromGuest', ipa: 0x4000_0000, length: 4096 }],
  steps: [{ title: 'Step', text: 'Look', afterAction: 1, highlight: { kind: 'register', index: 3 } }],
  view: { step: 1, selection: { kind: 'event', index: 0 } },
};

/** Keys that change an object's prototype or shadow its methods when a parser or merger is careless. */
export const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];

const extremeNumber = fc.constantFrom('0', '-0', '-1', '0.5', '1e308', '-1e308', '1e309', '9007199254740992', '9007199254740994', '-9007199254740992', '18446744073709551616', '4096', '1099511627776', '1099511631872', '5e-324', '1e-300');

/** An array or object nested `depth` levels deep (JSON has no depth limit of its own), as text: deep values overflow recursive printers. */
const deep = fc.tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean()).map(([depth, arrays]) =>
  arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

const hugeString = fc.tuple(fc.integer({ min: 4_000, max: 1_000_000 }), fc.constantFrom('a', '\u0000', '<script>', '\ud800', 'é'))
  .map(([n, s]) => JSON.stringify(s.repeat(Math.ceil(n / s.length))));

/** Any JSON value as text, including the hostile ones. */
export const hostileJson: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.json() },
  { weight: 1, arbitrary: extremeNumber },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...POLLUTING_KEYS), fc.jsonValue(), { minKeys: 1 }).map((d) => JSON.stringify(d)) },
);

/** A path into `validScenario` and a value (JSON text) to put there, or a key to add there. */
export interface ScenarioMutation {
  path: string[];
  json: string;
  addKey?: string;
}

function paths(v: unknown, prefix: string[] = []): string[][] {
  if (typeof v !== 'object' || v === null) return [prefix];
  return [prefix, ...Object.entries(v).flatMap(([k, child]) => paths(child, [...prefix, k]))];
}

const allPaths = paths(validScenario);

export const scenarioMutation: fc.Arbitrary<ScenarioMutation> = fc.record({
  path: fc.constantFrom(...allPaths),
  json: hostileJson,
  addKey: fc.option(fc.oneof(fc.constantFrom(...POLLUTING_KEYS), fc.string({ maxLength: 20 })), { nil: undefined }),
});

/**
 * The JSON text of `validScenario` with mutations applied. Values go in as text through placeholders, so
 * "__proto__" stays an own key and deep values are never walked by a recursive serialiser.
 */
export function mutatedScenarioJson(ms: ScenarioMutation[]): string {
  let v: unknown = structuredClone(validScenario);
  const texts: string[] = [];
  const placeholder = (json: string): string => `\u0001${texts.push(json) - 1}\u0001`;
  for (const m of ms) {
    if (m.path.length === 0 && m.addKey === undefined) {
      v = placeholder(m.json);
      continue;
    }
    const parentPath = m.addKey === undefined ? m.path.slice(0, -1) : m.path;
    let parent: unknown = v;
    for (const k of parentPath) parent = typeof parent === 'object' && parent !== null ? (parent as Record<string, unknown>)[k] : undefined;
    if (typeof parent !== 'object' || parent === null) continue;
    Object.defineProperty(parent, m.addKey ?? m.path[m.path.length - 1], { value: placeholder(m.json), enumerable: true, writable: true, configurable: true });
  }
  return JSON.stringify(v).replace(/"\\u0001(\d+)\\u0001"/g, (_m, i: string) => texts[Number(i)]);
}

/** Longest message a scenario error may carry: it is shown in one line of the UI and the CLI. */
export const MAX_MESSAGE_CHARS = 1_000;

const prototypeKeys = (): string[] => Object.getOwnPropertyNames(Object.prototype).sort();
const PRISTINE = prototypeKeys().join(',');

/** Throws when decoding broke a promise: a result that is neither a scenario nor a short message, or a polluted prototype. */
export function checkDecoded(d: Decoded, input: string): void {
  const where = `input: ${input.length > 300 ? `${input.slice(0, 300)}… (${input.length} chars)` : input}`;
  if (d.ok) {
    if (typeof d.scenario !== 'object' || d.scenario === null || d.scenario.version !== 1) throw new Error(`ok without a scenario\n  ${where}`);
  } else if (typeof d.error !== 'string' || d.error.length === 0 || d.error.length > MAX_MESSAGE_CHARS || /[\r\n]/.test(d.error)) {
    throw new Error(`error is not one short line: ${JSON.stringify(String(d.error).slice(0, 300))} (${String(d.error).length} chars)\n  ${where}`);
  }
  if (prototypeKeys().join(',') !== PRISTINE || ({} as Record<string, unknown>).polluted !== undefined) {
    throw new Error(`Object.prototype was polluted\n  ${where}`);
  }
}

/** A short description of a value for failure messages (fc.stringify recurses, and values may be 20,000 levels deep). */
function describeValue(v: unknown): string {
  try {
    return fc.stringify(v).slice(0, 300);
  } catch {
    return `${typeof v} too deep to print`;
  }
}

function checkValue(v: unknown): void {
  let d;
  try {
    d = scenarioFromValue(v);
  } catch (e) {
    throw new Error(`scenarioFromValue threw: ${(e as Error).stack}\n  input: ${describeValue(v)}`);
  }
  checkDecoded(d, describeValue(v));
}

function checkJson(text: string): void {
  let d;
  try {
    d = scenarioFromJson(text);
  } catch (e) {
    throw new Error(`scenarioFromJson threw: ${(e as Error).stack}\n  input: ${text.slice(0, 300)}`);
  }
  checkDecoded(d, text);
}

const anything = fc.anything({
  withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true,
  withObjectString: true, withSparseArray: true, withTypedArray: true, withUnicodeString: true,
});

/** The scenario properties by name, each run with a seed and a count, shared by the always-on slice and the long run. */
export const scenarioProperties: [string, (seed: number, numRuns: number) => void][] = [
  ['any JavaScript value gives a scenario or a one-line message', (seed, numRuns) =>
    fc.assert(fc.property(fc.oneof(anything, hostileJson.map((t) => JSON.parse(t) as unknown)), checkValue), { seed, numRuns })],
  ['any text gives a scenario or a one-line message', (seed, numRuns) =>
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary' }), hostileJson), checkJson), { seed, numRuns })],
  ['a valid scenario with parts replaced by wrong types, extreme numbers, huge strings, deep nesting or polluting keys gives a scenario or a one-line message', (seed, numRuns) =>
    fc.assert(fc.property(fc.array(scenarioMutation, { minLength: 1, maxLength: 4 }), (ms) => checkJson(mutatedScenarioJson(ms))), { seed, numRuns })],
];
