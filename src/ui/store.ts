/**
 * The one store of the page, fed by worker messages. Slices: machine (what the engine last showed),
 * selection (what the user is looking at; every view highlights it), scenario (program and toggles) and
 * ui (theme, panels). Actions next to the state they change send commands; components never talk to the
 * worker themselves, and select the narrowest piece they need.
 */
import { create } from 'zustand';
import { scenarioFromJson, scenarioToJson } from '../scenario/codec.ts';
import { ScenarioSchema, type Scenario } from '../scenario/schema.ts';
import { GRANULES_PER_PAGE } from './layout.ts';
import { connectEngine, type EngineConnection } from './engine.ts';
import { DEFAULT_PROGRAM } from './defaultProgram.ts';
import { demosById } from './gallery.ts';
import { loadSaved, saveDraft, saveOpened, saveTheme } from './persist.ts';
import {
  actionsToShow, configFromMachine, demoFragment, readLink, scenarioOfPage, shareFragment, wouldLoseWork, type LinkTarget,
} from './scenario.ts';
import {
  type Command, type Delta, type DisasmLine, type EventMessage, type LogEvent, type MteSysregs,
  type PageInfo, type PointerReport, type RunConfig, type RunStatus,
} from '../worker/protocol.ts';
import { pairToBig, parseU64 } from '../worker/format.ts';

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
  /** Granules with a non-zero allocation tag, kept up to date delta by delta (never a full scan per frame). */
  taggedCells: number;
  pageFlags: Uint8Array;
  events: LogEvent[];
  output: string;
  disasm: DisasmLine[];
  breakpoints: number[];
  engineError: string | null;
  /** Scripted actions of the opened scenario still running. */
  pendingActions: number;
}

export interface SelectionSlice {
  /** Selected granule address (untagged VA), shared by heatmap, tables and inspector. */
  selectedVa: number | null;
  pointerText: string;
  pointer: PointerReport | null;
  selectedEvent: number | null;
  /** A register a tour step points at (0..30, 31 = SP). */
  selectedRegister: number | null;
}

export interface ScenarioSlice {
  programText: string;
  config: RunConfig;
  /** Errors of the program text as last checked (inline in the editor). */
  asmErrors: { line: number | null; message: string }[];
  /** A load that failed (bad assembly or bad ELF), shown where the user loaded it. */
  loadError: { where: string; message: string; line?: number } | null;
  programName: string;
  /** The scenario opened last (a demo, a link or a file), or the editor's own. */
  base: Scenario;
  demoId: string | null;
  /** The guided tour's step shown (0-based), or null outside a tour. */
  tourStep: number | null;
  /** A bundled program loaded instead of the editor's text. */
  bundled: string | null;
}

/** A link or file waiting for the user's answer, because opening it would replace their own program. */
export interface PendingOpen {
  scenario: Scenario;
  tourStep: number | null;
  demoId: string | null;
  source: string;
}

export interface UiSlice {
  theme: 'light' | 'dark';
  presenter: boolean;
  /** Why a link or file could not be opened, shown in place with a way forward. */
  notice: string | null;
  pendingOpen: PendingOpen | null;
  /** The last shared link, shown so it can be copied by hand. */
  shareUrl: string | null;
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
  /** Opens a link target (after asking when it would replace the user's program). */
  follow(target: LinkTarget, source: string): void;
  /** Opens a scenario at a tour step, replacing the program. */
  open(scenario: Scenario, tourStep: number | null, demoId: string | null): void;
  answerPendingOpen(open: boolean): void;
  goToStep(step: number): void;
  leaveTour(): void;
  setPresenter(on: boolean): void;
  share(): string;
  exportJson(): string;
  importJson(name: string, text: string): void;
  dismissNotice(): void;
}

export type Store = MachineSlice & SelectionSlice & ScenarioSlice & UiSlice & Actions;

let engine: EngineConnection | null = null;
let pointerRequest = 0;
let asmRequest = 0;
let asmTimer: ReturnType<typeof setTimeout> | undefined;

const send = (c: Command, transfer?: Transferable[]): void => engine?.send(c, transfer);

const saved = loadSaved();

const EDITOR_SCENARIO: Scenario = ScenarioSchema.parse({ version: 1, title: 'My program', program: { kind: 'asm', source: '' } });

/** A granule (tour highlight or shared selection) to select once the scenario's actions are done. */
let pendingSelection: Scenario['view']['selection'] | null = null;

function setHash(fragment: string): void {
  history.replaceState(null, '', fragment === '' ? location.pathname + location.search : `#${fragment}`);
}

function tourFragment(s: Store, step: number): string {
  return s.demoId !== null ? demoFragment(s.demoId, step) : shareFragment(scenarioOfPage({ ...pageOf(s), tourStep: step }), step);
}

function pageOf(s: Store) {
  return { base: s.base, programText: s.programText, bundled: s.bundled, config: s.config, instret: s.instret, tourStep: s.tourStep, selectedVa: s.selectedVa };
}

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
  taggedCells: 0,
  pageFlags: new Uint8Array(0),
  events: [],
  output: '',
  disasm: [],
  breakpoints: [],
  engineError: null,
  pendingActions: 0,

  selectedVa: null,
  pointerText: '',
  pointer: null,
  selectedEvent: null,
  selectedRegister: null,

  programText: saved.programText,
  config: saved.config,
  asmErrors: [],
  loadError: null,
  programName: 'editor',
  base: EDITOR_SCENARIO,
  demoId: null,
  tourStep: null,
  bundled: null,

  theme: saved.theme,
  presenter: false,
  notice: null,
  pendingOpen: null,
  shareUrl: null,

  load() {
    const { programText, config } = get();
    set({ loadError: null, programName: 'editor', selectedEvent: null, bundled: null });
    send({ type: 'load', program: { kind: 'asm', text: programText }, config });
  },
  loadElf(name, bytes) {
    set({ loadError: null, programName: name, selectedEvent: null, bundled: null, tourStep: null });
    send({ type: 'load', program: { kind: 'elf', name, bytes }, config: get().config }, [bytes]);
  },
  command(type) {
    send({ type });
  },
  setConfig(patch) {
    const config = { ...get().config, ...patch };
    set({ config });
    saveDraft(get().programText, config);
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
    // A pointer typed or clicked anywhere selects its granule in every view.
    const value = parseU64(text);
    const va = value === null ? null : Number(value & 0x00ff_ffff_ffff_fff0n);
    set({ pointerText: text, ...(va !== null && va !== get().selectedVa ? { selectedVa: va, selectedRegister: null } : {}) });
    send({ type: 'inspectPointer', text, requestId: ++pointerRequest });
  },
  selectGranule(va, tag) {
    set({ selectedVa: va, selectedRegister: null });
    const value = (BigInt(tag ?? 0) << 56n) | BigInt(va);
    get().inspect(`0x${value.toString(16).padStart(16, '0')}`);
  },
  setProgramText(text) {
    set({ programText: text });
    saveDraft(text, get().config);
    clearTimeout(asmTimer);
    asmTimer = setTimeout(() => send({ type: 'checkAsm', text, requestId: ++asmRequest }), 250);
  },
  setTheme(theme) {
    set({ theme });
    saveTheme(theme);
  },
  restartEngine() {
    set({ engineError: null, connected: false });
    engine?.restart();
  },
  follow(target, source) {
    if (target.kind === 'none') return;
    if (target.kind === 'error') {
      set({ notice: target.message });
      return;
    }
    const s = get();
    if (wouldLoseWork(s.programText, saved.openedText, target.scenario, DEFAULT_PROGRAM)) {
      set({ pendingOpen: { scenario: target.scenario, tourStep: target.tourStep, demoId: target.demoId, source } });
      return;
    }
    s.open(target.scenario, target.tourStep, target.demoId);
  },
  open(scenario, tourStep, demoId) {
    const program = scenario.program;
    const config = configFromMachine(scenario.machine);
    const step = tourStep === null ? undefined : scenario.steps[tourStep];
    pendingSelection = step ? step.highlight ?? null : scenario.view.selection ?? null;
    set({
      base: scenario, demoId, tourStep, config, notice: null, pendingOpen: null, loadError: null, selectedEvent: null,
      selectedRegister: null, bundled: program.kind === 'bundled' ? program.name : null,
      programName: program.kind === 'bundled' ? program.name : 'editor', pendingActions: 1,
      ...(program.kind === 'asm' ? { programText: program.source, asmErrors: [] } : {}),
    });
    if (program.kind === 'asm') {
      saved.openedText = program.source;
      saveOpened(program.source);
      saveDraft(program.source, config);
    }
    const actions = actionsToShow(scenario, tourStep);
    if (program.kind === 'asm') {
      send({ type: 'load', program: { kind: 'asm', text: program.source }, config, actions });
      return;
    }
    fetch(`programs/${encodeURIComponent(program.name)}.elf`).then(async (r) => {
      if (!r.ok) throw new Error(`the server answered ${r.status}`);
      const bytes = await r.arrayBuffer();
      send({ type: 'load', program: { kind: 'elf', name: program.name, bytes }, config, actions }, [bytes]);
    }).catch((e: unknown) => set({ notice: `The bundled program "${program.name}" could not be fetched (${e instanceof Error ? e.message : String(e)}). Pick a demo from the gallery or write a program.`, pendingActions: 0 }));
  },
  answerPendingOpen(yes) {
    const p = get().pendingOpen;
    set({ pendingOpen: null });
    if (p && yes) get().open(p.scenario, p.tourStep, p.demoId);
    else if (p) setHash('');
  },
  goToStep(step) {
    const s = get();
    if (s.tourStep === null || step < 0 || step >= s.base.steps.length) return;
    setHash(tourFragment(s, step));
    s.open(s.base, step, s.demoId);
  },
  leaveTour() {
    set({ tourStep: null, presenter: false });
    setHash('');
  },
  setPresenter(on) {
    set({ presenter: on && get().tourStep !== null });
  },
  share() {
    const s = get();
    const fragment = s.demoId !== null && s.tourStep !== null ? demoFragment(s.demoId, s.tourStep) : shareFragment(scenarioOfPage(pageOf(s)), s.tourStep);
    setHash(fragment);
    const url = location.href;
    set({ shareUrl: url });
    navigator.clipboard?.writeText(url).catch(() => undefined);
    return url;
  },
  exportJson() {
    return scenarioToJson(scenarioOfPage(pageOf(get())));
  },
  importJson(name, text) {
    const r = scenarioFromJson(text);
    if (!r.ok) {
      set({ notice: `${name} cannot be opened: ${r.error}` });
      return;
    }
    get().follow({ kind: 'open', scenario: r.scenario, tourStep: r.scenario.steps.length > 0 ? 0 : null, demoId: null }, name);
  },
  dismissNotice() {
    set({ notice: null });
  },
}));

/** 1 for a granule cell with a non-zero allocation tag. */
export const isColoured = (v: number): number => (v < 0x10 && v !== 0 ? 1 : 0);

/** The allocation tag shown for the granule at `va`, or null when it has none (untagged, unmapped). */
function tagOfGranule(va: number): number | null {
  const { layout, cells } = useStore.getState();
  const page = layout.findIndex((p) => va >= p.va && va < p.va + 4096);
  const v = page < 0 ? 0xff : cells[page * GRANULES_PER_PAGE + Math.floor((va % 4096) / 16)];
  return v < 0x10 ? v : null;
}

function applyDelta(d: Delta): void {
  const s = useStore.getState();
  let cells = s.cells;
  let changedCells: Uint32Array | null = d.granuleIndices;
  if (d.layout) {
    cells = new Uint8Array(d.layout.length * GRANULES_PER_PAGE);
    changedCells = null;
  }
  let tagged = d.layout ? 0 : s.taggedCells;
  for (let i = 0; i < d.granuleIndices.length; i++) {
    const k = d.granuleIndices[i];
    tagged += isColoured(d.granuleValues[i]) - (d.layout ? 0 : isColoured(cells[k]));
    cells[k] = d.granuleValues[i];
  }
  useStore.setState({
    status: d.status, instret: d.instret, pc: d.pc, regs: d.regs, regsChanged: d.regsChanged, sysregs: d.sysregs,
    layout: d.layout ?? s.layout, cells, changedCells, cellsVersion: s.cellsVersion + 1, taggedCells: tagged, pageFlags: d.pageFlags,
    events: d.eventsReset ? d.events : d.events.length ? [...s.events, ...d.events] : s.events,
    output: d.outputReset ? d.output : s.output + d.output,
    disasm: d.disasm ?? s.disasm, breakpoints: d.breakpoints, pendingActions: d.pendingActions,
  });
  if (d.pendingActions === 0 && pendingSelection !== null) {
    // A tour step's highlight (or a shared selection) wins over the automatic fault selection below.
    const sel = pendingSelection;
    pendingSelection = null;
    if (sel?.kind === 'granule') s.selectGranule(sel.address, tagOfGranule(sel.address));
    else if (sel?.kind === 'register') {
      // The register is inspected as a pointer: its tag against the granule it points at.
      s.inspect(`0x${pairToBig(d.regs[2 * sel.index], d.regs[2 * sel.index + 1]).toString(16).padStart(16, '0')}`);
      useStore.setState({ selectedRegister: sel.index });
    }
    else if (sel?.kind === 'event') {
      const ev = useStore.getState().events[sel.index];
      useStore.setState({ selectedEvent: ev ? ev.seq : null });
    }
    return;
  }
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

let greeted = false;

function onEvent(e: EventMessage): void {
  switch (e.type) {
    case 'hello': {
      useStore.setState({ connected: true });
      const st = useStore.getState();
      // The first start opens the page's link; a restarted engine reloads what the page shows.
      const target = greeted ? ({ kind: 'none' } as const) : readLink(location.hash, demosById);
      greeted = true;
      st.follow(target, 'the link');
      if (target.kind !== 'open' || useStore.getState().pendingOpen) st.load();
      return;
    }
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

/** Starts the worker and follows links pasted into the address bar; called once by main.tsx. */
export function startEngine(): void {
  window.addEventListener('hashchange', () => {
    const target = readLink(location.hash, demosById);
    if (useStore.getState().connected) useStore.getState().follow(target, 'the link');
  });
  engine ??= connectEngine(onEvent, (message) => useStore.setState({ engineError: `The engine stopped: ${message}.`, status: 'paused' }));
}
