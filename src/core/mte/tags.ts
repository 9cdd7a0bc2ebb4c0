/**
 * Allocation tag generation (MTE.md §4.3): the architected RGSR_EL1 LFSR behind IRG, ChooseNonExcludedTag
 * behind IRG and ADDG/SUBG, and GCR_EL1 exclusion. Everything here is deterministic, so a seeded machine
 * replays every IRG exactly (ARCHITECTURE.md §3, "Determinism").
 */
import type { CpuState } from '../cpu/state.ts';
import { tagInsnContext } from './tagContext.ts';

/** RGSR_EL1 fields: TAG[3:0], SEED[23:8]. */
export const RGSR = { TAG: 0, SEED: 8 } as const;
/** GCR_EL1 fields: Exclude[15:0], RRND[16]. */
export const GCR = { Exclude: 0, RRND: 16 } as const;

/**
 * With GCR_EL1.RRND=1 the kernel need not seed RGSR_EL1, and an all-zero SEED would stick the LFSR at
 * offset 0. QEMU then draws a random non-zero seed; Tagscope uses this fixed one so runs stay replayable.
 */
export const RRND_ZERO_SEED_REPLACEMENT = 1;

/**
 * RandomTag of the pseudocode: four steps of the 16-bit LFSR (taps 5, 3, 2, 0), each output bit becoming
 * offset<i>. Returns `(newSeed << 4) | offset` so the hot path allocates nothing.
 */
export function randomTag(seed: number): number {
  let lfsr = seed & 0xffff;
  let offset = 0;
  for (let i = 0; i < 4; i++) {
    const top = ((lfsr >>> 5) ^ (lfsr >>> 3) ^ (lfsr >>> 2) ^ lfsr) & 1;
    lfsr = (top << 15) | (lfsr >>> 1);
    offset |= top << i;
  }
  return (lfsr << 4) | offset;
}

/**
 * ChooseNonExcludedTag(start, offset, exclude): all 16 tags excluded gives 0; offset 0 steps from `start`
 * until a tag is not excluded; otherwise `offset` times: step once, then past every excluded tag.
 */
export function chooseNonExcludedTag(start: number, offset: number, exclude: number): number {
  if ((exclude & 0xffff) === 0xffff) return 0;
  let tag = start & 0xf;
  if (offset === 0) {
    while (((exclude >>> tag) & 1) === 1) tag = (tag + 1) & 0xf;
    return tag;
  }
  for (let k = offset; k > 0; k--) {
    do tag = (tag + 1) & 0xf;
    while (((exclude >>> tag) & 1) === 1);
  }
  return tag;
}

/** GCR_EL1.Exclude. GCR_EL1 is read where used: MSR may change it without touching the check context. */
export const gcrExclude = (s: CpuState): number => Number(s.sys.GCR_EL1 & 0xffffn);

/**
 * The tag IRG inserts, given the extra exclusion mask from Xm: 0 when allocation tag access is disabled
 * (RGSR_EL1 untouched); otherwise the LFSR step and ChooseNonExcludedTag, updating RGSR_EL1.SEED and
 * RGSR_EL1.TAG. RRND=1 uses the same LFSR, as QEMU does (the choice is IMPLEMENTATION DEFINED).
 */
export function irgTag(s: CpuState, xmExclude: number): number {
  if (!tagInsnContext(s).ata) return 0;
  const exclude = (xmExclude | gcrExclude(s)) & 0xffff;
  // RGSR_EL1 stays the single source of truth (MRS reads it), so IRG reads and writes it in place.
  const rgsr = Number(s.sys.RGSR_EL1 & 0xffffffn);
  let seed = (rgsr >>> RGSR.SEED) & 0xffff;
  if (seed === 0 && ((s.sys.GCR_EL1 >> BigInt(GCR.RRND)) & 1n) === 1n) seed = RRND_ZERO_SEED_REPLACEMENT;
  const r = randomTag(seed);
  const rtag = chooseNonExcludedTag(rgsr & 0xf, r & 0xf, exclude);
  s.sys.RGSR_EL1 = BigInt(((r >>> 4) << RGSR.SEED) | rtag);
  return rtag;
}

/** The tag ADDG/SUBG insert: ChooseNonExcludedTag(tag(Xn), uimm4, GCR_EL1.Exclude), or 0 without tag access. */
export function addgTag(s: CpuState, startTag: number, tagOffset: number): number {
  return tagInsnContext(s).ata ? chooseNonExcludedTag(startTag, tagOffset, gcrExclude(s)) : 0;
}
