/**
 * The instruction table: every row of every class, compiled once. The decoder, the disassembler and the
 * assembler all read these rows, so they cannot disagree (STYLE.md, "Instruction definitions as data").
 *
 * Priority: a word matches the row with the most fixed bits; between equals, a row with a `when`
 * condition (an alias or a carve-out) comes first, then table order. Aliases therefore print in
 * preference to their base instruction, as llvm-mc does.
 */
import { rows as branchSystem } from './classes/branchSystem.ts';
import { rows as dataProcessing } from './classes/dataProcessing.ts';
import { rows as loadStore } from './classes/loadStore.ts';
import { rows as mte } from './classes/mte.ts';
import { rows as simd } from './classes/simd.ts';
import { operandKind } from './operands.ts';
import { compilePattern, extractFields, type CompiledPattern } from './pattern.ts';
import type { Fields, InsnDef, OperandContext, OperandKind } from './types.ts';

export type TemplatePiece = { literal: string } | { kind: OperandKind; kindName: string; letters: string };

export interface Row {
  def: InsnDef;
  pattern: CompiledPattern;
  /** The syntax template, split into literals and operands. */
  pieces: TemplatePiece[];
  /** The template's literal start (the mnemonic or its fixed prefix), for the assembler's index. */
  prefix: string;
  order: number;
  fieldWidth: (letter: string) => number;
}

export const allDefs: readonly InsnDef[] = [...dataProcessing, ...branchSystem, ...loadStore, ...mte, ...simd];

function splitTemplate(syntax: string): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  const re = /\{([A-Za-z0-9_]+):([A-Za-z]+)\}/g;
  let last = 0;
  for (let m = re.exec(syntax); m !== null; m = re.exec(syntax)) {
    if (m.index > last) pieces.push({ literal: syntax.slice(last, m.index) });
    pieces.push({ kind: operandKind(m[1]), kindName: m[1], letters: m[2] });
    last = m.index + m[0].length;
  }
  if (last < syntax.length) pieces.push({ literal: syntax.slice(last) });
  return pieces;
}

let compiled: Row[] | null = null;
/** Decode buckets keyed by bits 28:25 (the A64 op0 field): each holds the rows that can match. */
let buckets: Row[][] | null = null;

export function tableRows(): Row[] {
  if (compiled) return compiled;
  const ids = new Set<string>();
  const rows = allDefs.map((def, order): Row => {
    if (ids.has(def.id)) throw new Error(`instruction id ${def.id} used twice`);
    ids.add(def.id);
    const pattern = compilePattern(def.pattern);
    const pieces = splitTemplate(def.syntax);
    const first = pieces[0];
    const prefix = first && 'literal' in first ? first.literal.split(' ')[0] : '';
    const fieldWidth = (letter: string): number => pattern.fields.get(letter)?.length ?? 0;
    return { def, pattern, pieces, prefix, order, fieldWidth };
  });
  rows.sort((a, b) =>
    b.pattern.fixedBits - a.pattern.fixedBits ||
    Number(b.def.when !== undefined) - Number(a.def.when !== undefined) ||
    a.order - b.order);
  compiled = rows;
  buckets = [];
  for (let op0 = 0; op0 < 16; op0++) {
    const probeMask = 0xf << 25;
    const probeValue = op0 << 25;
    buckets.push(rows.filter((r) => ((r.pattern.value ^ probeValue) & r.pattern.mask & probeMask) === 0));
  }
  return rows;
}

/** All rows whose pattern and condition match `word`, best first. */
export function matchingRows(word: number): { row: Row; fields: Fields }[] {
  tableRows();
  const out: { row: Row; fields: Fields }[] = [];
  for (const row of buckets![(word >>> 25) & 0xf]) {
    if (((word & row.pattern.mask) >>> 0) !== row.pattern.value) continue;
    const fields = extractFields(row.pattern, word);
    if (row.def.when && !row.def.when(fields)) continue;
    out.push({ row, fields });
  }
  return out;
}

/** The row that executes `word`, or null when the encoding is unallocated (or not implemented). */
export function decode(word: number): { row: Row; fields: Fields } | null {
  tableRows();
  for (const row of buckets![(word >>> 25) & 0xf]) {
    if (((word & row.pattern.mask) >>> 0) !== row.pattern.value) continue;
    const fields = extractFields(row.pattern, word);
    if (row.def.when && !row.def.when(fields)) continue;
    return { row, fields };
  }
  return null;
}

/** Prints one row's syntax for the given fields. */
export function printRow(row: Row, fields: Fields, pc = 0): string {
  const ctx: OperandContext = { pc, fieldWidth: row.fieldWidth };
  let text = '';
  for (const piece of row.pieces) {
    if ('literal' in piece) text += piece.literal;
    else text += piece.kind.print(fields, piece.letters, ctx) ?? '';
  }
  return text.trimEnd();
}
