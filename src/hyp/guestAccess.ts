/**
 * Guest-side memory operations for scenarios, performed on a vCPU through its Bus exactly as the
 * instructions do (translation at both stages, the tag-check decision, stage-2 faults fixed by KVM):
 * data loads and stores, and the architectural effect of STG and LDG on one granule (MTE.md §4).
 */
import { GuestException } from '../core/cpu/exceptions.ts';
import { FrameFlag, GRANULE_SHIFT, PAGE_MASK } from '../core/mem/physmem.ts';
import type { Bus } from '../core/mmu/bus.ts';
import type { CpuState } from '../core/cpu/state.ts';
import { AccessKind, allocationTagAccessEnabled } from '../core/mte/check.ts';
import type { Vcpu } from './vcpu.ts';

const hiOf = (va: bigint): number => Number((va >> 32n) & 0xffffffffn) | 0;
const loOf = (va: bigint): number => Number(va & 0xffffffffn) | 0;

/** STG of the pointer's tag into the granule at `va`: ignored when tag access is disabled or the memory is Untagged. */
export function storeTag(cpu: CpuState, bus: Bus, va: bigint): void {
  if (!allocationTagAccessEnabled(cpu)) return;
  const hi = hiOf(va);
  const lo = loOf(va);
  const { frame, tagged, noTagAccess } = bus.frameFor(hi, lo, AccessKind.Write);
  if (noTagAccess) throw new GuestException({ kind: 'dataAbort', fault: { type: 'noTagAccess', stage: 2, level: 3, va, write: true, fetch: false } });
  if (!tagged) return;
  frame.ensureTags()[(lo & PAGE_MASK) >> GRANULE_SHIFT] = (hi >>> 24) & 0xf;
  frame.flags |= FrameFlag.Dirty;
}

/** LDG: the allocation tag of the granule at `va`; 0 when tag access is disabled or the memory is Untagged. */
export function loadTag(cpu: CpuState, bus: Bus, va: bigint): number {
  if (!allocationTagAccessEnabled(cpu)) return 0;
  const lo = loOf(va);
  const { frame, tagged, noTagAccess } = bus.frameFor(hiOf(va), lo, AccessKind.Read);
  if (noTagAccess) throw new GuestException({ kind: 'dataAbort', fault: { type: 'noTagAccess', stage: 2, level: 3, va, write: false, fetch: false } });
  if (!tagged || frame.tags === null) return 0;
  return frame.tags[(lo & PAGE_MASK) >> GRANULE_SHIFT] & 0xf;
}

/** A pointer with logical tag `tag` in bits 59:56. */
export const withTag = (va: number | bigint, tag: number): bigint => (BigInt(va) & ~(0xfn << 56n)) | (BigInt(tag & 0xf) << 56n);

/** Guest operations on one vCPU; each returns the vCPU access result (value, VM exit, or guest exception). */
export class GuestOps {
  constructor(readonly vcpu: Vcpu) {}

  store64(va: bigint, value: bigint) {
    const bus = this.vcpu.bus;
    return this.vcpu.access(() => bus.write64(hiOf(va), loOf(va), Number(value & 0xffffffffn) | 0, Number(value >> 32n) | 0, true));
  }

  load64(va: bigint) {
    const bus = this.vcpu.bus;
    return this.vcpu.access(() => {
      const lo = bus.read64(hiOf(va), loOf(va), true);
      return (BigInt(bus.rhi >>> 0) << 32n) | BigInt(lo >>> 0);
    });
  }

  stg(va: bigint) {
    return this.vcpu.access(() => storeTag(this.vcpu.cpu, this.vcpu.bus, va));
  }

  ldg(va: bigint) {
    return this.vcpu.access(() => loadTag(this.vcpu.cpu, this.vcpu.bus, va));
  }

  /** STG over `length` bytes from `va` with the pointer's tag (the guest colouring a buffer). */
  colour(va: bigint, length: number) {
    return this.vcpu.access(() => {
      for (let off = 0; off < length; off += 16) storeTag(this.vcpu.cpu, this.vcpu.bus, va + BigInt(off));
    });
  }
}
