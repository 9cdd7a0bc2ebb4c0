/**
 * Geometry of the heatmap: granules in address order, COLUMNS cells per row. At the granule levels a cell is
 * one granule (a row is 1 KiB, 4 rows a page) drawn `px` pixels wide; at the aggregate levels a cell covers
 * `granules` granules (4 to 4096), so the whole populated space fits on screen.
 */
export const GRANULES_PER_PAGE = 256;
export const COLUMNS = 64;
export const ROWS_PER_PAGE = GRANULES_PER_PAGE / COLUMNS;

export interface ZoomLevel {
  /** Granules per cell (a power of 4). */
  granules: number;
  /** Cell size in CSS pixels. */
  px: number;
}

const AGGREGATE_PX = 8;
/** From the most zoomed-out to the deepest. */
export const ZOOMS: readonly ZoomLevel[] = [
  ...[4096, 1024, 256, 64, 16, 4].map((granules) => ({ granules, px: AGGREGATE_PX })),
  ...[2, 4, 8, 16, 32, 64, 128].map((px) => ({ granules: 1, px })),
];
export const DEFAULT_ZOOM = ZOOMS.findIndex((z) => z.granules === 1 && z.px === 8);
/** From this cell size on, each cell carries its tag as a hex label (colour is never the only cue). */
export const LABEL_ZOOM = 16;
/** At this cell size a granule shows its 16 data bytes. */
export const BYTES_ZOOM = 128;

export const zoomLabel = (z: ZoomLevel): string => (z.granules > 1 ? `${z.granules} granules per cell` : `${z.px} px per granule`);

export const cellRow = (k: number): number => Math.floor(k / COLUMNS);
export const cellCol = (k: number): number => k % COLUMNS;
