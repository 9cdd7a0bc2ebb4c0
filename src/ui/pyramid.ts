/**
 * Aggregates of the heatmap's granule cells for the zoomed-out levels: level L has one byte per 4^L granules,
 * the most common value among its four quarters, with MIXED set when the quarters differ. Updated from the
 * changed granules of a delta (one path up per granule), rebuilt only when the pages change.
 */
export const MIXED = 0x80;
const LEVELS = 6;

function mode4(a: number, b: number, c: number, d: number): number {
  if (a === b || a === c || a === d) return a;
  if (b === c || b === d) return b;
  return c === d ? c : a;
}

/** One aggregate from up to four children (missing children past the end are `undefined`). */
function combine(children: Uint8Array, at: number, n: number): number {
  const v = (i: number): number => (at + i < n ? children[at + i] : children[at]);
  const a = v(0);
  const b = v(1);
  const c = v(2);
  const d = v(3);
  const dominant = mode4(a & 0x7f, b & 0x7f, c & 0x7f, d & 0x7f);
  return (a | b | c | d) & MIXED || a !== b || a !== c || a !== d ? dominant | MIXED : a;
}

export class Pyramid {
  /** levels[L - 1]: one byte per 4^L granules. */
  readonly levels: Uint8Array[] = [];
  private source: Uint8Array | null = null;
  version = -1;

  /** Brings the aggregates up to date with `cells`; `changed` lists the granules changed since `version - 1`. */
  update(cells: Uint8Array, version: number, changed: Uint32Array | null): void {
    if (this.source === cells && this.version === version) return;
    if (this.source !== cells || changed === null || this.version !== version - 1 || changed.length > cells.length >>> 4) this.build(cells);
    else for (let i = 0; i < changed.length; i++) this.refresh(cells, changed[i]);
    this.source = cells;
    this.version = version;
  }

  /** The value of cell `k` of a level with `granules` per cell. */
  at(cells: Uint8Array, granules: number, k: number): number {
    if (granules === 1) return cells[k];
    return this.levels[Math.log2(granules) / 2 - 1][k];
  }

  private build(cells: Uint8Array): void {
    this.levels.length = 0;
    let below = cells;
    for (let l = 0; l < LEVELS; l++) {
      const out = new Uint8Array(Math.ceil(below.length / 4));
      for (let k = 0; k < out.length; k++) out[k] = combine(below, 4 * k, below.length);
      this.levels.push(out);
      below = out;
    }
  }

  private refresh(cells: Uint8Array, granule: number): void {
    let below = cells;
    let k = granule;
    for (const level of this.levels) {
      k >>>= 2;
      level[k] = combine(below, 4 * k, below.length);
      below = level;
    }
  }
}
