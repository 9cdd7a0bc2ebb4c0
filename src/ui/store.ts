/**
 * The one store of the page, fed by worker messages. Slices: machine (what the engine last showed),
 * selection (what the user is looking at; every view highlights it), scenario (program and toggles) and
 * ui (theme, panels). Actions next to the state they change send commands; components never talk to the
 * worker themselves, and select the narrowest piece they need.
 */
import './noEval.ts';
import { create } from 'zustand';
import { scenarioFromJson, scenarioToJson } from '../scenario/codec.ts';
import { ScenarioSchema, type Action, type Scenario } from '../scenario/schema.ts';
import { GRANULES_PER_PAGE } from './layout.ts';
import { connectEngine, type EngineConnection } from './engine.ts';
import { DEFAULT_PROGRAM } from './defaultProgram.ts';
import { byId, lessonDemos, withPresets, type Demo } from './gallery.ts';
import { presetTours } from './lessons/presetTours.ts';
import { loadSaved, saveDraft, saveOpened, saveTheme } from './persist.ts';
import {
  actionsToShow, atTourStep, demoFragment, readLink, scenarioOfPage, shareFragment, wouldLoseWork, type LinkTarget, type PageState, type Selection,
} from './scenario.ts';
import {
  Cell, type Command, type Delta, type DisasmLine, type EventMessage, type HostAction, type LogEvent, type MteSysregs,
  type PageInfo, type PointerReport, type RunConfig, type RunStatus, type Space, type SpaceDelta, type Tables,
} from '../worker/protocol.ts';
import { pairToBig, parseU64 } from '../worker/format.ts';

/** One address space's pages as the heatmap draws them. */
export interface SpaceState {
  pages: PageInfo[];
  /** One byte per granule in `pages` order (see protocol `Cell`). */
  cells: Uint8Array;
  /** PageFlag bits per page. */
  flags: Uint8Array;
  /** Granules changed by the last delta, for the heatmap's partial redraw; null means redraw all. */
  changed: Uint32Array | null;
  version: number;
  /** Granules with a non-zero allocation tag, kept up to date delta by delta (never a full scan per frame). */
  tagged: number;
}

export const emptySpace = (): SpaceState => ({ pages: [], cells: new Uint8Array(0), flags: new Uint8Array(0), changed: null, version: 0, tagged: 0 });

export interface MachineSlice {
  connected: boolean;
  status: RunStatus;
  mode: 'bare' | 'vm';
  clock: number;
  instret: number;
  pc: number;
  regs: Uint32Array;
  regsChanged: Uint32Array;
  sysregs: MteSysregs | null;
  spaces: Record<Space, SpaceState>;
  tables: Tables;
  events: LogEvent[];
  output: string;
  disasm: DisasmLine[];
  breakpoints: number[];
  engineError: string | null;
  /** Scripted actions of the opened scenario still running (or a request not answered yet). */
  pendingActions: number;
  /** What was done since the start, as actions that reproduce it. */
  history: Action[];
  scriptDone: number;
  /** session.stateHash() of the machine at rest, for comparing two pages bit for bit. */
  stateHash: string | null;
  /** Data bytes of pages read for the heatmap's deepest zoom, by `${space}:${page}`. */
  pageBytes: Map<string, Uint8Array>;
}

export interface SelectionSlice {
  /** The selected granule: its space and address (untagged), shared by heatmap, tables and inspector. */
  selected: { space: Space; address: number } | null;
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
  /** The address space the heatmap shows. */
  heatSpace: Space;
  /** The gallery: the lessons, then the engine's presets. */
  demos: readonly Demo[];
}

export interface Actions {
  load(): void;
  loadElf(name: string, bytes: ArrayBuffer): void;
  command(c: Extract<Command, { type: 'run' | 'runToFault' | 'pause' | 'step' | 'stepBack' | 'reset' }>['type']): void;
  setConfig(patch: Partial<RunConfig>): void;
  hostAction(action: HostAction): void;
  toggleBreakpoint(address: number): void;
  travel(event: LogEvent): void;
  inspect(text: string): void;
  /** Selects a granule of a space; `tag` colours the pointer inspected for a VA. */
  selectGranule(space: Space, address: number, tag: number | null): void;
  setHeatSpace(space: Space): void;
  requestPage(space: Space, page: number): void;
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
let pageRequest = 0;
let hashRequest = 0;
let asmTimer: ReturnType<typeof setTimeout> | undefined;
let hashTimer: ReturnType<typeof setTimeout> | undefined;
/** The pointer text the inspector asked about last, asked again after a restart. */
let inspected = '';
/** An uploaded ELF while it is the program loaded: a copy, since loading transfers the bytes to the worker. */
let upload: { name: string; bytes: ArrayBuffer } | null = null;
/** The last load or toStep sent: deltas answering an earlier one do not end the wait for it. */
let ticket = 0;
const pagesAsked = new Set<string>();

const send = (c: Command, transfer?: Transferable[]): void => engine?.send(c, transfer);

function askPointer(text: string): void {
  inspected = text;
  send({ type: 'inspectPointer', text, requestId: ++pointerRequest });
}

const saved = loadSaved();

const editorScenario = (source: string, machine: RunConfig): Scenario => ScenarioSchema.parse({ version: 1, title: 'My program', program: { kind: 'asm', source }, machine });

/** A granule (tour highlight or shared selection) to select once the scenario's actions are done. */
let pendingSelection: Selection | null = null;
/** The event a KVM scenario's tour step explains, selected once the step is ready. */
let pendingFocus: string | RegExp | null = null;

function focusOf(demoId: string | null, step: number | null): string | RegExp | null {
  return demoId === null || step === null ? null : presetTours[demoId]?.[step]?.focus ?? null;
}

/** What the views select once a scenario is open: the tour step's highlight, or the scenario's own selection. */
function awaitSelection(scenario: Scenario, tourStep: number | null, demoId: string | null): void {
  const step = tourStep === null ? undefined : scenario.steps[tourStep];
  pendingSelection = step ? step.highlight ?? null : scenario.view.selection ?? null;
  pendingFocus = focusOf(demoId, tourStep);
}

/** What the views showed, put back once a restarted engine has reopened the page. */
type ViewState = Pick<Store, 'selected' | 'selectedRegister' | 'selectedEvent' | 'heatSpace' | 'pointerText'> & { inspected: string };

/** What a restarted engine opens. */
interface Reopen {
  scenario: Scenario;
  tourStep: number | null;
  demoId: string | null;
  /** Null: select what the scenario itself selects. */
  view: ViewState | null;
}

/** Set by a restart, opened when the new engine says hello. */
let reopening: Reopen | null = null;
/** Set while a reopened page waits for its last action: its view is then put back. */
let restoringView: ViewState | null = null;
/** The report of an engine that went silent, taken back if it answers after all. */
let stoppedReport: string | null = null;

function setHash(fragment: string): void {
  history.replaceState(null, '', fragment === '' ? location.pathname + location.search : `#${fragment}`);
}

function selectionOf(s: Store): Selection | null {
  return s.selected === null ? null : { kind: 'granule', space: s.selected.space, address: s.selected.address };
}

function pageOf(s: Store): PageState {
  return { base: s.base, programText: s.programText, bundled: s.bundled, config: s.config, history: s.history, scriptDone: s.scriptDone, tourStep: s.tourStep, selection: selectionOf(s) };
}

/** The page's link: a demo at its step, or the scenario with everything done so far. */
function pageFragment(s: Store): string {
  const page = pageOf(s);
  const inTour = atTourStep(page);
  if (inTour && s.demoId !== null && page.selection === null) return demoFragment(s.demoId, s.tourStep!);
  return shareFragment(scenarioOfPage(page), inTour ? s.tourStep : null);
}

function sendLoad(scenario: Scenario, perform: number, elf?: ArrayBuffer, fileName?: string): void {
  pagesAsked.clear();
  useStore.setState({ pendingActions: 1, stateHash: null, pageBytes: new Map() });
  send({ type: 'load', scenario, perform, elf, fileName, ticket: ++ticket }, elf ? [elf] : undefined);
}

/** Loads a scenario with its program: assembly as it is, the upload kept, a bundled program fetched first. */
function sendScenario(scenario: Scenario, perform: number): void {
  const program = scenario.program;
  if (program.kind === 'asm') return sendLoad(scenario, perform);
  if (upload !== null) return sendLoad(scenario, perform, upload.bytes.slice(0), upload.name);
  useStore.setState({ pendingActions: 1 });
  fetch(`programs/${encodeURIComponent(program.name)}.elf`).then(async (r) => {
    if (!r.ok) throw new Error(`the server answered ${r.status}`);
    sendLoad(scenario, perform, await r.arrayBuffer(), program.name);
  }).catch((e: unknown) => useStore.setState({ notice: `The bundled program "${program.name}" could not be fetched (${e instanceof Error ? e.message : String(e)}). Pick a demo from the gallery or write a program.`, pendingActions: 0 }));
}

/**
 * The page as it stands, to reopen in a new engine: the scenario that Share would put in the link, on the
 * program actually loaded (the editor may hold edits not loaded yet), with everything done performed, so the
 * new engine reaches the same stateHash; and what the views selected. While a load or a tour step is on its
 * way, what was asked for instead. A history too long for a scenario reopens the scenario as it was opened.
 */
function reopenOf(s: Store): Reopen {
  const asked: Reopen = { scenario: s.base, tourStep: s.tourStep, demoId: s.demoId, view: null };
  if (s.pendingActions > 0) return asked;
  const loaded = s.base.program;
  const page = { ...pageOf(s), programText: loaded.kind === 'asm' ? loaded.source : s.programText, bundled: loaded.kind === 'bundled' ? loaded.name : null };
  const inTour = atTourStep(page);
  const view = { selected: s.selected, selectedRegister: s.selectedRegister, selectedEvent: s.selectedEvent, heatSpace: s.heatSpace, pointerText: s.pointerText, inspected };
  try {
    return { scenario: scenarioOfPage(page), tourStep: inTour ? s.tourStep : null, demoId: inTour ? s.demoId : null, view };
  } catch {
    return asked;
  }
}

function reopen(r: Reopen): void {
  if (r.view === null) awaitSelection(r.scenario, r.tourStep, r.demoId);
  else pendingSelection = pendingFocus = null;
  restoringView = r.view;
  useStore.setState({ base: r.scenario, tourStep: r.tourStep, demoId: r.demoId, config: r.scenario.machine });
  sendScenario(r.scenario, actionsToShow(r.scenario, r.tourStep).length);
}

export const useStore = create<Store>()((set, get) => ({
  connected: false,
  status: 'empty',
  mode: 'bare',
  clock: 0,
  instret: 0,
  pc: 0,
  regs: new Uint32Array(68),
  regsChanged: new Uint32Array(2),
  sysregs: null,
  spaces: { va: emptySpace(), guest: emptySpace(), host: emptySpace() },
  tables: { stage1: [], stage2: null, vmm: null },
  events: [],
  output: '',
  disasm: [],
  breakpoints: [],
  engineError: null,
  pendingActions: 0,
  history: [],
  scriptDone: 0,
  stateHash: null,
  pageBytes: new Map(),

  selected: null,
  pointerText: '',
  pointer: null,
  selectedEvent: null,
  selectedRegister: null,

  programText: saved.programText,
  config: saved.config,
  asmErrors: [],
  loadError: null,
  programName: 'editor',
  base: editorScenario('', saved.config),
  demoId: null,
  tourStep: null,
  bundled: null,

  theme: saved.theme,
  presenter: false,
  notice: null,
  pendingOpen: null,
  shareUrl: null,
  heatSpace: 'va',
  demos: lessonDemos,

  load() {
    const { programText, config } = get();
    const base = editorScenario(programText, config);
    set({ loadError: null, programName: 'editor', selectedEvent: null, bundled: null, base, demoId: null, tourStep: null });
    upload = null;
    sendLoad(base, 0);
  },
  loadElf(name, bytes) {
    const base = ScenarioSchema.parse({ version: 1, title: name, program: { kind: 'bundled', name: 'upload' }, machine: get().config });
    set({ loadError: null, programName: name, selectedEvent: null, bundled: null, tourStep: null, demoId: null, base });
    upload = { name, bytes: bytes.slice(0) };
    sendLoad(base, 0, bytes, name);
  },
  command(type) {
    send({ type });
  },
  setConfig(patch) {
    // KVM_CAP_ARM_MTE and the kernel version are the hypervisor's: changing them runs the program as a KVM guest.
    const kvm = 'kvmCapMte' in patch || 'kernel' in patch;
    const config = { ...get().config, ...patch, ...(kvm ? { mode: 'vm' as const } : {}) };
    set({ config });
    saveDraft(get().programText, config);
    send({ type: 'setMachine', machine: config });
  },
  hostAction(action) {
    send({ type: 'hostAction', action });
  },
  toggleBreakpoint(address) {
    send({ type: 'setBreakpoint', address, enabled: !get().breakpoints.includes(address) });
  },
  travel(event) {
    set({ selectedEvent: event.seq });
    if (event.address) get().inspect(event.address);
    send({ type: 'travel', event: event.seq });
  },
  inspect(text) {
    // A pointer typed or clicked anywhere selects its granule in every view.
    const value = parseU64(text);
    const va = value === null ? null : Number(value & 0x00ff_ffff_ffff_fff0n);
    const cur = get().selected;
    set({ pointerText: text, ...(va !== null && (cur?.space !== 'va' || cur.address !== va) ? { selected: { space: 'va', address: va }, selectedRegister: null } : {}) });
    askPointer(text);
  },
  selectGranule(space, address, tag) {
    if (space !== 'va') {
      // A physical granule: the inspector follows the guest VA that maps it, when there is one.
      set({ selected: { space, address }, selectedRegister: null });
      const va = vaOf(get(), space, address);
      if (va !== null) askPointer(pointerText(va, tag));
      return;
    }
    set({ selected: { space, address }, selectedRegister: null });
    get().inspect(pointerText(address, tag));
  },
  setHeatSpace(space) {
    set({ heatSpace: space });
  },
  requestPage(space, page) {
    const key = `${space}:${page}`;
    if (pagesAsked.has(key)) return;
    pagesAsked.add(key);
    send({ type: 'readPage', space, page, requestId: ++pageRequest });
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
    const s = get();
    reopening = s.status === 'empty' ? null : reopenOf(s);
    stoppedReport = null;
    // The hash belonged to the stopped machine: the new engine shows its own once it has reopened the page.
    set({ engineError: null, connected: false, stateHash: null });
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
    const step = tourStep === null ? undefined : scenario.steps[tourStep];
    awaitSelection(scenario, tourStep, demoId);
    restoringView = null;
    upload = null;
    set({
      base: scenario, demoId, tourStep, config: scenario.machine, notice: null, pendingOpen: null, loadError: null, selectedEvent: null,
      selectedRegister: null, bundled: program.kind === 'bundled' ? program.name : null, selected: null, pointer: null, pointerText: '',
      programName: program.kind === 'bundled' ? program.name : 'editor', heatSpace: scenario.machine.mode === 'vm' && step?.view === 'tables' ? 'host' : 'va',
      ...(program.kind === 'asm' ? { programText: program.source, asmErrors: [] } : {}),
    });
    if (program.kind === 'asm') {
      saved.openedText = program.source;
      saveOpened(program.source);
      saveDraft(program.source, scenario.machine);
    }
    sendScenario(scenario, actionsToShow(scenario, tourStep).length);
  },
  answerPendingOpen(yes) {
    const p = get().pendingOpen;
    set({ pendingOpen: null });
    if (p && yes) get().open(p.scenario, p.tourStep, p.demoId);
    else if (p) setHash('');
  },
  goToStep(step) {
    const s = get();
    const target = s.base.steps[step];
    if (s.tourStep === null || target === undefined) return;
    // Same scenario, same machine: move along its script (back by time travel), not a reload.
    pendingSelection = target.highlight ?? null;
    pendingFocus = focusOf(s.demoId, step);
    set({ tourStep: step, pendingActions: 1, selectedEvent: null, selectedRegister: null });
    send({ type: 'toStep', perform: target.afterAction, ticket: ++ticket });
    setHash(s.demoId !== null ? demoFragment(s.demoId, step) : shareFragment(s.base, step));
  },
  leaveTour() {
    set({ tourStep: null, presenter: false });
    setHash('');
  },
  setPresenter(on) {
    set({ presenter: on && get().tourStep !== null });
  },
  share() {
    const fragment = pageFragment(get());
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
    const tourStep = r.scenario.steps.length === 0 ? null : Math.max(0, r.scenario.steps.findIndex((st) => st.afterAction === r.scenario.view.step));
    get().follow({ kind: 'open', scenario: r.scenario, tourStep, demoId: null }, name);
  },
  dismissNotice() {
    set({ notice: null });
  },
}));

const pointerText = (address: number, tag: number | null): string => `0x${((BigInt(tag ?? 0) << 56n) | BigInt(address)).toString(16).padStart(16, '0')}`;

/** The guest VA that maps a guest-physical or host-physical granule, through the stage-1 and stage-2 tables. */
function vaOf(s: Store, space: Space, address: number): number | null {
  let ipa = address;
  if (space === 'host') {
    const row = s.tables.stage2?.find((r) => address >= r.output && address < r.output + 4096);
    if (!row) return null;
    ipa = row.input + (address - row.output);
  }
  const s1 = s.tables.stage1.find((r) => ipa >= r.output && ipa < r.output + 4096);
  return s1 ? s1.input + (ipa - s1.output) : null;
}

/** 1 for a granule cell with a non-zero allocation tag. */
export const isColoured = (v: number): number => (v < 0x10 && v !== 0 ? 1 : 0);

/** Index of the page holding `address` in a space, or -1 (pages are in address order). */
export function pageIndex(space: SpaceState, address: number): number {
  const base = address - (address % 4096);
  let lo = 0;
  let hi = space.pages.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const a = space.pages[mid].address;
    if (a === base) return mid;
    if (a < base) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The allocation tag shown for the granule at `va`, or null when it has none (untagged, unmapped). */
function tagOfGranule(space: Space, address: number): number | null {
  const sp = useStore.getState().spaces[space];
  const page = pageIndex(sp, address);
  const v = page < 0 ? 0xff : sp.cells[page * GRANULES_PER_PAGE + Math.floor((address % 4096) / 16)];
  return v < 0x10 ? v : null;
}

function applySpace(old: SpaceState, d: SpaceDelta): SpaceState {
  let cells = old.cells;
  let changed: Uint32Array | null = d.indices;
  if (d.pages) {
    cells = new Uint8Array(d.pages.length * GRANULES_PER_PAGE).fill(Cell.NeverInitialised);
    changed = null;
  }
  let tagged = d.pages ? 0 : old.tagged;
  for (let i = 0; i < d.indices.length; i++) {
    const k = d.indices[i];
    tagged += isColoured(d.values[i]) - (d.pages ? 0 : isColoured(cells[k]));
    cells[k] = d.values[i];
  }
  const same = !d.pages && d.indices.length === 0 && sameBytes(old.flags, d.flags);
  if (same) return old;
  return { pages: d.pages ?? old.pages, cells, flags: d.flags, changed, version: old.version + 1, tagged };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function applyDelta(d: Delta): void {
  const s = useStore.getState();
  const spaces = {
    va: applySpace(s.spaces.va, d.spaces.va),
    guest: applySpace(s.spaces.guest, d.spaces.guest),
    host: d.spaces.host ? applySpace(s.spaces.host, d.spaces.host) : s.mode === 'vm' || s.spaces.host.pages.length > 0 ? emptySpace() : s.spaces.host,
  };
  const memoryChanged = spaces.va !== s.spaces.va || spaces.guest !== s.spaces.guest || spaces.host !== s.spaces.host;
  const answered = d.ticket === ticket;
  useStore.setState({
    status: d.status, mode: d.mode, clock: d.clock, instret: d.instret, pc: d.pc, regs: d.regs, regsChanged: d.regsChanged, sysregs: d.sysregs,
    spaces, tables: d.tables ?? s.tables,
    events: d.eventsReset ? d.events : d.events.length ? [...s.events, ...d.events] : s.events,
    output: d.outputReset ? d.output : s.output + d.output,
    disasm: d.disasm ?? s.disasm, breakpoints: d.breakpoints, pendingActions: answered ? d.pendingActions : Math.max(1, d.pendingActions),
    history: d.history ?? s.history, scriptDone: d.scriptDone,
    ...(memoryChanged ? { pageBytes: new Map() } : {}),
    ...(d.status === 'running' || d.clock !== s.clock || d.eventsReset ? { stateHash: null } : {}),
  });
  if (memoryChanged) pagesAsked.clear();
  if (d.status !== 'running' && answered && d.pendingActions === 0) {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(() => send({ type: 'hash', requestId: ++hashRequest }), 50);
  }
  if (answered && d.pendingActions === 0 && pendingFocus !== null) {
    const focus = pendingFocus;
    pendingFocus = null;
    const ev = [...useStore.getState().events].reverse().find((e) => (typeof focus === 'string' ? e.kind === focus : focus.test(e.title)));
    if (ev) useStore.setState({ selectedEvent: ev.seq });
  }
  if (answered && d.pendingActions === 0 && restoringView !== null) {
    // A restarted engine reopened the page: the views show what they showed before.
    const { inspected: text, ...view } = restoringView;
    restoringView = null;
    useStore.setState(view);
    if (text !== '') askPointer(text);
    return;
  }
  if (answered && d.pendingActions === 0 && pendingSelection !== null) {
    // A tour step's highlight (or a shared selection) wins over the automatic fault selection below.
    const sel = pendingSelection;
    pendingSelection = null;
    if (sel.kind === 'granule') s.selectGranule(sel.space, sel.address, tagOfGranule(sel.space, sel.address));
    else if (sel.kind === 'register') {
      // The register is inspected as a pointer: its tag against the granule it points at.
      s.inspect(`0x${pairToBig(d.regs[2 * sel.index], d.regs[2 * sel.index + 1]).toString(16).padStart(16, '0')}`);
      useStore.setState({ selectedRegister: sel.index });
    } else {
      const ev = useStore.getState().events[sel.index];
      useStore.setState({ selectedEvent: ev ? ev.seq : null });
    }
    return;
  }
  // A new fault selects the pointer that faulted, so the heatmap, tables and inspector all show it.
  const fault = [...d.events].reverse().find((e) => e.kind === 'fault' && e.address);
  if (fault?.address) s.inspect(fault.address);
  else if (s.pointerText && (memoryChanged || d.eventsReset)) {
    // The inspected pointer's granule may have changed: ask again.
    askPointer(s.pointerText);
  }
}

let greeted = false;

function onEvent(e: EventMessage): void {
  switch (e.type) {
    case 'hello': {
      useStore.setState({ connected: true, demos: withPresets(e.presets) });
      if (reopening !== null) {
        const r = reopening;
        reopening = null;
        return reopen(r);
      }
      const st = useStore.getState();
      // The first start opens the page's link; a restart before anything was shown loads the editor's program.
      const restarted = greeted;
      const target = restarted ? ({ kind: 'none' } as const) : readLink(location.hash, byId(st.demos));
      greeted = true;
      // A file imported before the engine started is already on its way: it is not replaced by the editor's program.
      const waiting = !restarted && st.pendingActions > 0;
      st.follow(target, 'the link');
      if (!waiting && (target.kind !== 'open' || useStore.getState().pendingOpen)) st.load();
      return;
    }
    case 'delta': return applyDelta(e);
    case 'pointer':
      if (e.requestId === pointerRequest) useStore.setState({ pointer: e });
      return;
    case 'asm':
      if (e.requestId === asmRequest) useStore.setState({ asmErrors: e.errors });
      return;
    case 'page': {
      const pageBytes = new Map(useStore.getState().pageBytes);
      pageBytes.set(`${e.space}:${e.page}`, e.bytes);
      useStore.setState({ pageBytes });
      return;
    }
    case 'hash':
      if (e.requestId === hashRequest) useStore.setState({ stateHash: e.hash });
      return;
    case 'error':
      useStore.setState({ pendingActions: 0 });
      if (e.where === 'asm' || e.where === 'elf') {
        useStore.setState({ loadError: { where: e.where, message: e.message, line: e.line }, asmErrors: e.where === 'asm' ? [{ line: e.line ?? null, message: e.message }] : useStore.getState().asmErrors });
      } else if (e.where === 'scenario') useStore.setState({ notice: e.message });
      else useStore.setState({ engineError: e.message });
  }
}

/** Starts the worker and follows links pasted into the address bar; called once by main.tsx. */
export function startEngine(): void {
  window.addEventListener('hashchange', () => {
    const target = readLink(location.hash, byId(useStore.getState().demos));
    if (useStore.getState().connected) useStore.getState().follow(target, 'the link');
  });
  engine ??= connectEngine(onEvent, {
    stopped(message) {
      stoppedReport = `The engine stopped: ${message}.`;
      useStore.setState((s) => ({ engineError: stoppedReport, status: s.status === 'running' ? 'paused' : s.status }));
    },
    answered() {
      if (useStore.getState().engineError === stoppedReport) useStore.setState({ engineError: null });
    },
  });
}
