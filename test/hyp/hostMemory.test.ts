import { describe, expect, test } from 'vitest';
import { FrameFlag, PAGE_SIZE } from '../../src/core/mem/physmem.ts';
import { withTag } from '../../src/hyp/guestAccess.ts';
import { discard, fork, ksmScan, madviseMergeable, migratePage, swapOut } from '../../src/hyp/hostOps.ts';
import { DATA_OFFSET, DATA_VA, launchGuest } from '../../src/hyp/launch.ts';

function coloured(tag = 5) {
  const g = launchGuest();
  const p = withTag(DATA_VA, tag);
  g.ops.colour(p, PAGE_SIZE);
  g.ops.store64(p, 77n);
  return { g, p };
}

describe('S8 swap', () => {
  test('tags survive swap-out and swap-in through the 128-byte mteswap store', () => {
    const { g, p } = coloured();
    expect(swapOut(g.vmm.mm, g.hva + DATA_OFFSET)).toBe(true);
    expect(g.host.swapTagBytes).toBe(128);
    expect(g.vm.stage2.lookup(g.dataIpa)).toBeNull();
    expect(g.ops.load64(p)).toEqual({ ok: true, value: 77n });
    expect(g.host.log.ofKind('swapIn').at(-1)).toMatchObject({ tagsRestored: true });
    expect(g.host.log.ofKind('sanitise').at(-1)).toMatchObject({ cleared: 0 });
  });

  test('page migration moves the tags with the data', () => {
    const { g, p } = coloured();
    const before = g.vmm.mm.presentFrame(g.hva + DATA_OFFSET)!.pfn;
    expect(migratePage(g.vmm.mm, g.hva + DATA_OFFSET)).not.toBe(before);
    expect(g.ops.load64(p)).toEqual({ ok: true, value: 77n });
  });
});

describe('S12 KSM', () => {
  test('KSM merges identical untagged pages but never a PG_mte_tagged one', () => {
    const g = launchGuest();
    // Two guest pages with identical data: both tagged by the stage-2 fault.
    g.ops.store64(withTag(DATA_VA, 0), 1n);
    g.ops.store64(withTag(DATA_VA + PAGE_SIZE, 0), 1n);
    // Two identical untagged pages of the VMM's own memory.
    const own = g.vmm.mmap({ length: 2 * PAGE_SIZE, kind: 'anonymous' });
    g.vmm.write(own, new Uint8Array([1]));
    g.vmm.write(own + PAGE_SIZE, new Uint8Array([1]));
    madviseMergeable(g.vmm.mm, g.hva, g.ramBytes);
    madviseMergeable(g.vmm.mm, own, 2 * PAGE_SIZE);
    const r = ksmScan([g.vmm.mm]);
    expect(r.merged).toBe(1);
    expect(r.refusedTagged).toBeGreaterThanOrEqual(1);
    const a = g.vmm.mm.presentFrame(g.hva + DATA_OFFSET)!;
    const b = g.vmm.mm.presentFrame(g.hva + DATA_OFFSET + PAGE_SIZE)!;
    expect(a.pfn).not.toBe(b.pfn);
    expect(g.vmm.mm.presentFrame(own)!.pfn).toBe(g.vmm.mm.presentFrame(own + PAGE_SIZE)!.pfn);
  });
});

describe('S15 fork, copy-on-write, balloon', () => {
  test('a copy-on-write break after fork copies the tags with the data', () => {
    const { g, p } = coloured(0xb);
    const child = fork(g.vmm.mm, 'vmm-child');
    expect(g.vm.stage2.lookup(g.dataIpa)).toBeNull();
    expect(g.ops.store64(p, 88n).ok).toBe(true);
    expect(g.host.log.ofKind('cow').at(-1)).toMatchObject({ tagsCopied: true });
    const mine = g.vmm.mm.presentFrame(g.hva + DATA_OFFSET)!;
    const theirs = child.presentFrame(g.hva + DATA_OFFSET)!;
    expect(mine.pfn).not.toBe(theirs.pfn);
    expect(mine.tags![0]).toBe(0xb);
    expect(mine.flags & FrameFlag.MteTagged).toBe(FrameFlag.MteTagged);
    expect(theirs.view.getUint32(0, true)).toBe(77);
    expect(g.ops.load64(p)).toEqual({ ok: true, value: 88n });
  });

  test('a ballooned page comes back zeroed with its tags cleared', () => {
    const { g, p } = coloured(0xb);
    expect(discard(g.vmm.mm, g.hva + DATA_OFFSET, PAGE_SIZE)).toBe(1);
    expect(g.ops.load64(withTag(DATA_VA, 0))).toEqual({ ok: true, value: 0n });
    expect(g.ops.load64(p).ok).toBe(false);
    expect(g.ops.ldg(p)).toEqual({ ok: true, value: 0 });
  });
});
