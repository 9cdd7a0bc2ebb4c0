/**
 * Allocation-tag colours: sixteen hues drawn from Paul Tol's colour-blind-safe schemes, ordered so that
 * neighbouring tags differ strongly in lightness too. Colour alone never carries a tag: cells are labelled
 * with the hex tag from LABEL_ZOOM on, and the legend and tooltip name it.
 */
export const TAG_COLOURS = [
  '#dddddd', '#332288', '#88ccee', '#117733', '#ddcc77', '#cc6677', '#aa4499', '#44aa99',
  '#999933', '#882255', '#77aadd', '#ee8866', '#bbcc33', '#ffaabb', '#994455', '#eedd88',
] as const;

/** Black or white, whichever reads better on `hex`. */
export function labelColour(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const lum = 0.2126 * ((n >> 16) & 255) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255);
  return lum > 140 ? '#000000' : '#ffffff';
}
