/**
 * copy_from_user / copy_to_user: how the personality touches user memory on a syscall's behalf. Every
 * access goes through the bus as an EL0 (unprivileged, LDTR/STTR-like) access, so permissions, demand
 * paging and MTE apply exactly as for the program. Tag checks apply only when SCTLR_EL1.TCF0 bit 0 is set
 * (sync or asymmetric mode): Linux clears PSTATE.TCO on kernel entry only then (MTE.md §7). A fault
 * returns null, which the syscall turns into -EFAULT.
 */
import { GuestException } from '../../core/cpu/exceptions.ts';
import type { CpuState } from '../../core/cpu/state.ts';
import { field, SCTLR } from '../../core/cpu/sysregs.ts';
import { PAGE_MASK, PAGE_SIZE } from '../../core/mem/physmem.ts';
import type { Bus } from '../../core/mmu/bus.ts';
import { AccessKind } from '../../core/mte/check.ts';
import type { AddressSpace } from './addressSpace.ts';

/** What happened on the last failed access, for the event log. */
export interface UaccessFault {
  va: bigint;
  exception: GuestException;
}

export class UserMemory {
  /** PR_TAGGED_ADDR_ENABLE: syscalls accept pointers with a non-zero top byte. */
  taggedAddrAbi = false;
  lastFault: UaccessFault | null = null;
  /** Bytes the kernel has copied to or from user memory: its work, which instruction budgets charge. */
  bytesCopied = 0;
  /** Under KVM: resolves a stage-2 fault taken while touching user memory (true = retry). */
  hostFaultHandler: ((e: GuestException) => boolean) | null = null;

  constructor(private readonly cpu: CpuState, private readonly bus: Bus, private readonly space: AddressSpace) {}

  /** Reads `length` bytes at `va`, or null on a fault. */
  read(va: bigint, length: number): Uint8Array | null {
    const out = new Uint8Array(length);
    return this.access(va, length, AccessKind.Read, (data, off, done, n) => out.set(data.subarray(off, off + n), done)) ? out : null;
  }

  /** Writes `bytes` at `va`; false on a fault (bytes before the faulting page may have been written). */
  write(va: bigint, bytes: Uint8Array): boolean {
    return this.access(va, bytes.length, AccessKind.Write, (data, off, done, n) => data.set(bytes.subarray(done, done + n), off));
  }

  /** Whether the `length` bytes at `va` could be read (or written), paging in as a copy would, without copying. */
  accessible(va: bigint, length: number, kind: AccessKind): boolean {
    return this.access(va, length, kind, () => {});
  }

  readU64(va: bigint): bigint | null {
    const b = this.read(va, 8);
    return b === null ? null : new DataView(b.buffer).getBigUint64(0, true);
  }

  writeU64(va: bigint, v: bigint): boolean {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    return this.write(va, b);
  }

  /** A NUL-terminated string of at most `max` bytes (without the NUL), or null on a fault or overlong string. */
  readCString(va: bigint, max = 4096): string | null {
    const bytes: number[] = [];
    for (let i = 0; i < max; i++) {
      const b = this.read(va + BigInt(i), 1);
      if (b === null) return null;
      if (b[0] === 0) return new TextDecoder().decode(new Uint8Array(bytes));
      bytes.push(b[0]);
    }
    return null;
  }

  private access(va: bigint, length: number, kind: AccessKind, copy: (data: Uint8Array, off: number, done: number, n: number) => void): boolean {
    this.lastFault = null;
    if (length === 0) return true;
    // access_ok(): without the tagged address ABI a pointer with a top byte is not a user address.
    if (!this.taggedAddrAbi && va >> 56n !== 0n) return false;
    if ((va & 0x00ff_ffff_ffff_ffffn) + BigInt(length) > 2n ** 48n) return false;
    const checked = (field(this.cpu.sys.SCTLR_EL1, SCTLR.TCF0, 2) & 1) === 1;
    const savedTco = this.cpu.tco;
    if (checked && savedTco !== 0) this.cpu.setTco(0);
    try {
      let done = 0;
      while (done < length) {
        const a = va + BigInt(done);
        const hi = Number((a >> 32n) & 0xffff_ffffn) | 0;
        const lo = Number(a & 0xffff_ffffn) | 0;
        const n = Math.min(PAGE_SIZE - (lo & PAGE_MASK), length - done);
        if (!this.probe(a, hi, lo, n, kind, checked)) return false;
        copy(this.bus.frameFor(hi, lo, kind).frame.data, lo & PAGE_MASK, done, n);
        done += n;
        this.bytesCopied += n;
      }
      return true;
    } finally {
      if (checked && savedTco !== 0) this.cpu.setTco(savedTco);
    }
  }

  /** Translates and checks one in-page chunk, paging in on demand; false on a fault. */
  private probe(va: bigint, hi: number, lo: number, n: number, kind: AccessKind, checked: boolean): boolean {
    for (;;) {
      try {
        this.bus.probe(hi, lo, n, kind, checked);
        return true;
      } catch (e) {
        if (!(e instanceof GuestException)) throw e;
        if (this.hostFaultHandler?.(e)) continue;
        const info = e.info;
        const demand = info.kind === 'dataAbort' && info.fault.type === 'translation' && info.fault.stage === 1 &&
          (va & 0x00ff_0000_0000_0000n) === 0n &&
          this.space.resolveTranslationFault(Number(va & 0xffff_ffff_ffffn), kind === AccessKind.Read ? 'read' : 'write') === 'mapped';
        if (!demand) {
          this.lastFault = { va, exception: e };
          return false;
        }
      }
    }
  }
}
