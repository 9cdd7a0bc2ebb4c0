/**
 * The messages between the UI and the engine worker. Every message carries the protocol version so a
 * stale page talking to a new worker (or the reverse) fails with a message instead of misreading fields.
 *
 * The worker hosts one engine `Session` (src/engine/session.ts, docs/ENGINE.md). Bulk state travels as typed
 * arrays whose buffers are transferred, not copied: the register file, the changed granules and the page
 * flags of each address space. Text (events, disassembly, errors) travels as plain strings, which the UI
 * renders as text only.
 */
import type { Action, MachineConfig, Scenario } from '../scenario/schema.ts';

export const PROTOCOL_VERSION = 2;

export type TcfMode = MachineConfig['tcf'];
export const TCF_MODES: readonly TcfMode[] = ['none', 'sync', 'async', 'asymm'];
export type KernelVersion = MachineConfig['kernel'];
export const KERNEL_VERSIONS: readonly KernelVersion[] = ['5.14', '6.2', '6.12', '6.13', 'proposal', 'v2-2020'];

/** The machine a scenario runs on (the scenario format's own `machine`): changing it replays the run. */
export type RunConfig = MachineConfig;

export const DEFAULT_CONFIG: RunConfig = {
  kernel: '6.13', mode: 'bare', kvmCapMte: true, tcf: 'sync', tcma0: false, tcma1: false, tco: false, gcrExclude: 0x0001, memslots: [],
};

/** The three address spaces the heatmap can show: guest virtual, guest-physical (IPA) and host-physical. */
export type Space = 'va' | 'guest' | 'host';
export const SPACES: readonly Space[] = ['va', 'guest', 'host'];

/** Host-side actions (everything a scenario can do but run the guest). */
export type HostAction = Exclude<Action, { do: 'run' } | { do: 'step' }>;

export type Command =
  /**
   * Opens a scenario and performs its first `perform` actions. `elf` holds the bytes of a bundled or
   * uploaded program (scenario.program.kind 'bundled'), `fileName` the name an upload had.
   */
  | { type: 'load'; scenario: Scenario; perform: number; elf?: ArrayBuffer; fileName?: string; ticket: number }
  /** Moves within the opened scenario's script to "after `perform` actions" (a tour step), by time travel when back. */
  | { type: 'toStep'; perform: number; ticket: number }
  | { type: 'run' }
  | { type: 'runToFault' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'stepBack' }
  | { type: 'reset' }
  /** Rebuilds the machine under a new configuration and replays what was done to the same instruction. */
  | { type: 'setMachine'; machine: RunConfig }
  /** Performs a host, VMM or KVM action now (vm mode), or a register toggle. */
  | { type: 'hostAction'; action: HostAction }
  | { type: 'setBreakpoint'; address: number; enabled: boolean }
  /** Goes to the moment of an event of the log (its index). */
  | { type: 'travel'; event: number }
  /** A 64-bit pointer as hex text (tagged), for the pointer inspector. */
  | { type: 'inspectPointer'; text: string; requestId: number }
  /** Checks assembly without loading it, for inline errors while typing. */
  | { type: 'checkAsm'; text: string; requestId: number }
  /** The data bytes of one page of a space, for the heatmap's deepest zoom. */
  | { type: 'readPage'; space: Space; page: number; requestId: number }
  /** session.stateHash(), to compare two machines bit for bit. */
  | { type: 'hash'; requestId: number };

export type CommandMessage = Command & { v: typeof PROTOCOL_VERSION };

export type RunStatus = 'empty' | 'ready' | 'running' | 'paused' | 'faulted' | 'exited';

/** One line of the event log: an engine event (docs/ENGINE.md) with its why as text. */
export interface LogEvent {
  /** Index in session.events: travelling to it reproduces the moment. */
  seq: number;
  clock: number;
  /** Instructions retired when it happened. */
  instret: number;
  kind: string;
  source: 'guest' | 'kvm' | 'vmm' | 'host' | 'engine';
  title: string;
  why: string;
  rule: string;
  version?: string;
  /** The tagged address the event concerns (a tag check fault's pointer), as hex. */
  address?: string;
  /** errno of a KVM or VMM call, when it returned one. */
  errno?: string;
}

/**
 * Page flag bits of `SpaceDelta.flags`: the engine's own (src/engine/snapshot.ts PageFlags), plus Untagged for
 * pages mapped as memory without tags (stage-1 MAIR or stage-2 MemAttr).
 */
export const PageFlag = { MteTagged: 1, Dirty: 2, Swapped: 4, Device: 8, Present: 16, Stage2Mapped: 32, Untagged: 64 } as const;

/** Granule cell byte: low nibble the allocation tag, high bits the kind. */
export const Cell = { TagMask: 0x0f, Untagged: 0x10, NeverInitialised: 0x20, Device: 0x40 } as const;

/** A page of a space's heatmap, in address order. */
export interface PageInfo {
  address: number;
  /** Where the page maps to (VA → IPA, IPA → host PA, host PA → IPA when it backs guest RAM), -1 if nowhere. */
  output: number;
  /** Who owns it: the guest mapping (code, stack, mmap PROT_MTE…), the memslot, or the host's use. */
  owner: string;
  memory: 'tagged' | 'normal' | 'device';
}

/**
 * What changed in one space since the previous delta. `pages` is present only when the set of pages
 * changed; granule indices count cells in `pages` order (page i, granule g → i * 256 + g).
 */
export interface SpaceDelta {
  pages?: PageInfo[];
  indices: Uint32Array;
  values: Uint8Array;
  /** PageFlag bits of every page, in `pages` order. */
  flags: Uint8Array;
}

/** One leaf entry of a translation table, with what its attributes mean. */
export interface TableRow {
  input: number;
  output: number;
  /** Memory attribute in the manual's words (MAIR index and value, or stage-2 MemAttr). */
  attr: string;
  /** What it means for tags: "Normal WB → tags kept", "Device → untagged"… */
  meaning: string;
  /** Access permissions (EL0 rwx, S2AP, or the VMM's prot). */
  perms: string;
  /** The mapping's owner (stage 1: the guest VMA; VMM: plain or PROT_MTE). */
  note: string;
}

export interface Tables {
  stage1: TableRow[];
  stage2: TableRow[] | null;
  vmm: TableRow[] | null;
}

export interface DisasmLine {
  address: number;
  word: number;
  text: string;
  /** Source line (1-based) of assembled programs. */
  line?: number;
}

export interface WalkLevel {
  stage: 1 | 2;
  level: number;
  descriptorAddress: number;
  descriptor: string;
  /** The table entry's input address (VA for stage 1, IPA for stage 2). */
  meaning: string;
}

export type MteSysregs = Record<'SCTLR_EL1' | 'TCR_EL1' | 'GCR_EL1' | 'RGSR_EL1' | 'TFSR_EL1' | 'TFSRE0_EL1' | 'HCR_EL2', string>;

export interface Delta {
  type: 'delta';
  status: RunStatus;
  mode: 'bare' | 'vm';
  /** session.clock: engine steps. */
  clock: number;
  /** Instructions retired. */
  instret: number;
  pc: number;
  /** X0..X30, SP as lo/hi uint32 pairs, then PC lo/hi, NZCV, TCO: 68 words. */
  regs: Uint32Array;
  /** Bit i set: register pair i changed since the previous delta. */
  regsChanged: Uint32Array;
  sysregs: MteSysregs;
  spaces: Record<'va' | 'guest', SpaceDelta> & { host: SpaceDelta | null };
  /** Present when a table changed. */
  tables?: Tables;
  events: LogEvent[];
  /** True when `events` restarts the log (after a load or time travel) instead of appending. */
  eventsReset: boolean;
  output: string;
  outputReset: boolean;
  disasm?: DisasmLine[];
  breakpoints: number[];
  /** Scripted actions not yet performed; the state is a scenario's step only when this is 0. */
  pendingActions: number;
  /** The ticket of the last load or toStep handled, so the page knows which request a delta answers. */
  ticket: number;
  /** What was done since the start, as scenario actions that reproduce this moment (present when it changed). */
  history?: Action[];
  /** How many of `history` are the opened scenario's own script, in order (the rest the user's own). */
  scriptDone: number;
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
  /** Guest-physical (IPA) and host-physical address of the granule, when mapped (IPA = PA on the bare machine). */
  ipa: number | null;
  pa: number | null;
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

export interface PageBytes {
  type: 'page';
  requestId: number;
  space: Space;
  page: number;
  /** 4096 bytes, or empty when the page holds no data here (swapped out, not present). */
  bytes: Uint8Array;
}

export interface HashReport {
  type: 'hash';
  requestId: number;
  hash: string;
}

export interface ErrorEvent {
  type: 'error';
  where: 'asm' | 'elf' | 'engine' | 'protocol' | 'scenario';
  message: string;
  line?: number;
}

/** The engine has started; it brings the preset scenarios S1–S16 for the gallery. */
export interface Hello {
  type: 'hello';
  presets: { id: string; scenario: Scenario }[];
}

export type EngineEvent = Delta | PointerReport | AsmReport | PageBytes | HashReport | ErrorEvent | Hello;
export type EventMessage = EngineEvent & { v: typeof PROTOCOL_VERSION };

/**
 * Liveness, apart from the commands: the page pings every few seconds and the worker entry answers at once,
 * so a worker that stopped without an error event (killed, closed) is noticed by the missing answer. The
 * engine host never sees a ping, so a ping never interrupts a run as a person's command does.
 */
export type PingMessage = { type: 'ping'; v: typeof PROTOCOL_VERSION };
export type PongMessage = { type: 'pong'; v: typeof PROTOCOL_VERSION };

/** The buffers of an event that can be transferred rather than copied. */
export function transferables(e: EngineEvent): ArrayBuffer[] {
  if (e.type === 'page') return [e.bytes.buffer as ArrayBuffer];
  if (e.type !== 'delta') return [];
  const out = [e.regs.buffer, e.regsChanged.buffer] as ArrayBuffer[];
  for (const s of [e.spaces.va, e.spaces.guest, e.spaces.host]) if (s) out.push(s.indices.buffer as ArrayBuffer, s.values.buffer as ArrayBuffer, s.flags.buffer as ArrayBuffer);
  return out;
}
