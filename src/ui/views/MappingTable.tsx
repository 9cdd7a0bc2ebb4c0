/**
 * The translation tables: the guest's stage 1 (VA → IPA), KVM's stage 2 (IPA → PA) and the VMM's own mapping
 * of guest RAM (HVA → PA), each entry with what its attributes mean for tags; and the walk of the selected
 * address level by level, stage 1 then stage 2.
 */
import { useState } from 'react';
import type { TableRow, WalkLevel } from '../../worker/protocol.ts';
import { useStore } from '../store.ts';
import { VirtualList } from './VirtualList.tsx';

/** A stable empty walk: a selector must not return a new array on every call. */
const NO_WALK: WalkLevel[] = [];
const NO_ROWS: TableRow[] = [];

type Table = 'stage1' | 'stage2' | 'vmm';
const TABLES: { id: Table; name: string; input: string; output: string }[] = [
  { id: 'stage1', name: 'Stage 1 (guest)', input: 'VA', output: 'IPA' },
  { id: 'stage2', name: 'Stage 2 (KVM)', input: 'IPA', output: 'PA' },
  { id: 'vmm', name: 'VMM mapping', input: 'HVA', output: 'PA' },
];

const contains = (base: number, address: number | null): boolean => address !== null && address >= base && address < base + 4096;

export function MappingTable() {
  const [table, setTable] = useState<Table>('stage1');
  const tables = useStore((s) => s.tables);
  const mode = useStore((s) => s.mode);
  const walk = useStore((s) => s.pointer?.walk ?? NO_WALK);
  const pointer = useStore((s) => s.pointer);
  const selectGranule = useStore((s) => s.selectGranule);
  const shown = mode === 'vm' ? table : 'stage1';
  const rows = tables[shown] ?? NO_ROWS;
  const va = pointer?.granule ? Number(BigInt(pointer.granule)) : null;
  const hit = (r: TableRow): boolean => (shown === 'stage1' ? contains(r.input, va) : shown === 'stage2' ? contains(r.input, pointer?.ipa ?? null) : contains(r.output, pointer?.pa ?? null));
  const selectedRow = rows.findIndex(hit);
  const meta = TABLES.find((t) => t.id === shown)!;
  return (
    <section className="panel tables" aria-labelledby="tables-title" data-panel="tables">
      <header className="panel-head">
        <h2 id="tables-title">Mappings</h2>
        {mode === 'vm' && (
          <div className="row-tools table-tabs" role="tablist" aria-label="Translation table">
            {TABLES.map((t) => (
              <button key={t.id} type="button" role="tab" aria-selected={shown === t.id} className={shown === t.id ? 'on' : ''} onClick={() => setTable(t.id)}>{t.name}</button>
            ))}
          </div>
        )}
      </header>
      <div className="table-head s2 mono" aria-hidden="true"><span>{meta.input}</span><span>{meta.output}</span><span>{shown === 'stage2' ? 'S2 MemAttr' : 'attributes'}</span><span>for tags</span><span>perms</span><span>{shown === 'vmm' ? 'VMM' : shown === 'stage2' ? 'memslot' : 'owner'}</span></div>
      <VirtualList
        items={rows} rowHeight={22} height={160} label={`${meta.name} entries`} keyOf={(r) => r.input} scrollTo={selectedRow} testId="mappings"
        render={(r, i) => (
          <button
            type="button" className={`map-row s2 mono${i === selectedRow ? ' selected' : ''}`}
            onClick={() => selectGranule(shown === 'stage1' ? 'va' : shown === 'stage2' ? 'guest' : 'host', shown === 'vmm' ? r.output : r.input, null)}
            aria-label={`${meta.input} ${r.input.toString(16)} to ${meta.output} ${r.output.toString(16)}: ${r.attr}, ${r.meaning}, ${r.perms}, ${r.note}`}
          >
            <span>{r.input.toString(16)}</span>
            <span>{r.output.toString(16)}</span>
            <span>{r.attr}</span>
            <span>{r.meaning}</span>
            <span>{r.perms}</span>
            <span>{r.note}</span>
          </button>
        )}
      />
      {walk.length > 0 && (
        <ol className="walk" aria-label="Walk of the selected address, stage 1 then stage 2" data-testid="walk">
          {walk.map((w, i) => (
            <li key={i} className={`mono stage${w.stage}${(w.stage === 1 && shown === 'stage1') || (w.stage === 2 && shown === 'stage2') ? ' hit' : ''}`}>
              S{w.stage} L{w.level}: [{w.descriptorAddress.toString(16)}] = {w.descriptor} <span className="muted">({w.meaning})</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
