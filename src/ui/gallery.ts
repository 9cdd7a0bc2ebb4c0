/** The demos of the start page's gallery, by id: the plain MTE lessons. */
import { ScenarioSchema, type Scenario } from '../scenario/schema.ts';
import { lessons } from './lessons/index.ts';

export interface Demo {
  id: string;
  scenario: Scenario;
  group: 'MTE lessons' | 'KVM scenarios';
}

export const demos: readonly Demo[] = lessons.map((l) => ({ id: l.id, scenario: ScenarioSchema.parse(l.scenario), group: 'MTE lessons' as const }));

export const demosById: ReadonlyMap<string, Scenario> = new Map(demos.map((d) => [d.id, d.scenario]));
