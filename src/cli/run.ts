/** `tagscope run PROGRAM.elf [args…] [options]`: runs a static AArch64 Linux program as a guest process. */
import { readFileSync } from 'node:fs';
import { DEFAULT_MAX_INSTRUCTIONS, runProgram } from '../engine/runProgram.ts';
import type { ProcessEvent } from '../guest/linux/process.ts';
import type { KernelVersion } from '../hyp/profile.ts';
import { KernelVersions } from '../scenario/schema.ts';
import { diag, ExitStatus, LineBuffer, writeAll } from './io.ts';

export class UsageError extends Error {}

interface RunArgs {
  program: string;
  args: string[];
  env: string[];
  maxInstructions: number;
  trace: boolean;
  stdin: string | null;
  /** --vm: as a guest process under the KVM model, with this kernel-version profile. */
  vm: { kernel: KernelVersion } | null;
}

/** Options are Tagscope's anywhere before `--`; the first other word is the program, the rest its arguments. */
export function parseRunArgs(argv: string[]): RunArgs {
  const r: Omit<RunArgs, 'program'> & { program: string | null } = { program: null, args: [], env: [], maxInstructions: DEFAULT_MAX_INSTRUCTIONS, trace: false, stdin: null, vm: null };
  const value = (name: string, i: number): string => {
    const v = argv[i];
    if (v === undefined) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const take = (): string => inline ?? value(flag, ++i);
    if (a === '--') {
      const rest = argv.slice(i + 1);
      if (r.program === null) r.program = rest.shift() ?? null;
      r.args.push(...rest);
      break;
    } else if (flag === '--max-insns') {
      const v = take();
      if (!/^[1-9][0-9]*$/.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError(`--max-insns needs a positive whole number, not "${v}"`);
      r.maxInstructions = Number(v);
    } else if (flag === '--trace') {
      r.trace = true;
    } else if (flag === '--env') {
      const v = take();
      if (!v.includes('=')) throw new UsageError(`--env needs NAME=VALUE, not "${v}"`);
      r.env.push(v);
    } else if (flag === '--stdin') {
      r.stdin = take();
    } else if (flag === '--vm') {
      r.vm ??= { kernel: '6.13' };
    } else if (flag === '--kernel') {
      const v = take();
      if (!KernelVersions.includes(v as KernelVersion)) throw new UsageError(`--kernel needs one of ${KernelVersions.join(', ')}, not "${v}"`);
      r.vm = { kernel: v as KernelVersion };
    } else if (a.startsWith('-') && a !== '-' && r.program === null) {
      throw new UsageError(`unknown option ${a} (see tagscope --help)`);
    } else if (r.program === null) {
      r.program = a;
    } else {
      r.args.push(a);
    }
  }
  if (r.program === null) throw new UsageError('run needs a program: tagscope run PROGRAM.elf [args…]');
  return { ...r, program: r.program };
}

function readInput(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UsageError(`cannot read ${what} ${path}: ${why}`);
  }
}

export function runCommand(argv: string[]): number {
  const a = parseRunArgs(argv);
  const elf = readInput(a.program, 'program');
  const stdin = a.stdin === null ? undefined : readInput(a.stdin, 'stdin file');
  const trace = a.trace ? new LineBuffer() : null;
  let lastFault: Extract<ProcessEvent, { kind: 'fault' }> | null = null;
  const r = runProgram(elf, {
    argv: [a.program, ...a.args], env: a.env, stdin, maxInstructions: a.maxInstructions, vm: a.vm ?? undefined,
    trace: trace ? (line) => trace.push(line) : undefined,
    onEvent: (e) => {
      if (e.kind === 'fault') lastFault = e;
      if (trace) trace.push(`  [${describeEvent(e)}]`);
    },
  });
  trace?.flush();
  writeAll(1, r.stdout);
  writeAll(2, r.stderr);
  for (const d of r.diagnostics) diag(d);
  switch (r.reason) {
    case 'exit':
      return r.status;
    case 'signal': {
      const f = lastFault as Extract<ProcessEvent, { kind: 'fault' }> | null;
      diag(`${r.message}${f ? ` (${f.explanation}, pc 0x${f.pc.toString(16)})` : ''}`);
      return r.status;
    }
    case 'limit':
      diag(`${r.message}; raise it with --max-insns`);
      return ExitStatus.limit;
    case 'error':
      diag(`${a.program}: ${r.message}`);
      return ExitStatus.usage;
  }
}

const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v);

function describeEvent(e: ProcessEvent): string {
  switch (e.kind) {
    case 'syscall': return `syscall ${e.name}(${e.args.slice(0, 3).map((x) => `0x${x.toString(16)}`).join(', ')}) = ${typeof e.result === 'bigint' ? BigInt.asIntN(64, e.result) : e.result}`;
    case 'fault': return `fault at pc 0x${e.pc.toString(16)}: ${e.explanation}`;
    case 'signal': return `signal ${e.signo} si_code ${e.code} si_addr 0x${e.addr.toString(16)}: ${e.action}`;
    case 'demandPage': return `page fault: mapped a fresh page at 0x${e.va.toString(16)}`;
    default: return JSON.stringify(e, big);
  }
}
