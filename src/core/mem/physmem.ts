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

export class Frame {
  readonly data = new Uint8Array(PAGE_SIZE);
  readonly view = new DataView(this.data.buffer);
  /** Allocation tags, one per granule; null until the frame first holds tags. */
  tags: Uint8Array | null = null;
  flags = 0;
  /** Generation of decoded code for this frame; bumped on invalidation. */
  codeGeneration = 0;
  constructor(readonly pfn: number) {}

  /** The tag array, created (all tags 0) if the frame had none. */
  ensureTags(): Uint8Array {
    return (this.tags ??= new Uint8Array(GRANULES_PER_PAGE));
  }
}

export interface PhysMemListener {
  /** A frame that held decoded code was written. */
  codeWritten(frame: Frame): void;
}

export class PhysMem {
  private readonly frames = new Map<number, Frame>();
  /** Upper bound of frames that may be created, so a runaway guest cannot exhaust the host. */
  constructor(readonly maxFrames = 1 << 20) {}

  get frameCount(): number {
    return this.frames.size;
  }

  /** Frame at page frame number `pfn`, created zero-filled on first touch. */
  frame(pfn: number): Frame {
    let f = this.frames.get(pfn);
    if (f === undefined) {
      if (this.frames.size >= this.maxFrames) throw new RangeError(`physical memory limit reached (${this.maxFrames} frames)`);
      f = new Frame(pfn);
      this.frames.set(pfn, f);
    }
    return f;
  }

  /** Frame at `pfn` if it has been touched, without creating it. */
  peek(pfn: number): Frame | undefined {
    return this.frames.get(pfn);
  }

  /** Drops a frame (balloon, discard): it reads back as zeroes with no tags. */
  release(pfn: number): void {
    this.frames.delete(pfn);
  }

  allFrames(): IterableIterator<Frame> {
    return this.frames.values();
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
      const f = this.frames.get(Math.floor(addr / PAGE_SIZE));
      if (f) out.set(f.data.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  /** Allocation tag of the granule at `pa` (0 where the frame has no tags). */
  tagAt(pa: number): number {
    const f = this.frames.get(Math.floor(pa / PAGE_SIZE));
    return f?.tags ? f.tags[(pa & PAGE_MASK) >> GRANULE_SHIFT] & 0xf : 0;
  }
}
