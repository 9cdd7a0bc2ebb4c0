import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { machineHash } from '../../src/core/machineHash.ts';
import { Machine } from '../../src/core/machine.ts';
import { LinuxProcess } from '../../src/guest/linux/process.ts';

/** Programs from test/programs that pass against qemu, chosen to cover IRG, async faults, signals, mmap, atomics and time. */
const PROGRAMS = ['int_hash', 'int_sort', 'asm_atomic', 'mte_irg', 'mte_async', 'mte_stgp_dc', 'mte_mprotect', 'sig_info', 'sys_mem', 'sys_misc'];
const ROUNDS = 10;

interface Manifest { programs: { name: string; args: string[] }[] }
const manifest = JSON.parse(readFileSync('test/programs/manifest.json', 'utf8')) as Manifest;

/** Runs a program to its end and fingerprints the final machine, the exit status and both output streams. */
function fingerprint(name: string): string {
  const args = manifest.programs.find((p) => p.name === name)!.args;
  const created = LinuxProcess.create(readFileSync(`test/programs/bin/${name}.elf`), { argv: [name, ...args] });
  if (!created.ok) throw new Error(created.error);
  const p = created.process;
  while (p.state === 'running') p.step(1 << 20);
  const text = new TextDecoder();
  return [machineHash(p.machine), p.state, p.status, text.decode(p.stdout.bytes()), text.decode(p.stderr.bytes())].join('\u0000');
}

describe('determinism', () => {
  test(`${PROGRAMS.length} programs × ${ROUNDS} interleaved runs (${PROGRAMS.length * ROUNDS} in all) each end in the same machine-state hash`, () => {
    const seen = new Map<string, Set<string>>(PROGRAMS.map((n) => [n, new Set()]));
    for (let round = 0; round < ROUNDS; round++) for (const name of PROGRAMS) seen.get(name)!.add(fingerprint(name));
    for (const [name, prints] of seen) expect(prints.size, `${name} ended in ${prints.size} different states`).toBe(1);
    const hashes = PROGRAMS.map((n) => [...seen.get(n)!][0].split('\u0000')[0]);
    expect(new Set(hashes).size).toBe(PROGRAMS.length);
  });

  test('the machine hash sees a register, a flag, a system register, a data byte and an allocation tag', () => {
    const base = (): Machine => {
      const m = new Machine();
      m.phys.frame(0x1000).data[5] = 1;
      m.phys.frame(0x1000).ensureTags()[3] = 2;
      return m;
    };
    const h = machineHash(base());
    expect(machineHash(base())).toBe(h);
    const edits: ((m: Machine) => void)[] = [
      (m) => { m.cpu.hi[7] = 1; },
      (m) => { m.cpu.c = 1; },
      (m) => { m.cpu.vreg[100] = 1; },
      (m) => { m.cpu.sys.GCR_EL1 ^= 1n; },
      (m) => { m.phys.frame(0x1000).data[4095] = 9; },
      (m) => { m.phys.frame(0x1000).ensureTags()[255] = 1; },
      (m) => { m.phys.frame(0x2000).data[0] = 1; },
    ];
    for (const edit of edits) {
      const m = base();
      edit(m);
      expect(machineHash(m)).not.toBe(h);
    }
  });

  test('untouched memory, an all-zero frame and tags of 0 hash alike, as the architecture cannot tell them apart', () => {
    const a = new Machine();
    const b = new Machine();
    b.phys.frame(0x3000).ensureTags();
    b.phys.frame(0x3001);
    expect(machineHash(b)).toBe(machineHash(a));
  });
});
