/** Builds small ELF64 files in memory, for loader tests and for processes driven without real programs. */
export interface SegmentSpec {
  type?: number;
  flags: number;
  vaddr: number;
  data?: Uint8Array;
  memsz?: number;
  /** Override the file offset (default: where the data is placed). */
  offset?: number;
  filesz?: number;
}

export interface ElfSpec {
  entry: number;
  segments: SegmentSpec[];
  type?: number;
  machine?: number;
  class?: number;
  data?: number;
  phentsize?: number;
}

export const PT_LOAD = 1;
export const PT_INTERP = 3;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

/** Places the headers at offset 0 and each segment's data at the next offset congruent to its address. */
export function buildElf(spec: ElfSpec): Uint8Array {
  const phnum = spec.segments.length;
  let cursor = 64 + 56 * phnum;
  const placed = spec.segments.map((s) => {
    const data = s.data ?? new Uint8Array(0);
    let off = s.offset;
    if (off === undefined) {
      off = cursor + ((s.vaddr - cursor) % 4096 + 4096) % 4096;
      cursor = off + data.length;
    }
    return { s, data, off };
  });
  const size = Math.max(cursor, ...placed.map((p) => p.off + p.data.length));
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  // Data first, so a segment that maps the headers (offset 0) does not overwrite them.
  for (const { data, off } of placed) if (off + data.length <= b.length) b.set(data, off);
  b.set([0x7f, 0x45, 0x4c, 0x46, spec.class ?? 2, spec.data ?? 1, 1]);
  dv.setUint16(16, spec.type ?? 2, true);
  dv.setUint16(18, spec.machine ?? 183, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(spec.entry), true);
  dv.setBigUint64(32, 64n, true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, spec.phentsize ?? 56, true);
  dv.setUint16(56, phnum, true);
  placed.forEach(({ s, data, off }, i) => {
    const h = 64 + 56 * i;
    dv.setUint32(h, s.type ?? PT_LOAD, true);
    dv.setUint32(h + 4, s.flags, true);
    dv.setBigUint64(h + 8, BigInt(off), true);
    dv.setBigUint64(h + 16, BigInt(s.vaddr), true);
    dv.setBigUint64(h + 24, BigInt(s.vaddr), true);
    dv.setBigUint64(h + 32, BigInt(s.filesz ?? data.length), true);
    dv.setBigUint64(h + 40, BigInt(s.memsz ?? data.length), true);
    dv.setBigUint64(h + 48, 4096n, true);
  });
  return b;
}

/** Little-endian bytes of instruction words. */
export function words(...ws: number[]): Uint8Array {
  const b = new Uint8Array(ws.length * 4);
  ws.forEach((w, i) => new DataView(b.buffer).setUint32(i * 4, w >>> 0, true));
  return b;
}

/** A minimal valid program: one executable page at 0x400000 (content: `words`), one data page at 0x410000. */
export function tinyElf(code: Uint8Array = words(0xd4000001)): Uint8Array {
  return buildElf({
    entry: 0x400000,
    segments: [
      { flags: PF_R | PF_X, vaddr: 0x400000, data: code },
      { flags: PF_R | PF_W, vaddr: 0x410000, data: new Uint8Array(16), memsz: 0x2000 },
    ],
  });
}
