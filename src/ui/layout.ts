/** Geometry of the heatmap: granules in layout order, COLUMNS granules (1 KiB) per row, 4 rows per page. */
export const GRANULES_PER_PAGE = 256;
export const COLUMNS = 64;
export const ROWS_PER_PAGE = GRANULES_PER_PAGE / COLUMNS;

export const ZOOMS = [2, 4, 8, 16, 32, 64] as const;
/** From this cell size on, each cell carries its tag as a hex label (colour is never the only cue). */
export const LABEL_ZOOM = 16;

export const cellRow = (k: number): number => Math.floor(k / COLUMNS);
export const cellCol = (k: number): number => k % COLUMNS;
