import { describe, expect, test } from 'vitest';
import { FrameFlag, GRANULES_PER_PAGE, PAGE_SIZE } from '../../src/core/mem/physmem.ts';
import { withTag } from '../../src/hyp/guestAccess.ts';
import { Host } from '../../src/hyp/host.ts';
import { KVM_EXIT_ARM_NOTAG_ACCESS, KVM_EXIT_MMIO } from '../../src/hyp/kvm.ts';
import { DATA_OFFSET, DATA_VA, launchGuest, RAM_IPA } from '../../src/hyp/launch.ts';

describe('S1 first touch', () => {
  test('first stage-2 fault clears 256 stale tags, sets PG_mte_tagged and leaves the data', () => {
    const g = launchGuest();
    // A host page freed by a previous user, still holding its tags in tag storage.
    const stale = g.host.allocPage();
    stale.ensureTags().fill(0xa);
    stale.flags |= FrameFlag.MteTagged;
    g.host.freePage(stale.pfn);
    // The VMM loads an image into guest RAM through its plain mapping: it gets that page.
    const image = new Uint8Array(64).fill(0x5a);
    expect(g.vmm.write(g.hva + DATA_OFFSET, image).ok).toBe(true);
    const f = g.vmm.mm.presentFrame(g.hva + DATA_OFFSET)!;
    expect(f.pfn).toBe(stale.pfn);
    expect(f.flags & FrameFlag.MteTagged).toBe(0);
    expect(f.tags![0]).toBe(0xa);

    const r = g.ops.load64(withTag(DATA_VA, 0));
    expect(r).toEqual({ ok: true, value: 0x5a5a5a5a5a5a5a5an });
    expect(Array.from(f.tags!).every((t) => t === 0)).toBe(true);
    expect(f.flags & FrameFlag.MteTagged).toBe(FrameFlag.MteTagged);
    expect(f.data.subarray(0, 64)).toEqual(image);
    const s = g.host.log.ofKind('sanitise').find((e) => e.pfn === f.pfn)!;
    expect(s).toMatchObject({ cleared: 1, granules: GRANULES_PER_PAGE, hadStaleTags: true, why: { rule: 'KVM.md §4' } });
  });

  test('a page that is already PG_mte_tagged keeps its tags at the stage-2 fault', () => {
    const g = launchGuest();
    g.ops.stg(withTag(DATA_VA, 7));
    g.vm.invalidate(g.vmm.mm.find(g.hva)!.object, DATA_OFFSET / PAGE_SIZE, 'test');
    expect(g.ops.load64(withTag(DATA_VA, 7)).ok).toBe(true);
    expect(g.host.log.ofKind('sanitise').at(-1)).toMatchObject({ cleared: 0 });
  });
});

describe('memory stays sparse', () => {
  test('a 1 GiB guest that touched 64 MiB holds at most 150 MB of host memory', () => {
    const before = process.memoryUsage().arrayBuffers;
    const g = launchGuest({ ramBytes: 1 << 30, host: new Host('6.13') });
    g.host.log.keep = false;
    for (let ipa = RAM_IPA; ipa < RAM_IPA + 64 * 1024 * 1024; ipa += PAGE_SIZE) g.gp.toPhys(ipa, true);
    expect(g.host.bytesUsed).toBeLessThanOrEqual(150e6);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThanOrEqual(150e6);
  });
});

describe('S9 device memory', () => {
  const DEVICE_IPA = 0x1000_0000;
  const DEVICE_VA = 0x20_0000_0000;

  test('a device region is mapped Device at stage 2: STG ignored, LDG reads 0, no tag-check faults', () => {
    const g = launchGuest({ version: 'proposal' });
    const bar = g.vmm.mmap({ length: 0x10000, kind: 'device' });
    expect(g.vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: DEVICE_IPA, memorySize: 0x10000, userspaceAddr: bar })).toBe(0);
    g.stage1.mapUser(DEVICE_VA, DEVICE_IPA, 0x10000, { write: true, tagged: true });
    const p = withTag(DEVICE_VA, 9);
    expect(g.ops.stg(p).ok).toBe(true);
    expect(g.ops.ldg(p)).toEqual({ ok: true, value: 0 });
    expect(g.ops.store64(p, 42n).ok).toBe(true);
    expect(g.ops.load64(withTag(DEVICE_VA, 3))).toEqual({ ok: true, value: 42n });
    expect(g.host.log.ofKind('stage2Map').at(-1)).toMatchObject({ memAttr: 'Device-nGnRE' });
  });

  test('merged kernels refuse a VM_PFNMAP memslot on an MTE VM', () => {
    const g = launchGuest({ version: '6.13' });
    const bar = g.vmm.mmap({ length: 0x10000, kind: 'device' });
    expect(g.vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: DEVICE_IPA, memorySize: 0x10000, userspaceAddr: bar })).toBe(-22);
  });

  test('an IPA outside every memslot is emulated MMIO: the vCPU exits to the VMM', () => {
    const g = launchGuest();
    g.stage1.mapUser(DEVICE_VA, DEVICE_IPA, PAGE_SIZE, { write: true, tagged: true });
    const r = g.ops.store64(withTag(DEVICE_VA, 0), 1n);
    expect(r).toMatchObject({ ok: false, exit: { reason: KVM_EXIT_MMIO, physAddr: DEVICE_IPA, isWrite: true } });
  });
});

describe('S11 NoTagAccess (FEAT_MTE_PERM proposal)', () => {
  const FILE_IPA = 0x1_0000_0000;
  const FILE_VA = 0x30_0000_0000;

  test('data accesses work, a tag access takes a stage-2 fault and exits with KVM_EXIT_ARM_NOTAG_ACCESS', () => {
    const g = launchGuest({ version: 'proposal' });
    const file = g.vmm.mmap({ length: 0x10000, kind: 'file' });
    expect(g.vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: FILE_IPA, memorySize: 0x10000, userspaceAddr: file })).toBe(0);
    g.stage1.mapUser(FILE_VA, FILE_IPA, 0x10000, { write: true, tagged: true });
    expect(g.vcpu.bus.stage2!.mtePerm).toBe(true);
    // TCO makes the data accesses unchecked; the store and load still reach the file page.
    g.vcpu.cpu.setTco(1);
    expect(g.ops.store64(withTag(FILE_VA, 0), 7n).ok).toBe(true);
    expect(g.ops.load64(withTag(FILE_VA, 0))).toEqual({ ok: true, value: 7n });
    g.vcpu.cpu.setTco(0);
    const r = g.ops.stg(withTag(FILE_VA + PAGE_SIZE, 4));
    expect(r).toMatchObject({ ok: false, exit: { reason: KVM_EXIT_ARM_NOTAG_ACCESS, gpa: FILE_IPA + PAGE_SIZE, size: PAGE_SIZE } });
    expect(g.ops.load64(withTag(FILE_VA, 2))).toMatchObject({ ok: false, exit: { reason: KVM_EXIT_ARM_NOTAG_ACCESS } });
    expect(g.host.log.ofKind('stage2Fault').at(-1)!.why.version).toContain('proposal');
  });

  test('without the proposal a file-backed memslot is refused on an MTE VM', () => {
    const g = launchGuest({ version: '6.13' });
    const file = g.vmm.mmap({ length: 0x10000, kind: 'file' });
    expect(g.vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: FILE_IPA, memorySize: 0x10000, userspaceAddr: file })).toBe(-22);
  });
});
