/**
 * What a program becomes before it runs: segments to map and an entry point. Built from assembly text
 * (one read+execute segment at CODE_BASE) or from a static AArch64 ELF executable (its PT_LOAD segments).
 * Errors say what is wrong with the input, so the UI can show them where the user can fix them.
 */
import { AsmError, assembleProgram } from '../core/isa/asm.ts';

export const CODE_BASE = 0x400000;

export interface Segment {
  va: number;
  data: Uint8Array;
  memSize: number;
  write: boolean;
  exec: boolean;
}

export interface ProgramImage {
  entry: number;
  segments: Segment[];
  /** Source line of each assembled address, for the disassembly view. */
  lineAt: Map<number, number>;
}

export type ImageResult = { ok: true; image: ProgramImage } | { ok: false; message: string; line?: number };

export function imageFromAssembly(text: string): ImageResult {
  try {
    const p = assembleProgram(text, CODE_BASE);
    if (p.bytes.length === 0) return { ok: false, message: 'the program has no instructions: write at least one line of assembly' };
    const lineAt = new Map<number, number>();
    for (const [offset, line] of p.lineAt) lineAt.set(CODE_BASE + offset, line);
    const entry = p.labels.get('_start') ?? CODE_BASE;
    return { ok: true, image: { entry, segments: [{ va: CODE_BASE, data: p.bytes, memSize: p.bytes.length, write: false, exec: true }], lineAt } };
  } catch (e) {
    if (e instanceof AsmError) return { ok: false, message: e.message, line: e.line };
    throw e;
  }
}

const PT_LOAD = 1;
const EM_AARCH64 = 183;
/** Largest file or segment accepted, so a hostile upload cannot exhaust the worker. */
const MAX_ELF_BYTES = 16 << 20;

export function imageFromElf(bytes: Uint8Array, name: string): ImageResult {
  const bad = (why: string): ImageResult => ({ ok: false, message: `${name} cannot be run: ${why}` });
  if (bytes.length > MAX_ELF_BYTES) return bad(`it is larger than ${MAX_ELF_BYTES >> 20} MiB`);
  if (bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    return bad('it is not an ELF file (it does not start with 0x7f "ELF"); upload a static AArch64 Linux executable');
  }
  if (bytes[4] !== 2 || bytes[5] !== 1) return bad('it is not a 64-bit little-endian ELF file');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint16(18, true) !== EM_AARCH64) return bad(`it is for machine ${dv.getUint16(18, true)}, not AArch64 (183)`);
  if (dv.getUint16(16, true) !== 2) return bad('it is not a static executable (ET_EXEC); build with -static -nostdlib');
  const u64 = (off: number): number => Number(dv.getBigUint64(off, true));
  const entry = u64(24);
  const phoff = u64(32);
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (phoff + phnum * phentsize > bytes.length || phentsize < 56) return bad('its program headers lie outside the file (truncated?)');
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (dv.getUint32(ph, true) !== PT_LOAD) continue;
    const flags = dv.getUint32(ph + 4, true);
    const offset = u64(ph + 8);
    const va = u64(ph + 16);
    const fileSize = u64(ph + 32);
    const memSize = u64(ph + 40);
    if (offset + fileSize > bytes.length) return bad(`segment ${i} lies outside the file (truncated?)`);
    if (memSize > MAX_ELF_BYTES || va >= 2 ** 47) return bad(`segment ${i} is too large or outside the user address range`);
    segments.push({ va, data: bytes.slice(offset, offset + fileSize), memSize, write: (flags & 2) !== 0, exec: (flags & 1) !== 0 });
  }
  if (segments.length === 0) return bad('it has no loadable segments');
  return { ok: true, image: { entry, segments, lineAt: new Map() } };
}
