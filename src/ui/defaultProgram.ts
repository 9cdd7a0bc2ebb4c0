/** The program shown on first start: the buffer-overflow lesson's, a one-granule heap overflow caught by MTE. */
import { overflow } from './lessons/overflow.ts';

const program = overflow.scenario.program;
export const DEFAULT_PROGRAM = program.kind === 'asm' ? program.source : '';
