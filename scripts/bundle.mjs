// Bundles a TypeScript entry point into one ES module and imports it. The emulator's hot path calls
// functions across many small modules; a bundle binds them directly (scope hoisting), where a per-module
// TypeScript loader would route every imported call through a getter. Building takes a fraction of a
// second, so the CLI always runs the current sources with no build step by hand.
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles `entry` (relative to the project root) and returns the imported module. */
export async function importBundled(entry) {
  const result = await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    sourcemap: 'inline',
    logLevel: 'silent',
    packages: 'external',
  });
  const outDir = join(root, 'node_modules', '.cache', 'tagscope');
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `${entry.replace(/[^a-zA-Z0-9]+/g, '_')}.${process.pid}.mjs`);
  writeFileSync(out, result.outputFiles[0].text);
  try {
    return await import(pathToFileURL(out).href);
  } finally {
    rmSync(out, { force: true }); // loaded: the file is no longer needed
  }
}

// `node scripts/bundle.mjs ENTRY.ts [args…]` runs an entry point bundled (used by npm run bench).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [entry] = process.argv.splice(2, 1);
  await importBundled(entry);
}
