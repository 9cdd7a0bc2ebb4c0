/**
 * Runs a static AArch64 Linux program to completion (or to an instruction limit) and collects what it
 * wrote. Free of Node APIs: the CLI, the tests and the Web Worker all call this.
 */
import type { ProcessLimits } from '../guest/linux/limits.ts';
import { LinuxProcess, type ProcessEvent } from '../guest/linux/process.ts';

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
  const created = LinuxProcess.create(elf, {
    argv: opts.argv, env: opts.env, stdin: opts.stdin, trace: opts.trace, onEvent: opts.onEvent, limits: opts.limits,
  });
  if (!created.ok) {
    return { stdout: new Uint8Array(0), stderr: new Uint8Array(0), status: 125, instructions: 0, reason: 'error', message: created.error, diagnostics: [] };
  }
  const p = created.process;
  const max = opts.maxInstructions ?? DEFAULT_MAX_INSTRUCTIONS;
  // Kernel entries count towards the budget too, so a program that faults in a loop still stops.
  let used = 0;
  while (p.state === 'running' && used < max) used += p.step(Math.min(SLICE, max - used));
  const base = { stdout: p.stdout.bytes(), stderr: p.stderr.bytes(), instructions: p.instructions, diagnostics: p.diagnostics };
  switch (p.state) {
    case 'running':
      return { ...base, status: 124, reason: 'limit', message: `instruction limit reached (${max} instructions)` };
    case 'exited':
      return { ...base, status: p.status, reason: 'exit' };
    case 'killed':
      return { ...base, status: p.status, reason: 'signal', message: p.message };
    case 'error':
      return { ...base, status: 125, reason: 'error', message: p.message };
  }
}
