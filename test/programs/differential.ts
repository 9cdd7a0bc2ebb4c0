/**
 * The differential comparison shared by the guest-program suites (test/programs and test/programs/libc):
 * every program listed in a suite's manifest.json runs under the emulator and must print exactly what the
 * recording expected/NAME.json says (stdout, stderr, exit status). When qemu-aarch64 is installed the program
 * also runs under it live and must still match the recording, so a drifting oracle is noticed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runProgram } from '../../src/engine/runProgram.ts';

export interface Entry {
  name: string;
  topic: string;
  rules: string[];
  args?: string[];
  /** The program's whole environment (NAME=VALUE); the recording ran with exactly this (env -i). */
  env?: string[];
  linuxOverride?: { deviation: string; stdout: string };
}

export interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
}

const qemuAvailable = spawnSync('qemu-aarch64', ['--version'], { stdio: 'ignore' }).status === 0;
/** qemu-user's own line when the guest dies of a signal (the recordings leave it out). */
const QEMU_NOISE = /^qemu: uncaught target signal \d+ \([^)]*\)( - core dumped)?\n/gm;
const decoder = new TextDecoder();

export function readManifest(root: string): Entry[] {
  return (JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { programs: Entry[] }).programs;
}

function expected(root: string, name: string): Outcome & { qemu?: Outcome } {
  return JSON.parse(readFileSync(join(root, 'expected', `${name}.json`), 'utf8')) as Outcome & { qemu?: Outcome };
}

function runQemu(root: string, e: Entry): Outcome {
  const command = e.env ? ['env', '-i', ...e.env, 'qemu-aarch64'] : ['qemu-aarch64'];
  const r = spawnSync(command[0], [...command.slice(1), '-cpu', 'max', join(root, 'bin', `${e.name}.elf`), ...(e.args ?? [])], {
    input: '', encoding: 'utf8', timeout: 120_000, maxBuffer: 16 << 20,
  });
  const status = r.signal ? 128 + constants.signals[r.signal] : (r.status ?? -1);
  return { stdout: r.stdout, stderr: r.stderr.replace(QEMU_NOISE, ''), status };
}

/** Defines the two test groups for the suite in `root`: emulator vs recording, and recording vs live qemu. */
export function differentialSuite(root: string, what: string, maxInstructions: number): void {
  const programs = readManifest(root);
  describe(`${what} match Linux (recorded from qemu-aarch64 -cpu max)`, () => {
    for (const e of programs) {
      test(`${e.name}: ${e.rules.join('; ')}`, () => {
        const elf = readFileSync(join(root, 'bin', `${e.name}.elf`));
        const r = runProgram(elf, { argv: [`bin/${e.name}.elf`, ...(e.args ?? [])], env: e.env, maxInstructions });
        const want = expected(root, e.name);
        const got: Outcome = { stdout: decoder.decode(r.stdout), stderr: decoder.decode(r.stderr), status: r.status };
        expect({ ...got, message: r.message }).toEqual({ stdout: want.stdout, stderr: want.stderr, status: want.status, message: r.message });
      });
    }
  });

  describe.runIf(qemuAvailable)(`the recordings of ${what} still match qemu-aarch64 (oracle drift)`, () => {
    for (const e of programs) {
      test(`${e.name}${e.linuxOverride ? ` (qemu deviates: ${e.linuxOverride.deviation})` : ''}`, () => {
        const want = expected(root, e.name);
        expect(runQemu(root, e)).toEqual(e.linuxOverride ? want.qemu : { stdout: want.stdout, stderr: want.stderr, status: want.status });
      });
    }
  });
}
