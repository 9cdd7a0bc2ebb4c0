/**
 * Seeded instruction words for the data-processing tests: for each row, words with every field random
 * (biased toward edge values) that satisfy the row's condition, so every alias and carve-out is exercised.
 */
import { rows } from '../../src/core/isa/classes/dataProcessing.ts';
import { compilePattern, extractFields, insertFields } from '../../src/core/isa/pattern.ts';
import type { InsnDef } from '../../src/core/isa/types.ts';

/** xorshift32: a small deterministic generator, so fixtures stay valid. */
export function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** A field value: an edge (0, 1, max, max-1, 31) a third of the time, otherwise uniform. */
function fieldValue(rnd: () => number, width: number): number {
  const max = 2 ** width - 1;
  const edges = [0, 1, max, max - 1, Math.min(31, max)];
  return rnd() % 3 === 0 ? Math.max(0, edges[rnd() % edges.length]) : rnd() % (max + 1);
}

/** `count` distinct words matching `def` (pattern and condition), from a seed derived from the row id. */
export function wordsForRow(def: InsnDef, count: number): number[] {
  const pattern = compilePattern(def.pattern);
  let seed = 0x9e3779b9;
  for (const ch of def.id) seed = Math.imul(seed ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const rnd = seeded(seed);
  const out = new Set<number>();
  for (let attempt = 0; attempt < count * 400 && out.size < count; attempt++) {
    const fields: Record<string, number> = {};
    for (const [letter, bits] of pattern.fields) fields[letter] = fieldValue(rnd, bits.length);
    // Aliases often need two register fields equal (ROR, CINC) or imms + 1 = immr (LSL): bias toward both.
    if (rnd() % 3 === 0 && 'n' in fields && 'm' in fields) fields.m = fields.n;
    if (rnd() % 4 === 0 && 'r' in fields && 's' in fields) fields.r = (fields.s + 1) % 2 ** pattern.fields.get('r')!.length;
    const word = insertFields(pattern, fields)!;
    if (def.when && !def.when(extractFields(pattern, word))) continue;
    out.add(word);
  }
  return [...out];
}

export const dataProcessingRows: readonly InsnDef[] = rows;
