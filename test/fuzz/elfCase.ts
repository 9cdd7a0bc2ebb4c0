/**
 * Mutated ELF files for the loader fuzzer: real programs from test/programs/bin and bench/programs with
 * truncations, flipped header bytes, absurd program-header fields, overlapping segments, entries outside
 * the code, absurd counts, and files that are not ELF at all. `checkElf` states what the loader and the
 * run loop promise for any file (docs/RELIABILITY.md).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { runProgram, type RunResult } from '../../src/engine/runProgram.ts';
import { parseElf } from '../../src/guest/elf.ts';
import { PAGE_SIZE } from '../../src/core/mem/physmem.ts';
import { tinyElf } from '../guest/elfBuilder.ts';

const SOURCES = [
  'test/programs/bin/int_hash.elf', 'test/programs/bin/mte_sync.elf', 'test/programs/bin/sys_mem.elf',
  'test/programs/bin/asm_arith.elf', 'bench/programs/tagloop.elf',
];

export const seeds: { name: string; bytes: Uint8Array }[] = [
  ...SOURCES.map((path) => ({ name: path.replace(/^.*\//, ''), bytes: new Uint8Array(readFileSync(path)) })),
  { name: 'tiny', bytes: tinyElf() },
];

const EHDR = 64;
const PHDR = 56;
/** Program-header fields by byte offset and width. */
const PHDR_FIELDS = { type: [0, 4], flags: [4, 4], offset: [8, 8], vaddr: [16, 8], filesz: [32, 8], memsz: [40, 8] } as const;
/** ELF-header fields: entry, phoff, phentsize, phnum, type, machine. */
const EHDR_FIELDS = { entry: [24, 8], phoff: [32, 8], phentsize: [54, 2], phnum: [56, 2], type: [16, 2], machine: [18, 2] } as const;

/** Values that sit on every boundary the loader must respect. */
const interesting = fc.oneof(
  fc.constantFrom(0n, 1n, 3n, 0xfffn, 0x1000n, 0x40_0000n, 0xffff_ffffn, 2n ** 30n, 2n ** 30n + 1n, 2n ** 47n,
    2n ** 48n - 4096n, 2n ** 48n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n - 4096n),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
);

export type Mutation =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; region: 'ehdr' | 'phdrs' | 'anywhere'; at: number; xor: number }
  | { op: 'phdr'; index: number; field: keyof typeof PHDR_FIELDS; value: bigint }
  | { op: 'ehdr'; field: keyof typeof EHDR_FIELDS; value: bigint }
  | { op: 'overlap'; from: number; to: number }
  | { op: 'garbage'; bytes: Uint8Array; magic: boolean };

const byteFlip = fc.integer({ min: 1, max: 255 });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), region: fc.constantFrom('ehdr' as const, 'phdrs' as const, 'anywhere' as const), at: fc.nat(), xor: byteFlip }),
  fc.record({ op: fc.constant('phdr' as const), index: fc.nat(16), field: fc.constantFrom(...(Object.keys(PHDR_FIELDS) as (keyof typeof PHDR_FIELDS)[])), value: interesting }),
  fc.record({ op: fc.constant('ehdr' as const), field: fc.constantFrom(...(Object.keys(EHDR_FIELDS) as (keyof typeof EHDR_FIELDS)[])), value: interesting }),
  fc.record({ op: fc.constant('overlap' as const), from: fc.nat(16), to: fc.nat(16) }),
  fc.record({ op: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 300 }), magic: fc.boolean() }),
);

export interface ElfCase {
  seed: number;
  mutations: Mutation[];
}

export const elfCase: fc.Arbitrary<ElfCase> = fc.record({
  seed: fc.nat(seeds.length - 1),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
});

function setField(b: Uint8Array, off: number, width: number, value: bigint): void {
  if (off + width > b.length) return;
  for (let i = 0; i < width; i++) b[off + i] = Number((value >> BigInt(8 * i)) & 0xffn);
}

function phdrTable(b: Uint8Array): { phoff: number; phnum: number } {
  if (b.length < EHDR) return { phoff: 0, phnum: 0 };
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const phoff = Number(dv.getBigUint64(32, true));
  return { phoff, phnum: Math.max(0, Math.min(dv.getUint16(56, true), Math.floor((b.length - phoff) / PHDR))) };
}

function apply(b: Uint8Array, m: Mutation): Uint8Array {
  const { phoff, phnum } = phdrTable(b);
  switch (m.op) {
    case 'truncate':
      return b.slice(0, m.at % (b.length + 1));
    case 'flip': {
      const [start, span] = m.region === 'ehdr' ? [0, EHDR] : m.region === 'phdrs' && phnum > 0 ? [phoff, phnum * PHDR] : [0, b.length];
      if (span > 0 && start + (m.at % span) < b.length) b[start + (m.at % span)] ^= m.xor;
      return b;
    }
    case 'phdr': {
      const [off, width] = PHDR_FIELDS[m.field];
      setField(b, phoff + (m.index % Math.max(1, phnum)) * PHDR + off, width, m.value);
      return b;
    }
    case 'ehdr': {
      const [off, width] = EHDR_FIELDS[m.field];
      setField(b, off, width, m.value);
      return b;
    }
    case 'overlap': {
      if (phnum === 0) return b;
      const from = phoff + (m.from % phnum) * PHDR;
      const to = phoff + (m.to % phnum) * PHDR;
      b.copyWithin(to + 8, from + 8, from + 24); // p_offset and p_vaddr: the same bytes at the same place
      return b;
    }
    case 'garbage': {
      const g = m.bytes.slice();
      if (m.magic) g.set([0x7f, 0x45, 0x4c, 0x46].slice(0, g.length));
      return g;
    }
  }
}

export function mutatedElf(c: ElfCase): Uint8Array {
  return c.mutations.reduce(apply, seeds[c.seed].bytes.slice());
}

/** Instructions each mutated program may run: enough to start, small enough to keep every case short. */
export const CASE_INSTRUCTIONS = 5_000;
export const CASE_TIME_LIMIT_MS = 2_000;
const REASONS = new Set(['exit', 'signal', 'limit', 'error']);
/** Words that mean a message was built from a value that was never checked. */
const UNCHECKED = /NaN|undefined|Infinity|\[object|null/;

const describeCase = (c: ElfCase): string =>
  `${seeds[c.seed].name} with ${JSON.stringify(c.mutations, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v instanceof Uint8Array ? `${v.length} bytes` : v))}`;

function fail(c: ElfCase, why: string): never {
  throw new Error(`${why}\n  case: ${describeCase(c)}`);
}

/** Pages populated while loading must follow from the file's size, not from what its headers claim. */
function loaderPages(elf: Uint8Array): number {
  let pages = 0;
  runProgram(elf, { maxInstructions: 0, onEvent: (e) => { if (e.kind === 'demandPage') pages++; } });
  return pages;
}

/** Pages of file data in each loadable segment (each may straddle one more page), plus the stack and the trampoline. */
function loaderPageBound(elf: Uint8Array): number {
  const parsed = parseElf(elf);
  if (!parsed.ok) return 0;
  return parsed.image.segments.reduce((n, s) => n + Math.ceil(s.data.length / PAGE_SIZE) + 1, 0) + 4;
}

/** Runs one mutated file; throws an Error naming the case when the loader or the run breaks a promise. */
export function checkElf(c: ElfCase): RunResult {
  const elf = mutatedElf(c);
  const start = performance.now();
  let r: RunResult;
  let pages: number;
  try {
    pages = loaderPages(elf);
    r = runProgram(elf, { maxInstructions: CASE_INSTRUCTIONS });
  } catch (e) {
    fail(c, `JavaScript exception escaped runProgram: ${(e as Error)?.stack ?? String(e)}`);
  }
  const took = performance.now() - start;
  if (took > CASE_TIME_LIMIT_MS) fail(c, `the case took ${took.toFixed(0)} ms`);
  if (!REASONS.has(r.reason)) fail(c, `unknown stop reason ${r.reason}`);
  if (r.instructions > CASE_INSTRUCTIONS) fail(c, `ran ${r.instructions} instructions, over the budget of ${CASE_INSTRUCTIONS}`);
  if (r.reason === 'error') {
    const msg = r.message ?? '';
    if (msg.length === 0 || msg.length > 200 || msg.includes('\n')) fail(c, `error is not one line naming the problem: ${JSON.stringify(msg)}`);
    if (UNCHECKED.test(msg)) fail(c, `error message shows an unchecked value: ${msg}`);
  }
  const allowed = loaderPageBound(elf);
  if (pages > allowed) fail(c, `loading populated ${pages} pages for ${allowed} pages of file data, stack and trampoline`);
  return r;
}
