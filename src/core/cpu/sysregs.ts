/**
 * System registers that matter to MTE and to EL0 programs, with the field positions of MTE.md.
 * Values are BigInt: they are read at the edges (MRS/MSR, syscalls, UI) and folded into a fast
 * tag-check context (src/core/mte/check.ts) whenever they change.
 */
export interface SysRegs {
  SCTLR_EL1: bigint;
  TCR_EL1: bigint;
  GCR_EL1: bigint;
  RGSR_EL1: bigint;
  TFSR_EL1: bigint;
  TFSRE0_EL1: bigint;
  /** HCR_EL2 as KVM programs it for the guest; ATA (bit 56) is KVM_CAP_ARM_MTE. */
  HCR_EL2: bigint;
  /** Whether EL2 is implemented and enabled for this PE (a KVM guest: yes). */
  el2Enabled: boolean;
  SCR_EL3: bigint;
  el3Present: boolean;
  GMID_EL1: bigint;
  DCZID_EL0: bigint;
  TPIDR_EL0: bigint;
  TPIDRRO_EL0: bigint;
  FPCR: bigint;
  FPSR: bigint;
  /** ID_AA64PFR1_EL1.MTE field value (0 none, 1 FEAT_MTE, 2 FEAT_MTE2, 3 FEAT_MTE3). */
  mteLevel: number;
}

export const bit = (value: bigint, n: number): number => Number((value >> BigInt(n)) & 1n);
export const field = (value: bigint, lsb: number, width: number): number =>
  Number((value >> BigInt(lsb)) & ((1n << BigInt(width)) - 1n));
export const withField = (value: bigint, lsb: number, width: number, f: number | bigint): bigint => {
  const mask = ((1n << BigInt(width)) - 1n) << BigInt(lsb);
  return (value & ~mask) | ((BigInt(f) << BigInt(lsb)) & mask);
};

/** SCTLR_EL1 fields (MTE.md §2.2, §3). */
export const SCTLR = { DZE: 14, UCI: 26, ITFSB: 37, TCF0: 38, TCF: 40, ATA0: 42, ATA: 43, TCSO0: 58, TCSO: 59 } as const;
/** TCR_EL1 fields (MTE.md §1.2). */
export const TCR = { TBI0: 37, TBI1: 38, TBID0: 51, TBID1: 52, TCMA0: 57, TCMA1: 58, MTX0: 60, MTX1: 61 } as const;
export const HCR = { DC: 12, TGE: 27, E2H: 34, ATA: 56, DCT: 57 } as const;
export const SCR = { ATA: 26 } as const;

/**
 * Reset state as Linux leaves it for a fresh user process on an MTE3-capable CPU (MTE.md §7):
 * TBI0 on, tag access enabled at EL0 (ATA0), TCF0 none, GCR exclude all (include mask 0), TCO 0.
 */
export function createSysRegs(): SysRegs {
  let sctlr = 0n;
  sctlr = withField(sctlr, SCTLR.DZE, 1, 1);
  sctlr = withField(sctlr, SCTLR.UCI, 1, 1);
  sctlr = withField(sctlr, SCTLR.ATA0, 1, 1);
  sctlr = withField(sctlr, SCTLR.ATA, 1, 1);
  let tcr = 0n;
  tcr = withField(tcr, TCR.TBI0, 1, 1);
  return {
    SCTLR_EL1: sctlr,
    TCR_EL1: tcr,
    GCR_EL1: 0xffffn | (1n << 16n),
    RGSR_EL1: 0n,
    TFSR_EL1: 0n,
    TFSRE0_EL1: 0n,
    HCR_EL2: 1n << 56n,
    el2Enabled: false,
    SCR_EL3: 1n << 26n,
    el3Present: false,
    GMID_EL1: 6n,
    DCZID_EL0: 7n, // 512-byte DC ZVA block, as qemu -cpu max reports (MTE.md §8)
    TPIDR_EL0: 0n,
    TPIDRRO_EL0: 0n,
    FPCR: 0n,
    FPSR: 0n,
    mteLevel: 3,
  };
}
