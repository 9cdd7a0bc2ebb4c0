// Runs guest programs under the qemu oracle and writes expected/NAME.json.
// Invoked by ../record.sh; see README.md. Node >= 18, no dependencies.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
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

// qemu-user's own diagnostic when the guest dies of a signal; Linux prints nothing like it.
const QEMU_NOISE = /^qemu: uncaught target signal \d+ \([^)]*\)( - core dumped)?\n/gm;

function runOnce(entry) {
  const r = spawnSync(qemu, ['-cpu', 'max', join(root, 'bin', `${entry.name}.elf`), ...(entry.args || [])], {
    input: '', // empty stdin
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 16 << 20,
  });
  if (r.error) throw r.error;
  let status;
  if (r.signal) status = 128 + constants.signals[r.signal];
  else status = r.status;
  return { stdout: r.stdout, stderr: r.stderr.replace(QEMU_NOISE, ''), status };
}

mkdirSync(join(root, 'expected'), { recursive: true });
let failed = 0;
for (const entry of entries) {
  const res = runOnce(entry);
  for (let i = 1; i < runs; i++) {
    const again = runOnce(entry);
    if (JSON.stringify(again) !== JSON.stringify(res)) {
      console.error(`NONDETERMINISTIC: ${entry.name} (run ${i + 1} differs)`);
      failed++;
    }
  }
  let out = res;
  if (entry.linuxOverride) {
    const o = entry.linuxOverride;
    const stdoutFile = join(root, o.stdout);
    if (!existsSync(stdoutFile)) throw new Error(`${entry.name}: missing ${o.stdout}`);
    out = {
      stdout: readFileSync(stdoutFile, 'utf8'),
      stderr: o.stderr !== undefined ? o.stderr : res.stderr,
      status: o.status !== undefined ? o.status : res.status,
      qemu: res,
    };
  }
  writeFileSync(join(root, 'expected', `${entry.name}.json`), JSON.stringify(out, null, 2) + '\n');
  console.log(`${entry.name}: status ${res.status}${entry.linuxOverride ? ' (linuxOverride)' : ''}`);
}
if (failed) process.exit(1);
