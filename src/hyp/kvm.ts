/**
 * The KVM model of one VM (KVM.md §2–§8): KVM_CAP_ARM_MTE, vCPUs, memslots with the per-version backing
 * table, stage-2 faults with lazy tag sanitising, dirty logging, KVM_ARM_MTE_COPY_TAGS and the MMU
 * notifier. Every call returns a Linux result (0, a count, or a negative errno) and logs why.
 */
import { GuestException } from '../core/cpu/exceptions.ts';
import { FrameFlag, GRANULES_PER_PAGE, PAGE_SIZE, type Frame } from '../core/mem/physmem.ts';
import { S2_MEMATTR_DEVICE_nGnRE, S2_MEMATTR_NORMAL_WB, S2_MEMATTR_NOTAGACCESS } from '../core/mmu/descriptors.ts';
import { Errno } from './errno.ts';
import { because, type Why } from './events.ts';
import type { Host, MemObject, MmuNotifier } from './host.ts';
import { Mm, type Vma } from './mm.ts';
import { Stage2 } from './stage2.ts';
import { Vcpu } from './vcpu.ts';

export const KVM_CAP_ARM_MTE = 205;
export const KVM_ARM_MTE_COPY_TAGS = 0x8030aeb4;
export const KVM_ARM_TAGS_TO_GUEST = 0;
export const KVM_ARM_TAGS_FROM_GUEST = 1;
export const KVM_MEM_LOG_DIRTY_PAGES = 1 << 0;
export const KVM_MEM_READONLY = 1 << 1;
export const KVM_EXIT_MMIO = 6;
export const KVM_EXIT_ARM_NOTAG_ACCESS = 40;
const INT_MAX = 0x7fffffff;
const TAG_BATCH_PAGES = PAGE_SIZE / GRANULES_PER_PAGE;

/** Why the vCPU left the guest (struct kvm_run's exit_reason and its payload), or KVM_RUN's error. */
export type KvmExit =
  | { reason: typeof KVM_EXIT_MMIO; name: 'KVM_EXIT_MMIO'; physAddr: number; isWrite: boolean }
  | { reason: typeof KVM_EXIT_ARM_NOTAG_ACCESS; name: 'KVM_EXIT_ARM_NOTAG_ACCESS'; gpa: number; size: number }
  /** KVM_RUN itself failed with this errno (e.g. -EFAULT when a memslot's VMA can no longer hold tags). */
  | { reason: 'error'; name: string; errno: number };

export interface UserMemoryRegion {
  slot: number;
  flags: number;
  guestPhysAddr: number;
  memorySize: number;
  userspaceAddr: number;
}

export interface Memslot extends UserMemoryRegion {
  pages: number;
  /** KVM's dirty bitmap, one bit per page; allocated while dirty logging is on. */
  dirty: Uint32Array | null;
}

/** The VMM's address of guest-physical `ipa` inside memslot `slot` (__gfn_to_hva_memslot). */
export const slotHva = (slot: UserMemoryRegion, ipa: number): number => slot.userspaceAddr + (ipa - slot.guestPhysAddr);

/** How KVM reaches the memory of the process that owns the VM (copy_from_user / copy_to_user). */
export interface UserAccess {
  readonly mm: Mm;
  /** Copies up to `n` bytes from user `addr`; returns how many were copied before a fault. */
  copyFromUser(addr: number, dst: Uint8Array, n: number): number;
  copyToUser(addr: number, src: Uint8Array, n: number): number;
}

export class Vm implements MmuNotifier {
  readonly stage2: Stage2;
  readonly vcpus: Vcpu[] = [];
  readonly slots: Memslot[] = [];
  mteEnabled = false;
  /** A pKVM protected VM: KVM_CAP_ARM_MTE is refused (KVM.md §2). */
  readonly protectedVm: boolean;
  /** COPY_TAGS's bounce buffer: the tags of up to 16 guest pages, one user page. */
  private readonly bounce = new Uint8Array(PAGE_SIZE);
  /** The same bytes as words, to keep only the low nibbles four tags at a time. */
  private readonly bounceWords = new Int32Array(this.bounce.buffer);
  private readonly batchFrames: Frame[] = [];

  constructor(readonly host: Host, readonly user: UserAccess, opts: { protectedVm?: boolean } = {}) {
    this.protectedVm = opts.protectedVm ?? false;
    this.stage2 = new Stage2(host.phys, host.allocTableFrame);
    host.notifiers.add(this);
  }

  get profile() {
    return this.host.profile;
  }

  private why(rule: string, text: string): Why {
    return because(this.profile, rule, text);
  }

  // ---- capabilities and vCPUs (KVM.md §2) -------------------------------------------------------

  enableCap(cap: number): number {
    const fail = (errno: number, text: string): number => {
      this.host.log.emit('capability', { cap, result: errno }, this.why('KVM.md §2', text));
      return errno;
    };
    if (cap !== KVM_CAP_ARM_MTE) return fail(-Errno.EINVAL, `Capability ${cap} is not one this model knows.`);
    if (this.profile.enablePerVcpu) return fail(-Errno.EINVAL, 'In the v2 proposal there is no KVM_CAP_ARM_MTE: MTE is a vCPU feature, requested when each vCPU is initialised.');
    if (this.protectedVm) return fail(-Errno.EINVAL, 'A pKVM protected VM refuses KVM_CAP_ARM_MTE.');
    if (this.vcpus.length > 0) return fail(-Errno.EINVAL, 'KVM_CAP_ARM_MTE must be enabled before any vCPU exists: tags are a property of the whole VM\'s memory, so KVM will not change it under running vCPUs.');
    this.mteEnabled = true;
    this.host.log.emit('capability', { cap, result: 0 }, this.why('KVM.md §2',
      'MTE is on for this VM: its vCPUs get HCR_EL2.ATA = 1 and see MTE in ID_AA64PFR1_EL1, and every memslot must be able to hold tags.'));
    return 0;
  }

  /** KVM_CREATE_VCPU (+ KVM_ARM_VCPU_INIT). `mte` is the v2 proposal's per-vCPU feature bit. */
  createVcpu(opts: { mte?: boolean } = {}): Vcpu {
    if (this.profile.enablePerVcpu && opts.mte) this.mteEnabled = true;
    const v = new Vcpu(this, this.vcpus.length);
    this.vcpus.push(v);
    this.host.log.emit('vcpuCreate', { vcpu: v.id, mte: this.mteEnabled }, this.why(this.profile.enablePerVcpu ? 'KVM.md §10' : 'KVM.md §2',
      this.profile.enablePerVcpu ? 'The v2 proposal enables MTE per vCPU, as the architecture describes it per processing element.'
        : this.mteEnabled ? 'The new vCPU runs with HCR_EL2.ATA = 1: the guest can use tags.' : 'Without KVM_CAP_ARM_MTE the vCPU runs with HCR_EL2.ATA = 0: tag accesses are disabled and ID_AA64PFR1_EL1.MTE reads 0.'));
    return v;
  }

  // ---- memslots (KVM.md §3) ---------------------------------------------------------------------

  /** Can this VMA back a memslot of this VM? null when yes, else the errno and why. */
  private backingRefusal(vma: Vma, flags: number): { errno: number; text: string } | null {
    const kind = vma.object.kind;
    const v = this.profile.label;
    if (kind === 'device') {
      if (flags & KVM_MEM_LOG_DIRTY_PAGES) return { errno: -Errno.EINVAL, text: 'Dirty logging is not allowed on a VM_PFNMAP (device) region.' };
      if (this.mteEnabled && !this.profile.pfnmapSlots) return { errno: -Errno.EINVAL, text: `${v} checks VM_MTE_ALLOWED before it looks at VM_PFNMAP, so a device (VFIO) region cannot be a memslot of an MTE VM; a posted fix lets it through and maps it as Device at stage 2.` };
      return null;
    }
    if (!this.mteEnabled) return null;
    if (kind === 'memfd' && !this.profile.sharedSlots) return { errno: -Errno.EINVAL, text: `${v} refuses a shared (memfd/shmem) memslot on an MTE VM: two mappings could race to initialise a page's tags; 6.2 added PG_mte_lock to make that safe.` };
    if (kind === 'hugetlbfs' && !this.profile.hugetlbSlots) return { errno: -Errno.EINVAL, text: `${v} cannot keep tags on hugetlbfs pages; MTE on hugetlbfs arrived in 6.13.` };
    if (kind === 'file') {
      if (this.profile.noTagAccess) return null;
      return { errno: -Errno.EINVAL, text: `A regular file mapping has no tag storage (not VM_MTE_ALLOWED), so ${v} refuses it as memory of an MTE VM.` };
    }
    return null;
  }

  setUserMemoryRegion(r: UserMemoryRegion): number {
    const fail = (errno: number, text: string): number => {
      this.host.log.emit('memslot', { ...r, result: errno }, this.why('KVM.md §3', text));
      return errno;
    };
    if (r.guestPhysAddr % PAGE_SIZE || r.memorySize % PAGE_SIZE || r.userspaceAddr % PAGE_SIZE) return fail(-Errno.EINVAL, 'Memslot addresses and size must be page-aligned.');
    const existing = this.slots.findIndex((s) => s.slot === r.slot);
    if (r.memorySize === 0) {
      if (existing >= 0) {
        const s = this.slots[existing];
        for (let i = 0; i < s.pages; i++) this.stage2.unmap(s.guestPhysAddr + i * PAGE_SIZE);
        this.flushTlbs();
        this.slots.splice(existing, 1);
      }
      return 0;
    }
    for (const s of this.slots) {
      if (s.slot !== r.slot && r.guestPhysAddr < s.guestPhysAddr + s.memorySize && s.guestPhysAddr < r.guestPhysAddr + r.memorySize) return fail(-Errno.EEXIST, 'The IPA range overlaps another memslot.');
    }
    for (let hva = r.userspaceAddr; hva < r.userspaceAddr + r.memorySize;) {
      const vma = this.user.mm.find(hva);
      if (vma === undefined) break;
      const refusal = this.backingRefusal(vma, r.flags);
      if (refusal !== null) return fail(refusal.errno, refusal.text);
      hva = vma.end;
    }
    if (existing >= 0) return this.updateFlags(this.slots[existing], r.flags);
    const slot: Memslot = { ...r, pages: r.memorySize / PAGE_SIZE, dirty: null };
    this.slots.push(slot);
    if (r.flags & KVM_MEM_LOG_DIRTY_PAGES) slot.dirty = new Uint32Array(Math.ceil(slot.pages / 32));
    this.host.log.emit('memslot', { ...r, result: 0 }, this.why('KVM.md §3', this.mteEnabled
      ? 'The memslot is accepted: its backing can hold tags; pages are mapped (and their tags cleared) only when the guest first touches them.'
      : 'The memslot is accepted; pages are mapped when the guest first touches them.'));
    return 0;
  }

  /** KVM_MR_FLAGS_ONLY: turning dirty logging on write-protects every mapped page of the slot. */
  private updateFlags(slot: Memslot, flags: number): number {
    const logging = (flags & KVM_MEM_LOG_DIRTY_PAGES) !== 0;
    slot.flags = flags;
    slot.dirty = logging ? new Uint32Array(Math.ceil(slot.pages / 32)) : null;
    if (logging) {
      this.stage2.writeProtect(slot.guestPhysAddr, slot.pages, null);
      this.flushTlbs();
    }
    this.host.log.emit('dirtyLog', { slot: slot.slot, enabled: logging }, this.why('KVM.md §4', logging
      ? 'Dirty logging is on: every page is write-protected at stage 2, so the first data or tag write to each page faults and is recorded.'
      : 'Dirty logging is off for this memslot.'));
    return 0;
  }

  slotFor(ipa: number): Memslot | undefined {
    for (const s of this.slots) if (ipa >= s.guestPhysAddr && ipa < s.guestPhysAddr + s.memorySize) return s;
    return undefined;
  }

  get dirtyLogging(): boolean {
    return this.slots.some((s) => s.dirty !== null);
  }

  // ---- stage-2 faults (KVM.md §4) ---------------------------------------------------------------

  /**
   * The stage-2 abort handler. Fixes the fault (maps the page, sanitising its tags on first use, or lets a
   * dirty-logged page be written) and returns 'retry', or says why the vCPU must exit to the VMM.
   */
  handleStage2Fault(vcpu: Vcpu, e: GuestException): 'retry' | { exit: KvmExit } {
    const info = e.info;
    if (info.kind !== 'dataAbort' && info.kind !== 'instructionAbort') throw new Error('handleStage2Fault: not an abort');
    const f = info.fault;
    if (f.type === 'noTagAccess') {
      const ipa = f.ipa ?? this.ipaOf(vcpu, f.va);
      const gpa = ipa - (ipa % PAGE_SIZE);
      this.host.log.emit('stage2Fault', { vcpu: vcpu.id, ipa, type: f.type, write: f.write }, this.why('KVM.md §8',
        'A tag access hit a page stage 2 marks NoTagAccess (FEAT_MTE_PERM, a proposal): the data is usable, but KVM must ask the VMM to give the page tag storage.'));
      return { exit: vcpu.exitTo({ reason: KVM_EXIT_ARM_NOTAG_ACCESS, name: 'KVM_EXIT_ARM_NOTAG_ACCESS', gpa, size: PAGE_SIZE }) };
    }
    const ipa = f.ipa!;
    const slot = this.slotFor(ipa);
    this.host.log.emit('stage2Fault', { vcpu: vcpu.id, ipa, type: f.type, write: f.write, slot: slot?.slot ?? null }, this.why('KVM.md §4',
      slot === undefined ? 'No memslot covers this IPA, so it is emulated device memory: KVM hands the access to the VMM.'
        : f.type === 'permission' ? 'A write to a page that stage 2 keeps read-only (dirty logging or copy-on-write): a permission fault never touches tags.'
          : 'The guest touched a page KVM has not mapped at stage 2 yet.'));
    if (slot === undefined || (f.write && (slot.flags & KVM_MEM_READONLY))) {
      return { exit: vcpu.exitTo({ reason: KVM_EXIT_MMIO, name: 'KVM_EXIT_MMIO', physAddr: ipa, isWrite: f.write }) };
    }
    if (f.type === 'permission' && f.write && this.logDirtyWrite(ipa)) return 'retry';
    const r = this.mapGuestPage(slot, ipa, f.write);
    return typeof r === 'number' ? { exit: vcpu.exitTo({ reason: 'error', name: 'KVM_RUN error', errno: r }) } : 'retry';
  }

  /** user_mem_abort: maps the page holding `ipa`; returns the host PA, or an errno for KVM_RUN. */
  mapGuestPage(slot: Memslot, ipa: number, write: boolean): { pa: number } | number {
    const gpa = ipa - (ipa % PAGE_SIZE);
    const pageIndex = (gpa - slot.guestPhysAddr) / PAGE_SIZE;
    const hva = slotHva(slot, gpa);
    const mm = this.user.mm;
    const vma = mm.find(hva);
    if (vma === undefined) return this.runError(gpa, 'No VMA backs this part of the memslot any more.');
    const logging = slot.dirty !== null;
    if (vma.object.kind === 'device') {
      const r = mm.fault(hva, write);
      if ('errno' in r) return this.runError(gpa, r.why);
      this.stage2.map(gpa, r.pfn * PAGE_SIZE, S2_MEMATTR_DEVICE_nGnRE, vma.write);
      this.host.log.emit('stage2Map', { ipa: gpa, pa: r.pfn * PAGE_SIZE, memAttr: 'Device-nGnRE', write: vma.write }, this.why('KVM.md §4',
        'Device memory is mapped as Device at stage 2: the combined attribute is untagged, so tag checks pass, LDG reads 0 and STG is ignored.'));
      return { pa: r.pfn * PAGE_SIZE };
    }
    const noTagAccess = this.mteEnabled && this.profile.noTagAccess && !mm.mteAllowed(vma.object.kind);
    if (this.mteEnabled && !noTagAccess && !mm.mteAllowed(vma.object.kind)) {
      return this.runError(gpa, `The VMM replaced this memslot's memory with a ${vma.object.kind} mapping that cannot hold tags, so KVM_RUN fails with -EFAULT.`);
    }
    const idx = Mm.index(vma, hva);
    const cow = vma.object.cow !== null && vma.object.cow[idx] === 1;
    const r = mm.fault(hva, write || (!cow && vma.write));
    if ('errno' in r) return this.runError(gpa, r.why);
    const frame = this.host.frame(r.pfn);
    if (this.mteEnabled && !noTagAccess) this.sanitise(vma, idx, frame, gpa);
    const writable = vma.write && !(slot.flags & KVM_MEM_READONLY) && (write || (!logging && !cow && r.pfn !== this.host.zeroPfn));
    const memAttr = noTagAccess ? S2_MEMATTR_NOTAGACCESS : S2_MEMATTR_NORMAL_WB;
    this.stage2.map(gpa, r.pfn * PAGE_SIZE, memAttr, writable);
    if (write && logging) markDirty(slot.dirty!, pageIndex);
    for (const v of this.vcpus) if (v.bus.stage2 !== null) v.bus.stage2.mtePerm = this.profile.noTagAccess;
    this.host.log.emit('stage2Map', { ipa: gpa, pa: r.pfn * PAGE_SIZE, memAttr: noTagAccess ? 'NoTagAccess' : 'Normal-WB', write: writable, dirty: write && logging }, this.why(noTagAccess ? 'KVM.md §8' : 'KVM.md §4',
      noTagAccess ? 'This backing has no tag storage, so (FEAT_MTE_PERM proposal) stage 2 maps it NoTagAccess: data works, any tag access faults to KVM.'
        : write && logging ? 'The page is mapped writable and marked dirty: the VMM will copy it (data and tags) in the next migration round.'
          : writable ? 'The page is mapped Normal write-back (tagged) at stage 2.' : 'The page is mapped read-only at stage 2; the first write will fault again.'));
    return { pa: r.pfn * PAGE_SIZE };
  }

  /** sanitise_mte_tags: a page whose tags were never initialised gets all 256 cleared; data is untouched. */
  private sanitise(vma: Vma, idx: number, frame: Frame, gpa: number): void {
    const frames = [frame];
    if (vma.object.kind === 'hugetlbfs') {
      const first = idx - (idx % 512);
      for (let i = first; i < Math.min(first + 512, vma.object.pageCount); i++) {
        const e = vma.object.pages[i];
        if (e !== 0 && i !== idx) frames.push(this.host.frame(e - 1));
      }
    }
    let cleared = 0;
    let hadStale = false;
    for (const f of frames) {
      if ((f.flags & FrameFlag.MteTagged) !== 0) continue;
      if (f.tags !== null && f.tags.some((t) => t !== 0)) hadStale = true;
      f.ensureTags().fill(0);
      f.flags |= FrameFlag.MteTagged;
      cleared++;
    }
    if (cleared === 0) {
      this.host.log.emit('sanitise', { ipa: gpa, pfn: frame.pfn, cleared: 0 }, this.why('KVM.md §4',
        'The page is already PG_mte_tagged (its tags were initialised before, e.g. restored from swap or by COPY_TAGS), so KVM keeps its tags.'));
      return;
    }
    this.host.log.emit('sanitise', { ipa: gpa, pfn: frame.pfn, cleared, granules: cleared * GRANULES_PER_PAGE, hadStaleTags: hadStale }, this.why('KVM.md §4',
      `First stage-2 fault on this host page: KVM clears all ${cleared * GRANULES_PER_PAGE} tags to 0 (leaving the data alone) and sets PG_mte_tagged, so the guest never sees another user's stale tags.`));
  }

  private runError(gpa: number, text: string): number {
    this.host.log.emit('exit', { ipa: gpa, errno: -Errno.EFAULT }, this.why('KVM.md §3', text));
    return -Errno.EFAULT;
  }

  private ipaOf(vcpu: Vcpu, va: bigint): number {
    const w = vcpu.bus.walkStage1(Number(va & 0x0000_ffff_ffff_ffffn));
    return w.ok ? w.outputAddress : 0;
  }

  /** The host PA of an IPA for the guest kernel's own accesses, taking the stage-2 fault if needed. */
  guestToHost(ipa: number, write: boolean): number | KvmExit {
    const off = ipa % PAGE_SIZE;
    const e = this.stage2.lookup(ipa);
    if (e !== null && (e.write || !write)) return e.pa + off;
    const slot = this.slotFor(ipa);
    if (slot === undefined) return { reason: KVM_EXIT_MMIO, name: 'KVM_EXIT_MMIO', physAddr: ipa, isWrite: write };
    if (e !== null && write && this.logDirtyWrite(ipa)) return e.pa + off;
    this.host.log.emit('stage2Fault', { ipa, type: e === null ? 'translation' : 'permission', write, slot: slot.slot, by: 'guest kernel' }, this.why('KVM.md §4',
      'The guest kernel touched a page KVM has not mapped at stage 2 yet (e.g. to zero it for a new mapping): the access faults to KVM.'));
    const r = this.mapGuestPage(slot, ipa, write);
    return typeof r === 'number' ? { reason: 'error', name: 'KVM_RUN error', errno: r } : r.pa + off;
  }

  /**
   * Host PA of an IPA without touching anything: the stage-2 entry, else the memslot's backing page if it is
   * populated; null otherwise. For observers (the UI's snapshots), which must not map pages or log writes.
   */
  peekHost(ipa: number): number | null {
    const off = ipa % PAGE_SIZE;
    const e = this.stage2.lookup(ipa);
    if (e !== null) return e.pa + off;
    const slot = this.slotFor(ipa);
    if (slot === undefined) return null;
    const hva = slotHva(slot, ipa);
    const vma = this.user.mm.find(hva);
    if (vma === undefined || vma.object.kind === 'device') return null;
    const entry = vma.object.pages[Mm.index(vma, hva)];
    return entry ? (entry - 1) * PAGE_SIZE + off : null;
  }

  /** A write permission fault on a dirty-logged page: record it and let the write through. */
  logDirtyWrite(ipa: number): boolean {
    const slot = this.slotFor(ipa);
    const e = this.stage2.lookup(ipa);
    if (slot === undefined || slot.dirty === null || e === null || e.memAttr === S2_MEMATTR_DEVICE_nGnRE) return false;
    const hva = slotHva(slot, ipa - (ipa % PAGE_SIZE));
    const vma = this.user.mm.find(hva);
    if (vma === undefined || (vma.object.cow !== null && vma.object.cow[Mm.index(vma, hva)] === 1)) return false;
    markDirty(slot.dirty, Math.floor((ipa - slot.guestPhysAddr) / PAGE_SIZE));
    this.stage2.setWritable(ipa, true);
    this.host.log.emit('dirtyLog', { ipa: ipa - (ipa % PAGE_SIZE), slot: slot.slot, marked: true }, this.why('KVM.md §4',
      'A data or tag write to a write-protected page marks it dirty and makes it writable again; the tags are not touched.'));
    return true;
  }

  // ---- dirty log (KVM.md §7) --------------------------------------------------------------------

  /**
   * KVM_GET_DIRTY_LOG: copies the slot's dirty bitmap into `out` (bit i = page i), clears it, and
   * write-protects those pages again so the next write to them is seen.
   */
  getDirtyLog(slotId: number, out: Uint32Array): number {
    const slot = this.slots.find((s) => s.slot === slotId);
    if (slot === undefined || slot.dirty === null) return -Errno.ENOENT;
    out.set(slot.dirty);
    let n = 0;
    for (let i = 0; i < slot.dirty.length; i++) if (slot.dirty[i] !== 0) n += popcount(slot.dirty[i]);
    this.stage2.writeProtect(slot.guestPhysAddr, slot.pages, slot.dirty);
    slot.dirty.fill(0);
    this.flushTlbs();
    this.host.log.emit('dirtyLog', { slot: slotId, dirtyPages: n }, this.why('KVM.md §7',
      `The VMM collects ${n} dirty page(s); KVM write-protects them again so later data or tag writes re-dirty them.`));
    return 0;
  }

  // ---- KVM_ARM_MTE_COPY_TAGS (KVM.md §5) --------------------------------------------------------

  /** The VM ioctl entry point: `arg` is the address of the argument in the calling process. */
  ioctl(request: number, arg: number): number {
    if (request === KVM_ARM_MTE_COPY_TAGS && this.profile.copyTags) return this.copyTags(arg);
    return -Errno.ENOTTY;
  }

  private copyTags(arg: number): number {
    const raw = new Uint8Array(48);
    if (this.user.copyFromUser(arg, raw, 48) !== 48) return this.copyTagsDone({ arg }, -Errno.EFAULT, 'The 48-byte argument could not be read from the VMM\'s memory.');
    const v = new DataView(raw.buffer);
    const u64 = (o: number): number => v.getUint32(o, true) + v.getUint32(o + 4, true) * 2 ** 32;
    const req = { guestIpa: u64(0), length: u64(8), addr: u64(16), flags: u64(24), reserved: [u64(32), u64(40)] };
    const write = (req.flags & KVM_ARM_TAGS_FROM_GUEST) === 0;
    if (!this.mteEnabled) return this.copyTagsDone(req, -Errno.EINVAL, 'The VM does not have MTE enabled, so it has no tags to copy.');
    if (req.reserved[0] !== 0 || req.reserved[1] !== 0) return this.copyTagsDone(req, -Errno.EINVAL, 'reserved[0] and reserved[1] must be 0.');
    if (req.flags > KVM_ARM_TAGS_FROM_GUEST) return this.copyTagsDone(req, -Errno.EINVAL, 'flags may only be KVM_ARM_TAGS_TO_GUEST (0) or KVM_ARM_TAGS_FROM_GUEST (1).');
    if (req.guestIpa % PAGE_SIZE || req.length % PAGE_SIZE) return this.copyTagsDone(req, -Errno.EINVAL, 'guest_ipa and length must be page-aligned.');
    if (this.profile.copyTagsIntMax && req.length > INT_MAX) return this.copyTagsDone(req, -Errno.EINVAL, 'length must not exceed INT_MAX, or the byte count could not be returned (checked since 6.4).');
    if (write && this.profile.copyTagsBusyWhileLogging && this.dirtyLogging) {
      return this.copyTagsDone(req, -Errno.EBUSY, `${this.profile.label} refuses TO_GUEST while dirty logging is on: the tag write would not be recorded in the dirty log, so migration could miss it.`);
    }
    let done = 0;
    let ret = 0;
    let why = write ? 'Tags written into guest memory; the pages are now PG_mte_tagged, so a later stage-2 fault keeps them.'
      : 'Tags read from guest memory, one tag per byte; pages the guest never touched read as zeros.';
    let slot: Memslot | undefined;
    let vma: Vma | undefined;
    const frames = this.batchFrames;
    // Tags go to and from user space through a one-page bounce buffer: up to 16 guest pages per copy.
    while (done < req.length && ret === 0) {
      let k = 0;
      for (; k < TAG_BATCH_PAGES && done + k * PAGE_SIZE < req.length; k++) {
        const ipa = req.guestIpa + done + k * PAGE_SIZE;
        if (slot === undefined || ipa < slot.guestPhysAddr || ipa >= slot.guestPhysAddr + slot.memorySize) slot = this.slotFor(ipa);
        const hva = slot === undefined ? 0 : slotHva(slot, ipa);
        if (vma === undefined || hva < vma.start || hva >= vma.end) vma = slot === undefined ? undefined : this.user.mm.find(hva);
        if (vma === undefined || vma.object.kind === 'device') {
          ret = -Errno.EFAULT;
          why = slot === undefined
            ? 'This IPA is outside every memslot: gfn_to_pfn fails and the merged kernel returns -EFAULT (the early RFC series returned -ENOENT).'
            : 'Device memory has no tags (not an online RAM page): -EFAULT.';
          break;
        }
        const idx = Mm.index(vma, hva);
        const entry = vma.object.pages[idx];
        if (entry !== 0 && !(write && vma.object.cow !== null && vma.object.cow[idx] === 1)) frames[k] = this.host.frame(entry - 1);
        else {
          const r = this.user.mm.fault(hva, write || vma.write);
          if ('errno' in r) { ret = -Errno.EFAULT; why = r.why; break; }
          frames[k] = this.host.frame(r.pfn);
        }
      }
      const buf = req.addr + (done / PAGE_SIZE) * GRANULES_PER_PAGE;
      const full = write ? this.tagsToGuest(frames, k, buf) : this.tagsFromGuest(frames, k, buf);
      done += full * PAGE_SIZE;
      if (full < k) { ret = -Errno.EFAULT; why = 'The user buffer faulted part-way: the call stops there.'; }
    }
    if (done > 0 && ret !== 0) why = `${why} ${done} byte(s) of guest memory were covered before that, so that count is returned.`;
    return this.copyTagsDone(req, done > 0 ? done : ret, why);
  }

  /** Copies the tags of `frames[0..k)` to user `buf`; returns how many pages' tags arrived whole. */
  private tagsFromGuest(frames: Frame[], k: number, buf: number): number {
    for (let j = 0; j < k; j++) {
      const f = frames[j];
      const at = j * GRANULES_PER_PAGE;
      if ((f.flags & FrameFlag.MteTagged) !== 0 && f.tags !== null) this.bounce.set(f.tags, at);
      else this.bounce.fill(0, at, at + GRANULES_PER_PAGE);
    }
    lowNibbles(this.bounceWords, k * GRANULES_PER_PAGE / 4);
    return Math.floor(this.user.copyToUser(buf, this.bounce, k * GRANULES_PER_PAGE) / GRANULES_PER_PAGE);
  }

  /** Sets the tags of `frames[0..k)` from user `buf` and marks them PG_mte_tagged; returns the pages done whole. */
  private tagsToGuest(frames: Frame[], k: number, buf: number): number {
    const m = this.user.copyFromUser(buf, this.bounce, k * GRANULES_PER_PAGE);
    lowNibbles(this.bounceWords, k * GRANULES_PER_PAGE / 4);
    for (let j = 0; j < k; j++) {
      const n = Math.max(0, Math.min(GRANULES_PER_PAGE, m - j * GRANULES_PER_PAGE));
      const f = frames[j];
      const tags = f.ensureTags();
      if (n === GRANULES_PER_PAGE) tags.set(this.bounce.subarray(j * GRANULES_PER_PAGE, (j + 1) * GRANULES_PER_PAGE));
      else if (this.profile.copyTagsClearsOnFault) tags.fill(0); // 6.2+: never leave half-written tags
      else tags.set(this.bounce.subarray(j * GRANULES_PER_PAGE, j * GRANULES_PER_PAGE + n));
      if (n === GRANULES_PER_PAGE || this.profile.copyTagsClearsOnFault) f.flags |= FrameFlag.MteTagged;
      if (n < GRANULES_PER_PAGE) return j;
    }
    return k;
  }

  private copyTagsDone(req: Record<string, unknown>, result: number, text: string): number {
    this.host.log.emit('copyTags', { ...req, result }, this.why('KVM.md §5', text));
    return result;
  }

  // ---- MMU notifier -----------------------------------------------------------------------------

  /** The host moved or dropped a page: unmap it at stage 2 so the next guest access faults it back in. */
  invalidate(object: MemObject, pageIndex: number, reason: string): void {
    for (const v of this.user.mm.vmas) {
      if (v.object !== object) continue;
      const hva = v.start + (pageIndex - v.pgoff) * PAGE_SIZE;
      for (const s of this.slots) {
        if (hva < s.userspaceAddr || hva >= s.userspaceAddr + s.memorySize) continue;
        const ipa = s.guestPhysAddr + (hva - s.userspaceAddr);
        if (this.stage2.unmap(ipa)) {
          this.flushTlbs();
          this.host.log.emit('stage2Unmap', { ipa, reason }, this.why('KVM.md §6',
            `The host changed the page behind this IPA (${reason}); KVM unmaps it at stage 2 and will map the new page at the next guest access.`));
        }
      }
    }
  }

  flushTlbs(): void {
    for (const v of this.vcpus) v.bus.flushTlb();
  }
}

/** Keeps only the tag (low nibble) of each byte of a page of tags, four at a time. */
function lowNibbles(words: Int32Array, count: number): void {
  for (let i = 0; i < count; i++) words[i] &= 0x0f0f0f0f;
}

export function markDirty(bitmap: Uint32Array, page: number): void {
  bitmap[page >>> 5] |= 1 << (page & 31);
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
