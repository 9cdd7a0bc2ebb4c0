/**
 * Translation table walks, 4 KiB granule, four levels, 48-bit input (T0SZ = 16). Stage 1 and stage 2 use
 * the same walk; what differs is how the descriptors are interpreted, which the callers do. The walk
 * records every descriptor it read so the UI can highlight the walk level by level.
 */
import { DESC_TABLE_OR_PAGE, DESC_VALID, OA_MASK } from './descriptors.ts';

export interface WalkStep {
  level: number;
  /** Address of the descriptor that was read (PA for stage 2 tables; IPA for stage-1 tables under stage 2). */
  descriptorAddress: number;
  descriptor: bigint;
}

export type WalkResult =
  | { ok: true; outputAddress: number; descriptor: bigint; level: number; steps: WalkStep[] }
  | { ok: false; level: number; steps: WalkStep[] };

/** Index bits of `inputAddress` for `level` (9 bits each; level 3 is bits 20:12). */
export function tableIndex(inputAddress: number, level: number): number {
  const shift = 12 + 9 * (3 - level);
  return Math.floor(inputAddress / 2 ** shift) % 512;
}

/**
 * Walks from `root` (table address) for `inputAddress` (< 2^48). `readDescriptor(addr)` returns the 64-bit
 * descriptor at that table address. Blocks at levels 1 and 2 are followed like pages.
 */
export function walk(root: number, inputAddress: number, readDescriptor: (addr: number) => bigint): WalkResult {
  const steps: WalkStep[] = [];
  let table = root;
  for (let level = 0; level <= 3; level++) {
    const descriptorAddress = table + tableIndex(inputAddress, level) * 8;
    const d = readDescriptor(descriptorAddress);
    steps.push({ level, descriptorAddress, descriptor: d });
    if ((d & DESC_VALID) === 0n) return { ok: false, level, steps };
    const isTable = (d & DESC_TABLE_OR_PAGE) !== 0n;
    if (level === 3) {
      if (!isTable) return { ok: false, level, steps }; // reserved encoding at level 3
      return { ok: true, outputAddress: Number(d & OA_MASK) + (inputAddress % 4096), descriptor: d, level, steps };
    }
    if (!isTable) {
      if (level === 0) return { ok: false, level, steps }; // no level-0 blocks with 4 KiB granule
      const blockSize = 2 ** (12 + 9 * (3 - level));
      const base = Number(d & OA_MASK) - (Number(d & OA_MASK) % blockSize);
      return { ok: true, outputAddress: base + (inputAddress % blockSize), descriptor: d, level, steps };
    }
    table = Number(d & OA_MASK);
  }
  return { ok: false, level: 3, steps };
}
