/**
 * The granule tag heatmap of one address space (guest VA, guest-physical IPA, host-physical PA): every 16-byte
 * granule of every populated page as a cell coloured by its allocation tag, drawn on a canvas from the
 * store's cell array. Zoomed out, a cell covers 4 to 4096 granules and shows their most common value, marked
 * when they differ; at the deepest zoom a granule shows its 16 data bytes. A delta repaints only the cells it
 * changed; zoom, pan, selection and theme repaint the visible window. React renders only the chrome.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Cell, PageFlag, type PageInfo, type Space } from '../../worker/protocol.ts';
import {
  BYTES_ZOOM, COLUMNS, DEFAULT_ZOOM, GRANULES_PER_PAGE, LABEL_ZOOM, ROWS_PER_PAGE, ZOOMS, cellCol, cellRow, zoomLabel, type ZoomLevel,
} from '../layout.ts';
import { TAG_COLOURS, labelColour } from '../palette.ts';
import { MIXED, Pyramid } from '../pyramid.ts';
import { pageIndex, useStore, type SpaceState, type Store } from '../store.ts';
import { Legend } from './Legend.tsx';

const GUTTER = 96;
const HEIGHT = 300;

interface View {
  zoom: number;
  sx: number;
  sy: number;
}

const SPACE_NAMES: Record<Space, string> = { va: 'Guest virtual (VA)', guest: 'Guest-physical (IPA)', host: 'Host-physical (PA)' };

const hex = (v: number): string => `0x${v.toString(16)}`;

export function describeCell(space: Space, page: PageInfo, granule: number, cell: number, flags: number): string {
  const address = page.address + granule * 16;
  const kind = (cell & Cell.Device) !== 0 ? 'Device memory (never tagged)'
    : (cell & Cell.Untagged) !== 0 ? 'Untagged memory'
      : (cell & Cell.NeverInitialised) !== 0 ? 'tags never initialised (no PG_mte_tagged; read as 0x0)'
        : `allocation tag 0x${(cell & Cell.TagMask).toString(16)}`;
  const notes = [(flags & PageFlag.Dirty) !== 0 ? 'dirty page' : '', (flags & PageFlag.Swapped) !== 0 ? 'swapped out' : ''].filter(Boolean).join(', ');
  const to = page.output < 0 ? '' : space === 'va' ? ` → IPA ${hex(page.output + granule * 16)}` : space === 'guest' ? ` → PA ${hex(page.output + granule * 16)}` : '';
  return `${hex(address)}${to} · ${kind} · ${page.owner}${notes ? ` · ${notes}` : ''}`;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** The page marks of the gutter: D dirty, S swapped out, U untagged, V device, · tags never initialised. */
function pageMarks(flags: number): string {
  return `${flags & PageFlag.Dirty ? 'D' : ''}${flags & PageFlag.Swapped ? 'S' : ''}${flags & PageFlag.Device ? 'V' : flags & PageFlag.Untagged ? 'U' : ''}`;
}

class Painter {
  view: View = { zoom: DEFAULT_ZOOM, sx: 0, sy: 0 };
  /** Selected granule (index in the space's cells), or -1. */
  selected = -1;
  width = 600;
  space: Space = 'va';
  /** Granules whose data bytes the last paint drew. */
  bytesDrawn = 0;
  readonly pyramid = new Pyramid();
  private ctx: CanvasRenderingContext2D;
  private colours = { bg: '', fg: '', untagged: '', device: '', fresh: '', select: '' };

  constructor(readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext('2d')!;
  }

  get level(): ZoomLevel {
    return ZOOMS[this.view.zoom];
  }

  resize(width: number): void {
    const dpr = window.devicePixelRatio || 1;
    this.width = width;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(HEIGHT * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${HEIGHT}px`;
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }

  readTheme(): void {
    this.colours = {
      bg: cssVar('--bg'), fg: cssVar('--fg'), untagged: cssVar('--untagged'), device: cssVar('--device'),
      fresh: cssVar('--fresh'), select: cssVar('--accent'),
    };
  }

  /** Cells of the current level. */
  cellCount(sp: SpaceState): number {
    return Math.ceil(sp.cells.length / this.level.granules);
  }

  private visibleRows(): [number, number] {
    const z = this.level.px;
    return [Math.floor(this.view.sy / z), Math.ceil((this.view.sy + HEIGHT) / z)];
  }

  full(s: Store, sp: SpaceState): number {
    const { ctx } = this;
    this.pyramid.update(sp.cells, sp.version, sp.changed);
    ctx.fillStyle = this.colours.bg;
    ctx.fillRect(0, 0, this.width, HEIGHT);
    this.bytesDrawn = 0;
    const [r0, r1] = this.visibleRows();
    const n = this.cellCount(sp);
    let drawn = 0;
    for (let r = r0; r < r1; r++) {
      for (let c = 0; c < COLUMNS; c++) {
        const k = r * COLUMNS + c;
        if (k >= n) break;
        this.cell(s, sp, k);
        drawn++;
      }
      this.gutter(sp, r);
    }
    this.outline();
    return drawn;
  }

  /** Repaints only the cells holding the changed granules; returns how many were visible. */
  partial(s: Store, sp: SpaceState, changed: Uint32Array): number {
    this.pyramid.update(sp.cells, sp.version, changed);
    const [r0, r1] = this.visibleRows();
    const g = this.level.granules;
    let drawn = 0;
    let last = -1;
    for (let i = 0; i < changed.length; i++) {
      const k = Math.floor(changed[i] / g);
      const r = cellRow(k);
      if (k === last || r < r0 || r >= r1) continue;
      last = k;
      this.cell(s, sp, k);
      drawn++;
    }
    for (let r = r0; r < r1; r++) this.gutter(sp, r);
    this.outline();
    return drawn;
  }

  private cell(s: Store, sp: SpaceState, k: number): void {
    const { ctx } = this;
    const { px: z, granules } = this.level;
    const x = GUTTER + cellCol(k) * z - this.view.sx;
    const y = cellRow(k) * z - this.view.sy;
    if (x + z < GUTTER || x > this.width) return;
    const raw = this.pyramid.at(sp.cells, granules, k);
    const v = raw & ~MIXED;
    const inset = z >= 8 ? 1 : 0;
    let fill: string;
    let label = '';
    if ((v & Cell.Device) !== 0) fill = this.colours.device;
    else if ((v & Cell.Untagged) !== 0) fill = this.colours.untagged;
    else if ((v & Cell.NeverInitialised) !== 0) fill = this.colours.fresh;
    else {
      fill = TAG_COLOURS[v & Cell.TagMask];
      label = (v & Cell.TagMask).toString(16);
    }
    ctx.fillStyle = this.colours.bg;
    ctx.fillRect(x, y, z, z);
    ctx.fillStyle = fill;
    ctx.fillRect(x + inset, y + inset, z - 2 * inset, z - 2 * inset);
    if ((v & (Cell.Untagged | Cell.Device)) !== 0 && z >= 4) {
      // Hatching marks memory that has no tags at all, so it never reads as a tag colour.
      ctx.strokeStyle = this.colours.bg;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x + inset, y + z - inset);
      ctx.lineTo(x + z - inset, y + inset);
      if ((v & Cell.Device) !== 0) {
        ctx.moveTo(x + inset, y + inset);
        ctx.lineTo(x + z - inset, y + z - inset);
      }
      ctx.stroke();
    } else if ((v & Cell.NeverInitialised) !== 0 && z >= 8) {
      ctx.fillStyle = this.colours.fg;
      ctx.fillRect(x + z / 2 - 1, y + z / 2 - 1, 2, 2);
    }
    if ((raw & MIXED) !== 0) {
      // The granules under an aggregate cell differ: a corner mark, the fill being the most common value.
      ctx.fillStyle = this.colours.fg;
      ctx.beginPath();
      ctx.moveTo(x + z - inset, y + inset);
      ctx.lineTo(x + z - inset, y + z / 2);
      ctx.lineTo(x + z / 2, y + inset);
      ctx.fill();
    }
    if (z >= BYTES_ZOOM && granules === 1) this.bytes(s, sp, k, x, y, z, labelColour(fill.startsWith('#') ? fill : '#888888'));
    if (label && z >= LABEL_ZOOM) {
      ctx.fillStyle = labelColour(fill);
      ctx.font = `${z >= BYTES_ZOOM ? 13 : Math.round(z * 0.55)}px ui-monospace, monospace`;
      ctx.textAlign = z >= BYTES_ZOOM ? 'left' : 'center';
      ctx.textBaseline = z >= BYTES_ZOOM ? 'top' : 'middle';
      if (z >= BYTES_ZOOM) ctx.fillText(`tag ${label}`, x + 4, y + 3);
      else ctx.fillText(label, x + z / 2, y + z / 2 + 1);
    }
  }

  /** The granule's 16 data bytes, four to a line, read from the engine for the visible pages. */
  private bytes(s: Store, sp: SpaceState, k: number, x: number, y: number, z: number, ink: string): void {
    const page = sp.pages[Math.floor(k / GRANULES_PER_PAGE)];
    if (!page) return;
    const data = s.pageBytes.get(`${this.space}:${page.address}`);
    if (data === undefined) {
      s.requestPage(this.space, page.address);
      return;
    }
    if (data.length === 0) return;
    this.bytesDrawn++;
    const { ctx } = this;
    const at = (k % GRANULES_PER_PAGE) * 16;
    ctx.fillStyle = ink;
    ctx.font = '12px ui-monospace, monospace';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    for (let line = 0; line < 4; line++) {
      const text = Array.from(data.subarray(at + 4 * line, at + 4 * line + 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      ctx.fillText(text, x + 6, y + 24 + line * ((z - 28) / 4));
    }
  }

  /** The address at the left of a row: at page starts (granule levels) or every few rows (aggregates). */
  private gutter(sp: SpaceState, row: number): void {
    const { ctx } = this;
    const { px: z, granules } = this.level;
    const firstGranule = row * COLUMNS * granules;
    if (firstGranule >= sp.cells.length) return;
    const pageRows = granules === 1 ? ROWS_PER_PAGE : 1;
    const every = Math.max(pageRows, Math.ceil(12 / z));
    if (row % every !== 0 || (granules === 1 && pageRows * z < 11 && every === pageRows)) return;
    const page = Math.floor(firstGranule / GRANULES_PER_PAGE);
    const info = sp.pages[page];
    if (!info) return;
    const y = row * z - this.view.sy;
    const h = every * z;
    ctx.fillStyle = this.colours.bg;
    ctx.fillRect(0, y, GUTTER - 2, h);
    ctx.fillStyle = this.colours.fg;
    ctx.font = '11px ui-monospace, monospace';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(`${info.address.toString(16).padStart(8, '0')} ${pageMarks(sp.flags[page] ?? 0)}`, 2, y + 1);
    ctx.fillRect(0, y, GUTTER - 2, 1);
  }

  private outline(): void {
    if (this.selected < 0) return;
    const { px: z, granules } = this.level;
    const k = Math.floor(this.selected / granules);
    const x = GUTTER + cellCol(k) * z - this.view.sx;
    const y = cellRow(k) * z - this.view.sy;
    this.ctx.strokeStyle = this.colours.select;
    this.ctx.lineWidth = 2;
    this.ctx.strokeRect(x + 1, y + 1, Math.max(z - 2, 2), Math.max(z - 2, 2));
  }
}

/** The granule index of an address in a space, or -1. */
function granuleOf(sp: SpaceState, address: number): number {
  const page = pageIndex(sp, address);
  return page < 0 ? -1 : page * GRANULES_PER_PAGE + Math.floor((address % 4096) / 16);
}

/** The address of the selection in the space shown: itself, or where the inspected pointer's granule is there. */
function selectedIn(s: Store, space: Space): number | null {
  if (s.selected === null) return null;
  if (s.selected.space === space) return s.selected.address;
  const p = s.pointer;
  if (!p || p.error) return null;
  if (space === 'va') return p.granule ? Number(BigInt(p.granule)) : null;
  return space === 'guest' ? p.ipa : p.pa;
}

export function Heatmap() {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const painter = useRef<Painter | null>(null);
  const [zoom, setZoom] = useState(DEFAULT_ZOOM);
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null);
  const [announce, setAnnounce] = useState('');
  const theme = useStore((s) => s.theme);
  const space = useStore((s) => s.heatSpace);
  const mode = useStore((s) => s.mode);
  const setSpace = useStore((s) => s.setHeatSpace);
  const drag = useRef<{ x: number; y: number; sx: number; sy: number; moved: boolean } | null>(null);

  const paint = useCallback((partial: Uint32Array | null) => {
    const p = painter.current;
    if (!p) return;
    const s = useStore.getState();
    p.space = s.heatSpace;
    const sp = s.spaces[p.space];
    const at = selectedIn(s, p.space);
    p.selected = at === null ? -1 : granuleOf(sp, at);
    const drawn = partial ? p.partial(s, sp, partial) : p.full(s, sp);
    const canvas = p.canvas;
    canvas.dataset.space = p.space;
    canvas.dataset.taggedCells = String(sp.tagged);
    canvas.dataset.cells = String(sp.cells.length);
    canvas.dataset.lastRedraw = String(drawn);
    canvas.dataset.redrawKind = partial ? 'partial' : 'full';
    canvas.dataset.bytesDrawn = String(p.bytesDrawn);
  }, []);

  const setView = useCallback((v: Partial<View>): void => {
    const p = painter.current!;
    const sp = useStore.getState().spaces[p.space];
    const next = { ...p.view, ...v };
    const z = ZOOMS[next.zoom];
    const rows = Math.ceil(sp.cells.length / z.granules / COLUMNS);
    next.sx = Math.max(0, Math.min(next.sx, COLUMNS * z.px + GUTTER - p.width));
    next.sy = Math.max(0, Math.min(next.sy, rows * z.px - HEIGHT / 2));
    p.view = next;
    setZoom(next.zoom);
    paint(null);
  }, [paint]);

  /** Zooms one level in or out, keeping the granule under (x, y) (canvas pixels) where it is. */
  const zoomAt = useCallback((dir: 1 | -1, x = GUTTER, y = 0): void => {
    const p = painter.current!;
    const zi = Math.max(0, Math.min(ZOOMS.length - 1, p.view.zoom + dir));
    if (zi === p.view.zoom) return;
    const from = p.level;
    const to = ZOOMS[zi];
    const cell = Math.floor((y + p.view.sy) / from.px) * COLUMNS + Math.floor(Math.max(0, x - GUTTER + p.view.sx) / from.px);
    const k = Math.floor((cell * from.granules) / to.granules);
    setView({ zoom: zi, sx: cellCol(k) * to.px - (x - GUTTER), sy: cellRow(k) * to.px - y });
  }, [setView]);

  useEffect(() => {
    const canvas = canvasRef.current!;
    const p = new Painter(canvas);
    painter.current = p;
    p.readTheme();
    const ro = new ResizeObserver(() => {
      p.resize(Math.max(200, wrapRef.current!.clientWidth));
      paint(null);
    });
    ro.observe(wrapRef.current!);
    const unsub = useStore.subscribe((s, prev) => {
      const sp = s.spaces[s.heatSpace];
      if (s.heatSpace !== prev.heatSpace) paint(null);
      else if (sp !== prev.spaces[s.heatSpace]) paint(sp.version === prev.spaces[s.heatSpace].version + 1 ? sp.changed : null);
      else if (s.selected !== prev.selected || s.pointer !== prev.pointer || (s.pageBytes !== prev.pageBytes && ZOOMS[p.view.zoom].px >= 128)) paint(null);
    });
    // The wheel zooms the map (shift+wheel pans it); never the page behind it, so the listener is not passive.
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault();
      const rect = canvas.getBoundingClientRect();
      if (e.shiftKey) setView({ sx: p.view.sx + e.deltaX, sy: p.view.sy + e.deltaY });
      else zoomAt(e.deltaY < 0 ? 1 : -1, e.clientX - rect.left, e.clientY - rect.top);
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      ro.disconnect();
      unsub();
      canvas.removeEventListener('wheel', onWheel);
    };
  }, [paint, setView, zoomAt]);

  useEffect(() => {
    painter.current?.readTheme();
    paint(null);
  }, [theme, paint]);

  /** The deepest zoom that shows every populated page at once. */
  const wholeSpace = (): void => {
    const p = painter.current!;
    const n = useStore.getState().spaces[p.space].cells.length;
    let zi = 0;
    ZOOMS.forEach((z, i) => {
      if (Math.ceil(n / z.granules / COLUMNS) * z.px <= HEIGHT) zi = i;
    });
    setView({ zoom: zi, sx: 0, sy: 0 });
  };

  const cellAt = (clientX: number, clientY: number): number => {
    const p = painter.current!;
    const rect = p.canvas.getBoundingClientRect();
    const x = clientX - rect.left - GUTTER + p.view.sx;
    const y = clientY - rect.top + p.view.sy;
    const { px, granules } = p.level;
    if (x < 0 || x >= COLUMNS * px) return -1;
    const k = (Math.floor(y / px) * COLUMNS + Math.floor(x / px)) * granules;
    return k >= 0 && k < useStore.getState().spaces[p.space].cells.length ? k : -1;
  };

  const describe = (k: number): string => {
    const s = useStore.getState();
    const sp = s.spaces[painter.current!.space];
    const page = sp.pages[Math.floor(k / GRANULES_PER_PAGE)];
    return page ? describeCell(painter.current!.space, page, k % GRANULES_PER_PAGE, sp.cells[k], sp.flags[Math.floor(k / GRANULES_PER_PAGE)]) : '';
  };

  const select = (k: number): void => {
    const s = useStore.getState();
    const p = painter.current!;
    const sp = s.spaces[p.space];
    const page = sp.pages[Math.floor(k / GRANULES_PER_PAGE)];
    if (!page) return;
    const v = sp.cells[k];
    s.selectGranule(p.space, page.address + (k % GRANULES_PER_PAGE) * 16, v < 0x10 ? v : null);
    setAnnounce(describe(k));
    // Keep the selection in view.
    const y = cellRow(Math.floor(k / p.level.granules)) * p.level.px;
    if (y < p.view.sy || y > p.view.sy + HEIGHT - p.level.px) setView({ sy: y - HEIGHT / 2 });
  };

  const onKey = (e: React.KeyboardEvent): void => {
    const s = useStore.getState();
    const p = painter.current!;
    const sp = s.spaces[p.space];
    const at = selectedIn(s, p.space);
    const cur = at === null ? -1 : granuleOf(sp, at);
    const g = p.level.granules;
    const moves: Record<string, number> = { ArrowLeft: -g, ArrowRight: g, ArrowUp: -COLUMNS * g, ArrowDown: COLUMNS * g, PageUp: -GRANULES_PER_PAGE, PageDown: GRANULES_PER_PAGE };
    if (e.key in moves) {
      e.preventDefault();
      select(Math.max(0, Math.min(sp.cells.length - 1, (cur < 0 ? 0 : cur) + (cur < 0 ? 0 : moves[e.key]))));
    } else if (e.key === '+' || e.key === '=') zoomAt(1);
    else if (e.key === '-') zoomAt(-1);
  };

  return (
    <section className="panel heatmap" aria-labelledby="heatmap-title" data-panel="heatmap">
      <header className="panel-head">
        <h2 id="heatmap-title">Granule tags</h2>
        <div className="row-tools" role="radiogroup" aria-label="Address space">
          {(['va', 'guest', 'host'] as const).map((sp) => (
            <button
              key={sp} type="button" role="radio" aria-checked={space === sp} className={space === sp ? 'on' : ''}
              disabled={sp === 'host' && mode !== 'vm'} onClick={() => setSpace(sp)}
              title={sp === 'host' && mode !== 'vm' ? 'Run the program as a KVM guest to see host-physical memory' : undefined}
            >
              {sp === 'guest' && mode !== 'vm' ? 'Physical (PA)' : SPACE_NAMES[sp]}
            </button>
          ))}
        </div>
        <div className="row-tools" role="group" aria-label="Heatmap zoom">
          <button type="button" onClick={() => zoomAt(-1)} aria-label="Zoom out">−</button>
          <span aria-live="polite" className="muted" data-testid="zoom">{zoomLabel(ZOOMS[zoom])}</span>
          <button type="button" onClick={() => zoomAt(1)} aria-label="Zoom in">+</button>
          <button type="button" onClick={wholeSpace}>Whole space</button>
        </div>
      </header>
      <div className="canvas-wrap" ref={wrapRef}>
        <canvas
          ref={canvasRef}
          data-testid="heatmap"
          tabIndex={0}
          role="img"
          aria-label={`Allocation tag of every 16-byte granule of the populated pages, ${SPACE_NAMES[space]}. Arrow keys select a granule, plus and minus or the wheel zoom, shift and the wheel or dragging pans.`}
          onKeyDown={onKey}
          onPointerDown={(e) => {
            const p = painter.current!;
            drag.current = { x: e.clientX, y: e.clientY, sx: p.view.sx, sy: p.view.sy, moved: false };
          }}
          onPointerUp={(e) => {
            const d = drag.current;
            drag.current = null;
            if (d && !d.moved) {
              const k = cellAt(e.clientX, e.clientY);
              if (k >= 0) select(k);
            }
          }}
          onPointerMove={(e) => {
            const d = drag.current;
            if (d && (Math.abs(e.clientX - d.x) + Math.abs(e.clientY - d.y) > 4)) {
              d.moved = true;
              setView({ sx: d.sx - (e.clientX - d.x), sy: d.sy - (e.clientY - d.y) });
            }
            const k = cellAt(e.clientX, e.clientY);
            const rect = canvasRef.current!.getBoundingClientRect();
            const text = k < 0 ? '' : describe(k);
            setTip(text ? { x: e.clientX - rect.left + 12, y: e.clientY - rect.top + 12, text } : null);
          }}
          onPointerLeave={() => setTip(null)}
        />
        {tip && <div className="tooltip" role="tooltip" style={{ left: tip.x, top: tip.y }}>{tip.text}</div>}
      </div>
      <p className="sr-only" aria-live="polite">{announce}</p>
      <Legend />
    </section>
  );
}
