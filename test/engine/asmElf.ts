/** Static ELF programs from assembly text: code at 0x400000 (r-x), a 64 KiB bss at 0x500000 (rw-). */
import { assembleProgram } from '../../src/core/isa/asm.ts';
import { buildElf, PF_R, PF_W, PF_X } from '../guest/elfBuilder.ts';

export const CODE_BASE = 0x400000;
export const BSS_BASE = 0x500000;

export function asmElf(source: string): Uint8Array {
  const code = assembleProgram(source, CODE_BASE).bytes;
  return buildElf({
    entry: CODE_BASE,
    segments: [
      { flags: PF_R | PF_X, vaddr: CODE_BASE, data: code },
      { flags: PF_R | PF_W, vaddr: BSS_BASE, memsz: 0x10000 },
    ],
  });
}
