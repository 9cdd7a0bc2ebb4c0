import { describe, expect, test } from 'vitest';
import { runProgram } from '../../src/engine/runProgram.ts';
import { asmElf } from './asmElf.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

const HELLO = `
  mov x0, #1
  adr x1, msg
  mov x2, #3
  mov x8, #64
  svc #0
  mov x0, #3
  mov x8, #94
  svc #0
msg:
  .ascii "hi\\n"
`;

describe('runProgram', () => {
  test('a program writes to stdout and its exit_group code is the status', () => {
    const r = runProgram(asmElf(HELLO));
    expect(r).toMatchObject({ reason: 'exit', status: 3, diagnostics: [] });
    expect(text(r.stdout)).toBe('hi\n');
    expect(r.stderr.length).toBe(0);
    expect(r.instructions).toBe(8);
  });

  test('a run is a pure function of its inputs: same output and instruction count twice', () => {
    const a = runProgram(asmElf(HELLO));
    const b = runProgram(asmElf(HELLO));
    expect([a.instructions, text(a.stdout)]).toEqual([b.instructions, text(b.stdout)]);
  });

  test('an endless loop stops at the instruction limit with reason limit and status 124', () => {
    const r = runProgram(asmElf('loop:\n  b loop\n'), { maxInstructions: 5000 });
    expect(r).toMatchObject({ reason: 'limit', status: 124, instructions: 5000 });
    expect(r.message).toMatch(/instruction limit/);
  });

  test('an invalid ELF is an error with a sentence, status 125', () => {
    const r = runProgram(new TextEncoder().encode('not a program'));
    expect(r).toMatchObject({ reason: 'error', status: 125, message: 'not an ELF file (missing \\x7fELF magic)' });
  });

  test('an undefined instruction kills with SIGILL: status 132', () => {
    const r = runProgram(asmElf('  .word 0\n'));
    expect(r).toMatchObject({ reason: 'signal', status: 132, message: 'killed by SIGILL' });
  });

  test('a wild store kills with SIGSEGV: status 139', () => {
    const r = runProgram(asmElf('  mov x1, #16\n  str x0, [x1]\n'));
    expect(r).toMatchObject({ reason: 'signal', status: 139 });
  });

  test('argc is on the initial stack: the program exits with it', () => {
    const r = runProgram(asmElf('  ldr x0, [sp]\n  mov x8, #93\n  svc #0\n'), { argv: ['p', 'a', 'b'] });
    expect(r.status).toBe(3);
  });

  test('stdin is readable; end of input reads 0', () => {
    const src = `
      mov x0, #0
      mov x1, #0x500000
      mov x2, #100
      mov x8, #63
      svc #0
      mov x2, x0
      mov x0, #1
      mov x1, #0x500000
      mov x8, #64
      svc #0
      mov x0, #0
      mov x1, #0x500000
      mov x2, #100
      mov x8, #63
      svc #0
      mov x8, #94
      svc #0
    `;
    const r = runProgram(asmElf(src), { stdin: new TextEncoder().encode('echo me') });
    expect(text(r.stdout)).toBe('echo me');
    expect(r.status).toBe(0);
  });

  test('an unimplemented syscall returns -ENOSYS and is named once in the diagnostics, not in the program stderr', () => {
    const src = `
      mov x8, #400
      svc #0
      mov x8, #400
      svc #0
      neg x0, x0
      mov x8, #94
      svc #0
    `;
    const r = runProgram(asmElf(src));
    expect(r.status).toBe(38);
    expect(r.diagnostics).toEqual(['syscall number 400 is not implemented (returns -ENOSYS)']);
    expect(r.stderr.length).toBe(0);
  });

  test('--trace lines: address, word and disassembly of each instruction, and each tag-check decision', () => {
    const lines: string[] = [];
    runProgram(asmElf('  mov x1, #0x500000\n  str x0, [x1]\n  mov x8, #94\n  svc #0\n'), { trace: (l) => lines.push(l) });
    expect(lines[0]).toBe('000000400000: d2a00a01  mov x1, #5242880');
    expect(lines[1]).toBe('000000400004: f9000020  str x0, [x1]');
    // The first store takes a translation fault, the page is mapped on demand, and the store runs again.
    expect(lines[2]).toBe(lines[1]);
    expect(lines[3]).toMatch(/^ {4}tag check write 8 at 0x0000000000500000: unchecked: the memory is not Normal Tagged/);
    expect(lines).toHaveLength(6);
  });
});
