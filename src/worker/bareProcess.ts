/**
 * A user process on a bare machine with just enough of a Linux personality to teach with: write, exit,
 * exit_group and anonymous mmap (PROT_MTE selects Normal Tagged memory). Faults end the process with the
 * signal Linux would send. The run configuration plays the part of prctl(PR_SET_TAGGED_ADDR_CTRL) and of
 * the KVM capability, so a toggle in the UI is one register field here.
 */
import type { GuestException } from '../core/cpu/exceptions.ts';
import { HCR, SCTLR, TCR, withField } from '../core/cpu/sysregs.ts';
import { Machine } from '../core/machine.ts';
import { PAGE_SIZE } from '../core/mem/physmem.ts';
import { AccessKind, explainCheck } from '../core/mte/check.ts';
import type { EventKind, RunConfig } from './protocol.ts';
import { TCF_MODES } from './protocol.ts';
import { hex64 } from './format.ts';
import type { ProgramImage } from './image.ts';

export const MMAP_BASE = 0x10000000;
export const STACK_TOP = 0x30000000;
const STACK_SIZE = 0x10000;
const MMAP_LIMIT = 16 << 20;

const PROT_WRITE = 2;
const PROT_EXEC = 4;
const PROT_MTE = 0x20;
const MAP_ANONYMOUS = 0x20;
const EINVAL = 22;
const EFAULT = 14;
const ENOSYS = 38;
const ENODEV = 19;

export const Syscall = { write: 64, exit: 93, exitGroup: 94, mmap: 222 } as const;

export interface Region {
  va: number;
  length: number;
  owner: string;
}

export interface ProcessEvent {
  kind: EventKind;
  title: string;
  why: string;
  address?: string;
}

/** What the process did with an exception: carry on, or it has ended (exited or killed by a signal). */
export type Outcome = 'continue' | 'ended';

export class BareProcess {
  readonly machine = new Machine();
  readonly regions: Region[] = [];
  /** Bumped whenever `regions` changes, so the heatmap knows to relayout. */
  layoutGeneration = 0;
  output = '';
  exitStatus: number | null = null;
  private nextMmap = MMAP_BASE;
  private mmapCount = 0;

  constructor(image: ProgramImage, readonly config: RunConfig) {
    const m = this.machine;
    for (const seg of image.segments) {
      const start = seg.va - (seg.va % PAGE_SIZE);
      m.phys.writeBytes(seg.va, seg.data);
      this.map(start, roundUp(seg.va + seg.memSize - start), seg.exec ? 'code' : 'data', { write: seg.write, exec: seg.exec, tagged: false });
    }
    this.map(STACK_TOP - STACK_SIZE, STACK_SIZE, 'stack', { write: true, exec: false, tagged: false });
    m.cpu.pc = image.entry;
    // argc = 0, argv and envp empty, auxv AT_NULL: what a static program's _start reads at SP.
    m.cpu.lo[31] = STACK_TOP - 64;
    applyConfig(m, config);
  }

  private map(va: number, length: number, owner: string, prot: { write: boolean; exec: boolean; tagged: boolean }): void {
    this.machine.mapUser(va, va, length, prot);
    this.regions.push({ va, length, owner });
    this.regions.sort((a, b) => a.va - b.va);
    this.layoutGeneration++;
  }

  /** Handles an exception the guest raised at EL0, as the kernel would, and reports what happened. */
  handle(e: GuestException, report: (ev: ProcessEvent) => void): Outcome {
    const info = e.info;
    switch (info.kind) {
      case 'svc': return this.syscall(report);
      case 'dataAbort':
      case 'instructionAbort': {
        const f = info.fault;
        const address = hex64(f.va);
        if (f.type === 'tagCheck' && f.tagCheck) {
          return this.kill(report, 'fault', 11, `SIGSEGV (SEGV_MTESERR): synchronous tag check fault on a ${f.write ? 'store' : 'load'}`, explainCheck(f.tagCheck), address);
        }
        if (f.type === 'alignment') return this.kill(report, 'fault', 7, 'SIGBUS (BUS_ADRALN): misaligned access', `the access at ${address} is not aligned as the instruction requires`, address);
        const why = f.type === 'translation' ? `nothing is mapped at ${address} (stage ${f.stage} translation fault at level ${f.level})`
          : f.type === 'permission' ? `the page at ${address} does not allow this ${f.fetch ? 'instruction fetch' : f.write ? 'write' : 'read'}`
            : `${f.type} fault at ${address}`;
        return this.kill(report, 'fault', 11, `SIGSEGV (${f.type === 'translation' ? 'SEGV_MAPERR' : 'SEGV_ACCERR'})`, why, address);
      }
      case 'undefined':
        return this.kill(report, 'fault', 4, 'SIGILL (ILL_ILLOPC): undefined instruction', `0x${info.word.toString(16).padStart(8, '0')} is ${info.why}`);
      case 'brk':
        return this.kill(report, 'fault', 5, `SIGTRAP: BRK #${info.imm}`, 'a BRK instruction stops the program as a debugger breakpoint would');
      case 'pcAlignment':
        return this.kill(report, 'fault', 7, 'SIGBUS: misaligned PC', `a branch went to 0x${info.pc.toString(16)}, which is not a multiple of 4`);
      case 'spAlignment':
        return this.kill(report, 'fault', 7, 'SIGBUS: misaligned SP', 'an SP-based access used a stack pointer that is not 16-byte aligned');
      case 'budget':
        return 'continue';
    }
  }

  /**
   * A kernel entry other than a syscall (the timer tick). Linux checks TFSRE0_EL1 on every entry from
   * EL0 and turns a recorded asynchronous tag check fault into SIGSEGV/SEGV_MTEAERR (MTE.md §7).
   */
  kernelEntry(report: (ev: ProcessEvent) => void): Outcome {
    return this.deliverAsyncFault(report) ? 'ended' : 'continue';
  }

  private deliverAsyncFault(report: (ev: ProcessEvent) => void): boolean {
    const sys = this.machine.cpu.sys;
    if ((sys.TFSRE0_EL1 & 1n) === 0n) return false;
    sys.TFSRE0_EL1 = 0n;
    this.kill(report, 'asyncFault', 11, 'SIGSEGV (SEGV_MTEAERR): asynchronous tag check fault',
      'an earlier access mismatched its tag while TCF was asynchronous; TFSRE0_EL1.TF0 recorded it and the kernel delivers the signal at this kernel entry, with si_addr 0');
    return true;
  }

  private kill(report: (ev: ProcessEvent) => void, kind: EventKind, signal: number, title: string, why: string, address?: string): Outcome {
    report({ kind, title, why, address });
    this.exitStatus = 128 + signal;
    return 'ended';
  }

  private syscall(report: (ev: ProcessEvent) => void): Outcome {
    // The syscall is not executed when an asynchronous fault is pending (-ERESTARTNOINTR, MTE.md §7).
    if (this.deliverAsyncFault(report)) return 'ended';
    const cpu = this.machine.cpu;
    const nr = cpu.lo[8];
    const arg = (i: number): number => (cpu.hi[i] >>> 0) * 2 ** 32 + (cpu.lo[i] >>> 0);
    const ret = (v: number): Outcome => {
      cpu.lo[0] = v | 0;
      cpu.hi[0] = v < 0 ? -1 : Math.floor(v / 2 ** 32) | 0;
      return 'continue';
    };
    switch (nr) {
      case Syscall.exit:
      case Syscall.exitGroup: {
        this.exitStatus = cpu.lo[0] & 0xff;
        report({ kind: 'exit', title: `exit(${this.exitStatus})`, why: 'the program asked the kernel to end it' });
        return 'ended';
      }
      case Syscall.write: {
        const fd = cpu.lo[0];
        const bytes = this.readUser(cpu.hi[1], cpu.lo[1], Math.min(arg(2), 0x10000));
        if (bytes === null) return ret(-EFAULT);
        const text = new TextDecoder().decode(bytes);
        if (fd === 1 || fd === 2) this.output += text;
        report({ kind: 'write', title: `write(${fd}, …, ${bytes.length})`, why: `the program printed ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}` });
        return ret(bytes.length);
      }
      case Syscall.mmap: return ret(this.mmap(arg(1), cpu.lo[2], cpu.lo[3], report));
      default:
        report({ kind: 'syscall', title: `syscall ${nr} → -ENOSYS`, why: `this bare machine implements write (64), exit (93), exit_group (94) and mmap (222) only` });
        return ret(-ENOSYS);
    }
  }

  private mmap(length: number, prot: number, flags: number, report: (ev: ProcessEvent) => void): number {
    if ((flags & MAP_ANONYMOUS) === 0) return -ENODEV;
    if (length === 0 || length > MMAP_LIMIT || this.nextMmap + length > STACK_TOP - STACK_SIZE) return -EINVAL;
    const va = this.nextMmap;
    const size = roundUp(length);
    const wantsMte = (prot & PROT_MTE) !== 0;
    const tagged = wantsMte && this.config.protMte;
    this.map(va, size, `mmap #${this.mmapCount++}${tagged ? ' PROT_MTE' : ''}`, { write: (prot & PROT_WRITE) !== 0, exec: (prot & PROT_EXEC) !== 0, tagged });
    this.nextMmap += size;
    report({
      kind: 'syscall', title: `mmap(${size} bytes${wantsMte ? ', PROT_MTE' : ''}) = 0x${va.toString(16)}`,
      why: tagged ? 'PROT_MTE maps the pages Normal Tagged (MAIR 0xF0); their allocation tags start at 0'
        : wantsMte ? 'PROT_MTE is switched off in the toggles, so the pages are Normal Untagged and never tag checked'
          : 'without PROT_MTE the pages are Normal Untagged memory',
    });
    return va;
  }

  /** Reads user memory for a syscall; null when part of it is not mapped readable (EFAULT). */
  private readUser(hi: number, lo: number, length: number): Uint8Array | null {
    const out = new Uint8Array(length);
    const base = (hi & 0xffff) * 2 ** 32 + (lo >>> 0);
    for (let done = 0; done < length;) {
      const va = base + done;
      const n = Math.min(length - done, PAGE_SIZE - (va % PAGE_SIZE));
      try {
        const pa = this.machine.bus.physicalAddress(Math.floor(va / 2 ** 32) | 0, va | 0, AccessKind.Read);
        out.set(this.machine.phys.readBytes(pa, n), done);
      } catch {
        return null;
      }
      done += n;
    }
    return out;
  }
}

/** Puts the run configuration into the system registers it stands for. */
export function applyConfig(m: Machine, c: RunConfig): void {
  const s = m.cpu.sys;
  s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.TCF0, 2, TCF_MODES.indexOf(c.tcf));
  s.TCR_EL1 = withField(withField(s.TCR_EL1, TCR.TCMA0, 1, Number(c.tcma0)), TCR.TCMA1, 1, Number(c.tcma1));
  s.GCR_EL1 = BigInt(c.gcrExclude & 0xffff) | (1n << 16n);
  s.RGSR_EL1 = 0x5a5an << 8n; // a fixed non-zero seed, as Linux seeds it, so IRG replays exactly
  s.el2Enabled = true;
  s.HCR_EL2 = withField(s.HCR_EL2, HCR.ATA, 1, Number(c.kvmMte));
  m.cpu.setTco(Number(c.tco));
  m.bus.refreshMteContext();
}

const roundUp = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;

