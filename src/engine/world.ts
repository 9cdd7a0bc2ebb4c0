/**
 * Assembles what a session runs: a Linux process on the bare machine, or the same process as a guest of
 * the KVM model (KVM.md): a host, a VMM process that maps guest RAM and creates the VM (KVM_CAP_ARM_MTE
 * before any vCPU), one memslot per configured region, one vCPU whose CPU and bus the process runs on
 * (HCR_EL2.ATA from the capability), guest-physical memory allocated from the memslots, and stage-2
 * faults fixed by KVM through the process's host fault handler.
 */
import type { GuestException } from '../core/cpu/exceptions.ts';
import type { ElfImage } from '../guest/elf.ts';
import { uioNodes } from '../guest/linux/devices.ts';
import { LinuxProcess, type ProcessEvent, type ProcessOptions } from '../guest/linux/process.ts';
import type { HypEvent } from '../hyp/events.ts';
import { KvmGuestPhysical } from '../hyp/guestPhysical.ts';
import { Host, type BackingKind } from '../hyp/host.ts';
import { KVM_CAP_ARM_MTE, KVM_EXIT_ARM_NOTAG_ACCESS, type KvmExit, type Vm } from '../hyp/kvm.ts';
import { RAM_IPA } from '../hyp/launch.ts';
import type { KernelVersion } from '../hyp/profile.ts';
import type { Vcpu } from '../hyp/vcpu.ts';
import { Vmm } from '../hyp/vmm.ts';

/** Guest RAM when a scenario names no memslots. */
export const DEFAULT_RAM_BYTES = 64 << 20;

export interface SlotConfig {
  ipa: number;
  size: number;
  backing: 'anonymous' | 'memfd' | 'hugetlb' | 'file' | 'device';
}

export interface VmConfig {
  kernel: KernelVersion;
  kvmCapMte: boolean;
  memslots: SlotConfig[];
}

/** One memslot as the VMM set it up: where its memory is mapped in the VMM, and KVM's answer. */
export interface SlotState {
  slot: number;
  ipa: number;
  size: number;
  hva: number;
  backing: BackingKind;
  result: number;
}

/** The hypervisor side of a vm-mode world. Migration replaces vmm, vm and slots with the destination's. */
export interface VmParts {
  host: Host;
  vmm: Vmm;
  vm: Vm;
  vcpu: Vcpu;
  gp: KvmGuestPhysical;
  slots: SlotState[];
  /** The last VM exit KVM could not handle in the kernel (the process stops there). */
  lastExit: KvmExit | null;
  /**
   * A VM exit the VMM can answer and has not yet (KVM_EXIT_ARM_NOTAG_ACCESS): the vCPU waits outside the
   * guest, and the access that exited is retried when the guest runs again.
   */
  pendingExit: KvmExit | null;
}

export interface World {
  process: LinuxProcess | null;
  vm: VmParts | null;
  /** Why there is no process (e.g. every memslot was refused). */
  error: string | null;
}

export interface WorldOptions extends Pick<ProcessOptions, 'argv' | 'env' | 'stdin' | 'trace' | 'onOutput' | 'limits'> {
  vm?: VmConfig;
  onProcessEvent?: (e: ProcessEvent) => void;
  onHypEvent?: (e: HypEvent) => void;
}

const backingKind = (b: SlotConfig['backing']): BackingKind => (b === 'hugetlb' ? 'hugetlbfs' : b);

export type NewVm = Omit<VmParts, 'vcpu'> & { vcpu: Vcpu | null };

/** The VMM's side of creating a VM: the VMM, the VM with its memslots and (when `withVcpu`) one vCPU. */
export function createVm(cfg: VmConfig, onHypEvent?: (e: HypEvent) => void, host = new Host(cfg.kernel), name = 'vmm', withVcpu = true): NewVm {
  host.log.keep = false;
  host.log.listener = onHypEvent ?? null;
  const vmm = new Vmm(host, name);
  const vm = vmm.createVm();
  if (cfg.kvmCapMte && !host.profile.enablePerVcpu) vm.enableCap(KVM_CAP_ARM_MTE);
  const regions = cfg.memslots.length > 0 ? cfg.memslots : [{ ipa: RAM_IPA, size: DEFAULT_RAM_BYTES, backing: 'anonymous' as const }];
  const slots = regions.map((r, slot): SlotState => {
    const backing = backingKind(r.backing);
    const hva = vmm.mmap({ length: r.size, kind: backing });
    const result = vm.setUserMemoryRegion({ slot, flags: 0, guestPhysAddr: r.ipa, memorySize: r.size, userspaceAddr: hva });
    return { slot, ipa: r.ipa, size: r.size, hva, backing, result };
  });
  const vcpu = withVcpu ? vm.createVcpu({ mte: cfg.kvmCapMte }) : null;
  return { host, vmm, vm, vcpu, gp: new KvmGuestPhysical(vm), slots: slots.filter((s) => s.result === 0), lastExit: null, pendingExit: null };
}

export function buildWorld(image: ElfImage, o: WorldOptions): World {
  const processOptions: ProcessOptions = { argv: o.argv, env: o.env, stdin: o.stdin, trace: o.trace, onOutput: o.onOutput, limits: o.limits, onEvent: o.onProcessEvent };
  if (o.vm === undefined) {
    const created = LinuxProcess.fromImage(image, processOptions);
    return created.ok ? { process: created.process, vm: null, error: null } : { process: null, vm: null, error: created.error };
  }
  const created0 = createVm(o.vm, o.onHypEvent);
  const parts: VmParts = { ...created0, vcpu: created0.vcpu! };
  if (!parts.slots.some((s) => s.backing !== 'device')) {
    return { process: null, vm: parts, error: 'the VM has no RAM: KVM refused every memslot (see the memslot events)' };
  }
  const devices = uioNodes(parts.slots.filter((s) => s.backing === 'device'));
  const created = LinuxProcess.fromImage(image, { ...processOptions, machine: parts.vcpu.machine, guestPhysical: () => parts.gp, devices });
  if (!created.ok) return { process: null, vm: parts, error: created.error };
  created.process.hostFaultHandler = (e) => handleStage2(parts, e);
  return { process: created.process, vm: parts, error: null };
}

/** KVM's stage-2 abort handler for the guest: true when the access can be retried, 'exit' when the VMM must answer first. */
function handleStage2(parts: VmParts, e: GuestException): boolean | 'exit' {
  const i = e.info;
  if ((i.kind !== 'dataAbort' && i.kind !== 'instructionAbort') || i.fault.stage !== 2) return false;
  const h = parts.vm.handleStage2Fault(parts.vcpu, e);
  if (h === 'retry') return true;
  if (h.exit.reason === KVM_EXIT_ARM_NOTAG_ACCESS) {
    parts.pendingExit = h.exit;
    return 'exit';
  }
  parts.lastExit = h.exit;
  return false;
}
