import { describe, expect, test } from 'vitest';
import { GRANULE_SIZE } from '../../src/core/mem/physmem.ts';
import { withTag } from '../../src/hyp/guestAccess.ts';
import { DATA_VA, launchGuest } from '../../src/hyp/launch.ts';
import { migrate } from '../../src/hyp/migration.ts';

const RAM = 32 * 1024 * 1024;

function colouredSource() {
  const src = launchGuest({ ramBytes: RAM });
  for (let i = 0; i < 8; i++) {
    const p = withTag(DATA_VA + i * GRANULE_SIZE, 1 + i);
    src.ops.stg(p);
    src.ops.store64(p, BigInt(100 + i));
  }
  return src;
}

function loadsPass(g: ReturnType<typeof launchGuest>, tagOf: (i: number) => number): boolean[] {
  return Array.from({ length: 8 }, (_, i) => g.ops.load64(withTag(DATA_VA + i * GRANULE_SIZE, tagOf(i))).ok);
}

describe('S7 live migration', () => {
  test('with COPY_TAGS the destination guest keeps its colours and takes no tag-check fault', () => {
    const src = colouredSource();
    const dst = launchGuest({ ramBytes: RAM });
    const r = migrate({ vmm: src.vmm, vm: src.vm, slot: 0 }, { vmm: dst.vmm, vm: dst.vm, slot: 0 }, { copyTags: true, rounds: 1 });
    expect(r.copyTagsError).toBe(0);
    expect(loadsPass(dst, (i) => 1 + i)).toEqual(Array(8).fill(true));
    expect(dst.ops.load64(withTag(DATA_VA + 3 * GRANULE_SIZE, 4))).toEqual({ ok: true, value: 103n });
  });

  test('without tag copy the destination clears the tags at first touch and the guest faults', () => {
    const src = colouredSource();
    const dst = launchGuest({ ramBytes: RAM });
    migrate({ vmm: src.vmm, vm: src.vm, slot: 0 }, { vmm: dst.vmm, vm: dst.vm, slot: 0 }, { copyTags: false, rounds: 1 });
    const r = dst.ops.load64(withTag(DATA_VA, 1));
    expect(r.ok).toBe(false);
    expect(!r.ok && 'exception' in r && r.exception.info.kind === 'dataAbort' && r.exception.info.fault.type).toBe('tagCheck');
    expect(loadsPass(dst, () => 0)).toEqual(Array(8).fill(true));
  });

  test('a STG mid-migration re-dirties the page and the new tag reaches the destination', () => {
    const src = colouredSource();
    const dst = launchGuest({ ramBytes: RAM });
    const r = migrate({ vmm: src.vmm, vm: src.vm, slot: 0 }, { vmm: dst.vmm, vm: dst.vm, slot: 0 }, {
      copyTags: true,
      rounds: 2,
      betweenRounds: (round) => { if (round === 0) expect(src.ops.stg(withTag(DATA_VA, 0xe)).ok).toBe(true); },
    });
    expect(r.perRound[1]).toBe(1);
    expect(src.host.log.ofKind('dirtyLog').some((e) => e.marked === true && e.ipa === src.dataIpa)).toBe(true);
    expect(dst.ops.load64(withTag(DATA_VA, 0xe))).toEqual({ ok: true, value: 100n });
    expect(dst.ops.load64(withTag(DATA_VA, 1)).ok).toBe(false);
  });
});
