import { describe, expect, test } from 'vitest';
import { AccessKind } from '../../src/core/mte/check.ts';
import { harness, type Harness, SYS } from './kernel.ts';

const PROT_RW = 3, PROT_MTE = 0x20;
const MAP_PRIVATE_ANON = 0x22, MAP_FIXED = 0x10;
const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;
const EFAULT = -14n, EINVAL = -22n, ENOMEM = -12n;
const SYS_MREMAP = 216, SYS_SYSINFO = 179;
const PAGE = 0x1000n;

function mapAnon(h: Harness, len: bigint, prot = PROT_RW, at = 0n): bigint {
  const r = h.sys(SYS.mmap, at, len, prot, MAP_PRIVATE_ANON | (at === 0n ? 0 : MAP_FIXED), -1, 0);
  expect(r).toBeGreaterThan(0n);
  return r;
}

/** The frame behind `va` as the bus sees it (paging it in). */
function frameAt(h: Harness, va: bigint) {
  expect(h.access(va, false, false)).toBeNull();
  return h.p.machine.bus.frameFor(Number(va >> 32n) | 0, Number(va & 0xffff_ffffn) | 0, AccessKind.Read);
}

/** Writes a marker at `va` and gives its granule tag `tag`. */
function mark(h: Harness, va: bigint, tag: number): void {
  expect(h.access(va, true, false)).toBeNull();
  frameAt(h, va).frame.tags![Number(va % PAGE) >> 4] = tag;
}

const unmapped = (h: Harness, va: bigint): boolean => h.p.space.find(Number(va)) === undefined;

describe('mremap', () => {
  test('growing a mapping whose next pages are free extends it in place, keeping its pages', () => {
    const h = harness();
    const a = mapAnon(h, 2n * PAGE, PROT_RW | PROT_MTE);
    mark(h, a + 0x1010n, 9);
    const frame = h.p.space.frameOf(Number(a + PAGE));
    h.sys(SYS.munmap, a + 2n * PAGE, 3n * PAGE); // the pages after it are free
    expect(h.sys(SYS_MREMAP, a, 2n * PAGE, 5n * PAGE, 0)).toBe(a);
    expect(h.p.space.find(Number(a))?.end).toBe(Number(a + 5n * PAGE));
    expect(h.p.space.frameOf(Number(a + PAGE))).toBe(frame);
    expect(frameAt(h, a + 0x1010n).frame.tags![1]).toBe(9);
  });

  test('growing into occupied pages without MREMAP_MAYMOVE is ENOMEM and changes nothing', () => {
    const h = harness();
    const a = mapAnon(h, 2n * PAGE);
    mapAnon(h, PAGE, 1, a + 2n * PAGE); // different protections: a separate VMA right after
    expect(h.sys(SYS_MREMAP, a, 2n * PAGE, 4n * PAGE, 0)).toBe(ENOMEM);
    expect(h.p.space.find(Number(a))?.end).toBe(Number(a + 2n * PAGE));
  });

  test('MREMAP_MAYMOVE moves the mapping: the same frames, so data and tags, appear at the new address; the old range is unmapped', () => {
    const h = harness();
    const a = mapAnon(h, 2n * PAGE, PROT_RW | PROT_MTE);
    mapAnon(h, PAGE, 1, a + 2n * PAGE);
    mark(h, a + 0x20n, 5);
    mark(h, a + 0x1ff0n, 0xc);
    const frames = [h.p.space.frameOf(Number(a)), h.p.space.frameOf(Number(a + PAGE))];
    const b = h.sys(SYS_MREMAP, a, 2n * PAGE, 8n * PAGE, MREMAP_MAYMOVE);
    expect(b).toBeGreaterThan(0n);
    expect(b).not.toBe(a);
    expect([h.p.space.frameOf(Number(b)), h.p.space.frameOf(Number(b + PAGE))]).toEqual(frames);
    const first = frameAt(h, b);
    expect(first.tagged).toBe(true);
    expect(first.frame.tags![2]).toBe(5);
    expect(first.frame.view.getUint32(0x20, true)).toBe(0x11223344);
    expect(frameAt(h, b + PAGE).frame.tags![0xff]).toBe(0xc);
    expect(h.p.space.find(Number(b))).toMatchObject({ end: Number(b + 8n * PAGE), prot: PROT_RW | PROT_MTE });
    expect(unmapped(h, a)).toBe(true);
    expect(h.access(a, false, false)).not.toBeNull();
  });

  test('shrinking unmaps the tail and returns the same address', () => {
    const h = harness();
    const a = mapAnon(h, 4n * PAGE);
    expect(h.sys(SYS_MREMAP, a, 4n * PAGE, PAGE + 1n, 0)).toBe(a);
    expect(h.p.space.find(Number(a))?.end).toBe(Number(a + 2n * PAGE));
    expect(unmapped(h, a + 2n * PAGE)).toBe(true);
  });

  test('MREMAP_FIXED moves to new_addr, replacing what was mapped in the new range only', () => {
    const h = harness();
    const a = mapAnon(h, PAGE, PROT_RW | PROT_MTE);
    const target = mapAnon(h, 4n * PAGE, 1);
    mark(h, a + 0x40n, 3);
    expect(h.sys(SYS_MREMAP, a, PAGE, 2n * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target)).toBe(target);
    expect(h.p.space.find(Number(target))).toMatchObject({ end: Number(target + 2n * PAGE), prot: PROT_RW | PROT_MTE });
    expect(h.p.space.find(Number(target + 2n * PAGE))?.prot).toBe(1);
    expect(frameAt(h, target).frame.tags![4]).toBe(3);
    expect(unmapped(h, a)).toBe(true);
  });

  test('MREMAP_DONTUNMAP moves the pages and leaves the old range mapped and empty', () => {
    const h = harness();
    const a = mapAnon(h, PAGE);
    expect(h.access(a, true)).toBeNull();
    const b = h.sys(SYS_MREMAP, a, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
    expect(b).toBeGreaterThan(0n);
    expect(frameAt(h, b).frame.view.getUint32(0, true)).toBe(0x11223344);
    expect(h.p.space.find(Number(a))).toBeDefined();
    expect(frameAt(h, a).frame.view.getUint32(0, true)).toBe(0);
  });

  test('argument errors are EINVAL: unknown flags, FIXED without MAYMOVE, DONTUNMAP resizing, misaligned address, zero new length, overlap, old_len 0 of a private mapping', () => {
    const h = harness();
    const a = mapAnon(h, 4n * PAGE);
    expect(h.sys(SYS_MREMAP, a, PAGE, 2n * PAGE, 8)).toBe(EINVAL);
    expect(h.sys(SYS_MREMAP, a, PAGE, 2n * PAGE, MREMAP_FIXED, a + 0x10000n)).toBe(EINVAL);
    expect(h.sys(SYS_MREMAP, a, PAGE, 2n * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP)).toBe(EINVAL);
    expect(h.sys(SYS_MREMAP, a + 1n, PAGE, 2n * PAGE, 0)).toBe(EINVAL);
    expect(h.sys(SYS_MREMAP, a, PAGE, 0, 0)).toBe(EINVAL);
    expect(h.sys(SYS_MREMAP, a, 2n * PAGE, 2n * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, a + PAGE)).toBe(EINVAL);
    expect(h.sys(SYS_MREMAP, a, 0, PAGE, MREMAP_MAYMOVE)).toBe(EINVAL);
  });

  test('an address without a mapping, or an old range past the end of its mapping, is EFAULT', () => {
    const h = harness();
    const a = mapAnon(h, 2n * PAGE);
    h.sys(SYS.munmap, a + 2n * PAGE, PAGE);
    expect(h.sys(SYS_MREMAP, a + 2n * PAGE, PAGE, 2n * PAGE, MREMAP_MAYMOVE)).toBe(EFAULT);
    expect(h.sys(SYS_MREMAP, a, 3n * PAGE, 4n * PAGE, MREMAP_MAYMOVE)).toBe(EFAULT);
  });

  test('growth past the address-space limit is ENOMEM (may_expand_vm)', () => {
    const h = harness({ limits: { addressSpaceBytes: 64 << 20 } });
    const a = mapAnon(h, PAGE);
    expect(h.sys(SYS_MREMAP, a, PAGE, 64n << 20n, MREMAP_MAYMOVE)).toBe(ENOMEM);
    expect(h.sys(SYS_MREMAP, a, PAGE, 2n * PAGE, MREMAP_MAYMOVE)).toBeGreaterThan(0n);
  });
});

describe('sysinfo', () => {
  /** struct sysinfo as the guest reads it. */
  function sysinfo(h: Harness) {
    const buf = 0x410000n;
    expect(h.sys(SYS_SYSINFO, buf)).toBe(0n);
    const dv = new DataView(h.p.user.read(buf, 112)!.buffer);
    return {
      uptime: dv.getBigInt64(0, true), loads: [8, 16, 24].map((o) => dv.getBigUint64(o, true)), totalram: dv.getBigUint64(32, true),
      freeram: dv.getBigUint64(40, true), totalswap: dv.getBigUint64(64, true), procs: dv.getUint16(80, true), memUnit: dv.getUint32(104, true),
    };
  }

  test('total RAM is the memory limit in bytes (mem_unit 1), one process, no load and no swap', () => {
    const info = sysinfo(harness({ limits: { memoryBytes: 256 << 20 } }));
    expect(info).toMatchObject({ totalram: 256n << 20n, totalswap: 0n, procs: 1, memUnit: 1, loads: [0n, 0n, 0n] });
  });

  test('free RAM is what the process may still populate: each page touched, data or translation table, takes 4 KiB from it', () => {
    const h = harness();
    const a = mapAnon(h, 16n * PAGE);
    const untouched = sysinfo(h).freeram;
    expect(untouched).toBeLessThan(1n << 30n);
    h.access(a, true); // the data page and the last-level table that maps it
    const one = sysinfo(h).freeram;
    expect(untouched - one).toBe(2n * PAGE);
    h.access(a + 5n * PAGE, true);
    expect(one - sysinfo(h).freeram).toBe(PAGE);
  });

  test('uptime follows the instruction clock, in whole seconds rounded up', () => {
    const h = harness();
    h.p.instructions = 2_500_000_000;
    expect(sysinfo(h).uptime).toBe(3n);
  });

  test('a buffer outside the address space is EFAULT', () => {
    expect(harness().sys(SYS_SYSINFO, 0x10n)).toBe(EFAULT);
  });
});
