/**
 * One case of the instruction fuzzer: a random instruction word executed once, from a random machine state,
 * on a bare machine with code, tagged data (random allocation tags), untagged data, a read-only page and a
 * stack. `checkCase` states what "only architectural outcomes" means (docs/RELIABILITY.md).
 */
import fc from 'fast-check';
import { run } from '../../src/core/cpu/run.ts';
import { GuestException, type GuestExceptionKind } from '../../src/core/cpu/exceptions.ts';
import { SCTLR, TCR, withField } from '../../src/core/cpu/sysregs.ts';
import { SP, ZR } from '../../src/core/cpu/state.ts';
import { disassemble } from '../../src/core/isa/disasm.ts';
import { tableRows } from '../../src/core/isa/table.ts';
import { Machine } from '../../src/core/machine.ts';
import { machineHash } from '../../src/core/machineHash.ts';
import { PAGE_SIZE } from '../../src/core/mem/physmem.ts';

const CODE = 0x40_0000;
const NOP = 0xd503201f;

interface Region { base: number; size: number; write: boolean; exec: boolean; tagged: boolean }

const REGIONS: Region[] = [
  { base: CODE, size: PAGE_SIZE, write: false, exec: true, tagged: false },
  { base: 0x1000_0000, size: 4 * PAGE_SIZE, write: true, exec: false, tagged: true },
  { base: 0x1800_0000, size: PAGE_SIZE, write: false, exec: false, tagged: true },
  { base: 0x2000_0000, size: PAGE_SIZE, write: true, exec: false, tagged: false },
  { base: 0x3000_0000 - 2 * PAGE_SIZE, size: 2 * PAGE_SIZE, write: true, exec: false, tagged: false },
];

/** A 64-bit value as int32 halves. */
export type Reg = readonly [hi: number, lo: number];

export interface InstructionCase {
  word: number;
  /** X0..X30 and SP. */
  regs: Reg[];
  nzcv: number;
  tco: number;
  tcf0: number;
  tcma0: number;
  tcso0: number;
  gcrExclude: number;
  rgsr: number;
  fpcr: number;
  /** Seeds the data bytes, the allocation tags and the SIMD&FP registers. */
  fill: number;
}

const int32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });

/** An offset anywhere in and just around a region, or within 64 bytes of one of its page boundaries (accesses that cross them). */
const offset = fc.oneof(
  fc.integer({ min: -64, max: 4 * PAGE_SIZE + 64 }),
  fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: -64, max: 64 })).map(([page, delta]) => page * PAGE_SIZE + delta),
);

/** Addresses in and just around each region, with any pointer tag and occasionally bits 63:60 set. */
const pointer: fc.Arbitrary<Reg> = fc
  .tuple(fc.constantFrom(...REGIONS), offset, fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 }))
  .map(([r, off, tag, top]) => {
    const va = r.base + (off % (r.size + 128));
    return [((top << 28) | (tag << 24) | Math.floor(va / 2 ** 32)) | 0, va | 0] as const;
  });

const register: fc.Arbitrary<Reg> = fc.oneof(
  { weight: 4, arbitrary: pointer },
  { weight: 2, arbitrary: fc.integer({ min: -32, max: 32 }).map((v): Reg => [v < 0 ? -1 : 0, v]) },
  { weight: 2, arbitrary: fc.tuple(int32, int32) },
  { weight: 1, arbitrary: fc.constantFrom<Reg>([0, 0], [-1, -1], [-0x8000_0000, 0], [0x7fff_ffff, -1]) },
);

/** Any word, or a word that some table row decodes (every instruction form equally likely). */
const word: fc.Arbitrary<number> = (() => {
  const rows = tableRows();
  const uniform = fc.integer({ min: 0, max: 0xffff_ffff });
  const inRow = fc.tuple(fc.nat(rows.length - 1), uniform).map(([i, w]) => {
    const p = rows[i].pattern;
    return ((w & ~p.mask) | p.value) >>> 0;
  });
  return fc.oneof(uniform, inRow);
})();

export const instructionCase: fc.Arbitrary<InstructionCase> = fc.record({
  word,
  regs: fc.array(register, { minLength: 32, maxLength: 32 }),
  nzcv: fc.integer({ min: 0, max: 15 }),
  tco: fc.integer({ min: 0, max: 1 }),
  tcf0: fc.integer({ min: 0, max: 3 }),
  tcma0: fc.integer({ min: 0, max: 1 }),
  tcso0: fc.integer({ min: 0, max: 1 }),
  gcrExclude: fc.integer({ min: 0, max: 0xffff }),
  rgsr: fc.integer({ min: 0, max: 0xff_ffff }),
  fpcr: fc.constantFrom(0, 0x0080_0000, 0x0040_0000, 0x00c0_0000, 0x0100_0000, 0x0200_0000, 0x0380_0000),
  fill: fc.integer({ min: 0, max: 0xffff_ffff }),
}).map((c) => Object.assign(c, { [fc.toStringMethod]: () => describeCase(c) }));

const hex = (v: number, width: number): string => (v >>> 0).toString(16).padStart(width, '0');

export function describeCase(c: InstructionCase): string {
  const regs = c.regs.map(([hi, lo], i) => `${i === SP ? 'sp' : `x${i}`}=0x${hex(hi, 8)}${hex(lo, 8)}`).join(' ');
  return `word 0x${hex(c.word, 8)} (${disassemble(c.word, CODE) ?? 'unallocated'}) nzcv=${c.nzcv.toString(2).padStart(4, '0')} ` +
    `tco=${c.tco} tcf0=${c.tcf0} tcma0=${c.tcma0} tcso0=${c.tcso0} gcr.exclude=0x${c.gcrExclude.toString(16)} ` +
    `rgsr=0x${c.rgsr.toString(16)} fpcr=0x${c.fpcr.toString(16)} fill=${c.fill} ${regs}`;
}

/** xorshift32: a deterministic filler, so a case is reproduced from its numbers alone. */
function filler(seed: number): () => number {
  let x = seed | 0 || 0x2545f491;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x;
  };
}

/** The machine state a case describes, with every page it maps already touched. */
export function buildMachine(c: InstructionCase): Machine {
  const m = new Machine();
  const next = filler(c.fill);
  for (const r of REGIONS) {
    m.mapUser(r.base, r.base, r.size, { write: r.write, exec: r.exec, tagged: r.tagged });
    for (let pa = r.base; pa < r.base + r.size; pa += PAGE_SIZE) {
      const f = m.phys.frame(pa / PAGE_SIZE);
      if (r.exec) continue;
      for (let i = 0; i < PAGE_SIZE; i += 4) f.view.setInt32(i, next(), true);
      if (r.tagged) {
        const tags = f.ensureTags();
        for (let g = 0; g < tags.length; g++) tags[g] = next() & 0xf;
      }
    }
  }
  const code = m.phys.frame(CODE / PAGE_SIZE).view;
  code.setUint32(0, c.word, true);
  code.setUint32(4, NOP, true);
  const cpu = m.cpu;
  c.regs.forEach(([hi, lo], i) => {
    cpu.hi[i] = hi;
    cpu.lo[i] = lo;
  });
  for (let i = 0; i < cpu.vreg.length; i++) cpu.vreg[i] = next();
  cpu.pc = CODE;
  cpu.nzcv = c.nzcv << 28;
  let sctlr = withField(cpu.sys.SCTLR_EL1, SCTLR.TCF0, 2, c.tcf0);
  sctlr = withField(sctlr, SCTLR.TCSO0, 1, c.tcso0);
  cpu.sys.SCTLR_EL1 = sctlr;
  cpu.sys.TCR_EL1 = withField(cpu.sys.TCR_EL1, TCR.TCMA0, 1, c.tcma0);
  cpu.sys.GCR_EL1 = BigInt(c.gcrExclude);
  cpu.sys.RGSR_EL1 = BigInt(c.rgsr) << 8n;
  cpu.sys.FPCR = BigInt(c.fpcr);
  cpu.setTco(c.tco);
  return m;
}

/** Exceptions an EL0 instruction may architecturally raise. */
const ARCHITECTURAL = new Set<GuestExceptionKind['kind']>(['svc', 'brk', 'undefined', 'dataAbort', 'instructionAbort', 'pcAlignment', 'spAlignment']);
/** Exceptions taken before the instruction changes anything: the machine must be exactly as it was. */
const PRECISE = new Set<GuestExceptionKind['kind']>(['undefined', 'dataAbort', 'brk', 'spAlignment']);
const FAULT_TYPES = new Set(['translation', 'accessFlag', 'permission', 'addressSize', 'alignment', 'tagCheck', 'noTagAccess']);

/** Longest a single instruction may take before the emulator counts as stuck. */
export const CASE_TIME_LIMIT_MS = 1000;

function fail(c: InstructionCase, why: string): never {
  throw new Error(`${why}\n  case: ${describeCase(c)}`);
}

function checkInvariants(c: InstructionCase, m: Machine, framesBefore: number): void {
  const cpu = m.cpu;
  if (cpu.lo[ZR] !== 0 || cpu.hi[ZR] !== 0) fail(c, 'the zero register no longer reads 0');
  // A branch to a target beyond 2^53 leaves an inexact PC, but only with the instruction abort that names the exact target.
  if (!Number.isInteger(cpu.pc) || Math.abs(cpu.pc) > 2 ** 64) fail(c, `PC is not a 64-bit integer: ${cpu.pc}`);
  for (const [name, v] of [['N', cpu.n], ['Z', cpu.z], ['C', cpu.c], ['V', cpu.v], ['TCO', cpu.tco]] as const) {
    if (v !== 0 && v !== 1) fail(c, `PSTATE.${name} is ${v}, not a bit`);
  }
  if (cpu.el !== 0) fail(c, `an EL0 instruction changed the exception level to ${cpu.el}`);
  if (cpu.exclusiveAddr !== -1 && !(Number.isSafeInteger(cpu.exclusiveAddr) && cpu.exclusiveAddr >= 0)) {
    fail(c, `exclusive monitor address is ${cpu.exclusiveAddr}`);
  }
  for (const [name, v] of Object.entries(cpu.sys)) {
    if (typeof v === 'bigint' && (v < 0n || v >= 1n << 64n)) fail(c, `${name} holds ${v}, not a 64-bit value`);
  }
  if (m.phys.frameCount > framesBefore) fail(c, `physical frames grew from ${framesBefore} to ${m.phys.frameCount}`);
}

function checkException(c: InstructionCase, m: Machine, e: GuestException): void {
  const info = e.info;
  if (!ARCHITECTURAL.has(info.kind)) fail(c, `non-architectural exception ${info.kind}`);
  if (info.kind === 'dataAbort' || info.kind === 'instructionAbort') {
    const f = info.fault;
    if (!FAULT_TYPES.has(f.type)) fail(c, `unknown fault type ${f.type}`);
    if (typeof f.va !== 'bigint' || f.va < 0n || f.va >= 1n << 64n) fail(c, `fault address ${f.va} is not a 64-bit value`);
    if (f.fetch !== (info.kind === 'instructionAbort')) fail(c, `${info.kind} with fetch=${f.fetch}`);
  }
  const before = buildMachine(c);
  if (PRECISE.has(info.kind)) {
    if (m.cpu.pc !== CODE) fail(c, `${info.kind} left PC at 0x${m.cpu.pc.toString(16)}, not at the instruction`);
  } else if (info.kind === 'svc') {
    if (m.cpu.pc !== CODE + 4) fail(c, `SVC left PC at 0x${m.cpu.pc.toString(16)}`);
    before.cpu.pc = m.cpu.pc;
  } else {
    // A branch to a misaligned or unreachable target: the branch (and its link) completed, the fetch at the target faults.
    if (info.kind === 'pcAlignment' && info.pc !== m.cpu.pc) fail(c, `PC alignment fault names 0x${info.pc.toString(16)} but PC is 0x${m.cpu.pc.toString(16)}`);
    before.cpu.pc = m.cpu.pc;
    before.cpu.lo[30] = m.cpu.lo[30];
    before.cpu.hi[30] = m.cpu.hi[30];
    before.cpu.instret = m.cpu.instret;
  }
  if (machineHash(before) !== machineHash(m)) fail(c, `${info.kind} changed architectural state besides the PC`);
}

/** Runs one case; throws an Error naming the case when an outcome is not architectural. */
export function checkCase(c: InstructionCase): void {
  // The disassembly view prints every word of an uploaded program: printing never throws either.
  let text: unknown;
  try {
    text = disassemble(c.word, CODE);
  } catch (e) {
    throw new Error(`the disassembler threw for word 0x${hex(c.word, 8)}: ${(e as Error)?.stack ?? String(e)}`);
  }
  if (text !== null && typeof text !== 'string') fail(c, `the disassembler returned ${String(text)}`);
  const m = buildMachine(c);
  const frames = m.phys.frameCount;
  const start = performance.now();
  let r;
  try {
    r = run(m.cpu, m.bus, 1);
  } catch (e) {
    fail(c, `JavaScript exception escaped the emulator: ${(e as Error)?.stack ?? String(e)}`);
  }
  const took = performance.now() - start;
  if (took > CASE_TIME_LIMIT_MS) fail(c, `one instruction took ${took.toFixed(0)} ms`);
  if (r.exception === null && r.executed !== 1) fail(c, `run returned no exception after ${r.executed} instructions`);
  checkInvariants(c, m, frames);
  if (r.exception !== null) checkException(c, m, r.exception);
  // The machine still runs: the NOP after the word executes and advances the PC.
  m.cpu.pc = CODE + 4;
  const after = run(m.cpu, m.bus, 1);
  if (after.exception !== null || m.cpu.pc !== CODE + 8) fail(c, `the machine no longer runs a NOP (${after.exception?.toString() ?? `pc 0x${m.cpu.pc.toString(16)}`})`);
}
