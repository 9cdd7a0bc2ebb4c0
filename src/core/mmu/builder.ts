/**
 * Builds and edits real VMSAv8-64 translation tables (4 KiB granule, 4 levels) in physical memory, for
 * whoever plays the OS: the Linux personality's stage-1 tables, and the KVM model's stage-2 tables.
 * Table frames come from `allocFrame`, which returns the address of a zeroed 4 KiB frame.
 */
import { PAGE_SIZE, type PhysMem } from '../mem/physmem.ts';
import { DESC_TABLE_OR_PAGE, DESC_VALID, OA_MASK, stage1TableDescriptor } from './descriptors.ts';
import { tableIndex } from './walk.ts';

export class TableBuilder {
  readonly root: number;
  /** Addresses of every table frame this builder owns, for the UI's table views. */
  readonly tables = new Set<number>();

  constructor(
    private readonly phys: PhysMem,
    private readonly allocFrame: () => number,
    /** Translates a table address to where its bytes live (identity, or stage 2 for stage-1 tables of a guest). */
    private readonly tableToPhys: (addr: number) => number = (a) => a,
  ) {
    this.root = this.newTable();
  }

  private newTable(): number {
    const t = this.allocFrame();
    this.tables.add(t);
    return t;
  }

  private read(addr: number): bigint {
    const pa = this.tableToPhys(addr);
    return this.phys.frame(Math.floor(pa / PAGE_SIZE)).view.getBigUint64(pa % PAGE_SIZE, true);
  }

  private write(addr: number, d: bigint): void {
    const pa = this.tableToPhys(addr);
    this.phys.frame(Math.floor(pa / PAGE_SIZE)).view.setBigUint64(pa % PAGE_SIZE, d, true);
  }

  /** Address of the level-3 descriptor for `inputAddress`, creating intermediate tables when `create`. */
  private leafSlot(inputAddress: number, create: boolean): number | null {
    let table = this.root;
    for (let level = 0; level < 3; level++) {
      const slot = table + tableIndex(inputAddress, level) * 8;
      const d = this.read(slot);
      if ((d & DESC_VALID) === 0n) {
        if (!create) return null;
        const next = this.newTable();
        this.write(slot, stage1TableDescriptor(next));
        table = next;
      } else {
        if ((d & DESC_TABLE_OR_PAGE) === 0n) throw new Error('block descriptors are not edited by TableBuilder');
        table = Number(d & OA_MASK);
      }
    }
    return table + tableIndex(inputAddress, 3) * 8;
  }

  /** Writes the level-3 descriptor for the page at `inputAddress` (a page-aligned address). */
  setPage(inputAddress: number, descriptor: bigint): void {
    this.write(this.leafSlot(inputAddress, true)!, descriptor);
  }

  /** The level-3 descriptor for `inputAddress`, or 0n when none is mapped. */
  getPage(inputAddress: number): bigint {
    const slot = this.leafSlot(inputAddress, false);
    return slot === null ? 0n : this.read(slot);
  }

  /**
   * The level-3 descriptor for `inputAddress` read through `peek` (a translation without side effects, null
   * where the bytes are not reachable now), or 0n: for observers, who must not change what they look at.
   */
  peekPage(inputAddress: number, peek: (addr: number) => number | null): bigint {
    let table = this.root;
    for (let level = 0; level <= 3; level++) {
      const pa = peek(table + tableIndex(inputAddress, level) * 8);
      const frame = pa === null ? undefined : this.phys.peek(Math.floor(pa / PAGE_SIZE));
      if (pa === null || frame === undefined) return 0n;
      const d = frame.view.getBigUint64(pa % PAGE_SIZE, true);
      if (level === 3) return d;
      if ((d & DESC_VALID) === 0n || (d & DESC_TABLE_OR_PAGE) === 0n) return 0n;
      table = Number(d & OA_MASK);
    }
    return 0n;
  }

  clearPage(inputAddress: number): void {
    const slot = this.leafSlot(inputAddress, false);
    if (slot !== null) this.write(slot, 0n);
  }
}

/** A bump allocator of zeroed frames in [start, end), for tables and simple loaders. */
export function frameAllocator(phys: PhysMem, start: number, end: number): () => number {
  let next = start;
  return () => {
    if (next + PAGE_SIZE > end) throw new RangeError('out of physical frames for translation tables');
    const pa = next;
    next += PAGE_SIZE;
    phys.frame(pa / PAGE_SIZE).data.fill(0);
    return pa;
  };
}
