/**
 * The 32-bit and 64-bit variants of a data-processing form differ only in `sf`, the register names and
 * which field values exist; rows are written once per form and instantiated for both sizes.
 */
import type { InsnDef } from '../../types.ts';

export interface Size {
  is64: boolean;
  /** The sf bit. */
  sf: '0' | '1';
  /** Register kind where 31 is the zero register, and where 31 is the stack pointer. */
  R: 'X' | 'W';
  RSP: 'XSP' | 'WSP';
  /** Register kind that writes two fields (Rn = Rm aliases). */
  RDup: 'XDup' | 'WDup';
  /** Suffix of row ids. */
  id: '32' | '64';
  /**
   * A 6-bit field of shift amounts and bit positions: all six bits in 64-bit rows; in 32-bit rows the top
   * bit is fixed at 0, so values 32..63 match no row (unallocated) and do not assemble.
   */
  six(letter: string): string;
}

export const W: Size = { is64: false, sf: '0', R: 'W', RSP: 'WSP', RDup: 'WDup', id: '32', six: (l) => `0${l.repeat(5)}` };
export const X: Size = { is64: true, sf: '1', R: 'X', RSP: 'XSP', RDup: 'XDup', id: '64', six: (l) => l.repeat(6) };

/** Rows of a form for both register sizes. */
export const bothSizes = (make: (z: Size) => InsnDef[]): InsnDef[] => [W, X].flatMap(make);
