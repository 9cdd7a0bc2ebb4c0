/**
 * The teaching presets S1–S16 of KVM.md §9–§10: each a scenario (a small guest program, the machine, the
 * scripted actions of the VMM and host) with short teaching steps. Every one runs its guest under the KVM
 * model; test/engine/scenarios.test.ts checks that each shows what it teaches.
 */
import { RAM_IPA } from '../../hyp/launch.ts';
import { ScenarioSchema, type Scenario, type ScenarioInput } from '../schema.ts';
import { BUF, colour, mapBuffer, mapDeviceNode, marker, mov64, program, PROT_MTE, PROT_READ_WRITE, resumeOnSegv, segvHandler, syscall, tagged } from './asm.ts';

export interface PresetInfo {
  id: string;
  title: string;
  summary: string;
}

type Step = { title: string; text: string; afterAction: number; view?: 'heatmap' | 'pointer' | 'tables' | 'cpu' | 'events' };

const DEVICE_IPA = 0x1000_0000;
/** Where S9's program maps the device region (its UIO node). */
export const DEVICE_VA = 0x3000_0000;
const SHARED_IPA = 0x8000_0000;
/** Guest RAM of presets that copy it whole (migration): small, so the bulk round stays short. */
const SMALL_RAM = [{ ipa: RAM_IPA, size: 8 << 20, backing: 'anonymous' as const }];
const buffer = (granule = 0) => ({ kind: 'granule' as const, space: 'va' as const, address: BUF + granule * 16 });

/** The guest of several presets: colour the buffer's first 4 granules with tag 5 and store 0x1122334455667788 there. */
const colouredBuffer = [mapBuffer(1), colour(5, 4), mov64('x1', 0x1122334455667788n), 'str x1, [x9]'];
/** Loads through the tag-5 pointer (faults if the granule's tag is no longer 5). */
const loadTag5 = [tagged(5), 'ldr x2, [x9]'];

/**
 * S9's probe of the memory at `base`: STG of tag 5, LDG into x10, then a store of 0x1122334455667788 and a
 * load into x12 through a tag-3 pointer (x11). A tag-check fault skips to `done` (the SIGSEGV handler resumes at x20).
 */
const tagProbe = (base: number, done: string): string[] => [
  'mov x12, #0', mov64('x9', BigInt(base) | (5n << 56n)), 'stg x9, [x9]',
  mov64('x10', base), 'ldg x10, [x10]',
  mov64('x11', BigInt(base) | (3n << 56n)), mov64('x13', 0x1122334455667788n), `adr x20, ${done}`,
  'str x13, [x11]', 'ldr x12, [x11]', `${done}:`,
];

function vm(title: string, description: string, source: string, machine: ScenarioInput['machine'], actions: ScenarioInput['actions'], steps: Step[]): ScenarioInput {
  return {
    version: 1, title, description, program: { kind: 'asm', source },
    machine: { mode: 'vm', ...machine }, actions,
    steps: steps.map((s) => ({ view: 'heatmap', highlight: buffer(), ...s })),
  };
}

const defs: Record<string, ScenarioInput> = {
  S1: vm('S1 First touch', 'A host page that held another process\'s tags becomes guest memory: KVM clears its 256 tags at the first stage-2 fault.',
    program(mapBuffer(1), tagged(0), 'ldr x1, [x9]'), {},
    [{ do: 'hostRecycle', pages: 16, tag: 10 }, { do: 'run' }],
    [
      { title: 'Stale tags on the host', text: 'Another host process coloured 16 pages with tag 0xA and exited. Their data is zeroed when they are reused, their tags are not.', afterAction: 1, view: 'events' },
      { title: 'Sanitised at the stage-2 fault', text: 'The guest touched its buffer: the stage-2 fault gave it one of those pages, and KVM cleared all 256 tags before mapping it (PG_mte_tagged set). The tag-0 load passes.', afterAction: 2 },
    ]),
  S2: vm('S2 Guest tags, VMM reads', 'The guest colours a buffer; the VMM reads the same bytes through its plain mapping: data, no tags, no fault.',
    program(...colouredBuffer), {},
    [{ do: 'run' }, { do: 'vmmRead', va: BUF, length: 64 }],
    [
      { title: 'The guest colours its buffer', text: 'IRG/STG-style tagging: the first four granules now hold tag 5, and the guest stores data through a tag-5 pointer.', afterAction: 1 },
      { title: 'The VMM reads through its plain mapping', text: 'QEMU-style mapping without PROT_MTE: the VMM sees the data, no tags, and nothing is checked.', afterAction: 2, view: 'events' },
    ]),
  S3: vm('S3 The VMM maps PROT_MTE', 'With a PROT_MTE mapping the VMM\'s untagged pointers fault on granules the guest coloured — why QEMU does not do it.',
    program(...colouredBuffer), {},
    [{ do: 'run' }, { do: 'vmmRead', va: BUF, length: 16, protMte: true }],
    [
      { title: 'The guest colours its buffer', text: 'Granules 0–3 hold tag 5.', afterAction: 1 },
      { title: 'Tag 0 against tag 5', text: 'The VMM mapped guest RAM PROT_MTE with tag checks on: its tag-0 pointer meets tag 5 and takes a synchronous tag-check fault (SIGSEGV, SEGV_MTESERR).', afterAction: 2, view: 'events' },
    ]),
  S4: vm('S4 TCMA0: match-all tag 0', 'TCR_EL1.TCMA0 makes tag-0 pointers unchecked in the lower half (TCMA1: tag 0xF in the upper half). Linux never sets TCMA0 for user space: this is a hypothetical.',
    program(resumeOnSegv(), ...colouredBuffer, tagged(0), 'adr x20, first_done', 'ldr x1, [x9]', 'first_done:', marker, 'adr x20, second_done', 'ldr x1, [x9]', 'second_done:') + `\n${segvHandler}`,
    {}, [{ do: 'run', until: 'event', event: 'signal' }, { do: 'toggle', name: 'tcma0', value: true }, { do: 'run' }],
    [
      { title: 'Tag 0 faults', text: 'A tag-0 pointer to a tag-5 granule: a synchronous tag-check fault, caught by the program\'s SIGSEGV handler.', afterAction: 1, view: 'events' },
      { title: 'TCMA0 = 1', text: 'With TCMA0 set, an access through a tag-0 pointer in the lower half is not checked at all.', afterAction: 2, view: 'cpu' },
      { title: 'The same load passes', text: 'The second tag-0 load completes. TCMA1 does the same for tag 0xF in the upper (kernel) half, which a user program never uses.', afterAction: 3, view: 'events' },
    ]),
  S5: vm('S5 PSTATE.TCO', 'Tag Check Override suppresses tag checks; exception entry sets it and Linux clears it for signal handlers.',
    program(...colouredBuffer, tagged(0), 'msr tco, #1', 'ldr x1, [x9]', 'msr tco, #0', 'ldr x1, [x9]'), {},
    [{ do: 'run', until: 'fault' }],
    [{ title: 'Unchecked, then checked', text: 'With TCO = 1 the tag-0 load of a tag-5 granule is not checked; after MSR TCO, #0 the same load faults.', afterAction: 1, view: 'events' }]),
  S6: vm('S6 KVM_ARM_MTE_COPY_TAGS', 'The VMM saves a page\'s tags and restores them, and meets the ioctl\'s error table.',
    program(mapBuffer(1), colour(7, 256)), {},
    [
      { do: 'run' },
      { do: 'copyTags', direction: 'fromGuest', va: BUF, length: 4096 },
      { do: 'copyTags', direction: 'toGuest', va: BUF, length: 4096 },
      { do: 'copyTags', direction: 'fromGuest', va: BUF + 16, length: 4096 },
      { do: 'copyTags', direction: 'fromGuest', va: BUF, length: 4096, reserved: 1 },
      { do: 'copyTags', direction: 'fromGuest', ipa: 0x1000, length: 4096 },
    ],
    [
      { title: 'Save', text: 'FROM_GUEST copies the page\'s 256 tags, one per byte, into the VMM\'s buffer.', afterAction: 2, view: 'events' },
      { title: 'Restore', text: 'TO_GUEST writes them back and sets PG_mte_tagged.', afterAction: 3, view: 'events' },
      { title: 'The error table', text: 'An unaligned guest_ipa and a non-zero reserved field give -EINVAL; an IPA outside every memslot gives -EFAULT.', afterAction: 6, view: 'events' },
    ]),
  S7: vm('S7 Live migration', 'Dirty logging plus COPY_TAGS move the guest with its tags; a STG mid-migration re-dirties the page. Set copyTags to false to see the destination fault.',
    program(...colouredBuffer, marker, colour(5, 8), marker, ...loadTag5), { memslots: SMALL_RAM },
    [{ do: 'run', until: 'event', event: 'getpid' }, { do: 'migrate', copyTags: true, rounds: 1, runBetweenRounds: 20 }, { do: 'run' }],
    [
      { title: 'The guest is coloured', text: 'Granules 0–3 hold tag 5.', afterAction: 1 },
      { title: 'Migration', text: 'Bulk round, then the guest runs and colours more granules: the write-protected page faults, is marked dirty, and goes again in the next round, tags included.', afterAction: 2, view: 'events' },
      { title: 'On the destination', text: 'The tag-5 load passes: the tags came across. Without COPY_TAGS the destination pages are sanitised at first touch and the same load faults.', afterAction: 3, view: 'events' },
    ]),
  S8: vm('S8 Swap', 'A tagged page is swapped out and back: its 256 tags survive in 128 bytes of the mteswap store.',
    program(...colouredBuffer, marker, ...loadTag5), {},
    [{ do: 'run', until: 'event', event: 'getpid' }, { do: 'swapOut', va: BUF }, { do: 'run' }],
    [
      { title: 'Swapped out', text: 'The host reclaims the page: its data goes to swap and its tags to the mteswap store, two per byte. KVM unmaps the IPA.', afterAction: 2 },
      { title: 'Swapped in', text: 'The guest\'s next access faults at stage 2; the page comes back with its tags restored (PG_mte_tagged), and the tag-5 load passes.', afterAction: 3, view: 'events' },
    ]),
  S9: vm('S9 Device memory', 'A device region (VFIO/PCI BAR) given to an MTE guest is mapped Device at stage 2, so it has no tags: STG is ignored, LDG reads 0 and nothing faults, while the same program on guest RAM faults. Merged kernels refuse the region as a memslot; the posted fix (profile "proposal") accepts it.',
    program(resumeOnSegv(), mapDeviceNode('uio_path', DEVICE_VA, 4096, 'no_device'), ...tagProbe(DEVICE_VA, 'device_done'), 'no_device:', marker,
      mapBuffer(1), ...tagProbe(BUF, 'ram_done'), marker) + `\n${segvHandler}\nuio_path:\n.asciz "/dev/uio0"`,
    { kernel: 'proposal', memslots: [{ ipa: RAM_IPA, size: 64 << 20, backing: 'anonymous' }, { ipa: DEVICE_IPA, size: 0x10000, backing: 'device' }] },
    [{ do: 'run', until: 'event', event: 'getpid' }, { do: 'run', until: 'event', event: 'getpid' }, { do: 'run' }, { do: 'copyTags', direction: 'fromGuest', ipa: DEVICE_IPA, length: 4096 }],
    [
      { title: 'A device memslot', text: 'The VMM gives the guest a device region as memslot 1. Merged kernels (5.14–6.13) refuse it on an MTE VM with -EINVAL: they check that the backing can hold tags before noticing it is device memory (switch the kernel to 6.13: the guest then has no /dev/uio0). The posted fix, profile "proposal", accepts it.', afterAction: 0, view: 'events' },
      { title: 'Device memory has no tags', text: 'The program opened /dev/uio0 and mapped the region PROT_MTE: Normal Tagged at stage 1, as a driver that maps a BAR as memory would. Stage 2 maps it Device, and the combination is untagged: the STG of tag 5 was ignored, LDG left tag 0 in x10, and the store and load through a tag-3 pointer (x11) passed unchecked (x12 holds the data).', afterAction: 1, view: 'cpu' },
      { title: 'The same program on guest RAM', text: 'On a PROT_MTE buffer in ordinary guest RAM the same instructions follow MTE: STG sets tag 5, LDG returns it in x10, and the store through the tag-3 pointer takes a synchronous tag-check fault (SEGV_MTESERR).', afterAction: 2, view: 'events' },
      { title: 'No tags to copy', text: 'Device memory has no tag storage: COPY_TAGS on it fails with -EFAULT.', afterAction: 4, view: 'events' },
    ]),
  S10: vm('S10 Shared memory by kernel version', 'A memfd (shared) memslot is refused on 5.14 and allowed from 6.2, when PG_mte_lock made first-touch tag initialisation safe. Switch the kernel to 6.2.',
    program(), { kernel: '5.14', memslots: [{ ipa: RAM_IPA, size: 64 << 20, backing: 'anonymous' }, { ipa: SHARED_IPA, size: 1 << 20, backing: 'memfd' }] },
    [{ do: 'run' }],
    [{ title: 'KVM_SET_USER_MEMORY_REGION', text: 'On Linux 5.14 the memfd slot gives -EINVAL; on 6.2 and later it is accepted.', afterAction: 0, view: 'events' }]),
  S11: vm('S11 NoTagAccess (FEAT_MTE_PERM proposal)', 'Guest RAM backed by a file (no tag storage) is mapped NoTagAccess at stage 2: data works without exits; the first tag access exits to the VMM, which remaps the page onto tag-capable memory and resumes the guest.',
    program(mapBuffer(1, false), mov64('x9', BUF), mov64('x1', 0x1122334455667788n), 'str x1, [x9]', 'ldr x2, [x9]', marker,
      syscall('mprotect', BUF, 4096, PROT_READ_WRITE | PROT_MTE), tagged(5), 'stg x9, [x9]', 'stg x9, [x9, #16]', mov64('x3', BUF), 'ldg x3, [x9]', 'ldr x4, [x9]', marker),
    { kernel: 'proposal', memslots: [{ ipa: RAM_IPA, size: 8 << 20, backing: 'file' }] },
    [{ do: 'run', until: 'event', event: 'getpid' }, { do: 'run' }, { do: 'vmmRemapTagged' }, { do: 'run' }],
    [
      { title: 'Data works', text: 'All of this guest\'s RAM is a file mapping, which has no tag storage. The FEAT_MTE_PERM proposal lets KVM accept it and map it NoTagAccess at stage 2: the program\'s stores and loads, and the guest kernel\'s, need no tags and run without a single exit.', afterAction: 1, view: 'events' },
      { title: 'A tag access exits', text: 'After mprotect(PROT_MTE) the STG is a tag access: stage 2 faults with TagAccess set, and KVM exits to the VMM with KVM_EXIT_ARM_NOTAG_ACCESS (40) and the page\'s IPA. The vCPU waits at the STG.', afterAction: 2, view: 'events' },
      { title: 'The VMM remaps the page', text: 'As the proposal leaves it to the VMM: it copies the page\'s data into anonymous (tag-capable) memory mapped at the same address. The MMU notifier makes KVM unmap the IPA at stage 2.', afterAction: 3, view: 'events' },
      { title: 'Retried, then no more exits', text: 'KVM_RUN again: the STG is retried, faults at stage 2, and KVM maps the new page Normal tagged with its tags cleared, so the STG sets tag 5. The next STG, the LDG and the tag-5 load run without an exit, and the data stored before the remap is still there.', afterAction: 4, view: 'heatmap' },
    ]),
  S12: vm('S12 KSM', 'KSM never merges a page with PG_mte_tagged: one shared copy cannot hold two sets of tags. Turn kvmCapMte off to see the same pages merged.',
    program(mapBuffer(2, false), mov64('x1', BUF), mov64('x2', 0x5a5a5a5a), 'str x2, [x1]', 'str x2, [x1, #4096]'), {},
    [{ do: 'run' }, { do: 'ksmScan' }],
    [{ title: 'Identical pages, not merged', text: 'Every guest page of an MTE VM was sanitised at its stage-2 fault, so it is PG_mte_tagged: KSM refuses to merge them.', afterAction: 2, view: 'events' }]),
  S13: vm('S13 Capability order', 'KVM_CAP_ARM_MTE must be enabled before any vCPU exists.',
    program(), { kvmCapMte: false },
    [{ do: 'enableCap', cap: 'KVM_CAP_ARM_MTE' }, { do: 'run' }],
    [{ title: '-EINVAL', text: 'The VMM created the vCPU first, so enabling MTE now fails with -EINVAL: KVM will not change the VM\'s memory type under running vCPUs.', afterAction: 1, view: 'events' }]),
  S14: vm('S14 Asynchronous fault across a VM exit', 'An asynchronous tag-check fault recorded in TFSRE0_EL1 survives a VM exit: KVM saves and restores it, and the guest kernel reports it afterwards.',
    program(...colouredBuffer, tagged(0), 'str x1, [x9]', 'nop', 'nop', 'nop', marker), { tcf: 'async' },
    [{ do: 'run', until: 'event', event: 'mmap' }, { do: 'step', count: 25 }, { do: 'vmmRead', va: BUF, length: 16 }, { do: 'run' }],
    [
      { title: 'A mismatch, recorded', text: 'With TCF = async the tag-0 store to a tag-5 granule completes and only sets TFSRE0_EL1.TF0.', afterAction: 2, view: 'cpu' },
      { title: 'VM exit', text: 'The VMM needs the vCPU: KVM_RUN returns, and KVM saves the guest\'s TFSRE0_EL1 (TF0 = 1) with its other MTE registers.', afterAction: 3, view: 'events' },
      { title: 'Reported after re-entry', text: 'KVM restores TFSRE0_EL1 on entry; the guest\'s next syscall entry notices TF0 and sends SIGSEGV (SEGV_MTEAERR).', afterAction: 4, view: 'events' },
    ]),
  S15: vm('S15 Fork, copy-on-write, balloon', 'After the VMM forks, a guest write copies the page with its tags; a page given back through the balloon returns zeroed with tags cleared.',
    program(...colouredBuffer, marker, 'str x1, [x9]', ...loadTag5, marker, ...loadTag5), {},
    [{ do: 'run', until: 'event', event: 'getpid' }, { do: 'fork' }, { do: 'run', until: 'event', event: 'getpid' }, { do: 'balloon', va: BUF }, { do: 'run' }],
    [
      { title: 'Fork', text: 'The VMM forks: guest RAM is shared copy-on-write with the child, and KVM maps it read-only at stage 2.', afterAction: 2, view: 'events' },
      { title: 'Copy-on-write', text: 'The guest\'s store breaks the sharing: the new page gets the data and the tags, and the tag-5 load passes.', afterAction: 3, view: 'events' },
      { title: 'Balloon', text: 'The page is discarded on the host; at the next touch it comes back zeroed, KVM clears its tags, and the tag-5 load faults.', afterAction: 5, view: 'events' },
    ]),
  S16: vm('S16 How should the VMM reach the tags?', 'The ABI alternatives of the v2 discussion (KVM.md §10) on the same guest: what the VMM sees, what faults, what migration preserves, and the cost.',
    program(...colouredBuffer), {},
    [{ do: 'run' }, { do: 'compareDesigns' }],
    [{ title: 'Six designs', text: 'v2 as posted and (a)–(e) against the merged COPY_TAGS: only designs that can read the tags keep them across migration; they differ in mappings, syscalls and bytes moved.', afterAction: 2, view: 'events' }]),
};

export const presets: PresetInfo[] = Object.entries(defs).map(([id, s]) => ({ id, title: s.title ?? id, summary: s.description ?? '' }));

/** The preset scenario `id` (S1–S16), validated; undefined for an unknown id. */
export function preset(id: string): Scenario | undefined {
  const s = defs[id.toUpperCase()];
  return s === undefined ? undefined : ScenarioSchema.parse(s);
}
