/**
 * The engine's one event log: guest process events (syscalls, faults, signals, exits) and hypervisor
 * events (src/hyp/events.ts) become EngineEvents with a short title, the rule behind them and JSON-safe
 * facts, so the UI and the CLI say why in the same words.
 */
import { SIGNAL_NAMES } from '../guest/linux/abi.ts';
import type { ProcessEvent } from '../guest/linux/process.ts';
import type { HypEvent, HypEventKind } from '../hyp/events.ts';

export type EngineEventKind = ProcessEvent['kind'] | HypEventKind | 'action' | 'breakpoint';

export interface Why {
  rule: string;
  version?: string;
  text: string;
}

export type Fact = string | number | boolean | null;

export interface EngineEvent {
  index: number;
  /** Engine position right after the step that produced the event (session.travelTo({ clock })). */
  clock: number;
  /** Instructions the guest had retired. */
  time: number;
  kind: EngineEventKind;
  source: 'guest' | 'kvm' | 'vmm' | 'host' | 'engine';
  title: string;
  why: Why;
  facts: Record<string, Fact>;
}

export type EventBody = Omit<EngineEvent, 'index' | 'clock' | 'time'>;

const hex = (v: number | bigint): string => `0x${v.toString(16)}`;

/** Facts as JSON-safe values: BigInts and addresses as hex text, objects as JSON. */
function toFacts(o: Record<string, unknown>, skip: ReadonlySet<string>): Record<string, Fact> {
  const facts: Record<string, Fact> = {};
  for (const [k, v] of Object.entries(o)) {
    if (skip.has(k) || v === undefined) continue;
    if (typeof v === 'bigint') facts[k] = hex(v);
    else if (typeof v === 'number' && /addr|ipa|va$|^pa$|hva|pc/i.test(k)) facts[k] = hex(v);
    else if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') facts[k] = v;
    else facts[k] = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? hex(x) : x));
  }
  return facts;
}

const PROCESS_SKIP = new Set(['kind', 'instructions', 'args', 'exception', 'tagCheck']);
const HYP_SKIP = new Set(['kind', 'time', 'why']);

const signalName = (n: number): string => SIGNAL_NAMES[n] ?? `signal ${n}`;

export function fromProcessEvent(e: ProcessEvent): EventBody {
  const facts = toFacts(e as unknown as Record<string, unknown>, PROCESS_SKIP);
  const body = (title: string, rule: string, text: string): EventBody => ({ kind: e.kind, source: 'guest', title, why: { rule, text }, facts });
  switch (e.kind) {
    case 'syscall': {
      facts.args = e.args.slice(0, 6).map((a) => hex(a)).join(', ');
      const result = typeof e.result === 'bigint' ? String(BigInt.asIntN(64, e.result)) : e.result;
      facts.result = result;
      return body(`${e.name}() = ${result}`, 'Linux syscall ABI', `The program called ${e.name}: the guest kernel ran it and returned ${result}.`);
    }
    case 'fault':
      if (e.tagCheck) facts.pointerTag = e.tagCheck.pointerTag;
      if (e.tagCheck?.allocationTag !== undefined) facts.allocationTag = e.tagCheck.allocationTag;
      return body(`fault at pc ${hex(e.pc)}`, e.tagCheck ? 'MTE.md §2.1' : 'Linux page fault', e.explanation);
    case 'demandPage':
      return body(`page mapped at ${hex(e.va)}`, 'Linux demand paging', `The first touch of the page at ${hex(e.va)} took a translation fault; the guest kernel gave it a zeroed page (guest-physical ${hex(e.frame)}) with all tags 0.`);
    case 'deviceMap':
      return body(`${e.path} mapped at ${hex(e.va)}`, 'KVM.md §4', `The program mapped the device region at guest-physical ${hex(e.ipa)} (${e.length} bytes) through its UIO node. `
        + `The guest kernel maps it Normal${e.tagged ? ' Tagged (PROT_MTE)' : ''} at stage 1, as a driver that maps a BAR as memory would; whether it has tags is decided by stage 2, where KVM maps device memory Device: untagged, so tag checks pass, LDG reads 0 and STG is ignored.`);
    case 'asyncTagFault':
      return body('asynchronous tag-check fault noticed', 'MTE.md §2.4', `TFSRE0_EL1.TF0 was set by an earlier unchecked-in-time access; the kernel noticed it on ${e.entry} entry and sends SIGSEGV (SEGV_MTEAERR).`);
    case 'signal':
      return body(`${signalName(e.signo)} ${e.action}`, 'Linux signals', e.action === 'killed' ? `${signalName(e.signo)} has its default action: the process is killed.`
        : e.action === 'ignored' ? `${signalName(e.signo)} is ignored.` : `${signalName(e.signo)} is delivered to the program's handler.`);
    case 'sigreturn':
      return body('rt_sigreturn', 'Linux signals', 'The handler returned: the interrupted context is restored from the signal frame.');
    case 'exit':
      return body(e.reason === 'exit' ? `exit(${e.status})` : e.reason === 'signal' ? e.message ?? 'killed' : `stopped: ${e.message}`, 'Linux process exit',
        e.reason === 'exit' ? `The program exited with status ${e.status}.` : e.reason === 'signal' ? `The process was ${e.message}.` : `The run cannot continue: ${e.message}.`);
    case 'diagnostic':
      return body('note', 'Tagscope', e.message);
  }
}

const HYP_SOURCE: Partial<Record<HypEventKind, EngineEvent['source']>> = {
  vmmFault: 'vmm', mmap: 'vmm', swapOut: 'host', swapIn: 'host', ksm: 'host', cow: 'host', discard: 'host', pageMigration: 'host',
};

function hypTitle(e: HypEvent): string {
  const f = e as Record<string, unknown>;
  const at = (k: string): string => (typeof f[k] === 'number' ? hex(f[k] as number) : '?');
  const result = typeof f.result === 'number' ? ` = ${f.result}` : '';
  switch (e.kind) {
    case 'stage2Fault': return `stage-2 ${String(f.type)} fault at IPA ${at('ipa')}`;
    case 'sanitise': return f.cleared === 0 ? `tags kept for IPA ${at('ipa')}` : `${String(f.granules)} tags cleared at IPA ${at('ipa')}`;
    case 'stage2Map': return `IPA ${at('ipa')} → PA ${at('pa')} (${String(f.memAttr)})`;
    case 'stage2Unmap': return `IPA ${at('ipa')} unmapped (${String(f.reason)})`;
    case 'copyTags': return `KVM_ARM_MTE_COPY_TAGS${result}`;
    case 'capability': return `KVM_ENABLE_CAP(${String(f.cap)})${result}`;
    case 'memslot': return `KVM_SET_USER_MEMORY_REGION slot ${String(f.slot)}${result}`;
    case 'exit': return `VM exit ${String(f.name ?? f.errno ?? '')}`.trim();
    case 'entry': return 'VM entry';
    case 'vmmFault': return `VMM ${String(f.code)} at ${at('addr')}`;
    case 'migration': return f.done ? 'migration done' : `migration round ${String(f.round)}: ${String(f.pagesSent)} pages`;
    default: return e.kind;
  }
}

export function fromHypEvent(e: HypEvent): EventBody {
  return {
    kind: e.kind, source: HYP_SOURCE[e.kind] ?? 'kvm', title: hypTitle(e),
    why: { rule: e.why.rule, version: e.why.version, text: e.why.text },
    facts: toFacts(e as unknown as Record<string, unknown>, HYP_SKIP),
  };
}

/** One line of the CLI's event log: "<time> <kind>: <why>". */
export function formatEvent(e: EngineEvent): string {
  const version = e.why.version ? ` [${e.why.version}]` : '';
  return `${e.time} ${e.kind}: ${e.title} — ${e.why.text} (${e.why.rule}${version})`;
}
