import { describe, expect, test } from 'vitest';
import { HCR, SCTLR, bit, withField } from '../../src/core/cpu/sysregs.ts';
import { withTag } from '../../src/hyp/guestAccess.ts';
import { Host } from '../../src/hyp/host.ts';
import { KVM_CAP_ARM_MTE, KVM_EXIT_MMIO } from '../../src/hyp/kvm.ts';
import { DATA_VA, launchGuest } from '../../src/hyp/launch.ts';
import type { KernelVersion } from '../../src/hyp/profile.ts';
import { OneReg } from '../../src/hyp/vcpu.ts';
import { Vmm } from '../../src/hyp/vmm.ts';

describe('S13 capability order', () => {
  test('KVM_CAP_ARM_MTE after a vCPU exists returns -EINVAL', () => {
    const vmm = new Vmm(new Host('6.13'));
    const vm = vmm.createVm();
    vm.createVcpu();
    expect(vm.enableCap(KVM_CAP_ARM_MTE)).toBe(-22);
    expect(vm.mteEnabled).toBe(false);
    expect(vm.host.log.ofKind('capability').at(-1)!.why.text).toContain('before any vCPU');
  });

  test('a pKVM protected VM refuses KVM_CAP_ARM_MTE', () => {
    const vm = new Vmm(new Host('6.13')).createVm({ protectedVm: true });
    expect(vm.enableCap(KVM_CAP_ARM_MTE)).toBe(-22);
  });

  test('the v2 proposal enables MTE per vCPU instead of with a VM capability', () => {
    const vm = new Vmm(new Host('v2-2020')).createVm();
    expect(vm.enableCap(KVM_CAP_ARM_MTE)).toBe(-22);
    const v = vm.createVcpu({ mte: true });
    expect(bit(v.cpu.sys.HCR_EL2, HCR.ATA)).toBe(1);
  });

  test('without the capability HCR_EL2.ATA = 0: STG is ignored, LDG reads 0, ID_AA64PFR1_EL1.MTE reads 0', () => {
    const g = launchGuest({ mte: false });
    expect(bit(g.vcpu.cpu.sys.HCR_EL2, HCR.ATA)).toBe(0);
    expect(g.vcpu.idMte).toBe(0);
    expect(g.ops.stg(withTag(DATA_VA, 5)).ok).toBe(true);
    expect(g.ops.ldg(withTag(DATA_VA, 5))).toEqual({ ok: true, value: 0 });
    expect(g.ops.load64(withTag(DATA_VA, 5)).ok).toBe(true);
    expect(g.vcpu.getOneReg(OneReg.TFSR_EL1)).toBe(-2);
  });
});

describe('S10 memslot backings by kernel version', () => {
  test.each<[KernelVersion, 'memfd' | 'hugetlbfs' | 'file', number]>([
    ['5.14', 'memfd', -22],
    ['6.2', 'memfd', 0],
    ['6.12', 'hugetlbfs', -22],
    ['6.13', 'hugetlbfs', 0],
    ['6.13', 'file', -22],
    ['5.14', 'file', -22],
  ])('%s: a %s memslot on an MTE VM returns %d', (version, backing, expected) => {
    const g = launchGuest({ version, backing, ramBytes: 4 * 1024 * 1024 });
    expect(g.slotResult).toBe(expected);
    const ev = g.host.log.ofKind('memslot').at(-1)!;
    expect(ev.why.version).toContain(version);
  });

  test('a memfd memslot works as tagged guest RAM on 6.2', () => {
    const g = launchGuest({ version: '6.2', backing: 'memfd' });
    expect(g.ops.stg(withTag(DATA_VA, 3)).ok).toBe(true);
    expect(g.ops.load64(withTag(DATA_VA, 3)).ok).toBe(true);
  });

  test('KVM_RUN fails with -EFAULT when the VMM replaces a memslot\'s memory with a mapping that cannot hold tags', () => {
    const g = launchGuest();
    g.vmm.mmap({ addr: g.hva, length: g.ramBytes, kind: 'file' });
    expect(g.ops.load64(withTag(DATA_VA + 0x8000, 0))).toMatchObject({ ok: false, exit: { reason: 'error', errno: -14 } });
  });
});

describe('S14 asynchronous tag fault across a VM exit', () => {
  test('TFSRE0_EL1 is saved on exit and restored on entry, so the guest still sees the fault', () => {
    const g = launchGuest({ tcf: 2 });
    g.ops.stg(withTag(DATA_VA, 4));
    expect(g.ops.store64(withTag(DATA_VA, 9), 1n).ok).toBe(true);
    expect(g.vcpu.cpu.sys.TFSRE0_EL1).toBe(1n);
    g.stage1.mapUser(0x40_0000_0000, 0x1000_0000, 0x1000, { write: true, tagged: false });
    const exit = g.ops.store64(0x40_0000_0000n, 0n);
    expect(exit).toMatchObject({ ok: false, exit: { reason: KVM_EXIT_MMIO } });
    expect(g.vcpu.cpu.sys.TFSRE0_EL1).toBe(0n);
    expect(g.vcpu.getOneReg(OneReg.TFSRE0_EL1)).toBe(1n);
    g.ops.load64(withTag(DATA_VA, 4));
    expect(g.vcpu.cpu.sys.TFSRE0_EL1).toBe(1n);
  });

  test('the sync mode reports the fault at once and asynchronous mode lets the store complete', () => {
    const g = launchGuest({ tcf: 1 });
    g.ops.stg(withTag(DATA_VA, 4));
    expect(g.ops.store64(withTag(DATA_VA, 9), 1n).ok).toBe(false);
    g.vcpu.cpu.sys.SCTLR_EL1 = withField(g.vcpu.cpu.sys.SCTLR_EL1, SCTLR.TCF0, 2, 2);
    g.vcpu.cpu.mteGeneration++;
    expect(g.ops.store64(withTag(DATA_VA, 9), 1n).ok).toBe(true);
  });
});
