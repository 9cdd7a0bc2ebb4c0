/**
 * The page's one connection to the engine worker. Only the store calls `send`; messages from the worker
 * go to the handler the store installs. A crashed worker is reported, and `restart` makes a new one.
 */
import { PROTOCOL_VERSION, type Command, type EventMessage } from '../worker/protocol.ts';

export interface EngineConnection {
  send(command: Command, transfer?: Transferable[]): void;
  restart(): void;
}

export function connectEngine(onEvent: (e: EventMessage) => void, onCrash: (message: string) => void): EngineConnection {
  let worker: Worker;
  const start = (): void => {
    worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'tagscope-engine' });
    worker.onmessage = (e: MessageEvent<EventMessage>) => onEvent(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      onCrash(e.message || 'the engine worker stopped unexpectedly');
    };
  };
  start();
  return {
    send: (command, transfer = []) => worker.postMessage({ ...command, v: PROTOCOL_VERSION }, transfer),
    restart() {
      worker.terminate();
      start();
    },
  };
}
