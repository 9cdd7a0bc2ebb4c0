/** The stage-1 (and stage-2) mapping of every page, with the walk of the selected address level by level. */
import type { WalkLevel } from '../../worker/protocol.ts';
import { useStore } from '../store.ts';
import { VirtualList } from './VirtualList.tsx';

/** A stable empty walk: a selector must not return a new array on every call. */
const NO_WALK: WalkLevel[] = [];

const MAIR_NAME: Record<string, string> = { tagged: 'Normal Tagged (0xF0)', normal: 'Normal (0xFF)', device: 'Device-nGnRnE (0x00)' };

export function MappingTable() {
  const layout = useStore((s) => s.layout);
  const selectedVa = useStore((s) => s.selectedVa);
  const walk = useStore((s) => s.pointer?.walk ?? NO_WALK);
  const selectGranule = useStore((s) => s.selectGranule);
  const selectedPage = selectedVa === null ? -1 : layout.findIndex((p) => selectedVa >= p.va && selectedVa < p.va + 4096);
  return (
    <section className="panel tables" aria-labelledby="tables-title" data-panel="tables">
      <h2 id="tables-title">Mappings</h2>
      <div className="table-head mono" aria-hidden="true"><span>VA</span><span>PA</span><span>AttrIndx → MAIR</span><span>EL0</span><span>S2 MemAttr</span><span>owner</span></div>
      <VirtualList
        items={layout} rowHeight={22} height={160} label="Stage-1 pages" keyOf={(p) => p.va} scrollTo={selectedPage} testId="mappings"
        render={(p, i) => (
          <button type="button" className={`map-row mono${i === selectedPage ? ' selected' : ''}`} onClick={() => selectGranule(p.va, null)}>
            <span>{p.va.toString(16)}</span>
            <span>{p.pa < 0 ? '—' : p.pa.toString(16)}</span>
            <span>{p.attrIndx} → {MAIR_NAME[p.memory]}</span>
            <span>{p.perms}</span>
            <span>{p.s2MemAttr === null ? 'no stage 2' : `0b${p.s2MemAttr.toString(2).padStart(4, '0')}`}</span>
            <span>{p.owner}</span>
          </button>
        )}
      />
      {walk.length > 0 && (
        <ol className="walk" aria-label="Stage-1 walk of the selected address">
          {walk.map((w) => (
            <li key={w.level} className="mono">L{w.level}: [{w.descriptorAddress.toString(16)}] = {w.descriptor}</li>
          ))}
        </ol>
      )}
    </section>
  );
}
