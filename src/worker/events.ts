/**
 * The event log's lines from the engine's events (src/engine/events.ts): the same title and why the CLI
 * prints, the rule and kernel version they come from, and the errno of a KVM or VMM call.
 */
import type { EngineEvent } from '../engine/session.ts';
import { SiCode, SIGNAL_NAMES } from '../guest/linux/abi.ts';
import { errnoName } from '../hyp/errno.ts';
import type { LogEvent } from './protocol.ts';

const SEGV_CODES: Record<number, string> = {
  [SiCode.SEGV_MAPERR]: 'SEGV_MAPERR', [SiCode.SEGV_ACCERR]: 'SEGV_ACCERR', [SiCode.SEGV_MTEAERR]: 'SEGV_MTEAERR',
  [SiCode.SEGV_MTESERR]: 'SEGV_MTESERR', [SiCode.SI_KERNEL]: 'SI_KERNEL',
};

/** "SIGSEGV (SEGV_MTESERR)" for a signal event, from its facts. */
function signalName(e: EngineEvent): string {
  const signo = Number(e.facts.signo);
  const code = SEGV_CODES[Number(e.facts.code)];
  return `${SIGNAL_NAMES[signo] ?? `signal ${signo}`}${signo === 11 && code ? ` (${code})` : ''}`;
}

/** "mmap(0x10000000, 0x1000, 0x23, 0x22) = 0x10000000": the arguments that matter, addresses in hex. */
function syscallTitle(e: EngineEvent): string {
  const name = String(e.facts.name);
  const args = String(e.facts.args ?? '').split(', ').slice(0, name === 'mmap' ? 4 : 3).join(', ');
  const r = Number(e.facts.result);
  const result = Number.isNaN(r) ? String(e.facts.result) : r < 0 ? errnoName(r) : r >= 0x10000 ? `0x${r.toString(16)}` : String(r);
  return `${name}(${args}) = ${result}`;
}

/**
 * Log lines for `events`. A signal names its si_code; a fault names the signal it raised, and a tag check
 * fault carries the tagged pointer (its tag with the signal's si_addr).
 */
export function logEvents(events: readonly EngineEvent[]): LogEvent[] {
  return events.map((e, i) => {
    const line: LogEvent = {
      seq: e.index, clock: e.clock, instret: e.time, kind: e.kind, source: e.source, title: e.title,
      why: e.why.text, rule: e.why.rule, ...(e.why.version ? { version: e.why.version } : {}),
    };
    const result = e.facts.result;
    if (typeof result === 'number' && result < 0) line.errno = errnoName(result);
    const signal = events[i + 1];
    if (e.kind === 'syscall') line.title = syscallTitle(e);
    if (e.kind === 'signal') line.title = `${signalName(e)} ${String(e.facts.action)}`;
    if (e.kind === 'fault' && signal?.kind === 'signal') line.title = `${signalName(signal)}: ${e.title}`;
    if (e.kind === 'fault' && typeof e.facts.pointerTag === 'number' && signal?.kind === 'signal' && typeof signal.facts.addr === 'string') {
      const addr = BigInt(signal.facts.addr) & ((1n << 56n) - 1n);
      line.address = `0x${((BigInt(e.facts.pointerTag) << 56n) | addr).toString(16).padStart(16, '0')}`;
    }
    return line;
  });
}
