import { describe, expect, test } from 'vitest';
import { field, SCTLR } from '../../src/core/cpu/sysregs.ts';
import { harness, SYS, DATA } from './kernel.ts';

const SET = 55;
const GET = 56;
const ENABLE = 1;
const SYNC = 2;
const ASYNC = 4;
const incl = (mask: number) => mask << 3;
const EINVAL = -22n;

const tcf0 = (h: ReturnType<typeof harness>) => field(h.p.cpu.sys.SCTLR_EL1, SCTLR.TCF0, 2);

describe('prctl(PR_SET/GET_TAGGED_ADDR_CTRL)', () => {
  test('a fresh process has tagging disabled: GET returns 0, TCF0 none, GCR excludes every tag', () => {
    const h = harness();
    expect(h.sys(SYS.prctl, GET, 0, 0, 0, 0)).toBe(0n);
    expect(tcf0(h)).toBe(0);
    expect(h.p.cpu.sys.GCR_EL1 & 0xffffn).toBe(0xffffn);
  });

  test.each([
    ['bit 19 (STORE_ONLY, not supported)', 1 << 19],
    ['bit 20', 1 << 20],
    ['bit 63', -(2 ** 63)],
  ])('unknown flag %s is EINVAL', (_n, flags) => {
    const h = harness();
    expect(h.sys(SYS.prctl, SET, BigInt.asUintN(64, BigInt(flags)), 0, 0, 0)).toBe(EINVAL);
  });

  test.each([2, 3, 4])('a non-zero argument %i after the flags is EINVAL', (pos) => {
    const h = harness();
    const args = [ENABLE | SYNC, 0, 0, 0];
    args[pos - 1] = 1;
    expect(h.sys(SYS.prctl, SET, ...args)).toBe(EINVAL);
    expect(tcf0(h)).toBe(0);
  });

  test('GET with any non-zero argument is EINVAL', () => {
    expect(harness().sys(SYS.prctl, GET, 1, 0, 0, 0)).toBe(EINVAL);
  });

  test.each([
    ['SYNC', SYNC, 1],
    ['ASYNC', ASYNC, 2],
    ['neither', 0, 0],
    ['SYNC|ASYNC resolves to the preferred mode (async by default)', SYNC | ASYNC, 2],
  ])('mode %s sets SCTLR_EL1.TCF0', (_n, mode, expected) => {
    const h = harness();
    expect(h.sys(SYS.prctl, SET, ENABLE | mode, 0, 0, 0)).toBe(0n);
    expect(tcf0(h)).toBe(expected);
  });

  test('SYNC|ASYNC with a sync-preferring CPU picks sync; without the preference asymmetric wins on MTE3', () => {
    const sync = harness({ tagCtrl: { preferred: 'sync' } });
    sync.sys(SYS.prctl, SET, SYNC | ASYNC, 0, 0, 0);
    expect(tcf0(sync)).toBe(1);
    const asymm = harness({ tagCtrl: { preferred: 'asymm' } });
    asymm.sys(SYS.prctl, SET, SYNC | ASYNC, 0, 0, 0);
    expect(tcf0(asymm)).toBe(3);
    const onlySyncRequested = harness({ tagCtrl: { preferred: 'asymm' } });
    onlySyncRequested.sys(SYS.prctl, SET, SYNC, 0, 0, 0);
    expect(tcf0(onlySyncRequested)).toBe(1);
  });

  test('GET returns the requested flags and include mask, not the resolved mode', () => {
    const h = harness();
    const flags = ENABLE | SYNC | ASYNC | incl(0x0f0f);
    h.sys(SYS.prctl, SET, flags, 0, 0, 0);
    expect(h.sys(SYS.prctl, GET, 0, 0, 0, 0)).toBe(BigInt(flags));
  });

  test('the include mask becomes GCR_EL1.Exclude = ~include, with RRND set', () => {
    const h = harness();
    h.sys(SYS.prctl, SET, ENABLE | SYNC | incl(0b1010_0000_0000_1110), 0, 0, 0);
    expect(h.p.cpu.sys.GCR_EL1).toBe(BigInt(~0b1010_0000_0000_1110 & 0xffff) | (1n << 16n));
  });

  test('changing the mode bumps the tag-check context generation', () => {
    const h = harness();
    const before = h.p.cpu.mteGeneration;
    h.sys(SYS.prctl, SET, SYNC, 0, 0, 0);
    expect(h.p.cpu.mteGeneration).toBeGreaterThan(before);
  });

  test('a tagged pointer is EFAULT in syscalls without PR_TAGGED_ADDR_ENABLE and accepted with it', () => {
    const h = harness();
    h.sys(SYS.prctl, SET, SYNC, 0, 0, 0);
    const tagged = DATA | (0x0an << 56n);
    expect(h.sys(SYS.write, 1, tagged, 4)).toBe(-14n);
    h.sys(SYS.prctl, SET, ENABLE, 0, 0, 0);
    expect(h.sys(SYS.write, 1, tagged, 4)).toBe(4n);
  });
});
