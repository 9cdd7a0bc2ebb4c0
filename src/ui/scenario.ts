/**
 * The page's scenario: what Share puts into the URL and Export into a file, and how a link is opened.
 * Pure functions over the scenario format (src/scenario/schema.ts), no DOM, so they are unit tested.
 *
 * A link is `#s=<scenario>` (src/scenario/codec.ts) or `#demo=<id>` for a gallery demo, either with an
 * optional `&step=<n>` naming a step of its guided tour (1-based, as people count).
 */
import { decodeFragment, encodeFragment } from '../scenario/codec.ts';
import { ScenarioSchema, type Action, type Scenario, type ScenarioInput, type SelectionSchema } from '../scenario/schema.ts';
import type { RunConfig } from '../worker/protocol.ts';
import type { z } from 'zod';

export type Selection = z.infer<typeof SelectionSchema>;

/** What the page shows right now, as Share and Export record it. */
export interface PageState {
  /** The scenario opened last (a demo, a link, a file) or the editor's own. */
  base: Scenario;
  programText: string;
  /** A bundled program's name when one is loaded instead of the editor's text. */
  bundled: string | null;
  config: RunConfig;
  /** What was done since the start, as actions that reproduce it (from the engine). */
  history: Action[];
  /** How many of `history` are the base scenario's own script, in order. */
  scriptDone: number;
  /** The tour step shown (0-based), or null outside a tour. */
  tourStep: number | null;
  selection: Selection | null;
}

/** True while the page is exactly at its tour step: the script's actions up to the step and nothing else. */
export function atTourStep(p: Pick<PageState, 'base' | 'history' | 'scriptDone' | 'tourStep'>): boolean {
  if (p.tourStep === null) return false;
  const step = p.base.steps[p.tourStep];
  return step !== undefined && p.scriptDone === p.history.length && p.history.length === step.afterAction;
}

/**
 * The scenario that reproduces `p`. At a tour step, the tour itself at that step; otherwise everything done
 * so far as the scenario's actions (runs as the engine steps they took), all of them performed, which
 * replays to the same state bit for bit. The tour is left out then: its steps name the script's actions.
 */
export function scenarioOfPage(p: PageState): Scenario {
  const inTour = atTourStep(p);
  return ScenarioSchema.parse({
    ...p.base,
    program: p.bundled !== null ? { kind: 'bundled', name: p.bundled } : { kind: 'asm', source: p.programText },
    machine: p.config,
    actions: inTour ? p.base.actions : p.history,
    steps: inTour ? p.base.steps : [],
    view: { step: p.history.length, ...(p.selection !== null ? { selection: p.selection } : {}) },
  } satisfies ScenarioInput);
}

/** The fragment (without `#`) of a scenario at a tour step. */
export function shareFragment(s: Scenario, tourStep: number | null): string {
  return `${encodeFragment(s)}${tourStep !== null ? `&step=${tourStep + 1}` : ''}`;
}

export function demoFragment(id: string, tourStep = 0): string {
  return `demo=${encodeURIComponent(id)}${tourStep > 0 ? `&step=${tourStep + 1}` : ''}`;
}

export type LinkTarget =
  | { kind: 'none' }
  | { kind: 'error'; message: string }
  | { kind: 'open'; scenario: Scenario; tourStep: number | null; demoId: string | null };

const param = (hash: string, key: string): string | undefined =>
  hash.replace(/^#/, '').split('&').find((p) => p.startsWith(`${key}=`))?.slice(key.length + 1);

/** Reads a location hash: nothing, a demo, a scenario, or a message saying what is wrong with it. */
export function readLink(hash: string, demos: ReadonlyMap<string, Scenario>): LinkTarget {
  if (hash.replace(/^#/, '') === '') return { kind: 'none' };
  const stepText = param(hash, 'step');
  let tourStep: number | null = null;
  if (stepText !== undefined) {
    if (!/^\d{1,4}$/.test(stepText) || Number(stepText) < 1) return { kind: 'error', message: `This link names step "${stepText.slice(0, 20)}", which is not a step number (1, 2, 3…).` };
    tourStep = Number(stepText) - 1;
  }
  const demo = param(hash, 'demo');
  let scenario: Scenario;
  let demoId: string | null = null;
  if (demo !== undefined) {
    let id: string;
    try {
      id = decodeURIComponent(demo);
    } catch {
      return { kind: 'error', message: 'This demo link is damaged (its name is not valid URL text).' };
    }
    const found = demos.get(id);
    if (!found) return { kind: 'error', message: `There is no demo called "${id.slice(0, 60)}". Pick one from the gallery.` };
    scenario = found;
    demoId = id;
  } else {
    if (param(hash, 's') === undefined) return { kind: 'error', message: 'This link holds no scenario (a Tagscope link has "#s=…" or "#demo=…" after the address).' };
    const d = decodeFragment(hash);
    if (!d.ok) return { kind: 'error', message: d.error };
    scenario = d.scenario;
  }
  if (tourStep !== null && tourStep >= scenario.steps.length) {
    return scenario.steps.length === 0
      ? { kind: 'error', message: 'This link names a tour step, but its scenario has no guided tour.' }
      : { kind: 'error', message: `This link names step ${tourStep + 1}, but the tour has ${scenario.steps.length} steps.` };
  }
  if (tourStep === null && demoId !== null && scenario.steps.length > 0) tourStep = 0;
  return { kind: 'open', scenario, tourStep, demoId };
}

/** The actions to perform to show a scenario: up to the tour step, or up to its recorded view. */
export function actionsToShow(s: Scenario, tourStep: number | null): Action[] {
  const upTo = tourStep !== null && s.steps[tourStep] ? s.steps[tourStep].afterAction : s.view.step;
  return s.actions.slice(0, upTo);
}

/** Opening a link replaces the editor's text: ask first when that text is work the link would lose. */
export function wouldLoseWork(draft: string, savedScenarioText: string | null, opening: Scenario, defaultProgram: string): boolean {
  if (draft === defaultProgram || draft === savedScenarioText) return false;
  return !(opening.program.kind === 'asm' && opening.program.source === draft);
}
