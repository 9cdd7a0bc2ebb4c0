import { describe, expect, test } from 'vitest';
import { FrameFlag, PAGE_SIZE } from '../../src/core/mem/physmem.ts';
import { withTag } from '../../src/hyp/guestAccess.ts';
import { KVM_ARM_TAGS_FROM_GUEST, KVM_ARM_TAGS_TO_GUEST, KVM_MEM_LOG_DIRTY_PAGES } from '../../src/hyp/kvm.ts';
import { DATA_OFFSET, DATA_VA, launchGuest, RAM_IPA, type LaunchOptions } from '../../src/hyp/launch.ts';
import type { KernelVersion } from '../../src/hyp/profile.ts';

function setup(o: LaunchOptions = {}) {
  const g = launchGuest(o);
  const buf = g.vmm.mmap({ length: 4 * PAGE_SIZE, kind: 'anonymous' });
  return { g, buf, ipa: g.dataIpa };
}

describe('S6 KVM_ARM_MTE_COPY_TAGS', () => {
  test('FROM_GUEST returns one tag per byte and the number of bytes of guest memory covered', () => {
    const { g, buf, ipa } = setup();
    g.ops.colour(withTag(DATA_VA, 0xc), 32);
    expect(g.vmm.copyTags(g.vm, { guestIpa: ipa, length: PAGE_SIZE, addr: buf, flags: KVM_ARM_TAGS_FROM_GUEST })).toBe(PAGE_SIZE);
    const tags = g.vmm.read(buf, 256);
    expect(tags.ok && Array.from(tags.value.subarray(0, 3))).toEqual([0xc, 0xc, 0]);
  });

  test('FROM_GUEST on a page the guest never touched returns zeros', () => {
    const { g, buf } = setup();
    g.vmm.write(buf, new Uint8Array(256).fill(0xff));
    const untouched = RAM_IPA + 0x200_0000;
    expect(g.vmm.copyTags(g.vm, { guestIpa: untouched, length: PAGE_SIZE, addr: buf, flags: KVM_ARM_TAGS_FROM_GUEST })).toBe(PAGE_SIZE);
    const tags = g.vmm.read(buf, 256);
    expect(tags.ok && tags.value.every((t) => t === 0)).toBe(true);
  });

  test('TO_GUEST sets PG_mte_tagged, so the first stage-2 fault keeps the restored tags', () => {
    const { g, buf, ipa } = setup();
    g.vmm.write(buf, new Uint8Array(256).fill(0x9));
    expect(g.vmm.copyTags(g.vm, { guestIpa: ipa, length: PAGE_SIZE, addr: buf, flags: KVM_ARM_TAGS_TO_GUEST })).toBe(PAGE_SIZE);
    const f = g.vmm.mm.presentFrame(g.hva + DATA_OFFSET)!;
    expect(f.flags & FrameFlag.MteTagged).toBe(FrameFlag.MteTagged);
    expect(g.ops.load64(withTag(DATA_VA, 9)).ok).toBe(true);
    expect(g.ops.load64(withTag(DATA_VA, 0)).ok).toBe(false);
  });

  test.each([
    ['unaligned guest_ipa', { guestIpa: RAM_IPA + 16, length: PAGE_SIZE }],
    ['unaligned length', { length: 100 }],
    ['reserved not zero', { reserved: [1, 0] as [number, number] }],
    ['unknown flags', { flags: 2 }],
    ['length above INT_MAX (6.4+)', { length: 2 ** 31 }],
  ])('-EINVAL: %s', (_name, bad) => {
    const { g, buf, ipa } = setup();
    expect(g.vmm.copyTags(g.vm, { guestIpa: ipa, length: PAGE_SIZE, addr: buf, flags: KVM_ARM_TAGS_FROM_GUEST, ...bad })).toBe(-22);
    expect(g.host.log.ofKind('copyTags').at(-1)!.why.rule).toBe('KVM.md §5');
  });

  test('-EINVAL when the VM does not have MTE', () => {
    const { g, buf, ipa } = setup({ mte: false });
    expect(g.vmm.copyTags(g.vm, { guestIpa: ipa, length: PAGE_SIZE, addr: buf, flags: KVM_ARM_TAGS_FROM_GUEST })).toBe(-22);
  });

  test('an IPA outside every memslot fails with -EFAULT (the merged code; early versions said -ENOENT)', () => {
    const { g, buf } = setup();
    expect(g.vmm.copyTags(g.vm, { guestIpa: 0x1000, length: PAGE_SIZE, addr: buf, flags: KVM_ARM_TAGS_FROM_GUEST })).toBe(-14);
    expect(String(g.host.log.ofKind('copyTags').at(-1)!.why.text)).toContain('-ENOENT');
  });

  test('-EFAULT when the user buffer is not mapped, and when the argument itself cannot be read', () => {
    const { g, ipa } = setup();
    expect(g.vmm.copyTags(g.vm, { guestIpa: ipa, length: PAGE_SIZE, addr: 0x7000_0000, flags: KVM_ARM_TAGS_FROM_GUEST })).toBe(-14);
    expect(g.vmm.ioctl(g.vm, 0x8030aeb4, 0x7000_0000)).toBe(-14);
  });

  test('partial result: the bytes covered before the buffer ends are returned', () => {
    const { g, buf, ipa } = setup();
    // 4 pages of buffer hold the tags of 64 guest pages; ask for 65 and the buffer runs out at page 64.
    expect(g.vmm.copyTags(g.vm, { guestIpa: ipa, length: 65 * PAGE_SIZE, addr: buf, flags: KVM_ARM_TAGS_FROM_GUEST })).toBe(64 * PAGE_SIZE);
  });

  test.each<[KernelVersion, number]>([['6.2', PAGE_SIZE], ['6.12', -16]])('TO_GUEST during dirty logging on %s returns %d', (version, expected) => {
    const { g, buf, ipa } = setup({ version });
    const s = g.vm.slots[0];
    g.vm.setUserMemoryRegion({ ...s, flags: KVM_MEM_LOG_DIRTY_PAGES });
    expect(g.vmm.copyTags(g.vm, { guestIpa: ipa, length: PAGE_SIZE, addr: buf, flags: KVM_ARM_TAGS_TO_GUEST })).toBe(expected);
  });
});
