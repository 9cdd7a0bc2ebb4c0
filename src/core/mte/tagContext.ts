/**
 * Register facts the tag instructions need on every execution, folded once per change of
 * `cpu.mteGeneration` or of the EL (the same trigger as the tag-check context of check.ts), so executors
 * read plain numbers instead of BigInt system registers.
 */
import type { CpuState } from '../cpu/state.ts';
import { bit, field, SCTLR } from '../cpu/sysregs.ts';
import { allocationTagAccessEnabled } from './check.ts';

export interface TagInsnContext {
  generation: number;
  el: number;
  /** ID_AA64PFR1_EL1.MTE: 0 none, 1 FEAT_MTE (EL0 instructions only), 2+ tag storage. */
  mteLevel: number;
  /** Allocation tag access is enabled at this EL (MTE.md §2.2); without it tags read 0 and writes drop. */
  ata: boolean;
  /** DC ZVA/GVA/GZVA may run: at EL0 only with SCTLR_EL1.DZE=1. */
  dcZeroAllowed: boolean;
  /** DC ZVA/GVA/GZVA and STZGM block: 4 << DCZID_EL0.BS bytes. */
  dczBlock: number;
  /** LDGM/STGM block: 4 << GMID_EL1.BS bytes. */
  gmBlock: number;
}

const contexts = new WeakMap<CpuState, TagInsnContext>();

export function tagInsnContext(s: CpuState): TagInsnContext {
  let c = contexts.get(s);
  if (c === undefined || c.generation !== s.mteGeneration || c.el !== s.el) {
    const sys = s.sys;
    c = {
      generation: s.mteGeneration,
      el: s.el,
      mteLevel: sys.mteLevel,
      ata: allocationTagAccessEnabled(s),
      dcZeroAllowed: s.el > 0 || bit(sys.SCTLR_EL1, SCTLR.DZE) === 1,
      dczBlock: 4 << field(sys.DCZID_EL0, 0, 4),
      gmBlock: 4 << field(sys.GMID_EL1, 0, 4),
    };
    contexts.set(s, c);
  }
  return c;
}
