/**
 * The ABI alternatives of the v2 discussion (KVM.md §10), run on the same guest so their consequences can
 * be compared (scenario S16): the guest colours a buffer and is migrated; each design moves the tags its
 * own way. For each: what the VMM sees, what faults, whether migration preserves the tags, and the cost.
 */
import { GRANULES_PER_PAGE, GRANULE_SIZE, PAGE_SIZE } from '../core/mem/physmem.ts';
import { withTag } from './guestAccess.ts';
import { DATA_OFFSET, DATA_VA, launchGuest, type Guest } from './launch.ts';
import { KVM_ARM_TAGS_FROM_GUEST, KVM_ARM_TAGS_TO_GUEST } from './kvm.ts';
import { migrate } from './migration.ts';
import type { KernelVersion } from './profile.ts';
import type { Vmm, VmmCosts } from './vmm.ts';

export type DesignId = 'v2' | 'a' | 'b' | 'c' | 'd' | 'e';

export interface Design {
  id: DesignId;
  title: string;
  /** The kernel profile the design runs under. */
  version: KernelVersion;
}

export const designs: Design[] = [
  { id: 'v2', title: 'v2 as posted: KVM promotes all pages to tagged; the VMM has only its plain mapping', version: 'v2-2020' },
  { id: 'a', title: '(a) two mappings: PROT_MTE for tags, plain for data (needs shared memory)', version: '6.13' },
  { id: 'b', title: '(b) one PROT_MTE mapping, tag checks off (TCO) around VMM accesses', version: '6.13' },
  { id: 'c', title: '(c) KVM_ARM_MTE_COPY_TAGS, plain mapping (merged in 5.14)', version: '6.13' },
  { id: 'd', title: '(d) a dirty-log call that also returns each dirty page\'s tags', version: '6.13' },
  { id: 'e', title: '(e) user space may set TCMA0: tag-0 pointers match all (never merged)', version: '6.13' },
];

export interface DesignOutcome {
  design: Design;
  /** What the VMM can see of the guest's tags. */
  vmmSees: string;
  /** SIGSEGVs the VMM took while copying the guest's data with its ordinary (tag 0) pointers. */
  vmmFaults: number;
  /** The destination guest's coloured loads all pass. */
  migrationPreservesTags: boolean;
  /** Tag-check faults the destination guest takes on its coloured buffer. */
  destinationFaults: number;
  /** mappings: how many mappings of guest RAM the VMM needs; the rest summed over both VMMs. */
  cost: VmmCosts & { tagBytesReturned: number };
}

/** Pages the guest colours. */
const COLOURED_PAGES = 2;
const tagOf = (granule: number): number => 1 + (granule % 15);

function colourGuest(g: Guest): void {
  for (let gr = 0; gr < COLOURED_PAGES * GRANULES_PER_PAGE; gr++) {
    const p = withTag(DATA_VA + gr * GRANULE_SIZE, tagOf(gr));
    g.ops.stg(p);
    g.ops.store64(p, BigInt(gr));
  }
}

function destinationFaults(g: Guest): number {
  let faults = 0;
  for (let gr = 0; gr < COLOURED_PAGES * GRANULES_PER_PAGE; gr++) {
    const r = g.ops.load64(withTag(DATA_VA + gr * GRANULE_SIZE, tagOf(gr)));
    if (!r.ok || r.value !== BigInt(gr)) faults++;
  }
  return faults;
}

/** Copies the coloured pages' data through `from`/`to` mappings at the given addresses; counts SIGSEGVs. */
function copyData(src: Vmm, srcAddr: number, dst: Vmm, dstAddr: number): number {
  let faults = 0;
  const page = new Uint8Array(PAGE_SIZE);
  for (let p = 0; p < COLOURED_PAGES; p++) {
    if (src.readInto(srcAddr + p * PAGE_SIZE, page, 0, PAGE_SIZE) < 0) faults++;
    if (dst.writeFrom(dstAddr + p * PAGE_SIZE, page, 0, PAGE_SIZE) < 0) faults++;
  }
  return faults;
}

/** Moves tags granule by granule with LDG on the source's tagged mapping and STG on the destination's. */
function copyTagsByInstruction(src: Vmm, srcAddr: number, dst: Vmm, dstAddr: number): boolean {
  let seen = false;
  for (let gr = 0; gr < COLOURED_PAGES * GRANULES_PER_PAGE; gr++) {
    const t = src.ldg(srcAddr + gr * GRANULE_SIZE);
    if (t.ok && t.value !== 0) seen = true;
    if (t.ok) dst.stg(dstAddr + gr * GRANULE_SIZE, t.value);
  }
  return seen;
}

export function runDesign(design: Design): DesignOutcome {
  const shared = design.id === 'a';
  const src = launchGuest({ version: design.version, ramBytes: 32 * 1024 * 1024, backing: shared ? 'memfd' : 'anonymous' });
  const dst = launchGuest({ version: design.version, ramBytes: 32 * 1024 * 1024, backing: shared ? 'memfd' : 'anonymous' });
  colourGuest(src);
  const base = { ...src.vmm.costs };
  const srcData = src.hva + DATA_OFFSET;
  const dstData = dst.hva + DATA_OFFSET;
  let vmmFaults = 0;
  let vmmSees = 'nothing: a plain mapping is Untagged';
  let tagBytesReturned = 0;
  switch (design.id) {
    case 'v2':
    case 'c': {
      const r = migrate({ vmm: src.vmm, vm: src.vm, slot: 0 }, { vmm: dst.vmm, vm: dst.vm, slot: 0 }, { copyTags: design.id === 'c', rounds: 0 });
      tagBytesReturned = r.tagBytes;
      vmmSees = design.id === 'c' ? 'tags only through COPY_TAGS, one byte per granule; its mapping stays plain' : 'nothing: KVM has no tag call, and its mapping is plain';
      break;
    }
    case 'a':
    case 'b':
    case 'e': {
      // (a) adds a second, PROT_MTE mapping of the same memfd; (b) and (e) make the one mapping PROT_MTE.
      const taggedView = (vmm: Vmm, g: Guest): number => {
        vmm.setTagCheckFault(1);
        if (design.id === 'a') return vmm.mmap({ length: g.ramBytes, kind: 'memfd', mte: true, object: vmm.mm.find(g.hva)!.object }) + DATA_OFFSET;
        vmm.mprotectMte(g.hva, g.ramBytes, true);
        return g.hva + DATA_OFFSET;
      };
      const srcTagged = taggedView(src.vmm, src);
      const dstTagged = taggedView(dst.vmm, dst);
      if (design.id !== 'a') {
        vmmFaults += src.vmm.read(srcData, 16).ok ? 0 : 1; // an ordinary tag-0 read, before the design's override
        for (const vmm of [src.vmm, dst.vmm]) {
          if (design.id === 'b') vmm.setTco(true);
          else vmm.setTcma0(true);
        }
      }
      vmmFaults += copyData(src.vmm, srcData, dst.vmm, dstData);
      const seen = copyTagsByInstruction(src.vmm, srcTagged, dst.vmm, dstTagged);
      tagBytesReturned = COLOURED_PAGES * GRANULES_PER_PAGE;
      vmmSees = seen ? `the tags, through a PROT_MTE mapping, one LDG per granule (${GRANULES_PER_PAGE} per page)` : 'no tags';
      break;
    }
    case 'd': {
      // Hypothetical KVM_GET_DIRTY_LOG variant: the bitmap plus 4 bits per granule of the whole slot.
      vmmFaults += copyData(src.vmm, srcData, dst.vmm, dstData);
      src.vmm.costs.syscalls++;
      tagBytesReturned = src.ramBytes / 32;
      const buf = src.vmm.mmap({ length: COLOURED_PAGES * GRANULES_PER_PAGE, kind: 'anonymous' });
      const from = src.vmm.copyTags(src.vm, { guestIpa: src.dataIpa, length: COLOURED_PAGES * PAGE_SIZE, addr: buf, flags: KVM_ARM_TAGS_FROM_GUEST });
      const tags = src.vmm.read(buf, from / 16);
      const dbuf = dst.vmm.mmap({ length: COLOURED_PAGES * GRANULES_PER_PAGE, kind: 'anonymous' });
      if (tags.ok) dst.vmm.write(dbuf, tags.value);
      dst.vmm.copyTags(dst.vm, { guestIpa: dst.dataIpa, length: from, addr: dbuf, flags: KVM_ARM_TAGS_TO_GUEST });
      src.vmm.costs.syscalls--; // the tags came back with the dirty log, not from a separate call
      vmmSees = 'the tags of every dirty page, packed 4 bits per granule, returned with the dirty bitmap';
      break;
    }
  }
  const faults = destinationFaults(dst);
  const c = src.vmm.costs;
  const ram = src.vmm.mm.find(src.hva)!.object;
  return {
    design, vmmSees, vmmFaults, destinationFaults: faults, migrationPreservesTags: faults === 0,
    cost: {
      mappings: src.vmm.mm.vmas.filter((v) => v.object === ram).length,
      syscalls: c.syscalls - base.syscalls + dst.vmm.costs.syscalls,
      tagBytes: c.tagBytes - base.tagBytes + dst.vmm.costs.tagBytes,
      tagInstructions: c.tagInstructions - base.tagInstructions + dst.vmm.costs.tagInstructions,
      tagBytesReturned,
    },
  };
}

/** Scenario S16: every design on the same guest. */
export function compareDesigns(): DesignOutcome[] {
  return designs.map(runDesign);
}
