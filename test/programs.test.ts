/**
 * Differential tests: every guest program of test/programs runs under the emulator and must print exactly
 * what Linux prints (expected/NAME.json, recorded from qemu-aarch64 -cpu max, with the Linux-correct
 * override where qemu deviates). When qemu-aarch64 is installed the program also runs under it live and
 * must still match the recording, so a drifting oracle is noticed.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { differentialSuite } from './programs/differential.ts';

differentialSuite(join(dirname(fileURLToPath(import.meta.url)), 'programs'), 'guest programs', 200_000_000);
