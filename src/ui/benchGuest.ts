/**
 * A synthetic guest for the UI benchmark (bench/ui.ts): `?bench-granules=N` fills the views with N granules
 * of Tagged guest RAM (random tags, every fourth page dirty) without starting the engine, so the heatmap's
 * pan and zoom can be timed at sizes no teaching program reaches.
 */
import { Cell, PageFlag, type PageInfo } from '../worker/protocol.ts';
import { GRANULES_PER_PAGE } from './layout.ts';
import { isColoured, useStore } from './store.ts';

const RAM_IPA = 0x4000_0000;
const MAX_GRANULES = 2 ** 26;

export function benchGranules(search: string): number | null {
  const v = Number(new URLSearchParams(search).get('bench-granules'));
  return Number.isInteger(v) && v >= GRANULES_PER_PAGE && v <= MAX_GRANULES ? v : null;
}

export function showSyntheticGuest(granules: number): void {
  const pages = Math.floor(granules / GRANULES_PER_PAGE);
  const layout: PageInfo[] = new Array(pages);
  const pageFlags = new Uint8Array(pages);
  for (let i = 0; i < pages; i++) {
    const address = RAM_IPA + i * 4096;
    layout[i] = { address, output: address, owner: 'guest RAM', memory: 'tagged' };
    pageFlags[i] = PageFlag.MteTagged | PageFlag.Present | (i % 4 === 0 ? PageFlag.Dirty : 0);
  }
  const cells = new Uint8Array(pages * GRANULES_PER_PAGE);
  let tagged = 0;
  for (let k = 0; k < cells.length; k++) {
    // Runs of equal tags, as an allocator leaves them; every 64th page never initialised.
    const page = k >>> 8;
    cells[k] = page % 64 === 63 ? Cell.NeverInitialised : (Math.imul(k >>> 2, 0x9e3779b1) >>> 28) & Cell.TagMask;
    tagged += isColoured(cells[k]);
  }
  useStore.setState((s) => ({ spaces: { ...s.spaces, va: { pages: layout, cells, flags: pageFlags, changed: null, version: s.spaces.va.version + 1, tagged } }, status: 'paused' }));
}
