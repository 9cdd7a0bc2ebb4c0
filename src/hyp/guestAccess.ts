/**
 * Guest-side memory operations for scenarios, performed on a vCPU through its Bus exactly as the
 * instructions do (translation at both stages, the tag-check decision, stage-2 faults fixed by KVM):
 * data loads and stores, and STG/LDG on one granule through the core's tag-memory functions.
 */
import { fillGranules, loadTag as ldg, replicateTag } from '../core/mte/tagMemory.ts';
import type { CpuState } from '../core/cpu/state.ts';
import type { Vcpu } from './vcpu.ts';

const hiOf = (va: bigint): number => Number((va >> 32n) & 0xffffffffn) | 0;
const loOf = (va: bigint): number => Number(va & 0xffffffffn) | 0;

/** STG: the pointer's tag into the granule at `va` (the core's tag-memory semantics). */
export function storeTag(cpu: CpuState, va: bigint): void {
  const hi = hiOf(va);
  const pattern = replicateTag((hi >>> 24) & 0xf);
  fillGranules(cpu, hi, loOf(va) & ~0xf, 16, true, pattern, pattern, false);
}

/** LDG: the allocation tag of the granule at `va`. */
export function loadTag(cpu: CpuState, va: bigint): number {
  return ldg(cpu, hiOf(va), loOf(va));
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
    return this.vcpu.access(() => storeTag(this.vcpu.cpu, va));
  }

  ldg(va: bigint) {
    return this.vcpu.access(() => loadTag(this.vcpu.cpu, va));
  }

  /** STG over `length` bytes from `va` with the pointer's tag (the guest colouring a buffer). */
  colour(va: bigint, length: number) {
    return this.vcpu.access(() => {
      for (let off = 0; off < length; off += 16) storeTag(this.vcpu.cpu, va + BigInt(off));
    });
  }
}
