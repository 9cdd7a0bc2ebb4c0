import { describe, expect, test } from 'vitest';
import { Session } from '../../src/engine/session.ts';
import { Cell, PageFlags } from '../../src/engine/snapshot.ts';
import { BUF, colour, mapBuffer, mov64, program } from '../../src/scenario/presets/asm.ts';
import { preset, presets } from '../../src/scenario/presets/index.ts';
import { ScenarioSchema, type ScenarioInput } from '../../src/scenario/schema.ts';

function session(input: ScenarioInput | string, opts = {}): Session {
  const r = Session.fromScenario(typeof input === 'string' ? preset(input)! : ScenarioSchema.parse(input), opts);
  if (!r.ok) throw new Error(r.error);
  return r.session;
}

/** A guest that loops long enough to cross many checkpoints, colouring a granule per iteration. */
const LOOP = program(mapBuffer(16), mov64('x9', BUF), mov64('x12', 20000), 'loop:', 'irg x10, x9', 'stg x10, [x10]', 'add x9, x9, #16', 'and x9, x9, #0xffff', mov64('x13', BUF), 'orr x9, x9, x13', 'subs x12, x12, #1', 'b.ne loop');

describe('determinism', () => {
  for (const mode of ['bare', 'vm'] as const) {
    test(`the same scenario run twice gives the same hash and events (${mode})`, () => {
      const run = () => {
        const s = session({ version: 1, program: { kind: 'asm', source: LOOP }, machine: { mode }, actions: [{ do: 'run' }] });
        s.runScript();
        return { hash: s.stateHash(), events: JSON.stringify(s.events), status: s.status };
      };
      const a = run();
      expect(a.status).toBe('exited');
      expect(run()).toEqual(a);
    });
  }

  test('every preset runs to the same hash twice', () => {
    for (const id of ['S1', 'S7', 'S8', 'S14', 'S15']) {
      const a = session(id);
      a.runScript();
      const b = session(id);
      b.runScript();
      expect(b.stateHash(), id).toBe(a.stateHash());
    }
  });

  test('looking does not change the machine: snapshots after every action and step leave every preset\'s hash and events as without', () => {
    for (const { id } of presets) {
      const watched = session(id);
      watched.snapshot();
      while (watched.actionsLeft > 0) {
        watched.performNextAction();
        watched.snapshot();
        watched.step(3);
        watched.snapshot(0);
      }
      const replayed = session(id);
      while (replayed.actionsLeft > 0) {
        replayed.performNextAction();
        replayed.step(3);
      }
      expect(watched.stateHash(), id).toBe(replayed.stateHash());
      expect(watched.events.map((e) => e.title), id).toEqual(replayed.events.map((e) => e.title));
    }
  });
});

describe('time travel', () => {
  for (const mode of ['bare', 'vm'] as const) {
    test(`travelling back and forward again restores the identical state and events (${mode})`, () => {
      const s = session({ version: 1, program: { kind: 'asm', source: LOOP }, machine: { mode } }, { checkpointInterval: 10_000 });
      s.step(35_000);
      const midHash = s.stateHash();
      const midEvents = JSON.stringify(s.events);
      const midClock = s.clock;
      s.run(1_000_000);
      const endHash = s.stateHash();
      const endEvents = JSON.stringify(s.events);
      expect(s.status).toBe('exited');
      s.travelTo({ clock: midClock });
      expect(s.clock).toBe(midClock);
      expect(s.stateHash()).toBe(midHash);
      expect(JSON.stringify(s.events)).toBe(midEvents);
      s.travelTo({ clock: 0 });
      s.travelTo({ clock: s.headClock });
      expect(s.stateHash()).toBe(endHash);
      expect(JSON.stringify(s.events)).toBe(endEvents);
    });
  }

  test('travelling to an event shows the state right after it, across actions', () => {
    const s = session('S8');
    s.runScript();
    const end = s.stateHash();
    const swapIn = s.events.find((e) => e.kind === 'swapIn')!;
    s.travelTo({ event: swapIn.index });
    expect(s.events.at(-1)!.index).toBeGreaterThanOrEqual(swapIn.index);
    expect(s.events[swapIn.index]).toEqual(swapIn);
    s.travelTo({ clock: s.headClock });
    expect(s.stateHash()).toBe(end);
  });

  test('a new command in the past discards the recorded future', () => {
    const s = session({ version: 1, program: { kind: 'asm', source: LOOP }, machine: { mode: 'bare' } });
    s.step(5000);
    s.travelTo({ clock: 1000 });
    s.step(10);
    expect(s.headClock).toBe(1010);
  });

  test('checkpoint memory stays within the bound and is measured', () => {
    const bound = 4 << 20;
    const s = session({ version: 1, program: { kind: 'asm', source: LOOP }, machine: { mode: 'vm' } }, { checkpointInterval: 2000, maxCheckpointBytes: bound });
    s.run(1_000_000);
    const stats = s.checkpointStats();
    expect(stats.count).toBeGreaterThan(2);
    expect(stats.bytes).toBeGreaterThan(0);
    expect(stats.bytes).toBeLessThanOrEqual(bound);
  });
});

describe('snapshot deltas', () => {
  test('a snapshot after STG of one granule reports exactly that page, with the new tag', () => {
    const src = program(mapBuffer(1), colour(3, 1), 'nop', colour(9, 1));
    const s = session({ version: 1, program: { kind: 'asm', source: src }, machine: { mode: 'vm' }, actions: [] });
    s.runUntil({ event: 'mmap' }, 1000);
    s.step(12);
    const first = s.snapshot();
    expect(first.full).toBe(true);
    const before = s.clock;
    // Up to the NOP: the colour(9) loop is next; run it (a tag write of one granule).
    s.step(7);
    expect(s.clock).toBeGreaterThan(before);
    const delta = s.snapshot(first.cursor);
    expect(delta.full).toBe(false);
    expect(Array.from(delta.guest.pages)).toHaveLength(1);
    const page = delta.guest.pages[0];
    expect(delta.guest.tags[0]).toBe(9);
    expect(Array.from(delta.guest.tags.subarray(1, 256)).every((t) => t === 0)).toBe(true);
    expect(delta.guest.flags[0] & PageFlags.MteTagged).toBe(PageFlags.MteTagged);
    expect(delta.host!.pages).toHaveLength(1);
    expect(delta.stage1.addresses).toHaveLength(0);
    expect(first.guest.pages).toContain(page);
    const unchanged = s.snapshot(delta.cursor);
    expect(unchanged.guest.pages).toHaveLength(0);
    expect(unchanged.events).toHaveLength(0);
  });

  test('pages KVM never sanitised show as never initialised in host memory', () => {
    const s = session('S1');
    s.performNextAction();
    const snap = s.snapshot();
    const recycled = Array.from(snap.host!.pages).findIndex((_, i) => snap.host!.tags[i * 256] === Cell.NeverInitialised);
    expect(recycled).toBeGreaterThanOrEqual(0);
  });
});
