import { describe, expect, test } from 'vitest';
import { AccessKind } from '../../src/core/mte/check.ts';
import { harness, SYS, DATA, type Harness } from './kernel.ts';

const PROT_RW = 3;
const PROT_MTE = 0x20;
const MAP_PRIVATE_ANON = 0x22;
const MAP_FIXED = 0x10;
const SIGSEGV = 11;

function mapAnon(h: Harness, prot: number, len = 0x2000): bigint {
  const r = h.sys(SYS.mmap, 0, len, prot, MAP_PRIVATE_ANON, -1, 0);
  expect(r).toBeGreaterThan(0n);
  return r;
}

/** Frame and tag attribute as the bus sees the page at `va` (paging it in). */
function page(h: Harness, va: bigint) {
  h.access(va, false, false);
  return h.p.machine.bus.frameFor(Number(va >> 32n) | 0, Number(va & 0xffff_ffffn) | 0, AccessKind.Read);
}

const lastSignal = (h: Harness) => h.signals().at(-1);

describe('mmap, mprotect, madvise with PROT_MTE (MTE.md §7)', () => {
  test('anonymous PROT_MTE memory is paged in on first touch as Normal Tagged with all tags 0', () => {
    const h = harness();
    const a = mapAnon(h, PROT_RW | PROT_MTE);
    expect(h.p.space.frameOf(Number(a))).toBeUndefined();
    const { tagged, frame } = page(h, a + 0x1010n);
    expect(tagged).toBe(true);
    expect([...frame.tags!].every((t) => t === 0)).toBe(true);
    expect(h.events.some((e) => e.kind === 'demandPage')).toBe(true);
  });

  test('memory without PROT_MTE is Untagged', () => {
    const h = harness();
    expect(page(h, mapAnon(h, PROT_RW)).tagged).toBe(false);
  });

  test('PROT_MTE on a file mapping is EINVAL; other stream mappings are ENODEV', () => {
    const h = harness();
    expect(h.sys(SYS.mmap, 0, 4096, PROT_RW | PROT_MTE, 2 /* MAP_PRIVATE */, 1, 0)).toBe(-22n);
    expect(h.sys(SYS.mmap, 0, 4096, PROT_RW, 2, 1, 0)).toBe(-19n);
    expect(h.sys(SYS.mmap, 0, 4096, PROT_RW, 2, 9, 0)).toBe(-9n);
  });

  test('mmap argument errors: zero length, no sharing type, misaligned MAP_FIXED', () => {
    const h = harness();
    expect(h.sys(SYS.mmap, 0, 0, PROT_RW, MAP_PRIVATE_ANON, -1, 0)).toBe(-22n);
    expect(h.sys(SYS.mmap, 0, 4096, PROT_RW, 0x20, -1, 0)).toBe(-22n);
    expect(h.sys(SYS.mmap, 0x500001, 4096, PROT_RW, MAP_PRIVATE_ANON | MAP_FIXED, -1, 0)).toBe(-22n);
  });

  test('mprotect adding PROT_MTE keeps the data and gives tag 0', () => {
    const h = harness();
    const a = mapAnon(h, PROT_RW);
    h.access(a + 0x20n, true);
    expect(h.sys(SYS.mprotect, a, 0x2000, PROT_RW | PROT_MTE)).toBe(0n);
    const { tagged, frame } = page(h, a);
    expect(tagged).toBe(true);
    expect(frame.view.getUint32(0x20, true)).toBe(0x11223344);
    expect(frame.tags![2]).toBe(0);
  });

  test('mprotect cannot remove PROT_MTE, and existing tags survive a permission change', () => {
    const h = harness();
    const a = mapAnon(h, PROT_RW | PROT_MTE);
    page(h, a).frame.tags![0] = 7;
    expect(h.sys(SYS.mprotect, a, 0x1000, 1)).toBe(0n);
    const { tagged, frame } = page(h, a);
    expect(tagged).toBe(true);
    expect(frame.tags![0]).toBe(7);
  });

  test('mprotect PROT_MTE on the program image (a file mapping) is EINVAL; unknown prot bits are EINVAL', () => {
    const h = harness();
    expect(h.sys(SYS.mprotect, DATA, 0x1000, PROT_RW | PROT_MTE)).toBe(-22n);
    expect(h.sys(SYS.mprotect, mapAnon(h, PROT_RW), 0x1000, 0x40)).toBe(-22n);
  });

  test('mprotect over a hole is ENOMEM', () => {
    const h = harness();
    const a = mapAnon(h, PROT_RW, 0x3000);
    h.sys(SYS.munmap, a + 0x1000n, 0x1000);
    expect(h.sys(SYS.mprotect, a, 0x3000, 1)).toBe(-12n);
  });

  test('MADV_DONTNEED zero-fills the pages and clears their tags', () => {
    const h = harness();
    const a = mapAnon(h, PROT_RW | PROT_MTE);
    h.access(a, true, false);
    page(h, a).frame.tags![0] = 5;
    expect(h.sys(SYS.madvise, a, 0x1000, 4)).toBe(0n);
    const { frame } = page(h, a);
    expect(frame.view.getUint32(0, true)).toBe(0);
    expect(frame.tags![0]).toBe(0);
  });

  test('touching unmapped memory is SIGSEGV SEGV_MAPERR; PROT_NONE memory is SEGV_ACCERR', () => {
    const h = harness();
    const a = mapAnon(h, PROT_RW);
    h.sys(SYS.munmap, a, 0x2000);
    expect(h.access(a, false)?.info.kind).toBe('dataAbort');
    expect(lastSignal(h)).toMatchObject({ signo: SIGSEGV, code: 1, action: 'killed' });
    expect(h.p.status).toBe(139);

    const g = harness();
    const b = mapAnon(g, 0);
    g.access(b, false);
    expect(lastSignal(g)).toMatchObject({ signo: SIGSEGV, code: 2 });
  });

  test('writing a read-only mapping is SEGV_ACCERR even before the page exists', () => {
    const h = harness();
    const a = mapAnon(h, 1);
    h.access(a, true);
    expect(lastSignal(h)).toMatchObject({ signo: SIGSEGV, code: 2 });
  });

  test('mprotect to PROT_NONE and back keeps the data', () => {
    const h = harness();
    const a = mapAnon(h, PROT_RW);
    h.access(a, true);
    h.sys(SYS.mprotect, a, 0x1000, 0);
    h.sys(SYS.mprotect, a, 0x1000, PROT_RW);
    expect(page(h, a).frame.view.getUint32(0, true)).toBe(0x11223344);
  });

  test('brk grows from the end of the image and shrinks; a request below the start is refused', () => {
    const h = harness();
    const start = h.sys(SYS.brk, 0);
    expect(start).toBe(0x412000n);
    expect(h.sys(SYS.brk, start + 0x1800n)).toBe(start + 0x1800n);
    expect(h.access(start + 0x1000n, true)).toBeNull();
    expect(h.sys(SYS.brk, start)).toBe(start);
    h.access(start + 0x1000n, true);
    expect(lastSignal(h)).toMatchObject({ signo: SIGSEGV, code: 1 });
    const g = harness();
    expect(g.sys(SYS.brk, 0x1000)).toBe(0x412000n);
  });

  test('MAP_FIXED replaces an existing mapping; MAP_FIXED_NOREPLACE refuses with EEXIST', () => {
    const h = harness();
    const a = mapAnon(h, PROT_RW);
    h.access(a, true);
    expect(h.sys(SYS.mmap, a, 0x1000, PROT_RW, MAP_PRIVATE_ANON | 0x100000, -1, 0)).toBe(-17n);
    expect(h.sys(SYS.mmap, a, 0x1000, PROT_RW, MAP_PRIVATE_ANON | MAP_FIXED, -1, 0)).toBe(a);
    expect(page(h, a).frame.view.getUint32(0, true)).toBe(0);
  });
});
