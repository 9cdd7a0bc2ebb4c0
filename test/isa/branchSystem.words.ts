/** Deterministic instruction words for the branch/system encoding tests, so recorded fixtures cover exactly what they ask. */
import { rows as branchSystemDefs } from '../../src/core/isa/classes/branchSystem.ts';
import { insertFields } from '../../src/core/isa/pattern.ts';
import { tableRows, type Row } from '../../src/core/isa/table.ts';

/** mulberry32. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export const branchSystemRows: Row[] = tableRows().filter((r) => branchSystemDefs.includes(r.def));

/** A word of `row` with random field values; with `canonical`, the row's `fixed` values (what its syntax cannot say) win. */
export function randomFieldsWord(row: Row, next: () => number, canonical = false): number {
  const fields: Record<string, number> = {};
  for (const [letter, bits] of row.pattern.fields) fields[letter] = next() % 2 ** bits.length;
  return insertFields(row.pattern, canonical ? { ...fields, ...row.def.fixed } : fields)!;
}

/** DC ZVA, DC GVA and DC GZVA (any Rt) belong to the MTE class and its tests. */
export const isMteOwnedDc = (w: number): boolean =>
  [0xd50b7420, 0xd50b7460, 0xd50b7480].includes((w & 0xffffffe0) >>> 0);

export const hex = (w: number): string => w.toString(16).padStart(8, '0');
