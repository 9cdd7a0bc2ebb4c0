import type { CpuState } from '../cpu/state.ts';

/** Field values extracted from an instruction word, keyed by the pattern's field letters. */
export type Fields = Record<string, number>;

/**
 * A predecoded instruction: a closure over its already-extracted operands (ARCHITECTURE.md §3).
 * It performs the instruction and sets `s.pc` to the next instruction, or throws a GuestException
 * before changing any architectural state.
 */
export type Op = (s: CpuState) => void;

/** What an operand printer or parser may need beyond the fields. */
export interface OperandContext {
  /** Address of the instruction (for PC-relative operands). */
  pc: number;
  /** Labels known to the assembler (name → address), when assembling. */
  labels?: ReadonlyMap<string, number>;
  /** Width in bits of a pattern field of the row being printed or parsed. */
  fieldWidth(letter: string): number;
}

/**
 * One operand kind of the syntax templates, e.g. `X` (a 64-bit register where 31 is XZR) or `LogImm64`.
 * `letters` are the pattern fields the operand reads and writes, in template order.
 */
export interface OperandKind {
  /** Text for this operand, or null to omit it (optional operands at their default value). */
  print(f: Fields, letters: string, ctx: OperandContext): string | null;
  /**
   * Parses a prefix of `text` (lowercase, all spaces removed) and stores field values into `f`.
   * Returns the number of characters consumed, or -1 if the text is not this operand.
   */
  parse(text: string, letters: string, f: Fields, ctx: OperandContext): number;
}

/** One row of the instruction table: the single source of an instruction form's encoding, syntax and meaning. */
export interface InsnDef {
  /** Unique id, e.g. `ADD_imm_64`; aliases carry their own id (`MOV_to_sp_64`). */
  id: string;
  /** 32-character bit pattern (see pattern.ts). */
  pattern: string;
  /**
   * Assembler syntax: mnemonic, then literal text and `{Kind:letters}` operands, e.g.
   * `add {XSP:d}, {XSP:n}, #{U:i}{LslImm12:s}`. The disassembler prints it; the assembler parses it.
   */
  syntax: string;
  /** Extra condition on the fields: alias conditions, or encodings carved out as unallocated. */
  when?: (f: Fields) => boolean;
  /** Field values an alias fixes that its syntax does not mention (e.g. Rn=31 for `mov`), used by the assembler. */
  fixed?: Fields;
  /** Compiles the extracted fields into a closure. Aliases share their base instruction's exec. */
  exec: (f: Fields, word: number) => Op;
  /** Decode-only: the row executes but the disassembler prefers another matching row for printing. */
  noPrint?: boolean;
  /** Assemble-only preference: do not use this row to assemble (e.g. a non-preferred duplicate form). */
  noAssemble?: boolean;
}
