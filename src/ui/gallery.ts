/**
 * The demos of the start page's gallery: the plain MTE lessons, and the KVM scenarios S1–S16
 * (src/scenario/presets), which the engine worker sends when it starts, so that the page's own bundle does
 * not carry the hypervisor model they are built with.
 */
import { ScenarioSchema, type Scenario } from '../scenario/schema.ts';
import { lessons } from './lessons/index.ts';

export interface Demo {
  id: string;
  scenario: Scenario;
  group: 'MTE lessons' | 'KVM scenarios';
}

export const lessonDemos: readonly Demo[] = lessons.map((l) => ({ id: l.id, scenario: ScenarioSchema.parse(l.scenario), group: 'MTE lessons' as const }));

/** The gallery with the engine's presets after the lessons. */
export function withPresets(presets: readonly { id: string; scenario: Scenario }[]): Demo[] {
  return [...lessonDemos, ...presets.map((p) => ({ ...p, group: 'KVM scenarios' as const }))];
}

export const byId = (demos: readonly Demo[]): ReadonlyMap<string, Scenario> => new Map(demos.map((d) => [d.id, d.scenario]));

/** The lessons by id (the presets join once the engine has started). */
export const demosById: ReadonlyMap<string, Scenario> = byId(lessonDemos);
