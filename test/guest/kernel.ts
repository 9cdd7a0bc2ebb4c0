/**
 * Drives a LinuxProcess's kernel side directly, without needing instruction rows: `sys` does what an SVC
 * at the current PC does (PC advances past it, then the kernel runs), `fault` delivers the exception an
 * access would raise.
 */
import { GuestException } from '../../src/core/cpu/exceptions.ts';
import { LinuxProcess, type ProcessEvent, type ProcessOptions } from '../../src/guest/linux/process.ts';
import { tinyElf } from './elfBuilder.ts';

export interface Harness {
  p: LinuxProcess;
  events: ProcessEvent[];
  /** Runs syscall `nr` as if the program executed `svc #0`; returns X0 as a signed value. */
  sys(nr: number, ...args: (number | bigint)[]): bigint;
  /** Performs a 64-bit EL0 bus access; a fault is taken into the kernel as the CPU would. Returns the exception, if any. */
  access(va: bigint, write: boolean, checked?: boolean): GuestException | null;
  /** Signals delivered or acted on so far. */
  signals(): Extract<ProcessEvent, { kind: 'signal' }>[];
}

export function harness(opts: ProcessOptions = {}, elf = tinyElf()): Harness {
  const events: ProcessEvent[] = [];
  const r = LinuxProcess.create(elf, { ...opts, onEvent: (e) => events.push(e) });
  if (!r.ok) throw new Error(r.error);
  const p = r.process;
  return {
    p,
    events,
    sys(nr, ...args) {
      p.cpu.setX(8, BigInt(nr));
      args.forEach((a, i) => p.cpu.setX(i, BigInt.asUintN(64, BigInt(a))));
      p.cpu.pc += 4;
      p.enterKernel(new GuestException({ kind: 'svc', imm: 0 }));
      return BigInt.asIntN(64, p.cpu.getX(0));
    },
    access(va, write, checked = true) {
      const hi = Number((va >> 32n) & 0xffff_ffffn) | 0;
      const lo = Number(va & 0xffff_ffffn) | 0;
      for (;;) {
        try {
          if (write) p.machine.bus.write64(hi, lo, 0x11223344, 0x55667788, checked);
          else p.machine.bus.read64(hi, lo, checked);
          return null;
        } catch (e) {
          if (!(e instanceof GuestException)) throw e;
          const before = events.length;
          p.enterKernel(e);
          // A demand-paged fault is resolved silently: retry, as the CPU re-executes the instruction.
          if (!events.slice(before).some((x) => x.kind === 'fault')) continue;
          return e;
        }
      }
    },
    signals: () => events.filter((e): e is Extract<ProcessEvent, { kind: 'signal' }> => e.kind === 'signal'),
  };
}

export const SYS = {
  write: 64, exit_group: 94, kill: 129, tgkill: 131, sigaltstack: 132, rt_sigaction: 134, rt_sigprocmask: 135,
  rt_sigreturn: 139, prctl: 167, getpid: 172, brk: 214, munmap: 215, mmap: 222, mprotect: 226, madvise: 233,
} as const;

/** Scratch memory in the tiny program's data segment. */
export const DATA = 0x410000n;
