/**
 * A host process's address space (Linux mm_struct): mappings (VMAs) over memory objects, the process's
 * stage-1 tables in host memory, and the page-fault handler that the process's own accesses and KVM's
 * get_user_pages both use. Pages come in on first touch, from swap, or by copy-on-write (KVM.md §6).
 */
import { FrameFlag, PAGE_SIZE, type Frame } from '../core/mem/physmem.ts';
import type { Bus } from '../core/mmu/bus.ts';
import { TableBuilder } from '../core/mmu/builder.ts';
import { stage1PageDescriptor } from '../core/mmu/descriptors.ts';
import { MairIndex } from '../core/machine.ts';
import { Errno } from './errno.ts';
import { because } from './events.ts';
import { DEVICE_PA_BASE, MemObject, type BackingKind, type Host, type MmuNotifier } from './host.ts';

const HUGE_PAGES = 512;
const MMAP_BASE = 0x10_0000_0000;

export interface MmapRequest {
  length: number;
  kind: BackingKind;
  /** PROT_MTE: the mapping is Normal Tagged and its pages get initialised tags. */
  mte?: boolean;
  write?: boolean;
  /** MAP_FIXED address. */
  addr?: number;
  /** Map an existing object (a memfd shared with another process, or a device BAR). */
  object?: MemObject;
}

export interface Vma {
  start: number;
  end: number;
  object: MemObject;
  /** Page index in the object of `start`. */
  pgoff: number;
  write: boolean;
  mte: boolean;
  /** VM_SHARED: writes go to the object, not to a private copy. */
  shared: boolean;
  /** MADV_MERGEABLE: KSM may scan it. */
  mergeable: boolean;
}

export type FaultResult = { pfn: number; vma: Vma } | { errno: number; why: string };

export class Mm implements MmuNotifier {
  readonly vmas: Vma[] = [];
  readonly stage1: TableBuilder;
  /** The CPUs running this address space, whose TLBs must be flushed when a mapping goes. */
  readonly buses: Bus[] = [];
  private nextAddr = MMAP_BASE;

  constructor(readonly host: Host, readonly name: string) {
    this.stage1 = new TableBuilder(host.phys, host.allocTableFrame);
    host.notifiers.add(this);
  }

  /** VM_MTE_ALLOWED for a backing kind under this kernel (KVM.md §3). */
  mteAllowed(kind: BackingKind): boolean {
    return kind === 'anonymous' || kind === 'memfd' || (kind === 'hugetlbfs' && this.host.profile.hugetlbSlots);
  }

  mmap(req: MmapRequest): number {
    const length = Math.ceil(req.length / PAGE_SIZE) * PAGE_SIZE;
    if (req.mte && !this.mteAllowed(req.kind)) {
      this.host.log.emit('mmap', { mm: this.name, kind: req.kind, result: -Errno.EINVAL }, because(this.host.profile, 'KVM.md §3',
        `PROT_MTE is refused on a ${req.kind} mapping: only memory that can hold tags (anonymous, shmem/memfd${this.host.profile.hugetlbSlots ? ', hugetlbfs' : ''}) allows it in ${this.host.profile.label}.`));
      return -Errno.EINVAL;
    }
    const addr = req.addr ?? this.nextAddr;
    if (req.addr === undefined) this.nextAddr += length + 0x20_0000;
    else this.unmapRange(addr, length);
    const object = req.object ?? new MemObject(req.kind, length / PAGE_SIZE, req.kind === 'device' ? DEVICE_PA_BASE : 0);
    const vma: Vma = {
      start: addr, end: addr + length, object, pgoff: 0, write: req.write ?? true, mte: req.mte ?? false,
      shared: req.kind !== 'anonymous', mergeable: false,
    };
    this.vmas.push(vma);
    this.vmas.sort((a, b) => a.start - b.start);
    this.host.log.emit('mmap', { mm: this.name, addr, length, kind: req.kind, mte: vma.mte }, because(this.host.profile, 'KVM.md §5',
      vma.mte ? 'The mapping is PROT_MTE: this process sees the tags and its accesses are tag checked.'
        : 'A plain mapping: this process reads and writes data only; tags are invisible and never checked.'));
    return addr;
  }

  find(addr: number): Vma | undefined {
    for (const v of this.vmas) if (addr >= v.start && addr < v.end) return v;
    return undefined;
  }

  /** Page index in the VMA's object of `addr`. */
  static index(vma: Vma, addr: number): number {
    return vma.pgoff + Math.floor((addr - vma.start) / PAGE_SIZE);
  }

  /**
   * handle_mm_fault: makes the page at `addr` present (allocating, swapping in, or breaking CoW on a write)
   * and installs this process's PTE. KVM's get_user_pages comes here too.
   */
  fault(addr: number, write: boolean): FaultResult {
    const vma = this.find(addr);
    if (vma === undefined) return { errno: -Errno.EFAULT, why: 'no mapping at this address' };
    if (write && !vma.write) return { errno: -Errno.EFAULT, why: 'the mapping is read-only' };
    const va = addr - (addr % PAGE_SIZE);
    const obj = vma.object;
    const idx = Mm.index(vma, addr);
    if (obj.kind === 'device') {
      this.setPte(va, obj.devicePa + idx * PAGE_SIZE, MairIndex.Device_nGnRnE, !vma.write);
      return { pfn: (obj.devicePa + idx * PAGE_SIZE) / PAGE_SIZE, vma };
    }
    let entry = obj.pages[idx];
    if (entry === 0 && !write && !vma.shared && !obj.swapSlots.has(idx)) {
      this.setPte(va, this.host.zeroPfn * PAGE_SIZE, vma.mte ? MairIndex.NormalTagged : MairIndex.Normal, true);
      return { pfn: this.host.zeroPfn, vma };
    }
    if (entry === 0) entry = this.populate(obj, idx) + 1;
    let pfn = entry - 1;
    if (write && obj.cow !== null && obj.cow[idx] === 1) pfn = this.breakCow(obj, idx, pfn);
    const frame = this.host.frame(pfn);
    if (vma.mte) mteSyncTags(frame);
    const readOnly = !vma.write || (obj.cow !== null && obj.cow[idx] === 1);
    this.setPte(va, pfn * PAGE_SIZE, vma.mte ? MairIndex.NormalTagged : MairIndex.Normal, readOnly);
    return { pfn, vma };
  }

  /** Brings page `idx` of `obj` into memory: from swap, or a new zeroed page (a whole huge page for hugetlbfs). */
  private populate(obj: MemObject, idx: number): number {
    const slot = obj.swapSlots.get(idx);
    if (slot !== undefined) {
      const f = this.host.allocPage();
      const tagged = this.host.swapRead(slot, f);
      obj.swapSlots.delete(idx);
      obj.pages[idx] = f.pfn + 1;
      this.host.log.emit('swapIn', { mm: this.name, pageIndex: idx, pfn: f.pfn, tagsRestored: tagged }, because(this.host.profile, 'KVM.md §6',
        tagged ? 'The page came back from swap and its 128 bytes of saved tags were restored before it is mapped again, so PG_mte_tagged is set.'
          : 'The page came back from swap; it had no tags to restore.'));
      return f.pfn;
    }
    const first = obj.kind === 'hugetlbfs' ? idx - (idx % HUGE_PAGES) : idx;
    const count = obj.kind === 'hugetlbfs' ? Math.min(HUGE_PAGES, obj.pageCount - first) : 1;
    for (let i = first; i < first + count; i++) if (obj.pages[i] === 0) obj.pages[i] = this.host.allocPage().pfn + 1;
    return obj.pages[idx] - 1;
  }

  /** Copy-on-write: the writer gets its own copy of data and tags (copy_highpage, KVM.md §6). */
  private breakCow(obj: MemObject, idx: number, pfn: number): number {
    obj.cow![idx] = 0;
    if (this.host.refCount(pfn) === 1) return pfn;
    this.host.invalidate(obj, idx, 'copy-on-write');
    const copy = this.host.allocPage();
    const src = this.host.frame(pfn);
    this.host.copyPage(copy, src);
    this.host.freePage(pfn);
    obj.pages[idx] = copy.pfn + 1;
    this.host.log.emit('cow', { mm: this.name, pageIndex: idx, from: pfn, to: copy.pfn, tagsCopied: (src.flags & FrameFlag.MteTagged) !== 0 }, because(this.host.profile, 'KVM.md §6',
      'A write to a shared copy-on-write page gets a private copy; the tags are copied with the data, so the guest keeps its colours.'));
    return copy.pfn;
  }

  private setPte(va: number, pa: number, attrIndx: number, readOnly: boolean): void {
    this.stage1.setPage(va, stage1PageDescriptor(pa, { attrIndx, el0: true, readOnly, uxn: true }));
  }

  private clearPte(va: number): void {
    this.stage1.clearPage(va);
    for (const b of this.buses) b.flushTlb();
  }

  /** MMU notifier: drop this process's PTE for a page that moved or went away. */
  invalidate(object: MemObject, pageIndex: number): void {
    for (const v of this.vmas) {
      if (v.object !== object) continue;
      const va = v.start + (pageIndex - v.pgoff) * PAGE_SIZE;
      if (va >= v.start && va < v.end) this.clearPte(va);
    }
  }

  /** Splits the VMA holding `addr` so that a VMA boundary lies there (both halves keep the object). */
  private splitAt(addr: number): void {
    const v = this.find(addr);
    if (v === undefined || v.start === addr) return;
    this.vmas.push({ ...v, start: addr, pgoff: Mm.index(v, addr) });
    v.end = addr;
    this.vmas.sort((a, b) => a.start - b.start);
  }

  private unmapRange(addr: number, length: number): void {
    this.splitAt(addr);
    this.splitAt(addr + length);
    for (let i = this.vmas.length - 1; i >= 0; i--) {
      const v = this.vmas[i];
      if (v.start >= addr && v.end <= addr + length) {
        this.vmas.splice(i, 1);
        for (let va = v.start; va < v.end; va += PAGE_SIZE) {
          this.clearPte(va);
          this.host.invalidate(v.object, Mm.index(v, va), 'munmap');
        }
      }
    }
  }

  /** mprotect adding or removing PROT_MTE: allowed only where VM_MTE_ALLOWED; present pages refault with the new attribute. */
  mprotectMte(addr: number, length: number, mte: boolean): number {
    for (const v of this.vmas) {
      if (v.start >= addr + length || v.end <= addr) continue;
      if (mte && !this.mteAllowed(v.object.kind)) return -Errno.EINVAL;
      v.mte = mte;
      for (let va = Math.max(v.start, addr); va < Math.min(v.end, addr + length); va += PAGE_SIZE) {
        if (this.stage1.getPage(va) !== 0n) this.stage1.clearPage(va);
      }
    }
    for (const b of this.buses) b.flushTlb();
    return 0;
  }

  /** MADV_POPULATE_WRITE: faults every page of the range in for writing now, as a VMM's preallocation does. */
  populateWrite(addr: number, length: number): number {
    for (let a = addr; a < addr + length; a += PAGE_SIZE) {
      const r = this.fault(a, true);
      if ('errno' in r) return r.errno;
    }
    return 0;
  }

  /** The present page behind `addr`, without faulting (null when not present). */
  presentFrame(addr: number): Frame | null {
    const vma = this.find(addr);
    if (vma === undefined || vma.object.kind === 'device') return null;
    const e = vma.object.pages[Mm.index(vma, addr)];
    return e === 0 ? null : this.host.frame(e - 1);
  }
}

/** mte_sync_tags: a page mapped PROT_MTE whose tags were never initialised gets them cleared first. */
export function mteSyncTags(frame: Frame): void {
  if ((frame.flags & FrameFlag.MteTagged) !== 0) return;
  frame.ensureTags().fill(0);
  frame.flags |= FrameFlag.MteTagged;
}
