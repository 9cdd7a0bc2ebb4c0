/**
 * KVM's stage-2 tables for one VM, real VMSAv8-64 descriptors in host memory built with the core's
 * TableBuilder. Leaf tables are remembered per 2 MiB of IPA so that write-protecting for dirty logging
 * edits descriptors in place, without a walk per page.
 */
import { PAGE_SIZE, type PhysMem } from '../core/mem/physmem.ts';
import { TableBuilder } from '../core/mmu/builder.ts';
import { S2, S2_MEMATTR_DEVICE_nGnRE, stage2PageDescriptor } from '../core/mmu/descriptors.ts';
import { walk } from '../core/mmu/walk.ts';

const S2AP_WRITE = 1 << 7;
const REGION_PAGES = 512;

export interface Stage2Entry {
  pa: number;
  memAttr: number;
  write: boolean;
}

export class Stage2 {
  readonly builder: TableBuilder;
  /** IPA / 2 MiB → the bytes of its level-3 table. */
  private readonly leaves = new Map<number, DataView>();

  constructor(private readonly phys: PhysMem, allocFrame: () => number) {
    this.builder = new TableBuilder(phys, allocFrame);
  }

  get root(): number {
    return this.builder.root;
  }

  map(ipa: number, pa: number, memAttr: number, write: boolean): void {
    // Only Device memory is execute-never; NoTagAccess is Normal memory, so code may run from it.
    this.builder.setPage(ipa, stage2PageDescriptor(pa, { memAttr, read: true, write, xn: memAttr === S2_MEMATTR_DEVICE_nGnRE }));
    const region = Math.floor(ipa / (PAGE_SIZE * REGION_PAGES));
    if (!this.leaves.has(region)) {
      const w = walk(this.root, ipa, (a) => this.phys.frame(Math.floor(a / PAGE_SIZE)).view.getBigUint64(a % PAGE_SIZE, true));
      const table = w.steps[3].descriptorAddress - (Math.floor(ipa / PAGE_SIZE) % REGION_PAGES) * 8;
      this.leaves.set(region, this.phys.frame(table / PAGE_SIZE).view);
    }
  }

  lookup(ipa: number): Stage2Entry | null {
    const d = this.builder.getPage(ipa - (ipa % PAGE_SIZE));
    if ((d & 1n) === 0n) return null;
    return { pa: Number(d & 0x0000_ffff_ffff_f000n), memAttr: S2.memAttr(d), write: S2.write(d) };
  }

  unmap(ipa: number): boolean {
    if (this.lookup(ipa) === null) return false;
    this.builder.clearPage(ipa - (ipa % PAGE_SIZE));
    return true;
  }

  setWritable(ipa: number, write: boolean): void {
    const page = Math.floor(ipa / PAGE_SIZE);
    const view = this.leaves.get(Math.floor(page / REGION_PAGES));
    if (view === undefined) return;
    const off = (page % REGION_PAGES) * 8;
    const lo = view.getUint32(off, true);
    if ((lo & 1) === 0) return;
    view.setUint32(off, write ? lo | S2AP_WRITE : lo & ~S2AP_WRITE, true);
  }

  /** Write-protects every mapped page of [ipa, ipa + pages·4 KiB) whose bit is set in `bitmap` (all when null). */
  writeProtect(ipa: number, pages: number, bitmap: Uint32Array | null): void {
    const first = Math.floor(ipa / PAGE_SIZE);
    for (let i = 0; i < pages; i++) {
      if (bitmap !== null) {
        const word = bitmap[i >>> 5];
        if (word === 0) { i |= 31; continue; }
        if (((word >>> (i & 31)) & 1) === 0) continue;
      }
      const page = first + i;
      const view = this.leaves.get(Math.floor(page / REGION_PAGES));
      if (view === undefined) { i += REGION_PAGES - 1 - (page % REGION_PAGES); continue; }
      const off = (page % REGION_PAGES) * 8;
      const lo = view.getUint32(off, true);
      if ((lo & 1) !== 0) view.setUint32(off, lo & ~S2AP_WRITE, true);
    }
  }
}
