/**
 * Static ELF64 AArch64 executables (ET_EXEC, and static-PIE ET_DYN at a fixed load bias). Parsing only:
 * the result says which bytes go where with which permissions; src/guest/linux maps them. Every problem
 * with the file is reported as one sentence a person can act on, never as an exception.
 */
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

const ET_EXEC = 2;
const ET_DYN = 3;
const EM_AARCH64 = 183;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const MAX_PHDRS = 128;
const PAGE = 4096;
/** User address space of a 48-bit VA Linux process. */
const TASK_SIZE = 2 ** 48;
/** No segment may ask for more than this (the whole emulated RAM is smaller). */
const MAX_SEGMENT = 1 << 30;
/** Load bias of static-PIE programs: where qemu-aarch64 places them too. */
export const PIE_LOAD_BIAS = 0x55_0000_0000;

export interface Segment {
  vaddr: number;
  memsz: number;
  /** Bytes from the file; the rest up to memsz is zero (bss). */
  data: Uint8Array;
  flags: number;
}

export interface ElfImage {
  entry: number;
  /** ET_DYN static-PIE: the bias added to every address in the file. */
  loadBias: number;
  segments: Segment[];
  /** Where the program headers are in memory (AT_PHDR), 0 if not inside a segment. */
  phdrAddr: number;
  phnum: number;
  /** End of the highest segment: where brk starts (page-aligned up). */
  end: number;
  /** The program asked for an executable stack (PT_GNU_STACK with PF_X); recorded, not honoured. */
  execStack: boolean;
}

export type ElfResult = { ok: true; image: ElfImage } | { ok: false; error: string };

const fail = (error: string): ElfResult => ({ ok: false, error });
/** Values beyond 2^53 are Infinity after `u64`: messages say so instead of printing "Infinity". */
const hex = (v: number): string => (Number.isFinite(v) ? `0x${v.toString(16)}` : 'a value beyond 2^53');
const count = (v: number): string => (Number.isFinite(v) ? String(v) : 'more than 2^53');

/** Reads a u64 that must fit a JS number exactly; larger values are returned as Infinity. */
function u64(dv: DataView, off: number): number {
  const v = dv.getBigUint64(off, true);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(v);
}

export function parseElf(bytes: Uint8Array): ElfResult {
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    return fail('not an ELF file (missing \\x7fELF magic)');
  }
  if (bytes.length < EHDR_SIZE) return fail(`truncated ELF header (${bytes.length} bytes, need ${EHDR_SIZE})`);
  if (bytes[4] !== 2) return fail('not a 64-bit ELF file (EI_CLASS is not ELFCLASS64)');
  if (bytes[5] !== 1) return fail('not a little-endian ELF file (EI_DATA is not ELFDATA2LSB)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_AARCH64) return fail(`not an AArch64 program (e_machine is ${machine}, AArch64 is ${EM_AARCH64})`);
  if (type !== ET_EXEC && type !== ET_DYN) return fail(`not an executable (e_type is ${type}; need ET_EXEC or static-PIE ET_DYN)`);
  const entryInFile = u64(dv, 24);
  const phoff = u64(dv, 32);
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (phnum === 0) return fail('no program headers: nothing to load');
  if (phentsize !== PHDR_SIZE) return fail(`unexpected program header size ${phentsize} (ELF64 uses ${PHDR_SIZE})`);
  if (phnum > MAX_PHDRS) return fail(`too many program headers (${phnum}, at most ${MAX_PHDRS})`);
  if (phoff + phnum * PHDR_SIZE > bytes.length) return fail('program header table lies outside the file');

  const loadBias = type === ET_DYN ? PIE_LOAD_BIAS : 0;
  const segments: Segment[] = [];
  let execStack = false;
  let phdrAddr = 0;
  for (let i = 0; i < phnum; i++) {
    const h = phoff + i * PHDR_SIZE;
    const ptype = dv.getUint32(h, true);
    const flags = dv.getUint32(h + 4, true);
    const offset = u64(dv, h + 8);
    const vaddr = u64(dv, h + 16);
    const filesz = u64(dv, h + 32);
    const memsz = u64(dv, h + 40);
    if (ptype === PT_INTERP) return fail('dynamically linked programs are not supported: link with -static');
    if (ptype === 0x6474e551) execStack = (flags & PF_X) !== 0; // PT_GNU_STACK
    if (ptype === PT_DYNAMIC && type === ET_EXEC) continue; // harmless in a static ET_EXEC
    if (ptype !== PT_LOAD) continue; // PT_TLS (libc sets TLS up), PT_GNU_PROPERTY, notes: nothing to do
    const where = `segment ${i}`;
    if (offset + filesz > bytes.length) return fail(`${where} (offset ${hex(offset)}, ${count(filesz)} bytes) lies outside the file (${bytes.length} bytes)`);
    if (filesz > memsz) return fail(`${where} has more file bytes (${count(filesz)}) than memory bytes (${count(memsz)})`);
    if (memsz > MAX_SEGMENT) return fail(`${where} is absurdly large (${count(memsz)} bytes)`);
    const start = vaddr + loadBias;
    if (start + memsz > TASK_SIZE) return fail(`${where} at ${hex(start)} lies outside the 48-bit user address space`);
    if (start % PAGE !== offset % PAGE) return fail(`${where}: address ${hex(start)} and file offset ${hex(offset)} are not congruent modulo the page size`);
    if (memsz === 0) continue;
    for (const s of segments) {
      if (start < s.vaddr + s.memsz && s.vaddr < start + memsz) return fail(`${where} overlaps another loadable segment at ${hex(s.vaddr)}`);
    }
    segments.push({ vaddr: start, memsz, data: bytes.subarray(offset, offset + filesz), flags });
    if (phoff >= offset && phoff + phnum * PHDR_SIZE <= offset + filesz) phdrAddr = start + (phoff - offset);
  }
  if (segments.length === 0) return fail('no loadable (PT_LOAD) segments');
  const entry = entryInFile + loadBias;
  if (!segments.some((s) => (s.flags & PF_X) !== 0 && entry >= s.vaddr && entry < s.vaddr + s.memsz)) {
    return fail(`entry point ${hex(entry)} is not inside an executable segment`);
  }
  if (entry % 4 !== 0) return fail(`entry point ${hex(entry)} is not 4-byte aligned`);
  const end = Math.max(...segments.map((s) => s.vaddr + s.memsz));
  return { ok: true, image: { entry, loadBias, segments, phdrAddr, phnum, end, execStack } };
}
