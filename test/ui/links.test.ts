import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeFragment } from '../../src/scenario/codec.ts';
import { ScenarioSchema } from '../../src/scenario/schema.ts';
import { DEFAULT_PROGRAM } from '../../src/ui/defaultProgram.ts';
import { demosById } from '../../src/ui/gallery.ts';
import { actionsToShow, atTourStep, readLink, scenarioOfPage, shareFragment, wouldLoseWork } from '../../src/ui/scenario.ts';
import { DEFAULT_CONFIG } from '../../src/worker/protocol.ts';

const tiny = ScenarioSchema.parse({ version: 1, program: { kind: 'asm', source: 'nop' }, actions: [{ do: 'step', count: 1 }, { do: 'step', count: 2 }], steps: [
  { title: 'a', text: 'a', afterAction: 0 }, { title: 'b', text: 'b', afterAction: 2 },
] });

describe('links', () => {
  it('a shared link reads back as the same scenario at the same tour step', () => {
    const r = readLink(`#${shareFragment(tiny, 1)}`, demosById);
    expect(r).toEqual({ kind: 'open', scenario: tiny, tourStep: 1, demoId: null });
    if (r.kind === 'open') expect(actionsToShow(r.scenario, r.tourStep)).toEqual(tiny.actions);
  });

  it('a demo link opens at its first step; a step link at that step', () => {
    expect(readLink('#demo=tco', demosById)).toMatchObject({ kind: 'open', tourStep: 0, demoId: 'tco' });
    expect(readLink('#demo=tco&step=2', demosById)).toMatchObject({ kind: 'open', tourStep: 1 });
  });

  it.each([
    ['#demo=tco&step=0', /not a step number/],
    ['#demo=tco&step=abc', /not a step number/],
    ['#demo=tco&step=3', /tour has 2 steps/],
    ['#demo=%E0%A4%A', /damaged/],
    ['#whatever', /holds no scenario/],
    [`#${encodeFragment({ version: 1, program: { kind: 'asm', source: 'nop' } })}&step=1`, /has no guided tour/],
  ])('%s is refused with a message', (hash, message) => {
    const r = readLink(hash, demosById);
    expect(r.kind).toBe('error');
    if (r.kind === 'error') expect(r.message).toMatch(message);
  });

  it('the page outside a tour is shared as everything done so far, all performed, with the selection', () => {
    const history = [{ do: 'step' as const, count: 17 }, { do: 'swapOut' as const, va: 0x10000000 }];
    const s = scenarioOfPage({ base: tiny, programText: 'mov x0, #1', bundled: null, config: DEFAULT_CONFIG, history, scriptDone: 0, tourStep: null, selection: { kind: 'granule', space: 'va', address: 0x10000040 } });
    expect(s.actions).toEqual(history);
    expect(s.steps).toEqual([]);
    expect(s.view).toEqual({ step: 2, selection: { kind: 'granule', space: 'va', address: 0x10000040 } });
    expect(s.program).toEqual({ kind: 'asm', source: 'mov x0, #1' });
  });

  it('at a tour step with nothing else done, the tour itself is shared at that step', () => {
    const s = scenarioOfPage({ base: tiny, programText: 'nop', bundled: null, config: DEFAULT_CONFIG, history: tiny.actions, scriptDone: 2, tourStep: 1, selection: null });
    expect(s.actions).toEqual(tiny.actions);
    expect(s.steps).toEqual(tiny.steps);
    expect(s.view.step).toBe(2);
    expect(atTourStep({ base: tiny, history: [...tiny.actions, { do: 'fork' }], scriptDone: 2, tourStep: 1 })).toBe(false);
  });

  it('opening a link asks first only when the editor holds the user\'s own, different program', () => {
    expect(wouldLoseWork(DEFAULT_PROGRAM, null, tiny, DEFAULT_PROGRAM)).toBe(false);
    expect(wouldLoseWork('my program', 'my program', tiny, DEFAULT_PROGRAM)).toBe(false);
    expect(wouldLoseWork('nop', null, tiny, DEFAULT_PROGRAM)).toBe(false);
    expect(wouldLoseWork('my program', 'a demo', tiny, DEFAULT_PROGRAM)).toBe(true);
  });
});

describe('no HTML from data', () => {
  const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
  it('the UI never writes HTML or evaluates text: no innerHTML, dangerouslySetInnerHTML, eval or new Function', () => {
    for (const f of files('src/ui')) {
      const text = readFileSync(f, 'utf8');
      expect({ file: f, found: text.match(/dangerouslySetInnerHTML|\.innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/g) }).toEqual({ file: f, found: null });
    }
  });
});
