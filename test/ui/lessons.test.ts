import { describe, expect, it } from 'vitest';
import { ScenarioSchema, type Scenario } from '../../src/scenario/schema.ts';
import { preset, presets } from '../../src/scenario/presets/index.ts';
import { actionsToShow } from '../../src/ui/scenario.ts';
import { lessons } from '../../src/ui/lessons/index.ts';
import { presetTours } from '../../src/ui/lessons/presetTours.ts';
import type { Show } from '../../src/ui/lessons/lesson.ts';
import { EngineHost, type Clock } from '../../src/worker/engineHost.ts';
import { PROTOCOL_VERSION, type Delta, type EventMessage, type LogEvent } from '../../src/worker/protocol.ts';

/** Opens a scenario at a tour step in a host on a virtual clock, as the page does. */
function openAt(scenario: Scenario, step: number): { last: Delta; events: LogEvent[] } {
  const queue: (() => void)[] = [];
  let t = 0;
  const clock: Clock = { now: () => (t += 1), defer: (fn) => queue.push(fn) };
  const posted: EventMessage[] = [];
  const host = new EngineHost((m) => posted.push(m), clock);
  host.receive({ v: PROTOCOL_VERSION, type: 'load', scenario, perform: actionsToShow(scenario, step).length, ticket: 1 });
  for (let i = 0; queue.length > 0 && i < 100_000; i++) queue.shift()!();
  expect(posted.filter((m) => m.type === 'error')).toEqual([]);
  const deltas = posted.filter((m): m is Delta & { v: typeof PROTOCOL_VERSION } => m.type === 'delta');
  let events: LogEvent[] = [];
  for (const d of deltas) events = d.eventsReset ? [...d.events] : [...events, ...d.events];
  return { last: deltas.at(-1)!, events };
}

/** The event-log teaching point of a step holds in the events the page receives. */
function expectEventsShow(events: LogEvent[], show: Show): void {
  if (show.where !== 'event-log' && show.where !== 'event-why') return;
  const text = events.map((e) => `${e.title} ${e.why}${e.errno ? ` ${e.errno}` : ''}`).join('\n');
  if (typeof show.text === 'string') expect(text).toContain(show.text);
  else expect(text).toMatch(show.text);
}

describe('MTE lessons', () => {
  lessons.forEach((lesson) => {
    it(`${lesson.id}: every tour step opens with its actions done, and its event-log teaching point holds`, () => {
      const scenario = ScenarioSchema.parse(lesson.scenario);
      expect(lesson.shows).toHaveLength(scenario.steps.length);
      scenario.steps.forEach((_, si) => {
        const { last, events } = openAt(scenario, si);
        expect(last.pendingActions).toBe(0);
        expect(events.filter((e) => e.kind === 'error')).toEqual([]);
        expectEventsShow(events, lesson.shows[si]);
      });
    });
  });
});

describe('KVM scenarios S1–S16 as tours', () => {
  presets.forEach(({ id }) => {
    it(`${id}: every tour step opens with its actions done, and its event-log teaching point holds`, () => {
      const scenario = preset(id)!;
      expect(presetTours[id]).toHaveLength(scenario.steps.length);
      scenario.steps.forEach((_, si) => {
        const { last, events } = openAt(scenario, si);
        expect(last.pendingActions).toBe(0);
        expect(last.mode).toBe('vm');
        const { show, focus } = presetTours[id][si];
        expectEventsShow(events, show);
        if (focus !== undefined) expect(events.some((e) => (typeof focus === 'string' ? e.kind === focus : focus.test(e.title)))).toBe(true);
      });
    });
  });
});
