/** Disassembly of the program with the PC marked and a breakpoint toggle on every line. */
import { useStore } from '../store.ts';
import { VirtualList } from './VirtualList.tsx';

export function Disassembly() {
  const lines = useStore((s) => s.disasm);
  const pc = useStore((s) => s.pc);
  const breakpoints = useStore((s) => s.breakpoints);
  const toggle = useStore((s) => s.toggleBreakpoint);
  const pcIndex = lines.findIndex((l) => l.address === pc);
  return (
    <section className="panel disasm" aria-labelledby="disasm-title">
      <h2 id="disasm-title">Disassembly</h2>
      <VirtualList
        items={lines} rowHeight={22} height={220} label="Instructions" keyOf={(l) => l.address} scrollTo={pcIndex} testId="disassembly"
        render={(l) => {
          const bp = breakpoints.includes(l.address);
          return (
            <div className={`asm-line${l.address === pc ? ' current' : ''}`} aria-current={l.address === pc ? 'step' : undefined}>
              <button type="button" className={`bp${bp ? ' on' : ''}`} aria-pressed={bp} aria-label={`Breakpoint at 0x${l.address.toString(16)}`} onClick={() => toggle(l.address)}>●</button>
              <span className="mono addr">{l.address.toString(16).padStart(8, '0')}</span>
              <span className="mono word">{l.word.toString(16).padStart(8, '0')}</span>
              <span className="mono text">{l.text}</span>
              {l.line !== undefined && <span className="muted line">line {l.line}</span>}
            </div>
          );
        }}
      />
    </section>
  );
}
