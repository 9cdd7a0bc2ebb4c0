import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Machine } from '../../src/core/machine.ts';
import { IdentityGuestPhysical } from '../../src/guest/guestPhys.ts';
import { Prot } from '../../src/guest/linux/abi.ts';
import { AddressSpace, MMAP_MIN, MMAP_TOP, PAGE, type Vma } from '../../src/guest/linux/addressSpace.ts';

function space(): AddressSpace {
  const m = new Machine();
  return new AddressSpace(m.bus, m.phys, new IdentityGuestPhysical(m.phys));
}

/** The top-down search of the whole map, from MMAP_TOP: what `findFree` must answer, cache or not. */
function highestFree(vmas: readonly Vma[], length: number): number | null {
  let candidate = MMAP_TOP - length;
  for (let i = vmas.length - 1; i >= 0 && candidate >= MMAP_MIN; i--) {
    const v = vmas[i];
    if (v.start >= candidate + length) continue;
    if (v.end <= candidate) break;
    candidate = v.start - length;
  }
  return candidate >= MMAP_MIN ? candidate : null;
}

/** Operations near the top of the mmap area, where findFree's walks begin. */
const WINDOW = 1024;
const page = fc.integer({ min: 1, max: WINDOW }).map((n) => MMAP_TOP - n * PAGE);
const op = fc.oneof(
  fc.record({ op: fc.constant('mmap' as const), pages: fc.integer({ min: 1, max: 64 }), prot: fc.constantFrom(Prot.READ, Prot.READ | Prot.WRITE) }),
  fc.record({ op: fc.constant('fixed' as const), at: page, pages: fc.integer({ min: 1, max: 64 }), prot: fc.constantFrom(Prot.READ, Prot.READ | Prot.WRITE) }),
  fc.record({ op: fc.constant('munmap' as const), at: page, pages: fc.integer({ min: 1, max: 128 }) }),
  fc.record({ op: fc.constant('mprotect' as const), at: page, pages: fc.integer({ min: 1, max: 32 }), prot: fc.constantFrom(Prot.READ, Prot.READ | Prot.WRITE) }),
);

describe('address space', () => {
  test('findFree gives the highest free range below MMAP_TOP, and the VMAs stay sorted, disjoint and counted, after any sequence of mmap, MAP_FIXED, munmap and mprotect (property)', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
      const s = space();
      for (const o of ops) {
        const length = o.pages * PAGE;
        if (o.op === 'mmap') {
          const expected = highestFree(s.vmas, length);
          const found = s.findFree(length);
          expect(found).toBe(expected);
          if (found !== null) s.map(found, found + length, o.prot, 'anon', true);
        } else if (o.op === 'fixed') {
          s.map(o.at, Math.min(MMAP_TOP, o.at + length), o.prot, 'anon', true);
        } else if (o.op === 'munmap') {
          s.unmap(o.at, Math.min(MMAP_TOP, o.at + length));
        } else if (s.find(o.at) !== undefined && s.find(Math.min(MMAP_TOP, o.at + length) - 1) !== undefined) {
          s.protect(o.at, Math.min(MMAP_TOP, o.at + length), o.prot);
        }
        s.vmas.forEach((v, i) => {
          expect(v.start).toBeLessThan(v.end);
          if (i > 0) expect(s.vmas[i - 1].end).toBeLessThanOrEqual(v.start);
        });
        expect(s.totalMapped).toBe(s.vmas.reduce((n, v) => n + v.end - v.start, 0));
      }
    }), { numRuns: 300 });
  });

  test('adjacent anonymous mappings with the same protections merge into one VMA; different ones do not', () => {
    const s = space();
    const top = MMAP_TOP - 16 * PAGE;
    s.map(top, top + PAGE, Prot.READ | Prot.WRITE, 'anon', true);
    s.map(top - PAGE, top, Prot.READ | Prot.WRITE, 'anon', true);
    s.map(top + PAGE, top + 2 * PAGE, Prot.READ | Prot.WRITE, 'anon', true);
    expect(s.vmas.map((v) => [v.start, v.end])).toEqual([[top - PAGE, top + 2 * PAGE]]);
    s.map(top + 2 * PAGE, top + 3 * PAGE, Prot.READ, 'anon', true);
    s.map(top + 3 * PAGE, top + 4 * PAGE, Prot.READ | Prot.WRITE, 'stack', true);
    expect(s.vmas).toHaveLength(3);
  });
});
