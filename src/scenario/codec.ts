/**
 * Scenario ⇄ text: JSON for files, and a compact URL fragment for sharing
 * (`#s=<version>.<base64url of deflated JSON>`). Decoding never throws: any input — truncated,
 * corrupted, hand-edited, from a future version, absurdly large — yields either a scenario or a message
 * a person can act on. Nothing in a scenario is ever executed or rendered as HTML.
 */
import { Inflate, deflateSync, strToU8, strFromU8 } from 'fflate';
import type { z } from 'zod';
import { migrate } from './migrate.ts';
import { SCENARIO_VERSION, ScenarioSchema, type Scenario, type ScenarioInput } from './schema.ts';

export type Decoded = { ok: true; scenario: Scenario } | { ok: false; error: string };

/** Largest fragment accepted (characters) and largest JSON it may inflate to (bytes). */
export const MAX_FRAGMENT_CHARS = 2_000_000;
export const MAX_JSON_BYTES = 4_000_000;

const FRAGMENT_KEY = 's=';

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Inflates with a size cap, so a small link cannot expand into gigabytes. */
function inflateCapped(data: Uint8Array, cap: number): Uint8Array | string {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > cap) throw new RangeError('too large');
    chunks.push(chunk);
    if (final) finished = true;
  });
  try {
    inflater.push(data, true);
  } catch (e) {
    return e instanceof RangeError ? `it expands to more than ${cap / 1e6} MB` : 'its compressed data is damaged';
  }
  if (!finished) return 'its compressed data is incomplete (was the link cut off?)';
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** Formats schema problems as "field.path: problem" lines. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((i) => {
    const path = i.path.length ? i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : 'scenario';
    return `${path}: ${i.message}`;
  }).join('; ') + (error.issues.length > 5 ? `; and ${error.issues.length - 5} more problems` : '');
}

/** Validates a parsed JSON value (any version) into a current scenario. */
export function scenarioFromValue(value: unknown): Decoded {
  const migrated = migrate(value);
  if (!migrated.ok) return migrated;
  const parsed = ScenarioSchema.safeParse(migrated.value);
  if (!parsed.success) return { ok: false, error: `The scenario is not valid: ${describeIssues(parsed.error)}` };
  return { ok: true, scenario: parsed.data };
}

/** The parser quotes the input: control characters in it (newlines above all) are shown escaped, so the message stays one line. */
const escapeControls = (text: string): string =>
  text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function scenarioFromJson(text: string): Decoded {
  if (text.length > MAX_JSON_BYTES) return { ok: false, error: `The scenario file is larger than ${MAX_JSON_BYTES / 1e6} MB.` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `The scenario file is not valid JSON (${escapeControls((e as Error).message)}).` };
  }
  return scenarioFromValue(value);
}

export function scenarioToJson(s: Scenario | ScenarioInput): string {
  return `${JSON.stringify(ScenarioSchema.parse(s), null, 2)}\n`;
}

/** The URL fragment (without `#`) that reproduces `s`. */
export function encodeFragment(s: Scenario | ScenarioInput): string {
  const json = JSON.stringify(ScenarioSchema.parse(s));
  return `${FRAGMENT_KEY}${SCENARIO_VERSION}.${toBase64Url(deflateSync(strToU8(json), { level: 9 }))}`;
}

/** Decodes a URL, a fragment (`#s=…` or `s=…`), never throwing. */
export function decodeFragment(input: string): Decoded {
  const bad = (why: string): Decoded => ({ ok: false, error: `This scenario link cannot be opened: ${why}.` });
  if (typeof input !== 'string') return bad('it is not text');
  if (input.length > MAX_FRAGMENT_CHARS) return bad(`it is longer than ${MAX_FRAGMENT_CHARS} characters`);
  const hash = input.includes('#') ? input.slice(input.indexOf('#') + 1) : input;
  const param = hash.split('&').find((p) => p.startsWith(FRAGMENT_KEY));
  if (param === undefined) return bad('it holds no scenario (expected "#s=…")');
  const body = param.slice(FRAGMENT_KEY.length);
  const dot = body.indexOf('.');
  if (dot < 0 || !/^\d{1,6}$/.test(body.slice(0, dot))) return bad('its format version is missing');
  const version = Number(body.slice(0, dot));
  if (version > SCENARIO_VERSION) return bad(`it was made by a newer Tagscope (format ${version}; this one reads up to ${SCENARIO_VERSION})`);
  if (version < 1) return bad(`format version ${version} does not exist`);
  const compressed = fromBase64Url(body.slice(dot + 1));
  if (compressed === null) return bad('it contains characters that a shared link never has (was it edited?)');
  const inflated = inflateCapped(compressed, MAX_JSON_BYTES);
  if (typeof inflated === 'string') return bad(inflated);
  let text: string;
  try {
    text = strFromU8(inflated);
  } catch {
    return bad('its contents are not text');
  }
  const r = scenarioFromJson(text);
  return r.ok ? r : bad(r.error.replace(/^The scenario is not valid: /, 'its scenario is not valid: ').replace(/\.$/, ''));
}
