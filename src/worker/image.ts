/**
 * What a program becomes before it runs: a static AArch64 ELF executable for the Linux personality
 * (src/guest/linux/process.ts), plus what the disassembly view needs. Assembly text becomes a two-segment
 * ELF (code at CODE_BASE, a zeroed read-write area at BSS_BASE); an uploaded file is checked by the one
 * ELF parser (src/guest/elf.ts). Errors say what is wrong with the input, where the user can fix it.
 */
import { parseElf, PF_R, PF_W, PF_X, type ElfImage } from '../guest/elf.ts';
import { AsmError, assembleProgram } from '../core/isa/asm.ts';

export const CODE_BASE = 0x400000;
export const BSS_BASE = 0x500000;
const BSS_BYTES = 0x10000;
/** Largest file accepted, so a hostile upload cannot exhaust the worker. */
const MAX_ELF_BYTES = 16 << 20;

export interface ProgramImage {
  elf: Uint8Array;
  parsed: ElfImage;
  /** Source line of each assembled address, for the disassembly view. */
  lineAt: Map<number, number>;
}

export type ImageResult = { ok: true; image: ProgramImage } | { ok: false; message: string; line?: number };

const EHDR = 64;
const PHDR = 56;

/** An ET_EXEC file with one PT_LOAD per segment, the code page-aligned in the file after the headers. */
function buildElf(entry: number, code: Uint8Array): Uint8Array {
  const codeOffset = 0x1000;
  const out = new Uint8Array(codeOffset + code.length);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, 183, true); // EM_AARCH64
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(entry), true);
  dv.setBigUint64(32, BigInt(EHDR), true);
  dv.setUint16(52, EHDR, true);
  dv.setUint16(54, PHDR, true);
  dv.setUint16(56, 2, true);
  const segment = (i: number, flags: number, offset: number, va: number, fileSize: number, memSize: number): void => {
    const h = EHDR + i * PHDR;
    dv.setUint32(h, 1, true); // PT_LOAD
    dv.setUint32(h + 4, flags, true);
    dv.setBigUint64(h + 8, BigInt(offset), true);
    dv.setBigUint64(h + 16, BigInt(va), true);
    dv.setBigUint64(h + 24, BigInt(va), true);
    dv.setBigUint64(h + 32, BigInt(fileSize), true);
    dv.setBigUint64(h + 40, BigInt(memSize), true);
    dv.setBigUint64(h + 48, 0x1000n, true);
  };
  segment(0, PF_R | PF_X, codeOffset, CODE_BASE, code.length, code.length);
  segment(1, PF_R | PF_W, 0, BSS_BASE, 0, BSS_BYTES);
  out.set(code, codeOffset);
  return out;
}

export function imageFromAssembly(text: string): ImageResult {
  try {
    const p = assembleProgram(text, CODE_BASE);
    if (p.bytes.length === 0) return { ok: false, message: 'the program has no instructions: write at least one line of assembly' };
    const lineAt = new Map<number, number>();
    for (const [offset, line] of p.lineAt) lineAt.set(CODE_BASE + offset, line);
    const elf = buildElf(p.labels.get('_start') ?? CODE_BASE, p.bytes);
    const parsed = parseElf(elf);
    if (!parsed.ok) return { ok: false, message: parsed.error };
    return { ok: true, image: { elf, parsed: parsed.image, lineAt } };
  } catch (e) {
    if (e instanceof AsmError) return { ok: false, message: e.message, line: e.line };
    throw e;
  }
}

export function imageFromElf(bytes: Uint8Array, name: string): ImageResult {
  if (bytes.length > MAX_ELF_BYTES) return { ok: false, message: `${name} cannot be run: it is larger than ${MAX_ELF_BYTES >> 20} MiB` };
  const parsed = parseElf(bytes);
  if (!parsed.ok) return { ok: false, message: `${name} cannot be run: ${parsed.error}; upload a static AArch64 Linux executable` };
  return { ok: true, image: { elf: bytes, parsed: parsed.image, lineAt: new Map() } };
}
