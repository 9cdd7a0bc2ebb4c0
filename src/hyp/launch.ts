/**
 * Assembles the usual picture: a host, a VMM process that maps guest RAM and creates a VM (MTE on or off),
 * one memslot, one vCPU, and the guest's stage-1 tables in guest memory with one user data region. The
 * scenarios, tests and benchmarks start here.
 */
import { SCTLR, withField } from '../core/cpu/sysregs.ts';
import { Host, type BackingKind } from './host.ts';
import type { KernelVersion } from './profile.ts';
import { GuestOps } from './guestAccess.ts';
import { GuestStage1, KvmGuestPhysical } from './guestPhysical.ts';
import { KVM_CAP_ARM_MTE, type Vm } from './kvm.ts';
import type { Vcpu } from './vcpu.ts';
import { Vmm } from './vmm.ts';

/** Guest RAM starts at IPA 1 GiB, as on QEMU's virt machine. */
export const RAM_IPA = 0x4000_0000;
/** The guest's page tables take the first pages of RAM; user data is mapped from RAM + 16 MiB. */
export const DATA_OFFSET = 0x100_0000;
/** The guest user VA of the data region (mapped Normal Tagged). */
export const DATA_VA = 0x10_0000_0000;

export interface LaunchOptions {
  version?: KernelVersion;
  mte?: boolean;
  ramBytes?: number;
  backing?: BackingKind;
  /** Bytes of guest user data mapped at DATA_VA (tagged). */
  dataBytes?: number;
  /** Guest SCTLR_EL1.TCF0: 0 none, 1 sync, 2 async. */
  tcf?: 0 | 1 | 2;
  host?: Host;
}

export interface Guest {
  host: Host;
  vmm: Vmm;
  vm: Vm;
  vcpu: Vcpu;
  gp: KvmGuestPhysical;
  stage1: GuestStage1;
  ops: GuestOps;
  /** VMM address of guest RAM. */
  hva: number;
  ramBytes: number;
  /** IPA of the data region. */
  dataIpa: number;
  /** Result of KVM_SET_USER_MEMORY_REGION (0 or a negative errno). */
  slotResult: number;
}

export function launchGuest(o: LaunchOptions = {}): Guest {
  const host = o.host ?? new Host(o.version ?? '6.13');
  const vmm = new Vmm(host);
  const vm = vmm.createVm();
  const mte = o.mte ?? true;
  if (mte && !host.profile.enablePerVcpu) vm.enableCap(KVM_CAP_ARM_MTE);
  const ramBytes = o.ramBytes ?? 64 * 1024 * 1024;
  const hva = vmm.mmap({ length: ramBytes, kind: o.backing ?? 'anonymous' });
  const slotResult = vm.setUserMemoryRegion({ slot: 0, flags: 0, guestPhysAddr: RAM_IPA, memorySize: ramBytes, userspaceAddr: hva });
  const vcpu = vm.createVcpu({ mte });
  const gp = new KvmGuestPhysical(vm);
  const dataIpa = RAM_IPA + DATA_OFFSET;
  const guest: Guest = { host, vmm, vm, vcpu, gp, stage1: undefined!, ops: new GuestOps(vcpu), hva, ramBytes, dataIpa, slotResult };
  if (slotResult !== 0) return guest;
  guest.stage1 = new GuestStage1(gp);
  vcpu.bus.ttbr0 = guest.stage1.tables.root;
  guest.stage1.mapUser(DATA_VA, dataIpa, o.dataBytes ?? 0x10000, { write: true, tagged: true });
  vcpu.cpu.sys.SCTLR_EL1 = withField(vcpu.cpu.sys.SCTLR_EL1, SCTLR.TCF0, 2, o.tcf ?? 1);
  vcpu.cpu.mteGeneration++;
  return guest;
}
