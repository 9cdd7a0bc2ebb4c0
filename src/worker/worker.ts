/// <reference lib="webworker" />
/**
 * The Web Worker entry: owns the engine and speaks the protocol of ./protocol.ts with the page.
 * Slices yield through a MessageChannel, which (unlike setTimeout) is not clamped to 4 ms.
 */
import { preset, presets } from '../scenario/presets/index.ts';
import { EngineHost, type Clock } from './engineHost.ts';
import { PROTOCOL_VERSION, type EventMessage, type PingMessage, type PongMessage } from './protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

const channel = new MessageChannel();
const pending: (() => void)[] = [];
channel.port1.onmessage = () => pending.shift()?.();

const clock: Clock = {
  now: () => performance.now(),
  defer(fn) {
    pending.push(fn);
    channel.port2.postMessage(null);
  },
};

const host = new EngineHost((message, transfer) => self.postMessage(message, transfer), clock);
self.onmessage = (e: MessageEvent) => {
  if ((e.data as Partial<PingMessage> | null)?.type === 'ping') self.postMessage({ type: 'pong', v: PROTOCOL_VERSION } satisfies PongMessage);
  else host.receive(e.data);
};
self.postMessage({ type: 'hello', v: PROTOCOL_VERSION, presets: presets.map((p) => ({ id: p.id, scenario: preset(p.id)! })) } satisfies EventMessage);
