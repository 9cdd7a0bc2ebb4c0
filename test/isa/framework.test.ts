import { describe, expect, test } from 'vitest';
import { disassemble } from '../../src/core/isa/disasm.ts';
import { assembleOne, assembleProgram } from '../../src/core/isa/asm.ts';
import { runSnippet } from '../helpers/snippet.ts';

describe('instruction table framework', () => {
  test('aliases print in preference to their base instruction', () => {
    expect(disassemble(0x910003e0)).toBe('mov x0, sp');
    expect(disassemble(0xf100041f)).toBe('cmp x0, #1');
    expect(disassemble(0x91400420)).toBe('add x0, x1, #1, lsl #12');
  });

  test('the assembler accepts what the disassembler prints', () => {
    for (const w of [0x910003e0, 0xf100041f, 0x91400420, 0xd1000420]) {
      expect(assembleOne(disassemble(w)!)).toBe(w);
    }
  });

  test('assembler errors name the line and the problem', () => {
    expect(() => assembleProgram('add x0, x1, #1\nfrob x1\n')).toThrow(/line 2: unknown instruction "frob"/);
    expect(() => assembleProgram('add x0, x1, #5000\n')).toThrow(/line 1: invalid operands/);
  });

  test('directives with a bad number, escape, size or alignment are assembler errors naming the line', () => {
    expect(() => assembleProgram('nop\n.zero 12ret\n')).toThrow(/line 2: \.zero needs numbers, not "12ret"/);
    expect(() => assembleProgram('.quad 1, x\n')).toThrow(/line 1: \.quad needs numbers, not "x"/);
    expect(() => assembleProgram('.ascii "\\q"\n')).toThrow(/line 1: \.ascii string has an escape/);
    expect(() => assembleProgram('.zero -1\n')).toThrow(/line 1: \.zero size must be between 0 and 16777216/);
    expect(() => assembleProgram('.zero 99999999999\n')).toThrow(/line 1: \.zero size must be between/);
    expect(() => assembleProgram('.balign 3\n')).toThrow(/line 1: \.balign alignment must be a power of two/);
    expect(() => assembleProgram('.p2align 64\n')).toThrow(/line 1: \.p2align alignment must be a power of two/);
    expect(() => assembleProgram('.zero 16777216\n.zero 1\nnop\n')).toThrow(/line 3: the program is larger than 16 MiB/);
  });

  test('ADD (immediate) executes with 64-bit carry across the halves', () => {
    const r = runSnippet('add x0, x1, #1', (m) => m.cpu.setX(1, 0xffffffffn));
    expect(r.exception).toBeNull();
    expect(r.x(0)).toBe(0x100000000n);
  });

  test('SUBS sets NZCV like the pseudocode AddWithCarry', () => {
    const r = runSnippet('cmp x1, #1', (m) => m.cpu.setX(1, 0n));
    expect(r.m.cpu.nzcv >>> 28).toBe(0b1000);
  });
});
