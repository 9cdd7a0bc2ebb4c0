/**
 * Migrations between scenario format versions. Each entry upgrades a value of version N to N+1; a
 * value is upgraded step by step to the current version before validation, so links and files made
 * by every earlier Tagscope keep opening.
 */
import { SCENARIO_VERSION } from './schema.ts';

type Migration = (value: Record<string, unknown>) => Record<string, unknown>;

/** migrations[N] upgrades version N to N+1. Version 1 is the first published format. */
export const migrations: Record<number, Migration> = {};

export function migrate(value: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'The scenario is not valid: it must be a JSON object.' };
  }
  let v = value as Record<string, unknown>;
  const version = v.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, error: 'The scenario is not valid: version: must be a whole number ≥ 1.' };
  }
  if (version > SCENARIO_VERSION) {
    return { ok: false, error: `The scenario was made by a newer Tagscope (format ${version}; this one reads up to ${SCENARIO_VERSION}).` };
  }
  for (let n = version; n < SCENARIO_VERSION; n++) {
    const step = migrations[n];
    if (!step) return { ok: false, error: `No migration from scenario format ${n} to ${n + 1}.` };
    v = step(v);
  }
  return { ok: true, value: v };
}
