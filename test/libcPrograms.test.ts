/**
 * Differential tests of real programs built the ordinary way (static glibc, -O2/-O3, one with MTE
 * intrinsics): each runs under the emulator and must print exactly what qemu-aarch64 -cpu max printed
 * (test/programs/libc/expected/NAME.json). See test/programs/libc/README.md.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { differentialSuite } from './programs/differential.ts';

differentialSuite(join(dirname(fileURLToPath(import.meta.url)), 'programs', 'libc'), 'static glibc programs', 400_000_000);
