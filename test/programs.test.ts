/**
 * Differential tests: every guest program of test/programs runs under the emulator and must print exactly
 * what Linux prints (expected/NAME.json, recorded from qemu-aarch64 -cpu max, with the Linux-correct
 * override where qemu deviates). When qemu-aarch64 is installed the program also runs under it live and
 * must still match the recording, so a drifting oracle is noticed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runProgram } from '../src/engine/runProgram.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), 'programs');

interface Entry {
  name: string;
  topic: string;
  rules: string[];
  args?: string[];
  linuxOverride?: { deviation: string; stdout: string };
}

interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
}

const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { programs: Entry[] };
const qemuAvailable = spawnSync('qemu-aarch64', ['--version'], { stdio: 'ignore' }).status === 0;
/** qemu-user's own line when the guest dies of a signal (the recordings leave it out). */
const QEMU_NOISE = /^qemu: uncaught target signal \d+ \([^)]*\)( - core dumped)?\n/gm;
const decoder = new TextDecoder();

function expected(name: string): Outcome & { qemu?: Outcome } {
  return JSON.parse(readFileSync(join(root, 'expected', `${name}.json`), 'utf8')) as Outcome & { qemu?: Outcome };
}

function runQemu(e: Entry): Outcome {
  const r = spawnSync('qemu-aarch64', ['-cpu', 'max', join(root, 'bin', `${e.name}.elf`), ...(e.args ?? [])], {
    input: '', encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20,
  });
  const status = r.signal ? 128 + constants.signals[r.signal] : (r.status ?? -1);
  return { stdout: r.stdout, stderr: r.stderr.replace(QEMU_NOISE, ''), status };
}

describe('guest programs match Linux (recorded from qemu-aarch64 -cpu max)', () => {
  for (const e of manifest.programs) {
    test(`${e.name}: ${e.rules.join('; ')}`, () => {
      const elf = readFileSync(join(root, 'bin', `${e.name}.elf`));
      const r = runProgram(elf, { argv: [`bin/${e.name}.elf`, ...(e.args ?? [])], maxInstructions: 200_000_000 });
      const want = expected(e.name);
      const got: Outcome = { stdout: decoder.decode(r.stdout), stderr: decoder.decode(r.stderr), status: r.status };
      expect({ ...got, message: r.message }).toEqual({ stdout: want.stdout, stderr: want.stderr, status: want.status, message: r.message });
    });
  }
});

describe.runIf(qemuAvailable)('the recordings still match qemu-aarch64 (oracle drift)', () => {
  for (const e of manifest.programs) {
    test(`${e.name}${e.linuxOverride ? ` (qemu deviates: ${e.linuxOverride.deviation})` : ''}`, () => {
      const want = expected(e.name);
      expect(runQemu(e)).toEqual(e.linuxOverride ? want.qemu : { stdout: want.stdout, stderr: want.stderr, status: want.status });
    });
  }
});
