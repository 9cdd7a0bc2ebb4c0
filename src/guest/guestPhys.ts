/**
 * Guest-physical memory as the guest OS model sees it. The Linux personality allocates every frame (user
 * pages and its own stage-1 table frames) and touches every byte on behalf of the guest through this
 * interface, so the same personality runs on a bare machine (guest-physical = physical) or as a KVM guest
 * (guest-physical = IPA, where `toPhys` may take a stage-2 fault and map the page first).
 */
import { PAGE_SIZE, type PhysMem } from '../core/mem/physmem.ts';

export interface GuestPhysical {
  /** A zeroed page with no allocation tags; returns its guest-physical address. */
  allocFrame(): number;
  freeFrame(addr: number): void;
  /** Host physical address of guest-physical `addr` (for a write when `write`). */
  toPhys(addr: number, write: boolean): number;
  /** Where guest-physical `addr` lives now, or null, with no side effect (no stage-2 fault): for observers. */
  peek?(addr: number): number | null;
  /** False where the page at `addr` has no tag storage (under KVM: stage 2 maps it NoTagAccess); true when absent. */
  holdsTags?(addr: number): boolean;
}

/** Default guest RAM window of the bare machine: below the table region of src/core/machine.ts. */
export const GUEST_RAM_START = 0x4000_0000;
export const GUEST_RAM_END = 0xf000_0000;

/** Bare machine: guest-physical is physical; frames come from a bump allocator with a free list. */
export class IdentityGuestPhysical implements GuestPhysical {
  private next: number;
  private readonly free: number[] = [];

  constructor(private readonly phys: PhysMem, start = GUEST_RAM_START, private readonly end = GUEST_RAM_END) {
    this.next = start;
  }

  allocFrame(): number {
    let pa = this.free.pop();
    if (pa === undefined) {
      if (this.next + PAGE_SIZE > this.end) throw new RangeError('guest physical memory exhausted');
      pa = this.next;
      this.next += PAGE_SIZE;
    }
    // Dropping the frame makes it read back as zeroes with no tags (and no stale decoded code).
    this.phys.release(pa / PAGE_SIZE);
    return pa;
  }

  freeFrame(addr: number): void {
    this.phys.release(addr / PAGE_SIZE);
    this.free.push(addr);
  }

  toPhys(addr: number): number {
    return addr;
  }
}
