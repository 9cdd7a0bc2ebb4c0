/**
 * llvm-mc as the encoding oracle. `llvmDisassembly(name, words)` returns llvm-mc's text for each word
 * (null for "invalid instruction encoding"): live when llvm-mc is installed, and otherwise from the
 * fixture `test/isa/fixtures/NAME.json` recorded earlier. With `RECORD_FIXTURES=1` the live result is
 * written to the fixture, so a machine without llvm-mc can run the same comparison.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const LLVM_MC = ['llvm-mc', 'llvm-mc-19', 'llvm-mc-16', 'llvm-mc-14'].find((c) => {
  try {
    execFileSync(c, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

export const llvmMcAvailable = LLVM_MC !== undefined;
export const LLVM_ATTRS = '+mte,+lse';

/** Normalises llvm-mc output: tabs to single spaces, trailing comments removed. */
export function normaliseLlvm(line: string): string {
  return line.replace(/\s*\/\/.*$/, '').trim().replace(/\t/g, ' ').replace(/ +/g, ' ');
}

export function runLlvmDisassembler(words: readonly number[], attrs = LLVM_ATTRS): (string | null)[] {
  const input = words.map((w) => {
    const b = [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff];
    return b.map((x) => `0x${x.toString(16).padStart(2, '0')}`).join(',');
  }).join('\n');
  const r = spawnSync(LLVM_MC!, ['--disassemble', '--triple=aarch64', `-mattr=${attrs}`], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  const invalid = new Set<number>();
  for (const m of stderr.matchAll(/<stdin>:(\d+):\d+: (?:warning|error): invalid instruction encoding/g)) invalid.add(Number(m[1]) - 1);
  const lines = stdout.split('\n').map(normaliseLlvm).filter((l) => l !== '' && l !== '.text');
  const out: (string | null)[] = [];
  let k = 0;
  for (let i = 0; i < words.length; i++) out.push(invalid.has(i) ? null : lines[k++] ?? null);
  return out;
}

/**
 * llvm-mc's disassembly of `words`, live or from the named fixture. `attrs` adds features beyond the
 * default ones for instructions llvm-mc only decodes with them (e.g. `+mte,+lse,+rcpc`).
 */
export function llvmDisassembly(name: string, words: readonly number[], attrs = LLVM_ATTRS): (string | null)[] {
  const file = join(here, 'fixtures', `${name}.json`);
  if (llvmMcAvailable) {
    const live = runLlvmDisassembler(words, attrs);
    if (process.env.RECORD_FIXTURES === '1') {
      mkdirSync(dirname(file), { recursive: true });
      const record = Object.fromEntries(words.map((w, i) => [w.toString(16).padStart(8, '0'), live[i]]));
      writeFileSync(file, `${JSON.stringify(record, null, 0).replace(/,"/g, ',\n"')}\n`);
    }
    return live;
  }
  if (!existsSync(file)) throw new Error(`llvm-mc is not installed and there is no fixture ${file}: record it with RECORD_FIXTURES=1 where llvm-mc exists`);
  const record = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string | null>;
  return words.map((w) => {
    const key = w.toString(16).padStart(8, '0');
    if (!(key in record)) throw new Error(`fixture ${name} has no entry for ${key}: re-record it`);
    return record[key];
  });
}
