import { describe, expect, test } from 'vitest';
import { assembleProgram } from '../../src/core/isa/asm.ts';
import { runProgram, type RunOptions } from '../../src/engine/runProgram.ts';
import { Session } from '../../src/engine/session.ts';
import { ScenarioSchema } from '../../src/scenario/schema.ts';
import { GUEST_RAM_START, IdentityGuestPhysical } from '../../src/guest/guestPhys.ts';
import { ByteSink } from '../../src/guest/linux/byteSink.ts';
import { LinuxProcess } from '../../src/guest/linux/process.ts';
import { DEFAULT_LIMITS, truncationNotice } from '../../src/guest/linux/limits.ts';
import { buildElf, PF_R, PF_W, PF_X } from '../guest/elfBuilder.ts';

const TEXT = 0x40_0000;
const ENOMEM = 12;

/** A static ELF whose code is `source`, with one writable data page at 0x410000. */
function program(source: string): Uint8Array {
  return buildElf({
    entry: TEXT,
    segments: [
      { flags: PF_R | PF_X, vaddr: TEXT, data: assembleProgram(source, TEXT).bytes },
      { flags: PF_R | PF_W, vaddr: 0x41_0000, data: new Uint8Array(16), memsz: 0x1000 },
    ],
  });
}

const run = (source: string, opts: RunOptions) => {
  const start = performance.now();
  const r = runProgram(program(source), opts);
  return { ...r, ms: performance.now() - start };
};

/**
 * mmap(NULL, x20, prot, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) until it fails, counting successes in x19; then exits
 * with the count when the error was ENOMEM, or 255 for any other error. prot is PROT_READ|PROT_WRITE, or
 * alternates with PROT_READ so that neighbouring mappings cannot merge.
 */
const mmapUntilFailure = (length: string, alternate = false) => `
  mov x19, #0
  mov x20, #${length}
  mov x21, #3
again:
  mov x0, #0
  mov x1, x20
  mov x2, x21
  ${alternate ? 'eor x21, x21, #2' : 'nop'}
  mov x3, #0x22
  mov x4, #-1
  mov x5, #0
  mov x8, #222
  svc #0
  cmn x0, #4095
  b.hi failed
  add x19, x19, #1
  b again
failed:
  cmn x0, #${ENOMEM}
  b.ne other
  mov x0, x19
  mov x8, #93
  svc #0
other:
  mov x0, #255
  mov x8, #93
  svc #0
`;

/** mmap(NULL, 16 MiB, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS): the mapping in x0. */
const map16MiB = `
  mov x0, #0
  mov x1, #0x1000000
  mov x2, #3
  mov x3, #0x22
  mov x4, #-1
  mov x5, #0
  mov x8, #222
  svc #0
`;

/** Maps 16 MiB and writes a byte to each page in turn, forever. */
const touchPages = `${map16MiB}
touch:
  strb wzr, [x0]
  add x0, x0, #1, lsl #12
  b touch`;

describe('resource limits', () => {
  test('an infinite loop stops at the instruction budget with reason limit', () => {
    const r = run('loop: b loop', { maxInstructions: 200_000 });
    expect(r.reason).toBe('limit');
    expect(r.status).toBe(124);
    expect(r.instructions).toBe(200_000);
    expect(r.message).toBe('instruction limit reached (200000 instructions)');
  });

  test('mmap fails with ENOMEM once the address-space limit (default 64 GiB) is reached', () => {
    const r = run(mmapUntilFailure('0x40000000'), {});
    expect(r.reason).toBe('exit');
    // 64 GiB of 1 GiB mappings, less the room the stack, the program and the trampoline already take.
    expect(r.status).toBe(DEFAULT_LIMITS.addressSpaceBytes / 2 ** 30 - 1);
  });

  test('a smaller address-space limit is honoured, and brk fails at it too', () => {
    const r = run(mmapUntilFailure('0x100000'), { limits: { addressSpaceBytes: 32 << 20 } });
    expect(r.reason).toBe('exit');
    expect(r.status).toBe(32 - 8 - 1); // MiBs left beside the 8 MiB stack and the program's pages
    const brk = run(`
      mov x0, #0
      mov x8, #214
      svc #0
      mov x19, x0
      mov x9, #0x1000000
      add x0, x0, x9
      mov x8, #214
      svc #0
      cmp x0, x19
      cset x0, eq
      mov x8, #93
      svc #0`, { limits: { addressSpaceBytes: 16 << 20 } });
    expect(brk.status).toBe(1); // brk past the limit returns the old break, as Linux does
  });

  test('mappings beyond vm.max_map_count fail with ENOMEM', () => {
    const r = run(mmapUntilFailure('0x1000', true), { limits: { maxMapCount: 100 } });
    expect(r.reason).toBe('exit');
    expect(r.status).toBeGreaterThan(90);
    expect(r.status).toBeLessThan(100);
  });

  test('adjacent anonymous mappings merge as on Linux: 50,000 one-page mmaps make one mapping, quickly', () => {
    const r = run(`
      mov x19, #50000
    again:
      mov x0, #0
      mov x1, #4096
      mov x2, #3
      mov x3, #0x22
      mov x4, #-1
      mov x5, #0
      mov x8, #222
      svc #0
      cmn x0, #4095
      b.hi failed
      subs x19, x19, #1
      b.ne again
      mov x0, #0
      mov x8, #93
      svc #0
    failed:
      mov x0, #1
      mov x8, #93
      svc #0`, { limits: { maxMapCount: 100 } });
    expect(r.status).toBe(0);
    expect(r.ms).toBeLessThan(10_000);
  });

  test('a storm of non-mergeable mmaps up to the default vm.max_map_count ends in ENOMEM within seconds', () => {
    const r = run(mmapUntilFailure('0x1000', true), {});
    expect(r.reason).toBe('exit');
    expect(r.status).toBe((DEFAULT_LIMITS.maxMapCount - 4) & 0xff); // beside the program, its data, the trampoline and the stack
    expect(r.ms).toBeLessThan(15_000);
  });

  test('touching more memory than the memory limit stops the guest with a message naming the limit', () => {
    const r = run(touchPages, { limits: { memoryBytes: 4 << 20 } });
    expect(r.reason).toBe('error');
    expect(r.message).toBe('out of guest memory: the program touched more than 4 MiB (the memory limit)');
  });

  test('running out of guest-physical memory before the memory limit stops the guest with a message too', () => {
    const created = LinuxProcess.create(program(touchPages), {
      guestPhysical: (m) => new IdentityGuestPhysical(m.phys, GUEST_RAM_START, GUEST_RAM_START + 256 * 4096),
    });
    if (!created.ok) throw new Error(created.error);
    const p = created.process;
    p.step(1_000_000);
    expect(p.state).toBe('error');
    expect(p.message).toBe('out of guest memory: guest physical memory exhausted');
  });

  test('a program that floods stdout is truncated with a visible notice, and keeps running to its budget', () => {
    const r = run(`
    flood:
      mov x0, #1
      mov x1, #${TEXT}
      mov x2, #4096
      mov x8, #64
      svc #0
      b flood`, { maxInstructions: 100_000, limits: { outputBytes: 64 << 10 } });
    expect(r.reason).toBe('limit');
    const notice = '\n[tagscope: output truncated after 65536 bytes]\n';
    expect(r.stdout.length).toBe((64 << 10) + notice.length);
    expect(new TextDecoder().decode(r.stdout.subarray(64 << 10))).toBe(notice);
  });

  test('the budget charges the kernel\'s copying: a loop of 16 MiB writes stops at the budget after a handful of writes', () => {
    const bigWrites = `${map16MiB}
      mov x1, x0
    again:
      mov x0, #1
      mov x2, #0x1000000
      mov x8, #64
      svc #0
      b again`;
    const r = run(bigWrites, { maxInstructions: 2_000_000, limits: { outputBytes: 4096 } });
    expect(r.reason).toBe('limit');
    // 2,000,000 units at one per 64 bytes copied: 7 whole writes of 16 MiB (262,144 units each) and part of an 8th.
    expect(r.instructions).toBeLessThan(100);
    expect(r.message).toMatch(/^instruction limit reached \(2000000 instructions; the kernel's copying of \d+ bytes counted as \d+\)$/);
    const session = Session.fromScenario(ScenarioSchema.parse({ version: 1, title: 'writes', program: { kind: 'asm', source: bigWrites }, actions: [{ do: 'run', maxInstructions: 2_000_000 }] }));
    if (!session.ok) throw new Error(session.error);
    session.session.runScript();
    expect(session.session.status).toBe('ready');
    expect(session.session.time).toBeLessThan(100);
  });

  test('the default output limit is 16 MiB per stream, and the notice says where output stopped', () => {
    expect(DEFAULT_LIMITS.outputBytes).toBe(16 << 20);
    const sink = new ByteSink(10);
    expect(new TextDecoder().decode(sink.push(new TextEncoder().encode('0123456789abc')))).toBe(`0123456789${truncationNotice(10)}`);
    expect(sink.push(new Uint8Array(5)).length).toBe(0);
    expect(sink.dropped).toBe(8);
  });

  test('a storm of kernel entries (a fork-bomb-like loop of clone calls) stops at the event limit or the budget, quickly', () => {
    const source = 'again: mov x0, #17\nmov x8, #220\nsvc #0\nb again';
    const events: unknown[] = [];
    const logged = run(source, { maxInstructions: 10_000_000, onEvent: (e) => events.push(e), limits: { maxEvents: 10_000 } });
    expect(logged.reason).toBe('error');
    expect(logged.message).toMatch(/^event limit reached \(10000 events\)/);
    expect(events.length).toBe(10_001); // the last is the exit event that says why
    const unlogged = run(source, { maxInstructions: 1_000_000 });
    expect(unlogged.reason).toBe('limit');
    expect(unlogged.diagnostics).toEqual(['syscall clone is not implemented (returns -ENOSYS)']);
    expect(unlogged.ms).toBeLessThan(20_000);
  });
});
