import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { decodeFragment, encodeFragment, scenarioFromJson, scenarioToJson, toBase64Url } from '../../src/scenario/codec.ts';
import { ScenarioSchema, type ScenarioInput } from '../../src/scenario/schema.ts';

const base: ScenarioInput = {
  version: 1,
  title: 'Overflow by one granule',
  program: { kind: 'asm', source: 'irg x0, x1\nstg x0, [x0]\n' },
  machine: { kernel: '6.2', mode: 'vm', tcf: 'async', tcma1: true, memslots: [{ ipa: 0x40000000, size: 1 << 20, backing: 'memfd' }] },
  actions: [{ do: 'run', until: 'fault' }, { do: 'copyTags', direction: 'fromGuest', ipa: 0x40000000, length: 4096 }],
  view: { step: 2, selection: { kind: 'granule', space: 'guest', address: 0x40000010 } },
};

const arbScenario: fc.Arbitrary<ScenarioInput> = fc.record({
  version: fc.constant(1 as const),
  title: fc.string({ maxLength: 40 }),
  program: fc.oneof(
    fc.record({ kind: fc.constant('asm' as const), source: fc.string({ maxLength: 300 }) }),
    fc.record({ kind: fc.constant('bundled' as const), name: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/) }),
  ),
  machine: fc.record({
    kernel: fc.constantFrom('5.14', '6.2', '6.12', '6.13', 'proposal', 'v2-2020' as const),
    tcf: fc.constantFrom('none', 'sync', 'async', 'asymm' as const),
    tcma0: fc.boolean(),
    tcma1: fc.boolean(),
    gcrExclude: fc.integer({ min: 0, max: 0xffff }),
  }),
  actions: fc.array(fc.oneof(
    fc.record({ do: fc.constant('step' as const), count: fc.integer({ min: 1, max: 1000 }) }),
    fc.record({ do: fc.constant('swapOut' as const), ipa: fc.integer({ min: 0, max: 1 << 20 }).map((p) => p * 4096) }),
    fc.record({ do: fc.constant('toggle' as const), name: fc.constantFrom('tcma0', 'tcma1', 'tco', 'kvmCapMte' as const), value: fc.boolean() }),
  ), { maxLength: 10 }),
});

describe('scenario URLs', () => {
  test('a shared URL reproduces the scenario exactly', () => {
    const url = `https://example.test/tagscope/#${encodeFragment(base)}`;
    const d = decodeFragment(url);
    expect(d).toEqual({ ok: true, scenario: ScenarioSchema.parse(base) });
  });

  test('round trip holds for arbitrary scenarios (property)', () => {
    fc.assert(fc.property(arbScenario, (s) => {
      const d = decodeFragment(encodeFragment(s));
      expect(d.ok && d.scenario).toEqual(ScenarioSchema.parse(s));
    }), { numRuns: 300 });
  });

  test('10,000 mutated URLs each load or give a message, never throw or hang', () => {
    const good = encodeFragment(base);
    const mutate = fc.tuple(
      fc.constantFrom('truncate', 'flip', 'insert', 'delete', 'swapVersion', 'duplicate'),
      fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 8 }),
    ).map(([kind, a, b, s]) => {
      const i = a % good.length;
      switch (kind) {
        case 'truncate': return good.slice(0, i);
        case 'flip': return good.slice(0, i) + String.fromCharCode((good.charCodeAt(i) + 1 + (b % 90)) % 128) + good.slice(i + 1);
        case 'insert': return good.slice(0, i) + s + good.slice(i);
        case 'delete': return good.slice(0, i) + good.slice(i + 1 + (b % 10));
        case 'swapVersion': return good.replace(/^s=1\./, `s=${b % 5}.`);
        default: return good + good.slice(i);
      }
    });
    let ok = 0;
    let refused = 0;
    const t0 = performance.now();
    fc.assert(fc.property(mutate, (url) => {
      const d = decodeFragment(url);
      if (d.ok) {
        expect(ScenarioSchema.safeParse(d.scenario).success).toBe(true);
        ok++;
      } else {
        expect(d.error).toMatch(/^This scenario link cannot be opened: .+/);
        refused++;
      }
    }), { numRuns: 10_000 });
    expect(ok + refused).toBe(10_000);
    expect(refused).toBeGreaterThan(0);
    // Not a timing test of speed, a guard against hangs: 10,000 decodes of a small link stay far below this.
    expect(performance.now() - t0).toBeLessThan(30_000);
  });

  test('a link from a newer Tagscope says so', () => {
    const d = decodeFragment('#s=7.AAAA');
    expect(d.ok).toBe(false);
    expect(!d.ok && d.error).toMatch(/newer Tagscope \(format 7; this one reads up to 1\)/);
  });

  test('a truncated link says it was cut off', () => {
    const good = encodeFragment(base);
    const d = decodeFragment(good.slice(0, good.length - 20));
    expect(!d.ok && d.error).toMatch(/incomplete|damaged/);
  });

  test('a compressed bomb is refused without inflating it all', () => {
    const bomb = deflateSync(new Uint8Array(50_000_000).fill(32));
    const d = decodeFragment(`s=1.${toBase64Url(bomb)}`);
    expect(!d.ok && d.error).toMatch(/expands to more than 4 MB/);
  });

  test('a bad field is named with its path and the problem', () => {
    const d = scenarioFromJson(JSON.stringify({ ...base, actions: [{ do: 'swapOut', ipa: 4097 }] }));
    expect(!d.ok && d.error).toMatch(/actions\[0\]\.ipa: must be a multiple of 4096/);
  });

  test('a JSON syntax error that quotes a newline or NUL of the input stays one line', () => {
    const d = scenarioFromJson('\n\u0000');
    expect(!d.ok && d.error).toMatch(/^The scenario file is not valid JSON \(.*\\u000a.*\)\.$/);
    expect(!d.ok && d.error).not.toMatch(/[\n\u0000]/);
  });

  test('JSON export and import agree', () => {
    const d = scenarioFromJson(scenarioToJson(base));
    expect(d.ok && d.scenario).toEqual(ScenarioSchema.parse(base));
  });
});
