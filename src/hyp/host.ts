/**
 * The host kernel's memory (KVM.md §6): host physical pages with PG_mte_tagged (FrameFlag.MteTagged),
 * a page allocator that, like Linux, zeroes data but not tags when it hands a page out again, the zero
 * page, the swap device with the mteswap tag store, and the MMU notifiers that tell KVM when a page moves.
 */
import { FrameFlag, GRANULES_PER_PAGE, PAGE_SIZE, PhysMem, type Frame } from '../core/mem/physmem.ts';
import { EventLog } from './events.ts';
import { profile as profileOf, type KernelProfile, type KernelVersion } from './profile.ts';

/** First host page frame handed out (host RAM starts at 1 GiB, below it the model keeps nothing). */
const HOST_RAM_BASE_PFN = 0x40000;
/** Host physical address of device (PCI BAR) memory. */
export const DEVICE_PA_BASE = 0x80_0000_0000;

/** Backing kinds of a mapping (KVM.md §3). */
export type BackingKind = 'anonymous' | 'memfd' | 'hugetlbfs' | 'file' | 'device';

/** The pages behind a mapping: anonymous memory, a memfd/shmem or hugetlbfs file, a regular file or a device. */
export class MemObject {
  /** pfn + 1 of each page, 0 when not present. */
  readonly pages: Int32Array;
  /** Swap slot of each swapped-out page. */
  readonly swapSlots = new Map<number, number>();
  /** 1 where the page is shared copy-on-write (after fork or a KSM merge): a write must copy it first. */
  cow: Uint8Array | null = null;
  constructor(readonly kind: BackingKind, readonly pageCount: number, readonly devicePa = 0) {
    this.pages = new Int32Array(kind === 'device' ? 0 : pageCount);
  }
}

/** Called when a host page behind guest RAM is unmapped or moved (mmu_notifier_invalidate_range). */
export interface MmuNotifier {
  invalidate(object: MemObject, pageIndex: number, reason: string): void;
}

interface SwapEntry {
  data: Uint8Array;
  /** mteswap: 128 bytes, two 4-bit tags a byte; null when the page was not PG_mte_tagged. */
  tags: Uint8Array | null;
}

export class Host {
  readonly phys = new PhysMem(1 << 22);
  readonly log = new EventLog();
  readonly profile: KernelProfile;
  readonly zeroPfn: number;
  /** Objects whose pages are mapped by more than one owner (CoW after fork, KSM): pfn → references. */
  readonly refs = new Map<number, number>();
  readonly notifiers = new Set<MmuNotifier>();
  private nextPfn = HOST_RAM_BASE_PFN;
  private readonly freePfns: number[] = [];
  private readonly swapStore = new Map<number, SwapEntry>();
  private nextSwapSlot = 1;
  /** Pages in use (allocated and not freed), for the memory bound. */
  pagesInUse = 0;

  constructor(version: KernelVersion = '6.13') {
    this.profile = profileOf(version);
    const zero = this.allocPage();
    zero.ensureTags();
    zero.flags |= FrameFlag.MteTagged; // the zero page's tags are cleared at boot
    this.zeroPfn = zero.pfn;
  }

  /**
   * A zeroed page. A reused page keeps the tags it had in tag storage: Linux zeroes data on allocation
   * but clears tags only when the page is first mapped tagged (KVM.md §4, the stale tags S1 shows).
   */
  allocPage(): Frame {
    const reused = this.freePfns.pop();
    this.pagesInUse++;
    if (reused === undefined) return this.phys.frame(this.nextPfn++);
    const f = this.phys.frame(reused);
    f.data.fill(0);
    f.flags = 0;
    f.codeGeneration++;
    return f;
  }

  freePage(pfn: number): void {
    const n = this.refs.get(pfn);
    if (n !== undefined && n > 1) {
      if (n === 2) this.refs.delete(pfn);
      else this.refs.set(pfn, n - 1);
      return;
    }
    this.refs.delete(pfn);
    this.pagesInUse--;
    this.freePfns.push(pfn);
  }

  /** References to a page (1 unless shared by CoW or KSM). */
  refCount(pfn: number): number {
    return this.refs.get(pfn) ?? 1;
  }

  addRef(pfn: number): void {
    this.refs.set(pfn, this.refCount(pfn) + 1);
  }

  /** A zeroed frame for translation tables, as a physical address. */
  allocTableFrame = (): number => this.allocPage().pfn * PAGE_SIZE;

  frame(pfn: number): Frame {
    return this.phys.frame(pfn);
  }

  /** copy_highpage: data, and tags with PG_mte_tagged when the source has them (KVM.md §6). */
  copyPage(dst: Frame, src: Frame): void {
    dst.data.set(src.data);
    if ((src.flags & FrameFlag.MteTagged) !== 0) {
      dst.ensureTags().set(src.tags ?? new Uint8Array(GRANULES_PER_PAGE));
      dst.flags |= FrameFlag.MteTagged;
    }
  }

  /** Saves a page to swap: data, and its 128 bytes of tags when PG_mte_tagged (mteswap.c). */
  swapWrite(src: Frame): number {
    let tags: Uint8Array | null = null;
    if ((src.flags & FrameFlag.MteTagged) !== 0) {
      tags = new Uint8Array(GRANULES_PER_PAGE / 2);
      const t = src.tags;
      if (t !== null) for (let g = 0; g < GRANULES_PER_PAGE; g += 2) tags[g >> 1] = (t[g] & 0xf) | ((t[g + 1] & 0xf) << 4);
    }
    const slot = this.nextSwapSlot++;
    this.swapStore.set(slot, { data: src.data.slice(), tags });
    return slot;
  }

  /** Reads a page back from swap into `dst`; restores tags and sets PG_mte_tagged when they were saved. */
  swapRead(slot: number, dst: Frame): boolean {
    const e = this.swapStore.get(slot)!;
    this.swapStore.delete(slot);
    dst.data.set(e.data);
    if (e.tags === null) return false;
    const t = dst.ensureTags();
    for (let g = 0; g < GRANULES_PER_PAGE; g += 2) {
      t[g] = e.tags[g >> 1] & 0xf;
      t[g + 1] = e.tags[g >> 1] >> 4;
    }
    dst.flags |= FrameFlag.MteTagged;
    return true;
  }

  /** Bytes the mteswap store holds (128 per tagged page). */
  get swapTagBytes(): number {
    let n = 0;
    for (const e of this.swapStore.values()) n += e.tags?.length ?? 0;
    return n;
  }

  invalidate(object: MemObject, pageIndex: number, reason: string): void {
    for (const n of this.notifiers) n.invalidate(object, pageIndex, reason);
  }

  /** Host memory the model holds: frames created in physical memory plus swap, in bytes. */
  get bytesUsed(): number {
    let swap = 0;
    for (const e of this.swapStore.values()) swap += e.data.length + (e.tags?.length ?? 0);
    return this.phys.frameCount * (PAGE_SIZE + GRANULES_PER_PAGE) + swap;
  }
}
