/**
 * The host-side actions of a scenario (everything but guest runs): what the VMM, KVM and the host kernel
 * do to the guest's memory (KVM.md §2–§7), and the register toggles. Each returns the action's own event;
 * the hypervisor's events arrive through the host's log as they happen.
 */
import { HCR, SCTLR, TCR, withField } from '../core/cpu/sysregs.ts';
import { FrameFlag, PAGE_SIZE } from '../core/mem/physmem.ts';
import { compareDesigns } from '../hyp/designs.ts';
import { errnoName } from '../hyp/errno.ts';
import { discard, fork, ksmScan, madviseMergeable, swapOut } from '../hyp/hostOps.ts';
import { KVM_ARM_TAGS_FROM_GUEST, KVM_ARM_TAGS_TO_GUEST, KVM_CAP_ARM_MTE, KVM_EXIT_ARM_NOTAG_ACCESS } from '../hyp/kvm.ts';
import { migrate } from '../hyp/migration.ts';
import type { Action, MachineConfig } from '../scenario/schema.ts';
import type { EventBody, Fact } from './events.ts';
import { createVm, type World, type VmParts } from './world.ts';

type HostAction = Exclude<Action, { do: 'run' } | { do: 'step' }>;

const TCF: Record<MachineConfig['tcf'], number> = { none: 0, sync: 1, async: 2, asymm: 3 };
const hex = (v: number): string => `0x${v.toString(16)}`;

/** State the actions keep between calls (part of the checkpointed session state). */
export interface ActionState {
  /** The VMM's tag buffer of the last COPY_TAGS (FROM_GUEST fills it, TO_GUEST writes it back). */
  tagBuffer: number;
  tagBufferBytes: number;
}

function event(title: string, rule: string, text: string, facts: Record<string, Fact> = {}): EventBody {
  return { kind: 'action', source: 'engine', title, why: { rule, text }, facts };
}

/** Initial register state from the machine config (what prctl and the kernel would have set up). */
export function applyMachineConfig(w: World, c: Pick<MachineConfig, 'tcf' | 'tcma0' | 'tcma1' | 'tco' | 'gcrExclude'>): void {
  const cpu = w.process?.cpu;
  if (cpu === undefined) return;
  const s = cpu.sys;
  s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.TCF0, 2, TCF[c.tcf]);
  s.TCR_EL1 = withField(withField(s.TCR_EL1, TCR.TCMA0, 1, Number(c.tcma0)), TCR.TCMA1, 1, Number(c.tcma1));
  s.GCR_EL1 = BigInt(c.gcrExclude & 0xffff) | (1n << 16n);
  cpu.setTco(Number(c.tco));
  cpu.mteGeneration++;
  w.process!.machine.bus.refreshMteContext();
}

export function performHostAction(w: World, a: HostAction, st: ActionState): EventBody {
  switch (a.do) {
    case 'toggle': return toggle(w, a.name, a.value);
    case 'compareDesigns': return compare();
    case 'setTcf': {
      const cpu = w.process?.cpu;
      if (cpu !== undefined) {
        cpu.sys.SCTLR_EL1 = withField(cpu.sys.SCTLR_EL1, SCTLR.TCF0, 2, TCF[a.value]);
        cpu.mteGeneration++;
      }
      return event(`SCTLR_EL1.TCF0 = ${a.value}`, 'MTE.md §3', `Tag-check faults at EL0 are now ${a.value === 'none' ? 'ignored' : a.value === 'sync' ? 'synchronous: the faulting access never completes' : a.value === 'async' ? 'asynchronous: recorded in TFSRE0_EL1 and reported at the next kernel entry' : 'synchronous for reads, asynchronous for writes'}.`);
    }
    default: break;
  }
  const parts = w.vm;
  if (parts === null) return event(`${a.do} needs a VM`, 'KVM.md §1', `"${a.do}" is something the VMM or the host kernel does to a guest: set machine.mode to "vm".`, { error: true });
  switch (a.do) {
    case 'vmmRead':
    case 'vmmWrite': return vmmAccess(w, parts, a);
    case 'copyTags': return copyTags(w, parts, a, st);
    case 'swapOut': case 'swapIn': case 'balloon': return pageAction(w, parts, a);
    case 'migrate': return migrateGuest(w, parts, a);
    case 'vmmRemapTagged': return remapTagged(w, parts, a);
    case 'ksmScan': {
      for (const s of parts.slots) madviseMergeable(parts.vmm.mm, s.hva, s.size);
      const r = ksmScan([parts.vmm.mm]);
      return event(`KSM: ${r.merged} merged, ${r.refusedTagged} refused`, 'KVM.md §6', 'The VMM marked guest RAM MADV_MERGEABLE and KSM scanned it once.', r);
    }
    case 'fork': {
      fork(parts.vmm.mm, `${parts.vmm.name}-child`);
      return event('the VMM forks', 'KVM.md §6', 'fork() shares every private page of guest RAM copy-on-write with the child: the next guest write to one gets a private copy, tags included.');
    }
    case 'createVcpu': {
      const v = parts.vm.createVcpu();
      return event(`KVM_CREATE_VCPU → vCPU ${v.id}`, 'KVM.md §2', 'The VMM created another vCPU (it does not run in this scenario).');
    }
    case 'enableCap': {
      const r = parts.vm.enableCap(KVM_CAP_ARM_MTE);
      return event(`KVM_ENABLE_CAP(KVM_CAP_ARM_MTE) = ${errnoName(r)}`, 'KVM.md §2', r === 0 ? 'MTE is now enabled for the VM.' : 'KVM refused: see the capability event for why.', { result: r });
    }
    case 'hostRecycle': {
      const pfns: number[] = [];
      for (let i = 0; i < a.pages; i++) {
        const f = parts.host.allocPage();
        f.ensureTags().fill(a.tag);
        f.flags |= FrameFlag.MteTagged;
        pfns.push(f.pfn);
      }
      for (const pfn of pfns.reverse()) parts.host.freePage(pfn);
      return event(`another process leaves ${a.pages} pages with tag ${hex(a.tag)}`, 'KVM.md §4', `Another host process coloured ${a.pages} pages with tag ${hex(a.tag)} and exited. Linux zeroes a page's data when it hands it out again, but not its tags: the next user of these pages would see stale tags unless someone clears them.`, { pages: a.pages, tag: a.tag });
    }
  }
}

function toggle(w: World, name: 'tcma0' | 'tcma1' | 'tco' | 'kvmCapMte', value: boolean): EventBody {
  const cpu = w.process?.cpu;
  const on = value ? 1 : 0;
  if (cpu !== undefined) {
    const s = cpu.sys;
    if (name === 'tcma0') s.TCR_EL1 = withField(s.TCR_EL1, TCR.TCMA0, 1, on);
    if (name === 'tcma1') s.TCR_EL1 = withField(s.TCR_EL1, TCR.TCMA1, 1, on);
    if (name === 'tco') cpu.setTco(on);
    if (name === 'kvmCapMte') {
      s.el2Enabled = true;
      s.HCR_EL2 = withField(s.HCR_EL2, HCR.ATA, 1, on);
    }
    cpu.mteGeneration++;
    w.process!.machine.bus.refreshMteContext();
  }
  const texts = {
    tcma0: ['TCR_EL1.TCMA0', 'MTE.md §2.1', `Pointers with tag 0x0 in the lower half ${value ? 'now match every allocation tag (unchecked)' : 'are checked like any other'}. Linux never lets user space set TCMA0: this is the hypothetical of KVM.md §10 (e).`],
    tcma1: ['TCR_EL1.TCMA1', 'MTE.md §2.1', `Pointers with tag 0xF in the upper half ${value ? 'now match every allocation tag' : 'are checked like any other'}; user-space pointers live in the lower half, so a Linux program never sees it.`],
    tco: ['PSTATE.TCO', 'MTE.md §2.3', `Tag Check Override is ${value ? 'set: no access is tag checked until it is cleared (exception entry sets it too)' : 'clear: accesses are tag checked again'}.`],
    kvmCapMte: ['HCR_EL2.ATA', 'KVM.md §2', `${value ? 'Allocation tag access is enabled for the guest' : 'Without KVM_CAP_ARM_MTE, HCR_EL2.ATA = 0: the guest\'s tag accesses are disabled (no checks, LDG reads 0, STG is ignored)'} (a hypothetical flip of a running VM; KVM fixes it before the first vCPU).`],
  } as const;
  const [reg, rule, text] = texts[name];
  return event(`${reg} = ${on}`, rule, text);
}

/** The IPA an action names, from `ipa` or by walking the guest's stage-1 tables for `va`. */
function resolveIpa(w: World, a: { ipa?: number; va?: number }): number | string {
  if (a.ipa !== undefined) return a.ipa;
  const va = a.va ?? 0;
  const frame = w.process?.space.frameOf(va);
  return frame === undefined ? `guest VA ${hex(va)} is not mapped by the guest (has the program touched it yet?)` : frame + (va % PAGE_SIZE);
}

/** The VMM's address of an IPA (through the memslot), or why there is none. */
function hvaOf(parts: VmParts, ipa: number): number | string {
  const s = parts.slots.find((x) => ipa >= x.ipa && ipa < x.ipa + x.size);
  return s === undefined ? `IPA ${hex(ipa)} is outside every memslot` : s.hva + (ipa - s.ipa);
}

function locate(w: World, parts: VmParts, a: { ipa?: number; va?: number }): { ipa: number; hva: number } | EventBody {
  const ipa = resolveIpa(w, a);
  const hva = typeof ipa === 'number' ? hvaOf(parts, ipa) : ipa;
  if (typeof hva === 'string') return event('no such guest memory', 'KVM.md §3', hva, { error: true });
  return { ipa: ipa as number, hva };
}

function vmmAccess(w: World, parts: VmParts, a: Extract<Action, { do: 'vmmRead' | 'vmmWrite' }>): EventBody {
  const at = locate(w, parts, a);
  if ('kind' in at) return at;
  const vmm = parts.vmm;
  const length = a.do === 'vmmRead' ? a.length : a.bytes.length / 2;
  if (a.protMte) {
    vmm.setTagCheckFault(1);
    vmm.mprotectMte(at.hva - (at.hva % PAGE_SIZE), Math.ceil((at.hva % PAGE_SIZE + length) / PAGE_SIZE) * PAGE_SIZE, true);
  }
  const mapping = a.protMte ? 'its PROT_MTE mapping with an untagged (tag 0) pointer' : 'its plain mapping';
  const r = a.do === 'vmmRead' ? vmm.read(at.hva, a.length) : vmm.write(at.hva, hexBytes(a.bytes));
  const facts = { ipa: hex(at.ipa), hva: hex(at.hva), length, protMte: a.protMte };
  if (!r.ok) return event(`VMM ${a.do === 'vmmRead' ? 'read' : 'write'} faults: ${r.code}`, 'KVM.md §5', r.why, { ...facts, signal: r.signal, code: r.code });
  const data = a.do === 'vmmRead' ? Array.from((r.value as Uint8Array).subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join(' ') : '';
  return event(a.do === 'vmmRead' ? `VMM reads ${length} bytes at IPA ${hex(at.ipa)}` : `VMM writes ${length} bytes at IPA ${hex(at.ipa)}`, 'KVM.md §5',
    a.protMte ? `The VMM went through ${mapping}: every granule it touched had tag 0, so no check failed.`
      : `The VMM went through ${mapping}: it sees the data${a.do === 'vmmRead' ? ` (${data}${length > 32 ? ' …' : ''})` : ''} but no tags, and nothing is checked.`, { ...facts, data });
}

function hexBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function copyTags(w: World, parts: VmParts, a: Extract<Action, { do: 'copyTags' }>, st: ActionState): EventBody {
  const ipa = resolveIpa(w, a);
  if (typeof ipa === 'string') return event('no such guest memory', 'KVM.md §5', ipa, { error: true });
  const need = Math.max(PAGE_SIZE, Math.ceil(a.length / 16 / PAGE_SIZE) * PAGE_SIZE);
  if (st.tagBufferBytes < need) {
    st.tagBuffer = parts.vmm.mmap({ length: need, kind: 'anonymous' });
    st.tagBufferBytes = need;
  }
  const flags = a.direction === 'fromGuest' ? KVM_ARM_TAGS_FROM_GUEST : KVM_ARM_TAGS_TO_GUEST;
  const r = parts.vmm.copyTags(parts.vm, { guestIpa: ipa, length: a.length, addr: st.tagBuffer, flags, reserved: [a.reserved, 0] });
  let tags = '';
  if (r > 0) {
    const got = parts.vmm.read(st.tagBuffer, Math.min(32, r / 16));
    if (got.ok) tags = Array.from(got.value, (t) => t.toString(16)).join('');
  }
  return event(`COPY_TAGS ${a.direction === 'fromGuest' ? 'FROM_GUEST' : 'TO_GUEST'} = ${errnoName(r)}`, 'KVM.md §5',
    r >= 0 ? `${r} bytes of guest memory covered${tags ? `; tags ${tags}${r / 16 > 32 ? '…' : ''}` : ''}.` : `KVM refused with ${errnoName(r)}: see the copyTags event for why.`,
    { ipa: hex(ipa), length: a.length, result: r, tags });
}

function pageAction(w: World, parts: VmParts, a: Extract<Action, { do: 'swapOut' | 'swapIn' | 'balloon' }>): EventBody {
  const at = locate(w, parts, a);
  if ('kind' in at) return at;
  const page = at.hva - (at.hva % PAGE_SIZE);
  const facts = { ipa: hex(at.ipa) };
  if (a.do === 'swapOut') {
    const ok = swapOut(parts.vmm.mm, page);
    return event(ok ? `IPA ${hex(at.ipa)} swapped out` : `IPA ${hex(at.ipa)} not swapped`, 'KVM.md §6', ok ? 'The host kernel reclaimed the page behind this IPA.' : 'The page is not present (or is shared), so there is nothing to swap out.', facts);
  }
  if (a.do === 'balloon') {
    const n = discard(parts.vmm.mm, page, PAGE_SIZE);
    return event(`balloon: IPA ${hex(at.ipa)} discarded`, 'KVM.md §6', n > 0 ? 'The guest gave the page back (MADV_DONTNEED on the host): its data and tags are gone.' : 'The page was not present.', facts);
  }
  const r = parts.vm.guestToHost(at.ipa - (at.ipa % PAGE_SIZE), false);
  return event(`IPA ${hex(at.ipa)} faulted back in`, 'KVM.md §6', typeof r === 'number' ? 'The guest touched the page again: the host brought it back from swap and KVM mapped it at stage 2.' : `KVM could not map it: ${r.name}.`, facts);
}

/** FEAT_MTE_PERM proposal (KVM.md §8): the VMM gives a guest page tag storage; the vCPU can then resume. */
function remapTagged(w: World, parts: VmParts, a: Extract<Action, { do: 'vmmRemapTagged' }>): EventBody {
  const pending = parts.pendingExit;
  const ipa = a.ipa !== undefined || a.va !== undefined ? resolveIpa(w, a)
    : pending?.reason === KVM_EXIT_ARM_NOTAG_ACCESS ? pending.gpa
      : 'no KVM_EXIT_ARM_NOTAG_ACCESS is waiting for the VMM: run the guest until a tag access exits, or name the page with ipa or va';
  if (typeof ipa === 'string') return event('nothing to remap', 'KVM.md §8', ipa, { error: true });
  const page = ipa - (ipa % PAGE_SIZE);
  const r = parts.vmm.remapTagCapable(parts.vm, page);
  const facts = { ipa: hex(page), result: r };
  if (r < 0) return event(`VMM cannot remap IPA ${hex(page)}: ${errnoName(r)}`, 'KVM.md §8', 'No memslot covers this IPA, or its page could not be copied.', { ...facts, error: true });
  return event(`VMM remaps IPA ${hex(page)} onto tag-capable memory`, 'KVM.md §8',
    'FEAT_MTE_PERM proposal, not merged: KVM leaves it to the VMM to "remap the pages so that access tag storage is allowed". '
    + 'The VMM copied the page\'s data into anonymous memory mapped at the same address (MAP_FIXED); the MMU notifier made KVM unmap the IPA at stage 2. '
    + 'When the vCPU runs again the access that exited is retried: it faults at stage 2 and KVM maps the new page Normal tagged, its tags cleared. '
    + '(The posted kvmtool change only reports the exit and stops the guest; which sequence a VMM should follow was still open in review.)', facts);
}

/** Live migration to a second VM on the same host (a local migration): the vCPU moves to the destination. */
function migrateGuest(w: World, parts: VmParts, a: Extract<Action, { do: 'migrate' }>): EventBody {
  const src = parts;
  const dst = createVm({ kernel: src.host.profile.version, kvmCapMte: src.vm.mteEnabled, memslots: src.slots.map((s) => ({ ipa: s.ipa, size: s.size, backing: s.backing === 'hugetlbfs' ? 'hugetlb' : s.backing })) }, src.host.log.listener ?? undefined, src.host, 'vmm-destination', false);
  let pages = 0;
  let tagBytes = 0;
  let error = 0;
  for (const s of src.slots) {
    if (s.backing === 'device') continue;
    const r = migrate({ vmm: src.vmm, vm: src.vm, slot: s.slot }, { vmm: dst.vmm, vm: dst.vm, slot: s.slot }, {
      copyTags: a.copyTags, rounds: a.rounds,
      betweenRounds: () => { if (a.runBetweenRounds > 0) w.process?.step(a.runBetweenRounds); },
    });
    pages += r.pagesCopied;
    tagBytes += r.tagBytes;
    error ||= r.copyTagsError;
  }
  const vcpu = src.vcpu;
  src.vm.vcpus.splice(src.vm.vcpus.indexOf(vcpu), 1);
  dst.vm.vcpus.push(vcpu);
  vcpu.bus.stage2 = { root: dst.vm.stage2.root, mtePerm: dst.host.profile.noTagAccess };
  vcpu.bus.flushTlb();
  parts.gp.vm = dst.vm;
  parts.vm = dst.vm;
  parts.vmm = dst.vmm;
  parts.slots = dst.slots;
  return event(`migrated: ${pages} pages, ${tagBytes} tag bytes`, 'KVM.md §7', a.copyTags
    ? 'The guest now runs on the destination VM; its tags came across with COPY_TAGS, so its coloured pointers still match.'
    : 'The guest now runs on the destination VM without its tags: each page is sanitised (tags 0) at its first stage-2 fault there, so its coloured pointers will fault.',
  { pages, tagBytes, copyTagsError: error });
}

/** KVM.md §10, scenario S16: every design on the same guest (each on hosts of its own). */
function compare(): EventBody {
  const rows = compareDesigns();
  const facts: Record<string, Fact> = {};
  for (const r of rows) {
    facts[r.design.id] = `${r.migrationPreservesTags ? 'tags preserved' : `tags lost (${r.destinationFaults} faults)`}; VMM sees ${r.vmmSees}; VMM faults ${r.vmmFaults}; mappings ${r.cost.mappings}, syscalls ${r.cost.syscalls}, tag bytes ${r.cost.tagBytesReturned}, LDG/STG ${r.cost.tagInstructions}`;
  }
  const kept = rows.filter((r) => r.migrationPreservesTags).map((r) => r.design.id).join(', ');
  return event('how should the VMM reach the tags?', 'KVM.md §10', `The same guest coloured a buffer and was migrated under each design; its tags survived under ${kept || 'none'}. The facts give what each design's VMM sees and what it costs.`, facts);
}
