import { describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../../src/scenario/schema.ts';
import { actionsToShow, configFromMachine } from '../../src/ui/scenario.ts';
import { lessons } from '../../src/ui/lessons/index.ts';
import { EngineHost, type Clock } from '../../src/worker/engineHost.ts';
import { PROTOCOL_VERSION, type Delta, type EventMessage, type LogEvent } from '../../src/worker/protocol.ts';

/** Opens a lesson at a tour step in a host on a virtual clock, as the page does. */
function openAt(lessonIndex: number, step: number): { last: Delta; events: LogEvent[] } {
  const queue: (() => void)[] = [];
  let t = 0;
  const clock: Clock = { now: () => (t += 1), defer: (fn) => queue.push(fn) };
  const posted: EventMessage[] = [];
  const host = new EngineHost((m) => posted.push(m), clock);
  const scenario = ScenarioSchema.parse(lessons[lessonIndex].scenario);
  if (scenario.program.kind !== 'asm') throw new Error('lessons are assembly programs');
  host.receive({ v: PROTOCOL_VERSION, type: 'load', program: { kind: 'asm', text: scenario.program.source }, config: configFromMachine(scenario.machine), actions: actionsToShow(scenario, step) });
  for (let i = 0; queue.length > 0 && i < 100_000; i++) queue.shift()!();
  const errors = posted.filter((m) => m.type === 'error');
  expect(errors).toEqual([]);
  const deltas = posted.filter((m): m is Delta & { v: 1 } => m.type === 'delta');
  let events: LogEvent[] = [];
  for (const d of deltas) events = d.eventsReset ? [...d.events] : [...events, ...d.events];
  return { last: deltas.at(-1)!, events };
}

describe('MTE lessons', () => {
  lessons.forEach((lesson, li) => {
    it(`${lesson.id}: every tour step opens with its actions done, and its event-log teaching point holds`, () => {
      expect(lesson.shows).toHaveLength(lesson.scenario.steps.length);
      lesson.scenario.steps.forEach((_, si) => {
        const { last, events } = openAt(li, si);
        expect(last.pendingActions).toBe(0);
        expect(events.filter((e) => e.kind === 'error')).toEqual([]);
        const show = lesson.shows[si];
        if (show.where === 'event-log' || show.where === 'event-why') {
          const text = events.map((e) => `${e.title} ${e.why}`).join('\n');
          if (typeof show.text === 'string') expect(text).toContain(show.text);
          else expect(text).toMatch(show.text);
        }
      });
    });
  });
});
