/**
 * Checkpoints for time travel: a copy of every mutable value reachable from the session's roots (objects'
 * own properties, array elements, Map and Set entries, the bytes of every typed array's buffer), restored
 * later in place, into the same objects. Restoring in place keeps every reference between objects valid,
 * closures included, so no part of the machine needs its own save/restore code.
 *
 * Functions, WeakMaps and WeakSets are not copied (they hold behaviour or caches, not state). Buffers whose
 * bytes equal the previous checkpoint's copy share it, so a checkpoint costs the memory changed since the
 * previous one. Arrays registered as append-only (event logs) keep their elements, which are never changed
 * once added, without copying what those elements reference.
 */
import { Frame } from '../core/mem/physmem.ts';

type Shape =
  | { kind: 'array'; items: unknown[] }
  | { kind: 'list'; items: unknown[] }
  | { kind: 'map'; entries: [unknown, unknown][] }
  | { kind: 'set'; values: unknown[] }
  | { kind: 'object'; keys: string[]; values: unknown[] };

/** Estimated bytes per recorded reference, for the memory bound. */
const SLOT_BYTES = 8;
const OBJECT_BYTES = 48;

/** Decoded-code generations handed out on restore: above any a frame reaches by writes, so no stale decode matches. */
let restoredGeneration = 2 ** 40;

export class Checkpoint {
  readonly shapes = new Map<object, Shape>();
  readonly buffers = new Map<ArrayBufferLike, Uint8Array>();
  /** Bytes this checkpoint holds that no earlier one shares. */
  bytes = 0;

  constructor(readonly clock: number) {}
}

export function capture(roots: readonly object[], clock: number, appendOnly: ReadonlySet<unknown[]>, previous: Checkpoint | null): Checkpoint {
  const c = new Checkpoint(clock);
  const stack: unknown[] = [...roots];
  const visit = (v: unknown): void => {
    if (typeof v === 'object' && v !== null && !c.shapes.has(v) && !ArrayBuffer.isView(v)) stack.push(v);
    else if (ArrayBuffer.isView(v)) copyBuffer(c, v.buffer, previous);
  };
  while (stack.length > 0) {
    const o = stack.pop() as object;
    if (c.shapes.has(o) || o instanceof WeakMap || o instanceof WeakSet) continue;
    if (Array.isArray(o)) {
      if (appendOnly.has(o)) {
        c.shapes.set(o, { kind: 'list', items: o.slice() });
        c.bytes += OBJECT_BYTES + o.length * SLOT_BYTES;
        continue;
      }
      c.shapes.set(o, { kind: 'array', items: o.slice() });
      c.bytes += OBJECT_BYTES + o.length * SLOT_BYTES;
      for (const x of o) visit(x);
    } else if (o instanceof Map) {
      const entries = [...o.entries()];
      c.shapes.set(o, { kind: 'map', entries });
      c.bytes += OBJECT_BYTES + entries.length * 2 * SLOT_BYTES;
      for (const [k, x] of entries) {
        visit(k);
        visit(x);
      }
    } else if (o instanceof Set) {
      const values = [...o.values()];
      c.shapes.set(o, { kind: 'set', values });
      c.bytes += OBJECT_BYTES + values.length * SLOT_BYTES;
      for (const x of values) visit(x);
    } else {
      const keys = Object.keys(o);
      const values = keys.map((k) => (o as Record<string, unknown>)[k]);
      c.shapes.set(o, { kind: 'object', keys, values });
      c.bytes += OBJECT_BYTES + keys.length * SLOT_BYTES;
      for (const x of values) visit(x);
    }
  }
  return c;
}

function copyBuffer(c: Checkpoint, buffer: ArrayBufferLike, previous: Checkpoint | null): void {
  if (c.buffers.has(buffer)) return;
  const bytes = new Uint8Array(buffer);
  const old = previous?.buffers.get(buffer);
  if (old !== undefined && equalBytes(old, bytes)) {
    c.buffers.set(buffer, old);
    return;
  }
  c.buffers.set(buffer, bytes.slice());
  c.bytes += bytes.length;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a.length % 4 === 0 && a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const x = new Int32Array(a.buffer, a.byteOffset, a.length >> 2);
    const y = new Int32Array(b.buffer, b.byteOffset, b.length >> 2);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Puts every captured value back into the object it came from. */
export function restore(c: Checkpoint): void {
  for (const [o, s] of c.shapes) {
    switch (s.kind) {
      case 'list':
      case 'array': {
        const a = o as unknown[];
        a.length = s.items.length;
        for (let i = 0; i < s.items.length; i++) if (a[i] !== s.items[i]) a[i] = s.items[i];
        break;
      }
      case 'map': {
        const m = o as Map<unknown, unknown>;
        m.clear();
        for (const [k, v] of s.entries) m.set(k, v);
        break;
      }
      case 'set': {
        const set = o as Set<unknown>;
        set.clear();
        for (const v of s.values) set.add(v);
        break;
      }
      case 'object': {
        const r = o as Record<string, unknown>;
        const keep = new Set(s.keys);
        for (const k of Object.keys(r)) if (!keep.has(k)) delete r[k];
        for (let i = 0; i < s.keys.length; i++) if (r[s.keys[i]] !== s.values[i]) r[s.keys[i]] = s.values[i];
        // A frame's bytes may differ from what its decoded code was made from: force a fresh decode.
        if (o instanceof Frame) o.codeGeneration = restoredGeneration++;
        break;
      }
    }
  }
  for (const [buffer, bytes] of c.buffers) new Uint8Array(buffer).set(bytes);
}
