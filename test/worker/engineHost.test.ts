import { describe, expect, it } from 'vitest';
import { preset } from '../../src/scenario/presets/index.ts';
import { ScenarioSchema, type Action, type Scenario } from '../../src/scenario/schema.ts';
import { DEFAULT_PROGRAM } from '../../src/ui/defaultProgram.ts';
import { EngineHost, FRAME_MS, type Clock } from '../../src/worker/engineHost.ts';
import {
  DEFAULT_CONFIG, PageFlag, PROTOCOL_VERSION, type Command, type Delta, type EventMessage, type LogEvent, type PointerReport, type RunConfig,
} from '../../src/worker/protocol.ts';

const scenarioOf = (text: string, config: RunConfig = DEFAULT_CONFIG, actions: Action[] = []): Scenario =>
  ScenarioSchema.parse({ version: 1, program: { kind: 'asm', source: text }, machine: config, actions });
const loadCommand = (scenario: Scenario, perform = scenario.actions.length): Command => ({ type: 'load', scenario, perform, ticket: 1 });

/** A host on a virtual clock: every clock read advances 1 ms, and deferred slices run when drained. */
function virtualHost() {
  const queue: (() => void)[] = [];
  let t = 0;
  const clock: Clock = { now: () => (t += 1), defer: (fn) => queue.push(fn) };
  const posted: EventMessage[] = [];
  const host = new EngineHost((m) => posted.push(m), clock);
  const send = (c: Command): void => host.receive({ ...c, v: PROTOCOL_VERSION });
  const drain = (): void => {
    for (let i = 0; queue.length > 0 && i < 100_000; i++) queue.shift()!();
  };
  const deltas = (): Delta[] => posted.filter((m): m is Delta & { v: typeof PROTOCOL_VERSION } => m.type === 'delta');
  const last = (): Delta => deltas().at(-1)!;
  /** The event log as the UI would rebuild it from the deltas. */
  const events = (): LogEvent[] => {
    let log: LogEvent[] = [];
    for (const d of deltas()) log = d.eventsReset ? [...d.events] : [...log, ...d.events];
    return log;
  };
  const load = (text: string, config: RunConfig = DEFAULT_CONFIG): void => send(loadCommand(scenarioOf(text, config)));
  return { host, send, drain, posted, deltas, last, events, load };
}

const faults = (log: LogEvent[]) => log.filter((e) => e.kind === 'fault');

describe('the default teaching scenario', () => {
  it('a one-granule overflow of a coloured buffer takes a synchronous tag check fault', () => {
    const h = virtualHost();
    h.load(DEFAULT_PROGRAM);
    h.send({ type: 'run' });
    h.drain();
    expect(h.last().status).toBe('faulted');
    const [fault] = faults(h.events());
    expect(fault.title).toContain('SEGV_MTESERR');
    expect(fault.why).toMatch(/pointer tag 0x[1-9a-f] ≠ allocation tag 0x0: synchronous/);
  });

  it.each<[string, Partial<RunConfig>]>([
    ['TCF none ignores the mismatch', { tcf: 'none' }],
    ['PSTATE.TCO makes the store unchecked', { tco: true }],
    ['KVM_CAP_ARM_MTE off disables tag access for the KVM guest (HCR_EL2.ATA = 0)', { kvmCapMte: false, mode: 'vm' }],
  ])('%s: toggling it rebuilds the machine, replays the run and the fault disappears', (_, patch) => {
    const h = virtualHost();
    h.load(DEFAULT_PROGRAM);
    h.send({ type: 'run' });
    h.drain();
    h.send({ type: 'setMachine', machine: { ...DEFAULT_CONFIG, ...patch } });
    h.drain();
    h.send({ type: 'run' });
    h.drain();
    expect(h.last().status).toBe('exited');
    expect(faults(h.events())).toEqual([]);
  });

  it('TCMA0 does not help: the overflowing pointer has a non-zero tag', () => {
    const h = virtualHost();
    h.load(DEFAULT_PROGRAM, { ...DEFAULT_CONFIG, tcma0: true });
    h.send({ type: 'run' });
    h.drain();
    expect(h.last().status).toBe('faulted');
  });
});

describe('time travel by deterministic replay', () => {
  it('step back from a fault returns to the moment before the faulting store, then one instruction earlier', () => {
    const h = virtualHost();
    h.load(DEFAULT_PROGRAM);
    h.send({ type: 'run' });
    h.drain();
    const at = h.last();
    h.send({ type: 'stepBack' });
    h.drain();
    expect(h.last()).toMatchObject({ status: 'paused', instret: at.instret, pc: at.pc });
    expect(faults(h.events())).toEqual([]);
    h.send({ type: 'stepBack' });
    h.drain();
    expect(h.last()).toMatchObject({ status: 'paused', instret: at.instret - 1, pc: at.pc - 4 });
    h.send({ type: 'step' });
    h.send({ type: 'step' });
    h.drain();
    expect(h.last().status).toBe('faulted');
    expect(Array.from(h.last().regs)).toEqual(Array.from(at.regs));
  });

  it('travelling to an event reproduces the registers it had, tags included', () => {
    const h = virtualHost();
    h.load(DEFAULT_PROGRAM);
    h.send({ type: 'run' });
    h.drain();
    const first = h.last();
    const fault = faults(h.events())[0];
    const mmap = h.events().find((e) => e.title.startsWith('mmap('))!;
    h.send({ type: 'travel', event: mmap.seq });
    expect(h.last()).toMatchObject({ clock: mmap.clock, instret: mmap.instret, status: 'paused' });
    expect(faults(h.events())).toEqual([]);
    h.send({ type: 'travel', event: fault.seq });
    expect(h.last().status).toBe('faulted');
    expect(Array.from(h.last().regs)).toEqual(Array.from(first.regs));
    expect(faults(h.events())[0]).toEqual(fault);
  });
});

describe('deltas', () => {
  it('after a load the whole layout is sent; then only the granules whose cells changed', () => {
    const h = virtualHost();
    h.load(DEFAULT_PROGRAM);
    const full = h.last().spaces.va;
    expect(full.pages!.length).toBeGreaterThan(0);
    expect(full.indices.length).toBe(full.pages!.length * 256);
    const stepUntil = (pred: (d: Delta) => boolean): Delta => {
      for (let i = 0; i < 40; i++) {
        h.send({ type: 'step' });
        if (pred(h.last())) return h.last();
      }
      throw new Error('condition never met');
    };
    // The PROT_MTE page is populated by its first touch, ST2G: a relayout with its tags initialised to 0.
    const first = stepUntil((d) => d.spaces.va.pages?.some((p) => p.owner.includes('PROT_MTE')) === true).spaces.va;
    const page = first.pages!.findIndex((p) => p.owner.includes('PROT_MTE') && p.memory === 'tagged');
    expect(page).toBeGreaterThanOrEqual(0);
    const cell = (g: number): number => first.values[first.indices.indexOf(page * 256 + g)];
    const tagA = cell(0);
    expect([cell(0), cell(1), cell(2)]).toEqual([tagA, tagA, 0]);
    expect(tagA).toBeGreaterThan(0);
    expect(first.flags[page] & PageFlag.MteTagged).toBe(PageFlag.MteTagged);
    h.send({ type: 'step' }); // add
    h.send({ type: 'step' }); // irg
    expect(h.last().spaces.va.indices.length).toBe(0);
    h.send({ type: 'step' }); // st2g: object B, exactly its two granules
    const second = h.last().spaces.va;
    expect(Array.from(second.indices)).toEqual([page * 256 + 4, page * 256 + 5]);
    expect(second.values[0]).toBe(second.values[1]);
  });

  it('registers that changed are flagged and the others are not', () => {
    const h = virtualHost();
    h.load('mov x3, #5\nmov x4, #6\n');
    h.send({ type: 'step' });
    const d = h.last();
    const changed = (r: number): boolean => ((d.regsChanged[r >> 5] >>> (r & 31)) & 1) === 1;
    expect(changed(3)).toBe(true);
    expect(changed(4)).toBe(false);
    expect(changed(32)).toBe(true); // the PC
    expect(d.regs[6]).toBe(5);
  });
});

describe('the pointer inspector', () => {
  it('splits a pointer into tag, bit 55 and VA and predicts the check against the granule it points at', () => {
    const h = virtualHost();
    h.load(DEFAULT_PROGRAM);
    h.send({ type: 'run' });
    h.drain();
    const x1lo = h.last().regs[2];
    const x1hi = h.last().regs[3];
    const pointer = `0x${x1hi.toString(16).padStart(8, '0')}${x1lo.toString(16).padStart(8, '0')}`;
    h.send({ type: 'inspectPointer', text: pointer, requestId: 7 });
    const r = h.posted.at(-1) as PointerReport;
    expect(r).toMatchObject({ requestId: 7, error: null, logicalTag: (x1hi >>> 24) & 0xf, bit55: 0, prediction: 'pass' });
    expect(r.allocationTag).toBe(r.logicalTag);
    expect(r.walk.map((w) => w.level)).toEqual([0, 1, 2, 3]);
    const past = `0x${x1hi.toString(16).padStart(8, '0')}${(x1lo + 32).toString(16).padStart(8, '0')}`;
    h.send({ type: 'inspectPointer', text: past, requestId: 8 });
    expect(h.posted.at(-1)).toMatchObject({ prediction: 'fault', allocationTag: 0 });
    h.send({ type: 'inspectPointer', text: 'not a pointer', requestId: 9 });
    expect((h.posted.at(-1) as PointerReport).error).toMatch(/hex/);
  });
});

describe('errors a person can act on', () => {
  it('bad assembly is reported with its line and keeps the previous program loaded', () => {
    const h = virtualHost();
    h.load('mov x0, #1\n');
    h.load('mov x0, #1\nfrobnicate x1\n');
    expect(h.posted.at(-1)).toMatchObject({ type: 'error', where: 'asm', line: 2 });
    h.send({ type: 'step' });
    expect(h.last().instret).toBe(1);
  });

  it('a file that is not an ELF is refused with what to upload instead', () => {
    const h = virtualHost();
    const scenario = ScenarioSchema.parse({ version: 1, program: { kind: 'bundled', name: 'upload' } });
    h.send({ type: 'load', scenario, perform: 0, elf: new TextEncoder().encode('hello').buffer as ArrayBuffer, fileName: 'notes.txt', ticket: 1 });
    expect(h.posted.at(-1)).toMatchObject({ type: 'error', where: 'elf' });
    expect((h.posted.at(-1) as { message: string }).message).toMatch(/notes.txt.*not an ELF.*static AArch64/);
  });

  it('a message of another protocol version is answered with an error, not misread', () => {
    const h = virtualHost();
    h.host.receive({ v: 99, type: 'run' });
    expect(h.posted.at(-1)).toMatchObject({ type: 'error', where: 'protocol' });
  });

  it('checkAsm reports errors without loading', () => {
    const h = virtualHost();
    h.send({ type: 'checkAsm', text: 'add x0, x1\n', requestId: 3 });
    expect(h.posted.at(-1)).toMatchObject({ type: 'asm', requestId: 3, errors: [{ line: 1 }] });
  });
});

describe('breakpoints', () => {
  it('a run stops before an instruction with a breakpoint, and Run from there continues past it', () => {
    const h = virtualHost();
    h.load('mov x0, #1\nmov x1, #2\nmov x2, #3\nmov x8, #93\nsvc #0\n');
    h.send({ type: 'setBreakpoint', address: 0x400008, enabled: true });
    h.send({ type: 'run' });
    h.drain();
    expect(h.last()).toMatchObject({ status: 'paused', pc: 0x400008, instret: 2 });
    h.send({ type: 'run' });
    h.drain();
    expect(h.last().status).toBe('exited');
  });
});

describe('a runaway guest in real time', () => {
  const realClock: Clock = { now: () => performance.now(), defer: (fn) => setImmediate(fn) };

  it('Pause stops an endless loop within 100 ms, and deltas come at most once per frame', async () => {
    const posted: { at: number; m: EventMessage }[] = [];
    const host = new EngineHost((m) => posted.push({ at: performance.now(), m }), realClock);
    const send = (c: Command): void => host.receive({ ...c, v: PROTOCOL_VERSION });
    send(loadCommand(scenarioOf('loop:\n  add x0, x0, #1\n  b loop\n')));
    send({ type: 'run' });
    const before = performance.now();
    await new Promise((r) => setTimeout(r, 300));
    const pausedAt = performance.now();
    // The timer fired on time: the host gave the event loop a turn between slices.
    expect(pausedAt - before - 300).toBeLessThan(100);
    send({ type: 'pause' });
    const stopped = posted.find((p) => p.at >= pausedAt && p.m.type === 'delta' && p.m.status === 'paused');
    expect(stopped).toBeDefined();
    expect(stopped!.at - pausedAt).toBeLessThan(100);
    const instret = host.instructionsRetired;
    await new Promise((r) => setTimeout(r, 50));
    expect(host.instructionsRetired).toBe(instret);
    expect(instret).toBeGreaterThan(100_000);
    const running = posted.filter((p) => p.m.type === 'delta' && p.m.status === 'running').map((p) => p.at);
    for (let i = 1; i < running.length; i++) expect(running[i] - running[i - 1]).toBeGreaterThanOrEqual(FRAME_MS - 1);
  });
});

describe('scenario actions', () => {
  it('a load with actions performs them in order and reports none pending at the end', () => {
    const h = virtualHost();
    h.send(loadCommand(scenarioOf(DEFAULT_PROGRAM, DEFAULT_CONFIG, [{ do: 'step', count: 3 }, { do: 'run', until: 'fault' }])));
    h.drain();
    expect(h.last().pendingActions).toBe(0);
    expect(h.last().status).toBe('faulted');
    expect(faults(h.events())).toHaveLength(1);
  });

  it('a setTcf action changes SCTLR_EL1.TCF0 from that moment: TCF none lets the later overflow complete', () => {
    const h = virtualHost();
    h.send(loadCommand(scenarioOf(DEFAULT_PROGRAM, DEFAULT_CONFIG, [{ do: 'step', count: 5 }, { do: 'setTcf', value: 'none' }, { do: 'run', until: 'exit' }])));
    h.drain();
    expect(h.last().pendingActions).toBe(0);
    expect(h.last().status).toBe('exited');
    expect(faults(h.events())).toEqual([]);
  });

  it('opening a scenario at a step is a pure function of its actions: the same registers every time', () => {
    const open = (): Delta => {
      const h = virtualHost();
      h.send(loadCommand(scenarioOf(DEFAULT_PROGRAM, DEFAULT_CONFIG, [{ do: 'step', count: 12 }])));
      h.drain();
      return h.last();
    };
    const a = open();
    // Twelve engine steps and the action's own: the mmap call's kernel entry is a step that retires no instruction.
    expect(a).toMatchObject({ clock: 13, instret: 11 });
    expect(Array.from(open().regs)).toEqual(Array.from(a.regs));
  });
});

describe('KVM scenarios in the worker', () => {
  it('a KVM guest shows host-physical pages and a stage-2 table that says what each entry means for tags', () => {
    const h = virtualHost();
    h.send(loadCommand(preset('S2')!));
    h.drain();
    const full = h.deltas().find((d) => d.spaces.host?.pages !== undefined)!;
    expect(full.mode).toBe('vm');
    expect(full.spaces.host!.pages!.length).toBeGreaterThan(0);
    const tables = h.deltas().filter((d) => d.tables).at(-1)!.tables!;
    expect(tables.stage2!.some((r) => r.meaning === 'Normal WB → tags kept')).toBe(true);
    expect(tables.vmm!.every((r) => r.attr.startsWith('plain'))).toBe(true);
  });

  it('a host action reports its errno and why in the log: enabling the capability after the vCPU exists is -EINVAL', () => {
    const h = virtualHost();
    h.send(loadCommand(preset('S2')!, 0));
    h.send({ type: 'hostAction', action: { do: 'enableCap', cap: 'KVM_CAP_ARM_MTE' } });
    const capability = h.events().filter((e) => e.kind === 'capability').at(-1)!;
    expect(capability).toMatchObject({ errno: '-EINVAL', source: 'kvm', rule: 'KVM.md §2' });
    expect(capability.why).toMatch(/before any vCPU exists/);
  });

  it('the history of runs and host actions, opened in a second host, reaches the same stateHash bit for bit', () => {
    const a = virtualHost();
    a.send(loadCommand(preset('S7')!, 1));
    a.drain();
    a.send({ type: 'step' });
    a.send({ type: 'hostAction', action: { do: 'swapOut', va: 0x2000_0000 } });
    a.send({ type: 'run' });
    a.drain();
    a.send({ type: 'stepBack' });
    const history = a.deltas().filter((d) => d.history).at(-1)!.history!;
    // Runs, the script's included, are recorded as the engine steps they took.
    expect(history.map((x) => x.do)).toEqual(['step', 'step', 'swapOut', 'step']);
    const b = virtualHost();
    b.send(loadCommand({ ...preset('S7')!, actions: history }));
    b.drain();
    expect(b.host.current!.stateHash()).toBe(a.host.current!.stateHash());
    expect(b.last().instret).toBe(a.last().instret);
  });

  it('moving between tour steps travels back through checkpoints and performs the script forward', () => {
    const h = virtualHost();
    h.send(loadCommand(preset('S8')!, 3));
    h.drain();
    const end = h.host.current!.stateHash();
    h.send({ type: 'toStep', perform: 2, ticket: 2 });
    expect(h.last()).toMatchObject({ ticket: 2, pendingActions: 0, scriptDone: 2 });
    expect(h.events().at(-1)!.title).toMatch(/swapped out/);
    h.send({ type: 'toStep', perform: 3, ticket: 3 });
    h.drain();
    expect(h.host.current!.stateHash()).toBe(end);
  });
});
