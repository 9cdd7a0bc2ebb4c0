import { describe, expect, test } from 'vitest';
import { parseElf, PIE_LOAD_BIAS } from '../../src/guest/elf.ts';
import { buildElf, PF_R, PF_W, PF_X, PT_INTERP, tinyElf, words } from './elfBuilder.ts';

const code = words(0xd503201f);
const text = { flags: PF_R | PF_X, vaddr: 0x400000, data: code };

const malformed: [string, Uint8Array, RegExp][] = [
  ['empty file', new Uint8Array(0), /not an ELF file/],
  ['a shell script', new TextEncoder().encode('#!/bin/sh\necho hi\n'), /not an ELF file/],
  ['truncated header', tinyElf().slice(0, 40), /truncated ELF header/],
  ['32-bit class', buildElf({ entry: 0x400000, segments: [text], class: 1 }), /not a 64-bit ELF/],
  ['big-endian data', buildElf({ entry: 0x400000, segments: [text], data: 2 }), /not a little-endian/],
  ['x86-64 machine', buildElf({ entry: 0x400000, segments: [text], machine: 62 }), /not an AArch64 program/],
  ['relocatable object', buildElf({ entry: 0x400000, segments: [text], type: 1 }), /not an executable/],
  ['dynamic interpreter', buildElf({ entry: 0x400000, segments: [{ type: PT_INTERP, flags: PF_R, vaddr: 0x400100, data: new TextEncoder().encode('/lib/ld-linux-aarch64.so.1\0') }, text] }),
    /dynamically linked programs are not supported: link with -static/],
  ['segment outside the file', buildElf({ entry: 0x400000, segments: [{ ...text, filesz: 0x10000 }] }), /lies outside the file/],
  ['file size above memory size', buildElf({ entry: 0x400000, segments: [{ ...text, memsz: 2 }] }), /more file bytes/],
  ['absurd memory size', buildElf({ entry: 0x400000, segments: [{ ...text, memsz: 2 ** 40 }] }), /absurdly large/],
  ['memory size beyond 2^53', buildElf({ entry: 0x400000, segments: [{ ...text, memsz: 2 ** 60 }] }), /absurdly large \(more than 2\^53 bytes\)/],
  ['segment above the user address space', buildElf({ entry: 0x400000, segments: [text, { flags: PF_R, vaddr: 2 ** 48 - 4096, memsz: 8192 }] }), /outside the 48-bit user address space/],
  ['overlapping segments', buildElf({ entry: 0x400000, segments: [text, { flags: PF_R | PF_W, vaddr: 0x400002, data: new Uint8Array(8) }] }), /overlaps another loadable segment/],
  ['address and offset not congruent', buildElf({ entry: 0x400000, segments: [{ ...text, offset: 0x1001 }] }), /not congruent/],
  ['entry outside any executable segment', buildElf({ entry: 0x500000, segments: [text] }), /entry point 0x500000 is not inside an executable segment/],
  ['entry in a data segment', buildElf({ entry: 0x410000, segments: [text, { flags: PF_R | PF_W, vaddr: 0x410000, data: code }] }), /not inside an executable segment/],
  ['no loadable segments', buildElf({ entry: 0x400000, segments: [{ ...text, type: 4 }] }), /no loadable/],
  ['wrong program header size', buildElf({ entry: 0x400000, segments: [text], phentsize: 32 }), /unexpected program header size/],
  ['too many program headers', buildElf({ entry: 0x400000, segments: Array.from({ length: 200 }, () => ({ ...text, type: 4 })) }), /too many program headers/],
];

describe('ELF loader validation', () => {
  test.each(malformed)('%s is rejected with one clear sentence', (_name, bytes, message) => {
    const r = parseElf(bytes);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  test('no byte string makes the parser throw', () => {
    const good = tinyElf();
    for (let cut = 0; cut < good.length; cut += 7) expect(() => parseElf(good.slice(0, cut))).not.toThrow();
    for (let i = 0; i < 200; i++) {
      const b = good.slice();
      b[(i * 37) % 120] ^= 0xff;
      expect(() => parseElf(b)).not.toThrow();
    }
  });

  test('a static ET_EXEC loads at its own addresses with its bss', () => {
    const r = parseElf(tinyElf());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.image.entry).toBe(0x400000);
    expect(r.image.segments.map((s) => [s.vaddr, s.memsz, s.data.length])).toEqual([[0x400000, 4, 4], [0x410000, 0x2000, 16]]);
    expect(r.image.end).toBe(0x412000);
    expect(r.image.phdrAddr).toBe(0); // the headers are in no segment, so Linux gives AT_PHDR 0 too
  });

  test('AT_PHDR points at the program headers when the first segment maps them', () => {
    const r = parseElf(buildElf({ entry: 0x400100, segments: [{ flags: PF_R | PF_X, vaddr: 0x400000, offset: 0, data: new Uint8Array(0x200) }] }));
    expect(r.ok && r.image.phdrAddr).toBe(0x400040);
  });

  test('a static-PIE ET_DYN gets the fixed load bias', () => {
    const r = parseElf(buildElf({ entry: 0x1000, type: 3, segments: [{ ...text, vaddr: 0x1000 }] }));
    expect(r.ok && r.image.entry).toBe(PIE_LOAD_BIAS + 0x1000);
  });
});
