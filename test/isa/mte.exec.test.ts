/**
 * What the MTE instructions do (MTE.md §4.3, §5), with the values observed under qemu-aarch64 (MTE.md §8).
 * Snippets run on the bare machine of test/helpers/snippet.ts: DATA is Normal Tagged, UNTAGGED is not.
 */
import { describe, expect, test } from 'vitest';
import { run } from '../../src/core/cpu/run.ts';
import type { GuestException, MemoryFault } from '../../src/core/cpu/exceptions.ts';
import { SCTLR, withField } from '../../src/core/cpu/sysregs.ts';
import { MairIndex, type Machine } from '../../src/core/machine.ts';
import { FrameFlag } from '../../src/core/mem/physmem.ts';
import { frameAllocator, TableBuilder } from '../../src/core/mmu/builder.ts';
import { S2_MEMATTR_NORMAL_WB, S2_MEMATTR_NOTAGACCESS, stage1PageDescriptor, stage2PageDescriptor } from '../../src/core/mmu/descriptors.ts';
import { CODE, DATA, runSnippet, STACK_TOP, UNTAGGED } from '../helpers/snippet.ts';

const tagged = (addr: number, tag: number): bigint => BigInt(addr) | (BigInt(tag) << 56n);
const tagOf = (v: bigint): number => Number((v >> 56n) & 0xfn);

function setTags(m: Machine, pa: number, tags: number[]): void {
  const frame = m.phys.frame(Math.floor(pa / 4096));
  frame.ensureTags().set(tags, (pa % 4096) / 16);
}

const tagsAt = (m: Machine, pa: number, count: number): number[] =>
  Array.from({ length: count }, (_, i) => m.phys.tagAt(pa + 16 * i));

/** Sets SCTLR_EL1/GCR_EL1/RGSR_EL1 fields and tells the machine the tag-check context changed. */
function sys(m: Machine, change: (s: Machine['cpu']['sys']) => void): void {
  change(m.cpu.sys);
  m.cpu.mteGeneration++;
}

/** GCR_EL1 for a Linux include mask (MTE.md §7: Exclude = ~include), RRND=1 as Linux sets it. */
const gcrForInclude = (include: number[]): bigint =>
  BigInt(~include.reduce((a, t) => a | (1 << t), 0) & 0xffff) | (1n << 16n);

function dataAbort(e: GuestException | null): MemoryFault {
  if (e?.info.kind !== 'dataAbort') throw new Error(`expected a data abort, got ${e?.info.kind ?? 'none'}`);
  return e.info.fault;
}

/** Runs the one-instruction snippet at CODE again, `count` times, returning Xd's tag after each run. */
function repeatTags(m: Machine, d: number, count: number): number[] {
  return Array.from({ length: count }, () => {
    m.cpu.pc = CODE;
    expect(run(m.cpu, m.bus, 1).exception).toBeNull();
    return tagOf(m.cpu.getX(d));
  });
}

/** Runs the snippet at EL1: its code page loses PXN (user pages carry it so the kernel never runs them). */
function atEl1(m: Machine): void {
  const code = stage1PageDescriptor(CODE, { attrIndx: MairIndex.Normal, el0: true, readOnly: true, uxn: false });
  m.stage1.setPage(CODE, code & ~(1n << 53n));
  m.bus.flushTlb();
  m.cpu.el = 1;
  m.cpu.mteGeneration++;
}

describe('IRG (MTE.md §4.3, §8)', () => {
  const irgWith = (include: number[], xm = 0n) => runSnippet('irg x0, x1, x2', (m) => {
    sys(m, (s) => { s.GCR_EL1 = gcrForInclude(include); s.RGSR_EL1 = 0x1234n << 8n; });
    m.cpu.setX(1, BigInt(DATA));
    m.cpu.setX(2, xm);
  });

  test('with include mask {3,5,11} only tags 3, 5 and 11 appear, and all of them do', () => {
    const r = irgWith([3, 5, 11]);
    const seen = new Set(repeatTags(r.m, 0, 200));
    expect([...seen].sort((a, b) => a - b)).toEqual([3, 5, 11]);
  });

  test('Xm<15:0> adds to the exclusion: Xm = 1<<5 removes tag 5', () => {
    const r = irgWith([3, 5, 11], 1n << 5n);
    expect(new Set(repeatTags(r.m, 0, 200))).toEqual(new Set([3, 11]));
  });

  test('all sixteen tags excluded gives tag 0 (the exec default, include mask 0)', () => {
    const r = irgWith([]);
    expect(repeatTags(r.m, 0, 20)).toEqual(new Array(20).fill(0));
  });

  test('IRG keeps every address bit but 59:56, and Xm omitted means XZR', () => {
    const r = runSnippet('irg x0, x1', (m) => {
      sys(m, (s) => { s.GCR_EL1 = gcrForInclude([9]); s.RGSR_EL1 = 0x1n << 8n; });
      m.cpu.setX(1, 0xf5_00_1234_5678_9abcn);
    });
    expect(r.x(0)).toBe(0xf9_00_1234_5678_9abcn);
  });

  test('the RGSR_EL1 LFSR gives the sequence of the pseudocode (§4.3) from a known seed', () => {
    // First step by hand: SEED 0xACE1; top bits 0,1,0,0 → offset 2; SEED becomes 0x2ACE; tag 0+2 = 2.
    const r = runSnippet('irg x0, x1', (m) => {
      sys(m, (s) => { s.GCR_EL1 = 0n; s.RGSR_EL1 = 0xace1n << 8n; });
      m.cpu.setX(1, BigInt(DATA));
    });
    expect(tagOf(r.x(0))).toBe(2);
    expect(r.m.cpu.sys.RGSR_EL1).toBe(0x2ace02n);

    // Further steps, following the pseudocode on a bit array, with GCR_EL1 excluding {0, 7, 8}.
    r.m.cpu.sys.GCR_EL1 = 0x0181n;
    let seedBits = Array.from({ length: 16 }, (_, i) => (0x2ace >> i) & 1);
    let tag = 2;
    const expected: number[] = [];
    for (let k = 0; k < 40; k++) {
      let offset = 0;
      for (let i = 0; i < 4; i++) {
        const top = seedBits[5] ^ seedBits[3] ^ seedBits[2] ^ seedBits[0];
        seedBits = [...seedBits.slice(1), top];
        offset += top * 2 ** i;
      }
      const excluded = (t: number) => [0, 7, 8].includes(t);
      if (offset === 0) while (excluded(tag)) tag = (tag + 1) % 16;
      for (; offset > 0; offset--) do tag = (tag + 1) % 16; while (excluded(tag));
      expected.push(tag);
    }
    expect(repeatTags(r.m, 0, 40)).toEqual(expected);
    const seed = seedBits.reduce((a, b, i) => a + b * 2 ** i, 0);
    expect(r.m.cpu.sys.RGSR_EL1).toBe(BigInt(seed * 256 + tag));
  });

  test('SEED 0 with RRND 0 sticks the LFSR at offset 0: the start tag repeats', () => {
    const r = runSnippet('irg x0, x1', (m) => {
      sys(m, (s) => { s.GCR_EL1 = 0n; s.RGSR_EL1 = 6n; });
      m.cpu.setX(1, BigInt(DATA));
    });
    expect(repeatTags(r.m, 0, 5)).toEqual([6, 6, 6, 6, 6]);
  });

  test('SEED 0 with RRND 1 still produces varying tags (the LFSR gets a fixed non-zero seed)', () => {
    const r = runSnippet('irg x0, x1', (m) => {
      sys(m, (s) => { s.GCR_EL1 = 1n << 16n; s.RGSR_EL1 = 0n; });
      m.cpu.setX(1, BigInt(DATA));
    });
    expect(new Set(repeatTags(r.m, 0, 50)).size).toBeGreaterThan(4);
  });

  test('allocation tag access disabled: IRG gives tag 0 and leaves RGSR_EL1 alone', () => {
    const r = runSnippet('irg x0, x1', (m) => {
      sys(m, (s) => {
        s.GCR_EL1 = 0n; s.RGSR_EL1 = 0xace100n;
        s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.ATA0, 1, 0);
      });
      m.cpu.setX(1, tagged(DATA, 5));
    });
    expect(r.x(0)).toBe(BigInt(DATA));
    expect(r.m.cpu.sys.RGSR_EL1).toBe(0xace100n);
  });
});

describe('GMI, ADDG/SUBG, SUBP/SUBPS (MTE.md §4.3)', () => {
  test('GMI(tag 7, Xm=1) = 0x81', () => {
    const r = runSnippet('gmi x0, x1, x2', (m) => { m.cpu.setX(1, tagged(DATA, 7)); m.cpu.setX(2, 1n); });
    expect(r.x(0)).toBe(0x81n);
  });

  test('GMI ignores the tag access controls', () => {
    const r = runSnippet('gmi x0, x1, x2', (m) => {
      sys(m, (s) => { s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.ATA0, 1, 0); });
      m.cpu.setX(1, tagged(DATA, 15)); m.cpu.setX(2, 0xffff_0000_0000_0000n);
    });
    expect(r.x(0)).toBe(0xffff_0000_0000_8000n);
  });

  test('ADDG from tag 3 with tag offset 2 and include {3,5,11} gives tag 11', () => {
    const r = runSnippet('addg x0, x1, #32, #2', (m) => {
      sys(m, (s) => { s.GCR_EL1 = gcrForInclude([3, 5, 11]); });
      m.cpu.setX(1, tagged(DATA, 3));
    });
    expect(r.x(0)).toBe(tagged(DATA + 32, 11));
  });

  test('SUBG subtracts the address offset but still adds the tag offset: tag 7, #15, exclude {0} → 7', () => {
    const r = runSnippet('subg x0, x1, #1008, #15', (m) => {
      sys(m, (s) => { s.GCR_EL1 = 1n; });
      m.cpu.setX(1, tagged(DATA, 7));
    });
    expect(r.x(0)).toBe(tagged(DATA - 1008, 7));
  });

  test('ADDG with allocation tag access disabled inserts tag 0', () => {
    const r = runSnippet('addg x0, x1, #16, #1', (m) => {
      sys(m, (s) => { s.GCR_EL1 = 0n; s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.ATA0, 1, 0); });
      m.cpu.setX(1, tagged(DATA, 4));
    });
    expect(r.x(0)).toBe(BigInt(DATA + 16));
  });

  test('SUBP subtracts the sign-extended bits 55:0, ignoring the tags', () => {
    const r = runSnippet('subp x0, x1, x2', (m) => {
      m.cpu.setX(1, tagged(DATA + 0x40, 9) | (0xan << 60n));
      m.cpu.setX(2, tagged(DATA, 3));
    });
    expect(r.x(0)).toBe(0x40n);
  });

  test('SUBPS sets NZCV as a 64-bit SUBS of the 56-bit values, and CMPP is SUBPS into XZR', () => {
    const negative = runSnippet('subps x0, x1, x2', (m) => {
      m.cpu.setX(1, tagged(DATA, 1)); m.cpu.setX(2, tagged(DATA + 16, 2));
    });
    expect(negative.x(0)).toBe(BigInt.asUintN(64, -16n));
    expect(negative.m.cpu.nzcv >>> 28).toBe(0b1000);
    const equal = runSnippet('cmpp x1, x2', (m) => {
      m.cpu.setX(1, tagged(DATA, 1)); m.cpu.setX(2, tagged(DATA, 2));
      m.cpu.setX(0, 77n);
    });
    expect(equal.m.cpu.nzcv >>> 28).toBe(0b0110);
    expect(equal.x(0)).toBe(77n);
    // Bit 55 set: sign extension makes the value negative, so 0x00ff.. minus 0 is negative, not huge.
    const high = runSnippet('cmpp x1, x2', (m) => { m.cpu.setX(1, 0x00ff_ffff_ffff_fff0n); m.cpu.setX(2, 0n); });
    expect(high.m.cpu.nzcv >>> 28).toBe(0b1010);
  });
});

describe('STG family and STGP (MTE.md §4.3)', () => {
  test('ST2G with tag 9 at b+16 (16- but not 32-aligned) tags granules 0..3 as 0 9 9 0', () => {
    const r = runSnippet('st2g x0, [x1, #16]', (m) => { m.cpu.setX(0, tagged(0, 9)); m.cpu.setX(1, BigInt(DATA)); });
    expect(r.exception).toBeNull();
    expect(tagsAt(r.m, DATA, 4)).toEqual([0, 9, 9, 0]);
  });

  test('STG stores the tag of Xt, not of the address register', () => {
    const r = runSnippet('stg x0, [x1]', (m) => { m.cpu.setX(0, tagged(0, 4)); m.cpu.setX(1, tagged(DATA, 12)); });
    expect(tagsAt(r.m, DATA, 1)).toEqual([4]);
  });

  test('STG with Xt = SP stores the stack pointer\'s tag', () => {
    const r = runSnippet('stg sp, [x1]', (m) => { m.cpu.setX(31, tagged(STACK_TOP, 13)); m.cpu.setX(1, BigInt(DATA)); });
    expect(tagsAt(r.m, DATA, 1)).toEqual([13]);
  });

  test('STG keeps the data; STZG and STZ2G zero the granules they tag', () => {
    const fill = (m: Machine) => m.phys.writeBytes(DATA, new Uint8Array(64).fill(0xaa));
    const stg = runSnippet('stg x0, [x1]', (m) => { fill(m); m.cpu.setX(0, tagged(0, 2)); m.cpu.setX(1, BigInt(DATA)); });
    expect([...stg.m.phys.readBytes(DATA, 16)].every((b) => b === 0xaa)).toBe(true);
    const stzg = runSnippet('stzg x0, [x1, #16]', (m) => { fill(m); m.cpu.setX(0, tagged(0, 2)); m.cpu.setX(1, BigInt(DATA)); });
    expect([...stzg.m.phys.readBytes(DATA, 48)]).toEqual([...new Array(16).fill(0xaa), ...new Array(16).fill(0), ...new Array(16).fill(0xaa)]);
    const stz2g = runSnippet('stz2g x0, [x1]', (m) => { fill(m); m.cpu.setX(0, tagged(0, 2)); m.cpu.setX(1, BigInt(DATA)); });
    expect([...stz2g.m.phys.readBytes(DATA, 48)]).toEqual([...new Array(32).fill(0), ...new Array(16).fill(0xaa)]);
    expect(tagsAt(stz2g.m, DATA, 3)).toEqual([2, 2, 0]);
  });

  test('pre-index writes back before-address, post-index writes back after the access', () => {
    const pre = runSnippet('stg x0, [x1, #-32]!', (m) => { m.cpu.setX(0, tagged(0, 5)); m.cpu.setX(1, BigInt(DATA + 64)); });
    expect(pre.x(1)).toBe(BigInt(DATA + 32));
    expect(tagsAt(pre.m, DATA + 32, 1)).toEqual([5]);
    const post = runSnippet('st2g x0, [x1], #4080', (m) => { m.cpu.setX(0, tagged(0, 5)); m.cpu.setX(1, tagged(DATA, 3)); });
    expect(post.x(1)).toBe(tagged(DATA + 4080, 3));
    expect(tagsAt(post.m, DATA, 3)).toEqual([5, 5, 0]);
  });

  test.each(['stg x0, [x1]', 'st2g x0, [x1]', 'stzg x0, [x1]', 'stgp x0, x2, [x1]', 'stg x0, [x1, #16]!'])(
    '"%s" at b+8 takes an alignment fault and changes nothing', (insn) => {
      const r = runSnippet(insn, (m) => {
        m.phys.writeBytes(DATA, new Uint8Array(32).fill(0xaa));
        m.cpu.setX(0, tagged(0, 9)); m.cpu.setX(1, BigInt(DATA + 8));
      });
      const f = dataAbort(r.exception);
      expect(f.type).toBe('alignment');
      expect(f.va).toBe(BigInt(DATA + 8 + (insn.includes('#16') ? 16 : 0)));
      expect(tagsAt(r.m, DATA, 2)).toEqual([0, 0]);
      expect([...r.m.phys.readBytes(DATA, 32)].every((b) => b === 0xaa)).toBe(true);
      expect(r.x(1)).toBe(BigInt(DATA + 8));
    });

  test('STGP stores Xt and Xt2 and the tag of the address itself', () => {
    const r = runSnippet('stgp x2, x3, [x1, #32]!', (m) => {
      m.cpu.setX(1, tagged(DATA, 6));
      m.cpu.setX(2, 0x1111_2222_3333_4444n); m.cpu.setX(3, tagged(0x5555, 10));
    });
    expect(r.exception).toBeNull();
    const view = new DataView(r.m.phys.readBytes(DATA + 32, 16).buffer);
    expect(view.getBigUint64(0, true)).toBe(0x1111_2222_3333_4444n);
    expect(view.getBigUint64(8, true)).toBe(tagged(0x5555, 10));
    expect(tagsAt(r.m, DATA + 16, 3)).toEqual([0, 6, 0]);
    expect(r.x(1)).toBe(tagged(DATA + 32, 6));
  });

  test('STGP with tag access disabled writes the data and no tag', () => {
    const r = runSnippet('stgp x2, x3, [x1], #-16', (m) => {
      sys(m, (s) => { s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.ATA0, 1, 0); });
      m.cpu.setX(1, tagged(DATA, 6)); m.cpu.setX(2, 0x77n);
    });
    expect(r.m.phys.readBytes(DATA, 1)[0]).toBe(0x77);
    expect(tagsAt(r.m, DATA, 1)).toEqual([0]);
    expect(r.x(1)).toBe(tagged(DATA - 16, 6));
  });

  test('STG with tag access disabled drops the tag but still checks alignment and permission', () => {
    const setup = (m: Machine, addr: number) => {
      sys(m, (s) => { s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.ATA0, 1, 0); });
      m.cpu.setX(0, tagged(0, 9)); m.cpu.setX(1, BigInt(addr));
    };
    const ok = runSnippet('stg x0, [x1]', (m) => setup(m, DATA));
    expect(ok.exception).toBeNull();
    expect(tagsAt(ok.m, DATA, 1)).toEqual([0]);
    expect(dataAbort(runSnippet('stg x0, [x1]', (m) => setup(m, DATA + 4)).exception).type).toBe('alignment');
    expect(dataAbort(runSnippet('stg x0, [x1]', (m) => setup(m, CODE)).exception).type).toBe('permission');
  });

  test('STG on untagged memory: no fault, LDG reads 0, and a tag-6 load there is not checked', () => {
    const r = runSnippet('stg x0, [x1]\nldg x2, [x1]', (m) => {
      sys(m, (s) => { s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.TCF0, 2, 1); });
      m.cpu.setX(0, tagged(0, 6)); m.cpu.setX(1, tagged(UNTAGGED, 6)); m.cpu.setX(2, tagged(0, 3));
    });
    expect(r.exception).toBeNull();
    expect(r.x(2)).toBe(0n);
    expect(r.m.phys.peek(UNTAGGED / 4096)?.tags ?? null).toBeNull();
    expect(() => r.m.bus.read64(0x06000000, UNTAGGED, true)).not.toThrow();
  });

  test('a tag write marks the frame dirty like a data write; a tag read does not', () => {
    const r = runSnippet('ldg x2, [x1]', (m) => m.cpu.setX(1, BigInt(DATA + 0x1000)));
    const frame = r.m.phys.frame((DATA + 0x1000) / 4096);
    expect(frame.flags & FrameFlag.Dirty).toBe(0);
    const w = runSnippet('stg x0, [x1]', (m) => { m.cpu.setX(0, tagged(0, 1)); m.cpu.setX(1, BigInt(DATA + 0x1000)); });
    expect(w.m.phys.frame((DATA + 0x1000) / 4096).flags & FrameFlag.Dirty).toBe(FrameFlag.Dirty);
  });

  test('a tag write to a read-only page takes a permission fault; LDG there reads fine', () => {
    const readOnly = (m: Machine) => {
      m.mapUser(DATA, DATA, 4096, { write: false, exec: false, tagged: true });
      setTags(m, DATA, [7]);
      m.cpu.setX(0, tagged(0, 9)); m.cpu.setX(1, BigInt(DATA));
    };
    for (const insn of ['stg x0, [x1]', 'stzg x0, [x1]', 'stgp x0, x0, [x1]']) {
      const r = runSnippet(insn, readOnly);
      const f = dataAbort(r.exception);
      expect([f.type, f.write]).toEqual(['permission', true]);
      expect(tagsAt(r.m, DATA, 1)).toEqual([7]);
    }
    const ldg = runSnippet('ldg x0, [x1]', readOnly);
    expect(ldg.exception).toBeNull();
    expect(tagOf(ldg.x(0))).toBe(7);
  });

  test('ST2G across a page boundary translates both pages before writing either', () => {
    const r = runSnippet('st2g x0, [x1]', (m) => {
      m.mapUser(DATA + 0x1000, DATA + 0x1000, 4096, { write: false, exec: false, tagged: true });
      m.cpu.setX(0, tagged(0, 9)); m.cpu.setX(1, BigInt(DATA + 0x1000 - 16));
    });
    expect(dataAbort(r.exception).va).toBe(BigInt(DATA + 0x1000));
    expect(tagsAt(r.m, DATA + 0x1000 - 16, 2)).toEqual([0, 0]);
  });
});

describe('LDG (MTE.md §4.3)', () => {
  test('LDG into an all-ones Xt from a tag-6 granule gives 0xf6ffffffffffffff', () => {
    const r = runSnippet('ldg x0, [x1]', (m) => {
      setTags(m, DATA, [6]);
      m.cpu.setX(0, 0xffff_ffff_ffff_ffffn); m.cpu.setX(1, BigInt(DATA));
    });
    expect(r.x(0)).toBe(0xf6ff_ffff_ffff_ffffn);
  });

  test('LDG aligns the address down to the granule and never takes an alignment fault', () => {
    const r = runSnippet('ldg x0, [x1, #16]', (m) => { setTags(m, DATA, [1, 2, 3]); m.cpu.setX(1, BigInt(DATA + 15)); });
    expect(r.exception).toBeNull();
    expect(tagOf(r.x(0))).toBe(2);
  });

  test('LDG with tag access disabled reads tag 0 but still translates', () => {
    const disabled = (m: Machine) => sys(m, (s) => { s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.ATA0, 1, 0); });
    const r = runSnippet('ldg x0, [x1]', (m) => { disabled(m); setTags(m, DATA, [6]); m.cpu.setX(0, tagged(DATA, 3)); m.cpu.setX(1, BigInt(DATA)); });
    expect(r.x(0)).toBe(BigInt(DATA));
    const unmapped = runSnippet('ldg x0, [x1]', (m) => { disabled(m); m.cpu.setX(1, 0x50000000n); });
    expect(dataAbort(unmapped.exception)).toMatchObject({ type: 'translation', write: false });
  });
});

describe('LDGM, STGM, STZGM (MTE.md §4.3)', () => {

  test.each(['ldgm x0, [x1]', 'stgm x0, [x1]', 'stzgm x0, [x1]'])('"%s" is UNDEFINED at EL0', (insn) => {
    const r = runSnippet(insn, (m) => m.cpu.setX(1, BigInt(DATA)));
    expect(r.exception?.info.kind).toBe('undefined');
  });

  test('STGM at EL1 stores nibble addr<7:4> of Xt to each granule of the GMID block, aligned down', () => {
    const r = runSnippet('stgm x0, [x1]', (m) => {
      atEl1(m);
      m.cpu.setX(0, 0xfedc_ba98_7654_3210n); m.cpu.setX(1, BigInt(DATA + 0x100 + 0x47));
    });
    expect(r.exception).toBeNull();
    expect(tagsAt(r.m, DATA + 0x100, 16)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(tagsAt(r.m, DATA + 0x200, 1)).toEqual([0]);
  });

  test('LDGM at EL1 packs the block\'s tags by addr<7:4>; with a 64-byte block the others stay 0', () => {
    const tags = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3];
    const full = runSnippet('ldgm x0, [x1]', (m) => { atEl1(m); setTags(m, DATA, tags); m.cpu.setX(1, BigInt(DATA + 0x80)); });
    expect(full.x(0)).toBe(BigInt(`0x${[...tags].reverse().map((t) => t.toString(16)).join('')}`));
    const small = runSnippet('ldgm x0, [x1]', (m) => {
      atEl1(m); m.cpu.sys.GMID_EL1 = 4n; setTags(m, DATA, tags); m.cpu.setX(1, BigInt(DATA + 0x48));
    });
    expect(small.x(0)).toBe(0x6295_0000n); // granules 4..7 (tags 5 9 2 6) in nibbles 4..7
  });

  test('LDGM with tag access disabled reads 0 and STGM has no effect', () => {
    const disabledAtEl1 = (m: Machine) => {
      sys(m, (s) => { s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.ATA, 1, 0); });
      atEl1(m); setTags(m, DATA, [5, 5]); m.cpu.setX(0, -1n & 0xffff_ffff_ffff_ffffn); m.cpu.setX(1, BigInt(DATA));
    };
    expect(runSnippet('ldgm x0, [x1]', disabledAtEl1).x(0)).toBe(0n);
    expect(tagsAt(runSnippet('stgm x0, [x1]', disabledAtEl1).m, DATA, 2)).toEqual([5, 5]);
  });

  test('STZGM at EL1 tags the whole DCZID block with Xt<3:0> and zeroes it', () => {
    const r = runSnippet('stzgm x0, [x1]', (m) => {
      atEl1(m); m.phys.writeBytes(DATA, new Uint8Array(0x400).fill(0xaa));
      m.cpu.setX(0, 0x3n); m.cpu.setX(1, BigInt(DATA + 0x200 + 0x123));
    });
    expect(tagsAt(r.m, DATA + 0x1f0, 34)).toEqual([0, ...new Array(32).fill(3), 0]);
    const bytes = r.m.phys.readBytes(DATA, 0x400);
    expect(bytes.slice(0x200, 0x400).every((b) => b === 0)).toBe(true);
    expect(bytes.slice(0, 0x200).every((b) => b === 0xaa)).toBe(true);
  });
});

describe('DC ZVA, DC GVA, DC GZVA (MTE.md §4.3, §8)', () => {
  const fillData = (m: Machine) => m.phys.writeBytes(DATA, new Uint8Array(0x600).fill(0xaa));
  const block = (m: Machine, at: number) => m.phys.readBytes(DATA + at, 0x200);

  test('DC GVA tags the 512-byte block from the pointer tag and keeps the data', () => {
    const r = runSnippet('dc gva, x1', (m) => { fillData(m); m.cpu.setX(1, tagged(DATA + 0x200 + 0x1f8, 5)); });
    expect(r.exception).toBeNull();
    expect(tagsAt(r.m, DATA + 0x1f0, 34)).toEqual([0, ...new Array(32).fill(5), 0]);
    expect(block(r.m, 0x200).every((b) => b === 0xaa)).toBe(true);
  });

  test('DC GZVA tags the block and zeroes it', () => {
    const r = runSnippet('dc gzva, x1', (m) => { fillData(m); m.cpu.setX(1, tagged(DATA + 0x200, 5)); });
    expect(tagsAt(r.m, DATA + 0x200, 32)).toEqual(new Array(32).fill(5));
    expect(block(r.m, 0x200).every((b) => b === 0)).toBe(true);
    expect(block(r.m, 0x400).every((b) => b === 0xaa)).toBe(true);
  });

  test('DC GVA and GZVA are not tag checked', () => {
    const r = runSnippet('dc gzva, x1', (m) => {
      sys(m, (s) => { s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.TCF0, 2, 1); });
      setTags(m, DATA, new Array(32).fill(2)); m.cpu.setX(1, tagged(DATA, 7));
    });
    expect(r.exception).toBeNull();
    expect(tagsAt(r.m, DATA, 32)).toEqual(new Array(32).fill(7));
  });

  test('DC ZVA zeroes the block as a checked store: a mismatching tag faults synchronously and writes nothing', () => {
    const setup = (tag: number) => (m: Machine) => {
      sys(m, (s) => { s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.TCF0, 2, 1); });
      fillData(m); setTags(m, DATA + 0x200, [...new Array(16).fill(4), ...new Array(16).fill(8)]);
      m.cpu.setX(1, tagged(DATA + 0x210, tag));
    };
    const bad = runSnippet('dc zva, x1', setup(4));
    const f = dataAbort(bad.exception);
    expect(f.type).toBe('tagCheck');
    expect(f.va).toBe(tagged(DATA + 0x300, 4));
    expect(block(bad.m, 0x200).every((b) => b === 0xaa)).toBe(true);
    const untagged = runSnippet('dc zva, x1', (m) => { fillData(m); m.cpu.setX(1, BigInt(UNTAGGED + 0x10)); });
    expect(untagged.exception).toBeNull();
    expect(untagged.m.phys.readBytes(UNTAGGED, 0x200).every((b) => b === 0)).toBe(true);
    const matchAllOff = runSnippet('dc zva, x1', (m) => {
      setup(8)(m); setTags(m, DATA + 0x200, new Array(32).fill(8));
    });
    expect(matchAllOff.exception).toBeNull();
    expect(block(matchAllOff.m, 0x200).every((b) => b === 0)).toBe(true);
    expect(tagsAt(matchAllOff.m, DATA + 0x200, 1)).toEqual([8]);
  });

  test.each(['dc zva, x1', 'dc gva, x1', 'dc gzva, x1'])('"%s" at EL0 is UNDEFINED when SCTLR_EL1.DZE is 0', (insn) => {
    const r = runSnippet(insn, (m) => {
      sys(m, (s) => { s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.DZE, 1, 0); });
      m.cpu.setX(1, BigInt(DATA));
    });
    expect(r.exception?.info.kind).toBe('undefined');
  });
});

describe('stage-2 NoTagAccess (FEAT_MTE_PERM, KVM.md §8)', () => {
  /** Identity stage 2 over everything the snippet uses, with the first DATA page NoTagAccess. */
  function withStage2(m: Machine): void {
    const s2 = new TableBuilder(m.phys, frameAllocator(m.phys, 0xe0000000, 0xe1000000));
    const map = (ipa: number, memAttr: number) =>
      s2.setPage(ipa, stage2PageDescriptor(ipa, { memAttr, read: true, write: true, xn: false }));
    for (const t of m.stage1.tables) map(t, S2_MEMATTR_NORMAL_WB);
    map(CODE, S2_MEMATTR_NORMAL_WB);
    map(DATA, S2_MEMATTR_NOTAGACCESS);
    map(DATA + 0x1000, S2_MEMATTR_NORMAL_WB);
    m.bus.stage2 = { root: s2.root, mtePerm: true };
    m.bus.flushTlb();
  }

  test.each(['stg x0, [x1]', 'ldg x0, [x1]', 'stgp x0, x0, [x1]', 'dc gva, x1'])(
    '"%s" on NoTagAccess memory takes a stage-2 noTagAccess fault', (insn) => {
      const r = runSnippet(insn, (m) => { withStage2(m); m.cpu.setX(0, tagged(0, 3)); m.cpu.setX(1, BigInt(DATA + 0x20)); });
      const f = dataAbort(r.exception);
      expect([f.type, f.stage]).toEqual(['noTagAccess', 2]);
      expect(r.m.phys.readBytes(DATA + 0x20, 16).every((b) => b === 0)).toBe(true);
    });

  test('without allocation tag access nothing touches the tags, so NoTagAccess does not fault', () => {
    const r = runSnippet('stzg x0, [x1]', (m) => {
      withStage2(m);
      sys(m, (s) => { s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.ATA0, 1, 0); });
      m.phys.writeBytes(DATA, new Uint8Array(16).fill(0xaa));
      m.cpu.setX(1, BigInt(DATA));
    });
    expect(r.exception).toBeNull();
    expect(r.m.phys.readBytes(DATA, 16).every((b) => b === 0)).toBe(true);
  });

  test('a tag-checked load from NoTagAccess memory takes a stage-2 fault reporting the IPA', () => {
    const r = runSnippet('ldr x2, [x1]', (m) => {
      withStage2(m);
      sys(m, (s) => { s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.TCF0, 2, 1); });
      m.cpu.setX(1, tagged(DATA + 0x30, 0));
    });
    const f = dataAbort(r.exception);
    expect([f.type, f.stage, f.ipa]).toEqual(['noTagAccess', 2, DATA + 0x30]);
  });

  test('an unchecked load from NoTagAccess memory reads its data', () => {
    const r = runSnippet('msr tco, #1\nldr x2, [x1]', (m) => {
      withStage2(m);
      sys(m, (s) => { s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.TCF0, 2, 1); });
      m.phys.writeBytes(DATA + 0x30, new Uint8Array(8).fill(0x5a));
      m.cpu.setX(1, tagged(DATA + 0x30, 0));
    });
    expect(r.exception).toBeNull();
    expect(r.x(2)).toBe(0x5a5a5a5a5a5a5a5an);
  });

  test('tag instructions on a normal page under the same stage 2 work', () => {
    const r = runSnippet('stg x0, [x1]\nldg x2, [x1]', (m) => { withStage2(m); m.cpu.setX(0, tagged(0, 3)); m.cpu.setX(1, BigInt(DATA + 0x1000)); });
    expect(r.exception).toBeNull();
    expect(tagOf(r.x(2))).toBe(3);
  });
});

describe('extension levels (MTE.md §5, §6)', () => {
  test.each(['irg x0, x1', 'gmi x0, x1, x2', 'stg x0, [x1]', 'ldg x0, [x1]', 'dc gva, x1', 'subp x0, x1, x2'])(
    'without FEAT_MTE "%s" is UNDEFINED', (insn) => {
      const r = runSnippet(insn, (m) => { m.cpu.sys.mteLevel = 0; m.cpu.setX(1, BigInt(DATA)); });
      expect(r.exception?.info.kind).toBe('undefined');
    });

  test('DC ZVA does not need MTE', () => {
    const r = runSnippet('dc zva, x1', (m) => { m.cpu.sys.mteLevel = 0; m.cpu.setX(1, BigInt(DATA)); });
    expect(r.exception).toBeNull();
  });

  test('FEAT_MTE alone has no tag storage: IRG gives 0, STG drops the tag, DC GZVA still zeroes', () => {
    const r = runSnippet('irg x0, x1\nstg x2, [x1]\ndc gzva, x3', (m) => {
      m.cpu.sys.mteLevel = 1;
      sys(m, (s) => { s.GCR_EL1 = 0n; s.RGSR_EL1 = 0xace100n; });
      m.phys.writeBytes(DATA + 0x200, new Uint8Array(16).fill(0xaa));
      m.cpu.setX(1, BigInt(DATA)); m.cpu.setX(2, tagged(0, 4)); m.cpu.setX(3, tagged(DATA + 0x200, 4));
    });
    expect(r.exception).toBeNull();
    expect(r.x(0)).toBe(BigInt(DATA));
    expect(tagsAt(r.m, DATA, 1)).toEqual([0]);
    expect(tagsAt(r.m, DATA + 0x200, 1)).toEqual([0]);
    expect(r.m.phys.readBytes(DATA + 0x200, 16).every((b) => b === 0)).toBe(true);
  });

  test.each(['ldgm x0, [x1]', 'stgm x0, [x1]', 'stzgm x0, [x1]'])('FEAT_MTE alone: "%s" is UNDEFINED even at EL1', (insn) => {
    const r = runSnippet(insn, (m) => { atEl1(m); m.cpu.sys.mteLevel = 1; m.cpu.setX(1, BigInt(DATA)); });
    expect(r.exception?.info.kind).toBe('undefined');
  });
});
