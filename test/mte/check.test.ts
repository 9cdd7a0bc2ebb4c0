/**
 * The tag-check decision of MTE.md §2.1, one rule per test, in the order the steps are taken: first on
 * the decision functions themselves (preCheck, onMismatch, checkAccess, explainCheck), then on real
 * loads and stores run by the emulator. Step 2 (AArch64 state) has no test: Tagscope models AArch64 only.
 */
import { describe, expect, test } from 'vitest';
import type { GuestException, MemoryFault } from '../../src/core/cpu/exceptions.ts';
import { CpuState } from '../../src/core/cpu/state.ts';
import { HCR, SCR, SCTLR, TCR, withField, type SysRegs } from '../../src/core/cpu/sysregs.ts';
import type { Machine } from '../../src/core/machine.ts';
import {
  AccessKind, Check, checkAccess, explainCheck, mteContext, onMismatch, preCheck, type CheckResult,
} from '../../src/core/mte/check.ts';
import { DATA, runSnippet, UNTAGGED } from '../helpers/snippet.ts';

/** High half of a VA with logical tag `tag` and VA<55> = `bit55`. */
const vaHi = (tag: number, bit55 = 0): number => (tag << 24) | (bit55 << 23);

/** A PE in the Linux user reset state (MTE.md §7) with `change` applied to its system registers. */
function cpuWith(change: (s: SysRegs) => void = () => {}, el = 0): CpuState {
  const cpu = new CpuState();
  change(cpu.sys);
  cpu.el = el;
  return cpu;
}

const set = (reg: bigint, bitNo: number, value: number): bigint => withField(reg, bitNo, 1, value);
const tcf0 = (value: number) => (s: SysRegs) => { s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.TCF0, 2, value); };
const pre = (cpu: CpuState, hi: number, kind: AccessKind = AccessKind.Read, formChecked = true): CheckResult =>
  preCheck(mteContext(cpu), hi, formChecked, kind);

describe('MTE.md §2.1: when an access is Tag Checked, step by step', () => {
  test('1. an unchecked instruction form is never checked', () => {
    expect(pre(cpuWith(), vaHi(3), AccessKind.Read, false)).toBe(Check.UncheckedForm);
    expect(pre(cpuWith(), vaHi(3), AccessKind.Read, true)).toBe(Check.Compare);
  });

  test('3. TBI off for the half of the address makes the access unchecked', () => {
    const noTbi0 = cpuWith((s) => { s.TCR_EL1 = set(s.TCR_EL1, TCR.TBI0, 0); });
    expect(pre(noTbi0, vaHi(3))).toBe(Check.NoTbi);
    // VA<55> = 1 selects TBI1, which the Linux reset state leaves off.
    expect(pre(cpuWith(), vaHi(3, 1))).toBe(Check.NoTbi);
    expect(pre(cpuWith((s) => { s.TCR_EL1 = set(s.TCR_EL1, TCR.TBI1, 1); }), vaHi(3, 1))).toBe(Check.Compare);
  });

  test('5. allocation tag access disabled at EL0 by SCTLR_EL1.ATA0 = 0 makes the access unchecked', () => {
    expect(pre(cpuWith((s) => { s.SCTLR_EL1 = set(s.SCTLR_EL1, SCTLR.ATA0, 0); }), vaHi(3))).toBe(Check.TagAccessDisabled);
  });

  test('5. at EL1 SCTLR_EL1.ATA decides, not ATA0', () => {
    expect(pre(cpuWith((s) => { s.SCTLR_EL1 = set(s.SCTLR_EL1, SCTLR.ATA0, 0); }, 1), vaHi(3))).toBe(Check.Compare);
    expect(pre(cpuWith((s) => { s.SCTLR_EL1 = set(s.SCTLR_EL1, SCTLR.ATA, 0); }, 1), vaHi(3))).toBe(Check.TagAccessDisabled);
  });

  test('5. HCR_EL2.ATA = 0 with EL2 enabled disables tag access: KVM without KVM_CAP_ARM_MTE', () => {
    const kvmNoCap = (s: SysRegs) => { s.el2Enabled = true; s.HCR_EL2 = set(s.HCR_EL2, HCR.ATA, 0); };
    expect(pre(cpuWith(kvmNoCap), vaHi(3))).toBe(Check.TagAccessDisabled);
    expect(pre(cpuWith(kvmNoCap, 1), vaHi(3))).toBe(Check.TagAccessDisabled);
  });

  test('5. HCR_EL2.ATA is ignored when EL2 is absent, and in the EL2&0 host regime (E2H = TGE = 1)', () => {
    expect(pre(cpuWith((s) => { s.el2Enabled = false; s.HCR_EL2 = 0n; }), vaHi(3))).toBe(Check.Compare);
    const host = (s: SysRegs) => { s.el2Enabled = true; s.HCR_EL2 = (1n << BigInt(HCR.E2H)) | (1n << BigInt(HCR.TGE)); };
    expect(pre(cpuWith(host), vaHi(3))).toBe(Check.Compare);
  });

  test('5. SCR_EL3.ATA = 0 with EL3 present disables tag access below EL3', () => {
    expect(pre(cpuWith((s) => { s.el3Present = true; s.SCR_EL3 = set(s.SCR_EL3, SCR.ATA, 0); }), vaHi(3))).toBe(Check.TagAccessDisabled);
  });

  test('5. FEAT_MTE alone (no tag storage) never checks', () => {
    expect(pre(cpuWith((s) => { s.mteLevel = 1; }), vaHi(3))).toBe(Check.TagAccessDisabled);
  });

  test('6. PSTATE.TCO = 1 makes every access unchecked', () => {
    const cpu = cpuWith();
    cpu.setTco(1);
    expect(pre(cpu, vaHi(3), AccessKind.Write)).toBe(Check.Tco);
  });

  test('7. STORE_ONLY (SCTLR_EL1.TCSO0) skips pure reads but checks writes and read-modify-writes', () => {
    const cpu = cpuWith((s) => { s.SCTLR_EL1 = set(s.SCTLR_EL1, SCTLR.TCSO0, 1); });
    expect(pre(cpu, vaHi(3), AccessKind.Read)).toBe(Check.StoreOnly);
    expect(pre(cpu, vaHi(3), AccessKind.Write)).toBe(Check.Compare);
    expect(pre(cpu, vaHi(3), AccessKind.ReadModifyWrite)).toBe(Check.Compare);
  });

  test('8. memory that is not Normal Tagged passes without a comparison', () => {
    const o = checkAccess(cpuWith(tcf0(1)), 0x0300_0000_1000_0000n, 8, AccessKind.Read, true, () => null);
    expect(o.result).toBe(Check.UntaggedMemory);
  });

  test('8. every granule touched is compared; the part on an Untagged page is not (§2.6)', () => {
    const at = (tags: Record<string, number | null>) => (addr: bigint) => tags[(addr & 0xffn).toString(16)] ?? null;
    const cpu = cpuWith(tcf0(1));
    const va = 0x0300_0000_1000_000cn;
    const straddle = checkAccess(cpu, va, 8, AccessKind.Read, true, at({ 0: 3, 10: 0 }));
    expect(straddle).toMatchObject({ result: Check.FaultSync, allocationTag: 0, granuleAddress: 0x0300_0000_1000_0010n });
    const firstFails = checkAccess(cpu, va, 8, AccessKind.Read, true, at({ 0: 5, 10: 3 }));
    expect(firstFails.granuleAddress).toBe(va);
    expect(checkAccess(cpu, va, 8, AccessKind.Read, true, at({ 0: 3 })).result).toBe(Check.Pass);
  });

  test('9. on a mismatch TCF decides: none ignores, sync faults, async records, asymmetric splits reads and writes', () => {
    const results = [0, 1, 2, 3].map((tcf) => {
      const ctx = mteContext(cpuWith(tcf0(tcf)));
      return [AccessKind.Read, AccessKind.Write, AccessKind.ReadModifyWrite].map((k) => onMismatch(ctx, k));
    });
    expect(results).toEqual([
      [Check.MismatchIgnored, Check.MismatchIgnored, Check.MismatchIgnored],
      [Check.FaultSync, Check.FaultSync, Check.FaultSync],
      [Check.FaultAsync, Check.FaultAsync, Check.FaultAsync],
      // Pseudocode, not QEMU: a read-modify-write is synchronous in asymmetric mode (MTE.md §9.1).
      [Check.FaultSync, Check.FaultAsync, Check.FaultSync],
    ]);
  });

  test('9. asymmetric TCF is reserved before FEAT_MTE3 and behaves as none', () => {
    const ctx = mteContext(cpuWith((s) => { tcf0(3)(s); s.mteLevel = 2; }));
    expect(onMismatch(ctx, AccessKind.Read)).toBe(Check.MismatchIgnored);
  });

  test('9. EL0 accesses use TCF0 and EL1 accesses use TCF', () => {
    const cpu = cpuWith((s) => { tcf0(1)(s); s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.TCF, 2, 2); });
    expect(onMismatch(mteContext(cpu, 0), AccessKind.Read)).toBe(Check.FaultSync);
    expect(onMismatch(mteContext(cpu, 1), AccessKind.Read)).toBe(Check.FaultAsync);
  });
});

describe('MTE.md §2.4: TCMA, exactly', () => {
  const withTcma = (tcma0: number, tcma1: number) => cpuWith((s) => {
    s.TCR_EL1 = set(set(set(s.TCR_EL1, TCR.TBI1, 1), TCR.TCMA0, tcma0), TCR.TCMA1, tcma1);
  });

  test('TCMA0: logical tag 0 in the lower half matches all; tag 1 is checked', () => {
    expect(pre(withTcma(1, 0), vaHi(0))).toBe(Check.MatchAll);
    expect(pre(withTcma(1, 0), vaHi(1))).toBe(Check.Compare);
    expect(pre(withTcma(0, 0), vaHi(0))).toBe(Check.Compare);
  });

  test('TCMA1: logical tag 0xF with VA<55> = 1 matches all; tag 0 in the upper half does not', () => {
    expect(pre(withTcma(0, 1), vaHi(0xf, 1))).toBe(Check.MatchAll);
    expect(pre(withTcma(0, 1), vaHi(0, 1))).toBe(Check.Compare);
    expect(pre(withTcma(0, 1), vaHi(0xf, 0))).toBe(Check.Compare);
  });

  test('no other tag is special: match-all is exactly TCMA && ((tag + bit55) & 0xF) == 0', () => {
    const cpu = withTcma(1, 1);
    for (const bit55 of [0, 1]) {
      for (let tag = 0; tag < 16; tag++) {
        const expected = ((tag + bit55) & 0xf) === 0 ? Check.MatchAll : Check.Compare;
        expect([bit55, tag, pre(cpu, vaHi(tag, bit55))]).toEqual([bit55, tag, expected]);
      }
    }
  });

  test('match-all is decided before tag access: it holds even with ATA0 = 0', () => {
    const cpu = cpuWith((s) => { s.TCR_EL1 = set(s.TCR_EL1, TCR.TCMA0, 1); s.SCTLR_EL1 = set(s.SCTLR_EL1, SCTLR.ATA0, 0); });
    expect(pre(cpu, vaHi(0))).toBe(Check.MatchAll);
  });
});

describe('the explanation sentence names the rule that decided', () => {
  const outcome = (result: CheckResult, pointerTag = 3) => ({ result, pointerTag, allocationTag: 5, el: 0, tcf: 1 });
  test.each([
    ['an unchecked form', Check.UncheckedForm, /never tag checked.*§2\.5/],
    ['TBI off', Check.NoTbi, /TBI/],
    ['tag access disabled', Check.TagAccessDisabled, /ATA/],
    ['TCO', Check.Tco, /TCO/],
    ['store-only', Check.StoreOnly, /TCSO/],
    ['untagged memory', Check.UntaggedMemory, /Normal Tagged/],
    ['a pass', Check.Pass, /matches/],
    ['TCF none', Check.MismatchIgnored, /TCF is none/],
    ['a synchronous fault', Check.FaultSync, /pointer tag 0x3 ≠ allocation tag 0x5: synchronous/],
    ['an asynchronous fault', Check.FaultAsync, /TFSR/],
  ] as const)('%s', (_name, result, rule) => {
    expect(explainCheck(outcome(result))).toMatch(rule);
  });

  test('match-all names TCMA0 for tag 0 and TCMA1 for tag 0xF', () => {
    expect(explainCheck(outcome(Check.MatchAll, 0))).toMatch(/TCMA0/);
    expect(explainCheck(outcome(Check.MatchAll, 0xf))).toMatch(/TCMA1/);
  });
});

describe('the same decision on loads and stores run by the emulator', () => {
  /** A load or store through a tag-3 pointer to a tag-5 granule of DATA, TCF0 = sync unless `setup` changes it. */
  function mismatched(insn: string, setup: (m: Machine) => void = () => {}, base = DATA) {
    return runSnippet(insn, (m) => {
      tcf0(1)(m.cpu.sys);
      m.phys.frame(DATA / 4096).ensureTags().fill(5, 0, 4);
      m.phys.writeBytes(base, new Uint8Array(8).fill(0x11));
      m.cpu.setX(1, BigInt(base) | (3n << 56n));
      m.cpu.setX(2, 0x2222n);
      setup(m);
      m.cpu.mteGeneration++;
    });
  }
  const fault = (e: GuestException | null): MemoryFault => {
    if (e?.info.kind !== 'dataAbort') throw new Error(`expected a data abort, got ${e?.info.kind ?? 'none'}`);
    return e.info.fault;
  };

  test('a mismatched load with TCF sync takes a tag check fault that changes no register', () => {
    const r = mismatched('ldr x0, [x1]', (m) => m.cpu.setX(0, 0x99n));
    const f = fault(r.exception);
    expect(f).toMatchObject({ type: 'tagCheck', write: false, va: BigInt(DATA) | (3n << 56n) });
    expect(f.tagCheck).toMatchObject({ result: Check.FaultSync, pointerTag: 3, allocationTag: 5 });
    expect(explainCheck(f.tagCheck!)).toMatch(/pointer tag 0x3 ≠ allocation tag 0x5/);
    expect(r.x(0)).toBe(0x99n);
  });

  test('a mismatched store with TCF sync writes nothing', () => {
    const r = mismatched('str x2, [x1]');
    expect(fault(r.exception)).toMatchObject({ type: 'tagCheck', write: true });
    expect(r.m.phys.readBytes(DATA, 1)[0]).toBe(0x11);
  });

  test('1. an SP-based load without writeback is unchecked; with pre-index it is checked', () => {
    const sp = (m: Machine) => m.cpu.setX(31, BigInt(DATA) | (3n << 56n));
    expect(mismatched('ldr x0, [sp, #16]', sp).exception).toBeNull();
    expect(fault(mismatched('ldr x0, [sp, #16]!', sp).exception).type).toBe('tagCheck');
  });

  test('3. with TBI0 off the same load is unchecked', () => {
    const r = mismatched('ldr x0, [x1]', (m) => { m.cpu.sys.TCR_EL1 = set(m.cpu.sys.TCR_EL1, TCR.TBI0, 0); });
    expect(r.exception).toBeNull();
    expect(r.x(0)).toBe(0x1111_1111_1111_1111n);
  });

  test('4. with TCMA0 a tag-0 pointer matches all, a tag-1 pointer still faults', () => {
    const tcma0 = (tag: bigint) => (m: Machine) => {
      m.cpu.sys.TCR_EL1 = set(m.cpu.sys.TCR_EL1, TCR.TCMA0, 1);
      m.cpu.setX(1, BigInt(DATA) | (tag << 56n));
    };
    expect(mismatched('ldr x0, [x1]', tcma0(0n)).exception).toBeNull();
    expect(fault(mismatched('ldr x0, [x1]', tcma0(1n)).exception).type).toBe('tagCheck');
  });

  test('5. with SCTLR_EL1.ATA0 = 0 the load is unchecked', () => {
    expect(mismatched('ldr x0, [x1]', (m) => { m.cpu.sys.SCTLR_EL1 = set(m.cpu.sys.SCTLR_EL1, SCTLR.ATA0, 0); }).exception).toBeNull();
  });

  test('5. a KVM guest without KVM_CAP_ARM_MTE (HCR_EL2.ATA = 0) is never checked', () => {
    const r = mismatched('ldr x0, [x1]', (m) => { m.cpu.sys.el2Enabled = true; m.cpu.sys.HCR_EL2 = 0n; });
    expect(r.exception).toBeNull();
  });

  test('6. with PSTATE.TCO = 1 the load is unchecked', () => {
    expect(mismatched('ldr x0, [x1]', (m) => m.cpu.setTco(1)).exception).toBeNull();
  });

  test('7. with TCSO0 the load is unchecked and the store still faults', () => {
    const storeOnly = (m: Machine) => { m.cpu.sys.SCTLR_EL1 = set(m.cpu.sys.SCTLR_EL1, SCTLR.TCSO0, 1); };
    expect(mismatched('ldr x0, [x1]', storeOnly).exception).toBeNull();
    expect(fault(mismatched('str x2, [x1]', storeOnly).exception).type).toBe('tagCheck');
  });

  test('8. the same pointer tag on Untagged memory is not checked', () => {
    expect(mismatched('ldr x0, [x1]', () => {}, UNTAGGED).exception).toBeNull();
  });

  test('9. TCF none: the mismatch is invisible', () => {
    const r = mismatched('str x2, [x1]', (m) => tcf0(0)(m.cpu.sys));
    expect(r.exception).toBeNull();
    expect(r.m.cpu.sys.TFSRE0_EL1).toBe(0n);
    expect(r.m.phys.readBytes(DATA, 1)[0]).toBe(0x22);
  });

  test('9. TCF async: the access completes and TFSRE0_EL1.TF0 records the fault', () => {
    const load = mismatched('ldr x0, [x1]', (m) => tcf0(2)(m.cpu.sys));
    expect(load.exception).toBeNull();
    expect(load.x(0)).toBe(0x1111_1111_1111_1111n);
    expect(load.m.cpu.sys.TFSRE0_EL1).toBe(1n);
    expect(load.m.cpu.sys.TFSR_EL1).toBe(0n);
    const store = mismatched('str x2, [x1]', (m) => tcf0(2)(m.cpu.sys));
    expect(store.m.phys.readBytes(DATA, 1)[0]).toBe(0x22);
    expect(store.m.cpu.sys.TFSRE0_EL1).toBe(1n);
  });

  test('9. TCF asymmetric: the load faults synchronously, the store completes and sets TF0', () => {
    const asym = (m: Machine) => tcf0(3)(m.cpu.sys);
    expect(fault(mismatched('ldr x0, [x1]', asym).exception).type).toBe('tagCheck');
    const store = mismatched('str x2, [x1]', asym);
    expect(store.exception).toBeNull();
    expect(store.m.cpu.sys.TFSRE0_EL1).toBe(1n);
  });

  test('DC ZVA is a checked store over its whole block', () => {
    const r = mismatched('dc zva, x1');
    expect(fault(r.exception)).toMatchObject({ type: 'tagCheck', write: true });
    expect(mismatched('dc zva, x1', (m) => m.cpu.setTco(1)).exception).toBeNull();
  });
});
