/**
 * The messages between the UI and the engine worker. Every message carries the protocol version so a
 * stale page talking to a new worker (or the reverse) fails with a message instead of misreading fields.
 *
 * Bulk state travels as typed arrays whose buffers are transferred, not copied: the register file, the
 * changed granules and the page flags. Text (events, disassembly, errors) travels as plain strings, which
 * the UI renders as text only.
 */
import type { Action } from '../scenario/schema.ts';

export const PROTOCOL_VERSION = 1;

export type TcfMode = 'none' | 'sync' | 'async' | 'asymm';
export const TCF_MODES: readonly TcfMode[] = ['none', 'sync', 'async', 'asymm'];
export type KernelVersion = '5.14' | '6.2' | '6.12' | '6.13';
export const KERNEL_VERSIONS: readonly KernelVersion[] = ['5.14', '6.2', '6.12', '6.13'];

/** The knobs of a run. A run is a pure function of (program, config): changing one replays the run. */
export interface RunConfig {
  /** TCR_EL1.TCMA0: tag 0 matches all in the lower half. Linux never sets it for user space. */
  tcma0: boolean;
  /** TCR_EL1.TCMA1: tag 0xF matches all in the upper half. */
  tcma1: boolean;
  /** SCTLR_EL1.TCF0 at process start (what prctl(PR_SET_TAGGED_ADDR_CTRL) would select). */
  tcf: TcfMode;
  /** PSTATE.TCO at process start. */
  tco: boolean;
  /** GCR_EL1.Exclude: tags IRG never produces (bit n excludes tag n). */
  gcrExclude: number;
  kernel: KernelVersion;
  /** KVM_CAP_ARM_MTE enabled for the VM: HCR_EL2.ATA = 1. */
  kvmMte: boolean;
}

export type ToggleName = keyof RunConfig;

export const DEFAULT_CONFIG: RunConfig = {
  tcma0: false, tcma1: false, tcf: 'sync', tco: false, gcrExclude: 0x0001, kernel: '6.13', kvmMte: true,
};

/** The scripted actions of a scenario (src/scenario/schema.ts) the worker performs in order. */
export type ScenarioAction = Action;

export type ProgramSource =
  | { kind: 'asm'; text: string }
  | { kind: 'elf'; name: string; bytes: ArrayBuffer };

export type Command =
  /** Loads a program and performs `actions` in order from instruction 0 (a scenario at one of its steps). */
  | { type: 'load'; program: ProgramSource; config: RunConfig; actions?: ScenarioAction[] }
  | { type: 'run' }
  | { type: 'runToFault' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'stepBack' }
  | { type: 'reset' }
  /** Re-runs the program under the new value up to the current instruction count. */
  | { type: 'setToggle'; config: RunConfig }
  | { type: 'setBreakpoint'; address: number; enabled: boolean }
  /** Goes to the machine state after `instret` instructions (an event's moment). */
  | { type: 'travel'; instret: number }
  /** A 64-bit pointer as hex text (tagged), for the pointer inspector. */
  | { type: 'inspectPointer'; text: string; requestId: number }
  /** Checks assembly without loading it, for inline errors while typing. */
  | { type: 'checkAsm'; text: string; requestId: number };

export type CommandMessage = Command & { v: typeof PROTOCOL_VERSION };

export type RunStatus = 'empty' | 'ready' | 'running' | 'paused' | 'faulted' | 'exited';

export type EventKind = 'load' | 'syscall' | 'write' | 'fault' | 'asyncFault' | 'signal' | 'exit' | 'breakpoint' | 'sanitise' | 'vmExit' | 'error';

/** One line of the event log: what happened, when, and a one-sentence why. */
export interface LogEvent {
  seq: number;
  /** Instructions completed before the event: travelling here reproduces the moment. */
  instret: number;
  pc: number;
  kind: EventKind;
  title: string;
  why: string;
  /** The address the event concerns (fault address with its tag), as hex. */
  address?: string;
}

/** A page of the heatmap, in VA order. */
export interface PageInfo {
  va: number;
  pa: number;
  /** Who owns the mapping (code, stack, an mmap call…). */
  owner: string;
  /** MAIR attribute of the stage-1 mapping. */
  memory: 'tagged' | 'normal' | 'device';
  perms: string;
  attrIndx: number;
  /** Stage-2 MemAttr when a stage 2 is in use. */
  s2MemAttr: number | null;
}

/** Page flag bits in `Delta.pageFlags`. */
export const PageFlag = { Dirty: 1, SwappedOut: 2, TagsInitialised: 4 } as const;

/** Granule cell byte in `Delta.granuleValues`: low nibble the allocation tag, high bits the kind. */
export const Cell = { TagMask: 0x0f, Untagged: 0x10, NeverInitialised: 0x20, Device: 0x40 } as const;

export interface DisasmLine {
  address: number;
  word: number;
  text: string;
  /** Source line (1-based) of assembled programs. */
  line?: number;
}

export interface WalkLevel {
  level: number;
  descriptorAddress: number;
  descriptor: string;
}

export interface MteSysregs {
  SCTLR_EL1: string;
  TCR_EL1: string;
  GCR_EL1: string;
  RGSR_EL1: string;
  TFSR_EL1: string;
  TFSRE0_EL1: string;
  HCR_EL2: string;
}

/**
 * What changed since the previous delta. `layout` and `disasm` are present only when they changed
 * (after a load or a new mapping); granule indices count cells in `layout` order (page i, granule g →
 * i * 256 + g).
 */
export interface Delta {
  type: 'delta';
  status: RunStatus;
  instret: number;
  pc: number;
  /** X0..X30, SP as lo/hi uint32 pairs, then PC lo/hi, NZCV, TCO: 68 words. */
  regs: Uint32Array;
  /** Bit i set: register i changed since the previous delta (bits 0..32 by `regs` pair index). */
  regsChanged: Uint32Array;
  sysregs: MteSysregs;
  layout?: PageInfo[];
  granuleIndices: Uint32Array;
  granuleValues: Uint8Array;
  pageFlags: Uint8Array;
  events: LogEvent[];
  /** True when `events` restarts the log (after a replay) instead of appending. */
  eventsReset: boolean;
  output: string;
  outputReset: boolean;
  disasm?: DisasmLine[];
  breakpoints: number[];
  /** Scripted actions not yet finished; the state is a scenario's step only when this is 0. */
  pendingActions: number;
}

export interface PointerReport {
  type: 'pointer';
  requestId: number;
  /** Null when the text is not a 64-bit number. */
  error: string | null;
  value: string;
  logicalTag: number;
  bit55: number;
  topByte: number;
  va: string;
  granule: string;
  /** Allocation tag of that granule, null when not Tagged memory or unmapped. */
  allocationTag: number | null;
  mapping: string;
  /** Predicted result of an 8-byte load through this pointer, and why. */
  prediction: 'pass' | 'unchecked' | 'fault' | 'ignored' | 'async';
  why: string;
  /** The 16 bytes of the granule, as hex pairs, when mapped. */
  bytes: string | null;
  walk: WalkLevel[];
}

export interface AsmReport {
  type: 'asm';
  requestId: number;
  errors: { line: number | null; message: string }[];
}

export interface ErrorEvent {
  type: 'error';
  where: 'asm' | 'elf' | 'engine' | 'protocol';
  message: string;
  line?: number;
}

export type EngineEvent = Delta | PointerReport | AsmReport | ErrorEvent | { type: 'hello' };
export type EventMessage = EngineEvent & { v: typeof PROTOCOL_VERSION };

/** The buffers of an event that can be transferred rather than copied. */
export function transferables(e: EngineEvent): ArrayBuffer[] {
  if (e.type !== 'delta') return [];
  return [e.regs.buffer, e.regsChanged.buffer, e.granuleIndices.buffer, e.granuleValues.buffer, e.pageFlags.buffer] as ArrayBuffer[];
}
