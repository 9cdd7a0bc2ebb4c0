import { describe, expect, test } from 'vitest';
import { decodeFragment, encodeFragment, scenarioFromValue } from '../../src/scenario/codec.ts';
import { preset, presets } from '../../src/scenario/presets/index.ts';

describe('presets as scenarios', () => {
  test('every preset survives a shared link unchanged', () => {
    for (const p of presets) {
      const s = preset(p.id)!;
      expect(decodeFragment(encodeFragment(s)), p.id).toEqual({ ok: true, scenario: s });
    }
  });

  test('every teaching step points at an action the scenario has', () => {
    for (const p of presets) {
      const s = preset(p.id)!;
      for (const step of s.steps) expect(step.afterAction, `${p.id}: ${step.title}`).toBeLessThanOrEqual(s.actions.length);
    }
  });
});

describe('actions that name guest memory (format 1, extended compatibly)', () => {
  const base = { version: 1, program: { kind: 'asm', source: 'nop' } };

  test('an action with ipa, as format 1 always had, is still valid', () => {
    expect(scenarioFromValue({ ...base, actions: [{ do: 'swapOut', ipa: 0x4000_0000 }] }).ok).toBe(true);
  });

  test('va names a guest virtual address instead', () => {
    const r = scenarioFromValue({ ...base, actions: [{ do: 'vmmRead', va: 0x2000_0000, length: 16 }] });
    expect(r.ok && r.scenario.actions[0]).toEqual({ do: 'vmmRead', va: 0x2000_0000, length: 16, protMte: false });
  });

  test('both or neither of ipa and va is refused with a message', () => {
    for (const a of [{ do: 'balloon', ipa: 0x4000_0000, va: 0x2000_0000 }, { do: 'copyTags', direction: 'fromGuest', length: 4096 }]) {
      expect(scenarioFromValue({ ...base, actions: [a] })).toEqual({ ok: false, error: 'The scenario is not valid: actions[0]: give exactly one of ipa (guest-physical address) and va (guest virtual address)' });
    }
  });
});
