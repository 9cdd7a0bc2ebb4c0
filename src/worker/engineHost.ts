/**
 * Hosts the engine's `Session` (docs/ENGINE.md) for the UI: opens a scenario, performs its actions, runs the
 * guest in short time slices so that a Pause (or any command) is handled between slices, posts at most one
 * delta per frame, and travels in time through the session's checkpoints.
 *
 * Everything done to the machine is one list of scenario actions, the history: the scenario's own script,
 * the user's host actions, and the user's runs (each begun as a one-step action and continued in slices). A
 * run appears in the shared history as `{ do: 'step', count }` with the engine steps it took, so a page that
 * opens the history performs the same actions and reaches the same `stateHash()`.
 *
 * Pure TypeScript with no DOM: the worker entry supplies the clock and the post function, and the tests drive
 * it from Node.
 */
import { disassemble } from '../core/isa/disasm.ts';
import { AsmError, assembleProgram } from '../core/isa/asm.ts';
import { PAGE_SIZE } from '../core/mem/physmem.ts';
import { CODE_BASE, programImage } from '../engine/program.ts';
import { Session, type Stop } from '../engine/session.ts';
import { PF_X } from '../guest/elf.ts';
import type { Action, Scenario } from '../scenario/schema.ts';
import { logEvents } from './events.ts';
import { inspectPointer } from './pointer.ts';
import {
  PROTOCOL_VERSION, transferables, type Command, type CommandMessage, type Delta, type DisasmLine, type EngineEvent,
  type HostAction, type MteSysregs, type RunConfig, type RunStatus, type Space,
} from './protocol.ts';
import { SpaceTracker } from './spaces.ts';

/** Longest stretch of guest execution between two looks at the message queue. */
export const SLICE_MS = 8;
/** Shortest interval between two deltas while running (one animation frame). */
export const FRAME_MS = 16;
/** Engine steps per call into the session between two clock reads. */
const CHUNK = 8192;
/** Engine steps a Step may take beyond its instruction (kernel entries, stage-2 faults) before it gives up. */
const MAX_KERNEL_STEPS = 64;
/** Largest code listing sent to the disassembly view. */
const MAX_DISASM_LINES = 1 << 16;

export interface Clock {
  now(): number;
  /** Runs `fn` after pending messages have been handled. */
  defer(fn: () => void): void;
}

export type Post = (message: EngineEvent & { v: typeof PROTOCOL_VERSION }, transfer: ArrayBuffer[]) => void;

/** One thing done to the machine. */
interface Entry {
  action: Action;
  /** session.clock and session.time before it. */
  start: number;
  startTime: number;
  /** It runs the guest (a run or step action, or the user's Run, Step, Run to fault). */
  guest: boolean;
  /** The opened scenario's own action number `scriptIndex`. */
  scriptIndex: number | null;
}

type RunGoal = 'run' | 'fault' | 'instruction';

const SYSREG_NAMES = ['SCTLR_EL1', 'TCR_EL1', 'GCR_EL1', 'RGSR_EL1', 'TFSR_EL1', 'TFSRE0_EL1', 'HCR_EL2'] as const;

export class EngineHost {
  private session: Session | null = null;
  private scenario: Scenario | null = null;
  private elf: Uint8Array | undefined;
  private disasm: DisasmLine[] = [];
  private entries: Entry[] = [];
  private goal: RunGoal | null = null;
  /** Scripted actions still to perform (their indices in the scenario). */
  private queue: number[] = [];
  private status: RunStatus = 'empty';
  private readonly spaces = new SpaceTracker();
  private fullPending = true;
  private eventsSent = 0;
  private outputSent = 0;
  private historyKey = '';
  private lastPost = -Infinity;
  private sliceScheduled = false;
  private ticket = 0;

  constructor(private readonly post: Post, private readonly clock: Clock) {}

  get runStatus(): RunStatus {
    return this.status;
  }

  get instructionsRetired(): number {
    return this.session?.time ?? 0;
  }

  /** The session hosted (tests read its state directly). */
  get current(): Session | null {
    return this.session;
  }

  /** Handles one message from the UI. Unknown or stale messages are answered with an error, never thrown. */
  receive(message: unknown): void {
    const m = message as Partial<CommandMessage> | null;
    if (m === null || typeof m !== 'object' || m.v !== PROTOCOL_VERSION || typeof m.type !== 'string') {
      this.send({ type: 'error', where: 'protocol', message: `the page and the engine disagree on the message format (expected version ${PROTOCOL_VERSION}); reload the page` });
      return;
    }
    try {
      this.handle(m as Command);
    } catch (e) {
      this.goal = null;
      this.queue = [];
      this.send({ type: 'error', where: 'engine', message: `the engine failed: ${e instanceof Error ? e.message : String(e)}. Reset or load the program again.` });
    }
  }

  private handle(c: Command): void {
    switch (c.type) {
      case 'load':
        this.ticket = c.ticket;
        return this.load(c.scenario, c.perform, c.elf, c.fileName);
      case 'inspectPointer': return this.send(inspectPointer(this.session, c.text, c.requestId));
      case 'checkAsm': return this.send({ type: 'asm', requestId: c.requestId, errors: asmErrors(c.text) });
      case 'readPage': return this.send({ type: 'page', requestId: c.requestId, space: c.space, page: c.page, bytes: this.pageBytes(c.space, c.page) });
      case 'hash': return this.send({ type: 'hash', requestId: c.requestId, hash: this.session?.stateHash() ?? '' });
      case 'setBreakpoint':
        if (c.enabled) this.session?.breakpoints.add(c.address);
        else this.session?.breakpoints.delete(c.address);
        return this.flush();
      default: break;
    }
    const s = this.session;
    if (s === null) return;
    // A person's command takes over from a scenario's script and from a run in progress.
    this.queue = [];
    const wasRunning = this.goal !== null;
    this.goal = null;
    switch (c.type) {
      case 'pause': return this.settle(wasRunning);
      case 'reset': return this.travel(() => s.travelTo({ clock: 0 }));
      case 'travel': return this.travel(() => s.travelTo({ event: c.event }));
      case 'stepBack': return this.travel(() => this.stepBack(s));
      case 'toStep':
        this.ticket = c.ticket;
        return this.toStep(s, c.perform);
      case 'setMachine': return this.reconfigure(c.machine);
      case 'hostAction': return this.act(c.action);
      case 'run': return this.startRun('run');
      case 'runToFault': return this.startRun('fault');
      case 'step': return this.startRun('instruction');
    }
  }

  // ---- opening a scenario ------------------------------------------------------------------------

  private load(scenario: Scenario, perform: number, elf?: ArrayBuffer, fileName?: string): void {
    this.goal = null;
    this.queue = [];
    if (scenario.program.kind === 'asm') {
      const errors = asmErrors(scenario.program.source);
      if (errors.length > 0) {
        this.send({ type: 'error', where: 'asm', message: errors[0].message, line: errors[0].line ?? undefined });
        return;
      }
    }
    const bytes = elf === undefined ? undefined : new Uint8Array(elf);
    const r = Session.fromScenario(scenario, { elf: bytes });
    if (!r.ok) {
      const p = scenario.program;
      this.send(p.kind === 'asm' ? { type: 'error', where: 'scenario', message: r.error }
        : { type: 'error', where: 'elf', message: `${fileName ?? p.name} cannot be run: ${r.error.replace(`${p.name}: `, '')}; upload a static AArch64 Linux executable` });
      return;
    }
    this.scenario = scenario;
    this.elf = bytes;
    this.session = r.session;
    this.disasm = listing(scenario, bytes);
    this.entries = [];
    this.restart();
    this.queue = Array.from({ length: Math.min(perform, scenario.actions.length) }, (_, i) => i);
    this.performQueue();
  }

  /** The next delta is a full picture. */
  private restart(): void {
    this.spaces.reset();
    this.fullPending = true;
    this.eventsSent = 0;
    this.outputSent = 0;
    this.historyKey = '';
    this.status = 'ready';
  }

  /** Performs the queued script actions, one per turn so that a command given meanwhile is handled. */
  private performQueue(): void {
    const i = this.queue.shift();
    if (i === undefined) return this.settle(false);
    this.perform(this.scenario!.actions[i], i);
    this.flush();
    if (this.queue.length > 0) this.clock.defer(() => this.performQueue());
    else this.settle(false);
  }

  private perform(a: Action, scriptIndex: number | null): Stop {
    const s = this.session!;
    this.branch();
    this.entries.push({ action: a, start: s.clock, startTime: s.time, guest: a.do === 'run' || a.do === 'step', scriptIndex });
    return s.applyAction(a);
  }

  private act(a: HostAction): void {
    this.perform(a, null);
    this.settle(false);
  }

  /** Entries at or after the current clock belong to a future a new command discards (as the session does). */
  private branch(): void {
    const now = this.session!.clock;
    while (this.entries.length > 0 && this.entries.at(-1)!.start >= now) this.entries.pop();
  }

  /** Entries that made the current moment. */
  private past(): Entry[] {
    const now = this.session!.clock;
    return this.entries.filter((e) => e.start < now);
  }

  // ---- running -----------------------------------------------------------------------------------

  private startRun(goal: RunGoal): void {
    const s = this.session!;
    if (s.status !== 'ready') return this.settle(false);
    const first: Action = goal === 'instruction' ? { do: 'step', count: 1 } : { do: 'run', until: goal === 'fault' ? 'fault' : 'exit', maxInstructions: 1 };
    const time = s.time;
    const stop = this.perform(first, null);
    if (goal === 'instruction') {
      // One instruction: kernel entries (a syscall, a page fault) are engine steps of their own.
      // A VM exit (KVM_EXIT_ARM_NOTAG_ACCESS) ends the step: the vCPU waits for the VMM, retrying would exit again.
      let exited = stop.reason === 'vmExit';
      for (let i = 0; i < MAX_KERNEL_STEPS && !exited && s.status === 'ready' && s.time === time; i++) exited = s.step(1).reason === 'vmExit';
      return this.settle(false);
    }
    if (stop.reason === 'fault' || stop.reason === 'vmExit' || s.status !== 'ready') return this.settle(false);
    this.goal = goal;
    this.status = 'running';
    this.flush();
    this.schedule();
  }

  private schedule(): void {
    if (this.sliceScheduled) return;
    this.sliceScheduled = true;
    this.clock.defer(() => this.slice());
  }

  /** One time slice: run until something stops the run or SLICE_MS has passed. */
  private slice(): void {
    this.sliceScheduled = false;
    const s = this.session;
    if (this.goal === null || s === null) return;
    const end = this.clock.now() + SLICE_MS;
    do {
      const stop = this.goal === 'fault' ? s.runUntil({ fault: true }, CHUNK) : s.run(CHUNK);
      if (stop.reason !== 'budget') {
        this.goal = null;
        return this.settle(false);
      }
    } while (this.clock.now() < end);
    if (this.clock.now() - this.lastPost >= FRAME_MS) this.flush();
    this.schedule();
  }

  /** The machine is at rest: work out its status and post it. */
  private settle(paused: boolean): void {
    const s = this.session;
    if (s === null) return;
    const st = s.status;
    this.status = st === 'exited' ? 'exited' : st === 'ready' ? (s.clock === 0 && !paused ? 'ready' : 'paused') : 'faulted';
    this.flush();
  }

  // ---- time travel -------------------------------------------------------------------------------

  private travel(go: () => void): void {
    go();
    this.settle(false);
  }

  /**
   * One instruction back: to the first moment at which one instruction fewer had retired. From a process that
   * ended, the last moment it was still running (before the instruction or kernel entry that ended it).
   */
  private stepBack(s: Session): void {
    if (s.status !== 'ready') {
      const running = (): boolean => s.status === 'ready'; // re-read after each travel
      let c = s.clock;
      while (c > 0 && !running()) s.travelTo({ clock: --c });
      return;
    }
    const target = Math.max(0, s.time - 1);
    // The earliest clock at which `target` instructions had retired: kernel entries are engine steps of their own.
    let c = s.clock;
    while (c > 0) {
      s.travelTo({ clock: c - 1 });
      if (s.time < target) break;
      c--;
    }
    if (s.clock !== c) s.travelTo({ clock: c });
  }

  /** Goes to "after `perform` script actions" of the opened scenario: back by time travel, forward by performing. */
  private toStep(s: Session, perform: number): void {
    const scripted = this.leadingScript(this.entries);
    if (perform <= scripted) {
      const at = perform < this.entries.length ? this.entries[perform].start : s.headClock;
      return this.travel(() => s.travelTo({ clock: at }));
    }
    s.travelTo({ clock: scripted < this.entries.length ? this.entries[scripted].start : s.headClock });
    this.queue = Array.from({ length: Math.max(0, Math.min(perform, this.scenario!.actions.length) - scripted) }, (_, i) => scripted + i);
    this.performQueue();
  }

  /** How many leading entries are the script's own actions, in order. */
  private leadingScript(entries: readonly Entry[]): number {
    let n = 0;
    while (n < entries.length && entries[n].scriptIndex === n) n++;
    return n;
  }

  /**
   * Rebuilds the machine under a new configuration and does again what was done: the script's actions as
   * they are, the user's actions again, and the user's runs to the same instruction count (one further when
   * the run had ended the process, to show whether it still does).
   */
  private reconfigure(machine: RunConfig): void {
    const old = this.session!;
    const past = this.past();
    const ended = old.status !== 'ready';
    const ends = past.map((e, i) => (i + 1 < past.length ? past[i + 1].startTime : old.time + (ended ? 1 : 0)));
    const scenario: Scenario = { ...this.scenario!, machine };
    const r = Session.fromScenario(scenario, { elf: this.elf });
    if (!r.ok) {
      this.send({ type: 'error', where: 'scenario', message: `the machine cannot be built with that setting: ${r.error}` });
      return this.settle(false);
    }
    for (const b of old.breakpoints) r.session.breakpoints.add(b);
    this.scenario = scenario;
    this.session = r.session;
    this.entries = [];
    this.restart();
    past.forEach((e, i) => {
      const s = this.session!;
      if (!e.guest || e.scriptIndex !== null) {
        this.perform(e.action, e.scriptIndex);
        return;
      }
      this.perform({ do: 'step', count: 1 }, null);
      while (s.status === 'ready' && s.time < ends[i] && s.step(ends[i] - s.time).steps > 0);
    });
    this.settle(false);
  }

  // ---- what the UI shows -------------------------------------------------------------------------

  /** The actions that reproduce the current moment: runs as the engine steps they took. */
  private history(): Action[] {
    const s = this.session!;
    const past = this.past();
    return past.map((e, i) => {
      if (!e.guest) return e.action;
      const end = i + 1 < past.length ? past[i + 1].start : s.clock;
      return { do: 'step', count: Math.max(1, end - e.start - 1) };
    });
  }

  private pageBytes(space: Space, page: number): Uint8Array {
    const w = this.session?.machine;
    const p = w?.process;
    if (!w || !p) return new Uint8Array(0);
    const phys = w.vm?.host.phys ?? p.machine.phys;
    let pa: number | null = page;
    if (space === 'va') {
      const r = p.machine.bus.walkStage1(page);
      pa = r.ok ? r.outputAddress : null;
      if (pa !== null && w.vm !== null) pa = this.ipaToPa(pa);
    } else if (space === 'guest' && w.vm !== null) pa = this.ipaToPa(page);
    if (pa === null || phys.peek(Math.floor(pa / PAGE_SIZE)) === undefined) return new Uint8Array(0);
    return phys.readBytes(pa - (pa % PAGE_SIZE), PAGE_SIZE).slice();
  }

  private ipaToPa(ipa: number): number | null {
    const r = this.session!.machine.process!.machine.bus.walkStage2(ipa);
    return r.ok ? r.outputAddress : null;
  }

  private send(e: EngineEvent): void {
    this.post({ ...e, v: PROTOCOL_VERSION }, transferables(e));
  }

  /** Posts the delta since the previous one. */
  private flush(): void {
    const s = this.session;
    if (s === null) return;
    const snap = this.spaces.update(s);
    const full = this.fullPending || snap.full;
    this.fullPending = false;
    const out = s.output;
    const output = out.stdout + out.stderr;
    const outputReset = full || output.length < this.outputSent;
    const eventsReset = full || s.events.length < this.eventsSent;
    const history = this.history();
    const key = JSON.stringify(history);
    const past = this.past();
    const sysregs = Object.fromEntries(SYSREG_NAMES.map((n) => [n, snap.sysregs[n] ?? '0x0'])) as MteSysregs;
    const delta: Delta = {
      type: 'delta', status: this.status, mode: s.mode, clock: s.clock, instret: s.time, pc: snap.regs[64] + snap.regs[65] * 2 ** 32,
      regs: snap.regs, regsChanged: snap.regsChanged, sysregs,
      spaces: { va: this.spaces.va.delta(), guest: this.spaces.guest.delta(), host: s.mode === 'vm' ? this.spaces.host.delta() : null },
      tables: this.spaces.tables(s),
      events: logEvents(s.events.slice(eventsReset ? 0 : this.eventsSent)), eventsReset,
      output: output.slice(outputReset ? 0 : this.outputSent), outputReset,
      disasm: full ? this.disasm : undefined,
      breakpoints: [...s.breakpoints],
      pendingActions: this.queue.length, ticket: this.ticket,
      history: key === this.historyKey ? undefined : history,
      scriptDone: this.leadingScript(past),
    };
    this.historyKey = key;
    this.eventsSent = s.events.length;
    this.outputSent = output.length;
    this.send(delta);
    // Measured after posting, so two deltas are a frame apart however long building one took.
    this.lastPost = this.clock.now();
  }
}

/** Errors of assembly text, with the line they are on. */
export function asmErrors(text: string): { line: number | null; message: string }[] {
  try {
    const p = assembleProgram(text, CODE_BASE);
    return p.bytes.length === 0 ? [{ line: null, message: 'the program has no instructions: write at least one line of assembly' }] : [];
  } catch (e) {
    if (e instanceof AsmError) return [{ line: e.line ?? null, message: e.message }];
    throw e;
  }
}

/** The executable segments disassembled, with the source line of each assembled instruction. */
function listing(scenario: Scenario, elf: Uint8Array | undefined): DisasmLine[] {
  const image = programImage(scenario.program, elf);
  if (!image.ok) return [];
  const lineAt = new Map<number, number>();
  if (scenario.program.kind === 'asm') for (const [offset, line] of assembleProgram(scenario.program.source, CODE_BASE).lineAt) lineAt.set(CODE_BASE + offset, line);
  const lines: DisasmLine[] = [];
  for (const seg of image.image.segments) {
    if ((seg.flags & PF_X) === 0) continue;
    const dv = new DataView(seg.data.buffer, seg.data.byteOffset, seg.data.byteLength);
    for (let off = 0; off + 4 <= seg.data.length && lines.length < MAX_DISASM_LINES; off += 4) {
      const address = seg.vaddr + off;
      const word = dv.getUint32(off, true);
      lines.push({ address, word, text: disassemble(word, address) ?? `.inst 0x${word.toString(16).padStart(8, '0')}`, line: lineAt.get(address) });
    }
  }
  return lines;
}
