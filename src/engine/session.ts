/**
 * The engine (docs/ENGINE.md): one machine built from a scenario, driven step by step by the UI worker and
 * the CLI. Every command is recorded on a tape; periodic checkpoints (src/engine/checkpoint.ts) plus
 * deterministic replay of the tape restore any earlier moment exactly. Pure TypeScript: no Node, no DOM.
 */
import type { ProcessEvent } from '../guest/linux/process.ts';
import type { HypEvent } from '../hyp/events.ts';
import type { KvmExit } from '../hyp/kvm.ts';
import type { Action, Scenario } from '../scenario/schema.ts';
import { applyMachineConfig, performHostAction, type ActionState } from './actions.ts';
import { capture, restore, type Checkpoint } from './checkpoint.ts';
import { fromHypEvent, fromProcessEvent, type EngineEvent, type EngineEventKind, type EventBody } from './events.ts';
import { stateHash } from './hash.ts';
import { loadProgram, programImage, type ProgramLoader } from './program.ts';
import { SnapshotTracker, type Snapshot } from './snapshot.ts';
import { buildWorld, type World } from './world.ts';

export type { EngineEvent, EngineEventKind } from './events.ts';
export { formatEvent } from './events.ts';
export type { ProgramLoader } from './program.ts';
export { loadProgram } from './program.ts';
export type { Snapshot } from './snapshot.ts';

/** 'vmExit': the vCPU left the guest for the VMM (KVM_EXIT_ARM_NOTAG_ACCESS); the next run retries the access. */
export type StopReason = 'budget' | 'exit' | 'breakpoint' | 'fault' | 'event' | 'address' | 'action' | 'done' | 'vmExit';

export interface Stop {
  reason: StopReason;
  /** Engine steps taken by the call. */
  steps: number;
  /** The event that stopped a runUntil. */
  event?: EngineEvent;
}

export type Goal =
  | { fault: true }
  /** An event of one of these kinds, or a syscall of one of these names ('getpid'); any event when empty. */
  | { event: string | string[] }
  | { address: number }
  | { breakpoint: true };

export type SessionStatus = 'ready' | 'exited' | 'killed' | 'error';

export interface SessionOptions {
  /** ELF bytes of a bundled program. */
  elf?: Uint8Array;
  /** Engine steps between two checkpoints. */
  checkpointInterval?: number;
  /** Checkpoints are thinned when they hold more than this many bytes. */
  maxCheckpointBytes?: number;
}

export type SessionResult = { ok: true; session: Session } | { ok: false; error: string };

type TapeEntry = { clock: number; kind: 'exec'; steps: number } | { clock: number; kind: 'action'; steps: number; action: Action; scripted: boolean };

/** KVM_RUN returns to the VMM because the VMM was signalled (it has work to do on the guest's behalf). */
const VMM_EXIT: KvmExit = { reason: 'error', name: 'KVM_RUN -EINTR (the VMM has work to do)', errno: -4 };

/** Budget of a scripted run action without maxInstructions. */
export const DEFAULT_RUN_BUDGET = 10_000_000;
const CHUNK = 1 << 16;
/** What "run until fault" waits for: faults the guest or the VMM sees (stage-2 faults KVM fixes are events). */
const FAULT_KINDS: ReadonlySet<EngineEventKind> = new Set(['fault', 'asyncTagFault', 'vmmFault']);

/** Everything mutable that belongs to the session's position (checkpointed with the world). */
interface Position {
  events: EngineEvent[];
  actionIndex: number;
  /** Actions performed (scripted or not): each is one engine step, besides the guest steps it runs. */
  actionSteps: number;
  actions: ActionState;
}

function matches(want: string | string[], e: EngineEvent): boolean {
  const names = typeof want === 'string' ? [want] : want;
  return names.length === 0 || names.includes(e.kind) || (e.kind === 'syscall' && names.includes(String(e.facts.name)));
}

export class Session {
  readonly mode: 'bare' | 'vm';
  readonly breakpoints = new Set<number>();
  private readonly pos: Position = { events: [], actionIndex: 0, actionSteps: 0, actions: { tagBuffer: 0, tagBufferBytes: 0 } };
  private readonly world: World;
  private readonly tape: TapeEntry[] = [];
  private readonly checkpoints: Checkpoint[] = [];
  private readonly interval: number;
  private readonly maxCheckpointBytes: number;
  private readonly tracker = new SnapshotTracker();
  private goal: Goal | null = null;
  private stopEvent: EngineEvent | null = null;
  private actionEventsFrom = -1;
  private replaying = false;

  private constructor(readonly scenario: Scenario, world: (s: Session) => World, opts: SessionOptions) {
    this.mode = scenario.machine.mode;
    this.interval = opts.checkpointInterval ?? 1_000_000;
    this.maxCheckpointBytes = opts.maxCheckpointBytes ?? 64 << 20;
    this.world = world(this);
    applyMachineConfig(this.world, scenario.machine);
    this.checkpoint();
  }

  static fromScenario(scenario: Scenario, opts: SessionOptions = {}): SessionResult {
    const image = programImage(scenario.program, opts.elf);
    if (!image.ok) return image;
    const m = scenario.machine;
    const session = new Session(scenario, (s) => buildWorld(image.image, {
      argv: ['program'],
      vm: m.mode === 'vm' ? { kernel: m.kernel, kvmCapMte: m.kvmCapMte, memslots: m.memslots } : undefined,
      onProcessEvent: (e) => s.onProcessEvent(e),
      onHypEvent: (e) => s.onHypEvent(e),
    }), opts);
    if (session.world.error !== null && session.world.vm === null) return { ok: false, error: session.world.error };
    return { ok: true, session };
  }

  static async load(scenario: Scenario, loader: ProgramLoader, opts: SessionOptions = {}): Promise<SessionResult> {
    try {
      return Session.fromScenario(scenario, { ...opts, elf: await loadProgram(scenario.program, loader) });
    } catch (e) {
      return { ok: false, error: `the program could not be loaded: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  // ---- position and state -----------------------------------------------------------------------

  get events(): readonly EngineEvent[] {
    return this.pos.events;
  }

  /** Engine steps so far: guest steps (instructions, kernel entries, stage-2 faults) plus actions. */
  get clock(): number {
    return (this.process?.steps ?? 0) + this.pos.actionSteps;
  }

  /** Instructions the guest has retired. */
  get time(): number {
    return this.process?.instructions ?? 0;
  }

  /** The guest process (undefined while it is being built: loading it emits events too). */
  private get process() {
    return (this.world as World | undefined)?.process ?? undefined;
  }

  /** The furthest clock recorded on the tape. */
  get headClock(): number {
    const last = this.tape.at(-1);
    return last === undefined ? 0 : last.clock + last.steps;
  }

  get actionIndex(): number {
    return this.pos.actionIndex;
  }

  get actionsLeft(): number {
    return this.scenario.actions.length - this.pos.actionIndex;
  }

  get status(): SessionStatus {
    const p = this.world.process;
    if (p === null) return 'error';
    return p.state === 'running' ? 'ready' : p.state === 'exited' ? 'exited' : p.state === 'killed' ? 'killed' : 'error';
  }

  /** Why the session cannot run, when status is 'error'. */
  get message(): string {
    return this.world.process?.message || this.world.error || '';
  }

  get output(): { stdout: string; stderr: string } {
    const p = this.world.process;
    const d = new TextDecoder();
    return { stdout: p ? d.decode(p.stdout.bytes()) : '', stderr: p ? d.decode(p.stderr.bytes()) : '' };
  }

  /** The machine itself, for views that read it directly (tests, the pointer inspector). */
  get machine(): World {
    return this.world;
  }

  stateHash(): string {
    return stateHash(this.world, this.pos.events.length, this.pos.actionIndex);
  }

  snapshot(since?: number): Snapshot {
    return this.tracker.snapshot(this.world, this.pos.events, this.clock, this.time, this.status, since);
  }

  // ---- running ----------------------------------------------------------------------------------

  step(n = 1): Stop {
    return this.exec(n, null);
  }

  run(budget: number): Stop {
    return this.exec(budget, { breakpoint: true });
  }

  runUntil(goal: Goal, budget: number): Stop {
    return this.exec(budget, goal);
  }

  performNextAction(): Stop {
    const a = this.scenario.actions[this.pos.actionIndex];
    if (a === undefined) return { reason: 'done', steps: 0 };
    return this.perform(a, true);
  }

  /** Performs an action that is not part of the script (a UI button). */
  applyAction(a: Action): Stop {
    return this.perform(a, false);
  }

  /** Performs every remaining scripted action. */
  runScript(): Stop[] {
    const stops: Stop[] = [];
    while (this.actionsLeft > 0) stops.push(this.performNextAction());
    return stops;
  }

  private perform(a: Action, scripted: boolean): Stop {
    this.branch();
    const before = this.clock;
    this.checkpoint();
    this.doAction(a, scripted);
    this.record({ clock: before, kind: 'action', steps: this.clock - before, action: a, scripted });
    if (a.do === 'run') {
      const budget = a.maxInstructions ?? DEFAULT_RUN_BUDGET;
      const goal: Goal = a.until === 'fault' ? { fault: true } : a.until === 'event' ? { event: a.event ?? [] } : { breakpoint: true };
      const stop = this.exec(budget, goal, true);
      return stop.reason === 'budget' || stop.reason === 'exit' ? { ...stop, reason: 'action' } : stop;
    }
    if (a.do === 'step') return { ...this.exec(a.count, null), reason: 'action' };
    return { reason: 'action', steps: this.clock - before };
  }

  /** The action's own effect (no tape): replay calls this too. */
  private doAction(a: Action, scripted: boolean): void {
    if (scripted) this.pos.actionIndex++;
    this.pos.actionSteps++;
    this.actionEventsFrom = this.pos.events.length;
    const guestRun = a.do === 'run' || a.do === 'step';
    // While the VMM or the host acts, the vCPU is out of the guest (KVM_RUN returned): KVM saved its MTE registers.
    if (!guestRun && this.world.vm?.pendingExit === null) this.world.vm.vcpu.exitTo(VMM_EXIT);
    const body: EventBody = guestRun
      ? { kind: 'action', source: 'engine', title: a.do === 'run' ? `run until ${a.until}${a.until === 'event' && a.event ? ` (${a.event})` : ''}` : `step ${a.count}`, why: { rule: 'scenario', text: 'The guest runs.' }, facts: {} }
      : performHostAction(this.world, a, this.pos.actions);
    this.push(body);
    // Events of an action (a migration runs the guest between rounds) belong to the moment the action ends.
    for (let i = this.actionEventsFrom; i < this.pos.events.length; i++) this.pos.events[i].clock = this.clock;
    this.actionEventsFrom = -1;
  }

  /**
   * Runs the guest up to `budget` steps, stopping for `goal` (null: only exit). With `chargeKernelWork` (a
   * scripted run's instruction budget) the kernel's copying counts against the budget too; a step count never
   * does, so a history of steps replays to the same clock.
   */
  private exec(budget: number, goal: Goal | null, chargeKernelWork = false): Stop {
    const p = this.world.process;
    if (p === null || p.state !== 'running') return { reason: 'exit', steps: 0 };
    this.branch();
    this.resumeGuest();
    this.goal = goal;
    this.stopEvent = null;
    const watch = goal !== null && ('breakpoint' in goal || 'address' in goal);
    const start = this.clock;
    // An instruction budget charges the kernel's copying too (LinuxProcess.kernelWork); the clock counts steps only.
    let work = p.kernelWork;
    let done = 0;
    let reason: StopReason = 'budget';
    while (done < budget) {
      if (watch && done > 0 && this.atWatchedPc(goal)) {
        reason = 'address' in goal! ? 'address' : 'breakpoint';
        break;
      }
      const nextCheckpoint = this.interval - (this.clock % this.interval);
      const chunk = Math.min(budget - done, watch ? 1 : CHUNK, nextCheckpoint);
      const before = this.clock;
      const used = p.step(chunk, chargeKernelWork);
      this.record({ clock: before, kind: 'exec', steps: used });
      const spent = chargeKernelWork ? p.kernelWork - work : 0;
      work = p.kernelWork;
      done += used + spent;
      if (this.clock % this.interval === 0) this.checkpoint();
      if (p.state !== 'running') { reason = 'exit'; break; }
      if (this.world.vm?.pendingExit) { reason = 'vmExit'; break; }
      if (this.stopEvent !== null) { reason = 'fault' in goal! ? 'fault' : 'event'; break; }
      if (used + spent < chunk) break;
    }
    this.goal = null;
    const stop: Stop = { reason, steps: this.clock - start };
    const event = reason === 'vmExit' ? this.pos.events.filter((e) => e.kind === 'exit' && e.source === 'kvm').at(-1) : this.stopEvent;
    if (event) stop.event = event;
    return stop;
  }

  /** KVM_RUN again: KVM restores the guest's MTE registers; an exit the VMM was answering is over. */
  private resumeGuest(): void {
    const vm = this.world.vm;
    if (vm === null) return;
    vm.pendingExit = null;
    vm.vcpu.enter();
  }

  private atWatchedPc(goal: Goal | null): boolean {
    const pc = this.world.process!.cpu.pc;
    if (goal !== null && 'address' in goal && pc === goal.address) return true;
    return this.breakpoints.has(pc);
  }

  // ---- events -----------------------------------------------------------------------------------

  private onProcessEvent(e: ProcessEvent): void {
    this.push(fromProcessEvent(e));
  }

  private onHypEvent(e: HypEvent): void {
    this.push(fromHypEvent(e));
  }

  private push(body: EventBody): void {
    const e: EngineEvent = { index: this.pos.events.length, clock: this.clock, time: this.time, ...body };
    this.pos.events.push(e);
    if (this.goal === null || this.replaying || this.stopEvent !== null) return;
    const g = this.goal;
    const hit = 'fault' in g ? FAULT_KINDS.has(e.kind) : 'event' in g ? matches(g.event, e) : false;
    if (hit) {
      this.stopEvent = e;
      this.world.process?.interrupt();
    }
  }

  // ---- tape, checkpoints and time travel ----------------------------------------------------------

  private record(entry: TapeEntry): void {
    if (this.replaying || entry.steps === 0 && entry.kind === 'exec') return;
    const last = this.tape.at(-1);
    if (entry.kind === 'exec' && last?.kind === 'exec' && last.clock + last.steps === entry.clock) last.steps += entry.steps;
    else this.tape.push(entry);
  }

  /** A new command given in the past discards the recorded future (and its checkpoints). */
  private branch(): void {
    if (this.replaying) return;
    const now = this.clock;
    if (now >= this.headClock) return;
    while (this.tape.length > 0 && this.tape.at(-1)!.clock >= now) this.tape.pop();
    const last = this.tape.at(-1);
    if (last !== undefined && last.clock + last.steps > now) last.steps = now - last.clock;
    while (this.checkpoints.length > 1 && this.checkpoints.at(-1)!.clock > now) this.checkpoints.pop();
  }

  private checkpoint(): void {
    if (this.replaying) return;
    const clock = this.clock;
    const last = this.checkpoints.at(-1);
    if (last !== undefined && last.clock >= clock) return;
    this.checkpoints.push(capture([this.world, this.pos], clock, new Set([this.pos.events]), last ?? null));
    // Over the bound: drop every other checkpoint but the first, doubling the replay distance.
    while (this.checkpointStats().bytes > this.maxCheckpointBytes && this.checkpoints.length > 2) {
      for (let i = this.checkpoints.length - 2; i >= 1; i -= 2) this.checkpoints.splice(i, 1);
    }
  }

  /** Checkpoints held and the bytes they hold (buffers shared between checkpoints counted once). */
  checkpointStats(): { count: number; bytes: number; interval: number } {
    const seen = new Set<Uint8Array>();
    let bytes = 0;
    for (const c of this.checkpoints) {
      for (const b of c.buffers.values()) {
        if (seen.has(b)) continue;
        seen.add(b);
        bytes += b.length;
      }
      bytes += c.shapes.size * 48;
    }
    return { count: this.checkpoints.length, bytes, interval: this.interval };
  }

  /** Restores an earlier (or replays to a later) moment exactly. */
  travelTo(target: { clock: number } | { event: number } | { time: number }): void {
    let clock: number;
    if ('clock' in target) clock = target.clock;
    else if ('event' in target) clock = this.findEventClock(target.event);
    else clock = this.findTimeClock(target.time);
    clock = Math.max(0, Math.min(this.headClock, clock));
    const now = this.clock;
    const cp = [...this.checkpoints].reverse().find((c) => c.clock <= clock)!;
    if (!(now <= clock && now >= cp.clock)) restore(cp);
    this.replayTo(clock);
  }

  private findEventClock(index: number): number {
    const e = this.pos.events[index];
    if (e !== undefined) return e.clock;
    // An event of the recorded future: replay until it exists.
    this.replayTo(this.headClock, () => this.pos.events.length > index);
    return this.pos.events[index]?.clock ?? this.headClock;
  }

  /** The first clock at which `time` instructions have retired. */
  private findTimeClock(time: number): number {
    if (time <= this.time) {
      this.travelTo({ clock: 0 });
    }
    this.replayTo(this.headClock, () => this.time >= time);
    return this.clock;
  }

  /** Replays the tape from the current clock up to `clock` (or until `until` holds between steps). */
  private replayTo(clock: number, until?: () => boolean): void {
    this.replaying = true;
    try {
      for (const t of this.tape) {
        const end = t.clock + t.steps;
        if (end <= this.clock) continue;
        if (this.clock >= clock || until?.()) break;
        if (t.kind === 'action') {
          this.doAction(t.action, t.scripted);
          continue;
        }
        const p = this.world.process!;
        this.resumeGuest();
        while (this.clock < Math.min(end, clock) && !until?.()) {
          const n = until === undefined ? Math.min(end, clock) - this.clock : 1;
          if (p.step(n) === 0) break;
        }
      }
    } finally {
      this.replaying = false;
    }
  }
}
