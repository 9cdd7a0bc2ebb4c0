/**
 * Each preset of KVM.md §9–§10, run headless: its teaching point, read from the event log and the
 * snapshots the UI gets (not from the hypervisor's internals).
 */
import { describe, expect, test } from 'vitest';
import { Session, type EngineEvent } from '../../src/engine/session.ts';
import { Cell, PageFlags } from '../../src/engine/snapshot.ts';
import { BUF } from '../../src/scenario/presets/asm.ts';
import { DEVICE_VA, preset, presets } from '../../src/scenario/presets/index.ts';
import type { Scenario } from '../../src/scenario/schema.ts';

function run(id: string, change: (s: Scenario) => void = () => {}): Session {
  const scenario = preset(id)!;
  change(scenario);
  const r = Session.fromScenario(scenario);
  if (!r.ok) throw new Error(r.error);
  r.session.runScript();
  return r.session;
}

const of = (s: Session, kind: string): EngineEvent[] => s.events.filter((e) => e.kind === kind);
const action = (s: Session, title: RegExp): EngineEvent => s.events.find((e) => e.kind === 'action' && title.test(e.title))!;

/** The tag cells of the guest page holding `va` (through the guest's stage-1 entry in the snapshot). */
function guestTags(s: Session, va: number): { cells: number[]; flags: number } {
  const snap = s.snapshot();
  const i = Array.from(snap.stage1.addresses).indexOf(va);
  const ipa = snap.stage1.outputs[i];
  const p = Array.from(snap.guest.pages).indexOf(ipa);
  return { cells: Array.from(snap.guest.tags.subarray(p * 256, p * 256 + 256)), flags: snap.guest.flags[p] };
}

test('the preset index lists S1–S16 with titles and summaries, each a valid scenario', () => {
  expect(presets.map((p) => p.id)).toEqual(Array.from({ length: 16 }, (_, i) => `S${i + 1}`));
  for (const p of presets) {
    expect(p.title.length).toBeGreaterThan(0);
    expect(preset(p.id)!.steps.length).toBeGreaterThan(0);
  }
});

describe('KVM.md §9 scenarios', () => {
  test('S1: after first touch the guest page has tags 0 though the host page held tag 0xA', () => {
    const s = run('S1');
    const stale = of(s, 'sanitise').filter((e) => e.facts.hadStaleTags === true);
    expect(stale.length).toBeGreaterThan(0);
    expect(stale[0].facts.granules).toBe(256);
    const page = guestTags(s, BUF);
    expect(page.flags & PageFlags.MteTagged).toBe(PageFlags.MteTagged);
    expect(page.cells.every((c) => c === 0)).toBe(true);
    expect(s.status).toBe('exited');
  });

  test('S2: the VMM reads the guest\'s data through its plain mapping, with no fault', () => {
    const s = run('S2');
    expect(action(s, /^VMM reads/).facts.data).toMatch(/^88 77 66 55 44 33 22 11/);
    expect(of(s, 'vmmFault')).toHaveLength(0);
    expect(guestTags(s, BUF).cells.slice(0, 5)).toEqual([5, 5, 5, 5, 0]);
  });

  test('S3: the VMM\'s tag-0 pointer on a PROT_MTE mapping faults on a granule the guest coloured', () => {
    const s = run('S3');
    expect(of(s, 'vmmFault')[0].facts).toMatchObject({ code: 'SEGV_MTESERR' });
  });

  test('S4: a tag-0 load faults; with TCMA0 the same load passes', () => {
    const s = run('S4');
    const faults = of(s, 'fault');
    expect(faults).toHaveLength(1);
    expect(faults[0].index).toBeLessThan(action(s, /TCMA0 = 1/).index);
    expect(s.status).toBe('exited');
  });

  test('S5: with TCO set the mismatching load is unchecked; after clearing it the load faults', () => {
    const s = run('S5');
    const faults = of(s, 'fault');
    expect(faults).toHaveLength(1);
    expect(faults[0].why.text).toMatch(/pointer tag 0x0 ≠ allocation tag 0x5/);
    expect(s.status).toBe('killed');
  });

  test('S6: COPY_TAGS saves and restores 256 tags; unaligned or reserved → -EINVAL, no memslot → -EFAULT', () => {
    const s = run('S6');
    expect(of(s, 'copyTags').map((e) => e.facts.result)).toEqual([4096, 4096, -22, -22, -14]);
    expect(action(s, /FROM_GUEST = 4096/).facts.tags).toBe('7'.repeat(32));
  });

  test('S7: with COPY_TAGS the migrated guest\'s coloured load passes; without, the destination faults', () => {
    const withTags = run('S7');
    expect(of(withTags, 'migration').some((e) => e.facts.round === 1 && e.facts.pagesSent === 1)).toBe(true);
    expect(of(withTags, 'fault')).toHaveLength(0);
    expect(withTags.status).toBe('exited');
    const without = run('S7', (sc) => {
      const m = sc.actions[1];
      if (m.do === 'migrate') m.copyTags = false;
    });
    const fault = of(without, 'fault');
    expect(fault).toHaveLength(1);
    expect(fault[0].why.text).toMatch(/pointer tag 0x5 ≠ allocation tag 0x0/);
  });

  test('S8: a swapped-out page comes back with its 128 bytes of tags and the coloured load passes', () => {
    const s = run('S8');
    expect(of(s, 'swapOut')[0].facts.tagBytesSaved).toBe(128);
    expect(of(s, 'swapIn')[0].facts.tagsRestored).toBe(true);
    expect(s.status).toBe('exited');
    expect(guestTags(s, BUF).cells.slice(0, 4)).toEqual([5, 5, 5, 5]);
  });

  test('S9: a device region mapped PROT_MTE by the guest has no tags (STG ignored, LDG 0, no fault) while guest RAM faults; 6.13 refuses the memslot', () => {
    const sc = preset('S9')!;
    const r = Session.fromScenario(sc);
    if (!r.ok) throw new Error(r.error);
    const s = r.session;
    const x = (n: number): bigint => s.machine.process!.cpu.getX(n);
    expect(of(s, 'memslot')[1].facts.result).toBe(0);
    expect(s.performNextAction().reason).toBe('event'); // the device probe, up to its getpid marker
    expect(of(s, 'deviceMap')[0].facts).toMatchObject({ path: '/dev/uio0', va: '0x30000000', ipa: '0x10000000', tagged: true });
    expect(of(s, 'stage2Map').some((e) => e.facts.memAttr === 'Device-nGnRE')).toBe(true);
    expect(x(10)).toBe(BigInt(DEVICE_VA)); // LDG: tag 0, the STG of tag 5 was ignored
    expect(x(12)).toBe(0x1122334455667788n); // the tag-3 store and load went unchecked
    expect(of(s, 'fault')).toEqual([]);
    s.performNextAction(); // the same probe on a PROT_MTE page of guest RAM
    expect(x(10)).toBe(BigInt(BUF) | (5n << 56n));
    expect(x(12)).toBe(0n);
    expect(of(s, 'signal')[0].facts.code).toBe(9); // SEGV_MTESERR
    s.runScript();
    expect(s.status).toBe('exited');
    expect(action(s, /COPY_TAGS/).facts.result).toBe(-14);
    const merged = run('S9', (c) => { c.machine.kernel = '6.13'; });
    expect(of(merged, 'memslot')[1].facts.result).toBe(-22);
    expect(of(merged, 'deviceMap')).toEqual([]); // no device node: the program skips the probe
  });

  test('S10: a memfd memslot is refused on 5.14 and accepted on 6.2', () => {
    expect(of(run('S10'), 'memslot')[1].facts.result).toBe(-22);
    expect(of(run('S10', (sc) => { sc.machine.kernel = '6.2'; }), 'memslot')[1].facts.result).toBe(0);
  });

  test('S11: data works on NoTagAccess RAM without exits; the first tag access exits, the VMM remaps the page, the guest resumes and keeps its data', () => {
    const r = Session.fromScenario(preset('S11')!);
    if (!r.ok) throw new Error(r.error);
    const s = r.session;
    const x = (n: number): bigint => s.machine.process!.cpu.getX(n);
    s.performNextAction();
    expect(of(s, 'stage2Map').every((e) => e.facts.memAttr === 'NoTagAccess')).toBe(true);
    expect(x(2)).toBe(0x1122334455667788n);
    expect(of(s, 'exit').filter((e) => e.source === 'kvm')).toEqual([]);
    const exited = s.performNextAction();
    expect(exited.reason).toBe('vmExit');
    expect(exited.event!.title).toContain('KVM_EXIT_ARM_NOTAG_ACCESS');
    expect(of(s, 'stage2Fault').at(-1)!.facts.type).toBe('noTagAccess');
    const stgPc = s.machine.process!.cpu.pc;
    s.performNextAction(); // vmmRemapTagged
    expect(action(s, /VMM remaps/).facts.result).toBe(0);
    const page = `0x${Number(exited.event!.facts.gpa).toString(16)}`;
    expect(of(s, 'stage2Unmap').at(-1)!.facts.ipa).toBe(page); // the MMU notifier told KVM
    expect(s.machine.process!.cpu.pc).toBe(stgPc); // the vCPU waits at the STG
    s.performNextAction();
    expect(s.status).toBe('exited');
    expect(of(s, 'exit').filter((e) => e.source === 'kvm' && e.title.includes('NOTAG'))).toHaveLength(1);
    expect(of(s, 'sanitise').at(-1)!.facts.cleared).toBe(1);
    expect(x(3)).toBe(BigInt(BUF) | (5n << 56n)); // LDG sees the tag set by the retried STG
    expect(x(4)).toBe(0x1122334455667788n); // data stored before the remap survived it
    expect(guestTags(s, BUF).cells.slice(0, 3)).toEqual([5, 5, 0]);
  });

  test('S12: KSM refuses PG_mte_tagged pages and merges them when the VM has no MTE', () => {
    const tagged = of(run('S12'), 'ksm')[0].facts;
    expect(tagged.merged).toBe(0);
    expect(tagged.refusedTagged).toBeGreaterThan(0);
    expect(of(run('S12', (sc) => { sc.machine.kvmCapMte = false; }), 'ksm')[0].facts.merged).toBeGreaterThan(0);
  });

  test('S13: KVM_CAP_ARM_MTE after vCPU creation gives -EINVAL', () => {
    const s = run('S13');
    expect(of(s, 'capability')[0].facts.result).toBe(-22);
  });

  test('S14: TFSRE0_EL1.TF0 is saved at the VM exit, restored at entry, and reported afterwards', () => {
    const s = run('S14');
    const exit = of(s, 'exit').find((e) => e.source === 'kvm')!;
    expect(exit.facts.savedTfsre0).toBe('1');
    expect(of(s, 'entry').at(-1)!.facts.tfsre0).toBe('1');
    const async = of(s, 'asyncTagFault')[0];
    expect(async.index).toBeGreaterThan(exit.index);
    expect(s.status).toBe('killed');
  });

  test('S15: copy-on-write copies the tags; a ballooned page comes back with tags cleared', () => {
    const s = run('S15');
    expect(of(s, 'cow').some((e) => e.facts.tagsCopied === true)).toBe(true);
    const faults = of(s, 'fault');
    expect(faults).toHaveLength(1);
    expect(faults[0].index).toBeGreaterThan(of(s, 'discard')[0].index);
    expect(faults[0].why.text).toMatch(/allocation tag 0x0/);
  });
});

describe('KVM.md §10', () => {
  test('S16: the merged COPY_TAGS keeps the tags across migration, the v2 proposal does not', () => {
    const f = action(run('S16'), /how should the VMM/).facts;
    expect(String(f.c)).toMatch(/^tags preserved/);
    expect(String(f.v2)).toMatch(/^tags lost/);
  });
});

test('a snapshot marks a page the guest never touched as absent and a sanitised one as tagged', () => {
  const s = run('S1');
  const snap = s.snapshot();
  expect(Array.from(snap.guest.flags).every((f) => (f & PageFlags.Present) !== 0)).toBe(true);
  expect(snap.host!.tags.includes(Cell.NeverInitialised)).toBe(true);
});
