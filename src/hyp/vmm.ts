/**
 * The VMM (e.g. QEMU) as a host user process: its own address space and processing element over the
 * host's physical memory, mapping guest RAM plain by default or PROT_MTE on request (KVM.md §5). Its
 * accesses go through the same Bus and tag-check decision as the guest's; it drives KVM through calls
 * that return Linux results and never throw for anything the guest did.
 */
import { GuestException } from '../core/cpu/exceptions.ts';
import { CpuState } from '../core/cpu/state.ts';
import { SCTLR, TCR, withField } from '../core/cpu/sysregs.ts';
import { PAGE_SIZE } from '../core/mem/physmem.ts';
import { Bus } from '../core/mmu/bus.ts';
import { MAIR_DEVICE_nGnRnE, MAIR_NORMAL_WB, MAIR_TAGGED } from '../core/mmu/descriptors.ts';
import { MairIndex } from '../core/machine.ts';
import { AccessKind } from '../core/mte/check.ts';
import { Errno } from './errno.ts';
import { because } from './events.ts';
import { loadTag, storeTag } from './guestAccess.ts';
import type { Host } from './host.ts';
import { KVM_ARM_MTE_COPY_TAGS, slotHva, Vm, type UserAccess } from './kvm.ts';
import { Mm, type MmapRequest } from './mm.ts';

export type VmmResult<T> =
  | { ok: true; value: T }
  | { ok: false; signal: 'SIGSEGV'; code: 'SEGV_MAPERR' | 'SEGV_MTESERR'; addr: number; why: string };

export interface CopyTagsArgs {
  guestIpa: number;
  length: number;
  addr: number;
  flags: number;
  reserved?: [number, number];
}

/** What the VMM spent, for comparing designs (KVM.md §10). */
export interface VmmCosts {
  mappings: number;
  syscalls: number;
  /** Tag bytes moved between kernel and VMM. */
  tagBytes: number;
  /** LDG/STG the VMM executed itself (EL0 has no LDGM/STGM). */
  tagInstructions: number;
}

export class Vmm implements UserAccess {
  readonly mm: Mm;
  readonly cpu = new CpuState();
  readonly bus: Bus;
  readonly costs: VmmCosts = { mappings: 0, syscalls: 0, tagBytes: 0, tagInstructions: 0 };
  private scratch = 0;

  constructor(readonly host: Host, readonly name = 'vmm') {
    this.mm = new Mm(host, name);
    this.bus = new Bus(this.cpu, host.phys);
    this.cpu.bus = this.bus;
    this.bus.mair[MairIndex.Device_nGnRnE] = MAIR_DEVICE_nGnRnE;
    this.bus.mair[MairIndex.Normal] = MAIR_NORMAL_WB;
    this.bus.mair[MairIndex.NormalTagged] = MAIR_TAGGED;
    this.bus.ttbr0 = this.mm.stage1.root;
    this.mm.buses.push(this.bus);
  }

  mmap(req: MmapRequest): number {
    this.costs.syscalls++;
    const r = this.mm.mmap(req);
    if (r >= 0) this.costs.mappings++;
    return r;
  }

  /** mprotect(PROT_READ | PROT_WRITE | (mte ? PROT_MTE : 0)) over [addr, addr + length). */
  mprotectMte(addr: number, length: number, mte: boolean): number {
    this.costs.syscalls++;
    return this.mm.mprotectMte(addr, length, mte);
  }

  /** prctl(PR_SET_TAGGED_ADDR_CTRL): tag-check fault mode for this process (0 none, 1 sync, 2 async). */
  setTagCheckFault(tcf: 0 | 1 | 2): void {
    this.costs.syscalls++;
    this.cpu.sys.SCTLR_EL1 = withField(this.cpu.sys.SCTLR_EL1, SCTLR.TCF0, 2, tcf);
    this.cpu.mteGeneration++;
  }

  /** MSR TCO: PSTATE.TCO = 1 suppresses this process's tag checks. */
  setTco(on: boolean): void {
    this.cpu.setTco(on ? 1 : 0);
  }

  /** Hypothetical (KVM.md §10 (e)): user space allowed to set TCR_EL1.TCMA0, making tag-0 pointers match all. */
  setTcma0(on: boolean): void {
    this.costs.syscalls++;
    this.cpu.sys.TCR_EL1 = withField(this.cpu.sys.TCR_EL1, TCR.TCMA0, 1, on ? 1 : 0);
    this.cpu.mteGeneration++;
  }

  // ---- user accesses ----------------------------------------------------------------------------

  /**
   * Copies [hva, hva + length) to or from `buf` at `bufOff` (write: from `buf` into memory), translating
   * and tag-checking each page with a pointer carrying `tag`; page faults are handled by the host kernel
   * as they come. Returns the bytes done, or -1 with the signal the process would get in `lastSignal`.
   */
  private access(hva: number, length: number, write: boolean, tag: number, buf: Uint8Array, bufOff: number): number {
    const kind = write ? AccessKind.Write : AccessKind.Read;
    let done = 0;
    while (done < length) {
      const addr = hva + done;
      const off = addr % PAGE_SIZE;
      const n = Math.min(length - done, PAGE_SIZE - off);
      const hi = (Math.floor(addr / 2 ** 32) | (tag << 24)) | 0;
      const lo = addr | 0;
      try {
        this.bus.probe(hi, lo, n, kind, true);
        const data = this.bus.frameAt(hi, lo, kind).data;
        const whole = n === PAGE_SIZE && buf.length === PAGE_SIZE;
        if (write) data.set(whole ? buf : buf.subarray(bufOff + done, bufOff + done + n), off);
        else if (whole) buf.set(data);
        else buf.set(data.subarray(off, off + n), bufOff + done);
        done += n;
      } catch (e) {
        if (!(e instanceof GuestException) || (e.info.kind !== 'dataAbort')) throw e;
        const f = e.info.fault;
        if (f.type === 'tagCheck') return this.segv('SEGV_MTESERR', Number(f.va & 0x00ff_ffff_ffff_ffffn), `The VMM's pointer tag 0x${tag.toString(16)} does not match the guest's tag on a PROT_MTE mapping: synchronous tag-check fault (SIGSEGV).`, done);
        const r = this.mm.fault(addr, write);
        if ('errno' in r) return this.segv('SEGV_MAPERR', addr, r.why, done);
      }
    }
    return done;
  }

  /** The signal of the last access that failed. */
  lastSignal: Extract<VmmResult<number>, { ok: false }> | null = null;

  private segv(code: 'SEGV_MAPERR' | 'SEGV_MTESERR', addr: number, why: string, done: number): number {
    this.host.log.emit('vmmFault', { vmm: this.name, addr, code, bytesDone: done }, because(this.host.profile, 'KVM.md §5', why));
    this.lastSignal = { ok: false, signal: 'SIGSEGV', code, addr, why };
    return -1;
  }

  read(hva: number, length: number, tag = 0): VmmResult<Uint8Array> {
    const out = new Uint8Array(length);
    return this.access(hva, length, false, tag, out, 0) < 0 ? this.lastSignal! : { ok: true, value: out };
  }

  write(hva: number, bytes: Uint8Array, tag = 0): VmmResult<number> {
    const n = this.access(hva, bytes.length, true, tag, bytes, 0);
    return n < 0 ? this.lastSignal! : { ok: true, value: n };
  }

  /** Reads into `dst` at `dstOff` without allocating (migration's bulk copy): bytes read, or -1 (see lastSignal). */
  readInto(hva: number, dst: Uint8Array, dstOff: number, length: number, tag = 0): number {
    return this.access(hva, length, false, tag, dst, dstOff);
  }

  writeFrom(hva: number, src: Uint8Array, srcOff: number, length: number, tag = 0): number {
    return this.access(hva, length, true, tag, src, srcOff);
  }

  /** LDG at EL0 through this process's mapping (0 on a plain mapping, whose memory is Untagged). */
  ldg(hva: number): VmmResult<number> {
    return this.tagInstruction(hva, false, () => loadTag(this.cpu, BigInt(hva)));
  }

  /** STG at EL0 of tag `tag` into the granule at `hva` (ignored on a plain mapping). */
  stg(hva: number, tag: number): VmmResult<number> {
    return this.tagInstruction(hva, true, () => {
      storeTag(this.cpu, (BigInt(tag) << 56n) | BigInt(hva));
      return tag;
    });
  }

  private tagInstruction(hva: number, write: boolean, op: () => number): VmmResult<number> {
    this.costs.tagInstructions++;
    for (;;) {
      try {
        return { ok: true, value: op() };
      } catch (e) {
        if (!(e instanceof GuestException)) throw e;
        const r = this.mm.fault(hva, write);
        if ('errno' in r) {
          this.segv('SEGV_MAPERR', hva, r.why, 0);
          return this.lastSignal!;
        }
      }
    }
  }

  // ---- uaccess for KVM --------------------------------------------------------------------------

  copyFromUser(addr: number, dst: Uint8Array, n: number): number {
    const r = this.access(addr, n, false, 0, dst, 0);
    return r >= 0 ? r : this.lastDone(addr, n, false);
  }

  copyToUser(addr: number, src: Uint8Array, n: number): number {
    const r = this.access(addr, n, true, 0, src, 0);
    return r >= 0 ? r : this.lastDone(addr, n, true);
  }

  /** Bytes of [addr, addr+n) that are accessible before the first page that is not. */
  private lastDone(addr: number, n: number, write: boolean): number {
    let done = 0;
    while (done < n) {
      const vma = this.mm.find(addr + done);
      if (vma === undefined || (write && !vma.write)) break;
      done += Math.min(n - done, PAGE_SIZE - ((addr + done) % PAGE_SIZE));
    }
    return done;
  }

  // ---- KVM --------------------------------------------------------------------------------------

  /** KVM_CREATE_VM. */
  createVm(opts: { protectedVm?: boolean } = {}): Vm {
    this.costs.syscalls++;
    return new Vm(this.host, this, opts);
  }

  ioctl(vm: Vm, request: number, arg: number): number {
    this.costs.syscalls++;
    return vm.ioctl(request, arg);
  }

  /**
   * The VMM's answer to KVM_EXIT_ARM_NOTAG_ACCESS in the FEAT_MTE_PERM proposal (KVM.md §8, not merged),
   * which leaves it to the VMM to "remap the pages so that access tag storage is allowed": the guest page at
   * `gpa` moves to anonymous (tag-capable) memory at the same address. Its data is copied out, an anonymous
   * page is mapped over it (MAP_FIXED) and the data copied back. Unmapping the old page reaches KVM through
   * the MMU notifier, so the guest's retried access faults at stage 2 and KVM maps the new page Normal
   * tagged, clearing its tags first. Returns 0, or -EFAULT when no memslot covers `gpa`.
   */
  remapTagCapable(vm: Vm, gpa: number): number {
    const page = gpa - (gpa % PAGE_SIZE);
    const slot = vm.slotFor(page);
    if (slot === undefined) return -Errno.EFAULT;
    const hva = slotHva(slot, page);
    const data = this.read(hva, PAGE_SIZE);
    if (!data.ok) return -Errno.EFAULT;
    const r = this.mmap({ length: PAGE_SIZE, kind: 'anonymous', addr: hva });
    if (r < 0) return r;
    const back = this.write(hva, data.value);
    return back.ok ? 0 : -Errno.EFAULT;
  }

  /** Fills a struct kvm_arm_copy_mte_tags in this process's memory and issues KVM_ARM_MTE_COPY_TAGS. */
  copyTags(vm: Vm, a: CopyTagsArgs): number {
    if (this.scratch === 0) this.scratch = this.mm.mmap({ length: PAGE_SIZE, kind: 'anonymous' });
    const raw = new Uint8Array(48);
    const v = new DataView(raw.buffer);
    const put = (o: number, x: number): void => {
      v.setUint32(o, x % 2 ** 32, true);
      v.setUint32(o + 4, Math.floor(x / 2 ** 32), true);
    };
    put(0, a.guestIpa);
    put(8, a.length);
    put(16, a.addr);
    put(24, a.flags);
    put(32, a.reserved?.[0] ?? 0);
    put(40, a.reserved?.[1] ?? 0);
    this.write(this.scratch, raw);
    const r = this.ioctl(vm, KVM_ARM_MTE_COPY_TAGS, this.scratch);
    if (r > 0) this.costs.tagBytes += r / 16;
    return r;
  }
}
