/**
 * A KVM vCPU: the guest's processing element (its own CpuState and Bus over the host's physical memory,
 * with stage 2 on), KVM_RUN with stage-2 faults fixed and retried, and the MTE system registers KVM
 * saves on every exit and restores on entry (KVM.md §2).
 */
import { GuestException } from '../core/cpu/exceptions.ts';
import { run } from '../core/cpu/run.ts';
import type { CpuState } from '../core/cpu/state.ts';
import { HCR, withField } from '../core/cpu/sysregs.ts';
import { PAGE_SIZE } from '../core/mem/physmem.ts';
import type { Bus } from '../core/mmu/bus.ts';
import { Machine } from '../core/machine.ts';
import { Errno } from './errno.ts';
import { because } from './events.ts';
import type { KvmExit, Vm } from './kvm.ts';

/** KVM_{GET,SET}_ONE_REG ids of the guest's MTE registers (KVM.md §2). */
export const OneReg = {
  RGSR_EL1: 0x603000000013c085n,
  GCR_EL1: 0x603000000013c086n,
  TFSR_EL1: 0x603000000013c2b0n,
  TFSRE0_EL1: 0x603000000013c2b1n,
} as const;
type MteReg = keyof typeof OneReg;
const MTE_REGS = Object.keys(OneReg) as MteReg[];

export type VcpuRunResult =
  /** The guest took an exception its own kernel handles (SVC, stage-1 fault, tag-check fault): no VM exit. */
  | { kind: 'guest'; exception: GuestException; executed: number }
  /** KVM_RUN returned to the VMM. */
  | { kind: 'exit'; exit: KvmExit; executed: number }
  /** The instruction budget ran out (the VMM would see -EINTR from a signal). */
  | { kind: 'budget'; executed: number };

export class Vcpu {
  /** The processing element over the host's physical memory, as a Machine so a guest OS model can run on it. */
  readonly machine: Machine;
  readonly cpu: CpuState;
  readonly bus: Bus;
  /** The guest's MTE registers as KVM holds them while the vCPU is not running (vcpu_sys_reg). */
  readonly saved: Record<MteReg, bigint>;
  /** What the guest reads in ID_AA64PFR1_EL1.MTE: 0 unless the VM has MTE (the hardware still has it). */
  readonly idMte: number;
  private inGuest = true;

  constructor(readonly vm: Vm, readonly id: number) {
    this.machine = new Machine(vm.host.phys);
    // The guest's stage-1 tables live in guest memory (set through TTBR0); the bare machine's table frame is not host memory.
    vm.host.phys.release(this.machine.stage1.root / PAGE_SIZE);
    this.cpu = this.machine.cpu;
    this.bus = this.machine.bus;
    this.bus.ttbr0 = 0;
    this.bus.stage2 = { root: vm.stage2.root, mtePerm: vm.profile.noTagAccess };
    const s = this.cpu.sys;
    s.el2Enabled = true;
    s.HCR_EL2 = withField(s.HCR_EL2, HCR.ATA, 1, vm.mteEnabled ? 1 : 0);
    this.idMte = vm.mteEnabled ? s.mteLevel : 0;
    this.saved = { RGSR_EL1: s.RGSR_EL1, GCR_EL1: s.GCR_EL1, TFSR_EL1: s.TFSR_EL1, TFSRE0_EL1: s.TFSRE0_EL1 };
    this.cpu.mteGeneration++;
  }

  /** KVM_RUN: enters the guest and runs up to `budget` instructions, fixing stage-2 faults on the way. */
  run(budget: number): VcpuRunResult {
    this.enter();
    let executed = 0;
    while (executed < budget) {
      const r = run(this.cpu, this.bus, budget - executed);
      executed += r.executed;
      this.vm.host.log.tick(r.executed);
      if (r.exception === null) break;
      const h = this.stage2Fault(r.exception);
      if (h === null) return { kind: 'guest', exception: r.exception, executed };
      if (h !== 'retry') return { kind: 'exit', exit: h.exit, executed };
    }
    this.exitTo(null);
    return { kind: 'budget', executed };
  }

  /** For the guest kernel's own memory accesses modelled natively: runs `fn`, fixing stage-2 faults and retrying. */
  access<T>(fn: () => T): { ok: true; value: T } | { ok: false; exit: KvmExit } | { ok: false; exception: GuestException } {
    this.enter();
    for (;;) {
      try {
        return { ok: true, value: fn() };
      } catch (e) {
        if (!(e instanceof GuestException)) throw e;
        const h = this.stage2Fault(e);
        if (h === null) return { ok: false, exception: e };
        if (h !== 'retry') return { ok: false, exit: h.exit };
      }
    }
  }

  private stage2Fault(e: GuestException): 'retry' | { exit: KvmExit } | null {
    const i = e.info;
    if (i.kind !== 'dataAbort' && i.kind !== 'instructionAbort') return null;
    if (i.fault.stage !== 2) return null;
    return this.vm.handleStage2Fault(this, e);
  }

  /** Leaves the guest: KVM saves the guest's MTE registers, and the host's own values take the PE. */
  exitTo(exit: KvmExit | null): KvmExit {
    if (this.inGuest) {
      const s = this.cpu.sys;
      for (const r of MTE_REGS) this.saved[r] = s[r];
      s.TFSR_EL1 = 0n;
      s.TFSRE0_EL1 = 0n;
      this.cpu.mteGeneration++;
      this.inGuest = false;
    }
    if (exit !== null) {
      this.vm.host.log.emit('exit', { vcpu: this.id, ...exit, savedTfsr: this.saved.TFSR_EL1.toString(16), savedTfsre0: this.saved.TFSRE0_EL1.toString(16) }, because(this.vm.profile, 'KVM.md §2',
        'On exit KVM saves the guest\'s GCR_EL1, RGSR_EL1, TFSR_EL1 and TFSRE0_EL1, so an asynchronous tag fault recorded just before the exit is still there when the guest resumes.'));
    }
    return exit ?? { reason: 'error', name: 'budget', errno: -Errno.EINTR };
  }

  /** Enters the guest: KVM restores the guest's MTE registers. */
  enter(): void {
    if (this.inGuest) return;
    const s = this.cpu.sys;
    for (const r of MTE_REGS) s[r] = this.saved[r];
    this.cpu.mteGeneration++;
    this.inGuest = true;
    this.vm.host.log.emit('entry', { vcpu: this.id, tfsr: s.TFSR_EL1.toString(16), tfsre0: s.TFSRE0_EL1.toString(16) }, because(this.vm.profile, 'KVM.md §2',
      'On entry KVM restores the guest\'s MTE registers from where it saved them.'));
  }

  /** KVM_GET_ONE_REG for the MTE registers: -ENOENT when the VM has no MTE (the registers are hidden). */
  getOneReg(id: bigint): bigint | number {
    const name = MTE_REGS.find((r) => OneReg[r] === id);
    if (name === undefined || !this.vm.mteEnabled) return -Errno.ENOENT;
    if (this.inGuest) this.exitTo(null);
    return this.saved[name];
  }

  setOneReg(id: bigint, value: bigint): number {
    const name = MTE_REGS.find((r) => OneReg[r] === id);
    if (name === undefined || !this.vm.mteEnabled) return -Errno.ENOENT;
    if (this.inGuest) this.exitTo(null);
    this.saved[name] = value;
    return 0;
  }
}
