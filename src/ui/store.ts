/**
 * The one store of the page, fed by worker messages. Slices: machine (what the engine last showed),
 * selection (what the user is looking at; every view highlights it), scenario (program and toggles) and
 * ui (theme, panels). Actions next to the state they change send commands; components never talk to the
 * worker themselves, and select the narrowest piece they need.
 */
import { create } from 'zustand';
import { GRANULES_PER_PAGE } from './layout.ts';
import { connectEngine, type EngineConnection } from './engine.ts';
import { loadSaved, saveProgram } from './persist.ts';
import {
  type Command, type Delta, type DisasmLine, type EventMessage, type LogEvent, type MteSysregs,
  type PageInfo, type PointerReport, type RunConfig, type RunStatus,
} from '../worker/protocol.ts';

export interface MachineSlice {
  connected: boolean;
  status: RunStatus;
  instret: number;
  pc: number;
  regs: Uint32Array;
  regsChanged: Uint32Array;
  sysregs: MteSysregs | null;
  layout: PageInfo[];
  /** One byte per granule in layout order (see protocol `Cell`). */
  cells: Uint8Array;
  /** Granules changed by the last delta, for the heatmap's partial redraw; null means redraw all. */
  changedCells: Uint32Array | null;
  cellsVersion: number;
  pageFlags: Uint8Array;
  events: LogEvent[];
  output: string;
  disasm: DisasmLine[];
  breakpoints: number[];
  engineError: string | null;
}

export interface SelectionSlice {
  /** Selected granule address (untagged VA), shared by heatmap, tables and inspector. */
  selectedVa: number | null;
  pointerText: string;
  pointer: PointerReport | null;
  selectedEvent: number | null;
}

export interface ScenarioSlice {
  programText: string;
  config: RunConfig;
  /** Errors of the program text as last checked (inline in the editor). */
  asmErrors: { line: number | null; message: string }[];
  /** A load that failed (bad assembly or bad ELF), shown where the user loaded it. */
  loadError: { where: string; message: string; line?: number } | null;
  programName: string;
}

export interface UiSlice {
  theme: 'light' | 'dark';
}

export interface Actions {
  load(): void;
  loadElf(name: string, bytes: ArrayBuffer): void;
  command(c: Extract<Command, { type: 'run' | 'runToFault' | 'pause' | 'step' | 'stepBack' | 'reset' }>['type']): void;
  setConfig(patch: Partial<RunConfig>): void;
  toggleBreakpoint(address: number): void;
  travel(event: LogEvent): void;
  inspect(text: string): void;
  selectGranule(va: number, tag: number | null): void;
  setProgramText(text: string): void;
  setTheme(theme: UiSlice['theme']): void;
  restartEngine(): void;
}

export type Store = MachineSlice & SelectionSlice & ScenarioSlice & UiSlice & Actions;

let engine: EngineConnection | null = null;
let pointerRequest = 0;
let asmRequest = 0;
let asmTimer: ReturnType<typeof setTimeout> | undefined;

const send = (c: Command, transfer?: Transferable[]): void => engine?.send(c, transfer);

const saved = loadSaved();

export const useStore = create<Store>()((set, get) => ({
  connected: false,
  status: 'empty',
  instret: 0,
  pc: 0,
  regs: new Uint32Array(68),
  regsChanged: new Uint32Array(2),
  sysregs: null,
  layout: [],
  cells: new Uint8Array(0),
  changedCells: null,
  cellsVersion: 0,
  pageFlags: new Uint8Array(0),
  events: [],
  output: '',
  disasm: [],
  breakpoints: [],
  engineError: null,

  selectedVa: null,
  pointerText: '',
  pointer: null,
  selectedEvent: null,

  programText: saved.programText,
  config: saved.config,
  asmErrors: [],
  loadError: null,
  programName: 'editor',

  theme: saved.theme,

  load() {
    const { programText, config } = get();
    set({ loadError: null, programName: 'editor', selectedEvent: null });
    send({ type: 'load', program: { kind: 'asm', text: programText }, config });
  },
  loadElf(name, bytes) {
    set({ loadError: null, programName: name, selectedEvent: null });
    send({ type: 'load', program: { kind: 'elf', name, bytes }, config: get().config }, [bytes]);
  },
  command(type) {
    send({ type });
  },
  setConfig(patch) {
    const config = { ...get().config, ...patch };
    set({ config });
    saveProgram(get().programText, config);
    send({ type: 'setToggle', config });
  },
  toggleBreakpoint(address) {
    send({ type: 'setBreakpoint', address, enabled: !get().breakpoints.includes(address) });
  },
  travel(event) {
    set({ selectedEvent: event.seq });
    if (event.address) get().inspect(event.address);
    send({ type: 'travel', instret: event.instret });
  },
  inspect(text) {
    set({ pointerText: text });
    send({ type: 'inspectPointer', text, requestId: ++pointerRequest });
  },
  selectGranule(va, tag) {
    set({ selectedVa: va });
    const value = (BigInt(tag ?? 0) << 56n) | BigInt(va);
    get().inspect(`0x${value.toString(16).padStart(16, '0')}`);
  },
  setProgramText(text) {
    set({ programText: text });
    saveProgram(text, get().config);
    clearTimeout(asmTimer);
    asmTimer = setTimeout(() => send({ type: 'checkAsm', text, requestId: ++asmRequest }), 250);
  },
  setTheme(theme) {
    set({ theme });
    localStorage.setItem('tagscope.theme', theme);
  },
  restartEngine() {
    set({ engineError: null, connected: false });
    engine?.restart();
  },
}));

function applyDelta(d: Delta): void {
  const s = useStore.getState();
  let cells = s.cells;
  let changedCells: Uint32Array | null = d.granuleIndices;
  if (d.layout) {
    cells = new Uint8Array(d.layout.length * GRANULES_PER_PAGE);
    changedCells = null;
  }
  for (let i = 0; i < d.granuleIndices.length; i++) cells[d.granuleIndices[i]] = d.granuleValues[i];
  useStore.setState({
    status: d.status, instret: d.instret, pc: d.pc, regs: d.regs, regsChanged: d.regsChanged, sysregs: d.sysregs,
    layout: d.layout ?? s.layout, cells, changedCells, cellsVersion: s.cellsVersion + 1, pageFlags: d.pageFlags,
    events: d.eventsReset ? d.events : d.events.length ? [...s.events, ...d.events] : s.events,
    output: d.outputReset ? d.output : s.output + d.output,
    disasm: d.disasm ?? s.disasm, breakpoints: d.breakpoints,
  });
  // A new fault selects the pointer that faulted, so the heatmap, tables and inspector all show it.
  const fault = [...d.events].reverse().find((e) => e.kind === 'fault' && e.address);
  if (fault?.address) {
    const va = BigInt(fault.address) & ((1n << 56n) - 1n);
    useStore.setState({ selectedVa: Number(va & ~0xfn) });
    s.inspect(fault.address);
  } else if (s.pointerText && (d.granuleIndices.length > 0 || d.layout)) {
    // The inspected pointer's granule may have changed: ask again.
    send({ type: 'inspectPointer', text: s.pointerText, requestId: ++pointerRequest });
  }
}

function onEvent(e: EventMessage): void {
  switch (e.type) {
    case 'hello':
      useStore.setState({ connected: true });
      useStore.getState().load();
      return;
    case 'delta': return applyDelta(e);
    case 'pointer':
      if (e.requestId === pointerRequest) useStore.setState({ pointer: e });
      return;
    case 'asm':
      if (e.requestId === asmRequest) useStore.setState({ asmErrors: e.errors });
      return;
    case 'error':
      if (e.where === 'asm' || e.where === 'elf') {
        useStore.setState({ loadError: { where: e.where, message: e.message, line: e.line }, asmErrors: e.where === 'asm' ? [{ line: e.line ?? null, message: e.message }] : useStore.getState().asmErrors });
      } else useStore.setState({ engineError: e.message });
  }
}

/** Starts the worker; called once by main.tsx. */
export function startEngine(): void {
  engine ??= connectEngine(onEvent, (message) => useStore.setState({ engineError: `The engine stopped: ${message}.`, status: 'paused' }));
}
