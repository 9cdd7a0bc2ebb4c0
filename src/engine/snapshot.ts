/**
 * Snapshots for the UI: what changed since the previous snapshot, as typed arrays that can be transferred
 * to the page. Memory is reported per page (flags and the 256 granule cells) for guest-physical memory
 * (IPA; physical in bare mode) and for host-physical memory; translation tables as changed leaf entries
 * (guest stage 1, KVM's stage 2, the VMM's mapping of guest RAM); registers with a changed mask.
 */
import { FrameFlag, GRANULES_PER_PAGE, PAGE_SIZE, type Frame } from '../core/mem/physmem.ts';
import type { TableBuilder } from '../core/mmu/builder.ts';
import { Mm } from '../hyp/mm.ts';
import type { EngineEvent } from './events.ts';
import type { World } from './world.ts';

export const PageFlags = { MteTagged: 1, Dirty: 2, Swapped: 4, Device: 8, Present: 16, Stage2Mapped: 32 } as const;
/** Granule cell: low nibble the allocation tag; this bit when the page's tags were never initialised. */
export const Cell = { TagMask: 0x0f, NeverInitialised: 0x20 } as const;

export interface MemoryDelta {
  pages: Float64Array;
  flags: Uint8Array;
  /** 256 cells per page, in `pages` order. */
  tags: Uint8Array;
}

export interface TableDelta {
  addresses: Float64Array;
  outputs: Float64Array;
  /** Descriptor attribute bits: bits 11:0 the lower attributes, bits 23:12 descriptor bits 63:52; 0 = invalid. */
  attrs: Uint32Array;
}

export interface Snapshot {
  cursor: number;
  full: boolean;
  clock: number;
  time: number;
  status: string;
  /** X0..X30, SP as (lo, hi) pairs, then PC lo, PC hi, NZCV, TCO. */
  regs: Uint32Array;
  regsChanged: Uint32Array;
  sysregs: Record<string, string>;
  guest: MemoryDelta;
  host: MemoryDelta | null;
  stage1: TableDelta;
  stage2: TableDelta | null;
  vmm: TableDelta | null;
  events: EngineEvent[];
}

const REG_WORDS = 68;
const SYSREGS = ['SCTLR_EL1', 'TCR_EL1', 'GCR_EL1', 'RGSR_EL1', 'TFSR_EL1', 'TFSRE0_EL1', 'HCR_EL2'] as const;

/** One page's flags and cells, as last reported (flags at index 256). */
type PageShadow = Map<number, Uint8Array>;
type TableShadow = Map<number, number>;

interface PageSource {
  address: number;
  frame: Frame | null;
  flags: number;
}

export class SnapshotTracker {
  private cursor = 0;
  private regs = new Uint32Array(REG_WORDS);
  private guest: PageShadow = new Map();
  private host: PageShadow = new Map();
  private tables: TableShadow[] = [new Map(), new Map(), new Map()];
  private eventsSent = 0;

  snapshot(w: World, events: readonly EngineEvent[], clock: number, time: number, status: string, since?: number): Snapshot {
    const full = since === undefined || since !== this.cursor || events.length < this.eventsSent;
    if (full) {
      this.regs = new Uint32Array(REG_WORDS).fill(0xffffffff);
      this.guest = new Map();
      this.host = new Map();
      this.tables = [new Map(), new Map(), new Map()];
      this.eventsSent = 0;
    }
    const cpu = w.process?.cpu ?? w.vm?.vcpu.cpu;
    const regs = new Uint32Array(REG_WORDS);
    if (cpu !== undefined) {
      for (let i = 0; i < 32; i++) {
        regs[2 * i] = cpu.lo[i] >>> 0;
        regs[2 * i + 1] = cpu.hi[i] >>> 0;
      }
      regs[64] = cpu.pc >>> 0;
      regs[65] = Math.floor(cpu.pc / 2 ** 32) >>> 0;
      regs[66] = cpu.nzcv;
      regs[67] = cpu.tco;
    }
    const regsChanged = new Uint32Array(2);
    for (let i = 0; i < REG_WORDS / 2; i++) {
      if (regs[2 * i] !== this.regs[2 * i] || regs[2 * i + 1] !== this.regs[2 * i + 1]) regsChanged[i >>> 5] |= 1 << (i & 31);
    }
    this.regs = regs;
    const sysregs: Record<string, string> = {};
    if (cpu !== undefined) for (const r of SYSREGS) sysregs[r] = `0x${cpu.sys[r].toString(16)}`;
    const vm = w.vm;
    const snap: Snapshot = {
      cursor: ++this.cursor, full, clock, time, status, regs, regsChanged, sysregs,
      guest: memoryDelta(guestPages(w), this.guest),
      host: vm === null ? null : memoryDelta(hostPages(w), this.host),
      stage1: tableDelta(stage1Entries(w), this.tables[0]),
      stage2: vm === null ? null : tableDelta(stage2Entries(w), this.tables[1]),
      vmm: vm === null ? null : tableDelta(vmmEntries(w), this.tables[2]),
      events: events.slice(this.eventsSent),
    };
    this.eventsSent = events.length;
    return snap;
  }
}

function frameFlags(f: Frame | null): number {
  if (f === null) return 0;
  return PageFlags.Present | ((f.flags & FrameFlag.MteTagged) !== 0 ? PageFlags.MteTagged : 0);
}

function* guestPages(w: World): Iterable<PageSource> {
  const vm = w.vm;
  if (vm === null) {
    const phys = w.process?.machine.phys;
    if (phys !== undefined) for (const f of phys.allFrames()) yield { address: f.pfn * PAGE_SIZE, frame: f, flags: frameFlags(f) };
    return;
  }
  for (const s of vm.slots) {
    const kslot = vm.vm.slots.find((k) => k.slot === s.slot);
    // A slot may span several mappings (the VMM remapped part of it), each over its own object.
    for (let hva = s.hva; hva < s.hva + s.size;) {
      const vma = vm.vmm.mm.find(hva);
      if (vma === undefined) break;
      const end = Math.min(vma.end, s.hva + s.size);
      const obj = vma.object;
      for (let a = hva; a < end && obj.kind !== 'device'; a += PAGE_SIZE) {
        const idx = Mm.index(vma, a);
        const entry = obj.pages[idx];
        const swapped = obj.swapSlots.has(idx);
        if (entry === 0 && !swapped) continue;
        const i = (a - s.hva) / PAGE_SIZE;
        const ipa = s.ipa + i * PAGE_SIZE;
        const frame = entry === 0 ? null : vm.host.frame(entry - 1);
        let flags = frameFlags(frame) | (swapped ? PageFlags.Swapped : 0);
        if (kslot?.dirty && ((kslot.dirty[i >>> 5] >>> (i & 31)) & 1) === 1) flags |= PageFlags.Dirty;
        if (frame !== null && vm.vm.stage2.lookup(ipa) !== null) flags |= PageFlags.Stage2Mapped;
        yield { address: ipa, frame, flags };
      }
      hva = end;
    }
  }
}

function* hostPages(w: World): Iterable<PageSource> {
  for (const f of w.vm!.host.phys.allFrames()) yield { address: f.pfn * PAGE_SIZE, frame: f, flags: frameFlags(f) | (f.pfn * PAGE_SIZE >= 0x80_0000_0000 ? PageFlags.Device : 0) };
}

function memoryDelta(pages: Iterable<PageSource>, shadow: PageShadow): MemoryDelta {
  const changed: { address: number; cells: Uint8Array }[] = [];
  const seen = new Set<number>();
  for (const p of pages) {
    seen.add(p.address);
    const cells = new Uint8Array(GRANULES_PER_PAGE + 1);
    const tagged = p.frame !== null && (p.frame.flags & FrameFlag.MteTagged) !== 0;
    const tags = p.frame?.tags ?? null;
    for (let g = 0; g < GRANULES_PER_PAGE; g++) cells[g] = tagged ? (tags === null ? 0 : tags[g] & Cell.TagMask) : Cell.NeverInitialised;
    cells[GRANULES_PER_PAGE] = p.flags;
    const old = shadow.get(p.address);
    if (old !== undefined && sameCells(old, cells)) continue;
    shadow.set(p.address, cells);
    changed.push({ address: p.address, cells });
  }
  // A page that went away is reported once with no flags.
  for (const address of shadow.keys()) {
    if (seen.has(address)) continue;
    shadow.delete(address);
    const cells = new Uint8Array(GRANULES_PER_PAGE + 1).fill(Cell.NeverInitialised);
    cells[GRANULES_PER_PAGE] = 0;
    changed.push({ address, cells });
  }
  const out: MemoryDelta = { pages: new Float64Array(changed.length), flags: new Uint8Array(changed.length), tags: new Uint8Array(changed.length * GRANULES_PER_PAGE) };
  changed.forEach((c, i) => {
    out.pages[i] = c.address;
    out.flags[i] = c.cells[GRANULES_PER_PAGE];
    out.tags.set(c.cells.subarray(0, GRANULES_PER_PAGE), i * GRANULES_PER_PAGE);
  });
  return out;
}

function sameCells(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Entry {
  address: number;
  descriptor: bigint;
}

function leaf(tables: TableBuilder, address: number): Entry {
  return { address, descriptor: tables.getPage(address) };
}

function* stage1Entries(w: World): Iterable<Entry> {
  const space = w.process?.space;
  // Looking must not change the machine: the guest's tables are read without stage-2 faults or dirty logging.
  if (space !== undefined) for (const [va] of space.populated()) yield { address: va, descriptor: space.peekStage1(va) };
}

function* stage2Entries(w: World): Iterable<Entry> {
  const vm = w.vm!;
  for (const p of guestPages(w)) if ((p.flags & PageFlags.Stage2Mapped) !== 0) yield leaf(vm.vm.stage2.builder, p.address);
}

function* vmmEntries(w: World): Iterable<Entry> {
  const vm = w.vm!;
  for (const s of vm.slots) {
    const vma = vm.vmm.mm.find(s.hva);
    if (vma === undefined || vma.object.kind === 'device') continue;
    const first = Mm.index(vma, s.hva);
    for (let i = 0; i < s.size / PAGE_SIZE; i++) if (vma.object.pages[first + i] !== 0) yield leaf(vm.vmm.mm.stage1, s.hva + i * PAGE_SIZE);
  }
}

function tableDelta(entries: Iterable<Entry>, shadow: TableShadow): TableDelta {
  const changed: [number, bigint][] = [];
  const seen = new Set<number>();
  for (const e of entries) {
    seen.add(e.address);
    const key = Number(e.descriptor & 0xffff_ffffn) ^ Number((e.descriptor >> 32n) & 0xffff_ffffn) * 7;
    if (shadow.get(e.address) === key) continue;
    shadow.set(e.address, key);
    changed.push([e.address, e.descriptor]);
  }
  for (const address of shadow.keys()) {
    if (seen.has(address)) continue;
    shadow.delete(address);
    changed.push([address, 0n]);
  }
  const out: TableDelta = { addresses: new Float64Array(changed.length), outputs: new Float64Array(changed.length), attrs: new Uint32Array(changed.length) };
  changed.forEach(([address, d], i) => {
    out.addresses[i] = address;
    out.outputs[i] = (d & 1n) === 0n ? 0 : Number(d & 0x0000_ffff_ffff_f000n);
    out.attrs[i] = (d & 1n) === 0n ? 0 : Number(d & 0xfffn) | (Number((d >> 52n) & 0xfffn) << 12);
  });
  return out;
}
