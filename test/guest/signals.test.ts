import { describe, expect, test } from 'vitest';
import { VDSO_BASE } from '../../src/guest/linux/addressSpace.ts';
import { FRAME_SIZE, UC, UC_OFFSET } from '../../src/guest/linux/signals.ts';
import { harness, SYS, DATA, type Harness } from './kernel.ts';

const SIGUSR1 = 10;
const SIGSEGV = 11;
const SA_SIGINFO = 0x4;
const SA_EXPOSE_TAGBITS = 0x800;
const SA_RESTORER = 0x04000000;
const SA_ONSTACK = 0x08000000;
const SA_NODEFER = 0x40000000;
const SA_RESETHAND = 0x80000000;
const HANDLER = 0x400100n;
const RESTORER = 0x400200n;
const PROT_RW_MTE = 0x23;

const u64s = (...v: bigint[]) => {
  const b = new Uint8Array(8 * v.length);
  v.forEach((x, i) => new DataView(b.buffer).setBigUint64(8 * i, BigInt.asUintN(64, x), true));
  return b;
};

function sigaction(h: Harness, sig: number, flags: number, mask = 0n, handler = HANDLER): void {
  h.p.user.write(DATA + 0x100n, u64s(handler, BigInt(flags), RESTORER, mask));
  expect(h.sys(SYS.rt_sigaction, sig, DATA + 0x100n, 0, 8)).toBe(0n);
}

const readU64 = (h: Harness, va: bigint) => h.p.user.readU64(va)!;
const readI32 = (h: Harness, va: bigint) => new DataView(h.p.user.read(va, 4)!.buffer).getInt32(0, true);
const sp = (h: Harness) => h.p.cpu.getX(31);

/** Maps one PROT_MTE page with granule 0 tagged 3 and returns its address. */
function taggedPage(h: Harness, mode: number): bigint {
  h.sys(SYS.prctl, 55, 1 | mode | (0xfffe << 3), 0, 0, 0);
  const a = h.sys(SYS.mmap, 0, 0x1000, PROT_RW_MTE, 0x22, -1, 0);
  h.access(a, false, false);
  const f = h.p.space.frameOf(Number(a))!;
  h.p.machine.phys.frame(f / 4096).tags![0] = 3;
  return a;
}

describe('signal delivery and rt_sigreturn (arm64 rt_sigframe)', () => {
  test('a handler gets signo, &siginfo and &ucontext, and rt_sigreturn restores every register exactly', () => {
    const h = harness();
    sigaction(h, SIGUSR1, SA_SIGINFO | SA_RESTORER);
    const cpu = h.p.cpu;
    for (let i = 9; i < 31; i++) cpu.setX(i, 0x1000_0000_0000_0000n * BigInt(i % 15) + BigInt(i));
    cpu.nzcv = 0xa000_0000;
    cpu.vreg[5] = 0x12345678;
    cpu.setTco(1);
    const spBefore = sp(h);
    const resumePc = cpu.pc + 4;
    h.sys(SYS.kill, 1000, SIGUSR1); // kill's return value (0) is in X0 when the frame is built
    const saved = Array.from({ length: 31 }, (_, i) => (i === 0 ? 0n : i === 1 ? BigInt(SIGUSR1) : cpu.getX(i)));
    const frame = sp(h);

    expect(cpu.pc).toBe(Number(HANDLER));
    expect(cpu.getX(0)).toBe(BigInt(SIGUSR1));
    expect(cpu.getX(1)).toBe(frame);
    expect(cpu.getX(2)).toBe(frame + 128n);
    expect(cpu.getX(30)).toBe(RESTORER);
    expect(cpu.tco).toBe(0); // Linux clears TCO for the handler
    expect(frame % 16n).toBe(0n);
    expect(frame).toBe(((spBefore - 16n) & ~15n) - BigInt(FRAME_SIZE));
    expect(cpu.getX(29)).toBe((spBefore - 16n) & ~15n);
    // siginfo for kill(): SI_USER with the sender's pid and uid.
    expect(readI32(h, frame)).toBe(SIGUSR1);
    expect(readI32(h, frame + 8n)).toBe(0);
    expect(readI32(h, frame + 16n)).toBe(1000);
    const uc = frame + BigInt(UC_OFFSET);
    expect(readU64(h, uc + BigInt(UC.pc))).toBe(BigInt(resumePc));
    expect(readU64(h, uc + BigInt(UC.sp))).toBe(spBefore);
    expect(readU64(h, uc + BigInt(UC.pstate))).toBe(0xa000_0000n | (1n << 25n));
    expect(readU64(h, uc + BigInt(UC.regs) + 8n * 20n)).toBe(saved[20]);
    expect(readI32(h, uc + BigInt(UC.reserved))).toBe(0x46508001); // fpsimd_context first
    // SIGUSR1 is blocked while its handler runs (no SA_NODEFER).
    expect(h.p.signals.blocked).toBe(1n << 9n);

    cpu.setX(5, 0xdeadn);
    cpu.nzcv = 0;
    cpu.vreg[5] = 0;
    h.sys(SYS.rt_sigreturn);
    expect(cpu.pc).toBe(resumePc);
    expect(sp(h)).toBe(spBefore);
    expect(cpu.getX(5)).toBe(saved[5]);
    expect(cpu.getX(20)).toBe(saved[20]);
    expect(cpu.getX(0)).toBe(0n);
    expect(cpu.nzcv).toBe(0xa000_0000);
    expect(cpu.vreg[5]).toBe(0x12345678);
    expect(cpu.tco).toBe(1); // restored from the frame
    expect(h.p.signals.blocked).toBe(0n);
  });

  test('without SA_RESTORER the handler returns through the sigreturn trampoline page', () => {
    const h = harness();
    sigaction(h, SIGUSR1, SA_SIGINFO);
    h.sys(SYS.kill, 1000, SIGUSR1);
    expect(h.p.cpu.getX(30)).toBe(BigInt(VDSO_BASE));
    const tramp = h.p.user.read(BigInt(VDSO_BASE), 8)!;
    expect([...new Uint32Array(tramp.buffer)]).toEqual([0xd2801168, 0xd4000001]); // mov x8, #139; svc #0
  });

  test('a synchronous tag check fault is SIGSEGV SEGV_MTESERR with the tag bits hidden from si_addr', () => {
    const h = harness();
    const a = taggedPage(h, 2);
    sigaction(h, SIGSEGV, SA_SIGINFO | SA_RESTORER);
    h.access(a | (0xa5n << 56n), true);
    const si = sp(h);
    expect(readI32(h, si + 8n)).toBe(9);
    expect(readU64(h, si + 16n)).toBe(a);
    expect(h.events.find((e) => e.kind === 'fault')).toMatchObject({ explanation: expect.stringMatching(/pointer tag 0x5 ≠ allocation tag 0x3/) });
  });

  test('SA_EXPOSE_TAGBITS keeps si_addr bits 59:56 and zeroes 63:60 for a tag check fault', () => {
    const h = harness();
    const a = taggedPage(h, 2);
    sigaction(h, SIGSEGV, SA_SIGINFO | SA_RESTORER | SA_EXPOSE_TAGBITS);
    h.access((a + 8n) | (0xa5n << 56n), false);
    expect(readU64(h, sp(h) + 16n)).toBe((a + 8n) | (0x05n << 56n));
  });

  test('a fault while SIGSEGV is blocked kills the process (force_sig), status 139', () => {
    const h = harness();
    sigaction(h, SIGSEGV, SA_SIGINFO | SA_RESTORER);
    h.p.user.writeU64(DATA + 0x200n, 1n << 10n);
    h.sys(SYS.rt_sigprocmask, 0, DATA + 0x200n, 0, 8);
    h.access(0x1000n, false);
    expect(h.p.state).toBe('killed');
    expect(h.p.status).toBe(139);
  });

  test('a fault while SIGSEGV is ignored kills the process too', () => {
    const h = harness();
    sigaction(h, SIGSEGV, 0, 0n, 1n);
    h.access(0x1000n, false);
    expect(h.p.status).toBe(139);
  });

  test('a second fault inside the handler (signal blocked, no SA_NODEFER) kills; with SA_NODEFER it nests', () => {
    const h = harness();
    sigaction(h, SIGSEGV, SA_SIGINFO | SA_RESTORER);
    h.access(0x1000n, false);
    expect(h.p.state).toBe('running');
    h.access(0x2000n, false);
    expect(h.p.status).toBe(139);

    const g = harness();
    sigaction(g, SIGSEGV, SA_SIGINFO | SA_RESTORER | SA_NODEFER);
    g.access(0x1000n, false);
    const first = sp(g);
    g.access(0x2000n, false);
    expect(g.p.state).toBe('running');
    expect(sp(g)).toBeLessThan(first);
  });

  test('SA_RESETHAND restores SIG_DFL after one delivery', () => {
    const h = harness();
    sigaction(h, SIGUSR1, SA_RESTORER | SA_RESETHAND);
    h.sys(SYS.kill, 1000, SIGUSR1);
    expect(h.p.signals.actions[SIGUSR1].handler).toBe(0n);
  });

  test('sa_mask is added to the blocked set during the handler, minus SIGKILL', () => {
    const h = harness();
    sigaction(h, SIGUSR1, SA_RESTORER, (1n << 11n) | (1n << 8n));
    h.sys(SYS.kill, 1000, SIGUSR1);
    expect(h.p.signals.blocked).toBe((1n << 11n) | (1n << 9n));
  });

  test('SA_ONSTACK runs the handler on the sigaltstack, and uc_stack reports it', () => {
    const h = harness();
    const stack = h.sys(SYS.mmap, 0, 0x4000, 3, 0x22, -1, 0);
    h.p.user.write(DATA + 0x300n, u64s(stack, 0n, 0x4000n));
    expect(h.sys(SYS.sigaltstack, DATA + 0x300n, 0)).toBe(0n);
    sigaction(h, SIGUSR1, SA_SIGINFO | SA_RESTORER | SA_ONSTACK);
    h.sys(SYS.kill, 1000, SIGUSR1);
    const frame = sp(h);
    expect(frame > stack && frame < stack + 0x4000n).toBe(true);
    expect(readU64(h, frame + 128n + BigInt(UC.ssSp))).toBe(stack);
  });

  test('a signal frame that cannot be written becomes SIGSEGV (force_sigsegv), fatal without a usable handler', () => {
    const h = harness();
    sigaction(h, SIGUSR1, SA_SIGINFO | SA_RESTORER);
    h.p.cpu.setX(31, 0x2000n); // unmapped
    h.sys(SYS.kill, 1000, SIGUSR1);
    expect(h.signals().map((s) => [s.signo, s.action])).toEqual([[SIGUSR1, 'handler'], [SIGSEGV, 'killed']]);
    expect(h.p.status).toBe(139);
  });

  test('rt_sigreturn with a corrupt frame (bad PSTATE mode) kills with SIGSEGV', () => {
    const h = harness();
    sigaction(h, SIGUSR1, SA_SIGINFO | SA_RESTORER);
    h.sys(SYS.kill, 1000, SIGUSR1);
    h.p.user.writeU64(sp(h) + 128n + BigInt(UC.pstate), 0x5n); // EL1h
    h.sys(SYS.rt_sigreturn);
    expect(h.p.status).toBe(139);
    expect(h.p.diagnostics).toEqual(['rt_sigreturn: bad signal frame']);
  });

  test('sigaltstack refuses a stack smaller than MINSIGSTKSZ with ENOMEM', () => {
    const h = harness();
    h.p.user.write(DATA + 0x300n, u64s(0x500000n, 0n, 2048n));
    expect(h.sys(SYS.sigaltstack, DATA + 0x300n, 0)).toBe(-12n);
  });

  test('rt_sigaction refuses SIGKILL and a wrong sigset size, and clears unknown flag bits', () => {
    const h = harness();
    h.p.user.write(DATA + 0x100n, u64s(HANDLER, 0x400n | BigInt(SA_SIGINFO), 0n, 0n));
    expect(h.sys(SYS.rt_sigaction, 9, DATA + 0x100n, 0, 8)).toBe(-22n);
    expect(h.sys(SYS.rt_sigaction, SIGUSR1, DATA + 0x100n, 0, 16)).toBe(-22n);
    expect(h.sys(SYS.rt_sigaction, SIGUSR1, DATA + 0x100n, 0, 8)).toBe(0n);
    expect(h.sys(SYS.rt_sigaction, SIGUSR1, 0, DATA + 0x180n, 8)).toBe(0n);
    expect(readU64(h, DATA + 0x188n)).toBe(BigInt(SA_SIGINFO));
  });

  test('an unhandled SIGUSR1 kills with status 138; a blocked one stays pending until unblocked', () => {
    const h = harness();
    h.p.user.writeU64(DATA + 0x200n, 1n << 9n);
    h.sys(SYS.rt_sigprocmask, 0, DATA + 0x200n, 0, 8);
    h.sys(SYS.kill, 1000, SIGUSR1);
    expect(h.p.state).toBe('running');
    h.sys(SYS.rt_sigprocmask, 1, DATA + 0x200n, 0, 8);
    expect(h.p.status).toBe(138);
  });
});

describe('asynchronous tag check faults (MTE.md §7)', () => {
  test('the bad store completes; the next syscall is not executed but restarted after the SEGV_MTEAERR handler', () => {
    const h = harness();
    const a = taggedPage(h, 4);
    sigaction(h, SIGSEGV, SA_SIGINFO | SA_RESTORER);
    expect(h.access(a | (0x5n << 56n), true)).toBeNull();
    expect(h.p.cpu.sys.TFSRE0_EL1).toBe(1n);
    h.p.user.write(DATA, new TextEncoder().encode('hi!\n'));
    const svcPc = h.p.cpu.pc;
    h.sys(SYS.write, 1, DATA, 4);
    expect(h.p.stdout.length).toBe(0);
    expect(h.p.cpu.sys.TFSRE0_EL1).toBe(0n);
    const frame = sp(h);
    expect(readI32(h, frame)).toBe(SIGSEGV);
    expect(readI32(h, frame + 8n)).toBe(8);
    expect(readU64(h, frame + 16n)).toBe(0n);
    expect(readU64(h, frame + 128n + BigInt(UC.pc))).toBe(BigInt(svcPc)); // the SVC itself, to run again
    h.sys(SYS.rt_sigreturn);
    expect(h.p.cpu.pc).toBe(svcPc);
    expect([h.p.cpu.getX(0), h.p.cpu.getX(1), h.p.cpu.getX(8)]).toEqual([1n, DATA, 64n]);
    h.sys(SYS.write, 1, DATA, 4);
    expect(new TextDecoder().decode(h.p.stdout.bytes())).toBe('hi!\n');
  });

  test('exit_group cannot swallow a pending async fault: the process dies of SIGSEGV', () => {
    const h = harness();
    const a = taggedPage(h, 4);
    h.access(a | (0x5n << 56n), true);
    h.sys(SYS.exit_group, 0);
    expect(h.p.state).toBe('killed');
    expect(h.p.status).toBe(139);
  });

  test('a compute loop notices the fault at the next timer interrupt', () => {
    const h = harness({ timerInterval: 3 });
    h.p.cpu.sys.TFSRE0_EL1 = 1n;
    // The tiny program is one SVC at 0x400000 with X8 = 0 (an unknown syscall); park the PC on a NOP loop instead.
    h.p.cpu.setX(8, 0n);
    h.p.step(3);
    expect(h.events.some((e) => e.kind === 'asyncTagFault')).toBe(true);
    expect(h.p.status).toBe(139);
  });

  test('syscalls check user memory only in sync mode: a mismatched buffer is EFAULT in sync, written in async', () => {
    const sync = harness();
    const a = taggedPage(sync, 2);
    expect(sync.sys(SYS.write, 1, a | (0x5n << 56n), 4)).toBe(-14n);
    expect(sync.sys(SYS.write, 1, a | (0x3n << 56n), 4)).toBe(4n);
    const async = harness();
    const b = taggedPage(async, 4);
    expect(async.sys(SYS.write, 1, b | (0x5n << 56n), 4)).toBe(4n);
  });
});
