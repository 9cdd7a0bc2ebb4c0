/**
 * The process memory map: VMAs with Linux protections (PROT_MTE included), stage-1 translation tables
 * written into guest memory, and demand paging. Pages are mapped only when first touched: a translation
 * fault inside a VMA that allows the access maps a fresh zeroed page (zero tags), anything else becomes
 * SIGSEGV with SEGV_MAPERR (no VMA) or SEGV_ACCERR (VMA without that permission).
 */
import { FrameFlag, PAGE_SIZE, type PhysMem } from '../../core/mem/physmem.ts';
import type { Bus } from '../../core/mmu/bus.ts';
import { TableBuilder } from '../../core/mmu/builder.ts';
import { stage1PageDescriptor } from '../../core/mmu/descriptors.ts';
import { MairIndex } from '../../core/machine.ts';
import type { GuestPhysical } from '../guestPhys.ts';
import { Errno, Prot } from './abi.ts';
import { formatBytes, ResourceLimitError } from './limits.ts';

export const PAGE = PAGE_SIZE;
/** Top of the 48-bit user address space (TASK_SIZE). */
export const TASK_SIZE = 2 ** 48;
export const STACK_SIZE = 8 << 20;
export const STACK_END = TASK_SIZE;
/** mmap allocates top-down below here; the signal trampoline page sits just above. */
export const MMAP_TOP = STACK_END - 0x1000_0000;
export const VDSO_BASE = MMAP_TOP;
/** Lowest address mmap may hand out without MAP_FIXED (vm.mmap_min_addr). */
export const MMAP_MIN = 0x10000;

export type VmaKind = 'elf' | 'anon' | 'stack' | 'brk' | 'vdso' | 'device';

export interface Vma {
  start: number;
  end: number;
  /** PROT_* bits, PROT_MTE included. */
  prot: number;
  kind: VmaKind;
  /** Anonymous or shmem memory: the only kind that may carry PROT_MTE (MTE.md §7). */
  mteAllowed: boolean;
  /** A device mapping's guest-physical address minus its VA (the same for both halves of a split). */
  deviceDelta?: number;
}

export type AccessNeed = 'read' | 'write' | 'exec';
export type FaultResolution = 'mapped' | 'maperr' | 'accerr';

export const pageDown = (a: number): number => a - (a % PAGE);
export const pageUp = (a: number): number => Math.ceil(a / PAGE) * PAGE;

function allows(prot: number, need: AccessNeed): boolean {
  if (need === 'write') return (prot & Prot.WRITE) !== 0;
  if (need === 'exec') return (prot & Prot.EXEC) !== 0;
  return (prot & (Prot.READ | Prot.WRITE | Prot.EXEC)) !== 0;
}

export class AddressSpace {
  /** Sorted by start, never overlapping. */
  readonly vmas: Vma[] = [];
  readonly stage1: TableBuilder;
  /** Virtual page number → guest-physical frame of every populated page. */
  private readonly pages = new Map<number, number>();
  /** Called for each page mapped on demand (for the UI's event log). */
  onDemandPage: ((va: number, frame: number) => void) | null = null;
  /** Pages (user pages and table pages) this process may populate: the memory limit (src/guest/linux/limits.ts). */
  maxPages = Infinity;
  /** Where `findFree` resumes: every gap in [ceiling, MMAP_TOP) is at most `hole` bytes. */
  private freeCache = { ceiling: MMAP_TOP, hole: 0 };
  private total = 0;

  constructor(private readonly bus: Bus, private readonly phys: PhysMem, readonly gp: GuestPhysical) {
    this.stage1 = new TableBuilder(phys, () => this.allocFrame(), (a) => gp.toPhys(a, true));
    bus.ttbr0 = this.stage1.root;
    bus.flushTlb();
  }

  /** Index of the first VMA ending above `a` (binary search: VMAs are sorted and disjoint). */
  private indexAbove(a: number): number {
    let lo = 0;
    let hi = this.vmas.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.vmas[mid].end <= a) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  find(va: number): Vma | undefined {
    const v = this.vmas[this.indexAbove(va)];
    return v !== undefined && v.start <= va ? v : undefined;
  }

  /** Guest-physical frame behind a populated page, if any. */
  frameOf(va: number): number | undefined {
    return this.pages.get(Math.floor(va / PAGE));
  }

  /** How many pages are populated (what the memory limit counts, with the table pages). */
  get populatedPages(): number {
    return this.pages.size;
  }

  /** Every populated page: virtual page address → guest-physical frame. */
  *populated(): IterableIterator<[va: number, frame: number]> {
    for (const [vpn, frame] of this.pages) yield [vpn * PAGE, frame];
  }

  /** Bytes covered by all mappings (kept as they change: mmap checks it against the address-space limit). */
  get totalMapped(): number {
    return this.total;
  }

  /** Bytes of [start, end) covered by mappings. */
  mappedBytes(start: number, end: number): number {
    let n = 0;
    for (let i = this.indexAbove(start); i < this.vmas.length && this.vmas[i].start < end; i++) {
      n += Math.min(end, this.vmas[i].end) - Math.max(start, this.vmas[i].start);
    }
    return n;
  }

  /** How many mappings would be split by a VMA boundary at `start` and at `end`. */
  splitsAt(start: number, end: number): number {
    return [start, end].filter((a) => (this.find(a)?.start ?? a) !== a).length;
  }

  isFree(start: number, end: number): boolean {
    const v = this.vmas[this.indexAbove(start)];
    return v === undefined || v.start >= end;
  }

  /**
   * Creates a VMA over [start, end), replacing whatever was mapped there (MAP_FIXED semantics). Like Linux's
   * vma_merge, anonymous memory (and the heap) joins an adjacent VMA of its kind with the same protections,
   * so that a program that maps page after page holds one VMA, not thousands.
   */
  map(start: number, end: number, prot: number, kind: VmaKind, mteAllowed: boolean): Vma {
    this.unmap(start, end);
    this.total += end - start;
    const i = this.indexAbove(start);
    const mergeable = (v: Vma | undefined): v is Vma =>
      v !== undefined && (kind === 'anon' || kind === 'brk') && v.kind === kind && v.prot === prot && v.mteAllowed === mteAllowed;
    const before = this.vmas[i - 1];
    const after = this.vmas[i];
    if (mergeable(before) && before.end === start) {
      before.end = end;
      if (mergeable(after) && after.start === end) {
        before.end = after.end;
        this.vmas.splice(i, 1);
      }
      return before;
    }
    if (mergeable(after) && after.start === end) {
      after.start = start;
      return after;
    }
    const vma: Vma = { start, end, prot, kind, mteAllowed };
    this.vmas.splice(i, 0, vma);
    return vma;
  }

  /** Removes [start, end) from the map and frees its pages. */
  unmap(start: number, end: number): void {
    this.splitAt(start);
    this.splitAt(end);
    this.dropPages(start, end);
    const first = this.indexAbove(start);
    let last = first;
    while (last < this.vmas.length && this.vmas[last].end <= end) last++;
    for (let j = first; j < last; j++) this.total -= this.vmas[j].end - this.vmas[j].start;
    this.vmas.splice(first, last - first);
    if (last > first && end > this.freeCache.ceiling) this.freeCache = { ceiling: MMAP_TOP, hole: 0 };
  }

  /** Maps the device region at guest-physical `ipa` over [start, end) (a driver's mmap: src/guest/linux/devices.ts). */
  mapDevice(start: number, end: number, prot: number, ipa: number): Vma {
    const v = this.map(start, end, prot, 'device', true);
    v.deviceDelta = ipa - start;
    return v;
  }

  /**
   * mremap: the part [start, end) of one VMA becomes [to, to + length) with the same kind and protections
   * (to = start grows it in place), keeping its populated pages — the frames themselves, so data and tags
   * move with them. The rest of [to, to + length) must be free.
   */
  remap(start: number, end: number, to: number, length: number): void {
    const { prot, kind, mteAllowed, deviceDelta } = this.find(start)!;
    const moved: number[] = [];
    this.forEachPage(start, end, (a, frame) => {
      moved.push(a - start + to, frame);
      this.stage1.clearPage(a);
      this.pages.delete(a / PAGE);
    });
    this.unmap(start, end);
    const v = this.map(to, to + length, prot, kind, mteAllowed);
    if (deviceDelta !== undefined) v.deviceDelta = deviceDelta + start - to;
    for (let i = 0; i < moved.length; i += 2) {
      this.pages.set(moved[i] / PAGE, moved[i + 1]);
      this.writeDescriptor(moved[i], moved[i + 1], prot);
    }
    this.bus.flushTlb();
  }

  /** MADV_DONTNEED on private anonymous memory: the next touch sees zeroes and zero tags. */
  discard(start: number, end: number): void {
    this.dropPages(start, end);
  }

  /** mprotect: returns 0 or a positive errno. */
  protect(start: number, end: number, prot: number): number {
    for (let a = start; a < end;) {
      const v = this.find(a);
      if (v === undefined) return Errno.ENOMEM;
      a = v.end;
    }
    if ((prot & Prot.MTE) !== 0) {
      for (const v of this.vmas) if (v.start < end && start < v.end && !v.mteAllowed) return Errno.EINVAL;
    }
    this.splitAt(start);
    this.splitAt(end);
    for (const v of this.vmas) {
      if (v.start < start || v.end > end) continue;
      const addsMte = (prot & Prot.MTE) !== 0 && (v.prot & Prot.MTE) === 0;
      // PROT_MTE is sticky: mprotect cannot remove it (MTE.md §7).
      v.prot = prot | (v.prot & Prot.MTE);
      this.forEachPage(v.start, v.end, (a, frame) => {
        if (addsMte && v.kind !== 'device') this.initialiseTags(frame);
        this.writeDescriptor(a, frame, v.prot);
      });
    }
    this.bus.flushTlb();
    return 0;
  }

  /**
   * Highest free range of `length` bytes below MMAP_TOP, or the hint when it is free (Linux honours a
   * free hint). Returns null when nothing fits.
   */
  findFree(length: number, hint = 0): number | null {
    if (hint >= MMAP_MIN && hint % PAGE === 0 && hint + length <= MMAP_TOP && this.isFree(hint, hint + length)) return hint;
    // The walk starts where the last one ended unless a gap above could hold this length (Linux's old
    // free_area_cache and cached_hole_size): the answer is the same, and a flood of mmaps is not quadratic.
    if (length <= this.freeCache.hole) this.freeCache = { ceiling: MMAP_TOP, hole: 0 };
    let ceiling = this.freeCache.ceiling;
    let skipped = 0;
    let i = this.indexAbove(ceiling - 1);
    if (i < this.vmas.length && this.vmas[i].start < ceiling) ceiling = this.vmas[i].start;
    for (i--; ceiling - length >= MMAP_MIN; i--) {
      const below = i >= 0 ? this.vmas[i].end : MMAP_MIN;
      if (ceiling - below >= length) {
        this.freeCache = { ceiling: ceiling - length, hole: Math.max(this.freeCache.hole, skipped) };
        return ceiling - length;
      }
      if (i < 0) break;
      skipped = Math.max(skipped, ceiling - below);
      ceiling = this.vmas[i].start;
    }
    return null;
  }

  /** Demand paging for a stage-1 translation fault at `va` (a 48-bit address without tag). */
  resolveTranslationFault(va: number, need: AccessNeed): FaultResolution {
    const v = this.find(va);
    if (v === undefined) return 'maperr';
    if (!allows(v.prot, need)) return 'accerr';
    this.populate(pageDown(va), v);
    return 'mapped';
  }

  /** The stage-1 leaf descriptor of `va` as the UI sees it: read without faulting anything in at stage 2. */
  peekStage1(va: number): bigint {
    return this.stage1.peekPage(va, (a) => (this.gp.peek ? this.gp.peek(a) : this.gp.toPhys(a, false)));
  }

  /** Maps the page at `va` (page-aligned) with a fresh zeroed frame if it has none; returns the frame. */
  populate(va: number, v: Vma): number {
    let frame = this.pages.get(va / PAGE);
    if (frame === undefined && v.deviceDelta !== undefined) {
      // A device page is the device's own memory: nothing to allocate, zero or tag.
      frame = va + v.deviceDelta;
      this.pages.set(va / PAGE, frame);
    } else if (frame === undefined) {
      if (this.pages.size + this.stage1.tables.size >= this.maxPages) {
        throw new ResourceLimitError(`out of guest memory: the program touched more than ${formatBytes(this.maxPages * PAGE)} (the memory limit)`);
      }
      frame = this.allocFrame();
      this.pages.set(va / PAGE, frame);
      if ((v.prot & Prot.MTE) !== 0) this.initialiseTags(frame);
      this.onDemandPage?.(va, frame);
    }
    this.writeDescriptor(va, frame, v.prot);
    this.bus.flushTlb();
    return frame;
  }

  /** Writes bytes at `va` as the loader does (ignoring page permissions), populating pages. */
  load(va: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const a = va + done;
      const v = this.find(a);
      if (v === undefined) throw new RangeError(`load outside any VMA at 0x${a.toString(16)}`);
      const frame = this.populate(pageDown(a), v);
      const n = Math.min(PAGE - (a % PAGE), bytes.length - done);
      this.phys.writeBytes(this.gp.toPhys(frame, true) + (a % PAGE), bytes.subarray(done, done + n));
      done += n;
    }
  }

  private writeDescriptor(va: number, frame: number, prot: number): void {
    if ((prot & (Prot.READ | Prot.WRITE | Prot.EXEC)) === 0) {
      this.stage1.clearPage(va); // PROT_NONE: keep the frame, drop the translation
      return;
    }
    this.stage1.setPage(va, stage1PageDescriptor(frame, {
      attrIndx: (prot & Prot.MTE) !== 0 ? MairIndex.NormalTagged : MairIndex.Normal,
      el0: true, readOnly: (prot & Prot.WRITE) === 0, uxn: (prot & Prot.EXEC) === 0,
    }));
  }

  /**
   * PG_mte_tagged: a frame's tags start at 0 the first time it becomes Tagged; later, they are kept. Where
   * the frame has no tag storage (stage 2 NoTagAccess, KVM.md §8) the kernel's tag clearing would exit to the
   * VMM like any tag access; the model leaves that exit to the program's first tag access of the page.
   */
  private initialiseTags(frame: number): void {
    const pa = this.gp.toPhys(frame, true);
    if (this.gp.holdsTags?.(frame) === false) return;
    const f = this.phys.frame(pa / PAGE);
    if ((f.flags & FrameFlag.MteTagged) !== 0) return;
    f.ensureTags().fill(0);
    f.flags |= FrameFlag.MteTagged;
  }

  /** A frame from guest-physical memory; running out of it (a small VM, a raised memory limit) is a limit too. */
  private allocFrame(): number {
    try {
      return this.gp.allocFrame();
    } catch (e) {
      if (e instanceof RangeError) throw new ResourceLimitError(`out of guest memory: ${e.message}`);
      throw e;
    }
  }

  /** Calls `fn` for each populated page in [start, end), walking the range or the pages, whichever is shorter. */
  private forEachPage(start: number, end: number, fn: (va: number, frame: number) => void): void {
    if ((end - start) / PAGE <= this.pages.size) {
      for (let a = start; a < end; a += PAGE) {
        const frame = this.pages.get(a / PAGE);
        if (frame !== undefined) fn(a, frame);
      }
    } else {
      for (const [vpn, frame] of [...this.pages]) if (vpn * PAGE >= start && vpn * PAGE < end) fn(vpn * PAGE, frame);
    }
  }

  private dropPages(start: number, end: number): void {
    this.forEachPage(start, end, (a, frame) => {
      this.stage1.clearPage(a);
      // A device page is the device's memory, not a frame of guest RAM to give back.
      if (this.find(a)?.kind !== 'device') this.gp.freeFrame(frame);
      this.pages.delete(a / PAGE);
    });
    this.bus.flushTlb();
  }

  /** Splits the VMA containing `a` (if any) so that a VMA boundary lies at `a`. */
  private splitAt(a: number): void {
    const i = this.indexAbove(a);
    const v = this.vmas[i];
    if (v === undefined || v.start >= a) return;
    this.vmas.splice(i + 1, 0, { ...v, start: a });
    v.end = a;
  }
}
