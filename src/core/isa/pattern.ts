/**
 * Bit patterns in the style of dynarmic's instruction lists: 32 characters, most significant bit first.
 * `0`/`1` are fixed bits, `-` is a bit the decoder ignores (encoded as 0), and any letter names a field;
 * all bits with the same letter, read left to right, form that field's value.
 */
export interface CompiledPattern {
  mask: number;
  value: number;
  /** Field letter → list of bit positions, most significant first. */
  fields: Map<string, number[]>;
  fixedBits: number;
}

export function compilePattern(pattern: string): CompiledPattern {
  const p = pattern.replace(/[\s_|]/g, '');
  if (p.length !== 32) throw new Error(`pattern "${pattern}" has ${p.length} bits, not 32`);
  let mask = 0;
  let value = 0;
  let fixedBits = 0;
  const fields = new Map<string, number[]>();
  for (let i = 0; i < 32; i++) {
    const ch = p[i];
    const pos = 31 - i;
    if (ch === '0' || ch === '1') {
      mask |= 1 << pos;
      if (ch === '1') value |= 1 << pos;
      fixedBits++;
    } else if (ch !== '-') {
      if (!/[A-Za-z]/.test(ch)) throw new Error(`pattern "${pattern}": bad character "${ch}"`);
      let bits = fields.get(ch);
      if (!bits) fields.set(ch, (bits = []));
      bits.push(pos);
    }
  }
  return { mask: mask >>> 0, value: value >>> 0, fields, fixedBits };
}

/** Extracts every field of `word` for a compiled pattern. */
export function extractFields(p: CompiledPattern, word: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, bits] of p.fields) {
    let v = 0;
    for (const pos of bits) v = v * 2 + ((word >>> pos) & 1);
    out[name] = v;
  }
  return out;
}

/** Builds a word from a pattern and field values; returns null when a value does not fit its field. */
export function insertFields(p: CompiledPattern, values: Record<string, number>): number | null {
  let word = p.value;
  for (const [name, bits] of p.fields) {
    const v = values[name] ?? 0;
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** bits.length) return null;
    for (let k = 0; k < bits.length; k++) {
      const bitValue = Math.floor(v / 2 ** (bits.length - 1 - k)) % 2;
      if (bitValue) word |= 1 << bits[k];
    }
  }
  return word >>> 0;
}
