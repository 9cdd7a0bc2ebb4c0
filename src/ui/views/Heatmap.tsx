/**
 * The granule tag heatmap: every 16-byte granule of every mapped page as a cell coloured by its allocation
 * tag, drawn on a canvas from the store's cell array. A delta repaints only the cells it changed; zoom,
 * pan, selection and theme repaint the visible window. React renders only the chrome around the canvas.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Cell, PageFlag, type PageInfo } from '../../worker/protocol.ts';
import { COLUMNS, GRANULES_PER_PAGE, LABEL_ZOOM, ROWS_PER_PAGE, ZOOMS, cellCol, cellRow } from '../layout.ts';
import { TAG_COLOURS, labelColour } from '../palette.ts';
import { useStore, type Store } from '../store.ts';
import { Legend } from './Legend.tsx';

const GUTTER = 96;
const HEIGHT = 300;

interface View {
  zoom: number;
  sx: number;
  sy: number;
}

export function describeCell(page: PageInfo, granule: number, cell: number, flags: number): string {
  const va = page.va + granule * 16;
  const kind = (cell & Cell.Device) !== 0 ? 'Device memory (never tagged)'
    : (cell & Cell.Untagged) !== 0 ? 'Untagged memory'
      : (cell & Cell.NeverInitialised) !== 0 ? 'Tagged memory, tags never initialised (read as 0x0)'
        : `allocation tag 0x${(cell & Cell.TagMask).toString(16)}`;
  const pageNotes = [(flags & PageFlag.Dirty) !== 0 ? 'dirty page' : '', (flags & PageFlag.SwappedOut) !== 0 ? 'swapped out' : ''].filter(Boolean).join(', ');
  return `0x${va.toString(16)} · ${kind} · ${page.owner}, ${page.perms}${pageNotes ? ` · ${pageNotes}` : ''}`;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

class Painter {
  view: View = { zoom: 8, sx: 0, sy: 0 };
  selected = -1;
  width = 600;
  private ctx: CanvasRenderingContext2D;
  private colours = { bg: '', fg: '', untagged: '', device: '', fresh: '', select: '' };

  constructor(readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext('2d')!;
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

  /** Visible cell range of the current view. */
  private visibleRows(): [number, number] {
    const z = this.view.zoom;
    return [Math.floor(this.view.sy / z), Math.ceil((this.view.sy + HEIGHT) / z)];
  }

  full(s: Store): number {
    const { ctx } = this;
    ctx.fillStyle = this.colours.bg;
    ctx.fillRect(0, 0, this.width, HEIGHT);
    const [r0, r1] = this.visibleRows();
    let drawn = 0;
    for (let r = r0; r < r1; r++) {
      for (let c = 0; c < COLUMNS; c++) {
        const k = r * COLUMNS + c;
        if (k >= s.cells.length) break;
        this.cell(s, k);
        drawn++;
      }
      if (r % ROWS_PER_PAGE === 0 && r * COLUMNS < s.cells.length) this.gutter(s, r);
    }
    this.outline();
    return drawn;
  }

  /** Repaints only the given cells; returns how many were visible. */
  partial(s: Store, changed: Uint32Array): number {
    const [r0, r1] = this.visibleRows();
    let drawn = 0;
    for (let i = 0; i < changed.length; i++) {
      const r = cellRow(changed[i]);
      if (r < r0 || r >= r1) continue;
      this.cell(s, changed[i]);
      drawn++;
    }
    for (let r = r0 - (r0 % ROWS_PER_PAGE); r < r1; r += ROWS_PER_PAGE) if (r >= 0 && r * COLUMNS < s.cells.length) this.gutter(s, r);
    this.outline();
    return drawn;
  }

  private cell(s: Store, k: number): void {
    const { ctx } = this;
    const z = this.view.zoom;
    const x = GUTTER + cellCol(k) * z - this.view.sx;
    const y = cellRow(k) * z - this.view.sy;
    if (x + z < GUTTER || x > this.width) return;
    const v = s.cells[k];
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
    if (label && z >= LABEL_ZOOM) {
      ctx.fillStyle = labelColour(fill);
      ctx.font = `${Math.round(z * 0.55)}px ui-monospace, monospace`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(label, x + z / 2, y + z / 2 + 1);
    }
  }

  /** The address of a page and its page-level marks (D dirty, S swapped out) in the left gutter. */
  private gutter(s: Store, row: number): void {
    const { ctx } = this;
    const page = row / ROWS_PER_PAGE;
    const info = s.layout[page];
    if (!info) return;
    const y = row * this.view.zoom - this.view.sy;
    const h = ROWS_PER_PAGE * this.view.zoom;
    ctx.fillStyle = this.colours.bg;
    ctx.fillRect(0, y, GUTTER - 2, h);
    ctx.fillStyle = this.colours.fg;
    ctx.font = '11px ui-monospace, monospace';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    const flags = s.pageFlags[page] ?? 0;
    const marks = `${(flags & PageFlag.Dirty) !== 0 ? 'D' : ''}${(flags & PageFlag.SwappedOut) !== 0 ? 'S' : ''}`;
    if (h >= 11) ctx.fillText(`${info.va.toString(16).padStart(8, '0')} ${marks}`, 2, y + 1);
    ctx.fillStyle = this.colours.fg;
    ctx.fillRect(0, y, GUTTER - 2, 1);
  }

  private outline(): void {
    if (this.selected < 0) return;
    const z = this.view.zoom;
    const x = GUTTER + cellCol(this.selected) * z - this.view.sx;
    const y = cellRow(this.selected) * z - this.view.sy;
    this.ctx.strokeStyle = this.colours.select;
    this.ctx.lineWidth = 2;
    this.ctx.strokeRect(x + 1, y + 1, Math.max(z - 2, 2), Math.max(z - 2, 2));
  }
}

/** The cell index of a VA in the current layout, or -1. */
function cellOfVa(layout: PageInfo[], va: number): number {
  const page = layout.findIndex((p) => va >= p.va && va < p.va + 4096);
  return page < 0 ? -1 : page * GRANULES_PER_PAGE + Math.floor((va % 4096) / 16);
}

export function Heatmap() {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const painter = useRef<Painter | null>(null);
  const [zoom, setZoom] = useState(8);
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null);
  const [announce, setAnnounce] = useState('');
  const theme = useStore((s) => s.theme);
  const drag = useRef<{ x: number; y: number; sx: number; sy: number; moved: boolean } | null>(null);

  const paint = useCallback((partial: Uint32Array | null) => {
    const p = painter.current;
    if (!p) return;
    const s = useStore.getState();
    p.selected = s.selectedVa === null ? -1 : cellOfVa(s.layout, s.selectedVa);
    const drawn = partial ? p.partial(s, partial) : p.full(s);
    const canvas = p.canvas;
    canvas.dataset.taggedCells = String(s.taggedCells);
    canvas.dataset.cells = String(s.cells.length);
    canvas.dataset.lastRedraw = String(drawn);
    canvas.dataset.redrawKind = partial ? 'partial' : 'full';
  }, []);

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
      if (s.cellsVersion !== prev.cellsVersion) paint(s.changedCells);
      else if (s.selectedVa !== prev.selectedVa) paint(null);
    });
    return () => {
      ro.disconnect();
      unsub();
    };
  }, [paint]);

  useEffect(() => {
    painter.current?.readTheme();
    paint(null);
  }, [theme, paint]);

  const setView = (v: Partial<View>): void => {
    const p = painter.current!;
    const s = useStore.getState();
    const next = { ...p.view, ...v };
    const rows = Math.ceil(s.cells.length / COLUMNS);
    next.sx = Math.max(0, Math.min(next.sx, COLUMNS * next.zoom + GUTTER - p.width));
    next.sy = Math.max(0, Math.min(next.sy, rows * next.zoom - HEIGHT / 2));
    p.view = next;
    setZoom(next.zoom);
    paint(null);
  };

  const zoomBy = (dir: 1 | -1): void => {
    const i = ZOOMS.indexOf(painter.current!.view.zoom as (typeof ZOOMS)[number]);
    const zi = Math.max(0, Math.min(ZOOMS.length - 1, i + dir));
    const p = painter.current!;
    const ratio = ZOOMS[zi] / p.view.zoom;
    setView({ zoom: ZOOMS[zi], sx: p.view.sx * ratio, sy: p.view.sy * ratio });
  };

  const cellAt = (clientX: number, clientY: number): number => {
    const p = painter.current!;
    const rect = p.canvas.getBoundingClientRect();
    const x = clientX - rect.left - GUTTER + p.view.sx;
    const y = clientY - rect.top + p.view.sy;
    if (x < 0 || x >= COLUMNS * p.view.zoom) return -1;
    const k = Math.floor(y / p.view.zoom) * COLUMNS + Math.floor(x / p.view.zoom);
    return k >= 0 && k < useStore.getState().cells.length ? k : -1;
  };

  const select = (k: number): void => {
    const s = useStore.getState();
    const page = s.layout[Math.floor(k / GRANULES_PER_PAGE)];
    if (!page) return;
    const g = k % GRANULES_PER_PAGE;
    const v = s.cells[k];
    s.selectGranule(page.va + g * 16, v < 0x10 ? v : null);
    setAnnounce(describeCell(page, g, v, s.pageFlags[Math.floor(k / GRANULES_PER_PAGE)]));
    // Keep the selection in view.
    const p = painter.current!;
    const y = cellRow(k) * p.view.zoom;
    if (y < p.view.sy || y > p.view.sy + HEIGHT - p.view.zoom) setView({ sy: y - HEIGHT / 2 });
  };

  const onKey = (e: React.KeyboardEvent): void => {
    const s = useStore.getState();
    const cur = s.selectedVa === null ? -1 : cellOfVa(s.layout, s.selectedVa);
    const moves: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -COLUMNS, ArrowDown: COLUMNS, PageUp: -GRANULES_PER_PAGE, PageDown: GRANULES_PER_PAGE };
    if (e.key in moves) {
      e.preventDefault();
      const next = Math.max(0, Math.min(s.cells.length - 1, (cur < 0 ? 0 : cur) + (cur < 0 ? 0 : moves[e.key])));
      select(next);
    } else if (e.key === '+' || e.key === '=') zoomBy(1);
    else if (e.key === '-') zoomBy(-1);
  };

  return (
    <section className="panel heatmap" aria-labelledby="heatmap-title" data-panel="heatmap">
      <header className="panel-head">
        <h2 id="heatmap-title">Granule tags</h2>
        <div className="row-tools" role="group" aria-label="Heatmap zoom">
          <button type="button" onClick={() => zoomBy(-1)} aria-label="Zoom out">−</button>
          <span aria-live="polite" className="muted">{zoom} px per granule</span>
          <button type="button" onClick={() => zoomBy(1)} aria-label="Zoom in">+</button>
          <button type="button" onClick={() => setView({ zoom: 2, sx: 0, sy: 0 })}>Whole space</button>
        </div>
      </header>
      <div className="canvas-wrap" ref={wrapRef}>
        <canvas
          ref={canvasRef}
          data-testid="heatmap"
          tabIndex={0}
          role="img"
          aria-label="Allocation tag of every 16-byte granule of the mapped pages. Arrow keys select a granule, plus and minus zoom."
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
            const s = useStore.getState();
            const page = k < 0 ? undefined : s.layout[Math.floor(k / GRANULES_PER_PAGE)];
            const rect = canvasRef.current!.getBoundingClientRect();
            setTip(page ? { x: e.clientX - rect.left + 12, y: e.clientY - rect.top + 12, text: describeCell(page, k % GRANULES_PER_PAGE, s.cells[k], s.pageFlags[Math.floor(k / GRANULES_PER_PAGE)]) } : null);
          }}
          onPointerLeave={() => setTip(null)}
          onWheel={(e) => {
            if (e.ctrlKey) zoomBy(e.deltaY < 0 ? 1 : -1);
            else setView({ sx: painter.current!.view.sx + e.deltaX, sy: painter.current!.view.sy + e.deltaY });
          }}
        />
        {tip && <div className="tooltip" role="tooltip" style={{ left: tip.x, top: tip.y }}>{tip.text}</div>}
      </div>
      <p className="sr-only" aria-live="polite">{announce}</p>
      <Legend />
    </section>
  );
}
