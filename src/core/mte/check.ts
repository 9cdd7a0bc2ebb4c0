/**
 * The tag-check decision (MTE.md §2.1). Every access path — guest loads and stores of every form, DC ZVA,
 * syscalls touching user memory, the VMM's own accesses — asks these functions, so the "why" shown to the
 * user is always the reason the emulator acted on.
 *
 * The decision is split so the hot path stays cheap: `mteContext` folds the register state into a few
 * numbers whenever it changes (steps 2, 3, 5, 6, 7 and 9 depend only on registers), `preCheck` applies the
 * per-access steps 1, 3, 4 and 7, the bus compares granule tags (step 8), and `onMismatch` applies TCF (step 9).
 */
import type { CpuState } from '../cpu/state.ts';
import { bit, field, HCR, SCR, SCTLR, TCR } from '../cpu/sysregs.ts';

/** How an access uses memory. A read-modify-write is an atomic or swap. */
export const AccessKind = { Read: 0, Write: 1, ReadModifyWrite: 2 } as const;
export type AccessKind = (typeof AccessKind)[keyof typeof AccessKind];

/** Results of the decision, as small integers for the hot path. */
export const Check = {
  /** All of steps 1–7 hold: compare the pointer tag with every granule's allocation tag. */
  Compare: 0,
  UncheckedForm: 1,
  NoTbi: 2,
  MatchAll: 3,
  TagAccessDisabled: 4,
  Tco: 5,
  StoreOnly: 6,
  UntaggedMemory: 7,
  Pass: 8,
  /** Mismatch with TCF=00: the check is invisible. */
  MismatchIgnored: 9,
  FaultSync: 10,
  FaultAsync: 11,
} as const;
export type CheckResult = (typeof Check)[keyof typeof Check];

/** Register state folded for one exception level. Recomputed when `cpu.mteGeneration` changes. */
export interface MteContext {
  generation: number;
  el: number;
  /** Bit h set: TBI (or MTX) is on for half h (VA<55> = h). */
  tbi: number;
  /** Bit h set: TCMA is on for half h. */
  tcma: number;
  /** Allocation-tag access enabled at this EL (the ATA chain, §2.2). */
  ata: boolean;
  tco: boolean;
  /** Effective TCF for this EL: 0 none, 1 sync, 2 async, 3 asymmetric. */
  tcf: number;
  /** STORE_ONLY: pure reads are not checked. */
  storeOnly: boolean;
}

/** MTE.md §2.2: is allocation-tag access enabled for an access at `el`? */
export function allocationTagAccessEnabled(cpu: CpuState, el: number = cpu.el): boolean {
  const s = cpu.sys;
  if (s.mteLevel < 2) return false;
  if (el < 3 && s.el3Present && bit(s.SCR_EL3, SCR.ATA) === 0) return false;
  if (el < 2 && s.el2Enabled && bit(s.HCR_EL2, HCR.ATA) === 0 &&
      !(bit(s.HCR_EL2, HCR.E2H) === 1 && bit(s.HCR_EL2, HCR.TGE) === 1)) return false;
  return bit(s.SCTLR_EL1, el === 0 ? SCTLR.ATA0 : SCTLR.ATA) === 1;
}

export function mteContext(cpu: CpuState, el: number = cpu.el): MteContext {
  const s = cpu.sys;
  const tcr = s.TCR_EL1;
  const tbi = (bit(tcr, TCR.TBI0) | bit(tcr, TCR.MTX0)) | ((bit(tcr, TCR.TBI1) | bit(tcr, TCR.MTX1)) << 1);
  const tcma = bit(tcr, TCR.TCMA0) | (bit(tcr, TCR.TCMA1) << 1);
  const tcf = s.mteLevel < 2 ? 0 : field(s.SCTLR_EL1, el === 0 ? SCTLR.TCF0 : SCTLR.TCF, 2);
  const effectiveTcf = tcf === 3 && s.mteLevel < 3 ? 0 : tcf; // asymmetric is reserved before MTE3
  return {
    generation: cpu.mteGeneration,
    el,
    tbi,
    tcma,
    ata: allocationTagAccessEnabled(cpu, el),
    tco: s.mteLevel >= 2 && cpu.tco === 1,
    tcf: effectiveTcf,
    storeOnly: bit(s.SCTLR_EL1, el === 0 ? SCTLR.TCSO0 : SCTLR.TCSO) === 1,
  };
}

/**
 * Steps 1–7 for one access. `vaHi` is bits 63:32 of the virtual address (it holds the logical tag in
 * bits 27:24 and VA<55> in bit 23). Returns `Check.Compare` when the granules must be compared.
 */
export function preCheck(ctx: MteContext, vaHi: number, formChecked: boolean, kind: AccessKind): CheckResult {
  if (!formChecked) return Check.UncheckedForm;
  const half = (vaHi >>> 23) & 1;
  if (((ctx.tbi >>> half) & 1) === 0) return Check.NoTbi;
  const tag = (vaHi >>> 24) & 0xf;
  // §2.4: match-all when VA<59:55> is all zeros (low half, tag 0) or all ones (high half, tag 0xF).
  if (((ctx.tcma >>> half) & 1) === 1 && ((tag + half) & 0xf) === 0) return Check.MatchAll;
  if (!ctx.ata) return Check.TagAccessDisabled;
  if (ctx.tco) return Check.Tco;
  if (ctx.storeOnly && kind === AccessKind.Read) return Check.StoreOnly;
  return Check.Compare;
}

/** Step 9: what a mismatch does under the effective TCF (MTE.md §3). */
export function onMismatch(ctx: MteContext, kind: AccessKind): CheckResult {
  switch (ctx.tcf) {
    case 0: return Check.MismatchIgnored;
    case 1: return Check.FaultSync;
    case 2: return Check.FaultAsync;
    default: return kind === AccessKind.Write ? Check.FaultAsync : Check.FaultSync; // asymmetric
  }
}

/** A whole decision with the facts behind it, for the trace, the event log and the pointer inspector. */
export interface TagCheckOutcome {
  result: CheckResult;
  /** Logical (pointer) tag. */
  pointerTag: number;
  /** Allocation tag of the first granule that decided the result, when granules were compared. */
  allocationTag?: number;
  /** Address of the first mismatching granule, where there was one. */
  granuleAddress?: bigint;
  el: number;
  tcf: number;
}

/**
 * The full ordered decision for an access of `size` bytes at `va`. `allocationTagAt(addr)` gives the
 * allocation tag of the granule holding `addr`, or null when that memory is not Tagged.
 */
export function checkAccess(
  cpu: CpuState,
  va: bigint,
  size: number,
  kind: AccessKind,
  formChecked: boolean,
  allocationTagAt: (addr: bigint) => number | null,
  el: number = cpu.el,
): TagCheckOutcome {
  const ctx = mteContext(cpu, el);
  const vaHi = Number((va >> 32n) & 0xffffffffn) | 0;
  const pointerTag = Number((va >> 56n) & 0xfn);
  const base = { pointerTag, el, tcf: ctx.tcf };
  const pre = preCheck(ctx, vaHi, formChecked, kind);
  if (pre !== Check.Compare) return { ...base, result: pre };
  let sawTagged = false;
  const first = va & ~0xfn;
  for (let g = first; g < va + BigInt(Math.max(size, 1)); g += 16n) {
    const allocationTag = allocationTagAt(g);
    if (allocationTag === null) continue; // §2.6: a part on an Untagged page is not checked
    sawTagged = true;
    if (allocationTag !== pointerTag) {
      return { ...base, result: onMismatch(ctx, kind), allocationTag, granuleAddress: g < va ? va : g };
    }
  }
  return { ...base, result: sawTagged ? Check.Pass : Check.UntaggedMemory };
}

/** One sentence a student understands, for each result. */
export function explainCheck(o: TagCheckOutcome): string {
  const t = `pointer tag 0x${o.pointerTag.toString(16)}`;
  const a = o.allocationTag === undefined ? '' : `allocation tag 0x${o.allocationTag.toString(16)}`;
  const tcfName = ['none', 'synchronous', 'asynchronous', 'asymmetric'][o.tcf];
  switch (o.result) {
    case Check.Compare: return `${t} must be compared with the allocation tags`;
    case Check.UncheckedForm: return 'this instruction form is never tag checked (MTE.md §2.5: SP base without writeback, literal, or a tag instruction)';
    case Check.NoTbi: return 'unchecked: top-byte-ignore (TCR_EL1.TBIx) is off for this half of the address space';
    case Check.MatchAll: return `unchecked: TCMA${o.pointerTag === 0 ? 0 : 1} makes ${t} match all`;
    case Check.TagAccessDisabled: return `unchecked: allocation tag access is disabled at EL${o.el} (SCTLR ATA/ATA0, HCR_EL2.ATA or SCR_EL3.ATA is 0)`;
    case Check.Tco: return 'unchecked: PSTATE.TCO is 1 (tag check override)';
    case Check.StoreOnly: return 'unchecked: store-only checking (TCSO) skips reads';
    case Check.UntaggedMemory: return 'unchecked: the memory is not Normal Tagged (MAIR attribute is not 0xF0, or stage 2 made it untagged)';
    case Check.Pass: return `passed: ${t} matches the allocation tag of every granule touched`;
    case Check.MismatchIgnored: return `${t} ≠ ${a}, but TCF is none so the mismatch is ignored`;
    case Check.FaultSync: return `${t} ≠ ${a}: synchronous tag check fault (TCF ${tcfName})`;
    case Check.FaultAsync: return `${t} ≠ ${a}: the access completes and TFSR records an asynchronous fault (TCF ${tcfName})`;
  }
}
