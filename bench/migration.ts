/**
 * Live-migration benchmark: a 1 GiB MTE guest whose every page holds data and tags is migrated with
 * dirty logging and COPY_TAGS while 10% of its pages (data and a tag) are dirtied before each pre-copy
 * round. Reports the model's wall time for the migration itself, without the guest's run time between rounds.
 */
import { PAGE_SIZE } from '../src/core/mem/physmem.ts';
import { Host } from '../src/hyp/host.ts';
import { launchGuest, RAM_IPA } from '../src/hyp/launch.ts';
import { migrate } from '../src/hyp/migration.ts';
import { KVM_CAP_ARM_MTE } from '../src/hyp/kvm.ts';
import { Vmm } from '../src/hyp/vmm.ts';

const GUEST_BYTES = Number(process.env.BENCH_GUEST_BYTES ?? 1024 * 1024 * 1024);
const DIRTY_FRACTION = 0.1;

/** The guest writes data and a tag into page `i` (through its kernel's view of guest RAM, which dirties it). */
function touch(g: ReturnType<typeof launchGuest>, i: number, value: number): void {
  const pa = g.gp.toPhys(RAM_IPA + i * PAGE_SIZE, true);
  const f = g.host.frame(pa / PAGE_SIZE);
  f.view.setUint32(0, value, true);
  f.ensureTags()[0] = value & 0xf;
}

export async function benchMigration(): Promise<{ name: string; seconds: number; guestBytes: number; dirtyFraction: number; hostBytesUsed: number }> {
  const src = launchGuest({ ramBytes: GUEST_BYTES, host: new Host('6.13') });
  src.host.log.keep = false;
  const pages = GUEST_BYTES / PAGE_SIZE;
  for (let i = 0; i < pages; i++) touch(src, i, i);

  const dstHost = new Host('6.13');
  dstHost.log.keep = false;
  const dstVmm = new Vmm(dstHost, 'vmm-destination');
  const dstVm = dstVmm.createVm();
  dstVm.enableCap(KVM_CAP_ARM_MTE);
  const dstHva = dstVmm.mmap({ length: GUEST_BYTES, kind: 'anonymous' });
  dstVm.setUserMemoryRegion({ slot: 0, flags: 0, guestPhysAddr: RAM_IPA, memorySize: GUEST_BYTES, userspaceAddr: dstHva });
  dstVmm.mm.populateWrite(dstHva, GUEST_BYTES);

  const perRound = Math.floor(pages * DIRTY_FRACTION);
  let next = 0;
  let guestSeconds = 0;
  const start = performance.now();
  migrate({ vmm: src.vmm, vm: src.vm, slot: 0 }, { vmm: dstVmm, vm: dstVm, slot: 0 }, {
    copyTags: true,
    rounds: 3,
    betweenRounds: (round) => {
      const t = performance.now();
      for (let k = 0; k < perRound; k++) touch(src, (next = (next + 7919) % pages), round + k);
      guestSeconds += (performance.now() - t) / 1000;
    },
  });
  // The guest's own run time between rounds is not migration work.
  const seconds = (performance.now() - start) / 1000 - guestSeconds;
  return {
    name: 'live migration, 1 GiB MTE guest, 3 pre-copy rounds',
    seconds,
    guestBytes: GUEST_BYTES,
    dirtyFraction: DIRTY_FRACTION,
    hostBytesUsed: src.host.bytesUsed + dstHost.bytesUsed,
  };
}
