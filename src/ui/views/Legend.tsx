import { TAG_COLOURS, labelColour } from '../palette.ts';

/** What each colour and mark of the heatmap means; every swatch also carries its hex label. */
export function Legend() {
  return (
    <ul className="legend" aria-label="Heatmap legend">
      {TAG_COLOURS.map((c, t) => (
        <li key={c}>
          <span className="swatch" style={{ background: c, color: labelColour(c) }} aria-hidden="true">{t.toString(16)}</span>
          <span className="sr-only">tag 0x{t.toString(16)}</span>
        </li>
      ))}
      <li><span className="swatch untagged" aria-hidden="true" /> Untagged (U)</li>
      <li><span className="swatch fresh" aria-hidden="true">·</span> Tags never initialised (no PG_mte_tagged)</li>
      <li><span className="swatch device" aria-hidden="true" /> Device (V)</li>
      <li><span className="swatch mixed" aria-hidden="true" /> mixed: the cell's granules differ (most common shown)</li>
      <li><span className="mark" aria-hidden="true">D</span> dirty page</li>
      <li><span className="mark" aria-hidden="true">S</span> swapped-out page</li>
    </ul>
  );
}
