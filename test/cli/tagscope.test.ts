import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { llvmDisassembly } from '../isa/llvm.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const program = (name: string) => join('test', 'programs', 'bin', `${name}.elf`);

function tagscope(args: string[], input = '') {
  const r = spawnSync('node', ['bin/tagscope.mjs', ...args], { cwd: repo, input, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const expected = (name: string) => JSON.parse(readFileSync(join(repo, 'test', 'programs', 'expected', `${name}.json`), 'utf8')) as { stdout: string; stderr: string; status: number };

describe('tagscope run', () => {
  test('the program output is ours and its exit status is ours', () => {
    const r = tagscope(['run', program('sys_args'), 'alpha', 'beta gamma', '', 'δ']);
    const want = expected('sys_args');
    expect(r).toEqual({ status: want.status, stdout: want.stdout, stderr: want.stderr });
  });

  test('a program killed by SIGSEGV exits 139 with one diagnostic line naming the fault', () => {
    const r = tagscope(['run', program('sig_unhandled_segv')]);
    expect(r.status).toBe(139);
    expect(r.stderr).toMatch(/^tagscope: killed by SIGSEGV \(.*\)\n$/m);
  });

  test('the instruction limit is status 124 and says how to raise it', () => {
    const r = tagscope(['run', '--max-insns', '1000', program('int_hash')]);
    expect(r.status).toBe(124);
    expect(r.stderr).toBe('tagscope: instruction limit reached (1000 instructions); raise it with --max-insns\n');
  });

  test('--trace prints each instruction and tag-check decision to stderr', () => {
    const r = tagscope(['run', '--trace', '--max-insns', '200', program('mte_sync')]);
    expect(r.stderr).toMatch(/^0000004[0-9a-f]{5}: [0-9a-f]{8} {2}\S+/m);
    expect(r.stderr).toMatch(/^ {4}tag check (read|write) \d+ at 0x[0-9a-f]{16}: /m);
  });

  test.each([
    [['run', 'no/such.elf'], 'tagscope: cannot read program no/such.elf: no such file\n'],
    [['run', 'package.json'], 'tagscope: package.json: not an ELF file (missing \\x7fELF magic)\n'],
    [['run'], 'tagscope: run needs a program: tagscope run PROGRAM.elf [args…]\n'],
    [['run', '--max-insns', 'lots', 'x.elf'], 'tagscope: --max-insns needs a positive whole number, not "lots"\n'],
    [['run', '--bogus', 'x.elf'], 'tagscope: unknown option --bogus (see tagscope --help)\n'],
    [['frobnicate'], 'tagscope: unknown command "frobnicate"; see tagscope --help\n'],
  ])('user error %j is one line on stderr and status 125, never a stack trace', (args, message) => {
    expect(tagscope(args)).toEqual({ status: 125, stdout: '', stderr: message });
  });
});

describe('tagscope disasm and asm', () => {
  const words = [0xd503201f, 0x9adf1020, 0xd9200820, 0x91000420, 0xf9400020, 0x00000000, 0xffffffff];

  test('disasm prints llvm-mc text, one line per word, <unknown> for an invalid encoding', () => {
    const want = llvmDisassembly('cli_disasm', words).map((t) => t ?? '<unknown>');
    const r = tagscope(['disasm', ...words.map((w) => w.toString(16).padStart(8, '0'))]);
    expect(r).toEqual({ status: 0, stdout: want.map((l) => `${l}\n`).join(''), stderr: '' });
  });

  test('disasm refuses a word that is not hex', () => {
    expect(tagscope(['disasm', 'd503201f', 'xyz'])).toEqual({ status: 125, stdout: '', stderr: 'tagscope: disasm: "xyz" is not a 32-bit hex word\n' });
  });

  test('asm reads lines from stdin and prints one hex word per line', () => {
    const r = tagscope(['asm'], 'nop\nirg x0, x1\nstg x0, [x1]\n');
    expect(r).toEqual({ status: 0, stdout: 'd503201f\n9adf1020\nd9200820\n', stderr: '' });
  });

  test('an asm error names the line', () => {
    const r = tagscope(['asm'], 'nop\nnop\nfrob x1\n');
    expect(r).toEqual({ status: 125, stdout: '', stderr: 'tagscope: asm: line 3: unknown instruction "frob"\n' });
  });
});

test('--help documents the commands and the exit statuses 124 and 125', () => {
  const r = tagscope(['--help']);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/tagscope run PROGRAM\.elf/);
  expect(r.stdout).toMatch(/124 +the instruction limit/);
  expect(r.stdout).toMatch(/125 +bad usage/);
});
