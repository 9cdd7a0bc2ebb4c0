/**
 * A Linux user process on one emulated CPU: the ELF loaded into a fresh address space, the initial stack,
 * and the kernel side of every exception the program takes (syscalls, page faults, signals, the periodic
 * timer interrupt that notices asynchronous tag-check faults). The engine, the UI and the KVM model drive
 * it step by step with `step(n)`; it never touches Node APIs, so it runs in a Web Worker as well.
 */
import { GuestException, type GuestExceptionKind, type MemoryFault } from '../../core/cpu/exceptions.ts';
import { run } from '../../core/cpu/run.ts';
import { field, SCTLR } from '../../core/cpu/sysregs.ts';
import { disassemble } from '../../core/isa/disasm.ts';
import { Machine } from '../../core/machine.ts';
import { PAGE_MASK } from '../../core/mem/physmem.ts';
import { AccessKind, Check, explainCheck, type CheckResult, type TagCheckOutcome } from '../../core/mte/check.ts';
import { parseElf, PF_R, PF_W, PF_X, type ElfImage } from '../elf.ts';
import { IdentityGuestPhysical, type GuestPhysical } from '../guestPhys.ts';
import { Prot, SaFlag, Sig, SiCode, SIGNAL_NAMES, SYSCALL_NAMES, UID } from './abi.ts';
import { AddressSpace, PAGE, pageUp, STACK_END, STACK_SIZE, VDSO_BASE, type AccessNeed } from './addressSpace.ts';
import type { GuestDevice, OpenFile } from './devices.ts';
import { buildInitialStack } from './initialStack.ts';
import { ByteSink } from './byteSink.ts';
import { DEFAULT_LIMITS, ResourceLimitError, type ProcessLimits } from './limits.ts';
import {
  decodeFrame, encodeFrame, encodeSigInfo, FRAME_SIZE, PSTATE_TCO, SIG_DFL, SIG_IGN, SignalState, SS_AUTODISARM,
  SS_DISABLE, UNBLOCKABLE, visibleSiAddr, sigBit, type SigInfo,
} from './signals.ts';
import { syscall, type SyscallOutcome } from './syscalls.ts';
import { TaggedAddrCtrl, type TagCtrlConfig } from './tagCtrl.ts';
import { UserMemory } from './uaccess.ts';

export interface ProcessOptions {
  argv?: string[];
  env?: string[];
  stdin?: Uint8Array;
  /** Instructions between two timer interrupts (where pending asynchronous tag faults are noticed). */
  timerInterval?: number;
  tagCtrl?: TagCtrlConfig;
  /** Guest-physical memory; the bare machine's identity mapping by default. */
  guestPhysical?: (m: Machine) => GuestPhysical;
  /** The processing element and memory to run on (a KVM vCPU's under the hypervisor); a new bare Machine by default. */
  machine?: Machine;
  onEvent?: (e: ProcessEvent) => void;
  /** Each executed instruction and each tag-check decision, one line each (slow: single-steps). */
  trace?: (line: string) => void;
  /** Output as it is written (fd 1 or 2), besides the buffers. */
  onOutput?: (fd: 1 | 2, bytes: Uint8Array) => void;
  /** Resource limits; each one left out has its default (src/guest/linux/limits.ts). */
  limits?: Partial<ProcessLimits>;
  /** Device regions the machine gives the guest, opened as UIO nodes (src/guest/linux/devices.ts). */
  devices?: readonly GuestDevice[];
}

export type ProcessEvent =
  | { kind: 'syscall'; instructions: number; pc: number; nr: number; name: string; args: bigint[]; result: bigint | 'restart' | 'noreturn' }
  | { kind: 'fault'; instructions: number; pc: number; exception: GuestExceptionKind; explanation: string; tagCheck?: TagCheckOutcome }
  | { kind: 'demandPage'; va: number; frame: number }
  | { kind: 'deviceMap'; va: number; ipa: number; length: number; path: string; tagged: boolean }
  | { kind: 'asyncTagFault'; instructions: number; entry: 'syscall' | 'timer' | 'exception' }
  | { kind: 'signal'; instructions: number; signo: number; code: number; addr: bigint; action: 'handler' | 'ignored' | 'killed' }
  | { kind: 'sigreturn'; instructions: number; pc: number }
  | { kind: 'exit'; instructions: number; status: number; reason: 'exit' | 'signal' | 'error'; message?: string }
  | { kind: 'diagnostic'; message: string };

export type ProcessState = 'running' | 'exited' | 'killed' | 'error';

export type CreateResult = { ok: true; process: LinuxProcess } | { ok: false; error: string };

const DEFAULT_TIMER_INTERVAL = 10_000;
/** rt_sigreturn via the signal trampoline page: `mov x8, #139; svc #0`. */
const TRAMPOLINE = [0xd2801168, 0xd4000001];

/** Bytes of kernel copying that an instruction budget charges as one instruction (about the same host time). */
export const KERNEL_COPY_BYTES = 64;

export class LinuxProcess {
  readonly machine: Machine;
  readonly space: AddressSpace;
  readonly user: UserMemory;
  readonly signals = new SignalState();
  readonly tagCtrl: TaggedAddrCtrl;
  readonly limits: ProcessLimits;
  readonly stdout: ByteSink;
  readonly stderr: ByteSink;
  readonly stdin: Uint8Array;
  stdinOffset = 0;
  /** Open file descriptors: which standard stream each one is (or /dev/null, or a device node). */
  readonly files = new Map<number, OpenFile>([[0, 'stdin'], [1, 'stdout'], [2, 'stderr']]);
  readonly devices: readonly GuestDevice[];
  brkStart: number;
  brk: number;
  state: ProcessState = 'running';
  /** Exit status as a shell reports it: the exit code, or 128+signal. */
  status = 0;
  termSignal = 0;
  message = '';
  instructions = 0;
  /**
   * Steps taken by `step`: instructions retired plus kernel entries plus stage-2 faults the host fixed.
   * The engine's clock; `step(a)` then `step(b)` equals `step(a + b)`, which makes replay exact.
   */
  steps = 0;
  readonly diagnostics: string[] = [];
  /** thread.fault_address / thread.fault_code of the last fault, written into signal frames. */
  faultAddress = 0n;
  faultCode = 0n;
  /** Deterministic generator state for getrandom. */
  randomState = 0x9e3779b9;
  /**
   * Under KVM: resolves stage-2 faults the guest takes: true = handled, retry the instruction; 'exit' = the
   * vCPU left the guest for the VMM, and the instruction is retried when the guest runs again.
   */
  hostFaultHandler: ((e: GuestException) => boolean | 'exit') | null = null;
  readonly image: ElfImage;
  private untilTick: number;
  private readonly timerInterval: number;
  private interrupted = false;
  private readonly warned = new Set<string>();
  private events = 0;

  private constructor(image: ElfImage, private readonly opts: ProcessOptions) {
    this.image = image;
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.stdout = new ByteSink(this.limits.outputBytes);
    this.stderr = new ByteSink(this.limits.outputBytes);
    this.machine = opts.machine ?? new Machine();
    const gp = opts.guestPhysical?.(this.machine) ?? new IdentityGuestPhysical(this.machine.phys);
    this.space = new AddressSpace(this.machine.bus, this.machine.phys, gp);
    this.space.maxPages = Math.floor(this.limits.memoryBytes / PAGE);
    this.space.onDemandPage = (va, frame) => this.emit({ kind: 'demandPage', va, frame });
    this.user = new UserMemory(this.machine.cpu, this.machine.bus, this.space);
    this.user.hostFaultHandler = (e) => this.hostFaultHandler?.(e) === true;
    this.devices = opts.devices ?? [];
    this.tagCtrl = new TaggedAddrCtrl(this.machine.cpu, opts.tagCtrl);
    this.stdin = opts.stdin ?? new Uint8Array(0);
    this.timerInterval = opts.timerInterval ?? DEFAULT_TIMER_INTERVAL;
    this.untilTick = this.timerInterval;
    this.brkStart = this.brk = pageUp(image.end);
    this.loadImage();
    this.setUpStack(opts.argv ?? ['program'], opts.env ?? []);
    if (opts.trace) this.machine.bus.observer = (va, size, kind, result, tag) => this.traceCheck(va, size, kind, result, tag);
  }

  /** Parses and loads `elf`; a bad file is an error value with one sentence, never an exception. */
  static create(elf: Uint8Array, opts: ProcessOptions = {}): CreateResult {
    const parsed = parseElf(elf);
    if (!parsed.ok) return parsed;
    return LinuxProcess.fromImage(parsed.image, opts);
  }

  /** Loads an already parsed (or assembled) image. */
  static fromImage(image: ElfImage, opts: ProcessOptions = {}): CreateResult {
    try {
      return { ok: true, process: new LinuxProcess(image, opts) };
    } catch (e) {
      if (e instanceof ResourceLimitError) return { ok: false, error: `the program does not fit: ${e.message}` };
      throw e;
    }
  }

  get cpu() {
    return this.machine.cpu;
  }

  get vmas() {
    return this.space.vmas;
  }

  private loadImage(): void {
    for (const seg of this.image.segments) {
      const prot = (seg.flags & PF_R ? Prot.READ : 0) | (seg.flags & PF_W ? Prot.WRITE : 0) | (seg.flags & PF_X ? Prot.EXEC : 0);
      const start = seg.vaddr - (seg.vaddr % PAGE);
      const end = pageUp(seg.vaddr + seg.memsz);
      // Segments may share a page at their ends: the shared page gets both segments' permissions.
      const shared = this.space.find(start);
      if (shared && shared.end > start) {
        shared.prot |= prot;
        if (end > shared.end) this.space.map(shared.end, end, prot, 'elf', false);
      } else {
        this.space.map(start, end, prot, 'elf', false);
      }
      this.space.load(seg.vaddr, seg.data);
    }
    const tramp = new Uint8Array(TRAMPOLINE.length * 4);
    TRAMPOLINE.forEach((w, i) => new DataView(tramp.buffer).setUint32(i * 4, w, true));
    this.space.map(VDSO_BASE, VDSO_BASE + PAGE, Prot.READ | Prot.EXEC, 'vdso', false);
    this.space.load(VDSO_BASE, tramp);
  }

  private setUpStack(argv: string[], env: string[]): void {
    this.space.map(STACK_END - STACK_SIZE, STACK_END, Prot.READ | Prot.WRITE, 'stack', true);
    const random = new Uint8Array(16);
    for (let i = 0; i < 16; i++) random[i] = (i * 0x3b + 0x5a) & 0xff;
    const st = buildInitialStack(STACK_END, this.image, {
      argv, env, execfn: argv[0] ?? 'program', random, mteLevel: this.cpu.sys.mteLevel, uid: UID, gid: UID,
    });
    this.space.load(st.base, st.bytes);
    this.cpu.setX(31, BigInt(st.sp));
    this.cpu.pc = this.image.entry;
  }

  /**
   * The kernel's copying to and from user memory in instruction units (one per KERNEL_COPY_BYTES), which
   * instruction budgets charge besides the steps: a syscall is one step however much it copies, so without
   * this a loop of write(fd, buf, 1 GiB) would outlast any budget. Not part of the clock (replay stays exact).
   */
  get kernelWork(): number {
    return Math.floor(this.user.bytesCopied / KERNEL_COPY_BYTES);
  }

  // ---- running ----------------------------------------------------------------------------------

  /**
   * Runs up to `n` instructions (each kernel entry counts as one), stopping early when the process ends.
   * Returns how many were used. With `chargeKernelWork`, the kernel's copying during the call (kernelWork)
   * counts against `n` too, so an instruction budget bounds it; it is still not part of the steps returned.
   */
  step(n: number, chargeKernelWork = false): number {
    let used = 0;
    const work0 = this.kernelWork;
    const charged = (): number => (chargeKernelWork ? used + this.kernelWork - work0 : used);
    this.interrupted = false;
    try {
      while (charged() < n && this.state === 'running' && !this.interrupted) {
        if (this.opts.trace) this.traceInstruction();
        const budget = this.opts.trace ? 1 : Math.min(n - charged(), this.untilTick);
        const r = run(this.cpu, this.machine.bus, budget);
        used += r.executed;
        this.steps += r.executed;
        this.instructions += r.executed;
        this.untilTick -= r.executed;
        if (r.exception !== null) {
          used++;
          this.steps++;
          // A stage-2 fault is taken to the hypervisor (EL2): the guest kernel never sees it.
          if (isStage2Abort(r.exception)) this.hostFault(r.exception);
          else this.enterKernel(r.exception);
        }
        if (this.untilTick <= 0 && this.state === 'running') {
          this.untilTick = this.timerInterval;
          this.kernelEntry('timer');
          this.returnToUser();
        }
      }
    } catch (e) {
      // A limit reached inside the kernel where Linux would have no error to return (a page fault).
      if (!(e instanceof ResourceLimitError)) throw e;
      this.fail(e.message);
    }
    return used;
  }

  /** A stage-2 fault goes to the host; one it cannot fix (an exit to a VMM with no device there) stops the run. */
  private hostFault(e: GuestException): void {
    const r = this.hostFaultHandler?.(e);
    if (r === true) return;
    if (r === 'exit') return this.interrupt();
    const f = (e.info as Extract<GuestExceptionKind, { kind: 'dataAbort' }>).fault;
    this.fail(`unhandled stage-2 ${f.type} fault at IPA 0x${(f.ipa ?? 0).toString(16)}`);
  }

  /** Makes the current `step` return after the step in progress (an observer saw what it waited for). */
  interrupt(): void {
    this.interrupted = true;
  }

  /** The kernel side of one exception taken from EL0. */
  enterKernel(e: GuestException): void {
    const info = e.info;
    if (info.kind === 'svc') {
      this.instructions++; // the SVC itself completed
      this.untilTick--;
      const asyncFault = this.kernelEntry('syscall');
      if (asyncFault) {
        // el0_svc_common: with an async tag fault pending the syscall is not run but restarted after the handler.
        this.cpu.pc -= 4;
        this.emitSyscall('restart');
      } else {
        this.runSyscall();
      }
    } else {
      this.kernelEntry('exception');
      this.handleFault(e);
    }
    this.returnToUser();
  }

  /** check_mte_async_tcf: notices TFSRE0_EL1.TF0 on every entry from EL0, clears it, flags the task. */
  private kernelEntry(entry: 'syscall' | 'timer' | 'exception'): boolean {
    const s = this.cpu.sys;
    if ((s.TFSRE0_EL1 & 1n) === 0n) return false;
    s.TFSRE0_EL1 = 0n;
    this.emit({ kind: 'asyncTagFault', instructions: this.instructions, entry });
    this.signals.send({ signo: Sig.SIGSEGV, code: SiCode.SEGV_MTEAERR, addr: 0n });
    return true;
  }

  private runSyscall(): void {
    const nr = Number(this.cpu.getX(8));
    const args = [0, 1, 2, 3, 4, 5].map((i) => this.cpu.getX(i));
    const outcome: SyscallOutcome = syscall(this, nr, args);
    if (typeof outcome === 'bigint') this.cpu.setX(0, BigInt.asUintN(64, outcome));
    this.emitSyscall(outcome, nr, args);
  }

  private emitSyscall(result: SyscallOutcome | 'restart', nr = Number(this.cpu.getX(8)), args: bigint[] = []): void {
    if (!this.opts.onEvent) return;
    this.emit({ kind: 'syscall', instructions: this.instructions, pc: this.cpu.pc, nr, name: SYSCALL_NAMES[nr] ?? `syscall ${nr}`, args, result });
  }

  // ---- faults -----------------------------------------------------------------------------------

  private handleFault(e: GuestException): void {
    const info = e.info;
    if (isStage2Abort(e)) return this.hostFault(e);
    if ((info.kind === 'dataAbort' || info.kind === 'instructionAbort') && info.fault.type === 'translation') {
      const va = info.fault.va;
      const need: AccessNeed = info.fault.fetch ? 'exec' : info.fault.write ? 'write' : 'read';
      const r = (va & 0x00ff_0000_0000_0000n) !== 0n ? 'maperr' : this.space.resolveTranslationFault(Number(va & 0xffff_ffff_ffffn), need);
      if (r === 'mapped') return;
      this.fault(e, { signo: Sig.SIGSEGV, code: r === 'maperr' ? SiCode.SEGV_MAPERR : SiCode.SEGV_ACCERR, addr: va }, esrOf(info.fault));
      return;
    }
    switch (info.kind) {
      case 'dataAbort':
      case 'instructionAbort': {
        const f = info.fault;
        if (f.type === 'alignment') this.fault(e, { signo: Sig.SIGBUS, code: SiCode.BUS_ADRALN, addr: f.va }, esrOf(f));
        else if (f.type === 'tagCheck') this.fault(e, { signo: Sig.SIGSEGV, code: SiCode.SEGV_MTESERR, addr: f.va, tagFault: true }, esrOf(f));
        else this.fault(e, { signo: Sig.SIGSEGV, code: f.type === 'permission' || f.type === 'accessFlag' ? SiCode.SEGV_ACCERR : SiCode.SEGV_MAPERR, addr: f.va }, esrOf(f));
        return;
      }
      case 'undefined':
        this.fault(e, { signo: Sig.SIGILL, code: SiCode.ILL_ILLOPC, addr: BigInt(this.cpu.pc) }, 0n);
        return;
      case 'pcAlignment':
        this.fault(e, { signo: Sig.SIGBUS, code: SiCode.BUS_ADRALN, addr: BigInt(info.pc) }, 0n);
        return;
      case 'spAlignment':
        this.fault(e, { signo: Sig.SIGBUS, code: SiCode.BUS_ADRALN, addr: this.cpu.getX(31) }, 0n);
        return;
      case 'brk':
        this.fault(e, { signo: Sig.SIGTRAP, code: SiCode.TRAP_BRKPT, addr: BigInt(this.cpu.pc) }, 0n);
        return;
      case 'budget':
      case 'svc':
        return;
    }
  }

  /** Records the fault (thread.fault_address/fault_code) and forces its signal. */
  private fault(e: GuestException, sig: SigInfo, esr: bigint): void {
    const info = e.info;
    const memFault = info.kind === 'dataAbort' || info.kind === 'instructionAbort' ? info.fault : undefined;
    this.faultAddress = memFault ? memFault.va & 0x00ff_ffff_ffff_ffffn : 0n;
    this.faultCode = esr;
    this.emit({
      kind: 'fault', instructions: this.instructions, pc: this.cpu.pc, exception: info,
      explanation: explainFault(info), tagCheck: memFault?.tagCheck,
    });
    this.signals.send({ ...sig, forced: true });
  }

  // ---- signals ----------------------------------------------------------------------------------

  /** Delivers every deliverable pending signal, nesting frames as Linux does on the way back to EL0. */
  returnToUser(): void {
    while (this.state === 'running') {
      const info = this.signals.next();
      if (info === null) return;
      const a = this.signals.actions[info.signo];
      const addr = info.addr ?? 0n;
      if (a.handler === SIG_IGN || (a.handler === SIG_DFL && this.signals.isDefaultIgnored(info.signo))) {
        this.emit({ kind: 'signal', instructions: this.instructions, signo: info.signo, code: info.code, addr, action: 'ignored' });
        continue;
      }
      if (a.handler === SIG_DFL) {
        this.emit({ kind: 'signal', instructions: this.instructions, signo: info.signo, code: info.code, addr, action: 'killed' });
        this.kill(info.signo);
        return;
      }
      this.emit({ kind: 'signal', instructions: this.instructions, signo: info.signo, code: info.code, addr, action: 'handler' });
      if (!this.setUpFrame(info)) {
        // force_sigsegv(): a frame that cannot be written becomes SIGSEGV, fatal if SIGSEGV's own frame failed.
        if (info.signo === Sig.SIGSEGV) this.signals.actions[Sig.SIGSEGV].handler = SIG_DFL;
        this.signals.send({ signo: Sig.SIGSEGV, code: SiCode.SI_KERNEL, forced: true });
      }
    }
  }

  private setUpFrame(info: SigInfo): boolean {
    const cpu = this.cpu;
    const a = this.signals.actions[info.signo];
    const sp = cpu.getX(31);
    const alt = this.signals.altStack;
    const onStack = (a.flags & SaFlag.SA_ONSTACK) !== 0 && alt.size !== 0n && !this.signals.onAltStack(sp);
    const top = onStack ? alt.sp + alt.size : sp;
    const record = (top - 16n) & ~15n;
    const frame = record - BigInt(FRAME_SIZE);
    const siAddr = visibleSiAddr(info, (a.flags & SaFlag.SA_EXPOSE_TAGBITS) !== 0);
    const bytes = encodeFrame(cpu, {
      info: (a.flags & SaFlag.SA_SIGINFO) !== 0 ? encodeSigInfo(info, siAddr) : null,
      altStack: alt, altStackFlags: this.signals.altStackFlags(sp) | (alt.flags & SS_AUTODISARM), sigmask: this.signals.blocked,
      faultAddress: this.faultAddress, esr: this.faultCode,
    });
    const fr = new Uint8Array(16);
    new DataView(fr.buffer).setBigUint64(0, cpu.getX(29), true);
    new DataView(fr.buffer).setBigUint64(8, cpu.getX(30), true);
    if (!this.user.write(frame, bytes) || !this.user.write(record, fr)) return false;
    if ((alt.flags & SS_AUTODISARM) !== 0 && onStack) this.signals.altStack = { sp: 0n, size: 0n, flags: SS_DISABLE };
    cpu.setX(0, BigInt(info.signo));
    if ((a.flags & SaFlag.SA_SIGINFO) !== 0) {
      cpu.setX(1, frame);
      cpu.setX(2, frame + 128n);
    }
    cpu.setX(31, frame);
    cpu.setX(29, record);
    cpu.setX(30, (a.flags & SaFlag.SA_RESTORER) !== 0 ? a.restorer : BigInt(VDSO_BASE));
    cpu.pc = Number(a.handler & 0xffff_ffff_ffffn);
    // Linux always starts a handler with PSTATE.TCO clear (MTE.md §9.6).
    if (cpu.tco !== 0) cpu.setTco(0);
    let mask = this.signals.blocked | a.mask;
    if ((a.flags & SaFlag.SA_NODEFER) === 0) mask |= sigBit(info.signo);
    this.signals.blocked = mask & ~UNBLOCKABLE;
    if ((a.flags & SaFlag.SA_RESETHAND) !== 0) a.handler = SIG_DFL;
    return true;
  }

  /** rt_sigreturn: restores the interrupted context from the frame at SP. */
  sigreturn(): void {
    const sp = this.cpu.getX(31);
    const bytes = sp % 16n === 0n ? this.user.read(sp, FRAME_SIZE) : null;
    const f = bytes === null ? null : decodeFrame(bytes);
    if (f === null) {
      this.diagnose('rt_sigreturn: bad signal frame');
      this.signals.send({ signo: Sig.SIGSEGV, code: SiCode.SI_KERNEL, forced: true });
      return;
    }
    const cpu = this.cpu;
    f.regs.forEach((v, i) => cpu.setX(i, v));
    cpu.setX(31, f.sp);
    cpu.pc = Number(f.pc & 0xffff_ffff_ffffn);
    cpu.nzcv = Number(f.pstate & 0xf000_0000n);
    const tco = (f.pstate & PSTATE_TCO) !== 0n ? 1 : 0;
    if (cpu.tco !== tco) cpu.setTco(tco);
    cpu.sys.FPSR = f.fpsr;
    cpu.sys.FPCR = f.fpcr;
    cpu.vreg.set(f.vregs);
    this.signals.blocked = f.sigmask & ~UNBLOCKABLE;
    // restore_altstack(): errors other than EFAULT are ignored.
    if (!this.signals.onAltStack(f.sp)) {
      this.signals.altStack = (f.altStack.flags & SS_DISABLE) !== 0 || f.altStack.size === 0n
        ? { sp: 0n, size: 0n, flags: SS_DISABLE }
        : { sp: f.altStack.sp, size: f.altStack.size, flags: f.altStack.flags & SS_AUTODISARM };
    }
    this.emit({ kind: 'sigreturn', instructions: this.instructions, pc: cpu.pc });
  }

  // ---- ending -----------------------------------------------------------------------------------

  exit(code: number): void {
    this.state = 'exited';
    this.status = code & 0xff;
    this.emit({ kind: 'exit', instructions: this.instructions, status: this.status, reason: 'exit' });
  }

  kill(signo: number): void {
    this.state = 'killed';
    this.termSignal = signo;
    this.status = 128 + signo;
    this.message = `killed by ${SIGNAL_NAMES[signo] ?? `signal ${signo}`}`;
    this.emit({ kind: 'exit', instructions: this.instructions, status: this.status, reason: 'signal', message: this.message });
  }

  /** Stops the run for something the emulation cannot continue from (not a guest-visible event). */
  fail(message: string): void {
    this.state = 'error';
    this.message = message;
    this.emit({ kind: 'exit', instructions: this.instructions, status: 125, reason: 'error', message });
  }

  // ---- output and diagnostics ---------------------------------------------------------------------

  /** Whether the stream reached its output limit: what the program writes to it now is dropped. */
  streamFull(fd: 1 | 2): boolean {
    return (fd === 1 ? this.stdout : this.stderr).dropped > 0;
  }

  /** Program output: kept up to the output limit, then a notice, then nothing (the write still succeeds). */
  writeStream(fd: 1 | 2, bytes: Uint8Array): void {
    const kept = (fd === 1 ? this.stdout : this.stderr).push(bytes);
    if (kept.length > 0) this.opts.onOutput?.(fd, kept);
  }

  /** The node at `path`, if the machine has that device. */
  device(path: string): GuestDevice | undefined {
    return this.devices.find((d) => d.path === path);
  }

  /** mmap of a device node over [start, end): the driver maps the region itself (src/guest/linux/devices.ts). */
  mapDevice(dev: GuestDevice, start: number, end: number, prot: number): void {
    this.space.mapDevice(start, end, prot, dev.ipa);
    this.emit({ kind: 'deviceMap', va: start, ipa: dev.ipa, length: end - start, path: dev.path, tagged: (prot & Prot.MTE) !== 0 });
  }

  /** A Tagscope diagnostic (never mixed into the program's own stderr). */
  diagnose(message: string): void {
    this.diagnostics.push(message);
    this.emit({ kind: 'diagnostic', message });
  }

  /** Like `diagnose`, but only the first time for a given key. */
  diagnoseOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.diagnose(message);
  }

  /** Delivers an event; past the event limit the run stops instead, so no event log grows without bound. */
  private emit(e: ProcessEvent): void {
    if (!this.opts.onEvent) return;
    if (++this.events > this.limits.maxEvents) {
      if (this.state === 'running') this.fail(`event limit reached (${this.limits.maxEvents} events): the program keeps faulting, signalling or calling the kernel`);
      if (e.kind !== 'exit') return;
    }
    this.opts.onEvent(e);
  }

  // ---- tracing ----------------------------------------------------------------------------------

  private traceInstruction(): void {
    const pc = this.cpu.pc;
    let word: number;
    try {
      word = this.machine.bus.fetchFrame(pc).view.getUint32(pc & PAGE_MASK, true);
    } catch {
      return; // the fetch faults; the run reports it
    }
    const text = disassemble(word, pc) ?? '<unknown>';
    this.opts.trace!(`${hex(pc, 12)}: ${hex(word, 8)}  ${text}`);
  }

  private traceCheck(va: bigint, size: number, kind: AccessKind, result: number, allocationTag: number): void {
    const outcome: TagCheckOutcome = {
      result: result as CheckResult, pointerTag: Number((va >> 56n) & 0xfn), el: this.cpu.el,
      tcf: field(this.cpu.sys.SCTLR_EL1, SCTLR.TCF0, 2),
      ...(allocationTag >= 0 && result !== Check.Pass ? { allocationTag } : {}),
    };
    const what = kind === AccessKind.Read ? 'read' : kind === AccessKind.Write ? 'write' : 'read-modify-write';
    this.opts.trace!(`    tag check ${what} ${size} at 0x${va.toString(16).padStart(16, '0')}: ${explainCheck(outcome)}`);
  }
}

const hex = (v: number, width: number): string => v.toString(16).padStart(width, '0');

function isStage2Abort(e: GuestException): boolean {
  const i = e.info;
  return (i.kind === 'dataAbort' || i.kind === 'instructionAbort') && i.fault.stage === 2;
}

/** ESR_EL1 for a data or instruction abort taken from EL0, as the kernel records it in thread.fault_code. */
function esrOf(f: MemoryFault): bigint {
  const ec = f.fetch ? 0x20n : 0x24n;
  const level = BigInt(Math.max(0, Math.min(3, f.level)));
  const fsc = { translation: 0x04n + level, accessFlag: 0x08n + level, permission: 0x0cn + level, addressSize: level, alignment: 0x21n, tagCheck: 0x11n, noTagAccess: 0x0cn + level }[f.type];
  return (ec << 26n) | (1n << 25n) | (f.write && !f.fetch ? 1n << 6n : 0n) | fsc;
}

function explainFault(info: GuestExceptionKind): string {
  switch (info.kind) {
    case 'dataAbort':
    case 'instructionAbort': {
      const f = info.fault;
      if (f.type === 'tagCheck' && f.tagCheck) return explainCheck(f.tagCheck);
      const access = f.fetch ? 'instruction fetch' : f.write ? 'write' : 'read';
      const what = {
        translation: 'no mapping', accessFlag: 'access flag clear', permission: 'the page does not allow it',
        addressSize: 'address out of range', alignment: 'misaligned address', tagCheck: 'tag check fault',
        noTagAccess: 'stage 2 forbids tag access',
      }[f.type];
      return `${access} at 0x${f.va.toString(16)}: ${what}`;
    }
    case 'undefined':
      return `undefined instruction 0x${info.word.toString(16).padStart(8, '0')} (${info.why})`;
    case 'pcAlignment':
      return `PC 0x${info.pc.toString(16)} is not 4-byte aligned`;
    case 'spAlignment':
      return 'SP is not 16-byte aligned';
    case 'brk':
      return `BRK #0x${info.imm.toString(16)}`;
    default:
      return info.kind;
  }
}
