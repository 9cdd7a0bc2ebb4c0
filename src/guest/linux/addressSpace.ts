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

export type VmaKind = 'elf' | 'anon' | 'stack' | 'brk' | 'vdso';

export interface Vma {
  start: number;
  end: number;
  /** PROT_* bits, PROT_MTE included. */
  prot: number;
  kind: VmaKind;
  /** Anonymous or shmem memory: the only kind that may carry PROT_MTE (MTE.md §7). */
  mteAllowed: boolean;
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

  constructor(private readonly bus: Bus, private readonly phys: PhysMem, readonly gp: GuestPhysical) {
    this.stage1 = new TableBuilder(phys, () => gp.allocFrame(), (a) => gp.toPhys(a, true));
    bus.ttbr0 = this.stage1.root;
    bus.flushTlb();
  }

  find(va: number): Vma | undefined {
    return this.vmas.find((v) => va >= v.start && va < v.end);
  }

  /** Guest-physical frame behind a populated page, if any. */
  frameOf(va: number): number | undefined {
    return this.pages.get(Math.floor(va / PAGE));
  }

  /** Bytes of [start, end) covered by mappings (the whole address space by default). */
  mappedBytes(start = 0, end = TASK_SIZE): number {
    let n = 0;
    for (const v of this.vmas) n += Math.max(0, Math.min(end, v.end) - Math.max(start, v.start));
    return n;
  }

  /** How many mappings would be split by a VMA boundary at `start` and at `end`. */
  splitsAt(start: number, end: number): number {
    return [start, end].filter((a) => this.vmas.some((v) => a > v.start && a < v.end)).length;
  }

  isFree(start: number, end: number): boolean {
    return !this.vmas.some((v) => v.start < end && start < v.end);
  }

  /** Creates a VMA over [start, end), replacing whatever was mapped there (MAP_FIXED semantics). */
  map(start: number, end: number, prot: number, kind: VmaKind, mteAllowed: boolean): Vma {
    this.unmap(start, end);
    const vma: Vma = { start, end, prot, kind, mteAllowed };
    this.vmas.push(vma);
    this.vmas.sort((a, b) => a.start - b.start);
    return vma;
  }

  /** Removes [start, end) from the map and frees its pages. */
  unmap(start: number, end: number): void {
    this.splitAt(start);
    this.splitAt(end);
    for (let i = this.vmas.length - 1; i >= 0; i--) {
      const v = this.vmas[i];
      if (v.start >= start && v.end <= end) this.vmas.splice(i, 1);
    }
    this.dropPages(start, end);
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
      for (let a = v.start; a < v.end; a += PAGE) {
        const frame = this.pages.get(a / PAGE);
        if (frame === undefined) continue;
        if (addsMte) this.initialiseTags(frame);
        this.writeDescriptor(a, frame, v.prot);
      }
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
    let candidate = MMAP_TOP - length;
    for (let i = this.vmas.length - 1; i >= 0 && candidate >= MMAP_MIN; i--) {
      const v = this.vmas[i];
      if (v.start >= candidate + length) continue;
      if (v.end <= candidate) break;
      candidate = v.start - length;
    }
    return candidate >= MMAP_MIN ? candidate : null;
  }

  /** Demand paging for a stage-1 translation fault at `va` (a 48-bit address without tag). */
  resolveTranslationFault(va: number, need: AccessNeed): FaultResolution {
    const v = this.find(va);
    if (v === undefined) return 'maperr';
    if (!allows(v.prot, need)) return 'accerr';
    this.populate(pageDown(va), v);
    return 'mapped';
  }

  /** Maps the page at `va` (page-aligned) with a fresh zeroed frame if it has none; returns the frame. */
  populate(va: number, v: Vma): number {
    let frame = this.pages.get(va / PAGE);
    if (frame === undefined) {
      if (this.pages.size + this.stage1.tables.size >= this.maxPages) {
        throw new ResourceLimitError(`out of guest memory: the program touched more than ${formatBytes(this.maxPages * PAGE)} (the memory limit)`);
      }
      frame = this.gp.allocFrame();
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

  /** PG_mte_tagged: a frame's tags start at 0 the first time it becomes Tagged; later, they are kept. */
  private initialiseTags(frame: number): void {
    const f = this.phys.frame(this.gp.toPhys(frame, true) / PAGE);
    if ((f.flags & FrameFlag.MteTagged) !== 0) return;
    f.ensureTags().fill(0);
    f.flags |= FrameFlag.MteTagged;
  }

  private dropPages(start: number, end: number): void {
    for (const [vpn, frame] of this.pages) {
      const a = vpn * PAGE;
      if (a < start || a >= end) continue;
      this.stage1.clearPage(a);
      this.gp.freeFrame(frame);
      this.pages.delete(vpn);
    }
    this.bus.flushTlb();
  }

  /** Splits the VMA containing `a` (if any) so that a VMA boundary lies at `a`. */
  private splitAt(a: number): void {
    const i = this.vmas.findIndex((v) => a > v.start && a < v.end);
    if (i < 0) return;
    const v = this.vmas[i];
    this.vmas.splice(i + 1, 0, { ...v, start: a });
    v.end = a;
  }
}
