/**
 * The guest program suite of test/programs: the manifest, each program's recorded expectation
 * (expected/NAME.json, from qemu-aarch64 -cpu max with the Linux-correct override where qemu deviates),
 * and one test per program comparing a run under Tagscope with it. Shared by the bare-machine suite
 * (test/programs.test.ts) and the KVM-guest suite (test/vm/programs.test.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { runProgram, type RunOptions } from '../../src/engine/runProgram.ts';

export const programsRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'programs');

export interface Entry {
  name: string;
  topic: string;
  rules: string[];
  args?: string[];
  linuxOverride?: { deviation: string; stdout: string };
}

export interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
}

export const manifest = JSON.parse(readFileSync(join(programsRoot, 'manifest.json'), 'utf8')) as { programs: Entry[] };
const decoder = new TextDecoder();

export function expected(name: string): Outcome & { qemu?: Outcome } {
  return JSON.parse(readFileSync(join(programsRoot, 'expected', `${name}.json`), 'utf8')) as Outcome & { qemu?: Outcome };
}

/** One test per program: a run with `opts` prints exactly the recorded stdout and stderr and exits with the recorded status. */
export function programTests(opts: Pick<RunOptions, 'vm'> = {}): void {
  for (const e of manifest.programs) {
    test(`${e.name}: ${e.rules.join('; ')}`, () => {
      const elf = readFileSync(join(programsRoot, 'bin', `${e.name}.elf`));
      const r = runProgram(elf, { ...opts, argv: [`bin/${e.name}.elf`, ...(e.args ?? [])], maxInstructions: 200_000_000 });
      const want = expected(e.name);
      const got: Outcome = { stdout: decoder.decode(r.stdout), stderr: decoder.decode(r.stderr), status: r.status };
      expect({ ...got, message: r.message }).toEqual({ stdout: want.stdout, stderr: want.stderr, status: want.status, message: r.message });
    });
  }
}
