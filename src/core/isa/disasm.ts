/** The disassembler: prints a word in llvm-mc's syntax, aliases included. */
import { matchingRows, printRow } from './table.ts';

/** Text for `word` at address `pc`, or null when no row matches (llvm-mc prints "invalid instruction encoding"). */
export function disassemble(word: number, pc = 0): string | null {
  for (const { row, fields } of matchingRows(word >>> 0)) {
    if (row.def.noPrint) continue;
    return printRow(row, fields, pc);
  }
  return null;
}
