import { describe, expect, test } from 'vitest';
import { compareDesigns, type DesignId } from '../../src/hyp/designs.ts';

describe('S16 how should the VMM reach the tags?', () => {
  const outcomes = new Map(compareDesigns().map((o) => [o.design.id, o] as [DesignId, typeof o]));
  const o = (id: DesignId) => outcomes.get(id)!;

  test('v2 as posted: the plain VMM sees no tags and migration loses them', () => {
    expect(o('v2').migrationPreservesTags).toBe(false);
    expect(o('v2').destinationFaults).toBeGreaterThan(0);
    expect(o('v2').vmmFaults).toBe(0);
  });

  test('(c) COPY_TAGS: one mapping, no VMM faults, tags preserved, one byte per granule', () => {
    expect(o('c')).toMatchObject({ vmmFaults: 0, migrationPreservesTags: true });
    expect(o('c').cost.tagInstructions).toBe(0);
    expect(o('c').cost.tagBytesReturned).toBeGreaterThan(0);
  });

  test('(a) two mappings: preserves tags at the cost of an extra mapping and one LDG and STG per granule', () => {
    expect(o('a').migrationPreservesTags).toBe(true);
    expect(o('a').cost.mappings).toBeGreaterThan(o('c').cost.mappings);
    expect(o('a').cost.tagInstructions).toBe(2 * 2 * 256);
  });

  test('(b) TCO and (e) TCMA0: an ordinary tag-0 read faults first, then the override makes the copy work', () => {
    for (const id of ['b', 'e'] as const) {
      expect(o(id).vmmFaults).toBe(1);
      expect(o(id).migrationPreservesTags).toBe(true);
    }
  });

  test('(d) tags with the dirty log: preserved, returning slot size / 32 bytes per call', () => {
    expect(o('d').migrationPreservesTags).toBe(true);
    expect(o('d').cost.tagBytesReturned).toBe(32 * 1024 * 1024 / 32);
  });
});
