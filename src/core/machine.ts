/**
 * A bare processing element with memory: CPU state, physical memory and bus wired together, with a
 * stage-1 table builder. The Linux personality, the KVM model and the tests all start from this.
 */
import { CpuState } from './cpu/state.ts';
import { PhysMem } from './mem/physmem.ts';
import { Bus } from './mmu/bus.ts';
import { TableBuilder, frameAllocator } from './mmu/builder.ts';
import { MAIR_DEVICE_nGnRnE, MAIR_NORMAL_WB, MAIR_TAGGED, stage1PageDescriptor } from './mmu/descriptors.ts';

/** MAIR_EL1 indices as Linux arm64 programs them (arch/arm64/include/asm/memory.h). */
export const MairIndex = { Device_nGnRnE: 0, Normal: 2, NormalTagged: 4 } as const;

/** Physical range reserved for translation tables of the bare machine (above guest RAM). */
export const TABLE_REGION_START = 0xf0000000;
export const TABLE_REGION_END = 0x100000000;

export class Machine {
  readonly cpu = new CpuState();
  readonly phys: PhysMem;
  readonly bus: Bus;
  readonly stage1: TableBuilder;

  constructor(phys = new PhysMem()) {
    this.phys = phys;
    this.bus = new Bus(this.cpu, this.phys);
    this.cpu.bus = this.bus;
    this.bus.mair[MairIndex.Device_nGnRnE] = MAIR_DEVICE_nGnRnE;
    this.bus.mair[MairIndex.Normal] = MAIR_NORMAL_WB;
    this.bus.mair[MairIndex.NormalTagged] = MAIR_TAGGED;
    this.stage1 = new TableBuilder(this.phys, frameAllocator(this.phys, TABLE_REGION_START, TABLE_REGION_END));
    this.bus.ttbr0 = this.stage1.root;
  }

  /** Maps `length` bytes of user VA at `va` to PA `pa` (both page-aligned), EL0-accessible. */
  mapUser(va: number, pa: number, length: number, prot: { write: boolean; exec: boolean; tagged: boolean }): void {
    for (let off = 0; off < length; off += 4096) {
      this.stage1.setPage(va + off, stage1PageDescriptor(pa + off, {
        attrIndx: prot.tagged ? MairIndex.NormalTagged : MairIndex.Normal,
        el0: true, readOnly: !prot.write, uxn: !prot.exec,
      }));
    }
    this.bus.flushTlb();
  }
}
