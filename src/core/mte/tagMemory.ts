/**
 * The memory side of the tag instructions (MTE.md §4.3, §5): LDG/LDGM read allocation tags, the STG
 * family, STGP, STGM/STZGM and DC GVA/GZVA write them, DC ZVA zeroes a block as a checked store.
 *
 * Every access translates through `bus.frameFor` first, so translation and permission faults come before
 * anything else and a tag write needs a writable page. A write translation also marks the frame dirty,
 * exactly as a data write does (dirty logging relies on it). Tags are read or written only when
 * allocation tag access is enabled and the memory is Normal Tagged; otherwise reads give 0 and writes are
 * dropped. Stage-2 NoTagAccess memory faults on any tag read or write. None of these accesses is tag
 * checked, except DC ZVA.
 */
import { GuestException, type MemoryFault } from '../cpu/exceptions.ts';
import type { CpuState } from '../cpu/state.ts';
import { carryHi } from '../isa/classes/loadStore/access.ts';
import { toBigVa } from '../mmu/bus.ts';
import { GRANULE_SHIFT, PAGE_MASK, PAGE_SIZE } from '../mem/physmem.ts';
import { AccessKind } from './check.ts';
import { tagInsnContext } from './tagContext.ts';

/** A stage-2 permission fault for a tag access to NoTagAccess memory (FEAT_MTE_PERM, KVM.md §8). */
function noTagAccessFault(hi: number, lo: number, write: boolean, ipa: number): GuestException {
  const fault: MemoryFault = { type: 'noTagAccess', stage: 2, level: 3, va: toBigVa(hi, lo), ipa, write, fetch: false };
  return new GuestException({ kind: 'dataAbort', fault });
}

/** A 4-bit tag repeated in all eight nibbles of a word: the nibble pattern of a uniform tag fill. */
export const replicateTag = (tag: number): number => Math.imul(tag & 0xf, 0x11111111);

/**
 * Translates every page of the `bytes` at (hi, lo) for `kind` before anything changes, so a fault leaves
 * memory as it was; when tags will be accessed, NoTagAccess memory faults (stage 2) here too.
 */
function translateAll(s: CpuState, hi: number, lo: number, bytes: number, kind: AccessKind, tagAccess: boolean): void {
  for (let done = 0; done < bytes;) {
    const cLo = (lo + done) | 0;
    const cHi = carryHi(hi, (lo >>> 0) + done);
    const where = s.bus.frameFor(cHi, cLo, kind);
    if (where.noTagAccess && tagAccess) throw noTagAccessFault(cHi, cLo, kind !== AccessKind.Read, where.ipa);
    done += PAGE_SIZE - (cLo & PAGE_MASK);
  }
}

/**
 * Writes the granules of the `bytes` at (hi, lo), a 16-byte aligned range: when `writeTags`, granule at
 * address A gets nibble A<7:4> of the pattern (patHi:patLo) (a uniform tag is `replicateTag` in both
 * halves; STGM passes Xt); when `zero`, the data becomes zeroes.
 */
export function fillGranules(s: CpuState, hi: number, lo: number, bytes: number, writeTags: boolean, patHi: number, patLo: number, zero: boolean): void {
  const tagAccess = writeTags && tagInsnContext(s).ata;
  translateAll(s, hi, lo, bytes, AccessKind.Write, tagAccess);
  for (let done = 0; done < bytes;) {
    const cLo = (lo + done) | 0;
    const off = cLo & PAGE_MASK;
    const n = Math.min(bytes - done, PAGE_SIZE - off);
    const { frame, tagged } = s.bus.frameFor(carryHi(hi, (lo >>> 0) + done), cLo, AccessKind.Write);
    if (zero) frame.data.fill(0, off, off + n);
    if (tagAccess && tagged) {
      const tags = frame.ensureTags();
      for (let g = off >> GRANULE_SHIFT; g < (off + n) >> GRANULE_SHIFT; g++) {
        const nibble = g & 0xf;
        const tag = (nibble < 8 ? patLo >>> (4 * nibble) : patHi >>> (4 * (nibble - 8))) & 0xf;
        tags[g] = (tags[g] & 0xf0) | tag;
      }
    }
    done += n;
  }
}

/** LDG: the allocation tag of the granule holding (hi, lo); 0 without tag access or on Untagged memory. */
export function loadTag(s: CpuState, hi: number, lo: number): number {
  const tagAccess = tagInsnContext(s).ata;
  translateAll(s, hi, lo, 1, AccessKind.Read, tagAccess);
  const { frame, tagged } = s.bus.frameFor(hi, lo, AccessKind.Read);
  if (!tagAccess || !tagged || frame.tags === null) return 0;
  return frame.tags[(lo & PAGE_MASK) >> GRANULE_SHIFT] & 0xf;
}

/**
 * LDGM: the tags of the aligned block of `bytes` at (hi, lo) (at most 256 bytes, so within one page),
 * granule at A into nibble A<7:4>, written to register `d`; 0 without tag access or on Untagged memory.
 */
export function loadTagBlock(s: CpuState, d: number, hi: number, lo: number, bytes: number): void {
  const tagAccess = tagInsnContext(s).ata;
  translateAll(s, hi, lo, bytes, AccessKind.Read, tagAccess);
  const { frame, tagged } = s.bus.frameFor(hi, lo, AccessKind.Read);
  let vlo = 0;
  let vhi = 0;
  if (tagAccess && tagged && frame.tags !== null) {
    const first = (lo & PAGE_MASK) >> GRANULE_SHIFT;
    for (let g = first; g < first + (bytes >> GRANULE_SHIFT); g++) {
      const nibble = g & 0xf;
      const tag = frame.tags[g] & 0xf;
      if (nibble < 8) vlo |= tag << (4 * nibble);
      else vhi |= tag << (4 * (nibble - 8));
    }
  }
  s.lo[d] = vlo;
  s.hi[d] = vhi;
}

/**
 * DC ZVA (`setTags` false: a store of zeroes, tag checked over the whole block, MTE.md §2.5), DC GVA
 * (tag(Xt) to every granule) and DC GZVA (both, unchecked) over the `block` bytes holding (hi, lo).
 */
export function dcBlock(s: CpuState, hi: number, lo: number, block: number, setTags: boolean, zero: boolean): void {
  // Translation faults report the address given, not the block's.
  s.bus.frameFor(hi, lo, AccessKind.Write);
  const aligned = lo & -block;
  if (!setTags) s.bus.probe(hi, aligned, block, AccessKind.Write, true);
  const pattern = replicateTag(hi >>> 24);
  fillGranules(s, hi, aligned, block, setTags, pattern, pattern, zero);
}
