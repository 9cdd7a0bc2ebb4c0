/**
 * Runs a few instructions on a bare machine, for instruction unit tests.
 * Code is assembled at CODE (read+exec), DATA is 64 KiB of Normal Tagged read/write memory, UNTAGGED is
 * 64 KiB of plain Normal memory. The snippet ends at its last instruction (the run stops when the PC
 * leaves the code) or at the first exception, which is returned.
 */
import { assembleProgram } from '../../src/core/isa/asm.ts';
import { run } from '../../src/core/cpu/run.ts';
import type { GuestException } from '../../src/core/cpu/exceptions.ts';
import { Machine } from '../../src/core/machine.ts';

export const CODE = 0x400000;
export const DATA = 0x10000000;
export const UNTAGGED = 0x20000000;
export const STACK_TOP = 0x30000000;

export interface SnippetResult {
  m: Machine;
  exception: GuestException | null;
  executed: number;
  /** X register as unsigned BigInt. */
  x(i: number): bigint;
}

export function runSnippet(source: string, setup?: (m: Machine) => void, budget = 100_000): SnippetResult {
  const m = new Machine();
  const prog = assembleProgram(source, CODE);
  m.phys.writeBytes(CODE, prog.bytes);
  m.mapUser(CODE, CODE, Math.max(4096, Math.ceil(prog.bytes.length / 4096) * 4096), { write: false, exec: true, tagged: false });
  m.mapUser(DATA, DATA, 0x10000, { write: true, exec: false, tagged: true });
  m.mapUser(UNTAGGED, UNTAGGED, 0x10000, { write: true, exec: false, tagged: false });
  m.mapUser(STACK_TOP - 0x10000, STACK_TOP - 0x10000, 0x10000, { write: true, exec: false, tagged: false });
  m.cpu.pc = CODE;
  m.cpu.setX(31, BigInt(STACK_TOP));
  setup?.(m);
  const end = CODE + prog.bytes.length;
  let executed = 0;
  let exception: GuestException | null = null;
  while (executed < budget && m.cpu.pc >= CODE && m.cpu.pc < end) {
    // Single-step so the run ends exactly when the PC leaves the snippet.
    const r = run(m.cpu, m.bus, 1);
    executed += r.executed;
    if (r.exception) { exception = r.exception; break; }
  }
  return { m, exception, executed, x: (i) => m.cpu.getX(i) };
}
