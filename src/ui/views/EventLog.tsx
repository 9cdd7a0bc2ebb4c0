/** The event log: what happened and why; activating an event travels to that moment. */
import { useStore } from '../store.ts';
import { VirtualList } from './VirtualList.tsx';

export function EventLog() {
  const events = useStore((s) => s.events);
  const selected = useStore((s) => s.selectedEvent);
  const travel = useStore((s) => s.travel);
  const output = useStore((s) => s.output);
  const detail = events.find((e) => e.seq === selected) ?? [...events].reverse().find((e) => e.kind === 'fault' || e.kind === 'asyncFault');
  return (
    <section className="panel events" aria-labelledby="events-title" data-panel="events">
      <h2 id="events-title">Events</h2>
      <VirtualList
        items={events} rowHeight={30} height={180} label="Event log (activate an event to travel to it)" keyOf={(e) => e.seq} scrollTo={events.length - 1} testId="event-log"
        render={(e) => (
          <button type="button" className={`event ${e.kind}${e.seq === selected ? ' selected' : ''}`} onClick={() => travel(e)} aria-label={`${e.title}. ${e.why}. At instruction ${e.instret}.`}>
            <span className="mono when">#{e.instret}</span>
            <span className="kind">{e.kind}</span>
            <span className="title">{e.title}</span>
          </button>
        )}
      />
      {detail && (
        <div className={`why ${detail.kind}`} data-testid="event-why">
          <strong>{detail.title}</strong> — {detail.why}
          {detail.address && <span className="mono"> (address {detail.address})</span>}
        </div>
      )}
      {output && <pre className="output" aria-label="Program output">{output}</pre>}
    </section>
  );
}
