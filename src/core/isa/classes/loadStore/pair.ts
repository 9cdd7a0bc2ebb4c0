/**
 * Load/store pair (Arm ARM C4.1.94): LDP/STP/LDPSW in offset, pre- and post-index forms and the
 * non-temporal LDNP/STNP, for W, X, S, D and Q registers: `opc 101 V idx L imm7 Rt2 Rn Rt`.
 * Tag checked when `wback || n != 31` (MTE.md §2.5). STGP (opc=01, V=0, L=0) belongs to the MTE class.
 */
import { signExtend } from '../../../bits/int64.ts';
import { rx, wx } from '../../../cpu/state.ts';
import type { InsnDef } from '../../types.ts';
import { gpr, immediateMode, type Transfer, type Writeback } from './access.ts';
import { fpLoadPair, fpStorePair } from './fp.ts';
import { bin } from './single.ts';

interface PairForm {
  opc: number;
  v: 0 | 1;
  reg: string;
  bytes: number;
  load: Transfer;
  /** null: the store slot of this opc is another instruction (STGP) or unallocated. */
  store: Transfer | null;
  /** Load mnemonic ('ldp' or 'ldpsw'). */
  loadName: string;
  /** Whether LDNP/STNP exist for this opc. */
  nonTemporal: boolean;
}

const FORMS: PairForm[] = [
  { opc: 0, v: 0, reg: 'W', bytes: 4, load: gpr.ldpw, store: gpr.stpw, loadName: 'ldp', nonTemporal: true },
  { opc: 1, v: 0, reg: 'X', bytes: 4, load: gpr.ldpsw, store: null, loadName: 'ldpsw', nonTemporal: false },
  { opc: 2, v: 0, reg: 'X', bytes: 8, load: gpr.ldpx, store: gpr.stpx, loadName: 'ldp', nonTemporal: true },
  ...[['Fs', 4], ['Fd', 8], ['Fq', 16]].map(([reg, bytes], opc): PairForm => ({
    opc, v: 1, reg: reg as string, bytes: bytes as number, load: fpLoadPair(bytes as number), store: fpStorePair(bytes as number),
    loadName: 'ldp', nonTemporal: true,
  })),
];

const INDEXING: { id: string; idx: string; wb: Writeback; address: (scale: number) => string }[] = [
  { id: 'post', idx: '001', wb: 'post', address: (k) => `[{XSP:n}], {S${k}:i}` },
  { id: 'offset', idx: '010', wb: 'none', address: (k) => `[{XSP:n}{MemOffS${k}:i}]` },
  { id: 'pre', idx: '011', wb: 'pre', address: (k) => `[{XSP:n}, {S${k}:i}]!` },
  { id: 'nontemporal', idx: '000', wb: 'none', address: (k) => `[{XSP:n}{MemOffS${k}:i}]` },
];

function pairRows(e: PairForm): InsnDef[] {
  const out: InsnDef[] = [];
  for (const x of INDEXING) {
    if (x.idx === '000' && !e.nonTemporal) continue;
    for (const load of [true, false]) {
      const xfer = load ? e.load : e.store;
      if (xfer === null) continue;
      const name = x.idx === '000' ? (load ? 'ldnp' : 'stnp') : load ? e.loadName : 'stp';
      const reg = e.v === 1 ? (r: number) => r : load ? wx : rx;
      out.push({
        id: `${name.toUpperCase()}_${x.id}_${e.reg}`,
        pattern: `${bin(e.opc, 2)}101${e.v}${x.idx}${load ? 1 : 0}iiiiiiiuuuuunnnnnttttt`,
        syntax: `${name} {${e.reg}:t}, {${e.reg}:u}, ${x.address(e.bytes)}`,
        exec: (f) => immediateMode(xfer, reg(f.t), reg(f.u), f.n, signExtend(f.i, 7) * e.bytes, x.wb),
      });
    }
  }
  return out;
}

export const rows: InsnDef[] = FORMS.flatMap(pairRows);
