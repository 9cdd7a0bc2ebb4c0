import { describe, expect, test } from 'vitest';
import { mul64, r64, sdiv64, smulh64, udiv64, umulh64 } from '../../src/core/bits/int64.ts';
import { compileWord } from '../../src/core/cpu/run.ts';
import { CpuState } from '../../src/core/cpu/state.ts';
import { assembleOne } from '../../src/core/isa/asm.ts';
import { disassemble } from '../../src/core/isa/disasm.ts';
import { CODE, runSnippet } from '../helpers/snippet.ts';
import { refExecute, type RefState } from './dataProcessing.reference.ts';
import { dataProcessingRows, seeded, wordsForRow } from './dataProcessing.words.ts';

const M64 = (1n << 64n) - 1n;
const hex = (v: bigint) => `0x${v.toString(16)}`;

/** Runs `source` with X registers preset (index → value) and returns the result. */
function run(source: string, regs: Record<number, bigint> = {}, nzcv?: number) {
  const r = runSnippet(source, (m) => {
    for (const [i, v] of Object.entries(regs)) m.cpu.setX(Number(i), BigInt.asUintN(64, v));
    if (nzcv !== undefined) m.cpu.nzcv = nzcv << 28;
  });
  expect(r.exception).toBeNull();
  return { x: r.x, flags: r.m.cpu.nzcv >>> 28, sp: r.m.cpu.getX(31) };
}

describe('add and subtract', () => {
  test('SUBS sets C when no borrow and clears it on a borrow', () => {
    expect(run('cmp x1, x2', { 1: 5n, 2: 3n }).flags & 0b0010).toBe(0b0010);
    expect(run('cmp x1, x2', { 1: 3n, 2: 5n }).flags & 0b0010).toBe(0);
    expect(run('cmp x1, x2', { 1: 7n, 2: 7n }).flags).toBe(0b0110);
  });

  test('ADDS sets V on signed overflow and C on unsigned overflow', () => {
    expect(run('adds x0, x1, x2', { 1: (1n << 63n) - 1n, 2: 1n }).flags).toBe(0b1001);
    expect(run('adds w0, w1, w2', { 1: 0xffffffffn, 2: 1n }).flags).toBe(0b0110);
  });

  test('ADDS with XZR destination is CMN: flags only, no register written', () => {
    expect(assembleOne('adds xzr, x1, x2')).toBe(assembleOne('cmn x1, x2'));
    const r = run('cmn x1, x2', { 1: -1n, 2: 1n, 31: 0x1000n });
    expect(r.flags).toBe(0b0110);
    expect(r.sp).toBe(0x1000n);
  });

  test('32-bit results zero the upper half', () => {
    expect(run('add w0, w1, w2', { 0: -1n, 1: 0xffffffffn, 2: 2n }).x(0)).toBe(1n);
    expect(run('mov w0, w1', { 0: -1n, 1: -1n }).x(0)).toBe(0xffffffffn);
    expect(run('movk w0, #1, lsl #16', { 0: -1n }).x(0)).toBe(0x1ffffn);
  });

  test('ADD (immediate) and MOV use SP for register 31; ADD (shifted register) uses XZR', () => {
    expect(run('add x0, sp, #16', { 31: 0x1000n }).x(0)).toBe(0x1010n);
    expect(run('mov sp, x1', { 1: 0x2000n }).sp).toBe(0x2000n);
    expect(run('add x0, xzr, x1, lsl #4', { 1: 1n }).x(0)).toBe(16n);
  });

  test('ADD (extended register) extends and shifts Rm, with SP as base', () => {
    expect(run('add x0, sp, w1, uxtw #2', { 31: 0x1000n, 1: 0xffffffff00000001n }).x(0)).toBe(0x1004n);
    expect(run('add x0, x2, w1, sxtw', { 1: 0xffffffffn, 2: 10n }).x(0)).toBe(9n);
    expect(run('sub x0, x2, w1, sxtb #4', { 1: 0x80n, 2: 0n }).x(0)).toBe(0x800n);
    expect(run('cmp sp, x1', { 31: 0x1000n, 1: 0x1000n }).flags).toBe(0b0110);
  });

  test('ADC adds the carry flag; SBC subtracts its complement; NGC negates with borrow', () => {
    expect(run('adc x0, x1, x2', { 1: 1n, 2: 2n }, 0b0010).x(0)).toBe(4n);
    expect(run('sbc x0, x1, x2', { 1: 5n, 2: 2n }, 0b0000).x(0)).toBe(2n);
    expect(run('ngc x0, x1', { 1: 1n }, 0b0010).x(0)).toBe(M64);
    expect(run('adcs x0, x1, x2', { 1: -1n, 2: 0n }, 0b0010).flags).toBe(0b0110);
  });

  test('NEG and NEGS negate the shifted operand', () => {
    expect(run('neg x0, x1, lsl #1', { 1: 3n }).x(0)).toBe(BigInt.asUintN(64, -6n));
    expect(run('negs w0, w1', { 1: 0n }).flags).toBe(0b0110);
  });
});

describe('logical', () => {
  test('logical immediate decodes replicated bitmasks', () => {
    expect(run('and x0, x1, #0x5555555555555555', { 1: -1n }).x(0)).toBe(0x5555555555555555n);
    expect(run('eor w0, w1, #0xff00ff00', { 1: 0n }).x(0)).toBe(0xff00ff00n);
    expect(run('mov x0, #0xff00ff00ff00ff00').x(0)).toBe(0xff00ff00ff00ff00n);
    expect(run('orr sp, xzr, #0x1000').sp).toBe(0x1000n);
  });

  test('ANDS and TST set N and Z and clear C and V', () => {
    expect(run('tst x1, #0x8000000000000000', { 1: -1n }, 0b0011).flags).toBe(0b1000);
    expect(run('ands w0, w1, w2', { 1: 0xf0n, 2: 0x0fn }, 0b1111).flags).toBe(0b0100);
  });

  test('BIC, ORN, EON and MVN invert the shifted operand', () => {
    expect(run('bic x0, x1, x2, lsl #4', { 1: 0xffn, 2: 1n }).x(0)).toBe(0xefn);
    expect(run('mvn w0, w1', { 1: 0n }).x(0)).toBe(0xffffffffn);
    expect(run('eon x0, x1, x2, ror #4', { 1: 0n, 2: 0xfn }).x(0)).toBe(0x0fffffffffffffffn);
    expect(run('orn x0, xzr, x2, asr #63', { 2: 1n << 63n }).x(0)).toBe(0n);
  });

  test('MOVZ, MOVN and MOVK build 64-bit constants', () => {
    expect(run('movz x0, #0x1234, lsl #48\nmovk x0, #0x5678, lsl #16').x(0)).toBe(0x1234000056780000n);
    expect(run('movn x0, #0').x(0)).toBe(M64);
    expect(run('mov w0, #-2').x(0)).toBe(0xfffffffen);
    expect(run('movk x0, #0xbeef, lsl #32', { 0: -1n }).x(0)).toBe(0xffffbeefffffffffn);
  });
});

describe('bitfield, extract and shifts', () => {
  test('SXTW/SXTB sign-extend and UXTB/UXTH zero-extend', () => {
    expect(run('sxtw x0, w1', { 1: 0x80000000n }).x(0)).toBe(0xffffffff80000000n);
    expect(run('sxtb w0, w1', { 1: 0x80n }).x(0)).toBe(0xffffff80n);
    expect(run('uxth w0, w1', { 1: -1n }).x(0)).toBe(0xffffn);
  });

  test('UBFX extracts a field, SBFX sign-extends it, UBFIZ places it', () => {
    expect(run('ubfx x0, x1, #60, #4', { 1: 0xa000000000000000n }).x(0)).toBe(0xan);
    expect(run('sbfx x0, x1, #4, #4', { 1: 0x80n }).x(0)).toBe(M64 - 7n);
    expect(run('ubfiz x0, x1, #36, #8', { 1: 0x1ffn }).x(0)).toBe(0xff000000000n);
    expect(run('sbfiz w0, w1, #4, #4', { 1: 0x8n }).x(0)).toBe(0xffffff80n);
  });

  test('BFI and BFXIL replace only the field of the destination', () => {
    expect(run('bfi x0, x1, #8, #16', { 0: -1n, 1: 0n }).x(0)).toBe(0xffffffffff0000ffn);
    expect(run('bfxil w0, w1, #28, #4', { 0: 0x12345678n, 1: 0xa0000000n }).x(0)).toBe(0x1234567an);
    expect(run('bfc x0, #60, #4', { 0: -1n }).x(0)).toBe(0x0fffffffffffffffn);
  });

  test('LSL, LSR and ASR (immediate) shift within the register size', () => {
    expect(run('lsl x0, x1, #63', { 1: 3n }).x(0)).toBe(1n << 63n);
    expect(run('lsr w0, w1, #31', { 1: -1n }).x(0)).toBe(1n);
    expect(run('asr x0, x1, #40', { 1: 1n << 63n }).x(0)).toBe(M64 - (1n << 23n) + 1n);
  });

  test('LSLV, LSRV, ASRV and RORV shift by Rm modulo the register size', () => {
    expect(run('lsl x0, x1, x2', { 1: 1n, 2: 65n }).x(0)).toBe(2n);
    expect(run('lsr w0, w1, w2', { 1: 0x80000000n, 2: 33n }).x(0)).toBe(0x40000000n);
    expect(run('asr x0, x1, x2', { 1: 1n << 63n, 2: 63n }).x(0)).toBe(M64);
    expect(run('ror x0, x1, x2', { 1: 1n, 2: 1n }).x(0)).toBe(1n << 63n);
  });

  test('EXTR takes bits from the concatenation Rn:Rm; ROR (immediate) rotates', () => {
    expect(run('extr x0, x1, x2, #16', { 1: 0x1234n, 2: 0xabcd000000000000n }).x(0)).toBe(0x1234abcd00000000n);
    expect(run('ror w0, w1, #8', { 1: 0x12345678n }).x(0)).toBe(0x78123456n);
  });

  test('ADR gives the PC plus the offset, ADRP the 4 KiB page of the PC plus pages', () => {
    const r = run('nop_pad: adr x0, target\nadrp x1, target\ntarget: adr x2, #-4');
    expect(r.x(0)).toBe(BigInt(CODE + 8));
    expect(r.x(1)).toBe(BigInt(CODE));
    expect(r.x(2)).toBe(BigInt(CODE + 4));
  });
});

describe('conditional', () => {
  test('CSEL, CSINC, CSINV and CSNEG choose by the condition', () => {
    expect(run('cmp x1, x2\ncsel x0, x1, x2, lt', { 1: 1n, 2: 2n }).x(0)).toBe(1n);
    expect(run('cmp x1, x2\ncsinc x0, x1, x2, gt', { 1: 1n, 2: -1n }).x(0)).toBe(1n);
    expect(run('cmp x1, x2\ncsinc x0, x1, x2, gt', { 1: -1n, 2: -1n }).x(0)).toBe(0n);
    expect(run('cmp x1, #0\ncneg x0, x1, mi', { 1: -5n }).x(0)).toBe(5n);
    expect(run('cmp x1, #0\ncsetm w0, eq', { 1: 0n }).x(0)).toBe(0xffffffffn);
  });

  test('CSET gives 1 when the condition holds', () => {
    expect(run('cmp x1, x2\ncset x0, hi', { 1: 3n, 2: 2n }).x(0)).toBe(1n);
    expect(run('cmp x1, x2\ncset x0, hi', { 1: 2n, 2: 2n }).x(0)).toBe(0n);
  });

  test('CCMP sets the flags of the comparison when the condition holds, and #nzcv otherwise', () => {
    expect(run('ccmp x1, x2, #15, eq', { 1: 1n, 2: 1n }, 0b0100).flags).toBe(0b0110);
    expect(run('ccmp x1, x2, #9, eq', { 1: 1n, 2: 1n }, 0b0000).flags).toBe(0b1001);
    expect(run('ccmn w1, #1, #0, al', { 1: 0xffffffffn }).flags).toBe(0b0110);
  });
});

describe('multiply and divide', () => {
  test('MUL keeps the low 64 bits; MADD and MSUB accumulate', () => {
    expect(run('mul x0, x1, x2', { 1: 0xffffffffffn, 2: 0x10000000001n }).x(0)).toBe((0xffffffffffn * 0x10000000001n) & M64);
    expect(run('madd x0, x1, x2, x3', { 1: 3n, 2: 4n, 3: 5n }).x(0)).toBe(17n);
    expect(run('msub w0, w1, w2, w3', { 1: 3n, 2: 4n, 3: 5n }).x(0)).toBe(0xfffffff9n);
    expect(run('mneg x0, x1, x2', { 1: 3n, 2: 4n }).x(0)).toBe(BigInt.asUintN(64, -12n));
  });

  test('UMULH gives the high 64 bits of the 128-bit product', () => {
    expect(run('umulh x0, x1, x2', { 1: M64, 2: M64 }).x(0)).toBe(M64 - 1n);
    expect(run('umulh x0, x1, x2', { 1: 1n << 63n, 2: 4n }).x(0)).toBe(2n);
  });

  test('SMULH gives the high 64 bits of the signed product', () => {
    expect(run('smulh x0, x1, x2', { 1: -1n, 2: 5n }).x(0)).toBe(M64);
    expect(run('smulh x0, x1, x2', { 1: 1n << 63n, 2: 1n << 63n }).x(0)).toBe(1n << 62n);
  });

  test('SMULL and UMULL widen 32-bit operands; SMSUBL subtracts', () => {
    expect(run('smull x0, w1, w2', { 1: 0xffffffffn, 2: 7n }).x(0)).toBe(BigInt.asUintN(64, -7n));
    expect(run('umull x0, w1, w2', { 1: 0xffffffffn, 2: 0xffffffffn }).x(0)).toBe(0xfffffffe00000001n);
    expect(run('smsubl x0, w1, w2, x3', { 1: 2n, 2: 0xfffffffen, 3: 1n }).x(0)).toBe(5n);
  });

  test('SDIV by zero gives zero, and so does UDIV', () => {
    expect(run('sdiv x0, x1, x2', { 0: 9n, 1: 5n, 2: 0n }).x(0)).toBe(0n);
    expect(run('udiv w0, w1, w2', { 0: 9n, 1: 5n, 2: 0n }).x(0)).toBe(0n);
  });

  test('SDIV of the most negative value by -1 gives the most negative value', () => {
    expect(run('sdiv x0, x1, x2', { 1: 1n << 63n, 2: -1n }).x(0)).toBe(1n << 63n);
    expect(run('sdiv w0, w1, w2', { 1: 0x80000000n, 2: -1n }).x(0)).toBe(0x80000000n);
  });

  test('SDIV rounds toward zero; UDIV is exact above 2^53', () => {
    expect(run('sdiv x0, x1, x2', { 1: -7n, 2: 2n }).x(0)).toBe(BigInt.asUintN(64, -3n));
    expect(run('udiv x0, x1, x2', { 1: M64, 2: 3n }).x(0)).toBe(M64 / 3n);
    expect(run('udiv x0, x1, x2', { 1: M64 - 5n, 2: (1n << 63n) + 1n }).x(0)).toBe(1n);
  });
});

describe('1-source and CRC32', () => {
  test('CLZ counts leading zeros and CLS leading sign bits', () => {
    expect(run('clz x0, x1', { 1: 1n }).x(0)).toBe(63n);
    expect(run('clz w0, w1', { 1: 0n }).x(0)).toBe(32n);
    expect(run('cls x0, x1', { 1: -1n }).x(0)).toBe(63n);
    expect(run('cls w0, w1', { 1: 0x0fffffffn }).x(0)).toBe(3n);
  });

  test('RBIT reverses bits and REV, REV16, REV32 reverse bytes', () => {
    expect(run('rbit x0, x1', { 1: 1n }).x(0)).toBe(1n << 63n);
    expect(run('rev x0, x1', { 1: 0x0102030405060708n }).x(0)).toBe(0x0807060504030201n);
    expect(run('rev32 x0, x1', { 1: 0x0102030405060708n }).x(0)).toBe(0x0403020108070605n);
    expect(run('rev16 w0, w1', { 1: 0x01020304n }).x(0)).toBe(0x02010403n);
  });

  // The standard check values of CRC-32 and CRC-32C over "123456789", with the usual pre- and post-inversion.
  test.each([['crc32b', 0xcbf43926n], ['crc32cb', 0xe3069283n]])('%s computes the standard check value', (mnemonic, check) => {
    const bytes = [...'123456789'].map((ch) => `mov w1, #${ch.charCodeAt(0)}\n${mnemonic} w0, w0, w1`).join('\n');
    expect(run(`mov w0, #-1\n${bytes}\nmvn w0, w0`).x(0)).toBe(check);
  });

  test('CRC32X folds eight bytes at once, as eight CRC32B steps', () => {
    const value = 0x0807060504030201n;
    const bytewise = Array.from({ length: 8 }, (_, i) => `mov w1, #${i + 1}\ncrc32b w0, w0, w1`).join('\n');
    expect(run('crc32x w0, w0, x1', { 0: 0x1234n, 1: value }).x(0)).toBe(run(bytewise, { 0: 0x1234n }).x(0));
  });
});

describe('assembler rejects what cannot be encoded, saying why', () => {
  test.each([
    ['and x0, x1, #5', /not a bitmask immediate of a 64-bit register/],
    ['orr w0, w1, #0xffffffff', /not a bitmask immediate of a 32-bit register/],
    ['and w0, w1, #0x100000000', /not a bitmask immediate/],
    ['mov x0, #0x12345678', /cannot be made by one MOVZ, MOVN or ORR/],
    ['lsl w0, w1, #32', /shift amount #32 is out of range 0 to 31/],
    ['add w0, w1, w2, lsl #32', /shift amount #32 is out of range: 32-bit registers shift by 0 to 31/],
    ['eor x0, x1, x2, ror #64', /shift amount #64 is out of range/],
    ['add x0, sp, w1, uxtw #5', /extended register shift #5 is out of range 0 to 4/],
    ['ubfx x0, x1, #60, #8', /bitfield width \(after lsb #60\) #8 is out of range 1 to 4/],
    ['movk w0, #1, lsl #32', /move-wide shift must be lsl #0, #16/],
    ['adr x0, #1048576', /ADR reaches ±1 MiB/],
    ['add x0, x1, x2, ror #3', /invalid operands/],
    ['cset x0, al', /invalid operands/],
  ])('%s', (text, message) => {
    expect(() => assembleOne(text)).toThrow(message);
  });
});

/** Register values that find carries, overflows and sign errors. */
function interestingValue(rnd: () => number): bigint {
  const edges = [0n, 1n, M64, 1n << 63n, (1n << 63n) - 1n, 0xffffffffn, 0x80000000n, 0x7fffffffn, 0x100000000n, 0xffffffff80000000n];
  const random64 = (BigInt(rnd()) << 32n) | BigInt(rnd());
  switch (rnd() % 4) {
    case 0: return edges[rnd() % edges.length];
    case 1: return BigInt(rnd() % 64);
    default: return random64;
  }
}

describe('executors agree with the BigInt reference model of the pseudocode', () => {
  const rnd = seeded(0xdada);
  test.each(dataProcessingRows.map((def) => [def.id, def] as const))('%s', (_id, def) => {
    for (const word of wordsForRow(def, 24)) {
      for (let trial = 0; trial < 3; trial++) {
        const ref: RefState = {
          x: Array.from({ length: 31 }, () => interestingValue(rnd)),
          sp: interestingValue(rnd) & ~15n, n: rnd() & 1, z: rnd() & 1, c: rnd() & 1, v: rnd() & 1,
          pc: BigInt(0x400000 + (rnd() % 0x100000) * 4),
        };
        const s = new CpuState();
        ref.x.forEach((v, i) => s.setX(i, v));
        s.setX(31, ref.sp);
        [s.n, s.z, s.c, s.v, s.pc] = [ref.n, ref.z, ref.c, ref.v, Number(ref.pc)];
        compileWord(word)(s);
        refExecute(word, ref);
        const ours = { x: Array.from({ length: 31 }, (_, i) => hex(s.getX(i))), sp: hex(s.getX(31)), nzcv: [s.n, s.z, s.c, s.v], pc: s.pc };
        const theirs = { x: ref.x.map(hex), sp: hex(ref.sp), nzcv: [ref.n, ref.z, ref.c, ref.v], pc: Number(ref.pc) };
        expect(ours, `${word.toString(16)} ${disassemble(word)}`).toEqual(theirs);
      }
    }
  });
});

describe('64-bit helpers on int32 halves agree with BigInt', () => {
  const rnd = seeded(0x64);
  const edges = [0, 1, -1, 0x7fffffff, -0x80000000, 0x1fffff, 0x200000, 2, 3];
  const half = () => (rnd() % 3 === 0 ? edges[rnd() % edges.length] : (rnd() >>> (rnd() % 32)) | 0);
  const pair = (hi: number, lo: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  const cases = Array.from({ length: 20000 }, () => [half(), half(), half(), half()]);
  const S = (v: bigint) => BigInt.asIntN(64, v);
  const check = (name: string, op: (a: number, b: number, c: number, d: number) => void, model: (n: bigint, d: bigint) => bigint) => {
    const wrong = cases.filter(([a, b, c, d]) => {
      op(a, b, c, d);
      return pair(r64.hi, r64.lo) !== BigInt.asUintN(64, model(pair(a, b), pair(c, d)));
    });
    expect(wrong.slice(0, 3), name).toEqual([]);
  };

  test('mul64 gives the low 64 bits of the product', () => check('mul64', mul64, (n, d) => n * d));
  test('umulh64 and smulh64 give the high 64 bits of the 128-bit product', () => {
    check('umulh64', umulh64, (n, d) => (n * d) >> 64n);
    check('smulh64', smulh64, (n, d) => (S(n) * S(d)) >> 64n);
  });
  test('udiv64 and sdiv64 round toward zero and give 0 for a zero divisor', () => {
    check('udiv64', udiv64, (n, d) => (d === 0n ? 0n : n / d));
    check('sdiv64', sdiv64, (n, d) => (d === 0n ? 0n : S(n) / S(d)));
  });
});
