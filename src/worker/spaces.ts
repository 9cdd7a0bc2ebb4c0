/**
 * Turns the session's snapshots (src/engine/snapshot.ts: changed pages of guest-physical and host-physical
 * memory, changed leaf entries of stage 1, stage 2 and the VMM's table) into what the views draw: for each
 * address space (guest VA, guest-physical IPA, host-physical PA) the populated pages in address order with
 * one cell per granule, and the three tables as rows that say what their attributes mean for tags.
 *
 * Work per delta is proportional to what changed: a VA page is recomputed only when its stage-1 entry or the
 * guest page behind it changed.
 */
import { GRANULES_PER_PAGE, PAGE_SIZE } from '../core/mem/physmem.ts';
import {
  MAIR_TAGGED, S1Bits, S2Bits, S2_MEMATTR_NORMAL_NC, S2_MEMATTR_NORMAL_WB, S2_MEMATTR_NOTAGACCESS,
} from '../core/mmu/descriptors.ts';
import type { Session } from '../engine/session.ts';
import { Cell as EngineCell, PageFlags, type MemoryDelta, type Snapshot, type TableDelta } from '../engine/snapshot.ts';
import { Prot } from '../guest/linux/abi.ts';
import { hexAddr } from './format.ts';
import { Cell, PageFlag, type PageInfo, type Space, type SpaceDelta, type TableRow, type Tables } from './protocol.ts';

interface Entry {
  output: number;
  attrs: number;
}

/** One space's pages as the UI last received them. */
class SpaceModel {
  /** Address → [256 cells, flags at 256]. */
  readonly pages = new Map<number, Uint8Array>();
  info = new Map<number, PageInfo>();
  private order: number[] = [];
  private sent = new Map<number, Uint8Array>();
  private relayout = true;

  set(address: number, cells: Uint8Array, info: PageInfo): void {
    if (!this.pages.has(address)) this.relayout = true;
    this.pages.set(address, cells);
    const old = this.info.get(address);
    if (old === undefined || old.owner !== info.owner || old.output !== info.output || old.memory !== info.memory) this.relayout = true;
    this.info.set(address, info);
  }

  delete(address: number): void {
    if (this.pages.delete(address)) this.relayout = true;
    this.info.delete(address);
  }

  reset(): void {
    this.pages.clear();
    this.info.clear();
    this.sent.clear();
    this.order = [];
    this.relayout = true;
  }

  /** Index of the page holding `address` in the order last sent, or -1. */
  indexOf(address: number): number {
    return this.order.indexOf(address - (address % PAGE_SIZE));
  }

  delta(): SpaceDelta {
    let pages: PageInfo[] | undefined;
    if (this.relayout) {
      this.order = [...this.pages.keys()].sort((a, b) => a - b);
      pages = this.order.map((a) => this.info.get(a)!);
      this.sent = new Map();
      this.relayout = false;
    }
    const indices: number[] = [];
    const values: number[] = [];
    const flags = new Uint8Array(this.order.length);
    this.order.forEach((address, i) => {
      const cells = this.pages.get(address)!;
      const old = this.sent.get(address);
      flags[i] = cells[GRANULES_PER_PAGE];
      if (old === cells) return;
      for (let g = 0; g < GRANULES_PER_PAGE; g++) {
        if (old !== undefined && old[g] === cells[g]) continue;
        indices.push(i * GRANULES_PER_PAGE + g);
        values.push(cells[g]);
      }
      this.sent.set(address, cells);
    });
    return { pages, indices: Uint32Array.from(indices), values: Uint8Array.from(values), flags };
  }
}

const S2AP = ['none', 'r-', '-w', 'rw'];

/** What a stage-2 MemAttr means for the guest's tags (KVM.md §3, §8). */
export function stage2Meaning(memAttr: number): { attr: string; meaning: string; memory: PageInfo['memory'] } {
  const attr = `0b${memAttr.toString(2).padStart(4, '0')}`;
  if (memAttr === S2_MEMATTR_NORMAL_WB) return { attr: `${attr} Normal WB`, meaning: 'Normal WB → tags kept', memory: 'tagged' };
  if (memAttr === S2_MEMATTR_NOTAGACCESS) return { attr: `${attr} NoTagAccess`, meaning: 'NoTagAccess → data only; a tag access exits to the VMM', memory: 'normal' };
  if ((memAttr & 0b1100) === 0) return { attr: `${attr} Device`, meaning: 'Device → untagged: checks pass, LDG reads 0, STG ignored', memory: 'device' };
  if (memAttr === S2_MEMATTR_NORMAL_NC) return { attr: `${attr} Normal NC`, meaning: 'Normal non-cacheable → untagged', memory: 'normal' };
  return { attr, meaning: 'not write-back → untagged', memory: 'normal' };
}

/** What a stage-1 MAIR attribute means for tags. */
export function stage1Meaning(mair: number, attrIndx: number): { attr: string; meaning: string; memory: PageInfo['memory'] } {
  const attr = `AttrIndx ${attrIndx} → MAIR 0x${mair.toString(16).padStart(2, '0')}`;
  if (mair === MAIR_TAGGED) return { attr: `${attr} Normal Tagged`, meaning: 'Tagged → accesses are tag checked', memory: 'tagged' };
  if ((mair & 0xf0) === 0) return { attr: `${attr} Device`, meaning: 'Device → untagged', memory: 'device' };
  return { attr: `${attr} Normal`, meaning: 'Normal untagged → never checked', memory: 'normal' };
}

const cellsOfKind = (kind: number, flags: number): Uint8Array => {
  const c = new Uint8Array(GRANULES_PER_PAGE + 1).fill(kind);
  c[GRANULES_PER_PAGE] = flags;
  return c;
};

/** A physical page's cells (engine cells: tag, or NeverInitialised) for a given memory kind. */
function physicalCells(tags: Uint8Array, at: number, flags: number, memory: PageInfo['memory']): Uint8Array {
  if (memory === 'device' || (flags & PageFlags.Device) !== 0) return cellsOfKind(Cell.Device, flags | PageFlag.Device);
  if (memory === 'normal') return cellsOfKind(Cell.Untagged, flags | PageFlag.Untagged);
  const c = new Uint8Array(GRANULES_PER_PAGE + 1);
  for (let g = 0; g < GRANULES_PER_PAGE; g++) {
    const v = tags[at + g];
    c[g] = (v & EngineCell.NeverInitialised) !== 0 ? Cell.NeverInitialised : v & Cell.TagMask;
  }
  c[GRANULES_PER_PAGE] = flags;
  return c;
}

export class SpaceTracker {
  private cursor: number | undefined;
  readonly va = new SpaceModel();
  readonly guest = new SpaceModel();
  readonly host = new SpaceModel();
  /** Raw engine state the spaces are computed from. */
  private guestRaw = new Map<number, { tags: Uint8Array; at: number; flags: number }>();
  private stage1 = new Map<number, Entry>();
  private stage2 = new Map<number, Entry>();
  private vmm = new Map<number, Entry>();
  private tablesChanged = true;

  reset(): void {
    this.cursor = undefined;
    for (const s of [this.va, this.guest, this.host]) s.reset();
    this.guestRaw.clear();
    this.stage1.clear();
    this.stage2.clear();
    this.vmm.clear();
    this.tablesChanged = true;
  }

  model(space: Space): SpaceModel {
    return space === 'va' ? this.va : space === 'guest' ? this.guest : this.host;
  }

  /** The session's snapshot since the previous one, folded into the spaces; returns it for the rest of the delta. */
  update(session: Session): Snapshot {
    const snap = session.snapshot(this.cursor);
    if (snap.full) this.reset();
    this.cursor = snap.cursor;
    const vm = session.mode === 'vm';
    const changedIpas = new Set<number>();
    const stage2Changed = new Set<number>();
    if (this.applyTable(snap.stage1, this.stage1)) this.tablesChanged = true;
    if (snap.stage2 && this.applyTable(snap.stage2, this.stage2, stage2Changed)) this.tablesChanged = true;
    if (snap.vmm && this.applyTable(snap.vmm, this.vmm)) this.tablesChanged = true;
    this.applyGuest(snap.guest, changedIpas);
    for (const ipa of stage2Changed) changedIpas.add(ipa);
    for (const ipa of changedIpas) this.refreshGuest(session, ipa);
    if (snap.host) this.applyHost(snap.host);
    else if (!vm) this.host.reset();
    this.refreshVa(session, snap.stage1.addresses, changedIpas);
    return snap;
  }

  tables(session: Session): Tables | undefined {
    if (!this.tablesChanged) return undefined;
    this.tablesChanged = false;
    const w = session.machine;
    const mair = w.process?.machine.bus.mair ?? new Uint8Array(8);
    const rows = (m: Map<number, Entry>, row: (input: number, e: Entry) => TableRow): TableRow[] => [...m.entries()].sort((a, b) => a[0] - b[0]).map(([k, e]) => row(k, e));
    const stage1 = rows(this.stage1, (va, e) => {
      const idx = S1Bits.attrIndx(e.attrs);
      const m = stage1Meaning(mair[idx], idx);
      return { input: va, output: e.output, attr: m.attr, meaning: m.meaning, perms: s1Perms(e.attrs), note: this.vaOwner(session, va) };
    });
    const vm = w.vm;
    const stage2 = vm === null ? null : rows(this.stage2, (ipa, e) => {
      const m = stage2Meaning(S2Bits.memAttr(e.attrs));
      return { input: ipa, output: e.output, attr: m.attr, meaning: m.meaning, perms: `S2AP ${S2AP[(e.attrs >>> 6) & 3]}`, note: slotOf(session, ipa) };
    });
    const vmmRows = vm === null ? null : rows(this.vmm, (hva, e) => {
      const mte = vm.vmm.mm.find(hva)?.mte === true;
      return {
        input: hva, output: e.output, attr: mte ? 'PROT_MTE (MAIR Normal Tagged)' : 'plain (MAIR Normal)',
        meaning: mte ? 'the VMM sees the tags; its tag-0 pointers are checked' : 'the VMM sees data only, never tags; nothing is checked',
        perms: (e.attrs >>> 7) & 1 ? 'r-' : 'rw', note: `${vm.vmm.name}${ipaOfHva(session, hva) === null ? '' : ` · IPA ${hexAddr(ipaOfHva(session, hva)!)}`}`,
      };
    });
    return { stage1, stage2, vmm: vmmRows };
  }

  private applyTable(d: TableDelta, into: Map<number, Entry>, changed?: Set<number>): boolean {
    for (let i = 0; i < d.addresses.length; i++) {
      const a = d.addresses[i];
      if (d.attrs[i] === 0) into.delete(a);
      else into.set(a, { output: d.outputs[i], attrs: d.attrs[i] });
      changed?.add(a);
    }
    return d.addresses.length > 0;
  }

  private applyGuest(d: MemoryDelta, changed: Set<number>): void {
    for (let i = 0; i < d.pages.length; i++) {
      const a = d.pages[i];
      if (d.flags[i] === 0) this.guestRaw.delete(a);
      else this.guestRaw.set(a, { tags: d.tags, at: i * GRANULES_PER_PAGE, flags: d.flags[i] });
      changed.add(a);
    }
  }

  private refreshGuest(session: Session, ipa: number): void {
    const raw = this.guestRaw.get(ipa);
    if (raw === undefined) {
      this.guest.delete(ipa);
      return;
    }
    const s2 = this.stage2.get(ipa);
    const kind = session.mode === 'vm' && s2 !== undefined ? stage2Meaning(S2Bits.memAttr(s2.attrs)).memory : 'tagged';
    const cells = physicalCells(raw.tags, raw.at, raw.flags, kind);
    this.guest.set(ipa, cells, { address: ipa, output: s2?.output ?? (session.mode === 'vm' ? -1 : ipa), owner: slotOf(session, ipa), memory: kind });
  }

  private applyHost(d: MemoryDelta): void {
    const owners = new Map<number, number>();
    for (const [ipa, e] of this.stage2) owners.set(e.output, ipa);
    for (let i = 0; i < d.pages.length; i++) {
      const a = d.pages[i];
      if (d.flags[i] === 0) {
        this.host.delete(a);
        continue;
      }
      const device = (d.flags[i] & PageFlags.Device) !== 0;
      const ipa = owners.get(a);
      const memory: PageInfo['memory'] = device ? 'device' : 'tagged';
      this.host.set(a, physicalCells(d.tags, i * GRANULES_PER_PAGE, d.flags[i], memory), {
        address: a, output: ipa ?? -1, owner: ipa === undefined ? 'host' : `guest IPA ${hexAddr(ipa)}`, memory,
      });
    }
  }

  private refreshVa(session: Session, changedVas: Float64Array, changedIpas: Set<number>): void {
    const todo = new Set<number>(changedVas);
    if (changedIpas.size > 0) for (const [va, e] of this.stage1) if (changedIpas.has(e.output)) todo.add(va);
    const mair = session.machine.process?.machine.bus.mair;
    for (const va of todo) {
      const e = this.stage1.get(va);
      if (e === undefined || mair === undefined) {
        this.va.delete(va);
        continue;
      }
      const idx = S1Bits.attrIndx(e.attrs);
      let memory = stage1Meaning(mair[idx], idx).memory;
      const behind = this.guest.pages.get(e.output);
      const behindInfo = this.guest.info.get(e.output);
      if (memory === 'tagged' && behindInfo !== undefined && behindInfo.memory !== 'tagged') memory = behindInfo.memory;
      const flags = behind?.[GRANULES_PER_PAGE] ?? 0;
      let cells: Uint8Array;
      if (memory !== 'tagged') cells = cellsOfKind(memory === 'device' ? Cell.Device : Cell.Untagged, flags | (memory === 'device' ? PageFlag.Device : PageFlag.Untagged));
      else if (behind !== undefined) cells = behind;
      else cells = cellsOfKind(Cell.NeverInitialised, flags);
      this.va.set(va, cells, { address: va, output: e.output, owner: this.vaOwner(session, va), memory });
    }
  }

  private vaOwner(session: Session, va: number): string {
    const v = session.machine.process?.space.find(va);
    if (v === undefined) return 'unmapped';
    return `${v.kind}${(v.prot & Prot.MTE) !== 0 ? ' PROT_MTE' : ''}`;
  }
}

function s1Perms(attrs: number): string {
  const uxn = ((attrs >>> 12 >>> 2) & 1) === 1;
  return `EL0 ${S1Bits.apEl0(attrs) ? 'r' : '-'}${S1Bits.apReadOnly(attrs) ? '-' : 'w'}${uxn ? '-' : 'x'}`;
}

/** The memslot holding an IPA, as "slot n (backing)"; "physical" on the bare machine. */
export function slotOf(session: Session, ipa: number): string {
  const vm = session.machine.vm;
  if (vm === null) return 'physical memory';
  const s = vm.slots.find((x) => ipa >= x.ipa && ipa < x.ipa + x.size);
  return s === undefined ? 'no memslot' : `slot ${s.slot} (${s.backing})`;
}

function ipaOfHva(session: Session, hva: number): number | null {
  const s = session.machine.vm?.slots.find((x) => hva >= x.hva && hva < x.hva + x.size);
  return s === undefined ? null : s.ipa + (hva - s.hva);
}
