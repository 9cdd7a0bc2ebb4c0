/**
 * Load/store exclusive and ordered (Arm ARM C4.1.94): LDXR/STXR/LDAXR/STLXR and their pairs, LDAR/STLR,
 * LDLAR/STLLR (FEAT_LOR) and LDAPR (FEAT_LRCPC). All are naturally aligned (Alignment fault otherwise) and
 * tag checked when `n != 31` (MTE.md §2.5).
 *
 * The exclusive monitor holds the physical address and size of the last load-exclusive; a
 * store-exclusive succeeds only on that exact reservation, and clears it either way. The fields that the
 * architecture says "should be one" (Rs of loads, Rt2 of single-register forms) are ignored when decoding,
 * as llvm-mc does, and assembled as ones.
 */
import { rx, wx, type CpuState } from '../../../cpu/state.ts';
import { AccessKind } from '../../../mte/check.ts';
import type { InsnDef, Op } from '../../types.ts';
import { gpr, orderedMode, requireAligned, type Transfer } from './access.ts';
import { bin } from './single.ts';

const SIZES = [
  { suffix: 'b', reg: 'W', load: gpr.ldrb, store: gpr.strb },
  { suffix: 'h', reg: 'W', load: gpr.ldrh, store: gpr.strh },
  { suffix: '', reg: 'W', load: gpr.ldrw, store: gpr.strw },
  { suffix: '', reg: 'X', load: gpr.ldrx, store: gpr.strx },
];

/** A load-exclusive: the load, then the reservation of its physical address. */
function loadExclusive(xfer: Transfer, bytes: number): Transfer {
  return (s, t, t2, hi, lo, c) => {
    xfer(s, t, t2, hi, lo, c);
    s.exclusiveAddr = s.bus.physicalAddress(hi, lo, AccessKind.Read);
    s.exclusiveSize = bytes;
  };
}

/**
 * A store-exclusive: status 0 and the store when the monitor holds this physical address and size,
 * else status 1 and no store. Translation faults come first; the tag check belongs to the store itself,
 * so a failing store-exclusive is not checked (pseudocode: Mem[] runs only when the monitors pass).
 */
function storeExclusive(xfer: Transfer, bytes: number, status: number, t: number, t2: number, n: number): Op {
  const checked = n !== 31;
  return (s: CpuState) => {
    const hi = s.hi[n];
    const lo = s.lo[n];
    requireAligned(hi, lo, bytes, true);
    const pass = s.exclusiveAddr === s.bus.physicalAddress(hi, lo, AccessKind.Write) && s.exclusiveSize === bytes;
    if (pass) {
      s.bus.probe(hi, lo, bytes, AccessKind.Write, checked);
      xfer(s, t, t2, hi, lo, false);
    }
    s.exclusiveAddr = -1;
    s.lo[status] = pass ? 0 : 1;
    s.hi[status] = 0;
    s.pc += 4;
  };
}

const IGNORED = { x: 31, y: 31 };

function sizeRows(z: number): InsnDef[] {
  const { suffix, reg, load, store } = SIZES[z];
  const bytes = 1 << z;
  const zz = bin(z, 2);
  const rt = `{${reg}:t}`;
  const ordered = (name: string, pattern: string, isLoad: boolean): InsnDef => ({
    id: `${name.toUpperCase()}${suffix.toUpperCase()}_${reg}`, pattern, syntax: `${name}${suffix} ${rt}, [{XSP:n}]`, fixed: IGNORED,
    exec: (f) => orderedMode(isLoad ? load : store, isLoad ? wx(f.t) : rx(f.t), 0, f.n, 0, bytes, !isLoad),
  });
  const rows: InsnDef[] = [];
  for (const o0 of [0, 1]) {
    const acq = o0 ? 'a' : '';
    const rel = o0 ? 'l' : '';
    rows.push(
      { id: `ST${rel.toUpperCase()}XR${suffix.toUpperCase()}_${reg}`, pattern: `${zz}001000000sssss${o0}yyyyynnnnnttttt`,
        syntax: `st${rel}xr${suffix} {W:s}, ${rt}, [{XSP:n}]`, fixed: IGNORED,
        exec: (f) => storeExclusive(store, bytes, wx(f.s), rx(f.t), 0, f.n) },
      { id: `LD${acq.toUpperCase()}XR${suffix.toUpperCase()}_${reg}`, pattern: `${zz}001000010xxxxx${o0}yyyyynnnnnttttt`,
        syntax: `ld${acq}xr${suffix} ${rt}, [{XSP:n}]`, fixed: IGNORED,
        exec: (f) => orderedMode(loadExclusive(load, bytes), wx(f.t), 0, f.n, 0, bytes, false) },
      ordered(o0 ? 'stlr' : 'stllr', `${zz}001000100xxxxx${o0}yyyyynnnnnttttt`, false),
      ordered(o0 ? 'ldar' : 'ldlar', `${zz}001000110xxxxx${o0}yyyyynnnnnttttt`, true),
    );
  }
  rows.push(ordered('ldapr', `${zz}11100010111111110000nnnnnttttt`, true));
  return rows;
}

/** LDXP/STXP and the acquire/release pairs, 32- and 64-bit: the pair is one access of twice the size. */
function pairRows(sz: number): InsnDef[] {
  const reg = sz ? 'X' : 'W';
  const bytes = 8 << sz;
  const [load, store] = sz ? [gpr.ldpx, gpr.stpx] : [gpr.ldpw, gpr.stpw];
  return [0, 1].flatMap((o0): InsnDef[] => {
    const acq = o0 ? 'a' : '';
    const rel = o0 ? 'l' : '';
    return [
      { id: `ST${rel.toUpperCase()}XP_${reg}`, pattern: `1${sz}001000001sssss${o0}uuuuunnnnnttttt`,
        syntax: `st${rel}xp {W:s}, {${reg}:t}, {${reg}:u}, [{XSP:n}]`,
        exec: (f) => storeExclusive(store, bytes, wx(f.s), rx(f.t), rx(f.u), f.n) },
      { id: `LD${acq.toUpperCase()}XP_${reg}`, pattern: `1${sz}001000011xxxxx${o0}uuuuunnnnnttttt`,
        syntax: `ld${acq}xp {${reg}:t}, {${reg}:u}, [{XSP:n}]`, fixed: { x: 31 },
        exec: (f) => orderedMode(loadExclusive(load, bytes), wx(f.t), wx(f.u), f.n, 0, bytes, false) },
    ];
  });
}

export const rows: InsnDef[] = [...[0, 1, 2, 3].flatMap(sizeRows), ...[0, 1].flatMap(pairRows)];
