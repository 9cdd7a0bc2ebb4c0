/** The pointer inspector: a 64-bit value split into its MTE fields, its granule, and the predicted check. */
import { TAG_COLOURS, labelColour } from '../palette.ts';
import { useStore } from '../store.ts';

const VERDICT: Record<string, string> = { pass: 'Pass', fault: 'Fault', async: 'Async fault recorded', ignored: 'Mismatch ignored', unchecked: 'Unchecked' };

export function TagChip({ tag }: { tag: number }) {
  const c = TAG_COLOURS[tag & 0xf];
  return <span className="tag-chip" style={{ background: c, color: labelColour(c) }}>0x{(tag & 0xf).toString(16)}</span>;
}

export function PointerInspector() {
  const text = useStore((s) => s.pointerText);
  const r = useStore((s) => s.pointer);
  const inspect = useStore((s) => s.inspect);
  return (
    <section className="panel inspector" aria-labelledby="inspector-title" data-testid="inspector" data-panel="inspector">
      <h2 id="inspector-title">Pointer inspector</h2>
      <label className="field">
        <span>64-bit pointer</span>
        <input
          className="mono" value={text} spellCheck={false} placeholder="0x0a00000010000000"
          aria-describedby="inspector-verdict" onChange={(e) => inspect(e.target.value)}
        />
      </label>
      {r && r.error && <p className="error" role="alert">{r.error}</p>}
      {r && !r.error && (
        <>
          <dl className="fields">
            <dt>Logical tag (bits 59:56)</dt><dd data-testid="logical-tag"><TagChip tag={r.logicalTag} /></dd>
            <dt>Bit 55 (address half)</dt><dd>{r.bit55} ({r.bit55 ? 'upper: TBI1/TCMA1' : 'lower: TBI0/TCMA0'})</dd>
            <dt>Top byte (TBI)</dt><dd className="mono">0x{r.topByte.toString(16).padStart(2, '0')}</dd>
            <dt>Virtual address</dt><dd className="mono">{r.va}</dd>
            <dt>Granule</dt><dd className="mono">{r.granule}</dd>
            <dt>Allocation tag</dt>
            <dd data-testid="allocation-tag">{r.allocationTag === null ? 'none (not Tagged memory)' : <TagChip tag={r.allocationTag} />}</dd>
            <dt>Mapping</dt><dd>{r.mapping}</dd>
            {r.bytes && <><dt>Granule bytes</dt><dd className="mono bytes">{r.bytes}</dd></>}
          </dl>
          <p id="inspector-verdict" className={`verdict ${r.prediction}`} data-testid="prediction" aria-live="polite">
            <strong>{VERDICT[r.prediction]}</strong> for an 8-byte load: {r.why}
          </p>
        </>
      )}
    </section>
  );
}
