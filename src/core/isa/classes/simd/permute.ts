/**
 * Advanced SIMD copy, permute, extract and table lookup (Arm ARM C4.1.6): DUP, INS, UMOV, SMOV (and their
 * MOV aliases), ZIP/UZP/TRN, EXT, TBL/TBX.
 */
import { rx, wx } from '../../../cpu/state.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { arrangementOk } from './integer.ts';
import { permute } from './elementwise.ts';
import { imm5Size } from './operands.ts';
import { laneHi, readLane, writeLane } from './lanes.ts';

const sizeOf = (f: Fields): number => imm5Size(f.i);
const indexOf = (f: Fields): number => f.i >> (sizeOf(f) + 1);
const range = (n: number, fn: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => fn(i));

// ---- executors -----------------------------------------------------------------------------------

/** DUP (element): every lane of Vd is lane `index` of Vn. */
function dupElement(f: Fields): Op {
  const esize = 8 << sizeOf(f);
  return permute(f.d, f.n, f.n, esize, range((f.q ? 128 : 64) / esize, () => indexOf(f)), f.q === 1);
}

/** DUP (general): every lane is the low `esize` bits of a general register. */
function dupGeneral(f: Fields): Op {
  const esize = 8 << sizeOf(f), n = rx(f.n), d = f.d << 2, full = f.q === 1;
  return (s) => {
    const v = s.vreg, lo = s.lo[n];
    const word = esize === 8 ? (lo & 0xff) * 0x01010101 : esize === 16 ? (lo & 0xffff) * 0x10001 : lo;
    const hi = esize === 64 ? s.hi[n] : word;
    v[d] = word | 0;
    v[d + 1] = hi | 0;
    v[d + 2] = full ? word | 0 : 0;
    v[d + 3] = full ? hi | 0 : 0;
    s.pc += 4;
  };
}

/** UMOV/SMOV: one lane to a general register, zero- or sign-extended to 32 or 64 bits. */
function moveToGeneral(f: Fields, signed: boolean, to64: boolean): Op {
  const esize = 8 << sizeOf(f), e = indexOf(f), n = f.n, d = wx(f.d), shift = 32 - esize;
  return (s) => {
    let lo = readLane(s, n, e, esize);
    let hi = esize === 64 ? laneHi : 0;
    if (signed && esize < 32) lo = (lo << shift) >> shift;
    if (signed && esize <= 32) hi = to64 ? lo >> 31 : 0;
    s.lo[d] = lo;
    s.hi[d] = hi;
    s.pc += 4;
  };
}

/** INS (general): one lane of Vd from a general register; the other lanes keep their values. */
function insertGeneral(f: Fields): Op {
  const esize = 8 << sizeOf(f), e = indexOf(f), n = rx(f.n), d = f.d;
  return (s) => {
    writeLane(s, d, e, esize, s.lo[n], s.hi[n]);
    s.pc += 4;
  };
}

/** INS (element): lane `index1` of Vd := lane `index2` (imm4 >> size) of Vn. */
function insertElement(f: Fields): Op {
  const size = sizeOf(f), esize = 8 << size, dst = indexOf(f), src = f.j >> size, lanes = 128 / esize;
  return permute(f.d, f.d, f.n, esize, range(lanes, (i) => (i === dst ? lanes + src : i)), true);
}

/** ZIP/UZP/TRN: each result lane comes from a fixed lane of Vn (index < E) or Vm (E + index). */
function permuteOp(f: Fields, select: (i: number, count: number) => number): Op {
  const esize = 8 << f.z, count = (f.q ? 128 : 64) / esize, perReg = 128 / esize;
  // select() indexes the concatenation of the low `count` lanes of Vn and Vm.
  const table = range(count, (i) => {
    const x = select(i, count);
    return x < count ? x : perReg + x - count;
  });
  return permute(f.d, f.n, f.m, esize, table, f.q === 1);
}

const PERMUTES: { name: string; opc: number; select: (i: number, count: number) => number }[] = [
  { name: 'uzp1', opc: 0b001, select: (i) => 2 * i },
  { name: 'uzp2', opc: 0b101, select: (i) => 2 * i + 1 },
  { name: 'trn1', opc: 0b010, select: (i, c) => (i & 1 ? c + i - 1 : i) },
  { name: 'trn2', opc: 0b110, select: (i, c) => (i & 1 ? c + i : i + 1) },
  { name: 'zip1', opc: 0b011, select: (i, c) => (i & 1 ? c + (i >> 1) : i >> 1) },
  { name: 'zip2', opc: 0b111, select: (i, c) => (i & 1 ? c + c / 2 + (i >> 1) : c / 2 + (i >> 1)) },
];

/** EXT: bytes imm.. of the concatenation Vm:Vn (Vn lowest). */
function extract(f: Fields): Op {
  const bytes = f.q ? 16 : 8;
  return permute(f.d, f.n, f.m, 8, range(bytes, (k) => (k + f.i < bytes ? k + f.i : 16 + k + f.i - bytes)), f.q === 1);
}

/** TBL/TBX: bytes of a table of len+1 consecutive registers, indexed by the bytes of Vm; out of range gives 0 (TBL) or keeps Vd (TBX). */
const tableResult = new Int32Array(4);
function tableLookup(f: Fields, extension: boolean): Op {
  const regs = f.l + 1, bytes = f.q ? 16 : 8, n = f.n, m = f.m, d = f.d;
  return (s) => {
    const v = s.vreg;
    for (let w = 0; w < 4; w++) tableResult[w] = extension && w < bytes / 4 ? v[(d << 2) + w] : 0;
    for (let i = 0; i < bytes; i++) {
      const index = (v[(m << 2) + (i >> 2)] >>> ((i & 3) << 3)) & 0xff;
      if (index >= 16 * regs) continue;
      const t = (((n + (index >> 4)) & 31) << 2) + ((index & 15) >> 2);
      const byte = (v[t] >>> ((index & 3) << 3)) & 0xff;
      const sh = (i & 3) << 3;
      tableResult[i >> 2] = (tableResult[i >> 2] & ~(0xff << sh)) | (byte << sh);
    }
    for (let w = 0; w < 4; w++) v[(d << 2) + w] = tableResult[w];
    s.pc += 4;
  };
}

// ---- rows ----------------------------------------------------------------------------------------

const copy = (q: string, op: number, imm4: string) => `0${q}${op}01110000iiiii0${imm4}1nnnnnddddd`;
const sizeIs = (...sizes: number[]) => (f: Fields): boolean => sizes.includes(sizeOf(f));

export const rows: InsnDef[] = [
  { id: 'DUP_elem', pattern: copy('q', 0, '0000'), syntax: 'dup {Vimm5:dqi}, {Elem5:ni}',
    when: (f) => sizeOf(f) >= 0 && !(sizeOf(f) === 3 && f.q === 0), exec: dupElement },
  { id: 'MOV_dup_scalar', pattern: '01011110000iiiii000001nnnnnddddd', syntax: 'mov {Fimm5:di}, {Elem5:ni}', when: sizeIs(0, 1, 2, 3),
    exec: (f) => permute(f.d, f.n, f.n, 8 << sizeOf(f), [indexOf(f)], false) },
  { id: 'DUP_elem_scalar', pattern: '01011110000iiiii000001nnnnnddddd', syntax: 'dup {Fimm5:di}, {Elem5:ni}', when: sizeIs(0, 1, 2, 3), noPrint: true,
    exec: (f) => permute(f.d, f.n, f.n, 8 << sizeOf(f), [indexOf(f)], false) },
  { id: 'DUP_gen_w', pattern: copy('q', 0, '0001'), syntax: 'dup {Vimm5:dqi}, {W:n}', when: sizeIs(0, 1, 2), exec: dupGeneral },
  { id: 'DUP_gen_x', pattern: copy('q', 0, '0001'), syntax: 'dup {Vimm5:dqi}, {X:n}', when: (f) => f.q === 1 && sizeOf(f) === 3, exec: dupGeneral },
  { id: 'SMOV_w', pattern: copy('0', 0, '0101'), syntax: 'smov {W:d}, {Elem5:ni}', when: sizeIs(0, 1), exec: (f) => moveToGeneral(f, true, false) },
  { id: 'SMOV_x', pattern: copy('1', 0, '0101'), syntax: 'smov {X:d}, {Elem5:ni}', when: sizeIs(0, 1, 2), exec: (f) => moveToGeneral(f, true, true) },
  { id: 'MOV_umov_w', pattern: copy('0', 0, '0111'), syntax: 'mov {W:d}, {Elem5:ni}', when: sizeIs(2), exec: (f) => moveToGeneral(f, false, false) },
  { id: 'UMOV_w', pattern: copy('0', 0, '0111'), syntax: 'umov {W:d}, {Elem5:ni}', when: sizeIs(0, 1, 2), exec: (f) => moveToGeneral(f, false, false) },
  { id: 'MOV_umov_x', pattern: copy('1', 0, '0111'), syntax: 'mov {X:d}, {Elem5:ni}', when: sizeIs(3), exec: (f) => moveToGeneral(f, false, true) },
  { id: 'UMOV_x', pattern: copy('1', 0, '0111'), syntax: 'umov {X:d}, {Elem5:ni}', when: sizeIs(3), exec: (f) => moveToGeneral(f, false, true) },
  { id: 'MOV_ins_w', pattern: copy('1', 0, '0011'), syntax: 'mov {Elem5:di}, {W:n}', when: sizeIs(0, 1, 2), exec: insertGeneral },
  { id: 'MOV_ins_x', pattern: copy('1', 0, '0011'), syntax: 'mov {Elem5:di}, {X:n}', when: sizeIs(3), exec: insertGeneral },
  { id: 'INS_w', pattern: copy('1', 0, '0011'), syntax: 'ins {Elem5:di}, {W:n}', when: sizeIs(0, 1, 2), noPrint: true, exec: insertGeneral },
  { id: 'INS_x', pattern: copy('1', 0, '0011'), syntax: 'ins {Elem5:di}, {X:n}', when: sizeIs(3), noPrint: true, exec: insertGeneral },
  { id: 'MOV_ins_elem', pattern: '01101110000iiiii0jjjj1nnnnnddddd', syntax: 'mov {Elem5:di}, {Elem4:nji}', when: (f) => sizeOf(f) >= 0, exec: insertElement },
  { id: 'INS_elem', pattern: '01101110000iiiii0jjjj1nnnnnddddd', syntax: 'ins {Elem5:di}, {Elem4:nji}', when: (f) => sizeOf(f) >= 0, noPrint: true, exec: insertElement },
  ...PERMUTES.map((p): InsnDef => ({
    id: `${p.name.toUpperCase()}_v`, pattern: `0q001110zz0mmmmm0${p.opc.toString(2).padStart(3, '0')}10nnnnnddddd`,
    syntax: `${p.name} {Vsz:dqz}, {Vsz:nqz}, {Vsz:mqz}`, when: arrangementOk(0b1111), exec: (f) => permuteOp(f, p.select),
  })),
  { id: 'EXT_v', pattern: '0q101110000mmmmm0iiii0nnnnnddddd', syntax: 'ext {Vq8:dq}, {Vq8:nq}, {Vq8:mq}, {U:i}',
    when: (f) => f.q === 1 || f.i < 8, exec: extract },
  { id: 'TBL_v', pattern: '0q001110000mmmmm0ll000nnnnnddddd', syntax: 'tbl {Vq8:dq}, {Table:nl}, {Vq8:mq}', exec: (f) => tableLookup(f, false) },
  { id: 'TBX_v', pattern: '0q001110000mmmmm0ll100nnnnnddddd', syntax: 'tbx {Vq8:dq}, {Table:nl}, {Vq8:mq}', exec: (f) => tableLookup(f, true) },
];
