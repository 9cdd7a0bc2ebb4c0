/**
 * FEAT_LSE atomics (Arm ARM C4.1.94): LD<op> (ADD, CLR, EOR, SET, SMAX, SMIN, UMAX, UMIN) with their
 * ST<op> aliases, SWP, CAS and CASP, in byte, halfword, word and doubleword sizes with acquire (A) and
 * release (L) orderings. Each is one read-modify-write: naturally aligned, tag checked when `n != 31` as
 * AccessKind.ReadModifyWrite (synchronous even in asymmetric mode, MTE.md §3), and the whole footprint is
 * translated and checked before memory or any register changes.
 */
import { rx, wx, type CpuState } from '../../../cpu/state.ts';
import { AccessKind } from '../../../mte/check.ts';
import type { InsnDef, Op } from '../../types.ts';
import { carryHi, readSized, requireAligned, writeSized } from './access.ts';
import { bin } from './single.ts';

/** Result of an AtomicOp, as halves (module scratch: no allocation per access). */
let resultHi = 0;
let resultLo = 0;

/** new = op(old, operand) on `bytes`-wide values given as halves (zero-extended). */
type AtomicOp = (oldHi: number, oldLo: number, opHi: number, opLo: number, bytes: number) => void;

/** Compares two `bytes`-wide values: negative, zero or positive, signed or unsigned. */
function compare(aHi: number, aLo: number, bHi: number, bLo: number, bytes: number, signed: boolean): number {
  if (bytes === 8) {
    if (aHi !== bHi) return signed ? (aHi | 0) - (bHi | 0) : (aHi >>> 0) - (bHi >>> 0);
    return (aLo >>> 0) - (bLo >>> 0);
  }
  const sh = 32 - 8 * bytes;
  return signed ? ((aLo << sh) >> sh) - ((bLo << sh) >> sh) : ((aLo << sh) >>> sh) - ((bLo << sh) >>> sh);
}

const set = (hi: number, lo: number): void => {
  resultHi = hi;
  resultLo = lo;
};
const pick = (max: boolean, signed: boolean): AtomicOp => (aHi, aLo, bHi, bLo, bytes) => {
  const c = compare(aHi, aLo, bHi, bLo, bytes, signed);
  if ((c >= 0) === max) set(aHi, aLo);
  else set(bHi, bLo);
};

/** The LD<op> operations by their opc field, then SWP. */
const OPS: { name: string; op: AtomicOp }[] = [
  { name: 'add', op: (aHi, aLo, bHi, bLo) => { const sum = (aLo >>> 0) + (bLo >>> 0); set(carryHi(aHi + bHi, sum), sum | 0); } },
  { name: 'clr', op: (aHi, aLo, bHi, bLo) => set(aHi & ~bHi, aLo & ~bLo) },
  { name: 'eor', op: (aHi, aLo, bHi, bLo) => set(aHi ^ bHi, aLo ^ bLo) },
  { name: 'set', op: (aHi, aLo, bHi, bLo) => set(aHi | bHi, aLo | bLo) },
  { name: 'smax', op: pick(true, true) },
  { name: 'smin', op: pick(false, true) },
  { name: 'umax', op: pick(true, false) },
  { name: 'umin', op: pick(false, false) },
];
const SWAP: AtomicOp = (_aHi, _aLo, bHi, bLo) => set(bHi, bLo);

/** Base address of an RMW: aligned to `align`, translated for read and write, tag checked, all before any change. */
function rmwAddress(s: CpuState, n: number, bytes: number, align: number, checked: boolean): void {
  requireAligned(s.hi[n], s.lo[n], align, true);
  s.bus.probe(s.hi[n], s.lo[n], bytes, AccessKind.ReadModifyWrite, checked);
}

/** LD<op>/SWP: Rt ← old (zero-extended), memory ← op(old, Rs). */
function atomicOp(op: AtomicOp, bytes: number, rs: number, t: number, n: number): Op {
  const checked = n !== 31;
  return (s) => {
    rmwAddress(s, n, bytes, bytes, checked);
    const hi = s.hi[n];
    const lo = s.lo[n];
    const oldLo = readSized(s, hi, lo, bytes, false);
    const oldHi = s.bus.rhi;
    op(oldHi, oldLo, s.hi[rs], s.lo[rs], bytes);
    writeSized(s, hi, lo, bytes, resultLo, resultHi, false);
    s.lo[t] = oldLo;
    s.hi[t] = oldHi;
    s.pc += 4;
  };
}

/** Truncates a register half pair to `bytes` for comparison with memory. */
const low = (v: number, bytes: number): number => (bytes >= 4 ? v : v & ((1 << (8 * bytes)) - 1));

/** CAS: if memory equals Rs, memory ← Rt; Rs ← old either way. Written or not, it needs write permission. */
function compareAndSwap(bytes: number, rs: number, rsDest: number, t: number, n: number): Op {
  const checked = n !== 31;
  return (s) => {
    rmwAddress(s, n, bytes, bytes, checked);
    const hi = s.hi[n];
    const lo = s.lo[n];
    const oldLo = readSized(s, hi, lo, bytes, false);
    const oldHi = s.bus.rhi;
    if (oldLo === low(s.lo[rs], bytes) && (bytes < 8 || oldHi === s.hi[rs])) writeSized(s, hi, lo, bytes, s.lo[t], s.hi[t], false);
    s.lo[rsDest] = oldLo;
    s.hi[rsDest] = oldHi;
    s.pc += 4;
  };
}

/** CASP: the pair <Rs, Rs+1> compared with two elements at [Xn]; <Rt, Rt+1> stored when both match. */
function compareAndSwapPair(bytes: number, rs: number, t: number, n: number): Op {
  const checked = n !== 31;
  const [rs0, rs1, t0, t1] = [rx(rs), rx(rs + 1), rx(t), rx(t + 1)];
  const [d0, d1] = [wx(rs), wx(rs + 1)];
  return (s) => {
    rmwAddress(s, n, 2 * bytes, 2 * bytes, checked);
    const hi = s.hi[n];
    const lo = s.lo[n];
    const sum = (lo >>> 0) + bytes;
    const hi1 = carryHi(hi, sum);
    const lo1 = sum | 0;
    const aLo = readSized(s, hi, lo, bytes, false);
    const aHi = s.bus.rhi;
    const bLo = readSized(s, hi1, lo1, bytes, false);
    const bHi = s.bus.rhi;
    const wide = bytes === 8;
    if (aLo === s.lo[rs0] && bLo === s.lo[rs1] && (!wide || (aHi === s.hi[rs0] && bHi === s.hi[rs1]))) {
      writeSized(s, hi, lo, bytes, s.lo[t0], s.hi[t0], false);
      writeSized(s, hi1, lo1, bytes, s.lo[t1], s.hi[t1], false);
    }
    s.lo[d0] = aLo;
    s.hi[d0] = aHi;
    s.lo[d1] = bLo;
    s.hi[d1] = bHi;
    s.pc += 4;
  };
}

const SIZE_SUFFIX = ['b', 'h', '', ''];
const orderings = [0, 1].flatMap((a) => [0, 1].map((r) => ({ a, r, name: `${a ? 'a' : ''}${r ? 'l' : ''}` })));

function sizeRows(z: number): InsnDef[] {
  const bytes = 1 << z;
  const reg = z === 3 ? 'X' : 'W';
  const sfx = SIZE_SUFFIX[z];
  const zz = bin(z, 2);
  const id = (name: string) => `${name.toUpperCase()}_${reg}`;
  const rows: InsnDef[] = [];
  for (const { a, r, name: ord } of orderings) {
    OPS.forEach(({ name, op }, opc) => {
      const pattern = (rt: string) => `${zz}111000${a}${r}1sssss0${bin(opc, 3)}00nnnnn${rt}`;
      rows.push({ id: id(`ld${name}${ord}${sfx}`), pattern: pattern('ttttt'), syntax: `ld${name}${ord}${sfx} {${reg}:s}, {${reg}:t}, [{XSP:n}]`,
        exec: (f) => atomicOp(op, bytes, rx(f.s), wx(f.t), f.n) });
      // ST<op>: LD<op> without acquire and with Rt = XZR, the result discarded.
      if (a === 0) {
        rows.push({ id: id(`st${name}${ord}${sfx}`), pattern: pattern('11111'), syntax: `st${name}${ord}${sfx} {${reg}:s}, [{XSP:n}]`,
          exec: (f) => atomicOp(op, bytes, rx(f.s), wx(31), f.n) });
      }
    });
    rows.push(
      { id: id(`swp${ord}${sfx}`), pattern: `${zz}111000${a}${r}1sssss100000nnnnnttttt`, syntax: `swp${ord}${sfx} {${reg}:s}, {${reg}:t}, [{XSP:n}]`,
        exec: (f) => atomicOp(SWAP, bytes, rx(f.s), wx(f.t), f.n) },
      { id: id(`cas${ord}${sfx}`), pattern: `${zz}0010001${a}1sssss${r}11111nnnnnttttt`, syntax: `cas${ord}${sfx} {${reg}:s}, {${reg}:t}, [{XSP:n}]`,
        exec: (f) => compareAndSwap(bytes, rx(f.s), wx(f.s), rx(f.t), f.n) },
    );
    if (z >= 2) {
      const sz = z - 2;
      rows.push({ id: id(`casp${ord}`), pattern: `0${sz}0010000${a}1sssss${r}11111nnnnnttttt`,
        syntax: `casp${ord} {Casp${reg}:s}, {Casp${reg}:t}, [{XSP:n}]`,
        when: (f) => f.s % 2 === 0 && f.t % 2 === 0,
        exec: (f) => compareAndSwapPair(bytes, f.s, f.t, f.n) });
    }
  }
  return rows;
}

export const rows: InsnDef[] = [0, 1, 2, 3].flatMap(sizeRows);
