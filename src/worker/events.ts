/**
 * The event log's lines from the Linux personality's events: a short title and a one-sentence why, in
 * the words of the manual and of Linux. Demand paging and diagnostics of no teaching value are left out.
 */
import type { ProcessEvent } from '../guest/linux/process.ts';
import { Prot, SiCode, Sig, SIGNAL_NAMES } from '../guest/linux/abi.ts';
import { hex64 } from './format.ts';
import type { EventKind } from './protocol.ts';

export interface EventLine {
  kind: EventKind;
  title: string;
  why: string;
  address?: string;
}

const SEGV_CODES: Record<number, string> = {
  [SiCode.SEGV_MAPERR]: 'SEGV_MAPERR', [SiCode.SEGV_ACCERR]: 'SEGV_ACCERR', [SiCode.SEGV_MTEAERR]: 'SEGV_MTEAERR',
  [SiCode.SEGV_MTESERR]: 'SEGV_MTESERR', [SiCode.SI_KERNEL]: 'SI_KERNEL',
};

const hex = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16)}`;

function syscallWhy(name: string, args: bigint[], result: bigint | 'restart' | 'noreturn'): string {
  if (result === 'restart') return 'an asynchronous tag check fault was pending at this kernel entry, so the syscall is restarted after the signal';
  switch (name) {
    case 'mmap': {
      const mte = (Number(args[2] ?? 0n) & Prot.MTE) !== 0;
      if (typeof result === 'bigint' && result < 0n) return `the kernel refused the mapping (errno ${-result})`;
      return mte ? 'PROT_MTE maps the pages Normal Tagged (MAIR 0xF0); each page\'s tags start at 0 when it is first touched (PG_mte_tagged)'
        : 'without PROT_MTE the pages are Normal Untagged memory and never tag checked';
    }
    case 'mprotect': return (Number(args[2] ?? 0n) & Prot.MTE) !== 0 ? 'adding PROT_MTE makes the pages Tagged; their tags start at 0 unless already initialised' : 'the page permissions change';
    case 'prctl': return 'PR_SET_TAGGED_ADDR_CTRL selects the tag check fault mode (SCTLR_EL1.TCF0) and the IRG exclusion mask (GCR_EL1)';
    case 'write': return 'the program printed to a standard stream';
    case 'exit':
    case 'exit_group': return 'the program asked the kernel to end it';
    default: return typeof result === 'bigint' && result < 0n ? `the kernel returned an error (errno ${-result})` : 'a system call into the guest kernel';
  }
}

/** The log line for a process event, or null for events the log leaves out. */
export function describeEvent(e: ProcessEvent): EventLine | null {
  switch (e.kind) {
    case 'syscall': {
      if (e.result === 'noreturn') return null;
      const args = e.args.slice(0, e.name === 'mmap' ? 4 : 3).map(hex).join(', ');
      const result = e.result === 'restart' ? 'restarted' : hex(e.result).replace(/^0xffffffffffff[0-9a-f]{4}$/, (h) => `-${(2n ** 64n - BigInt(h)).toString()}`);
      return { kind: e.name === 'write' ? 'write' : 'syscall', title: `${e.name}(${args}) = ${result}`, why: syscallWhy(e.name, e.args, e.result) };
    }
    case 'fault': {
      const info = e.exception;
      if ((info.kind === 'dataAbort' || info.kind === 'instructionAbort') && info.fault.type === 'tagCheck') {
        return {
          kind: 'fault', title: `SIGSEGV (SEGV_MTESERR): synchronous tag check fault on a ${info.fault.write ? 'store' : 'load'}`,
          why: e.explanation, address: hex64(info.fault.va),
        };
      }
      const address = info.kind === 'dataAbort' || info.kind === 'instructionAbort' ? hex64(info.fault.va) : undefined;
      return { kind: 'fault', title: `${info.kind === 'undefined' ? 'SIGILL' : info.kind === 'brk' ? 'SIGTRAP' : 'fault'}: ${e.explanation}`, why: e.explanation, address };
    }
    case 'asyncTagFault':
      return {
        kind: 'asyncFault', title: 'SIGSEGV (SEGV_MTEAERR): asynchronous tag check fault',
        why: `an earlier access mismatched its tag while TCF was asynchronous; TFSRE0_EL1.TF0 recorded it and the kernel noticed it at this ${e.entry === 'syscall' ? 'system call' : e.entry === 'timer' ? 'timer interrupt' : 'exception'}, with si_addr 0`,
      };
    case 'signal': {
      const name = SIGNAL_NAMES[e.signo] ?? `signal ${e.signo}`;
      const code = e.signo === Sig.SIGSEGV ? ` (${SEGV_CODES[e.code] ?? `code ${e.code}`})` : '';
      const what = e.action === 'handler' ? 'delivered to the program\'s handler' : e.action === 'ignored' ? 'ignored' : 'kills the process (default action)';
      return { kind: 'signal', title: `${name}${code} ${what}`, why: `si_addr ${hex(e.addr)}` };
    }
    case 'sigreturn':
      return { kind: 'signal', title: 'rt_sigreturn', why: 'the handler returned; the interrupted context is restored from the signal frame' };
    case 'exit':
      if (e.reason === 'exit') return { kind: 'exit', title: `exit(${e.status})`, why: 'the program asked the kernel to end it' };
      return { kind: e.reason === 'error' ? 'error' : 'exit', title: e.message ?? `status ${e.status}`, why: e.reason === 'error' ? 'the emulation cannot continue from here' : `a shell would report status ${e.status}` };
    case 'diagnostic':
      return { kind: 'error', title: e.message, why: 'Tagscope does not model this part of Linux' };
    case 'demandPage':
      return null;
  }
}
