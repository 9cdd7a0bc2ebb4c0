/**
 * The memory bus one processing element sees: stage-1 (and, under KVM, stage-2) translation with a TLB,
 * access permissions, the tag check of src/core/mte/check.ts, and the physical memory behind it.
 *
 * Addresses arrive as int32 halves (`hi`, `lo`) of the 64-bit virtual address so that the pointer tag
 * (hi bits 27:24) never has to be split off with BigInt. The fast path handles an access that stays within
 * one page and hits the TLB; everything else (misses, page crossings, faults, writes to pages holding
 * decoded code) takes the slow path, which is written for clarity rather than speed.
 */
import { GuestException, type FaultType, type MemoryFault } from '../cpu/exceptions.ts';
import type { CpuState } from '../cpu/state.ts';
import { AccessKind, Check, checkAccess, mteContext, onMismatch, preCheck, type MteContext } from '../mte/check.ts';
import { FrameFlag, GRANULE_SHIFT, PAGE_MASK, PAGE_SIZE, type Frame, type PhysMem } from '../mem/physmem.ts';
import { MAIR_TAGGED, S1Bits, S2Bits, S2_MEMATTR_NORMAL_WB, S2_MEMATTR_NOTAGACCESS } from './descriptors.ts';
import { walk, walkInto, WalkState, type WalkResult } from './walk.ts';

const TLB_BITS = 10;
const TLB_SIZE = 1 << TLB_BITS;
const TLB_MASK = TLB_SIZE - 1;

/** Permission and attribute bits of a TLB entry. */
export const Tlb = { Read: 1, Write: 2, Exec: 4, Tagged: 8, NoTagAccess: 16 } as const;

export interface Stage2Config {
  /** Physical address of the stage-2 level-0 table (VTTBR_EL2.BADDR). */
  root: number;
  /** FEAT_MTE_PERM is in use: MemAttr 0b0100 means NoTagAccess (KVM.md §8). */
  mtePerm: boolean;
}

/** Hook called for each tag-checked access when tracing is on. */
export type CheckObserver = (va: bigint, size: number, kind: AccessKind, result: number, allocationTag: number) => void;

export class Bus {
  /** Stage-1 root table address (TTBR0_EL1.BADDR); an IPA when stage 2 is on. */
  ttbr0 = 0;
  /** MAIR_EL1 as eight attribute bytes. */
  readonly mair = new Uint8Array(8);
  stage2: Stage2Config | null = null;

  private readonly tlbVpn = new Float64Array(TLB_SIZE).fill(-1);
  private readonly tlbFrame: (Frame | null)[] = new Array<Frame | null>(TLB_SIZE).fill(null);
  private readonly tlbPerm = new Uint8Array(TLB_SIZE);
  private readonly tlbPa = new Float64Array(TLB_SIZE);
  /** Intermediate physical address of each entry's page (equal to the PA without stage 2). */
  private readonly tlbIpa = new Float64Array(TLB_SIZE);

  /** Reusable walk results, so a TLB miss allocates nothing. */
  private readonly s1State = new WalkState();
  private readonly s2State = new WalkState();
  private readonly tableState = new WalkState();
  /** The access being translated, for faults raised inside a stage-1 table walk. */
  private walkHi = 0;
  private walkLo = 0;
  private walkNeed = 0;

  /** High half of the last 64-bit value read (`read64` returns the low half). */
  rhi = 0;
  private ctx: MteContext;
  /** When set, every checked access reports its decision (for --trace and the UI's live view). */
  observer: CheckObserver | null = null;

  constructor(readonly cpu: CpuState, readonly phys: PhysMem) {
    this.ctx = mteContext(cpu);
  }

  // ---- fast paths -------------------------------------------------------------------------------

  read8(hi: number, lo: number, checked: boolean): number {
    const i = this.lookup(hi, lo, Tlb.Read, 1, checked, AccessKind.Read);
    return this.tlbFrame[i]!.data[lo & PAGE_MASK];
  }

  read16(hi: number, lo: number, checked: boolean): number {
    const off = lo & PAGE_MASK;
    if (off > PAGE_SIZE - 2) return this.readSlow(hi, lo, 2, checked);
    const i = this.lookup(hi, lo, Tlb.Read, 2, checked, AccessKind.Read);
    return this.tlbFrame[i]!.view.getUint16(off, true);
  }

  /** Returns the 32-bit value as an int32. */
  read32(hi: number, lo: number, checked: boolean): number {
    const off = lo & PAGE_MASK;
    if (off > PAGE_SIZE - 4) return this.readSlow(hi, lo, 4, checked);
    const i = this.lookup(hi, lo, Tlb.Read, 4, checked, AccessKind.Read);
    return this.tlbFrame[i]!.view.getInt32(off, true);
  }

  /** Returns the low half as an int32; the high half is left in `rhi`. */
  read64(hi: number, lo: number, checked: boolean): number {
    const off = lo & PAGE_MASK;
    if (off > PAGE_SIZE - 8) return this.readSlow(hi, lo, 8, checked);
    const i = this.lookup(hi, lo, Tlb.Read, 8, checked, AccessKind.Read);
    const view = this.tlbFrame[i]!.view;
    this.rhi = view.getInt32(off + 4, true);
    return view.getInt32(off, true);
  }

  write8(hi: number, lo: number, value: number, checked: boolean): void {
    const i = this.lookup(hi, lo, Tlb.Write, 1, checked, AccessKind.Write);
    this.tlbFrame[i]!.data[lo & PAGE_MASK] = value;
  }

  write16(hi: number, lo: number, value: number, checked: boolean): void {
    const off = lo & PAGE_MASK;
    if (off > PAGE_SIZE - 2) return this.writeSlow(hi, lo, 2, value, 0, checked);
    const i = this.lookup(hi, lo, Tlb.Write, 2, checked, AccessKind.Write);
    this.tlbFrame[i]!.view.setUint16(off, value, true);
  }

  write32(hi: number, lo: number, value: number, checked: boolean): void {
    const off = lo & PAGE_MASK;
    if (off > PAGE_SIZE - 4) return this.writeSlow(hi, lo, 4, value, 0, checked);
    const i = this.lookup(hi, lo, Tlb.Write, 4, checked, AccessKind.Write);
    this.tlbFrame[i]!.view.setInt32(off, value, true);
  }

  write64(hi: number, lo: number, vlo: number, vhi: number, checked: boolean): void {
    const off = lo & PAGE_MASK;
    if (off > PAGE_SIZE - 8) return this.writeSlow(hi, lo, 8, vlo, vhi, checked);
    const i = this.lookup(hi, lo, Tlb.Write, 8, checked, AccessKind.Write);
    const view = this.tlbFrame[i]!.view;
    view.setInt32(off, vlo, true);
    view.setInt32(off + 4, vhi, true);
  }

  /**
   * Translates and tag-checks an access of `size` bytes (any size, may cross pages) without performing it.
   * Multi-part instructions (pairs, SIMD structures, DC ZVA) probe their whole footprint first so that a
   * fault leaves memory and registers untouched (MTE.md §2.6).
   */
  probe(hi: number, lo: number, size: number, kind: AccessKind, checked: boolean): void {
    const need = kind === AccessKind.Read ? Tlb.Read : kind === AccessKind.Write ? Tlb.Write : Tlb.Read | Tlb.Write;
    let doneLo = lo;
    let doneHi = hi;
    let remaining = size;
    // Translation faults have priority over tag-check faults: translate every page before checking tags.
    while (remaining > 0) {
      this.lookup(doneHi, doneLo, need, 1, false, kind);
      const chunk = Math.min(remaining, PAGE_SIZE - (doneLo & PAGE_MASK));
      remaining -= chunk;
      const nlo = (doneLo + chunk) | 0;
      if ((nlo >>> 0) < (doneLo >>> 0)) doneHi = (doneHi + 1) | 0;
      doneLo = nlo;
    }
    if (checked) this.checkRange(hi, lo, size, kind);
  }

  /** Physical address of a virtual address for an access of the given kind (exclusive monitors, tag instructions). */
  physicalAddress(hi: number, lo: number, kind: AccessKind): number {
    const need = kind === AccessKind.Read ? Tlb.Read : Tlb.Write;
    const i = this.lookup(hi, lo, need, 1, false, kind);
    return this.tlbPa[i] + (lo & PAGE_MASK);
  }

  /** The frame holding an address, after translation for `kind` (bulk copies: no allocation). */
  frameAt(hi: number, lo: number, kind: AccessKind): Frame {
    return this.tlbFrame[this.lookup(hi, lo, kind === AccessKind.Read ? Tlb.Read : Tlb.Write, 1, false, kind)]!;
  }

  /** The frame and attributes for an address, after translation for `kind` (tag instructions use this). */
  frameFor(hi: number, lo: number, kind: AccessKind): { frame: Frame; tagged: boolean; noTagAccess: boolean; ipa: number } {
    const need = kind === AccessKind.Read ? Tlb.Read : Tlb.Write;
    const i = this.lookup(hi, lo, need, 1, false, kind);
    const perm = this.tlbPerm[i];
    return { frame: this.tlbFrame[i]!, tagged: (perm & Tlb.Tagged) !== 0, noTagAccess: (perm & Tlb.NoTagAccess) !== 0, ipa: this.tlbIpa[i] + (lo & PAGE_MASK) };
  }

  /** Instruction fetch translation: the frame holding the instruction at `pc`. */
  fetchFrame(pc: number): Frame {
    const hi = Math.floor(pc / 2 ** 32) | 0;
    const lo = pc | 0;
    const i = this.lookup(hi, lo, Tlb.Exec, 4, false, AccessKind.Read);
    return this.tlbFrame[i]!;
  }

  /** The frame now holds decoded code: later writes to it must go through the slow path and invalidate. */
  markCode(frame: Frame): void {
    frame.flags |= FrameFlag.Code;
    for (let i = 0; i < TLB_SIZE; i++) if (this.tlbFrame[i] === frame) this.tlbPerm[i] &= ~Tlb.Write;
  }

  flushTlb(): void {
    this.tlbVpn.fill(-1);
    this.tlbFrame.fill(null);
    this.tlbPerm.fill(0);
  }

  /** Re-reads the tag-check context after a register that feeds it changed. */
  refreshMteContext(): void {
    this.ctx = mteContext(this.cpu);
  }

  // ---- translation ------------------------------------------------------------------------------

  /**
   * TLB index of the page holding (hi, lo) with permission `need`, filling the TLB on a miss, then the tag
   * check of the `size` bytes at that address when `checked`.
   */
  private lookup(hi: number, lo: number, need: number, size: number, checked: boolean, kind: AccessKind): number {
    const vpn = (hi & 0xffffff) * 0x100000 + (lo >>> 12);
    let i = (lo >>> 12) & TLB_MASK;
    if (this.tlbVpn[i] !== vpn || (this.tlbPerm[i] & need) !== need) i = this.fill(hi, lo, need, kind);
    if (checked && (this.tlbPerm[i] & (Tlb.Tagged | Tlb.NoTagAccess)) !== 0) this.checkInPage(i, hi, lo, size, kind);
    else if (checked && this.observer !== null) this.observeUnchecked(hi, lo, size, kind, i);
    return i;
  }

  private fill(hi: number, lo: number, need: number, kind: AccessKind): number {
    // Only the lower (TTBR0) half exists for user space; bits 55:48 must be zero (TBI ignores 63:56).
    if ((hi & 0x00ff0000) !== 0) this.fault(hi, lo, need, 'translation', 1, 0);
    const va = (hi & 0xffff) * 2 ** 32 + (lo >>> 0);
    this.walkHi = hi;
    this.walkLo = lo;
    this.walkNeed = need;
    const s1 = this.s1State;
    if (!walkInto(this.ttbr0, va, this.readStage1Descriptor, s1)) return this.fault(hi, lo, need, 'translation', 1, s1.level);
    const l1 = s1.lo;
    if (!S1Bits.af(l1)) this.fault(hi, lo, need, 'accessFlag', 1, s1.level);
    const el0 = this.cpu.el === 0;
    if (el0 && !S1Bits.apEl0(l1)) this.fault(hi, lo, need, 'permission', 1, s1.level);
    const canWrite = !S1Bits.apReadOnly(l1);
    const canExec = el0 ? !S1Bits.uxn(s1.hi) : !S1Bits.pxn(s1.hi);
    if ((need & Tlb.Write) !== 0 && !canWrite) this.fault(hi, lo, need, 'permission', 1, s1.level);
    if ((need & Tlb.Exec) !== 0 && !canExec) this.fault(hi, lo, need, 'permission', 1, s1.level);
    let perm = Tlb.Read | (canWrite ? Tlb.Write : 0) | (canExec ? Tlb.Exec : 0);
    if (this.mair[S1Bits.attrIndx(l1)] === MAIR_TAGGED) perm |= Tlb.Tagged;
    let pa = s1.outputAddress - (s1.outputAddress % PAGE_SIZE);
    const ipa = pa;
    if (this.stage2 !== null) {
      const s2 = this.s2State;
      if (!walkInto(this.stage2.root, ipa, this.readPhysDescriptor, s2)) return this.fault(hi, lo, need, 'translation', 2, s2.level, ipa);
      const l2 = s2.lo;
      if (!S2Bits.af(l2)) this.fault(hi, lo, need, 'accessFlag', 2, s2.level, ipa);
      if (!S2Bits.read(l2)) this.fault(hi, lo, need, 'permission', 2, s2.level, ipa);
      if ((need & Tlb.Write) !== 0 && !S2Bits.write(l2)) this.fault(hi, lo, need, 'permission', 2, s2.level, ipa);
      if ((need & Tlb.Exec) !== 0 && S2Bits.xn(s2.hi)) this.fault(hi, lo, need, 'permission', 2, s2.level, ipa);
      if (!S2Bits.write(l2)) perm &= ~Tlb.Write;
      if (S2Bits.xn(s2.hi)) perm &= ~Tlb.Exec;
      const memAttr = S2Bits.memAttr(l2);
      // NoTagAccess only matters where stage 1 asks for tags: an Untagged stage-1 mapping makes no tag accesses.
      if (this.stage2.mtePerm && memAttr === S2_MEMATTR_NOTAGACCESS && (perm & Tlb.Tagged) !== 0) perm |= Tlb.NoTagAccess;
      // Combining: anything but Normal write-back at stage 2 makes the memory Untagged (KVM.md §4).
      if (memAttr !== S2_MEMATTR_NORMAL_WB) perm &= ~Tlb.Tagged;
      pa = s2.outputAddress - (s2.outputAddress % PAGE_SIZE);
    }
    const frame = this.phys.frame(pa / PAGE_SIZE);
    if ((frame.flags & FrameFlag.Code) !== 0 && (need & Tlb.Write) !== 0) {
      this.invalidateCode(frame);
    }
    if ((frame.flags & FrameFlag.Code) !== 0) perm &= ~Tlb.Write;
    if ((need & Tlb.Write) !== 0) frame.flags |= FrameFlag.Dirty;
    const i = (lo >>> 12) & TLB_MASK;
    this.tlbVpn[i] = (hi & 0xffffff) * 0x100000 + (lo >>> 12);
    this.tlbFrame[i] = frame;
    this.tlbPerm[i] = perm;
    this.tlbPa[i] = pa;
    this.tlbIpa[i] = ipa;
    return i;
  }

  /** Raises the translation fault of a TLB fill (a method, not a closure, so a fill allocates nothing). */
  private fault(hi: number, lo: number, need: number, type: FaultType, stage: 1 | 2, level: number, ipa?: number): never {
    const f: MemoryFault = {
      type, stage, level, va: toBigVa(hi, lo), ipa,
      write: (need & Tlb.Write) !== 0, fetch: (need & Tlb.Exec) !== 0,
    };
    throw new GuestException(f.fetch ? { kind: 'instructionAbort', fault: f } : { kind: 'dataAbort', fault: f });
  }

  /** Stage-2 walk of an IPA (no TLB of its own: stage-1 TLB entries already hold the combined result). */
  walkStage2(ipa: number): WalkResult {
    return walk(this.stage2!.root, ipa, (pa) => this.readPhys64(pa));
  }

  /** Stage-1 walk of a VA, for the UI and for tools; does not fill the TLB or fault. */
  walkStage1(va: number): WalkResult {
    return walk(this.ttbr0, va, (ipa) => {
      if (this.stage2 === null) return this.readPhys64(ipa);
      const s2 = this.walkStage2(ipa);
      return s2.ok ? this.readPhys64(s2.outputAddress) : 0n;
    });
  }

  /** Reads a descriptor from physical memory (missing frames read as zero: invalid). */
  private readonly readPhysDescriptor = (pa: number, into: WalkState): void => {
    const f = this.phys.peek(Math.floor(pa / PAGE_SIZE));
    if (f === undefined) {
      into.lo = 0;
      into.hi = 0;
    } else {
      into.lo = f.view.getInt32(pa & PAGE_MASK, true);
      into.hi = f.view.getInt32((pa & PAGE_MASK) + 4, true);
    }
  };

  /** Reads a stage-1 descriptor at an IPA, through stage 2 when it is on. */
  private readonly readStage1Descriptor = (ipa: number, into: WalkState): void => {
    if (this.stage2 === null) return this.readPhysDescriptor(ipa, into);
    const t = this.tableState;
    if (!walkInto(this.stage2.root, ipa, this.readPhysDescriptor, t)) {
      // A stage-2 fault on a stage-1 table walk (S1PTW): reported as a stage-2 fault on the table's IPA.
      this.fault(this.walkHi, this.walkLo, this.walkNeed, 'translation', 2, t.level, ipa - (ipa % PAGE_SIZE));
    }
    this.readPhysDescriptor(t.outputAddress, into);
  };

  readPhys64(pa: number): bigint {
    const f = this.phys.peek(Math.floor(pa / PAGE_SIZE));
    return f === undefined ? 0n : f.view.getBigUint64(pa & PAGE_MASK, true);
  }

  private invalidateCode(frame: Frame): void {
    frame.flags &= ~FrameFlag.Code;
    frame.codeGeneration++;
  }

  // ---- tag checks -------------------------------------------------------------------------------

  private currentContext(): MteContext {
    if (this.ctx.generation !== this.cpu.mteGeneration || this.ctx.el !== this.cpu.el) this.ctx = mteContext(this.cpu);
    return this.ctx;
  }

  /** Tag check of an access that lies within the page of TLB entry `i` (MTE.md §2.1 steps 1–9). */
  private checkInPage(i: number, hi: number, lo: number, size: number, kind: AccessKind): void {
    const ctx = this.currentContext();
    const pre = preCheck(ctx, hi, true, kind);
    if (pre !== Check.Compare) {
      if (this.observer !== null) this.observer(toBigVa(hi, lo), size, kind, pre, -1);
      return;
    }
    if ((this.tlbPerm[i] & Tlb.NoTagAccess) !== 0) this.noTagAccessFault(hi, lo, kind, this.tlbIpa[i] + (lo & PAGE_MASK));
    const tags = this.tlbFrame[i]!.tags;
    const pointerTag = (hi >>> 24) & 0xf;
    const off = lo & PAGE_MASK;
    const first = off >> GRANULE_SHIFT;
    const last = (off + size - 1) >> GRANULE_SHIFT;
    for (let g = first; g <= last; g++) {
      const allocationTag = tags === null ? 0 : tags[g] & 0xf;
      if (allocationTag !== pointerTag) {
        this.mismatch(ctx, hi, lo, g === first ? lo : (lo & ~PAGE_MASK) | (g << GRANULE_SHIFT), size, kind, allocationTag);
        return;
      }
    }
    if (this.observer !== null) this.observer(toBigVa(hi, lo), size, kind, Check.Pass, pointerTag);
  }

  /** Tag check of a range that may cross pages; every page must already be in the TLB (see `probe`). */
  private checkRange(hi: number, lo: number, size: number, kind: AccessKind): void {
    let cHi = hi;
    let cLo = lo;
    let remaining = size;
    while (remaining > 0) {
      const chunk = Math.min(remaining, PAGE_SIZE - (cLo & PAGE_MASK));
      const i = (cLo >>> 12) & TLB_MASK;
      if ((this.tlbPerm[i] & (Tlb.Tagged | Tlb.NoTagAccess)) !== 0) this.checkInPage(i, cHi, cLo, chunk, kind);
      remaining -= chunk;
      const nlo = (cLo + chunk) | 0;
      if ((nlo >>> 0) < (cLo >>> 0)) cHi = (cHi + 1) | 0;
      cLo = nlo;
    }
  }

  private mismatch(ctx: MteContext, hi: number, lo: number, faultLo: number, size: number, kind: AccessKind, allocationTag: number): void {
    const result = onMismatch(ctx, kind);
    const va = toBigVa(hi, lo);
    if (this.observer !== null) this.observer(va, size, kind, result, allocationTag);
    if (result === Check.FaultAsync) {
      // MTE.md §3: the access completes; TFSR(E0)_EL1.TF0/TF1 records the fault by VA<55>.
      const tf = 1n << BigInt((hi >>> 23) & 1);
      if (this.cpu.el === 0) this.cpu.sys.TFSRE0_EL1 |= tf;
      else this.cpu.sys.TFSR_EL1 |= tf;
    } else if (result === Check.FaultSync) {
      const far = toBigVa(hi, faultLo);
      const fault: MemoryFault = {
        type: 'tagCheck', stage: 1, level: 3, va: far, write: kind !== AccessKind.Read, fetch: false,
        tagCheck: checkAccess(this.cpu, va, size, kind, true, (addr) => this.allocationTagAtVa(addr)),
      };
      throw new GuestException({ kind: 'dataAbort', fault });
    }
  }

  private noTagAccessFault(hi: number, lo: number, kind: AccessKind, ipa: number): never {
    const fault: MemoryFault = { type: 'noTagAccess', stage: 2, level: 3, va: toBigVa(hi, lo), ipa, write: kind !== AccessKind.Read, fetch: false };
    throw new GuestException({ kind: 'dataAbort', fault });
  }

  private observeUnchecked(hi: number, lo: number, size: number, kind: AccessKind, i: number): void {
    const pre = preCheck(this.currentContext(), hi, true, kind);
    this.observer!(toBigVa(hi, lo), size, kind, pre === Check.Compare && (this.tlbPerm[i] & Tlb.Tagged) === 0 ? Check.UntaggedMemory : pre, -1);
  }

  /** Allocation tag at a VA for explanations (null where the memory is not Tagged or not mapped). */
  allocationTagAtVa(va: bigint): number | null {
    const hi = Number((va >> 32n) & 0xffffffffn) | 0;
    const lo = Number(va & 0xffffffffn) | 0;
    try {
      const { frame, tagged } = this.frameFor(hi, lo, AccessKind.Read);
      if (!tagged) return null;
      return frame.tags === null ? 0 : frame.tags[(lo & PAGE_MASK) >> GRANULE_SHIFT] & 0xf;
    } catch (e) {
      if (e instanceof GuestException) return null;
      throw e;
    }
  }

  // ---- slow paths -------------------------------------------------------------------------------

  private readSlow(hi: number, lo: number, size: number, checked: boolean): number {
    this.probe(hi, lo, size, AccessKind.Read, checked);
    let vlo = 0;
    let vhi = 0;
    for (let b = 0; b < size; b++) {
      const byte = this.byteAt(hi, lo, b, Tlb.Read);
      if (b < 4) vlo |= byte << (8 * b);
      else vhi |= byte << (8 * (b - 4));
    }
    this.rhi = vhi;
    return size === 2 ? vlo & 0xffff : vlo;
  }

  private writeSlow(hi: number, lo: number, size: number, vlo: number, vhi: number, checked: boolean): void {
    this.probe(hi, lo, size, AccessKind.Write, checked);
    for (let b = 0; b < size; b++) {
      const byte = b < 4 ? (vlo >>> (8 * b)) & 0xff : (vhi >>> (8 * (b - 4))) & 0xff;
      const i = this.byteIndex(hi, lo, b, Tlb.Write);
      this.tlbFrame[i]!.data[((lo + b) | 0) & PAGE_MASK] = byte;
    }
  }

  private byteAt(hi: number, lo: number, b: number, need: number): number {
    const i = this.byteIndex(hi, lo, b, need);
    return this.tlbFrame[i]!.data[((lo + b) | 0) & PAGE_MASK];
  }

  private byteIndex(hi: number, lo: number, b: number, need: number): number {
    const nlo = (lo + b) | 0;
    const nhi = (nlo >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi;
    return this.lookup(nhi, nlo, need, 1, false, need === Tlb.Write ? AccessKind.Write : AccessKind.Read);
  }
}

/** Combines int32 halves into the unsigned 64-bit address, for reports. */
export function toBigVa(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
