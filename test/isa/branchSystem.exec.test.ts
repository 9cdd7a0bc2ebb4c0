/**
 * Execution of branches, exception generation, hints, barriers, system register moves and cache maintenance
 * on the bare machine, as a Linux EL0 process sees them.
 */
import { describe, expect, test } from 'vitest';
import type { GuestExceptionKind } from '../../src/core/cpu/exceptions.ts';
import { CNTFRQ, MIDR, MPIDR_USER } from '../../src/core/cpu/sysregAccess.ts';
import { SCTLR, TCR, withField } from '../../src/core/cpu/sysregs.ts';
import { CONDITIONS } from '../../src/core/isa/operands.ts';
import type { Machine } from '../../src/core/machine.ts';
import { CODE, DATA, runSnippet, UNTAGGED } from '../helpers/snippet.ts';

const TAG_SHIFT = 56n;

/** Runs a snippet that must not raise anything. */
function runClean(source: string, setup?: (m: Machine) => void) {
  const r = runSnippet(source, setup);
  expect(r.exception?.info ?? null).toBeNull();
  return r;
}

/** Runs a snippet that must stop with an exception; returns the exception's info and the result. */
function runFaulting(source: string, setup?: (m: Machine) => void) {
  const r = runSnippet(source, setup);
  expect(r.exception).not.toBeNull();
  return { info: r.exception!.info, r };
}

const undefinedWhy = (info: GuestExceptionKind): string => {
  expect(info.kind).toBe('undefined');
  return info.kind === 'undefined' ? info.why : '';
};

/** ConditionHolds, spelled out from the Arm ARM's condition code table. */
function conditionReference(cond: string, n: boolean, z: boolean, c: boolean, v: boolean): boolean {
  const table: Record<string, boolean> = {
    eq: z, ne: !z, hs: c, lo: !c, mi: n, pl: !n, vs: v, vc: !v,
    hi: c && !z, ls: !c || z, ge: n === v, lt: n !== v, gt: !z && n === v, le: z || n !== v, al: true, nv: true,
  };
  return table[cond];
}

describe('immediate branches', () => {
  test('B skips forward to a label', () => {
    const r = runClean('b skip\nadd x0, x0, #1\nskip: add x1, x1, #1');
    expect([r.x(0), r.x(1)]).toEqual([0n, 1n]);
  });

  test('CBNZ loops backward until the register is zero', () => {
    const r = runClean('loop: add x1, x1, #2\nsub x0, x0, #1\ncbnz x0, loop', (m) => m.cpu.setX(0, 5n));
    expect(r.x(1)).toBe(10n);
  });

  test('BL writes the address of the next instruction to X30 and RET returns there', () => {
    const r = runClean('bl f\nadd x2, x2, #1\nb end\nf: add x1, x1, #1\nret\nend: add x3, x3, #1');
    expect([r.x(1), r.x(2), r.x(3)]).toEqual([1n, 1n, 1n]);
    expect(r.x(30)).toBe(BigInt(CODE + 4));
  });

  const cases = CONDITIONS.flatMap((cond) => Array.from({ length: 16 }, (_, nzcv) => [cond, nzcv] as const));
  test.each(cases)('B.%s with NZCV=%i branches exactly when ConditionHolds', (cond, nzcv) => {
    const r = runClean(`b.${cond} taken\nadd x0, x0, #1\ntaken: add x1, x1, #1`, (m) => { m.cpu.nzcv = nzcv << 28; });
    const holds = conditionReference(cond, (nzcv & 8) !== 0, (nzcv & 4) !== 0, (nzcv & 2) !== 0, (nzcv & 1) !== 0);
    expect(r.x(0)).toBe(holds ? 0n : 1n);
  });

  test.each([
    ['cbz w0', 0x1_0000_0000n, true], ['cbz x0', 0x1_0000_0000n, false], ['cbnz w0', 0x1_0000_0000n, false],
    ['cbnz x0', 0x1_0000_0000n, true], ['cbz x0', 0n, true], ['cbnz w0', 0x8000_0000n, true],
  ] as const)('%s with X0=%s branches: %s (the W form tests bits 31:0 only)', (insn, value, taken) => {
    const r = runClean(`${insn}, taken\nadd x1, x1, #1\ntaken: add x2, x2, #1`, (m) => m.cpu.setX(0, value));
    expect(r.x(1)).toBe(taken ? 0n : 1n);
  });

  test.each([
    ['tbz x0, #63', 1n << 63n, false], ['tbnz x0, #63', 1n << 63n, true], ['tbz x0, #63', (1n << 63n) - 1n, true],
    ['tbnz x0, #32', 1n << 32n, true], ['tbnz w0, #31', 1n << 31n, true], ['tbz w0, #0', 0xfffffffen, true],
    ['tbnz x0, #3', 8n, true],
  ] as const)('%s with X0=%s branches: %s', (insn, value, taken) => {
    const r = runClean(`${insn}, taken\nadd x1, x1, #1\ntaken: add x2, x2, #1`, (m) => m.cpu.setX(0, value));
    expect(r.x(1)).toBe(taken ? 0n : 1n);
  });
});

describe('register branches', () => {
  test('BR jumps to the address in the register', () => {
    const r = runClean('br x5\nadd x0, x0, #1\nadd x1, x1, #1', (m) => m.cpu.setX(5, BigInt(CODE + 8)));
    expect([r.x(0), r.x(1)]).toEqual([0n, 1n]);
  });

  test('BLR X30 branches to the old X30 and links the next instruction', () => {
    const r = runClean('blr x30\nadd x0, x0, #1\nadd x1, x1, #1', (m) => m.cpu.setX(30, BigInt(CODE + 8)));
    expect([r.x(0), r.x(1), r.x(30)]).toEqual([0n, 1n, BigInt(CODE + 4)]);
  });

  test('RET Xn returns to Xn', () => {
    const r = runClean('ret x7\nadd x0, x0, #1\nadd x1, x1, #1', (m) => m.cpu.setX(7, BigInt(CODE + 8)));
    expect(r.x(0)).toBe(0n);
  });

  test('with TBI0=1 a tagged target branches to its canonical address (bits 63:56 copy bit 55)', () => {
    const r = runClean('br x5\nadd x0, x0, #1\nadd x1, x1, #1', (m) => m.cpu.setX(5, (0xa5n << TAG_SHIFT) | BigInt(CODE + 8)));
    expect(r.x(0)).toBe(0n);
    expect(r.m.cpu.pc).toBe(CODE + 12);
  });

  test('with TBI0=0 a tagged target keeps its top byte and the fetch takes a level-0 translation fault', () => {
    const target = (0x0an << TAG_SHIFT) | BigInt(CODE + 8);
    const { info } = runFaulting('br x5\nadd x0, x0, #1', (m) => {
      m.cpu.setX(5, target);
      m.cpu.sys.TCR_EL1 = withField(m.cpu.sys.TCR_EL1, TCR.TBI0, 1, 0);
    });
    expect(info).toMatchObject({ kind: 'instructionAbort', fault: { type: 'translation', level: 0, va: target, fetch: true } });
  });

  const upperHalfTarget = (0x12n << TAG_SHIFT) | (1n << 55n) | 0x1000n;
  test('with TBI1=1 a target with bit 55 set becomes a sign-extended upper-half address, which EL0 cannot fetch', () => {
    const { info } = runFaulting('br x5', (m) => {
      m.cpu.setX(5, upperHalfTarget);
      m.cpu.sys.TCR_EL1 = withField(m.cpu.sys.TCR_EL1, TCR.TBI1, 1, 1);
    });
    expect(info).toMatchObject({ kind: 'instructionAbort', fault: { type: 'translation', va: 0xff80_0000_0000_1000n } });
  });

  test('with TBI1=0 (Linux without KASAN) a target with bit 55 set keeps its top byte', () => {
    const { info } = runFaulting('br x5', (m) => m.cpu.setX(5, upperHalfTarget));
    expect(info).toMatchObject({ kind: 'instructionAbort', fault: { type: 'translation', va: upperHalfTarget } });
  });
});

describe('exception generation', () => {
  test('SVC raises svc with its immediate and the PC already past it', () => {
    const { info, r } = runFaulting('add x0, x0, #1\nsvc #0x42\nadd x0, x0, #1');
    expect(info).toEqual({ kind: 'svc', imm: 0x42 });
    expect(r.m.cpu.pc).toBe(CODE + 8);
  });

  test('BRK raises brk with the PC still on the BRK', () => {
    const { info, r } = runFaulting('add x0, x0, #1\nbrk #0x3e8');
    expect(info).toEqual({ kind: 'brk', imm: 0x3e8 });
    expect(r.m.cpu.pc).toBe(CODE + 4);
  });

  test.each(['udf #7', 'hvc #1', 'hlt #1', 'dcps1', 'eret', 'drps', 'sysl x0, #0, c0, c0, #0', 'sys #0, c0, c0, #0, x0'])(
    '%s is UNDEFINED at EL0 and leaves the PC on it', (text) => {
      const { info, r } = runFaulting(text);
      expect(info.kind).toBe('undefined');
      expect(r.m.cpu.pc).toBe(CODE);
    });
});

describe('hints and barriers', () => {
  test('hints, PAuth and BTI hints, barriers and CLREX execute as NOPs', () => {
    const text = ['nop', 'yield', 'wfe', 'wfi', 'sev', 'sevl', 'hint #34', 'hint #25', 'hint #29', 'csdb', 'dsb ish',
      'dmb ishld', 'dsb sy', 'isb', 'ssbb', 'pssbb', 'add x0, x0, #1'].join('\n');
    const r = runClean(text);
    expect(r.executed).toBe(17);
    expect(r.x(0)).toBe(1n);
  });

  test('CLREX clears the exclusive monitor', () => {
    const r = runClean('clrex', (m) => { m.cpu.exclusiveAddr = DATA; m.cpu.exclusiveSize = 8; });
    expect(r.m.cpu.exclusiveAddr).toBe(-1);
  });

  test.each(['msr spsel, #1', 'msr daifset, #2', 'msr daifclr, #2', 'msr s0_0_c4_c0_4, xzr'])(
    '%s is UNDEFINED at EL0', (text) => {
      expect(runFaulting(text).info.kind).toBe('undefined');
    });
});

describe('MRS and MSR at EL0', () => {
  const tagCheckFaultsSynchronously = (m: Machine) => {
    m.cpu.sys.SCTLR_EL1 = withField(m.cpu.sys.SCTLR_EL1, SCTLR.TCF0, 2, 1);
    m.cpu.mteGeneration++;
    m.cpu.setX(1, (3n << TAG_SHIFT) | BigInt(DATA));
  };

  test('a mismatched tagged load faults with TCO=0 and not after MSR TCO, #1', () => {
    runClean('msr tco, #1\nldr x0, [x1]', tagCheckFaultsSynchronously);
    const { info } = runFaulting('msr tco, #1\nmsr tco, #0\nldr x0, [x1]', tagCheckFaultsSynchronously);
    expect(info).toMatchObject({ kind: 'dataAbort', fault: { type: 'tagCheck' } });
  });

  test('MSR TCO, Xt takes bit 25 and MRS reads it back there', () => {
    const r = runClean('msr tco, x2\nmrs x3, tco\nldr x0, [x1]', (m) => {
      tagCheckFaultsSynchronously(m);
      m.cpu.setX(2, 1n << 25n);
    });
    expect(r.m.cpu.tco).toBe(1);
    expect(r.x(3)).toBe(1n << 25n);
  });

  test('MSR TCO, #imm uses CRm<0> only', () => {
    expect(runClean('msr tco, #14').m.cpu.tco).toBe(0);
    expect(runClean('msr tco, #15').m.cpu.tco).toBe(1);
  });

  test('ID_AA64PFR1_EL1 shows MTE = 3 (FEAT_MTE3), as Linux exposes it', () => {
    const r = runClean('mrs x0, id_aa64pfr1_el1');
    expect((r.x(0) >> 8n) & 0xfn).toBe(3n);
  });

  test('ID_AA64PFR1_EL1.MTE follows the PE: 2 on an MTE2-only PE', () => {
    const r = runClean('mrs x0, id_aa64pfr1_el1', (m) => { m.cpu.sys.mteLevel = 2; });
    expect((r.x(0) >> 8n) & 0xfn).toBe(2n);
  });

  test('Linux emulates MIDR, MPIDR, REVIDR and the ID space CRm=4..7 (unassigned encodings read 0)', () => {
    const r = runClean('mrs x0, midr_el1\nmrs x1, mpidr_el1\nmrs x2, revidr_el1\nmrs x3, s3_0_c0_c4_7\nmrs x4, id_aa64isar0_el1');
    expect([r.x(0), r.x(1), r.x(2), r.x(3)]).toEqual([MIDR, MPIDR_USER, 0n, 0n]);
    expect((r.x(4) >> 20n) & 0xfn).toBe(2n);
  });

  test.each(['mrs x0, s3_0_c0_c1_0', 'mrs x0, s3_0_c0_c0_1', 'mrs x0, currentel'])(
    '%s lies outside the emulated ID space and is UNDEFINED', (text) => {
      expect(runFaulting(text).info.kind).toBe('undefined');
    });

  test('DCZID_EL0 reads 7 (512-byte blocks), with DZP set when SCTLR_EL1.DZE=0', () => {
    expect(runClean('mrs x0, dczid_el0').x(0)).toBe(7n);
    const r = runClean('mrs x0, dczid_el0', (m) => { m.cpu.sys.SCTLR_EL1 = withField(m.cpu.sys.SCTLR_EL1, SCTLR.DZE, 1, 0); });
    expect(r.x(0)).toBe(0x17n);
  });

  test('CNTVCT_EL0 counts retired instructions, at CNTFRQ_EL0 = 1 GHz', () => {
    const r = runClean('mrs x0, cntvct_el0\nadd x5, x5, #1\nadd x5, x5, #1\nmrs x1, cntvct_el0\nmrs x2, cntfrq_el0');
    expect(r.x(1) - r.x(0)).toBe(3n);
    expect(r.x(2)).toBe(CNTFRQ);
  });

  test('TPIDR_EL0 is read-write and TPIDRRO_EL0 read-only at EL0', () => {
    const r = runClean('msr tpidr_el0, x1\nmrs x2, tpidr_el0\nmrs x3, tpidrro_el0', (m) => {
      m.cpu.setX(1, 0x1234_5678_9abc_def0n);
      m.cpu.sys.TPIDRRO_EL0 = 77n;
    });
    expect([r.x(2), r.x(3)]).toEqual([0x1234_5678_9abc_def0n, 77n]);
    expect(undefinedWhy(runFaulting('msr tpidrro_el0, x1').info)).toMatch(/TPIDRRO_EL0 cannot be written at EL0/);
  });

  test('MSR NZCV sets the flags that B.cond then tests', () => {
    const r = runClean('msr nzcv, x1\nmrs x2, nzcv\nb.eq taken\nadd x0, x0, #1\ntaken: add x3, x3, #1', (m) => m.cpu.setX(1, 0x4000_0000n));
    expect([r.x(0), r.x(2)]).toEqual([0n, 0x4000_0000n]);
  });

  test('FPCR and FPSR keep only the bits an AArch64-only PE implements', () => {
    const r = runClean('msr fpcr, x1\nmrs x2, fpcr\nmsr fpsr, x1\nmrs x3, fpsr', (m) => m.cpu.setX(1, 0xffff_ffff_ffff_ffffn));
    expect([r.x(2), r.x(3)]).toEqual([0x07c0_0000n, 0x0800_009fn]);
  });

  test.each(['GCR_EL1', 'RGSR_EL1', 'TFSR_EL1', 'TFSRE0_EL1', 'SCTLR_EL1', 'TCR_EL1', 'GMID_EL1', 'DAIF', 'CNTPCT_EL0'])(
    'MRS of %s is UNDEFINED at EL0', (name) => {
      expect(undefinedWhy(runFaulting(`mrs x0, ${name}`).info)).toContain(name);
    });

  test.each(['GCR_EL1', 'SCTLR_EL1', 'TFSRE0_EL1', 'DAIF'])('MSR to %s is UNDEFINED at EL0 and changes nothing', (name) => {
    const { info, r } = runFaulting(`msr ${name}, x1`, (m) => m.cpu.setX(1, 0n));
    expect(undefinedWhy(info)).toContain(name);
    expect(r.m.cpu.sys.SCTLR_EL1).not.toBe(0n);
  });

  test('an encoding with no register is UNDEFINED, named in the generic form', () => {
    expect(undefinedWhy(runFaulting('mrs x0, s3_3_c15_c15_7').info)).toContain('S3_3_C15_C15_7');
  });
});

describe('cache maintenance at EL0 (SCTLR_EL1.UCI = 1)', () => {
  test.each(['dc cvau', 'dc cvac', 'dc civac', 'dc cgvac', 'ic ivau', 'sys #3, c7, c12, #1,'])(
    '%s on mapped memory completes without a tag check', (op) => {
      const text = op.endsWith(',') ? `${op} x1` : `${op}, x1`;
      runClean(text, (m) => {
        m.cpu.sys.SCTLR_EL1 = withField(m.cpu.sys.SCTLR_EL1, SCTLR.TCF0, 2, 1);
        m.cpu.mteGeneration++;
        m.cpu.setX(1, (9n << TAG_SHIFT) | BigInt(DATA + 0x40));
      });
    });

  test('DC CVAC of an unmapped address faults like a read', () => {
    const { info } = runFaulting('dc cvac, x1', (m) => m.cpu.setX(1, BigInt(UNTAGGED + 0x100000)));
    expect(info).toMatchObject({ kind: 'dataAbort', fault: { type: 'translation', write: false } });
  });

  test('with SCTLR_EL1.UCI = 0, DC CVAU is UNDEFINED at EL0', () => {
    const { info } = runFaulting('dc cvau, x1', (m) => {
      m.cpu.setX(1, BigInt(DATA));
      m.cpu.sys.SCTLR_EL1 = withField(m.cpu.sys.SCTLR_EL1, SCTLR.UCI, 1, 0);
    });
    expect(undefinedWhy(info)).toMatch(/UCI/);
  });

  test.each(['dc ivac, x1', 'dc isw, x1', 'dc igvac, x1', 'ic iallu', 'at s1e0r, x1', 'tlbi vmalle1is', 'tlbi vae1, x1'])(
    '%s is UNDEFINED at EL0', (text) => {
      expect(runFaulting(text, (m) => m.cpu.setX(1, BigInt(DATA))).info.kind).toBe('undefined');
    });
});

describe('PC alignment (register branches)', () => {
  test('BLR to a misaligned address in the same page links, then takes a PC alignment fault there', () => {
    const r = runSnippet('nop\nblr x1\nnop\nnop', (m) => m.cpu.setX(1, BigInt(CODE + 10)));
    expect(r.exception?.info).toEqual({ kind: 'pcAlignment', pc: CODE + 10 });
    expect(r.x(30)).toBe(BigInt(CODE + 8));
  });
});
