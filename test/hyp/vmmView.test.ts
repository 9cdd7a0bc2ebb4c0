import { describe, expect, test } from 'vitest';
import { TCR, withField } from '../../src/core/cpu/sysregs.ts';
import { withTag } from '../../src/hyp/guestAccess.ts';
import { DATA_OFFSET, DATA_VA, launchGuest } from '../../src/hyp/launch.ts';

function colouredGuest() {
  const g = launchGuest();
  const p = withTag(DATA_VA, 6);
  expect(g.ops.colour(p, 64).ok).toBe(true);
  expect(g.ops.store64(p, 0x1122334455667788n).ok).toBe(true);
  return g;
}

describe('S2 guest tags, VMM reads', () => {
  test('a plain VMM mapping sees the data, no tags, and takes no fault', () => {
    const g = colouredGuest();
    g.vmm.setTagCheckFault(1);
    const r = g.vmm.read(g.hva + DATA_OFFSET, 8);
    expect(r).toEqual({ ok: true, value: new Uint8Array([0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]) });
    expect(g.vmm.ldg(g.hva + DATA_OFFSET)).toEqual({ ok: true, value: 0 });
    expect(g.host.log.ofKind('vmmFault')).toHaveLength(0);
  });
});

describe('S3 VMM maps PROT_MTE', () => {
  function taggedVmm() {
    const g = colouredGuest();
    const hva = g.vmm.mmap({ length: g.ramBytes, kind: 'memfd', mte: true, object: g.vmm.mm.find(g.hva)!.object });
    g.vmm.setTagCheckFault(1);
    return { g, at: hva + DATA_OFFSET };
  }

  test('with PROT_MTE the VMM sees the guest\'s tags, and its tag-0 pointer faults synchronously', () => {
    const { g, at } = taggedVmm();
    expect(g.vmm.ldg(at)).toEqual({ ok: true, value: 6 });
    const r = g.vmm.read(at, 8);
    expect(r).toMatchObject({ ok: false, signal: 'SIGSEGV', code: 'SEGV_MTESERR', addr: at });
  });

  test('TCO or TCF none lets the PROT_MTE VMM read without faulting', () => {
    const { g, at } = taggedVmm();
    g.vmm.setTco(true);
    expect(g.vmm.read(at, 8).ok).toBe(true);
    g.vmm.setTco(false);
    g.vmm.setTagCheckFault(0);
    expect(g.vmm.read(at, 8).ok).toBe(true);
  });

  test('a pointer carrying the guest\'s colour passes the check', () => {
    const { g, at } = taggedVmm();
    expect(g.vmm.read(at, 8, 6).ok).toBe(true);
  });
});

describe('S4 TCMA0/TCMA1 and S5 TCO in the guest', () => {
  test('TCMA0 makes tag-0 pointers match all; without it they fault on a coloured granule', () => {
    const g = colouredGuest();
    expect(g.ops.load64(withTag(DATA_VA, 0))).toMatchObject({ ok: false });
    g.vcpu.cpu.sys.TCR_EL1 = withField(g.vcpu.cpu.sys.TCR_EL1, TCR.TCMA0, 1, 1);
    g.vcpu.cpu.mteGeneration++;
    expect(g.ops.load64(withTag(DATA_VA, 0))).toEqual({ ok: true, value: 0x1122334455667788n });
    expect(g.ops.load64(withTag(DATA_VA, 3))).toMatchObject({ ok: false });
  });

  test('PSTATE.TCO = 1 suppresses the guest\'s tag checks', () => {
    const g = colouredGuest();
    g.vcpu.cpu.setTco(1);
    expect(g.ops.load64(withTag(DATA_VA, 3)).ok).toBe(true);
  });
});
