import { describe, expect, test } from 'vitest';
import { assembleOne } from '../../src/core/isa/asm.ts';
import type { Machine } from '../../src/core/machine.ts';
import { AccessKind } from '../../src/core/mte/check.ts';
import { CODE, DATA, UNTAGGED, runSnippet } from '../helpers/snippet.ts';
import { dataAbort, get, getV, put, setTag, setTcf0, setV, tagged } from './loadStore.helpers.ts';

const D = BigInt(DATA);
/** The last mapped byte of the UNTAGGED region is at UNTAGGED + 0xffff; the page after it is unmapped. */
const UNMAPPED = UNTAGGED + 0x10000;

describe('single register: addressing modes', () => {
  test('unsigned immediate offsets are scaled by the access size', () => {
    const r = runSnippet('ldr x0, [x1, #16]\nldr w2, [x1, #8]\nldrh w3, [x1, #6]\nldrb w4, [x1, #5]', (m) => {
      m.cpu.setX(1, D);
      put(m, DATA, 0x0706050403020100n);
      put(m, DATA + 8, 0x0f0e0d0c0b0a0908n);
      put(m, DATA + 16, 0x1716151413121110n);
    });
    expect(r.exception).toBeNull();
    expect([r.x(0), r.x(2), r.x(3), r.x(4)]).toEqual([0x1716151413121110n, 0x0b0a0908n, 0x0706n, 0x05n]);
  });

  test('pre-index accesses the new address and writes it back; post-index accesses the old base', () => {
    const r = runSnippet('ldr x0, [x1, #8]!\nldr x2, [x3], #-8', (m) => {
      m.cpu.setX(1, D);
      m.cpu.setX(3, D + 16n);
      put(m, DATA + 8, 0x1111n);
      put(m, DATA + 16, 0x2222n);
    });
    expect([r.x(0), r.x(1), r.x(2), r.x(3)]).toEqual([0x1111n, D + 8n, 0x2222n, D + 8n]);
  });

  test('LDUR takes an unscaled signed offset; LDTR at EL0 is an ordinary load', () => {
    const r = runSnippet('ldur x0, [x1, #-3]\nldtr w2, [x1, #-8]', (m) => {
      m.cpu.setX(1, D + 11n);
      put(m, DATA, 0x0706050403020100n);
      put(m, DATA + 8, 0x0f0e0d0c0b0a0908n);
    });
    expect([r.x(0), r.x(2)]).toEqual([0x0f0e0d0c0b0a0908n, 0x06050403n]);
  });

  test('register offset: LSL, UXTW (ignores Xm<63:32>), SXTW (negative index) and SXTX, scaled when S=1', () => {
    const r = runSnippet('ldr x0, [x1, x2, lsl #3]\nldrb w3, [x1, w4, uxtw]\nldr x5, [x1, w6, sxtw #3]\nldrh w7, [x1, x8, sxtx #1]', (m) => {
      m.cpu.setX(1, D + 64n);
      m.cpu.setX(2, 1n);
      m.cpu.setX(4, 0xffffffff00000003n);
      m.cpu.setX(6, 0xffffffffn); // w6 = -1
      m.cpu.setX(8, 0xfffffffffffffffcn); // -4 halfwords
      for (let i = 0; i < 128; i++) put(m, DATA + i, BigInt(i), 1);
    });
    expect(r.exception).toBeNull();
    expect(r.x(0)).toBe(0x4f4e4d4c4b4a4948n);
    expect(r.x(3)).toBe(67n);
    expect(r.x(5)).toBe(0x3f3e3d3c3b3a3938n);
    expect(r.x(7)).toBe(0x3938n);
  });

  test('LDRSB/LDRSH/LDRSW sign-extend to the register width; LDRB/LDRH and W loads zero the upper bits', () => {
    const r = runSnippet([
      'ldrsb w0, [x1]', 'ldrsb x2, [x1]', 'ldrsh w3, [x1]', 'ldrsh x4, [x1]', 'ldrsw x5, [x1]',
      'ldrb w6, [x1]', 'ldrh w7, [x1]', 'ldr w8, [x1]',
    ].join('\n'), (m) => {
      m.cpu.setX(1, D);
      put(m, DATA, 0x80f0f0f0n, 4);
      for (const i of [6, 7, 8]) m.cpu.setX(i, 0xffffffffffffffffn);
    });
    expect([r.x(0), r.x(2), r.x(3), r.x(4), r.x(5)]).toEqual([
      0xfffffff0n, 0xfffffffffffffff0n, 0xfffff0f0n, 0xfffffffffffff0f0n, 0xffffffff80f0f0f0n,
    ]);
    expect([r.x(6), r.x(7), r.x(8)]).toEqual([0xf0n, 0xf0f0n, 0x80f0f0f0n]);
  });

  test('stores write exactly their size', () => {
    const r = runSnippet('strb w2, [x1]\nstrh w2, [x1, #2]\nstr w2, [x1, #4]\nstr x2, [x1, #8]', (m) => {
      m.cpu.setX(1, D);
      m.cpu.setX(2, 0x8877665544332211n);
      put(m, DATA, 0xaaaaaaaaaaaaaaaan);
    });
    expect(get(r.m, DATA)).toBe(0x443322112211aa11n);
    expect(get(r.m, DATA + 8)).toBe(0x8877665544332211n);
  });

  test('XZR as Rt: a load discards the value, a store writes zero', () => {
    const r = runSnippet('ldr xzr, [x1]\nstr xzr, [x1, #8]', (m) => {
      m.cpu.setX(1, D);
      put(m, DATA, 5n);
      put(m, DATA + 8, 0xffn);
    });
    expect(r.exception).toBeNull();
    expect(get(r.m, DATA + 8)).toBe(0n);
  });

  test('LDR (literal) reads PC-relative, as W, X, SW, S, D and Q', () => {
    // The literal is four instruction words (executed harmlessly after the loads).
    const lit = ['add x9, x9, #1', 'add x10, x10, #2', 'add x11, x11, #3', 'add x12, x12, #4'];
    const w = lit.map((t) => BigInt(assembleOne(t)));
    const r = runSnippet(['ldr w0, lit', 'ldr x1, lit', 'ldrsw x2, lit', 'ldr s3, lit', 'ldr d4, lit', 'ldr q5, lit', 'prfm pldl1keep, lit',
      `lit: ${lit[0]}`, ...lit.slice(1)].join('\n'));
    expect(r.exception).toBeNull();
    const x = w[0] | (w[1] << 32n);
    expect([r.x(0), r.x(1), r.x(2)]).toEqual([w[0], x, BigInt.asUintN(64, BigInt.asIntN(32, w[0]))]);
    expect([getV(r.m, 3), getV(r.m, 4), getV(r.m, 5)]).toEqual([w[0], x, x | (w[2] << 64n) | (w[3] << 96n)]);
  });

  test('PRFM never faults, even on an unmapped address', () => {
    const r = runSnippet('prfm pstl1strm, [x1]\nprfm #31, [x1, x2]\nprfum plil3keep, [x1, #-1]', (m) => m.cpu.setX(1, BigInt(UNMAPPED)));
    expect(r.exception).toBeNull();
    expect(r.executed).toBe(3);
  });

  // CONSTRAINED UNPREDICTABLE cases, resolved as qemu-aarch64 -cpu max does.
  test('a load with writeback and Rt == Rn ends with the written-back address (as qemu)', () => {
    const r = runSnippet('ldr x1, [x1], #8\nldr x2, [x2, #8]!', (m) => {
      m.cpu.setX(1, D);
      m.cpu.setX(2, D);
      put(m, DATA, 0x1111n);
      put(m, DATA + 8, 0x2222n);
    });
    expect([r.x(1), r.x(2)]).toEqual([D + 8n, D + 8n]);
  });

  test('a store with writeback and Rt == Rn stores the original base (as qemu)', () => {
    const r = runSnippet('str x1, [x1], #8', (m) => m.cpu.setX(1, D));
    expect(get(r.m, DATA)).toBe(D);
    expect(r.x(1)).toBe(D + 8n);
  });

  test('an access crossing into an unmapped page faults and writes nothing, with no writeback', () => {
    const r = runSnippet('str x2, [x1, #-4]!', (m) => {
      m.cpu.setX(1, BigInt(UNMAPPED));
      m.cpu.setX(2, 0x1122334455667788n);
      put(m, UNMAPPED - 4, 0xaabbccddn, 4);
    });
    expect(dataAbort(r.exception).type).toBe('translation');
    expect(get(r.m, UNMAPPED - 4, 4)).toBe(0xaabbccddn);
    expect(r.x(1)).toBe(BigInt(UNMAPPED));
  });
});

describe('pairs', () => {
  test('STP/LDP of X and W registers, offset, pre- and post-index', () => {
    const r = runSnippet('stp x2, x3, [x1, #16]!\nldp x4, x5, [x1], #-16\nstp w2, w3, [x1, #-8]\nldp w6, w7, [x1, #-8]', (m) => {
      m.cpu.setX(1, D + 32n);
      m.cpu.setX(2, 0x1111111122222222n);
      m.cpu.setX(3, 0x3333333344444444n);
    });
    expect(r.exception).toBeNull();
    expect([get(r.m, DATA + 48), get(r.m, DATA + 56)]).toEqual([0x1111111122222222n, 0x3333333344444444n]);
    expect([r.x(4), r.x(5), r.x(1)]).toEqual([0x1111111122222222n, 0x3333333344444444n, D + 32n]);
    expect([r.x(6), r.x(7)]).toEqual([0x22222222n, 0x44444444n]);
  });

  test('LDPSW sign-extends both words; LDNP/STNP move data like LDP/STP', () => {
    const r = runSnippet('ldpsw x2, x3, [x1]\nstnp x2, x3, [x1, #16]\nldnp x4, x5, [x1, #16]', (m) => {
      m.cpu.setX(1, D);
      put(m, DATA, 0x7fffffff80000000n);
    });
    expect([r.x(2), r.x(3), r.x(4), r.x(5)]).toEqual([0xffffffff80000000n, 0x7fffffffn, 0xffffffff80000000n, 0x7fffffffn]);
  });

  test('LDP with Rt == Rt2 keeps the first value (as qemu)', () => {
    const r = runSnippet('ldp x3, x3, [x1]', (m) => {
      m.cpu.setX(1, D);
      put(m, DATA, 1n);
      put(m, DATA + 8, 2n);
    });
    expect(r.x(3)).toBe(1n);
  });

  test('an STP whose second half is unmapped writes nothing', () => {
    const r = runSnippet('stp x2, x3, [x1]', (m) => {
      m.cpu.setX(1, BigInt(UNMAPPED - 8));
      m.cpu.setX(2, 0x1234n);
    });
    expect(dataAbort(r.exception).type).toBe('translation');
    expect(get(r.m, UNMAPPED - 8)).toBe(0n);
  });
});

describe('exclusives and ordered accesses', () => {
  test('LDXR then STXR to the same address succeeds: status 0 and the store is done', () => {
    const r = runSnippet('ldxr x0, [x1]\nadd x0, x0, #1\nstxr w2, x0, [x1]', (m) => {
      m.cpu.setX(1, D);
      put(m, DATA, 41n);
      m.cpu.setX(2, 7n);
    });
    expect([r.x(2), get(r.m, DATA)]).toEqual([0n, 42n]);
  });

  test('STXR without a reservation fails: status 1 and memory unchanged', () => {
    const r = runSnippet('stxr w2, x0, [x1]', (m) => {
      m.cpu.setX(1, D);
      m.cpu.setX(0, 99n);
    });
    expect([r.x(2), get(r.m, DATA)]).toEqual([1n, 0n]);
  });

  test('STXR to another address fails, and any STXR clears the monitor', () => {
    const r = runSnippet('ldaxr w0, [x1]\nstlxr w2, w0, [x1]\nstxr w3, w0, [x1]', (m) => m.cpu.setX(1, D));
    expect(r.x(2)).toBe(0n);
    expect(r.x(3)).toBe(1n);
    const other = runSnippet('ldxr w0, [x1]\nstxr w2, w0, [x4]', (m) => {
      m.cpu.setX(1, D);
      m.cpu.setX(4, D + 16n);
      m.cpu.setX(0, 5n);
    });
    expect([other.x(2), get(other.m, DATA + 16)]).toEqual([1n, 0n]);
  });

  test('a reservation covers one size: STXRB after LDXR fails', () => {
    const r = runSnippet('ldxr x0, [x1]\nstxrb w2, w0, [x1]', (m) => m.cpu.setX(1, D));
    expect(r.x(2)).toBe(1n);
  });

  test('LDXP/STXP move a pair as one exclusive access', () => {
    const r = runSnippet('ldxp x2, x3, [x1]\nstxp w4, x3, x2, [x1]', (m) => {
      m.cpu.setX(1, D);
      put(m, DATA, 1n);
      put(m, DATA + 8, 2n);
    });
    expect([r.x(4), get(r.m, DATA), get(r.m, DATA + 8)]).toEqual([0n, 2n, 1n]);
  });

  test.each(['ldxr x0, [x1]', 'stxr w2, x0, [x1]', 'ldxrh w0, [x1]', 'ldxp x2, x3, [x5]', 'ldar x0, [x1]', 'stlr w0, [x1]', 'ldapr x0, [x1]'])(
    'an unaligned exclusive or ordered access is an Alignment fault: %s', (text) => {
      const r = runSnippet(text, (m) => {
        m.cpu.setX(1, D + 1n);
        m.cpu.setX(5, D + 8n); // 8-aligned, but the pair needs 16
      });
      expect(dataAbort(r.exception).type).toBe('alignment');
    });

  test('LDAR/STLR, LDAPR, LDAPUR/STLUR and LDLAR/STLLR move data like LDR/STR', () => {
    const r = runSnippet('stlr x2, [x1]\nldar x3, [x1]\nldaprb w4, [x1]\nstlurh w2, [x1, #-2]\nldapursh x5, [x1, #-2]\nstllr w2, [x1]\nldlarh w6, [x1]', (m) => {
      m.cpu.setX(1, D + 16n);
      m.cpu.setX(2, 0x112233448899n);
    });
    expect(r.exception).toBeNull();
    expect([r.x(3), r.x(4), r.x(5), r.x(6)]).toEqual([0x112233448899n, 0x99n, 0xffffffffffff8899n, 0x8899n]);
  });
});

// ---- LSE atomics -------------------------------------------------------------------------------------

const SIZES = [
  { sfx: 'b', bits: 8, reg: 'w' }, { sfx: 'h', bits: 16, reg: 'w' }, { sfx: '', bits: 32, reg: 'w' }, { sfx: '', bits: 64, reg: 'x' },
];
const OPS: Record<string, (a: bigint, b: bigint, bits: number) => bigint> = {
  add: (a, b) => a + b,
  clr: (a, b) => a & ~b,
  eor: (a, b) => a ^ b,
  set: (a, b) => a | b,
  smax: (a, b, n) => (BigInt.asIntN(n, a) >= BigInt.asIntN(n, b) ? a : b),
  smin: (a, b, n) => (BigInt.asIntN(n, a) <= BigInt.asIntN(n, b) ? a : b),
  umax: (a, b) => (a >= b ? a : b),
  umin: (a, b) => (a <= b ? a : b),
  swp: (_a, b) => b,
};
const PAIRS = [[0x8123456789abcdefn, 0x7fedcba987654321n], [0x0000000000000005n, 0xfffffffffffffffbn], [0xffn, 0xffn]];
const ORDERINGS = ['', 'a', 'l', 'al'];

describe('LSE atomics', () => {
  const cases = Object.keys(OPS).flatMap((op, i) => SIZES.map((size, j) => {
    const ord = ORDERINGS[(i + j) % 4];
    return { op, size, name: op === 'swp' ? `swp${ord}${size.sfx}` : `ld${op}${ord}${size.sfx}` };
  }));
  test.each(cases)('$name ($size.bits-bit): Rt gets the old value, memory gets op(old, Rs)', ({ op, size, name }) => {
    const mask = (1n << BigInt(size.bits)) - 1n;
    for (const [old, operand] of PAIRS) {
      const r = runSnippet(`${name} ${size.reg}2, ${size.reg}3, [x1]`, (m) => {
        m.cpu.setX(1, D);
        put(m, DATA, old);
        m.cpu.setX(2, operand);
        m.cpu.setX(3, 0xdeaddeaddeaddeadn);
      });
      expect(r.exception).toBeNull();
      expect(r.x(3)).toBe(old & mask);
      expect(get(r.m, DATA, size.bits / 8)).toBe(OPS[op](old & mask, operand & mask, size.bits) & mask);
      expect(get(r.m, DATA + size.bits / 8, 1)).toBe((old >> BigInt(size.bits)) & 0xffn); // the next byte is untouched
    }
  });

  test('ST<op> updates memory and writes no register; Rs == Rt reads Rs before the write', () => {
    const r = runSnippet('staddl x2, [x1]\nldadd x4, x4, [x1]', (m) => {
      m.cpu.setX(1, D);
      put(m, DATA, 40n);
      m.cpu.setX(2, 2n);
      m.cpu.setX(4, 100n);
    });
    expect([get(r.m, DATA), r.x(2), r.x(4)]).toEqual([142n, 2n, 42n]);
  });

  test('CAS stores Rt only when memory equals Rs, and always returns the old value in Rs', () => {
    const hit = runSnippet('casal x2, x3, [x1]', (m) => {
      m.cpu.setX(1, D);
      put(m, DATA, 5n);
      m.cpu.setX(2, 5n);
      m.cpu.setX(3, 9n);
    });
    expect([get(hit.m, DATA), hit.x(2)]).toEqual([9n, 5n]);
    const miss = runSnippet('cash w2, w3, [x1]', (m) => {
      m.cpu.setX(1, D);
      put(m, DATA, 0x12345n, 4);
      m.cpu.setX(2, 0x5n);
      m.cpu.setX(3, 9n);
    });
    expect([get(miss.m, DATA, 4), miss.x(2)]).toEqual([0x12345n, 0x2345n]);
  });

  test('CASP compares and swaps a register pair', () => {
    const setup = (second: bigint) => (m: Machine) => {
      m.cpu.setX(1, D);
      put(m, DATA, 1n);
      put(m, DATA + 8, 2n);
      m.cpu.setX(2, 1n);
      m.cpu.setX(3, second);
      m.cpu.setX(4, 7n);
      m.cpu.setX(5, 8n);
    };
    const hit = runSnippet('caspa x2, x3, x4, x5, [x1]', setup(2n));
    expect([get(hit.m, DATA), get(hit.m, DATA + 8), hit.x(2), hit.x(3)]).toEqual([7n, 8n, 1n, 2n]);
    const miss = runSnippet('casp x2, x3, x4, x5, [x1]', setup(3n));
    expect([get(miss.m, DATA), get(miss.m, DATA + 8), miss.x(2), miss.x(3)]).toEqual([1n, 2n, 1n, 2n]);
    const words = runSnippet('caspl w2, w3, w4, w5, [x1]', (m) => {
      m.cpu.setX(1, D);
      put(m, DATA, 0x0000000200000001n);
      m.cpu.setX(2, 1n);
      m.cpu.setX(3, 2n);
      m.cpu.setX(4, 7n);
      m.cpu.setX(5, 8n);
    });
    expect(get(words.m, DATA)).toBe(0x0000000800000007n);
  });

  test.each(['ldadd x2, x3, [x1]', 'swph w2, w3, [x1]', 'cas w2, w3, [x1]', 'casp x2, x3, x4, x5, [x6]'])(
    'an unaligned atomic is an Alignment fault and changes nothing: %s', (text) => {
      const r = runSnippet(text, (m) => {
        m.cpu.setX(1, D + 1n);
        m.cpu.setX(6, D + 8n);
        m.cpu.setX(3, 77n);
      });
      expect(dataAbort(r.exception).type).toBe('alignment');
      expect(r.x(3)).toBe(77n);
    });
});

describe('SIMD&FP loads and stores', () => {
  test('a load into B/H/S/D zeroes the rest of the 128-bit register; Q loads all of it', () => {
    const r = runSnippet('ldr b0, [x1]\nldr h1, [x1]\nldr s2, [x1]\nldr d3, [x1]\nldr q4, [x1]', (m) => {
      m.cpu.setX(1, D);
      put(m, DATA, 0x0706050403020100n);
      put(m, DATA + 8, 0x0f0e0d0c0b0a0908n);
      for (let i = 0; i < 5; i++) setV(m, i, (1n << 128n) - 1n);
    });
    expect([0, 1, 2, 3, 4].map((i) => getV(r.m, i))).toEqual([
      0x00n, 0x0100n, 0x03020100n, 0x0706050403020100n, 0x0f0e0d0c0b0a09080706050403020100n,
    ]);
  });

  test('SIMD&FP stores with every addressing mode', () => {
    const r = runSnippet('str q0, [x1, #16]\nstr d0, [x1], #8\nstur s0, [x1, #-24]\nstr h0, [x1, x2, lsl #1]\nstr b0, [x1, #-40]!', (m) => {
      m.cpu.setX(1, D + 32n);
      m.cpu.setX(2, 12n);
      put(m, DATA, 0xffn, 1);
      setV(m, 0, 0xffeeddccbbaa99887766554433221100n);
    });
    expect([get(r.m, DATA + 48), get(r.m, DATA + 56)]).toEqual([0x7766554433221100n, 0xffeeddccbbaa9988n]);
    expect(get(r.m, DATA + 32)).toBe(0x7766554433221100n);
    expect(get(r.m, DATA + 16, 4)).toBe(0x33221100n);
    expect(get(r.m, DATA + 64, 2)).toBe(0x1100n);
    expect(get(r.m, DATA, 1)).toBe(0n);
    expect(r.x(1)).toBe(D);
  });

  test('LDP/STP of Q registers', () => {
    const r = runSnippet('stp q0, q1, [x1, #32]!\nldp q2, q3, [x1]', (m) => {
      m.cpu.setX(1, D);
      setV(m, 0, 0x0123456789abcdef0011223344556677n);
      setV(m, 1, 0xfedcba98765432108899aabbccddeeffn);
    });
    expect([getV(r.m, 2), getV(r.m, 3), r.x(1)]).toEqual([getV(r.m, 0), getV(r.m, 1), D + 32n]);
  });

  test('LD1 of one to four registers loads consecutive memory; a 64-bit arrangement zeroes the upper halves', () => {
    const r = runSnippet('ld1 { v0.16b }, [x1]\nld1 { v1.2s, v2.2s, v3.2s }, [x1]\nld1 { v30.2d, v31.2d, v0.2d, v1.2d }, [x1], #64', (m) => {
      m.cpu.setX(1, D);
      for (let i = 0; i < 64; i++) put(m, DATA + i, BigInt(i), 1);
      setV(m, 2, (1n << 128n) - 1n);
      setV(m, 3, (1n << 128n) - 1n);
    });
    const bytes = (from: number, n: number) => Array.from({ length: n }, (_, i) => BigInt(from + i) << BigInt(8 * i)).reduce((a, b) => a | b);
    expect(getV(r.m, 30)).toBe(bytes(0, 16));
    expect(getV(r.m, 31)).toBe(bytes(16, 16));
    expect(getV(r.m, 0)).toBe(bytes(32, 16));
    expect(getV(r.m, 1)).toBe(bytes(48, 16));
    expect(getV(r.m, 2)).toBe(bytes(8, 8));
    expect(getV(r.m, 3)).toBe(bytes(16, 8));
    expect(r.x(1)).toBe(D + 64n);
  });

  test('LD2 de-interleaves structures and ST2 interleaves them back, post-indexed by a register', () => {
    const r = runSnippet('ld2 { v0.8h, v1.8h }, [x1]\nst2 { v0.8h, v1.8h }, [x2], x3', (m) => {
      m.cpu.setX(1, D);
      m.cpu.setX(2, D + 64n);
      m.cpu.setX(3, 100n);
      for (let i = 0; i < 16; i++) put(m, DATA + 2 * i, BigInt(i), 2);
    });
    const lanes = (v: bigint) => Array.from({ length: 8 }, (_, i) => (v >> BigInt(16 * i)) & 0xffffn);
    expect(lanes(getV(r.m, 0))).toEqual([0n, 2n, 4n, 6n, 8n, 10n, 12n, 14n]);
    expect(lanes(getV(r.m, 1))).toEqual([1n, 3n, 5n, 7n, 9n, 11n, 13n, 15n]);
    expect(r.m.phys.readBytes(DATA + 64, 32)).toEqual(r.m.phys.readBytes(DATA, 32));
    expect(r.x(2)).toBe(D + 164n);
  });

  test('LD1 (single lane) replaces one lane; ST1 lane stores one element; LD1R replicates', () => {
    const r = runSnippet('ld1 { v0.s }[2], [x1]\nst1 { v0.h }[1], [x1], #2\nld1r { v5.4h }, [x1]', (m) => {
      m.cpu.setX(1, D);
      put(m, DATA, 0xaabbccddn, 4);
      setV(m, 0, 0x11111111222222223333333344444444n);
      setV(m, 5, (1n << 128n) - 1n);
    });
    expect(getV(r.m, 0)).toBe(0x11111111aabbccdd3333333344444444n);
    expect(get(r.m, DATA, 4)).toBe(0xaabb4444n);
    expect(getV(r.m, 5)).toBe(0xaabbaabbaabbaabbn);
  });

  test('an LD1 of four registers that crosses into an unmapped page changes no register', () => {
    const r = runSnippet('ld1 { v0.16b, v1.16b, v2.16b, v3.16b }, [x1], #64', (m) => {
      m.cpu.setX(1, BigInt(UNMAPPED - 32));
    });
    expect(dataAbort(r.exception).type).toBe('translation');
    expect([0, 1, 2, 3].map((i) => getV(r.m, i))).toEqual([0n, 0n, 0n, 0n]);
    expect(r.x(1)).toBe(BigInt(UNMAPPED - 32));
  });
});

// ---- MTE: which forms are checked (MTE.md §2.5) and multi-granule accesses (§2.6) ---------------------

/** Synchronous checking (TCF0 = 1 unless given) with the SP and X1 holding pointers tagged `tag` into DATA. */
const mte = (tag: number, tcf = 1, more?: (m: Machine) => void) => (m: Machine) => {
  setTcf0(m, tcf);
  m.cpu.setX(31, tagged(DATA, tag));
  m.cpu.setX(1, tagged(DATA, tag));
  more?.(m);
};

describe('MTE tag checks of loads and stores', () => {
  test('SP-based store without writeback is unchecked', () => {
    const r = runSnippet('str x2, [sp, #16]', mte(5, 1, (m) => m.cpu.setX(2, 0x42n)));
    expect(r.exception).toBeNull();
    expect(get(r.m, DATA + 16)).toBe(0x42n);
  });

  test('SP with pre-index is checked, and the fault leaves memory and SP unchanged', () => {
    const r = runSnippet('str x2, [sp, #16]!', mte(5, 1, (m) => m.cpu.setX(2, 0x42n)));
    const f = dataAbort(r.exception);
    expect([f.type, f.va, f.write]).toEqual(['tagCheck', tagged(DATA + 16, 5), true]);
    expect(get(r.m, DATA + 16)).toBe(0n);
    expect(r.x(31)).toBe(tagged(DATA, 5));
  });

  test('SP with post-index LDP is checked; SP without writeback LDP is not', () => {
    expect(dataAbort(runSnippet('ldp x2, x3, [sp], #16', mte(5)).exception).type).toBe('tagCheck');
    expect(runSnippet('ldp x2, x3, [sp, #16]', mte(5)).exception).toBeNull();
  });

  test('register offset with SP base is checked', () => {
    const r = runSnippet('str xzr, [sp, x10]', mte(5, 1, (m) => m.cpu.setX(10, 16n)));
    expect(dataAbort(r.exception).va).toBe(tagged(DATA + 16, 5));
  });

  test('literal loads are never checked', () => {
    // The code page is Normal Tagged and the literal's granule has tag 5; the PC's tag is 0.
    const taggedCode = (m: Machine) => {
      setTcf0(m, 1);
      m.mapUser(CODE, CODE, 4096, { write: false, exec: true, tagged: true });
      setTag(m, CODE, 5);
      m.cpu.setX(1, BigInt(CODE + 4));
    };
    expect(runSnippet('ldr x0, lit\nlit: add x9, x9, #1\nadd x9, x9, #1', taggedCode).exception).toBeNull();
    expect(dataAbort(runSnippet('ldr x0, [x1]', taggedCode).exception).type).toBe('tagCheck');
  });

  test('an 8-byte load at offset 12 checks both granules and reports the second granule\'s address', () => {
    const r = runSnippet('ldr x0, [x1, #12]', mte(3, 1, (m) => {
      setTag(m, DATA, 3);
      m.cpu.setX(0, 7n);
    }));
    const f = dataAbort(r.exception);
    expect([f.type, f.va, f.write]).toEqual(['tagCheck', tagged(DATA + 16, 3), false]);
    expect(r.x(0)).toBe(7n);
  });

  test('when the first granule fails, the fault address is the access\'s start', () => {
    const r = runSnippet('ldr x0, [x1, #12]', mte(3, 1, (m) => setTag(m, DATA + 16, 3)));
    expect(dataAbort(r.exception).va).toBe(tagged(DATA + 12, 3));
  });

  test('a faulting STP writes nothing and does no writeback', () => {
    const r = runSnippet('stp x2, x3, [x1, #8]!', mte(3, 1, (m) => {
      setTag(m, DATA, 3);
      setTag(m, DATA + 16, 4);
      m.cpu.setX(2, 0x1111n);
      m.cpu.setX(3, 0x2222n);
    }));
    expect(dataAbort(r.exception).va).toBe(tagged(DATA + 16, 3));
    expect([get(r.m, DATA + 8), get(r.m, DATA + 16)]).toEqual([0n, 0n]);
    expect(r.x(1)).toBe(tagged(DATA, 3));
  });

  test('a faulting LDP or LD1 changes no register', () => {
    const setup = mte(3, 1, (m) => {
      setTag(m, DATA, 3);
      m.cpu.setX(2, 9n);
      setV(m, 0, 9n);
    });
    const ldp = runSnippet('ldp x2, x3, [x1, #8]', setup);
    expect([dataAbort(ldp.exception).type, ldp.x(2)]).toEqual(['tagCheck', 9n]);
    const ld1 = runSnippet('ld1 { v0.16b, v1.16b }, [x1]', setup);
    expect([dataAbort(ld1.exception).va, getV(ld1.m, 0)]).toEqual([tagged(DATA + 16, 3), 9n]);
  });

  test('a pair or Q load crossing into an unmapped page takes the translation fault before its first part records an asynchronous tag fault', () => {
    for (const text of ['ldp x2, x3, [x1]', 'ldp w2, w3, [x1]', 'ldpsw x2, x3, [x1]', 'ldp d0, d1, [x1]', 'ldr q0, [x1]']) {
      const bytes = /w2|sw/.test(text) ? 4 : 8;
      const r = runSnippet(text, mte(5, 2, (m) => m.cpu.setX(1, tagged(DATA + 0x10000 - bytes, 5))));
      expect([text, dataAbort(r.exception).type, r.m.cpu.sys.TFSRE0_EL1]).toEqual([text, 'translation', 0n]);
    }
  });

  test('exclusives and atomics with an SP base are unchecked; with another base they are checked', () => {
    for (const text of ['ldxr x0, [sp]', 'ldadd x2, x3, [sp]', 'cas x2, x3, [sp]', 'ldar x0, [sp]', 'ldtr x0, [sp]']) {
      expect(runSnippet(text, mte(5)).exception).toBeNull();
      expect(dataAbort(runSnippet(text.replace('sp', 'x1'), mte(5)).exception).type).toBe('tagCheck');
    }
  });

  test('a failing store-exclusive performs no access, so it is not tag checked', () => {
    const r = runSnippet('stxr w2, x0, [x1]', mte(5));
    expect([r.exception, r.x(2)]).toEqual([null, 1n]);
  });

  test('LDADD is checked as a read-modify-write', () => {
    const kinds: number[] = [];
    const r = runSnippet('ldadd x2, x3, [x1]', mte(0, 1, (m) => {
      m.bus.observer = (_va, _size, kind) => kinds.push(kind);
    }));
    expect(r.exception).toBeNull();
    expect(kinds).toEqual([AccessKind.ReadModifyWrite]);
  });

  test('asymmetric mode (TCF0=3): a pure store is asynchronous, TFSRE0_EL1.TF0 is set and the store is done', () => {
    const r = runSnippet('str x2, [x1]', mte(5, 3, (m) => m.cpu.setX(2, 0x42n)));
    expect(r.exception).toBeNull();
    expect(get(r.m, DATA)).toBe(0x42n);
    expect(r.m.cpu.sys.TFSRE0_EL1 & 1n).toBe(1n);
  });

  test('asymmetric mode (TCF0=3): an atomic is synchronous and changes nothing', () => {
    const r = runSnippet('ldadd x2, x3, [x1]', mte(5, 3, (m) => {
      put(m, DATA, 40n);
      m.cpu.setX(2, 2n);
    }));
    expect(dataAbort(r.exception).type).toBe('tagCheck');
    expect([get(r.m, DATA), r.x(3), r.m.cpu.sys.TFSRE0_EL1]).toEqual([40n, 0n, 0n]);
  });
});
