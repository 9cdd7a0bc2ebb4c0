/**
 * Guest RAM as the guest's kernel sees it under KVM: the GuestPhysical contract of src/guest (allocFrame,
 * freeFrame, toPhys) implemented over the VM's memslots, so the same Linux personality runs as a guest.
 * Its stage-1 tables live in IPA space; touching a page KVM has not mapped takes the stage-2 fault.
 */
import { PAGE_SIZE } from '../core/mem/physmem.ts';
import { TableBuilder } from '../core/mmu/builder.ts';
import { S2_MEMATTR_NOTAGACCESS, stage1PageDescriptor } from '../core/mmu/descriptors.ts';
import { MairIndex } from '../core/machine.ts';
import type { GuestPhysical } from '../guest/guestPhys.ts';
import { errnoName } from './errno.ts';
import type { Vm } from './kvm.ts';

export class KvmGuestPhysical implements GuestPhysical {
  private readonly free: number[] = [];
  private nextIndex = 0;

  /** The VM whose memory this is; live migration moves the guest (and this allocator's state) to another VM. */
  constructor(public vm: Vm) {}

  /** IPA of a zeroed guest page with all tags 0, from the RAM memslots in order. */
  allocFrame(): number {
    let ipa = this.free.pop();
    if (ipa === undefined) ipa = this.nthRamPage(this.nextIndex++);
    const frame = this.vm.host.frame(this.toPhys(ipa, true) / PAGE_SIZE);
    frame.data.fill(0);
    frame.tags?.fill(0);
    return ipa;
  }

  freeFrame(addr: number): void {
    this.free.push(addr);
  }

  /** Host PA of an IPA; maps the page at stage 2 first when KVM has not. Throws where no guest RAM is. */
  toPhys(addr: number, write: boolean): number {
    const r = this.vm.guestToHost(addr, write);
    if (typeof r === 'number') return r;
    throw new Error(`guest physical address 0x${addr.toString(16)} is not guest RAM (${r.name}${r.reason === 'error' ? ` ${errnoName(r.errno)}` : ''})`);
  }

  peek(addr: number): number | null {
    return this.vm.peekHost(addr);
  }

  /** Whether the guest's tag accesses to this page reach tag storage: not where stage 2 says NoTagAccess (KVM.md §8). */
  holdsTags(addr: number): boolean {
    const e = this.vm.stage2.lookup(addr);
    return !(this.vm.profile.noTagAccess && e !== null && e.memAttr === S2_MEMATTR_NOTAGACCESS);
  }

  private nthRamPage(n: number): number {
    let left = n;
    for (const s of this.vm.slots) {
      if (this.vm.user.mm.find(s.userspaceAddr)?.object.kind === 'device') continue;
      if (left < s.pages) return s.guestPhysAddr + left * PAGE_SIZE;
      left -= s.pages;
    }
    throw new RangeError('guest RAM exhausted');
  }
}

/** The guest's stage-1 tables, in guest memory, and a helper to map user pages (Normal Tagged or Normal). */
export class GuestStage1 {
  readonly tables: TableBuilder;

  constructor(readonly gp: KvmGuestPhysical) {
    this.tables = new TableBuilder(gp.vm.host.phys, () => gp.allocFrame(), (ipa) => gp.toPhys(ipa, true));
  }

  mapUser(va: number, ipa: number, length: number, prot: { write: boolean; tagged: boolean }): void {
    for (let off = 0; off < length; off += PAGE_SIZE) {
      this.tables.setPage(va + off, stage1PageDescriptor(ipa + off, {
        attrIndx: prot.tagged ? MairIndex.NormalTagged : MairIndex.Normal, el0: true, readOnly: !prot.write, uxn: true,
      }));
    }
  }
}
