/**
 * The interpreter loop: fetch a predecoded closure for the PC and run it. Instructions are decoded once
 * per physical frame and cached on the frame; a write to that frame bumps its code generation, which
 * drops the cache (ARCHITECTURE.md §3, "Predecode and cache").
 */
import { decode } from '../isa/table.ts';
import type { Op } from '../isa/types.ts';
import type { Frame } from '../mem/physmem.ts';
import { PAGE_MASK, PAGE_SIZE } from '../mem/physmem.ts';
import type { Bus } from '../mmu/bus.ts';
import { GuestException, undefinedInstruction } from './exceptions.ts';
import type { CpuState } from './state.ts';

interface DecodedFrame {
  generation: number;
  ops: (Op | undefined)[];
}

const decodedFrames = new WeakMap<Frame, DecodedFrame>();

/** The closure for one word: its row's exec, or one that raises Undefined Instruction. */
export function compileWord(word: number): Op {
  const d = decode(word);
  if (d === null) {
    const e = undefinedInstruction(word, 'unallocated or unimplemented encoding');
    return () => {
      throw e;
    };
  }
  return d.row.def.exec(d.fields, word);
}

function opsFor(bus: Bus, frame: Frame): (Op | undefined)[] {
  let d = decodedFrames.get(frame);
  if (d === undefined || d.generation !== frame.codeGeneration) {
    d = { generation: frame.codeGeneration, ops: new Array<Op | undefined>(PAGE_SIZE / 4) };
    decodedFrames.set(frame, d);
    bus.markCode(frame);
  }
  return d.ops;
}

export interface RunResult {
  /** Instructions completed. */
  executed: number;
  /** The exception that stopped the run, or null when the budget ran out. */
  exception: GuestException | null;
}

/**
 * Runs until an instruction raises an exception or `budget` instructions have completed. On an
 * exception `cpu.pc` is the address of the instruction that raised it (the preferred return address for
 * aborts and Undefined; for SVC, executors advance the PC before throwing, like ELR after an SVC).
 */
export function run(cpu: CpuState, bus: Bus, budget: number): RunResult {
  const start = cpu.instret;
  const end = start + budget;
  let frameBase = -1;
  let frame: Frame | null = null;
  let generation = -1;
  let ops: (Op | undefined)[] = [];
  try {
    while (cpu.instret < end) {
      const pc = cpu.pc;
      // pc < 2^53, so `& PAGE_MASK` (ToInt32) keeps its page offset exactly, without a float modulo.
      const offset = pc & PAGE_MASK;
      if (pc - offset !== frameBase || frame!.codeGeneration !== generation) {
        if ((offset & 3) !== 0) throw new GuestException({ kind: 'pcAlignment', pc });
        frame = bus.fetchFrame(pc);
        ops = opsFor(bus, frame);
        frameBase = pc - offset;
        generation = frame.codeGeneration;
      }
      const slot = offset >> 2;
      let op = ops[slot];
      if (op === undefined) op = ops[slot] = compileWord(frame!.view.getUint32(offset, true));
      op(cpu);
      cpu.instret++;
    }
  } catch (e) {
    if (e instanceof GuestException) return { executed: cpu.instret - start, exception: e };
    throw e;
  }
  return { executed: cpu.instret - start, exception: null };
}
