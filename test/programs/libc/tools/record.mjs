// Runs the libc programs under the qemu oracle and writes expected/NAME.json. Invoked by ../record.sh;
// see ../README.md. Node >= 18, no dependencies.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const qemu = process.env.QEMU || 'qemu-aarch64';
const runs = Math.max(1, Number(process.env.RUNS || 1));
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
const wanted = process.argv.slice(2);
const entries = wanted.length ? wanted.map((n) => {
  const e = manifest.programs.find((p) => p.name === n);
  if (!e) throw new Error(`${n} is not in manifest.json`);
  return e;
}) : manifest.programs;

const QEMU_NOISE = /^qemu: uncaught target signal \d+ \([^)]*\)( - core dumped)?\n/gm;

function runOnce(entry) {
  // env -i: the guest sees exactly the manifest's environment, as under Tagscope.
  const r = spawnSync('env', ['-i', ...(entry.env || []), qemu, '-cpu', 'max', join(root, 'bin', `${entry.name}.elf`), ...(entry.args || [])], {
    input: entry.stdin || '',
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 16 << 20,
  });
  if (r.error) throw r.error;
  const status = r.signal ? 128 + constants.signals[r.signal] : r.status;
  return { stdout: r.stdout, stderr: r.stderr.replace(QEMU_NOISE, ''), status };
}

mkdirSync(join(root, 'expected'), { recursive: true });
let failed = 0;
for (const entry of entries) {
  const res = runOnce(entry);
  for (let i = 1; i < runs; i++) {
    if (JSON.stringify(runOnce(entry)) !== JSON.stringify(res)) {
      console.error(`NONDETERMINISTIC: ${entry.name} (run ${i + 1} differs)`);
      failed++;
    }
  }
  writeFileSync(join(root, 'expected', `${entry.name}.json`), JSON.stringify(res, null, 2) + '\n');
  console.log(`${entry.name}: status ${res.status}`);
}
if (failed) process.exit(1);
