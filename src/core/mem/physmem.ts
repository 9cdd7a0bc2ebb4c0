/**
 * Sparse physical memory with an MTE tag store (ARCHITECTURE.md §3, MTE.md §1).
 *
 * Memory is a map of 4 KiB frames created on first touch. Each frame that has ever held allocation
 * tags carries a 256-byte tag array (one byte per 16-byte granule, low nibble the tag); frames that
 * never did have none, which keeps untagged memory cheap and lets the heatmap read tags directly.
 */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const PAGE_MASK = PAGE_SIZE - 1;
export const GRANULE_SHIFT = 4;
export const GRANULE_SIZE = 1 << GRANULE_SHIFT;
export const GRANULES_PER_PAGE = PAGE_SIZE >> GRANULE_SHIFT;

/** Per-frame flags, named after the Linux page flags they model. */
export const FrameFlag = {
  /** PG_mte_tagged: the tags of this frame have been initialised (KVM.md §4). */
  MteTagged: 1 << 0,
  /** The frame holds decoded instructions; writes must invalidate them. */
  Code: 1 << 1,
  /** Written (data or tags) since the dirty log was last collected. */
  Dirty: 1 << 2,
} as const;

/**
 * Hands out fixed-size zeroed byte blocks carved from larger shared buffers. A guest touching a gigabyte
 * creates a quarter of a million frames: one ArrayBuffer each would make the garbage collector the
 * busiest part of the emulator. Blocks are never reused (a stale reference to a dropped frame must not
 * alias a live one); a slab is freed once no frame carved from it is reachable.
 */
class BlockPool {
  private slab: ArrayBuffer | null = null;
  private used = 0;
  constructor(private readonly blockBytes: number, private readonly blocksPerSlab: number) {}

  take(): Uint8Array {
    if (this.slab === null || this.used === this.blocksPerSlab) {
      this.slab = new ArrayBuffer(this.blockBytes * this.blocksPerSlab);
      this.used = 0;
    }
    return new Uint8Array(this.slab, this.blockBytes * this.used++, this.blockBytes);
  }
}

const dataPool = new BlockPool(PAGE_SIZE, 64);
const tagPool = new BlockPool(GRANULES_PER_PAGE, 256);

export class Frame {
  readonly data: Uint8Array = dataPool.take();
  readonly view = new DataView(this.data.buffer, this.data.byteOffset, PAGE_SIZE);
  /** Allocation tags, one per granule; null until the frame first holds tags. */
  tags: Uint8Array | null = null;
  flags = 0;
  /** Generation of decoded code for this frame; bumped on invalidation. */
  codeGeneration = 0;
  constructor(readonly pfn: number) {}

  /** The tag array, created (all tags 0) if the frame had none. */
  ensureTags(): Uint8Array {
    return (this.tags ??= tagPool.take());
  }
}

export interface PhysMemListener {
  /** A frame that held decoded code was written. */
  codeWritten(frame: Frame): void;
}

/** Frames per directory chunk of PhysMem (a two-level table: fast lookups over a sparse space). */
const CHUNK_SHIFT = 10;
const CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;

export class PhysMem {
  /** pfn >> CHUNK_SHIFT → the frames of that chunk, by pfn & CHUNK_MASK. */
  private readonly chunks = new Map<number, (Frame | undefined)[]>();
  private count = 0;
  /** Upper bound of frames that may be created, so a runaway guest cannot exhaust the host. */
  constructor(readonly maxFrames = 1 << 20) {}

  get frameCount(): number {
    return this.count;
  }

  /** Frame at page frame number `pfn`, created zero-filled on first touch. */
  frame(pfn: number): Frame {
    const chunk = this.chunks.get(Math.floor(pfn / (CHUNK_MASK + 1)));
    const f = chunk?.[pfn & CHUNK_MASK];
    return f !== undefined ? f : this.create(pfn);
  }

  private create(pfn: number): Frame {
    if (this.count >= this.maxFrames) throw new RangeError(`physical memory limit reached (${this.maxFrames} frames)`);
    const key = Math.floor(pfn / (CHUNK_MASK + 1));
    let chunk = this.chunks.get(key);
    if (chunk === undefined) {
      chunk = new Array<Frame | undefined>(CHUNK_MASK + 1).fill(undefined);
      this.chunks.set(key, chunk);
    }
    const f = new Frame(pfn);
    chunk[pfn & CHUNK_MASK] = f;
    this.count++;
    return f;
  }

  /** Frame at `pfn` if it has been touched, without creating it. */
  peek(pfn: number): Frame | undefined {
    return this.chunks.get(Math.floor(pfn / (CHUNK_MASK + 1)))?.[pfn & CHUNK_MASK];
  }

  /** Drops a frame (balloon, discard): it reads back as zeroes with no tags. */
  release(pfn: number): void {
    const chunk = this.chunks.get(Math.floor(pfn / (CHUNK_MASK + 1)));
    if (chunk?.[pfn & CHUNK_MASK] === undefined) return;
    chunk[pfn & CHUNK_MASK] = undefined;
    this.count--;
  }

  /** Every touched frame, in ascending physical address order. */
  *allFrames(): IterableIterator<Frame> {
    for (const key of [...this.chunks.keys()].sort((a, b) => a - b)) {
      for (const f of this.chunks.get(key)!) if (f !== undefined) yield f;
    }
  }

  /** Bulk byte copy into physical memory, for loaders and the VMM; not for the guest's hot path. */
  writeBytes(pa: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const addr = pa + done;
      const off = addr & PAGE_MASK;
      const n = Math.min(PAGE_SIZE - off, bytes.length - done);
      const f = this.frame(Math.floor(addr / PAGE_SIZE));
      f.data.set(bytes.subarray(done, done + n), off);
      done += n;
    }
  }

  readBytes(pa: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const addr = pa + done;
      const off = addr & PAGE_MASK;
      const n = Math.min(PAGE_SIZE - off, length - done);
      const f = this.peek(Math.floor(addr / PAGE_SIZE));
      if (f) out.set(f.data.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  /** Allocation tag of the granule at `pa` (0 where the frame has no tags). */
  tagAt(pa: number): number {
    const f = this.peek(Math.floor(pa / PAGE_SIZE));
    return f?.tags ? f.tags[(pa & PAGE_MASK) >> GRANULE_SHIFT] & 0xf : 0;
  }
}
