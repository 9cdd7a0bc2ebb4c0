/**
 * Translation table walks, 4 KiB granule, four levels, 48-bit input (T0SZ = 16). Stage 1 and stage 2 use
 * the same walk; what differs is how the descriptors are interpreted, which the callers do.
 *
 * `walkInto` is the walk itself: descriptors are handled as two int32 words and the result lands in a
 * reusable `WalkState`, so a TLB miss allocates nothing. `walk` wraps it for tools and the UI, recording
 * every descriptor read so a walk can be shown level by level.
 */
export interface WalkStep {
  level: number;
  /** Address of the descriptor that was read (PA for stage 2 tables; IPA for stage-1 tables under stage 2). */
  descriptorAddress: number;
  descriptor: bigint;
}

export type WalkResult =
  | { ok: true; outputAddress: number; descriptor: bigint; level: number; steps: WalkStep[] }
  | { ok: false; level: number; steps: WalkStep[] };

/** The outcome of `walkInto`, and the two words of the last descriptor read. */
export class WalkState {
  level = 0;
  outputAddress = 0;
  /** Bits 31:0 and 63:32 of the final (or faulting) descriptor. */
  lo = 0;
  hi = 0;
}

/** Reads the descriptor at a table address into `into.lo` / `into.hi`. */
export type DescriptorReader = (addr: number, into: WalkState) => void;

/** Index bits of `inputAddress` for `level` (9 bits each; level 3 is bits 20:12). */
export function tableIndex(inputAddress: number, level: number): number {
  // `& 511` keeps the low 9 bits of the quotient (< 2^36), which ToInt32 preserves.
  return Math.floor(inputAddress / LEVEL_DIVISOR[level]) & 511;
}

const LEVEL_DIVISOR = [2 ** 39, 2 ** 30, 2 ** 21, 2 ** 12];

/** Output address bits 47:12 of a descriptor. */
const outputBase = (lo: number, hi: number): number => (hi & 0xffff) * 0x100000000 + ((lo & 0xfffff000) >>> 0);

/**
 * Walks from `root` for `inputAddress` (< 2^48). Returns true with `s.outputAddress` on success, false with
 * `s.level` the faulting level. Blocks at levels 1 and 2 are followed like pages.
 */
export function walkInto(root: number, inputAddress: number, read: DescriptorReader, s: WalkState, steps: WalkStep[] | null = null): boolean {
  let table = root;
  for (let level = 0; level <= 3; level++) {
    const descriptorAddress = table + tableIndex(inputAddress, level) * 8;
    read(descriptorAddress, s);
    const lo = s.lo;
    const hi = s.hi;
    s.level = level;
    if (steps !== null) steps.push({ level, descriptorAddress, descriptor: (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0) });
    if ((lo & 1) === 0) return false;
    const isTable = (lo & 2) !== 0;
    if (level === 3) {
      if (!isTable) return false; // reserved encoding at level 3
      s.outputAddress = outputBase(lo, hi) + (inputAddress % 4096);
      return true;
    }
    if (!isTable) {
      if (level === 0) return false; // no level-0 blocks with a 4 KiB granule
      const blockSize = 2 ** (12 + 9 * (3 - level));
      const base = outputBase(lo, hi);
      s.outputAddress = base - (base % blockSize) + (inputAddress % blockSize);
      return true;
    }
    table = outputBase(lo, hi);
  }
  return false;
}

/** A walk with every step recorded, for tools and the UI. `readDescriptor` returns the 64-bit descriptor. */
export function walk(root: number, inputAddress: number, readDescriptor: (addr: number) => bigint): WalkResult {
  const steps: WalkStep[] = [];
  const s = new WalkState();
  const ok = walkInto(root, inputAddress, (addr, into) => {
    const d = readDescriptor(addr);
    into.lo = Number(d & 0xffffffffn) | 0;
    into.hi = Number(d >> 32n) | 0;
  }, s, steps);
  if (!ok) return { ok: false, level: s.level, steps };
  const descriptor = steps[steps.length - 1].descriptor;
  return { ok: true, outputAddress: s.outputAddress, descriptor, level: s.level, steps };
}
