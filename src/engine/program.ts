/**
 * A scenario's program as an image the Linux personality loads: assembly text becomes two segments (code
 * at CODE_BASE, a zeroed read-write area at BSS_BASE, entry `_start` or the first instruction); a bundled
 * program is an ELF whose bytes an injectable loader fetches (a file in Node, a fetch in the browser).
 */
import { AsmError, assembleProgram } from '../core/isa/asm.ts';
import { parseElf, PF_R, PF_W, PF_X, type ElfImage } from '../guest/elf.ts';
import type { Scenario } from '../scenario/schema.ts';

export const CODE_BASE = 0x400000;
export const BSS_BASE = 0x500000;
const BSS_BYTES = 0x10000;

/** Fetches the ELF bytes of a bundled program (public/programs/NAME.elf). */
export type ProgramLoader = (name: string) => Promise<Uint8Array>;

export type ImageResult = { ok: true; image: ElfImage } | { ok: false; error: string };

export function imageFromAssembly(source: string): ImageResult {
  try {
    const p = assembleProgram(source, CODE_BASE);
    if (p.bytes.length === 0) return { ok: false, error: 'the program has no instructions' };
    return {
      ok: true,
      image: {
        entry: p.labels.get('_start') ?? CODE_BASE, loadBias: 0, phdrAddr: 0, phnum: 0, execStack: false, end: BSS_BASE + BSS_BYTES,
        segments: [
          { vaddr: CODE_BASE, memsz: p.bytes.length, data: p.bytes, flags: PF_R | PF_X },
          { vaddr: BSS_BASE, memsz: BSS_BYTES, data: new Uint8Array(0), flags: PF_R | PF_W },
        ],
      },
    };
  } catch (e) {
    if (e instanceof AsmError) return { ok: false, error: `assembly error: ${e.message}` };
    throw e;
  }
}

/** The image of a scenario's program; a bundled one needs its ELF bytes (`elf`). */
export function programImage(program: Scenario['program'], elf?: Uint8Array): ImageResult {
  if (program.kind === 'asm') return imageFromAssembly(program.source);
  if (elf === undefined) return { ok: false, error: `the bundled program "${program.name}" was not loaded (load the scenario with a program loader)` };
  const parsed = parseElf(elf);
  return parsed.ok ? parsed : { ok: false, error: `${program.name}: ${parsed.error}` };
}

/** The ELF bytes a scenario needs, or undefined for assembly programs. */
export async function loadProgram(program: Scenario['program'], loader: ProgramLoader): Promise<Uint8Array | undefined> {
  return program.kind === 'bundled' ? loader(program.name) : undefined;
}
