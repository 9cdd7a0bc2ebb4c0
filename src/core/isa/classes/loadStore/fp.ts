/**
 * SIMD&FP register transfers (LDR/STR/LDP/STP of B, H, S, D, Q). V registers live in `s.vreg` as four
 * little-endian int32 words per register; a load into B/H/S/D zeroes the rest of the 128-bit register.
 */
import type { CpuState } from '../../../cpu/state.ts';
import { AccessKind } from '../../../mte/check.ts';
import { carryHi, probeLoad, type Transfer } from './access.ts';

/** Words read by a transfer, held until every access has succeeded (no allocation per access). */
const staged = new Int32Array(8);

/** Reads `bytes` (1, 2, 4, 8 or 16) at (hi, lo) into staged[at..at+3], zero-filled. */
function stage(s: CpuState, hi: number, lo: number, bytes: number, c: boolean, at: number): void {
  staged[at + 1] = staged[at + 2] = staged[at + 3] = 0;
  switch (bytes) {
    case 1: staged[at] = s.bus.read8(hi, lo, c); return;
    case 2: staged[at] = s.bus.read16(hi, lo, c); return;
    case 4: staged[at] = s.bus.read32(hi, lo, c); return;
    default: {
      staged[at] = s.bus.read64(hi, lo, c);
      staged[at + 1] = s.bus.rhi;
      if (bytes === 16) {
        const sum = (lo >>> 0) + 8;
        staged[at + 2] = s.bus.read64(carryHi(hi, sum), sum | 0, c);
        staged[at + 3] = s.bus.rhi;
      }
    }
  }
}

function commit(s: CpuState, t: number, at: number): void {
  const q = t << 2;
  s.vreg[q] = staged[at];
  s.vreg[q + 1] = staged[at + 1];
  s.vreg[q + 2] = staged[at + 2];
  s.vreg[q + 3] = staged[at + 3];
}

/** Writes the low `bytes` of V[t] to (hi, lo). Stores of 16 bytes must have been probed (they are two accesses). */
function store(s: CpuState, t: number, hi: number, lo: number, bytes: number, c: boolean): void {
  const v = s.vreg;
  const q = t << 2;
  switch (bytes) {
    case 1: s.bus.write8(hi, lo, v[q], c); return;
    case 2: s.bus.write16(hi, lo, v[q], c); return;
    case 4: s.bus.write32(hi, lo, v[q], c); return;
    default: {
      s.bus.write64(hi, lo, v[q], v[q + 1], c);
      if (bytes === 16) {
        const sum = (lo >>> 0) + 8;
        s.bus.write64(carryHi(hi, sum), sum | 0, v[q + 2], v[q + 3], c);
      }
    }
  }
}

export function fpLoad(bytes: number): Transfer {
  return (s, t, _t2, hi, lo, c) => {
    stage(s, hi, lo, bytes, bytes === 16 ? probeLoad(s, hi, lo, 16, c) : c, 0);
    commit(s, t, 0);
  };
}

export function fpStore(bytes: number): Transfer {
  if (bytes < 16) return (s, t, _t2, hi, lo, c) => store(s, t, hi, lo, bytes, c);
  return (s, t, _t2, hi, lo, c) => {
    s.bus.probe(hi, lo, 16, AccessKind.Write, c);
    store(s, t, hi, lo, 16, false);
  };
}

export function fpLoadPair(bytes: number): Transfer {
  return (s, t, t2, hi, lo, checked) => {
    const c = probeLoad(s, hi, lo, 2 * bytes, checked);
    stage(s, hi, lo, bytes, c, 0);
    const sum = (lo >>> 0) + bytes;
    stage(s, carryHi(hi, sum), sum | 0, bytes, c, 4);
    commit(s, t2, 4);
    commit(s, t, 0);
  };
}

export function fpStorePair(bytes: number): Transfer {
  return (s, t, t2, hi, lo, c) => {
    s.bus.probe(hi, lo, 2 * bytes, AccessKind.Write, c);
    store(s, t, hi, lo, bytes, false);
    const sum = (lo >>> 0) + bytes;
    store(s, t2, carryHi(hi, sum), sum | 0, bytes, false);
  };
}
