/**
 * The assembler: parses llvm-mc's syntax with the same templates the disassembler prints, so every row
 * assembles exactly what it disassembles. Programs may use labels and a few data directives.
 */
import { insertFields, extractFields } from './pattern.ts';
import { OperandError } from './operands.ts';
import { tableRows, type Row } from './table.ts';
import type { Fields, OperandContext } from './types.ts';

export class AsmError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

/** Canonical form used for matching: lowercase, no comment, mnemonic then operands with every space removed. */
function normalise(text: string): string {
  const t = text.replace(/\/\/.*$/, '').trim().toLowerCase();
  const sp = t.search(/\s/);
  if (sp < 0) return `${t} `;
  return `${t.slice(0, sp)} ${t.slice(sp).replace(/\s+/g, '')}`;
}

/** Template pieces of a row in the same canonical form (a template without operands gets its trailing space). */
function canonicalPieces(row: Row): Row['pieces'] {
  // The mnemonic may continue into an operand (`b.{Cond:c} ...`): keep its one space wherever it falls.
  let inMnemonic = true;
  const pieces = row.pieces.length === 1 && 'literal' in row.pieces[0] && !row.pieces[0].literal.includes(' ')
    ? [{ literal: `${row.pieces[0].literal} ` }]
    : row.pieces;
  return pieces.map((p) => {
    if (!('literal' in p)) return p;
    let lit = p.literal.toLowerCase();
    if (inMnemonic) {
      const sp = lit.indexOf(' ');
      lit = sp < 0 ? lit : `${lit.slice(0, sp)} ${lit.slice(sp).replace(/\s+/g, '')}`;
      inMnemonic = sp < 0;
    } else lit = lit.replace(/\s+/g, '');
    return { literal: lit };
  });
}

const canonical = new Map<Row, Row['pieces']>();

function tryRow(row: Row, text: string, ctx: Omit<OperandContext, 'fieldWidth'>): number | null {
  let pieces = canonical.get(row);
  if (!pieces) canonical.set(row, (pieces = canonicalPieces(row)));
  const f: Fields = { ...row.def.fixed };
  const octx: OperandContext = { ...ctx, fieldWidth: row.fieldWidth };
  let pos = 0;
  for (const p of pieces) {
    if ('literal' in p) {
      if (!text.startsWith(p.literal, pos)) return null;
      pos += p.literal.length;
    } else {
      const n = p.kind.parse(text.slice(pos), p.letters, f, octx);
      if (n < 0) return null;
      pos += n;
    }
  }
  if (pos !== text.length) return null;
  const word = insertFields(row.pattern, f);
  if (word === null) return null;
  if (row.def.when && !row.def.when(extractFields(row.pattern, word))) return null;
  return word;
}

/** Assembles one instruction at address `pc`. Throws AsmError with the reason when it cannot. */
export function assembleOne(text: string, pc = 0, labels?: ReadonlyMap<string, number>): number {
  const norm = normalise(text);
  if (norm === '') throw new AsmError('empty line');
  const mnemonic = norm.split(' ')[0];
  let known = false;
  let reason = '';
  for (const row of tableRows()) {
    if (row.def.noAssemble) continue;
    if (!mnemonic.startsWith(row.prefix.toLowerCase()) || row.prefix === '') continue;
    known = true;
    try {
      const word = tryRow(row, norm, { pc, labels });
      if (word !== null) return word;
    } catch (e) {
      if (!(e instanceof OperandError)) throw e;
      reason ||= `: ${e.message}`;
    }
  }
  throw new AsmError(known ? `invalid operands for "${mnemonic}": ${text.trim()}${reason}` : `unknown instruction "${mnemonic}"`);
}

export interface AssembledProgram {
  bytes: Uint8Array;
  labels: Map<string, number>;
  /** Source line (1-based) of each instruction or datum, by offset. */
  lineAt: Map<number, number>;
}

type Item = { line: number; offset: number; text: string } & ({ kind: 'insn' } | { kind: 'data'; bytes: Uint8Array });

/** Largest program the assembler builds (the size of the largest ELF file Tagscope accepts). */
export const MAX_PROGRAM_BYTES = 16 << 20;
const NUMBER = /^-?(0x[0-9a-f]+|0b[01]+|0o[0-7]+|[0-9]+)$/i;

function parseDirective(name: string, args: string, line: number): Uint8Array | { align: number } {
  const nums = () => args.split(',').map((a) => a.trim()).filter(Boolean).map((a) => {
    if (!NUMBER.test(a)) throw new AsmError(`${name} needs numbers, not "${a.slice(0, 40)}"`, line);
    return a.startsWith('-') ? -BigInt(a.slice(1)) : BigInt(a);
  });
  /** A size or alignment operand: a whole number no larger than the largest program. */
  const amount = (what: string): number => {
    const n = nums()[0] ?? 0n;
    if (n < 0n || n > BigInt(MAX_PROGRAM_BYTES)) throw new AsmError(`${name} ${what} must be between 0 and ${MAX_PROGRAM_BYTES}`, line);
    return Number(n);
  };
  const pack = (size: number) => {
    const vals = nums();
    const out = new Uint8Array(vals.length * size);
    const dv = new DataView(out.buffer);
    vals.forEach((v, i) => {
      const u = BigInt.asUintN(size * 8, v);
      if (size === 8) dv.setBigUint64(i * 8, u, true);
      else for (let b = 0; b < size; b++) out[i * size + b] = Number((u >> BigInt(8 * b)) & 0xffn);
    });
    return out;
  };
  switch (name) {
    case '.byte': return pack(1);
    case '.hword': case '.short': return pack(2);
    case '.word': case '.long': case '.int': return pack(4);
    case '.xword': case '.quad': case '.dword': return pack(8);
    case '.ascii': case '.asciz': case '.string': {
      const m = /^"((?:[^"\\]|\\.)*)"$/.exec(args.trim());
      if (!m) throw new AsmError(`${name} needs a quoted string`, line);
      let s: string;
      try {
        s = JSON.parse(`"${m[1]}"`) as string;
      } catch {
        throw new AsmError(`${name} string has an escape that is not \\n, \\t, \\", \\\\ or \\uXXXX`, line);
      }
      return new TextEncoder().encode(name === '.ascii' ? s : `${s}\0`);
    }
    case '.zero': case '.skip': case '.space': return new Uint8Array(amount('size'));
    case '.balign': case '.p2align': case '.align': {
      const n = amount('alignment');
      const align = name === '.balign' ? n : 2 ** Math.min(n, 31);
      if (align < 1 || align > 1 << 16 || (align & (align - 1)) !== 0) throw new AsmError(`${name} alignment must be a power of two from 1 to 65536`, line);
      return { align };
    }
    default: throw new AsmError(`unknown directive ${name}`, line);
  }
}

const IGNORED_DIRECTIVES = new Set(['.text', '.data', '.globl', '.global', '.type', '.size', '.section', '.arch', '.arch_extension', '.cpu', '.file', '.ident']);

/** Assembles a program placed at `base`; errors name the line and the problem. */
export function assembleProgram(source: string, base = 0): AssembledProgram {
  const items: Item[] = [];
  const labels = new Map<string, number>();
  let offset = 0;
  source.split('\n').forEach((raw, index) => {
    const line = index + 1;
    let text = raw.replace(/\/\/.*$/, '').trim();
    for (let m = /^([A-Za-z_.$][\w.$]*):\s*/.exec(text); m !== null; m = /^([A-Za-z_.$][\w.$]*):\s*/.exec(text)) {
      const name = m[1].toLowerCase();
      if (labels.has(name)) throw new AsmError(`label "${m[1]}" defined twice`, line);
      labels.set(name, base + offset);
      text = text.slice(m[0].length);
    }
    if (text === '') return;
    if (offset > MAX_PROGRAM_BYTES) throw new AsmError(`the program is larger than ${MAX_PROGRAM_BYTES >> 20} MiB`, line);
    if (text.startsWith('.')) {
      const sp = text.search(/\s/);
      const name = (sp < 0 ? text : text.slice(0, sp)).toLowerCase();
      if (IGNORED_DIRECTIVES.has(name)) return;
      const d = parseDirective(name, sp < 0 ? '' : text.slice(sp + 1), line);
      if (d instanceof Uint8Array) {
        items.push({ line, offset, text, kind: 'data', bytes: d });
        offset += d.length;
      } else {
        const pad = (d.align - (offset % d.align)) % d.align;
        if (pad) items.push({ line, offset, text, kind: 'data', bytes: new Uint8Array(pad) });
        offset += pad;
      }
      return;
    }
    if (offset % 4 !== 0) throw new AsmError('instruction is not 4-byte aligned (add .balign 4)', line);
    items.push({ line, offset, text, kind: 'insn' });
    offset += 4;
  });
  const bytes = new Uint8Array(offset);
  const dv = new DataView(bytes.buffer);
  const lineAt = new Map<number, number>();
  for (const item of items) {
    lineAt.set(item.offset, item.line);
    if (item.kind === 'data') bytes.set(item.bytes, item.offset);
    else {
      try {
        dv.setUint32(item.offset, assembleOne(item.text, base + item.offset, labels), true);
      } catch (e) {
        if (e instanceof AsmError) throw new AsmError(e.message, item.line);
        throw e;
      }
    }
  }
  return { bytes, labels, lineAt };
}
