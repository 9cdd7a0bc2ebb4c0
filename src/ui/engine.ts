/**
 * The page's one connection to the engine worker. Only the store calls `send`; messages from the worker
 * go to the handler the store installs. A worker that throws is stopped and reported; one that stops without
 * an error event (killed, closed) is noticed when it misses a ping. `restart` makes a new worker.
 */
import { PROTOCOL_VERSION, type Command, type EventMessage, type PingMessage, type PongMessage } from '../worker/protocol.ts';

/** How often the page asks the worker whether it is alive. */
export const PING_MS = 2_000;
/**
 * How long an unanswered ping may wait before the page reports the engine stopped. The worker answers between
 * two slices of a run (every ~8 ms), but finishes the action in hand first, and the longest ones are long: a
 * 1 GiB live migration takes about 1.5 s, a toggle that replays a long run as long as the run took. Hence a
 * generous bound, and a worker that answers after all (it was only busy) takes the report back.
 */
export const SILENCE_MS = 10_000;

export interface EngineWatch {
  /** The worker threw (it is then stopped) or stopped answering. */
  stopped(message: string): void;
  /** A worker reported as silent answered after all. */
  answered(): void;
}

export interface EngineConnection {
  send(command: Command, transfer?: Transferable[]): void;
  restart(): void;
}

export function connectEngine(onEvent: (e: EventMessage) => void, watch: EngineWatch): EngineConnection {
  let worker: Worker;
  /** When the unanswered ping was sent, or null when none is outstanding. */
  let pingSent: number | null = null;
  let silent = false;
  let dead = false;

  const start = (): void => {
    const w = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'tagscope-engine' });
    worker = w;
    pingSent = null;
    silent = false;
    dead = false;
    w.onmessage = (e: MessageEvent<EventMessage | PongMessage>) => {
      if (e.data.type !== 'pong') return onEvent(e.data);
      pingSent = null;
      if (silent) {
        silent = false;
        watch.answered();
      }
    };
    w.onerror = (e) => {
      e.preventDefault();
      // What it was doing is unfinished, so what it would post next cannot be trusted: stop it.
      w.terminate();
      dead = true;
      watch.stopped(e.message || 'the engine worker failed');
    };
  };

  setInterval(() => {
    if (dead) return;
    if (pingSent === null) {
      pingSent = performance.now();
      worker.postMessage({ type: 'ping', v: PROTOCOL_VERSION } satisfies PingMessage);
    } else if (!silent && performance.now() - pingSent > SILENCE_MS) {
      silent = true;
      watch.stopped(`it has not answered for ${SILENCE_MS / 1000} seconds`);
    }
  }, PING_MS);

  start();
  return {
    send: (command, transfer = []) => worker.postMessage({ ...command, v: PROTOCOL_VERSION }, transfer),
    restart() {
      worker.terminate();
      start();
    },
  };
}
