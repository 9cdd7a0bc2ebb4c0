/**
 * The event log: what happened, who did it (guest, KVM, VMM, host) and why, with the rule and kernel version
 * the why comes from; activating an event travels to that moment.
 */
import type { LogEvent } from '../../worker/protocol.ts';
import { useStore } from '../store.ts';
import { VirtualList } from './VirtualList.tsx';

/** Events that explain themselves less than they are explained by others (a run, a syscall, a VM entry). */
const ROUTINE = new Set(['syscall', 'entry', 'exit', 'demandPage', 'stage2Map', 'stage2Fault', 'signal', 'sigreturn', 'mmap', 'diagnostic']);

/** The event the explanation shows when none is selected: the latest that teaches something. */
const notable = (e: LogEvent): boolean => !ROUTINE.has(e.kind) && !(e.kind === 'action' && /^(run|step) /.test(e.title));

export function EventLog() {
  const events = useStore((s) => s.events);
  const selected = useStore((s) => s.selectedEvent);
  const travel = useStore((s) => s.travel);
  const output = useStore((s) => s.output);
  const detail = events.find((e) => e.seq === selected) ?? [...events].reverse().find(notable);
  return (
    <section className="panel events" aria-labelledby="events-title" data-panel="events">
      <h2 id="events-title">Events</h2>
      <VirtualList
        items={events} rowHeight={30} height={180} label="Event log (activate an event to travel to it)" keyOf={(e) => e.seq} scrollTo={selected === null ? events.length - 1 : events.findIndex((e) => e.seq === selected)} testId="event-log"
        render={(e) => (
          <button type="button" className={`event ${e.kind} ${e.source}${e.seq === selected ? ' selected' : ''}`} onClick={() => travel(e)} aria-label={`${e.source}: ${e.title}. ${e.why}. At instruction ${e.instret}.`}>
            <span className="mono when">#{e.instret}</span>
            <span className="kind">{e.source === 'guest' ? '' : `${e.source} `}{e.kind}</span>
            <span className="title">{e.title}</span>
          </button>
        )}
      />
      {detail && (
        <div className={`why ${detail.kind}`} data-testid="event-why">
          <strong>{detail.title}</strong> — {detail.why}
          {detail.address && <span className="mono"> (address {detail.address})</span>}
          {detail.errno && <span className="mono"> errno {detail.errno}</span>}
          <span className="muted small"> [{detail.rule}{detail.version ? `, ${detail.version}` : ''}]</span>
        </div>
      )}
      {output && <pre className="output" aria-label="Program output">{output}</pre>}
    </section>
  );
}
