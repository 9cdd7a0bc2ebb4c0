/**
 * Runs a static AArch64 Linux program to completion (or to an instruction limit) and collects what it
 * wrote. Free of Node APIs: the CLI, the tests and the Web Worker all call this.
 */
import type { ProcessLimits } from '../guest/linux/limits.ts';
import { parseElf } from '../guest/elf.ts';
import { KERNEL_COPY_BYTES, type ProcessEvent } from '../guest/linux/process.ts';
import { RAM_IPA } from '../hyp/launch.ts';
import type { KernelVersion } from '../hyp/profile.ts';
import { buildWorld, DEFAULT_RAM_BYTES, type VmConfig } from './world.ts';

export interface RunOptions {
  argv?: string[];
  env?: string[];
  stdin?: Uint8Array;
  /** Stop after this many instructions (reason 'limit'). */
  maxInstructions?: number;
  /** Each executed instruction and each tag-check decision, one line each. */
  trace?: (line: string) => void;
  onEvent?: (e: ProcessEvent) => void;
  /** Memory, mapping, output and event limits; defaults in src/guest/linux/limits.ts. */
  limits?: Partial<ProcessLimits>;
  /** Run as a guest process under the KVM model (KVM_CAP_ARM_MTE on, one anonymous memslot of guest RAM). */
  vm?: { kernel?: KernelVersion; ramBytes?: number };
}

export type RunReason = 'exit' | 'signal' | 'limit' | 'error';

export interface RunResult {
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** The exit status a shell would report: the exit code, or 128+signal. */
  status: number;
  instructions: number;
  reason: RunReason;
  /** Why the run stopped, for 'signal', 'limit' and 'error'. */
  message?: string;
  /** Tagscope's own notes about the run (unimplemented syscalls, …), not the program's output. */
  diagnostics: string[];
}

export const DEFAULT_MAX_INSTRUCTIONS = 1_000_000_000;
const SLICE = 1 << 20;

export function runProgram(elf: Uint8Array, opts: RunOptions = {}): RunResult {
  const failed = (message: string): RunResult => ({ stdout: new Uint8Array(0), stderr: new Uint8Array(0), status: 125, instructions: 0, reason: 'error', message, diagnostics: [] });
  const parsed = parseElf(elf);
  if (!parsed.ok) return failed(parsed.error);
  const vm: VmConfig | undefined = opts.vm && {
    kernel: opts.vm.kernel ?? '6.13', kvmCapMte: true, memslots: [{ ipa: RAM_IPA, size: opts.vm.ramBytes ?? DEFAULT_RAM_BYTES, backing: 'anonymous' }],
  };
  const world = buildWorld(parsed.image, { argv: opts.argv, env: opts.env, stdin: opts.stdin, trace: opts.trace, limits: opts.limits, onProcessEvent: opts.onEvent, vm });
  if (world.process === null) return failed(world.error ?? 'the program could not be loaded');
  const p = world.process;
  const max = opts.maxInstructions ?? DEFAULT_MAX_INSTRUCTIONS;
  // Kernel entries count towards the budget too, so a program that faults in a loop still stops, and so does
  // the kernel's copying (LinuxProcess.kernelWork), so a loop of huge writes stops as well.
  const charged = (steps: number): number => steps + p.kernelWork;
  let used = 0;
  while (p.state === 'running' && charged(used) < max) used += p.step(Math.min(SLICE, max - charged(used)), true);
  const base = { stdout: p.stdout.bytes(), stderr: p.stderr.bytes(), instructions: p.instructions, diagnostics: p.diagnostics };
  switch (p.state) {
    case 'running':
      return { ...base, status: 124, reason: 'limit', message: `instruction limit reached (${max} instructions${p.kernelWork > 0 ? `; the kernel's copying of ${p.kernelWork * KERNEL_COPY_BYTES} bytes counted as ${p.kernelWork}` : ''})` };
    case 'exited':
      return { ...base, status: p.status, reason: 'exit' };
    case 'killed':
      return { ...base, status: p.status, reason: 'signal', message: p.message };
    case 'error':
      return { ...base, status: 125, reason: 'error', message: p.message };
  }
}
