/** The assembler on branch and system syntax: labels, ranges, aliases llvm-mc accepts, and clear errors. */
import { describe, expect, test } from 'vitest';
import { assembleOne, assembleProgram } from '../../src/core/isa/asm.ts';
import { disassemble } from '../../src/core/isa/disasm.ts';

const words = (source: string, base = 0x1000): string[] => {
  const { bytes } = assembleProgram(source, base);
  const dv = new DataView(bytes.buffer);
  return Array.from({ length: bytes.length / 4 }, (_, i) => disassemble(dv.getUint32(i * 4, true))!);
};

describe('branch targets', () => {
  test('labels resolve relative to the branch, forward and backward', () => {
    expect(words('top: nop\nb.ne top\ncbz x3, end\ntbnz w1, #7, top\nbl end\nend: b top')).toEqual([
      'nop', 'b.ne #-4', 'cbz x3, #12', 'tbnz w1, #7, #-12', 'bl #4', 'b #-20',
    ]);
  });

  test('an immediate is an offset from the branch, whatever its address', () => {
    expect(assembleOne('b #8', 0x400000)).toBe(0x14000002);
    expect(assembleOne('b.eq #-4', 0x1234)).toBe(0x54ffffe0);
  });

  test.each([
    ['b.eq', 1 << 20, 'b.eq far\n.zero 1048572\nfar: nop', /out of range: this branch reaches -1048576 to \+1048572/],
    ['cbz', 1 << 20, 'cbz x0, far\n.zero 1048572\nfar: nop', /out of range/],
    ['tbz', 1 << 15, 'tbz x0, #1, far\n.zero 32764\nfar: nop', /out of range: this branch reaches -32768 to \+32764/],
  ])('%s to a label %i bytes away is refused with the reach', (_m, _d, source, message) => {
    expect(() => assembleProgram(source)).toThrow(message);
  });

  test('the farthest reachable labels still assemble', () => {
    const { bytes } = assembleProgram('b.eq far\n.zero 1048568\nfar: nop');
    expect(new DataView(bytes.buffer).getUint32(0, true)).toBe(0x547fffe0);
  });

  test('out-of-range and misaligned immediates are refused; unknown labels are named', () => {
    expect(() => assembleOne('b #134217728')).toThrow(/out of range/);
    expect(() => assembleOne('b #6')).toThrow(/not a multiple of 4/);
    expect(() => assembleProgram('nop\nb nowhere')).toThrow(/line 2: .*undefined label "nowhere"/);
  });
});

describe('syntax llvm-mc accepts', () => {
  test.each([
    ['ret lr', 0xd65f03c0], ['ret x30', 0xd65f03c0], ['blr lr', 0xd63f03c0],
    ['tbz x0, #3, #16', 0x36180080], ['tbnz x0, #40, #8', 0xb7400040],
    ['b.cs #4', 0x54000022], ['b.cc #4', 0x54000023],
    ['svc 0x10', 0xd4000201], ['svc #16', 0xd4000201], ['brk #1', 0xd4200020], ['dcps1 #0', 0xd4a00001],
    ['hint #0', 0xd503201f], ['dsb #0', 0xd503309f], ['dsb #4', 0xd503349f], ['dmb #11', 0xd5033bbf],
    ['isb #15', 0xd5033fdf], ['clrex #15', 0xd5033f5f],
    ['msr tco, #1', 0xd503419f], ['mrs x0, TCO', 0xd53b42e0], ['mrs x0, s3_3_c4_c2_7', 0xd53b42e0],
    ['msr S0_3_C3_C0_0, xzr', 0xd503301f], ['mrs x5, tpidr_el0', 0xd53bd045], ['msr fpcr, x2', 0xd51b4402],
    ['sys #0, c7, c5, #0', 0xd508751f], ['sys #3, c7, c5, #1, x0', 0xd50b7520], ['ic iallu', 0xd508751f],
    ['dc civac, x9', 0xd50b7e29], ['tlbi vae1is, x2', 0xd5088322], ['sysl xzr, #0, c0, c0, #0', 0xd528001f],
  ])('"%s" assembles to %s', (text, word) => {
    expect(assembleOne(text).toString(16)).toBe(word.toString(16));
  });

  test.each([
    ['ic iallu, x0', 'IC IALLU takes no register'],
    ['ic ivau', 'IC IVAU needs one'],
    ['tbz w0, #35, #16', 'a W register has bits 0..31'],
    ['msr midr_el1, x0', 'MIDR_EL1 is not a writable register name'],
    ['mrs x0, oslar_el1', 'OSLAR_EL1 is not a readable register name'],
    ['sys #0, c16, c0, #0', 'CRn is 4 bits'],
    ['dsb foo', 'no such barrier option'],
  ])('rejects "%s": %s', (text) => {
    expect(() => assembleOne(text)).toThrow(/invalid operands/);
  });
});
