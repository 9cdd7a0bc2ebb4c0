/**
 * Hosts the engine for the UI: runs the machine in short time slices so that a Pause (or any command)
 * is handled between slices, posts at most one delta per frame, and travels in time by replaying.
 *
 * A run is a pure function of (program, config): IRG is seeded, the timer tick that delivers
 * asynchronous faults falls every TICK instructions, and nothing reads the wall clock. So "step back",
 * "go to this event" and "what if TCF were none" all rebuild the process and replay to an instruction count.
 *
 * Pure TypeScript with no DOM: the worker entry supplies the clock and the post function, and the tests
 * drive it from Node.
 */
import { disassemble } from '../core/isa/disasm.ts';
import { PF_X } from '../guest/elf.ts';
import { LinuxProcess } from '../guest/linux/process.ts';
import { applyConfig } from './config.ts';
import { describeEvent, type EventLine } from './events.ts';
import { imageFromAssembly, imageFromElf, type ProgramImage } from './image.ts';
import { inspectPointer } from './pointer.ts';
import {
  PROTOCOL_VERSION, transferables, type Command, type CommandMessage, type Delta, type DisasmLine, type EngineEvent,
  type LogEvent, type RunConfig, type RunStatus, type ScenarioAction,
} from './protocol.ts';
import { SnapshotTracker } from './snapshot.ts';

/** Longest stretch of guest execution between two looks at the message queue. */
export const SLICE_MS = 8;
/** Shortest interval between two deltas while running (one animation frame). */
export const FRAME_MS = 16;
/** Instructions per call into the interpreter between two clock reads. */
const CHUNK = 8192;
/** Instructions between two timer interrupts (kernel entries), in instruction counts so that replay is exact. */
export const TICK = 10_000;
/** Largest code listing sent to the disassembly view. */
const MAX_DISASM_LINES = 1 << 16;

export interface Clock {
  now(): number;
  /** Runs `fn` after pending messages have been handled. */
  defer(fn: () => void): void;
}

export type Post = (message: EngineEvent & { v: typeof PROTOCOL_VERSION }, transfer: ArrayBuffer[]) => void;

interface Goal {
  /** Stop when this many instructions have completed (Infinity: run until something stops it). */
  target: number;
  stopOnFault: boolean;
  /** Stop at the next event of the log (a scenario's `run until event`). */
  stopOnEvent?: boolean;
  breakpoints: boolean;
}

export class EngineHost {
  private image: ProgramImage | null = null;
  private config: RunConfig | null = null;
  private proc: LinuxProcess | null = null;
  private instret = 0;
  private status: RunStatus = 'empty';
  private goal: Goal | null = null;
  /** Instruction count at which the current run began: a breakpoint there does not stop it again. */
  private resumedAt = -1;
  private readonly breakpoints = new Set<number>();
  private events: LogEvent[] = [];
  private eventsSent = 0;
  private output = '';
  private readonly decoder = new TextDecoder();
  private outputSent = 0;
  private fullPending = true;
  private readonly snapshot = new SnapshotTracker();
  private lastPost = -Infinity;
  private sliceScheduled = false;
  /** Scenario actions still to perform, in order; each waits for the previous one's run to finish. */
  private script: ScenarioAction[] = [];
  private eventsAtResume = 0;
  private lastFaultSeq = -1;
  private faultSeqAtResume = -1;

  constructor(private readonly post: Post, private readonly clock: Clock) {}

  get runStatus(): RunStatus {
    return this.status;
  }

  get instructionsRetired(): number {
    return this.instret;
  }

  get process(): LinuxProcess | null {
    return this.proc;
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
      this.send({ type: 'error', where: 'engine', message: `the engine failed: ${e instanceof Error ? e.message : String(e)}. Reset or load the program again.` });
    }
  }

  private handle(c: Command): void {
    // A person's command takes over from a scenario's script.
    if (c.type !== 'inspectPointer' && c.type !== 'checkAsm') this.script = [];
    switch (c.type) {
      case 'load': return this.load(c.program, c.config, c.actions ?? []);
      case 'reset': if (this.image) this.rebuild(); return this.flush();
      case 'run': return this.start({ target: Infinity, stopOnFault: false, breakpoints: true });
      case 'runToFault': return this.start({ target: Infinity, stopOnFault: true, breakpoints: true });
      case 'pause':
        if (this.goal !== null) {
          this.goal = null;
          this.status = 'paused';
        }
        return this.flush();
      case 'step':
        if (!this.canRun()) return;
        this.goal = null;
        this.status = this.execute({ target: this.instret + 1, stopOnFault: false, breakpoints: false }, 1) ?? 'paused';
        return this.flush();
      // The instruction that ended the process never completed: one step back is the moment before it.
      case 'stepBack': return this.replayTo(this.ended() ? this.instret : Math.max(0, this.instret - 1));
      case 'travel': return this.replayTo(Math.max(0, Math.floor(c.instret)));
      case 'setToggle': return this.reconfigure(c.config);
      case 'setBreakpoint':
        if (c.enabled) this.breakpoints.add(c.address);
        else this.breakpoints.delete(c.address);
        return this.flush();
      case 'inspectPointer': return this.send(inspectPointer(this.proc, c.text, c.requestId));
      case 'checkAsm': {
        const r = imageFromAssembly(c.text);
        return this.send({ type: 'asm', requestId: c.requestId, errors: r.ok ? [] : [{ line: r.line ?? null, message: r.message }] });
      }
    }
  }

  private load(program: Extract<Command, { type: 'load' }>['program'], config: RunConfig, actions: ScenarioAction[]): void {
    this.goal = null;
    const r = program.kind === 'asm' ? imageFromAssembly(program.text) : imageFromElf(new Uint8Array(program.bytes), program.name);
    if (!r.ok) {
      this.send({ type: 'error', where: program.kind, message: r.message, line: r.line });
      return;
    }
    this.image = r.image;
    this.config = config;
    this.breakpoints.clear();
    this.rebuild();
    this.script = [...actions];
    this.perform();
    this.flush();
  }

  /**
   * Performs scripted actions until one starts a run (which calls back here when it ends). Toggles replay
   * the run under the new value, as the UI's toggles do; actions on a virtual machine need the VM engine.
   */
  private perform(): void {
    while (this.script.length > 0 && this.goal === null) {
      const a = this.script.shift()!;
      switch (a.do) {
        case 'run': {
          const limit = a.maxInstructions === undefined ? Infinity : this.instret + a.maxInstructions;
          this.start({ target: limit, stopOnFault: a.until === 'fault', stopOnEvent: a.until === 'event', breakpoints: false });
          break;
        }
        case 'step':
          this.start({ target: this.instret + a.count, stopOnFault: false, breakpoints: false });
          break;
        case 'toggle':
          this.reconfigure({ ...this.config!, [a.name === 'kvmCapMte' ? 'kvmMte' : a.name]: a.value });
          break;
        case 'setTcf':
          this.reconfigure({ ...this.config!, tcf: a.value });
          break;
        default:
          this.log({ kind: 'error', title: `action "${a.do}" skipped`, why: 'it acts on a virtual machine, which this program does not run in' });
      }
    }
  }

  /** A fresh process for the loaded program, at instruction 0. */
  private rebuild(): void {
    this.goal = null;
    const created = LinuxProcess.create(this.image!.elf, {
      timerInterval: TICK,
      onOutput: (_fd, bytes) => {
        this.output += this.decoder.decode(bytes, { stream: true });
      },
      onEvent: (e) => {
        const line = describeEvent(e);
        if (line !== null) this.log(line);
      },
    });
    // The image was parsed when it was loaded, so creating its process cannot fail.
    if (!created.ok) throw new Error(created.error);
    this.proc = created.process;
    applyConfig(this.proc.machine, this.config!);
    this.instret = 0;
    this.events = [];
    this.eventsSent = 0;
    this.output = '';
    this.outputSent = 0;
    this.fullPending = true;
    this.lastFaultSeq = -1;
    this.snapshot.reset();
    this.status = 'ready';
    this.log({ kind: 'load', title: `loaded at 0x${this.image!.parsed.entry.toString(16)}`, why: `TCF ${this.config!.tcf}, GCR_EL1.Exclude 0x${this.config!.gcrExclude.toString(16)}, KVM_CAP_ARM_MTE ${this.config!.kvmMte ? 'on' : 'off'}, kernel ${this.config!.kernel}` });
  }

  /** Replays the run under a new configuration to the same moment. */
  private reconfigure(config: RunConfig): void {
    // Replaying over the instruction that ended the process shows whether it still does.
    const target = this.ended() ? this.instret + 1 : this.instret;
    this.config = config;
    this.replayTo(target);
  }

  private ended(): boolean {
    return this.status === 'exited' || this.status === 'faulted';
  }

  private canRun(): boolean {
    return this.proc !== null && !this.ended();
  }

  private start(goal: Goal): void {
    if (!this.canRun()) return this.flush();
    this.goal = goal;
    this.resumedAt = this.instret;
    this.eventsAtResume = this.events.length;
    this.faultSeqAtResume = this.lastFaultSeq;
    this.status = 'running';
    this.flush();
    this.schedule();
  }

  /** Rebuilds the process and runs it silently (no breakpoints) to `target` instructions. */
  private replayTo(target: number): void {
    if (this.image === null) return;
    this.rebuild();
    if (target === 0) return this.flush();
    this.goal = { target, stopOnFault: false, breakpoints: false };
    this.status = 'running';
    this.schedule();
  }

  private schedule(): void {
    if (this.sliceScheduled) return;
    this.sliceScheduled = true;
    this.clock.defer(() => this.slice());
  }

  /** One time slice: execute until the goal is met, something stops the run, or SLICE_MS has passed. */
  private slice(): void {
    this.sliceScheduled = false;
    if (this.goal === null) return;
    const end = this.clock.now() + SLICE_MS;
    do {
      const stop = this.execute(this.goal, CHUNK);
      if (stop !== null) {
        this.goal = null;
        this.status = stop;
        break;
      }
    } while (this.clock.now() < end);
    if (this.goal === null) {
      this.perform();
      if (this.goal === null) this.flush();
      else this.schedule();
    }
    else {
      if (this.clock.now() - this.lastPost >= FRAME_MS) this.flush();
      this.schedule();
    }
  }

  /**
   * Executes up to `max` instructions towards `goal`; the Linux personality handles every exception as
   * the kernel would. Returns the status to stop with, or null when the goal is not reached yet.
   */
  private execute(goal: Goal, max: number): RunStatus | null {
    const proc = this.proc!;
    const stopAt = Math.min(goal.target, this.instret + max);
    while (proc.state === 'running' && this.instret < stopAt) {
      if (goal.breakpoints && this.breakpoints.has(proc.cpu.pc) && this.instret !== this.resumedAt) {
        this.log({ kind: 'breakpoint', title: `breakpoint at 0x${proc.cpu.pc.toString(16)}`, why: 'execution stopped before this instruction because it has a breakpoint' });
        return 'paused';
      }
      // Kernel entries use budget without retiring an instruction, so this never overshoots the goal.
      proc.step(goal.breakpoints && this.breakpoints.size > 0 ? 1 : stopAt - this.instret);
      this.instret = proc.instructions;
      if (proc.state !== 'running') break;
      if (goal.stopOnFault && this.lastFaultSeq !== this.faultSeqAtResume) return 'paused';
      if (goal.stopOnEvent && this.events.length > this.eventsAtResume) return 'paused';
    }
    if (proc.state === 'exited') return 'exited';
    if (proc.state !== 'running') return 'faulted';
    return this.instret >= goal.target ? 'paused' : null;
  }

  private log(ev: EventLine): void {
    const p = this.proc!;
    const e: LogEvent = { seq: this.events.length, instret: p.instructions, pc: p.cpu.pc, ...ev };
    this.events.push(e);
    if (ev.kind === 'fault' || ev.kind === 'asyncFault') this.lastFaultSeq = e.seq;
  }

  private send(e: EngineEvent): void {
    this.post({ ...e, v: PROTOCOL_VERSION }, transferables(e));
  }

  /** Posts the delta since the previous one. */
  private flush(): void {
    if (this.proc === null) return;
    const body = this.snapshot.delta(this.proc);
    const full = this.fullPending;
    this.fullPending = false;
    const output = this.output;
    const delta: Delta = {
      type: 'delta', status: this.status, instret: this.instret, pc: this.proc.machine.cpu.pc, ...body,
      events: this.events.slice(full ? 0 : this.eventsSent), eventsReset: full,
      output: output.slice(full ? 0 : this.outputSent), outputReset: full,
      disasm: full && this.image ? listing(this.image) : undefined,
      breakpoints: [...this.breakpoints],
      pendingActions: this.script.length + (this.goal === null ? 0 : 1),
    };
    this.eventsSent = this.events.length;
    this.outputSent = output.length;
    this.send(delta);
    // Measured after posting, so two deltas are a frame apart however long building one took.
    this.lastPost = this.clock.now();
  }
}

function listing(image: ProgramImage): DisasmLine[] {
  const lines: DisasmLine[] = [];
  for (const seg of image.parsed.segments) {
    if ((seg.flags & PF_X) === 0) continue;
    const dv = new DataView(seg.data.buffer, seg.data.byteOffset, seg.data.byteLength);
    for (let off = 0; off + 4 <= seg.data.length && lines.length < MAX_DISASM_LINES; off += 4) {
      const address = seg.vaddr + off;
      const word = dv.getUint32(off, true);
      lines.push({ address, word, text: disassemble(word, address) ?? `.inst 0x${word.toString(16).padStart(8, '0')}`, line: image.lineAt.get(address) });
    }
  }
  return lines;
}
