/**
 * Differential tests: every guest program of test/programs runs under the emulator and must print exactly
 * what Linux prints (expected/NAME.json, recorded from qemu-aarch64 -cpu max, with the Linux-correct
 * override where qemu deviates). When qemu-aarch64 is installed the program also runs under it live and
 * must still match the recording, so a drifting oracle is noticed.
 */
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { expected, manifest, programsRoot as root, programTests, type Entry, type Outcome } from './helpers/guestPrograms.ts';

const qemuAvailable = spawnSync('qemu-aarch64', ['--version'], { stdio: 'ignore' }).status === 0;
/** qemu-user's own line when the guest dies of a signal (the recordings leave it out). */
const QEMU_NOISE = /^qemu: uncaught target signal \d+ \([^)]*\)( - core dumped)?\n/gm;

function runQemu(e: Entry): Outcome {
  const r = spawnSync('qemu-aarch64', ['-cpu', 'max', join(root, 'bin', `${e.name}.elf`), ...(e.args ?? [])], {
    input: '', encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20,
  });
  const status = r.signal ? 128 + constants.signals[r.signal] : (r.status ?? -1);
  return { stdout: r.stdout, stderr: r.stderr.replace(QEMU_NOISE, ''), status };
}

describe('guest programs match Linux (recorded from qemu-aarch64 -cpu max)', () => {
  programTests();
});

describe.runIf(qemuAvailable)('the recordings still match qemu-aarch64 (oracle drift)', () => {
  for (const e of manifest.programs) {
    test(`${e.name}${e.linuxOverride ? ` (qemu deviates: ${e.linuxOverride.deviation})` : ''}`, () => {
      const want = expected(e.name);
      expect(runQemu(e)).toEqual(e.linuxOverride ? want.qemu : { stdout: want.stdout, stderr: want.stderr, status: want.status });
    });
  }
});
