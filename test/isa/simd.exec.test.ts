import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { runProgram } from '../../src/engine/runProgram.ts';
import type { Machine } from '../../src/core/machine.ts';
import { runSnippet } from '../helpers/snippet.ts';
import { getV, setV } from './loadStore.helpers.ts';
import { BLOCKS, CASE_BYTES, caseInputs, ENTRIES, programSource } from './simd.program.ts';

const d64 = (x: number): bigint => { const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, x); return b.getBigUint64(0); };
const f32 = (x: number): bigint => { const b = new DataView(new ArrayBuffer(4)); b.setFloat32(0, x); return BigInt(b.getUint32(0)); };
const FPSR = (m: Machine) => m.cpu.sys.FPSR;
const IOC = 1n, DZC = 2n, OFC = 4n, UFC = 8n, IXC = 16n;

/** Runs `source` with V registers set from `v` (register → 128-bit value) and X registers from `x`. */
function run(source: string, v: Record<number, bigint> = {}, x: Record<number, bigint> = {}, fpcr = 0n) {
  const r = runSnippet(source, (m) => {
    for (const [reg, value] of Object.entries(v)) setV(m, Number(reg), value);
    for (const [reg, value] of Object.entries(x)) m.cpu.setX(Number(reg), value);
    m.cpu.sys.FPCR = fpcr;
  });
  expect(r.exception).toBeNull();
  return { ...r, v: (reg: number) => getV(r.m, reg) };
}

describe('scalar and vector writes', () => {
  test('a scalar result (B, H, S, D) zeroes the rest of the 128-bit register', () => {
    const ones = (1n << 128n) - 1n;
    const r = run('fadd d0, d1, d2\nfmov s3, w4\nmovi d5, #0xff\naddv b6, v7.16b', { 0: ones, 1: d64(1.5), 2: d64(2), 3: ones, 5: ones, 6: ones, 7: 0x0101n }, { 4: 0x3f800000n });
    expect([r.v(0), r.v(3), r.v(5), r.v(6)]).toEqual([d64(3.5), 0x3f800000n, 0xffn, 2n]);
  });

  test('a 64-bit vector result (Q = 0) zeroes the upper half; INS keeps every other lane', () => {
    const r = run('add v0.2s, v1.2s, v2.2s\nmov v3.s[1], w4\nmov v5.b[15], v6.b[0]', { 0: -1n & ((1n << 128n) - 1n), 1: 0x0000000500000003n, 2: 0x0000000700000001n, 3: 0x11112222333344445555666677778888n, 5: 0n, 6: 0xabn }, { 4: 0xdeadbeefn });
    expect(r.v(0)).toBe(0x0000000c00000004n);
    expect(r.v(3)).toBe(0x11112222333344445555666677778888n & ~(0xffffffffn << 32n) | (0xdeadbeefn << 32n));
    expect(r.v(5)).toBe(0xabn << 120n);
  });
});

describe('moves between general and SIMD&FP registers', () => {
  test('UMOV zero-extends and SMOV sign-extends a lane; MOV is UMOV of S and D lanes', () => {
    const r = run('umov w0, v1.b[1]\nsmov x2, v1.b[1]\nsmov w3, v1.h[3]\nmov x4, v1.d[1]\nmov w5, v1.s[2]', { 1: 0x0123456789abcdef_fedcba9876548085n });
    expect([r.x(0), r.x(2), r.x(3), r.x(4), r.x(5)]).toEqual([0x80n, 0xffffffffffffff80n, 0xfffffedcn, 0x0123456789abcdefn, 0x89abcdefn]);
  });

  test('FMOV moves raw bits, and fmov v0.d[1] writes only the upper half', () => {
    const r = run('fmov x0, d1\nfmov v2.d[1], x3\nfmov x4, v2.d[1]', { 1: d64(-0.0), 2: 0x55n }, { 3: 0x7ff0000000000001n });
    expect([r.x(0), r.v(2), r.x(4)]).toEqual([0x8000000000000000n, (0x7ff0000000000001n << 64n) | 0x55n, 0x7ff0000000000001n]);
  });

  test('DUP replicates a general register or a lane into every lane', () => {
    const r = run('dup v0.8h, w1\ndup v2.2s, v3.s[1]', { 3: 0x12345678_bbbbbbbbn }, { 1: 0xffff1234n });
    expect(r.v(0)).toBe(0x1234123412341234_1234123412341234n);
    expect(r.v(2)).toBe(0x1234567812345678n);
  });
});

describe('integer SIMD', () => {
  test('CMEQ with #0 and UMINV find a zero byte, as strlen does', () => {
    const r = run('cmeq v0.16b, v1.16b, #0\numaxv b2, v0.16b\numinv b3, v1.16b', { 1: 0x41424344_00454647_48494a4b_4c4d4e4fn });
    expect(r.v(0)).toBe(0x00000000_ff000000_00000000_00000000n);
    expect([r.v(2), r.v(3)]).toEqual([0xffn, 0n]);
  });

  test('TBL gives 0 for an out-of-range index; TBX keeps the destination byte', () => {
    const r = run('tbl v0.8b, { v1.16b }, v2.8b\ntbx v3.8b, { v1.16b }, v2.8b', { 1: 0x0f0e0d0c0b0a09080706050403020100n, 2: 0x00_10_0f_ff_01_02_03_04n, 3: 0x77777777_77777777n });
    expect(r.v(0)).toBe(0x00_00_0f_00_01_02_03_04n);
    expect(r.v(3)).toBe(0x00_77_0f_77_01_02_03_04n);
  });

  test('SHRN narrows, USHLL widens, and USHR by the element size gives 0', () => {
    const r = run('shrn v0.8b, v1.8h, #4\nushll v2.4s, v3.4h, #1\nushr v4.4s, v5.4s, #32', { 1: 0x1230_4560_7890_abc0_def0_1110_2220_3330n, 3: 0x8000_0001_0002_ffffn, 5: 0xffffffffn });
    expect(r.v(0)).toBe(0x23_56_89_bc_ef_11_22_33n);
    expect(r.v(2)).toBe(0x00010000_00000002_00000004_0001fffen);
    expect(r.v(4)).toBe(0n);
  });

  test('ZIP1 interleaves the low halves; EXT extracts from the concatenation', () => {
    const r = run('zip1 v0.8b, v1.8b, v2.8b\next v3.16b, v1.16b, v2.16b, #15', { 1: 0x0706050403020100n, 2: 0x1716151413121110n });
    expect(r.v(0)).toBe(0x1303120211011000n);
    expect(r.v(3)).toBe(0x0000000000000000_1716151413121110n << 8n);
  });

  test('MOVI, MVNI and ORR (immediate) expand their immediates per cmode', () => {
    const r = run('movi v0.4s, #0xab, msl #8\nmvni v1.8h, #1, lsl #8\nmovi v2.2d, #0xff00ff00ff00ff00\norr v3.2s, #0x80, lsl #24', { 3: 0x1n });
    expect(r.v(0)).toBe(0x0000abff_0000abff_0000abff_0000abffn);
    expect(r.v(1)).toBe(0xfeff_feff_feff_feff_feff_feff_feff_feffn);
    expect(r.v(2)).toBe(0xff00ff00ff00ff00_ff00ff00ff00ff00n);
    expect(r.v(3)).toBe(0x80000000_80000001n);
  });
});

describe('floating point', () => {
  test('FMADD is fused: the product is not rounded before the addition', () => {
    const a = 1 + 2 ** -52, b = 1 - 2 ** -52;
    const r = run('fmadd d0, d1, d2, d3\nfmadd s4, s5, s6, s7', { 1: d64(a), 2: d64(b), 3: d64(-1), 5: f32(1 + 2 ** -23), 6: f32(1 - 2 ** -23), 7: f32(-1) });
    expect(r.v(0)).toBe(d64(-(2 ** -104)));
    expect(r.v(4)).toBe(f32(-(2 ** -46)));
  });

  test('a signalling NaN operand is propagated quietened, before a quiet NaN, and raises Invalid Operation', () => {
    const r = run('fadd d0, d1, d2', { 1: 0x7ff8000000000abcn, 2: 0xfff0000000000123n });
    expect(r.v(0)).toBe(0xfff8000000000123n);
    expect(FPSR(r.m) & IOC).toBe(IOC);
  });

  test('FPCR.DN makes every NaN result the default NaN', () => {
    const r = run('fmul s0, s1, s2', { 1: 0xffc01234n, 2: f32(2) }, {}, 1n << 25n);
    expect(r.v(0)).toBe(0x7fc00000n);
  });

  test('FCMP sets NZCV 0011 for unordered, 0110 equal, 1000 less, 0010 greater; only FCMPE signals on a quiet NaN', () => {
    const nzcv = (src: string, v: Record<number, bigint>) => { const r = run(`${src}\nmrs x0, nzcv`, v); return [r.x(0) >> 28n, FPSR(r.m) & IOC]; };
    expect(nzcv('fcmp d1, d2', { 1: 0x7ff8000000000000n, 2: d64(1) })).toEqual([0b0011n, 0n]);
    expect(nzcv('fcmpe d1, d2', { 1: 0x7ff8000000000000n, 2: d64(1) })).toEqual([0b0011n, IOC]);
    expect(nzcv('fcmp s1, s2', { 1: f32(-0), 2: f32(0) })).toEqual([0b0110n, 0n]);
    expect(nzcv('fcmp d1, #0.0', { 1: d64(-1e-300) })).toEqual([0b1000n, 0n]);
    expect(nzcv('fcmp d1, d2', { 1: d64(Infinity), 2: d64(1e308) })).toEqual([0b0010n, 0n]);
  });

  test('FCVTZS saturates out-of-range values and converts NaN to 0, raising Invalid Operation', () => {
    const r = run('fcvtzs w0, d1\nfcvtzs x2, d3\nfcvtzu w4, d5\nfcvtzs x6, d7', { 1: d64(1e10), 3: d64(-1e30), 5: d64(-1), 7: 0x7ff8000000000000n });
    expect([r.x(0), r.x(2), r.x(4), r.x(6)]).toEqual([0x7fffffffn, 0x8000000000000000n, 0n, 0n]);
    expect(FPSR(r.m) & IOC).toBe(IOC);
  });

  test('FCVTNS rounds ties to even, FCVTAS ties away, and an inexact conversion raises Inexact', () => {
    const r = run('fcvtns x0, d1\nfcvtas x2, d1\nfcvtns w3, d4\nfcvtms w5, d4', { 1: d64(2.5), 4: d64(-3.5) });
    expect([r.x(0), r.x(2), r.x(3), r.x(5)]).toEqual([2n, 3n, 0xfffffffcn, 0xfffffffcn]);
    expect(FPSR(r.m) & IXC).toBe(IXC);
  });

  test('FRINTI rounds by FPCR.RMode; FRINTN keeps the sign of a zero result', () => {
    const r = run('frinti d0, d1\nfrintn d2, d3', { 1: d64(2.5), 3: d64(-0.5) }, {}, 2n << 22n);
    expect([r.v(0), r.v(2)]).toEqual([d64(2), d64(-0)]);
  });

  test('SCVTF rounds a 64-bit integer once to single precision; fixed-point scales by 2^-fbits', () => {
    // 0x01000001_00000001 lies just above the midpoint of two singles: rounding via a double would hit the tie.
    const r = run('scvtf s0, x1\nucvtf d2, x3, #4\nscvtf d4, w5', {}, { 1: 0x0100000100000001n, 3: 0xffffffffffffffffn, 5: 0xffffffffn });
    expect(r.v(0)).toBe(f32(0x0100000200000000));
    expect(r.v(2)).toBe(d64(2 ** 60));
    expect(r.v(4)).toBe(d64(-1));
  });

  test('division by zero raises DZC, overflow OFC and IXC, a tiny inexact result UFC', () => {
    const flags = (src: string, v: Record<number, bigint>) => FPSR(run(src, v).m);
    expect(flags('fdiv d0, d1, d2', { 1: d64(1), 2: d64(0) })).toBe(DZC);
    expect(flags('fmul d0, d1, d1', { 1: d64(1e200) })).toBe(OFC | IXC);
    expect(flags('fmul d0, d1, d1', { 1: d64(1e-200) })).toBe(UFC | IXC);
    expect(flags('fadd d0, d1, d1', { 1: d64(1.5) })).toBe(0n);
  });

  test('FCVT to half precision rounds to nearest even and keeps NaN payload bits', () => {
    const r = run('fcvt h0, s1\nfcvt h2, d3\nfcvt s4, h5', { 1: f32(1 + 2 ** -11), 3: 0x7ff4000000000000n, 5: 0x7c01n });
    expect([r.v(0), r.v(2), r.v(4)]).toEqual([0x3c00n, 0x7f00n, 0x7fc02000n]);
  });
});

describe('FPCR.RMode and FPCR.FZ in arithmetic', () => {
  const RP = 1n << 22n, RM = 2n << 22n, RZ = 3n << 22n, FZ = 1n << 24n, IDC = 128n;

  test('FPCR.RMode rounds a sum: 1 + 2^-60 is the next double up in RP, 1 in RM and RZ; RZ keeps the largest finite value on overflow', () => {
    const sum = (fpcr: bigint) => run('fadd d0, d1, d2\nfmul d3, d4, d4', { 1: d64(1), 2: d64(2 ** -60), 4: d64(1e300) }, {}, fpcr);
    expect(sum(RP).v(0)).toBe(d64(1 + 2 ** -52));
    expect(sum(RM).v(0)).toBe(d64(1));
    expect(sum(RZ).v(0)).toBe(d64(1));
    expect(sum(RZ).v(3)).toBe(d64(Number.MAX_VALUE));
    expect(sum(RP).v(3)).toBe(d64(Infinity));
    expect(FPSR(sum(RZ).m)).toBe(OFC | IXC);
  });

  test('in RM an exact zero sum of opposite terms is −0; in the other modes +0', () => {
    expect(run('fsub s0, s1, s1', { 1: f32(3) }, {}, RM).v(0)).toBe(f32(-0));
    expect(run('fsub s0, s1, s1', { 1: f32(3) }, {}, RP).v(0)).toBe(0n);
    expect(run('fmadd d0, d1, d2, d3', { 1: d64(2), 2: d64(3), 3: d64(-6) }, {}, RM).v(0)).toBe(d64(-0));
  });

  test('directed rounding applies to division, square root and fused multiply-add: RP and RM bracket the exact value one ulp apart', () => {
    const inputs = { 1: f32(1), 2: f32(3), 4: d64(2), 5: d64(1), 6: d64(2 ** -30), 7: d64(2 ** -30) };
    const results = (fpcr: bigint) => {
      const r = run('fdiv s0, s1, s2\nfsqrt d3, d4\nfmla v5.2d, v6.2d, v7.2d', inputs, {}, fpcr);
      return [r.v(0), r.v(3), r.v(5) & ((1n << 64n) - 1n)];
    };
    const up = results(RP), down = results(RM), nearest = results(0n);
    expect(up.map((u, i) => u - down[i])).toEqual([1n, 1n, 1n]);
    expect(nearest.every((x, i) => x === up[i] || x === down[i])).toBe(true);
    expect(results(RZ)).toEqual(down);
    expect(down[2]).toBe(d64(1));
  });

  test('FPCR.FZ reads a denormal operand as zero and raises IDC', () => {
    const r = run('fadd d0, d1, d2\nfcmp s3, #0.0\nmrs x4, nzcv', { 1: 1n, 2: d64(0), 3: 1n }, {}, FZ);
    expect(r.v(0)).toBe(0n);
    expect(r.x(4) >> 28n).toBe(0b0110n);
    expect(FPSR(r.m)).toBe(IDC);
  });

  test('FPCR.FZ flushes a result below the smallest normal to a zero of its sign, raising UFC but not IXC', () => {
    const r = run('fmul d0, d1, d2\nfcvt s3, d4', { 1: d64(-(2 ** -600)), 2: d64(2 ** -500), 4: d64(2 ** -140) }, {}, FZ);
    expect(r.v(0)).toBe(d64(-0));
    expect(r.v(3)).toBe(0n);
    expect(FPSR(r.m)).toBe(UFC);
  });

  test('Underflow is judged before rounding: a product that rounds up to the smallest normal raises UFC with IXC', () => {
    const r = run('fmul d0, d1, d2', { 1: 0x3fefffffffffffffn, 2: d64(2 ** -1022) });
    expect(r.v(0)).toBe(d64(2 ** -1022));
    expect(FPSR(r.m)).toBe(UFC | IXC);
  });
});

describe('long, saturating and by-element forms', () => {
  test('UMULL2 multiplies the upper halves exactly; SMLAL of 32-bit lanes accumulates a 64-bit product', () => {
    const r = run('umull2 v0.2d, v1.4s, v2.4s\nsmlal v3.2d, v4.2s, v5.2s', {
      1: 0x00000002_ffffffffn << 64n, 2: 0x00000003_ffffffffn << 64n, 3: (0xffffffffffffffffn << 64n) | 1n, 4: 0x00000003_80000000n, 5: 0xfffffffb_80000000n,
    });
    expect(r.v(0)).toBe((6n << 64n) | 0xfffffffe00000001n);
    expect(r.v(3)).toBe((0xfffffffffffffff0n << 64n) | 0x4000000000000001n);
  });

  test('SQADD saturates and sets FPSR.QC; UQSUB stops at 0; a result that fits leaves QC clear', () => {
    const QC = 1n << 27n;
    const r = run('sqadd v0.16b, v1.16b, v2.16b\nuqsub v3.8h, v2.8h, v1.8h', { 1: 0x7fn, 2: 0x01n });
    expect([r.v(0), r.v(3)]).toEqual([0x7fn, 0n]);
    expect(FPSR(r.m) & QC).toBe(QC);
    expect(FPSR(run('sqadd v0.4s, v1.4s, v2.4s', { 1: 5n, 2: 7n }).m) & QC).toBe(0n);
  });

  test('FMLA by element multiplies every lane of Vn by one lane of Vm', () => {
    const lanes = (xs: number[]) => xs.reduce((acc, x, i) => acc | (f32(x) << BigInt(32 * i)), 0n);
    const r = run('fmla v0.4s, v1.4s, v2.s[2]', { 0: lanes([1, 1, 1, 1]), 1: lanes([1, 2, 3, 4]), 2: lanes([0, 0, 10, 0]) });
    expect(r.v(0)).toBe(lanes([11, 21, 31, 41]));
  });

  test('FRECPE and FRSQRTE give 8-bit estimates: 1/1.0 ≈ 0.998046875, 1/√1.0 ≈ 0.998046875', () => {
    const r = run('frecpe s0, s1\nfrsqrte d2, d3', { 1: f32(1), 3: d64(1) });
    expect([r.v(0), r.v(2)]).toEqual([f32(0.998046875), d64(0.998046875)]);
  });

  test('FCVTL widens the upper singles of FCVTL2 exactly; FCVTN2 keeps the lower half of Vd', () => {
    const r = run('fcvtl2 v0.2d, v1.4s\nfcvtn2 v2.4s, v3.2d', { 1: (f32(-2.5) << 96n) | (f32(0.1) << 64n), 2: 0x1234n, 3: (d64(3) << 64n) | d64(0.5) });
    expect(r.v(0)).toBe((d64(-2.5) << 64n) | d64(Math.fround(0.1)));
    expect(r.v(2)).toBe((f32(3) << 96n) | (f32(0.5) << 64n) | 0x1234n);
  });
});

describe('saturating, halving and estimate instructions', () => {
  const QC = 1n << 27n;
  const lanes = (size: number, xs: (number | bigint)[]) => xs.reduce<bigint>((acc, x, i) => acc | (BigInt.asUintN(size, BigInt(x)) << BigInt(size * i)), 0n);

  test('SQDMULH saturates only the most negative value squared; SQRDMULH rounds the high half', () => {
    const r = run('sqdmulh v0.4h, v1.4h, v2.4h\nsqrdmulh v3.4h, v1.4h, v2.4h', { 1: lanes(16, [-0x8000, 0x4000, 1, -3]), 2: lanes(16, [-0x8000, 0x4000, 0x4000, 0x4000]) });
    expect(r.v(0)).toBe(lanes(16, [0x7fff, 0x2000, 0, -2]));
    expect(r.v(3)).toBe(lanes(16, [0x7fff, 0x2000, 1, -1]));
    expect(FPSR(r.m) & QC).toBe(QC);
  });

  test('SQSHL by register saturates a left shift and shifts right by a negative count; UQRSHL rounds', () => {
    const r = run('sqshl v0.4s, v1.4s, v2.4s\nuqrshl d3, d4, d5', { 1: lanes(32, [0x40000000, -8, 5, 0x7fffffff]), 2: lanes(32, [1, -2, 0, -31]), 4: 0x17n, 5: 0xfcn });
    expect(r.v(0)).toBe(lanes(32, [0x7fffffff, -2, 5, 0]));
    expect(r.v(3)).toBe(1n);
    expect(FPSR(r.m) & QC).toBe(QC);
  });

  test('SQDMLAL saturates the doubled product, then the accumulation', () => {
    const min32 = 0x80000000n;
    expect(run('sqdmlal d0, s1, s2', { 0: 0n, 1: min32, 2: min32 }).v(0)).toBe(0x7fffffffffffffffn);
    const r = run('sqdmlal d0, s1, s2', { 0: 0x7ffffffffffffff0n, 1: 3n, 2: 5n });
    expect(r.v(0)).toBe(0x7fffffffffffffffn);
    expect(FPSR(r.m) & QC).toBe(QC);
    const fits = run('sqdmlsl v0.4s, v1.4h, v2.4h', { 0: lanes(32, [100, 0, 0, 0]), 1: lanes(16, [3, 0, 0, 0]), 2: lanes(16, [-7, 0, 0, 0]) });
    expect(fits.v(0)).toBe(lanes(32, [142, 0, 0, 0]));
    expect(FPSR(fits.m) & QC).toBe(0n);
  });

  test('SUQADD adds an unsigned operand to a signed accumulator; USQADD a signed operand to an unsigned one', () => {
    expect(run('suqadd b0, b1', { 0: 0x70n, 1: 0x20n }).v(0)).toBe(0x7fn);
    expect(run('suqadd b0, b1', { 0: 0x80n, 1: 0xffn }).v(0)).toBe(0x7fn);
    expect(run('usqadd b0, b1', { 0: 0x10n, 1: 0xf0n }).v(0)).toBe(0n);
    expect(run('usqadd d0, d1', { 0: 0xfffffffffffffff0n, 1: 0x20n }).v(0)).toBe(0xffffffffffffffffn);
    expect(run('usqadd d0, d1', { 0: 0xfffffffffffffff0n, 1: 0xfffffffffffffff8n }).v(0)).toBe(0xffffffffffffffe8n);
  });

  test('SQABS and SQNEG of the most negative value give the largest one and set QC', () => {
    const r = run('sqabs d0, d1\nsqneg v2.8h, v3.8h', { 1: 0x8000000000000000n, 3: lanes(16, [-0x8000, 5, 0x7fff, 0, 0, 0, 0, -1]) });
    expect(r.v(0)).toBe(0x7fffffffffffffffn);
    expect(r.v(2)).toBe(lanes(16, [0x7fff, -5, -0x7fff, 0, 0, 0, 0, 1]));
    expect(FPSR(r.m) & QC).toBe(QC);
  });

  test('SQRSHRUN rounds and narrows, saturating negative values to 0 and large ones to all ones', () => {
    const r = run('sqrshrun v0.4h, v1.4s, #4', { 1: lanes(32, [-1, 0x7fff7, 0x17, 0x1000000]) });
    expect(r.v(0)).toBe(lanes(16, [0, 0x7fff, 1, 0xffff]));
    expect(FPSR(r.m) & QC).toBe(QC);
  });

  test('SQSHLU saturates a negative source to 0; UQSHL (immediate) saturates to all ones', () => {
    const r = run('sqshlu v0.16b, v1.16b, #2\nuqshl s2, s3, #4', { 1: lanes(8, [-1, 0x1f, 0x20, 0x40]), 3: 0x10000000n });
    expect(r.v(0)).toBe(lanes(8, [0, 0x7c, 0x80, 0xff]));
    expect(r.v(2)).toBe(0xffffffffn);
  });

  test('SHSUB and UHSUB halve the exact difference; SABA accumulates the absolute difference', () => {
    const r = run('shsub v0.8b, v1.8b, v2.8b\nuhsub v3.8b, v1.8b, v2.8b\nsaba v4.4s, v5.4s, v6.4s', {
      1: lanes(8, [-128, 5]), 2: lanes(8, [127, 8]), 4: lanes(32, [10, 0xffffffff]), 5: lanes(32, [-5, 1]), 6: lanes(32, [7, 3]),
    });
    expect(r.v(0)).toBe(lanes(8, [-128, -2]));
    expect(r.v(3)).toBe(lanes(8, [0, 0xfe]));
    expect(r.v(4)).toBe(lanes(32, [22, 1]));
  });

  test('FCVTXN rounds to odd: an inexact result gets its lowest fraction bit set', () => {
    const r = run('fcvtxn s0, d1\nfcvtxn2 v2.4s, v3.2d', { 1: d64(1 + 2 ** -30), 2: 0xabcdn, 3: (d64(-1.5) << 64n) | d64(2 + 2 ** -40) });
    expect(r.v(0)).toBe(f32(1 + 2 ** -23));
    expect(r.v(2)).toBe((f32(-1.5) << 96n) | (f32(2 + 2 ** -22) << 64n) | 0xabcdn);
    expect(FPSR(r.m) & IXC).toBe(IXC);
  });

  test('FRECPX inverts the exponent and clears the fraction; zero gives the largest finite exponent', () => {
    const r = run('frecpx d0, d1\nfrecpx s2, s3', { 1: d64(-3), 3: f32(0) });
    expect(r.v(0)).toBe(d64(-1));
    expect(r.v(2)).toBe(f32(2 ** 127));
  });

  test('URECPE gives all ones below one half and a 9-bit estimate above; URSQRTE below one quarter', () => {
    const r = run('urecpe v0.2s, v1.2s\nursqrte v2.2s, v3.2s', { 1: lanes(32, [0x7fffffff, 0x80000000]), 3: lanes(32, [0x3fffffff, 0x40000000]) });
    expect(r.v(0)).toBe(lanes(32, [0xffffffff, 0xff800000]));
    expect(r.v(2)).toBe(lanes(32, [0xffffffff, 0xff800000]));
  });
});

describe('unallocated encodings', () => {
  test.each([
    ['ADD with the reserved 1D arrangement', 0x0ee18400],
    ['MUL of 64-bit elements', 0x4ee19c00],
    ['FMOV with ftype 10 outside the top-half form', 0x1ea70000],
    ['FCVT to its own precision', 0x1e62c000],
  ])('%s is an undefined instruction', (_name, word) => {
    const r = runSnippet(`.word ${word}`);
    expect(r.exception?.info.kind).toBe('undefined');
  });
});

// ---- differential test against qemu-aarch64 -------------------------------------------------------

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(here, 'fixtures', 'simd-programs');
const have = (cmd: string, arg: string) => spawnSync(cmd, [arg], { stdio: 'ignore' }).status === 0;
const toolsAvailable = have('aarch64-linux-gnu-gcc', '--version') && have('qemu-aarch64', '--version');

/** The program and qemu's output: built and run live when the tools exist, else the recorded copies. */
function programAndOracle(): { elf: Uint8Array; expected: Buffer } {
  const source = programSource();
  if (!toolsAvailable) {
    expect(readFileSync(join(FIXTURES, 'simdfp.S'), 'utf8'), 'the recorded program is stale: re-record with RECORD_FIXTURES=1').toBe(source);
    return { elf: readFileSync(join(FIXTURES, 'simdfp.elf')), expected: gunzipSync(readFileSync(join(FIXTURES, 'simdfp.qemu.bin.gz'))) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'tagscope-simd-'));
  writeFileSync(join(dir, 'simdfp.S'), source);
  execFileSync('aarch64-linux-gnu-gcc', ['-march=armv8.5-a+memtag', '-nostdlib', '-static', '-Wl,--build-id=none', '-o', join(dir, 'simdfp.elf'), join(dir, 'simdfp.S')]);
  const elf = readFileSync(join(dir, 'simdfp.elf'));
  const expected = execFileSync('qemu-aarch64', ['-cpu', 'max', join(dir, 'simdfp.elf')], { maxBuffer: 1 << 26 });
  if (process.env.RECORD_FIXTURES === '1' || !existsSync(join(FIXTURES, 'simdfp.elf'))) {
    writeFileSync(join(FIXTURES, 'simdfp.S'), source);
    writeFileSync(join(FIXTURES, 'simdfp.elf'), elf);
    writeFileSync(join(FIXTURES, 'simdfp.qemu.bin.gz'), gzipSync(expected, { level: 9 }));
  }
  return { elf, expected };
}

const word = (b: Buffer, from: number, to: number) => Buffer.from(b.subarray(from, to)).reverse().toString('hex');
const describeCase = (b: Buffer) => `v0=${word(b, 0, 16)} x0=${word(b, 16, 24)} fpsr|nzcv=${word(b, 24, 32)}`;

describe('differential test against qemu-aarch64', () => {
  const { elf, expected } = programAndOracle();
  const ours = Buffer.from(runProgram(elf).stdout);

  test('the program ran to completion under both', () => {
    expect(expected.length).toBe(BLOCKS.length * ENTRIES * CASE_BYTES);
    expect(ours.length).toBe(expected.length);
  });

  test('every saturating instruction reaches both outcomes under qemu: FPSR.QC set for some inputs and clear for others', () => {
    const QC_BYTE = 24 + 3, QC_BIT = 1 << 3; // FPSR bit 27, in the little-endian FPSR|NZCV word
    const outcomes = new Map<string, Set<boolean>>();
    BLOCKS.forEach((b, k) => {
      const mnemonic = b.insn.split(';').at(-1)!.trim().split(' ')[0].replace(/2$/, '');
      if (!/^(sq|uq|suqadd|usqadd)/.test(mnemonic)) return;
      const seen = outcomes.get(mnemonic) ?? new Set<boolean>();
      for (let i = 0; i < ENTRIES; i++) seen.add((expected[(k * ENTRIES + i) * CASE_BYTES + QC_BYTE] & QC_BIT) !== 0);
      outcomes.set(mnemonic, seen);
    });
    expect(outcomes.size).toBeGreaterThan(25);
    expect([...outcomes].filter(([, seen]) => seen.size < 2).map(([m]) => m)).toEqual([]);
  });

  test.each(BLOCKS.map((b, k) => [`${b.insn}${b.fpcr ? ` (FPCR ${b.fpcr.toString(16)})` : ''}`, k] as const))(
    '%s: V0, X0, FPSR and NZCV match for every input',
    (_name, k) => {
      const mismatches: string[] = [];
      for (let i = 0; i < ENTRIES; i++) {
        const at = (k * ENTRIES + i) * CASE_BYTES;
        const want = expected.subarray(at, at + CASE_BYTES), got = ours.subarray(at, at + CASE_BYTES);
        if (!want.equals(got)) mismatches.push(`input ${caseInputs(BLOCKS[k], i)}\n  qemu ${describeCase(want)}\n  ours ${describeCase(got)}`);
      }
      expect(mismatches).toEqual([]);
    },
  );
});
