/**
 * The hypervisor's event log: every stage-2 fault, sanitise, exit, COPY_TAGS, swap, migration step and
 * capability call becomes one structured event with the rule behind it, so the UI and the CLI can say why.
 */
import type { KernelProfile } from './profile.ts';

export interface Why {
  /** Where the rule is written, e.g. "KVM.md §4". */
  rule: string;
  /** The profile label the rule was applied under, e.g. "Linux 6.2". */
  version: string;
  /** One sentence a student understands. */
  text: string;
}

export type HypEventKind =
  | 'capability' | 'vcpuCreate' | 'memslot' | 'stage2Fault' | 'sanitise' | 'stage2Map' | 'stage2Unmap'
  | 'dirtyLog' | 'exit' | 'entry' | 'copyTags' | 'oneReg' | 'swapOut' | 'swapIn' | 'ksm' | 'cow' | 'discard'
  | 'pageMigration' | 'migration' | 'vmmFault' | 'mmap';

export interface HypEvent {
  kind: HypEventKind;
  /** Model time: instructions retired by the host's vCPUs plus host steps, when the event happened. */
  time: number;
  why: Why;
  [fact: string]: unknown;
}

export class EventLog {
  readonly events: HypEvent[] = [];
  /** Called for each event as it is emitted (the engine's hook). */
  listener: ((e: HypEvent) => void) | null = null;
  /** When false, events are passed to the listener but not kept (long benchmarks). */
  keep = true;
  private step = 0;

  /** Advances model time by `n` (instructions retired, or one host step). */
  tick(n = 1): void {
    this.step += n;
  }

  get now(): number {
    return this.step;
  }

  emit(kind: HypEventKind, facts: Record<string, unknown>, why: Why): void {
    this.step++;
    if (!this.keep && this.listener === null) return; // nobody looks: skip building the event
    const e: HypEvent = { ...facts, kind, time: this.step, why };
    if (this.keep) this.events.push(e);
    this.listener?.(e);
  }

  ofKind(kind: HypEventKind): HypEvent[] {
    return this.events.filter((e) => e.kind === kind);
  }
}

/** A Why for rule `rule` under profile `p`. */
export function because(p: KernelProfile, rule: string, text: string): Why {
  return { rule, version: p.label, text };
}
