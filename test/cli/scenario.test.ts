import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { encodeFragment } from '../../src/scenario/codec.ts';
import { preset } from '../../src/scenario/presets/index.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function tagscope(args: string[]) {
  const r = spawnSync('node', ['bin/tagscope.mjs', ...args], { cwd: repo, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tagscope scenario', () => {
  test('a preset prints its event log one line per event ("time kind: …") and exits 0', () => {
    const r = tagscope(['scenario', 'S13']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.every((l) => /^\d+ [a-zA-Z0-9]+: /.test(l))).toBe(true);
    expect(lines.some((l) => /^0 capability: KVM_ENABLE_CAP\(205\) = -22 — .*before any vCPU exists/.test(l))).toBe(true);
  });

  test('--json prints one event object per line; a file and a shared link give the same log as the preset', () => {
    const json = tagscope(['scenario', 'S6', '--json']);
    const events = json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; why: { rule: string } });
    expect(events.filter((e) => e.kind === 'copyTags')).toHaveLength(5);
    const dir = mkdtempSync(join(tmpdir(), 'tagscope-'));
    const file = join(dir, 's6.json');
    writeFileSync(file, JSON.stringify(preset('S6')));
    expect(tagscope(['scenario', file, '--json']).stdout).toBe(json.stdout);
    expect(tagscope(['scenario', `https://example.org/#${encodeFragment(preset('S6')!)}`, '--json']).stdout).toBe(json.stdout);
  });

  test('an invalid scenario prints the schema message and exits 125', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagscope-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ version: 1, program: { kind: 'asm', source: 'nop' }, actions: [{ do: 'swapOut' }] }));
    const r = tagscope(['scenario', file]);
    expect(r.status).toBe(125);
    expect(r.stderr).toBe('tagscope: The scenario is not valid: actions[0]: give exactly one of ipa (guest-physical address) and va (guest virtual address)\n');
  });
});

describe('tagscope run --vm', () => {
  test('a guest process under KVM prints and exits exactly as on the bare machine', () => {
    const elf = join('test', 'programs', 'bin', 'sig_unhandled_segv.elf');
    const bare = tagscope(['run', elf]);
    expect(tagscope(['run', '--vm', elf])).toEqual(bare);
    expect(tagscope(['run', '--kernel', '5.14', elf])).toEqual(bare);
  });

  test('an unknown kernel version is a usage error naming the choices', () => {
    const r = tagscope(['run', '--kernel', '4.19', 'x.elf']);
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/--kernel needs one of 5\.14, 6\.2, 6\.12, 6\.13, proposal, v2-2020/);
  });
});
