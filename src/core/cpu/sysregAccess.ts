/**
 * The system registers that MRS and MSR (register) reach: one row per register with its encoding, the name
 * llvm-mc prints, whether EL0 may read or write it as a Linux user process sees it, and how it maps onto
 * CpuState. An encoding with no row, or a row EL0 may not use, is UNDEFINED at EL0 (SIGILL).
 *
 * Values are BigInt: MRS and MSR are edges (sysregs.ts), not the hot path.
 */
import type { CpuState } from './state.ts';
import { bit, SCTLR } from './sysregs.ts';

export interface SysRegDef {
  /** The name llvm-mc prints, or the generic `S3_0_C0_C4_2` form where it has none. */
  name: string;
  op0: number;
  op1: number;
  crn: number;
  crm: number;
  op2: number;
  el0Read: boolean;
  el0Write: boolean;
  /** Whether this PE implements the register (e.g. TCO needs FEAT_MTE); always, when absent. */
  implemented?: (s: CpuState) => boolean;
  /** Absent when the register's state is not modelled (then no EL may read it). */
  read?: (s: CpuState) => bigint;
  /** Absent for read-only registers and for state that is not modelled. */
  write?: (s: CpuState, value: bigint) => void;
}

/** The 16-bit `o0:op1:CRn:CRm:op2` key of an encoding (as in the MRS/MSR instruction's bits 20:5). */
export const sysRegKey = (op0: number, op1: number, crn: number, crm: number, op2: number): number =>
  (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;

/** The generic name llvm-mc prints for an encoding without a name of its own. */
export const genericSysRegName = (op0: number, op1: number, crn: number, crm: number, op2: number): string =>
  `S${op0}_${op1}_C${crn}_C${crm}_${op2}`;

// ---- values this PE reports ------------------------------------------------------------------------

/** MIDR_EL1: implementer 0x00 (reserved for software use), architecture 0xF, part 0x051, as qemu -cpu max. */
export const MIDR = 0x000f0510n;
/** Linux shows every task MPIDR_EL1 = SYS_MPIDR_SAFE_VAL (only the RES1 bit 31). */
export const MPIDR_USER = 0x80000000n;
/** CTR_EL0: RES1 bit 31, 32-byte minimum D and I cache lines (DminLine = IminLine = 3), VIPT L1 I-cache. */
export const CTR = 0x80038003n;
/**
 * CNTFRQ_EL0: the virtual counter ticks once per retired instruction, so runs are deterministic
 * (ARCHITECTURE.md §3); 1 GHz (FEAT_ECV's fixed frequency) makes one instruction one nanosecond.
 */
export const CNTFRQ = 1_000_000_000n;
/** FPCR bits an AArch64-only PE without FP16, AFP or trapped FP exceptions keeps: AHP, DN, FZ, RMode. */
const FPCR_MASK = 0x07c00000n;
/** FPSR bits of AArch64 state: QC and the cumulative exception flags IDC, IXC, UFC, OFC, DZC, IOC. */
const FPSR_MASK = 0x0800009fn;

/**
 * The user view of the ID registers in op0=3, op1=0, CRn=0, CRm=4..7, which Linux emulates for EL0 (its
 * cpu-feature-registers ABI): visible fields show what Tagscope implements, hidden ones their safe value,
 * and every other encoding of that space reads as zero.
 */
const ID_REGISTERS: { name: string; crm: number; op2: number; read: (s: CpuState) => bigint }[] = [
  // EL0 = EL1 = 1 (AArch64 only); FP = AdvSIMD = 0 (implemented, without half precision).
  { name: 'ID_AA64PFR0_EL1', crm: 4, op2: 0, read: () => 0x11n },
  // MTE[11:8] is the level this PE implements (MTE.md §6); BT and SSBS are 0 (not implemented).
  { name: 'ID_AA64PFR1_EL1', crm: 4, op2: 1, read: (s) => BigInt(s.sys.mteLevel & 0xf) << 8n },
  // DebugVer's hidden safe value.
  { name: 'ID_AA64DFR0_EL1', crm: 5, op2: 0, read: () => 0x6n },
  { name: 'ID_AA64DFR1_EL1', crm: 5, op2: 1, read: () => 0n },
  { name: 'ID_AA64AFR0_EL1', crm: 5, op2: 4, read: () => 0n },
  { name: 'ID_AA64AFR1_EL1', crm: 5, op2: 5, read: () => 0n },
  // Atomic[23:20] = 2: the FEAT_LSE atomics.
  { name: 'ID_AA64ISAR0_EL1', crm: 6, op2: 0, read: () => 0x200000n },
  // DPB[3:0] = 2: DC CVAP and DC CVADP.
  { name: 'ID_AA64ISAR1_EL1', crm: 6, op2: 1, read: () => 0x2n },
  { name: 'ID_AA64ISAR2_EL1', crm: 6, op2: 2, read: () => 0n },
  // TGran4 and TGran64 show their hidden safe value, "not implemented" (0xF), as Linux reports them.
  { name: 'ID_AA64MMFR0_EL1', crm: 7, op2: 0, read: () => 0xff000000n },
  { name: 'ID_AA64MMFR1_EL1', crm: 7, op2: 1, read: () => 0n },
  { name: 'ID_AA64MMFR2_EL1', crm: 7, op2: 2, read: () => 0n },
];

const readOnlyAtEl0 = { el0Read: true, el0Write: false } as const;
const userAccessible = { el0Read: true, el0Write: true } as const;
const el1Only = { el0Read: false, el0Write: false } as const;

/** A write to a register the tag-check or tag-generation context depends on. */
const mteWrite = (set: (s: CpuState, v: bigint) => void) => (s: CpuState, v: bigint): void => {
  set(s, v);
  s.mteGeneration++;
};
const hasMte = (level: number) => (s: CpuState): boolean => s.sys.mteLevel >= level;

const NAMED: SysRegDef[] = [
  // ---- EL0 registers (Arm ARM D17, "Special-purpose registers" and the generic timer) ----
  { name: 'NZCV', op0: 3, op1: 3, crn: 4, crm: 2, op2: 0, ...userAccessible,
    read: (s) => BigInt(s.nzcv), write: (s, v) => { s.nzcv = Number(v & 0xf0000000n); } },
  // Interrupt masks are not modelled; EL0 access needs SCTLR_EL1.UMA, which Linux leaves 0.
  { name: 'DAIF', op0: 3, op1: 3, crn: 4, crm: 2, op2: 1, ...el1Only },
  { name: 'TCO', op0: 3, op1: 3, crn: 4, crm: 2, op2: 7, ...userAccessible, implemented: hasMte(1),
    // FEAT_MTE without MTE2: RAZ/WI (MTE.md §5).
    read: (s) => (s.sys.mteLevel >= 2 ? BigInt(s.tco) << 25n : 0n),
    write: (s, v) => { if (s.sys.mteLevel >= 2) s.setTco(Number((v >> 25n) & 1n)); } },
  { name: 'FPCR', op0: 3, op1: 3, crn: 4, crm: 4, op2: 0, ...userAccessible,
    read: (s) => s.sys.FPCR, write: (s, v) => { s.sys.FPCR = v & FPCR_MASK; } },
  { name: 'FPSR', op0: 3, op1: 3, crn: 4, crm: 4, op2: 1, ...userAccessible,
    read: (s) => s.sys.FPSR, write: (s, v) => { s.sys.FPSR = v & FPSR_MASK; } },
  { name: 'TPIDR_EL0', op0: 3, op1: 3, crn: 13, crm: 0, op2: 2, ...userAccessible,
    read: (s) => s.sys.TPIDR_EL0, write: (s, v) => { s.sys.TPIDR_EL0 = v; } },
  { name: 'TPIDRRO_EL0', op0: 3, op1: 3, crn: 13, crm: 0, op2: 3, ...readOnlyAtEl0,
    read: (s) => s.sys.TPIDRRO_EL0, write: (s, v) => { s.sys.TPIDRRO_EL0 = v; } },
  // SCTLR_EL1.UCT is set by Linux (or the read is emulated): CTR_EL0 is readable at EL0.
  { name: 'CTR_EL0', op0: 3, op1: 3, crn: 0, crm: 0, op2: 1, ...readOnlyAtEl0, read: () => CTR },
  // DZP (bit 4) reads 1 at EL0 when SCTLR_EL1.DZE forbids DC ZVA.
  { name: 'DCZID_EL0', op0: 3, op1: 3, crn: 0, crm: 0, op2: 7, ...readOnlyAtEl0,
    read: (s) => s.sys.DCZID_EL0 | (s.el === 0 && bit(s.sys.SCTLR_EL1, SCTLR.DZE) === 0 ? 0x10n : 0n) },
  // Linux sets CNTKCTL_EL1.EL0VCTEN (virtual counter and frequency readable) but not EL0PCTEN.
  { name: 'CNTFRQ_EL0', op0: 3, op1: 3, crn: 14, crm: 0, op2: 0, ...readOnlyAtEl0, read: () => CNTFRQ },
  { name: 'CNTPCT_EL0', op0: 3, op1: 3, crn: 14, crm: 0, op2: 1, ...el1Only, read: (s) => BigInt(s.instret) },
  { name: 'CNTVCT_EL0', op0: 3, op1: 3, crn: 14, crm: 0, op2: 2, ...readOnlyAtEl0, read: (s) => BigInt(s.instret) },

  // ---- identification: Linux emulates EL0 reads of MIDR, MPIDR and REVIDR (and the ID space below) ----
  { name: 'MIDR_EL1', op0: 3, op1: 0, crn: 0, crm: 0, op2: 0, ...readOnlyAtEl0, read: () => MIDR },
  { name: 'MPIDR_EL1', op0: 3, op1: 0, crn: 0, crm: 0, op2: 5, ...readOnlyAtEl0, read: () => MPIDR_USER },
  { name: 'REVIDR_EL1', op0: 3, op1: 0, crn: 0, crm: 0, op2: 6, ...readOnlyAtEl0, read: () => 0n },

  // ---- EL1 registers that feed the tag checks and tag generation (MTE.md §2–§4) ----
  { name: 'SCTLR_EL1', op0: 3, op1: 0, crn: 1, crm: 0, op2: 0, ...el1Only,
    read: (s) => s.sys.SCTLR_EL1, write: mteWrite((s, v) => { s.sys.SCTLR_EL1 = v; }) },
  { name: 'TCR_EL1', op0: 3, op1: 0, crn: 2, crm: 0, op2: 2, ...el1Only,
    read: (s) => s.sys.TCR_EL1, write: mteWrite((s, v) => { s.sys.TCR_EL1 = v; }) },
  { name: 'RGSR_EL1', op0: 3, op1: 0, crn: 1, crm: 0, op2: 5, ...el1Only, implemented: hasMte(2),
    read: (s) => s.sys.RGSR_EL1, write: mteWrite((s, v) => { s.sys.RGSR_EL1 = v; }) },
  { name: 'GCR_EL1', op0: 3, op1: 0, crn: 1, crm: 0, op2: 6, ...el1Only, implemented: hasMte(2),
    read: (s) => s.sys.GCR_EL1, write: mteWrite((s, v) => { s.sys.GCR_EL1 = v; }) },
  { name: 'TFSR_EL1', op0: 3, op1: 0, crn: 5, crm: 6, op2: 0, ...el1Only, implemented: hasMte(2),
    read: (s) => s.sys.TFSR_EL1, write: (s, v) => { s.sys.TFSR_EL1 = v; } },
  { name: 'TFSRE0_EL1', op0: 3, op1: 0, crn: 5, crm: 6, op2: 1, ...el1Only, implemented: hasMte(2),
    read: (s) => s.sys.TFSRE0_EL1, write: (s, v) => { s.sys.TFSRE0_EL1 = v; } },
  { name: 'GMID_EL1', op0: 3, op1: 1, crn: 0, crm: 0, op2: 4, ...el1Only, implemented: hasMte(2),
    read: (s) => s.sys.GMID_EL1 },
];

/** Every encoding of the emulated ID space, named or not (unnamed ones read as zero). */
function idSpace(): SysRegDef[] {
  const rows: SysRegDef[] = [];
  for (let crm = 4; crm <= 7; crm++) {
    for (let op2 = 0; op2 < 8; op2++) {
      const known = ID_REGISTERS.find((r) => r.crm === crm && r.op2 === op2);
      rows.push({
        name: known?.name ?? genericSysRegName(3, 0, 0, crm, op2),
        op0: 3, op1: 0, crn: 0, crm, op2, ...readOnlyAtEl0,
        read: known?.read ?? (() => 0n),
      });
    }
  }
  return rows;
}

export const sysRegDefs: readonly SysRegDef[] = [...NAMED, ...idSpace()];

const byKey = new Map(sysRegDefs.map((r) => [sysRegKey(r.op0, r.op1, r.crn, r.crm, r.op2), r]));
const byName = new Map(sysRegDefs.map((r) => [r.name.toUpperCase(), r]));

/** The row for an encoding, or undefined when MRS/MSR of it is UNDEFINED at every EL Tagscope runs. */
export const sysRegAt = (key: number): SysRegDef | undefined => byKey.get(key);

/** The row named `name` (case-insensitive), for tools and the UI. */
export const sysRegNamed = (name: string): SysRegDef | undefined => byName.get(name.toUpperCase());

/**
 * Why an MRS (`write` false) or MSR of `def` at the current EL is UNDEFINED, or null when it is allowed.
 * The text names the register and the rule, for the fault log.
 */
export function sysRegAccessDenied(s: CpuState, def: SysRegDef, write: boolean): string | null {
  if (def.implemented && !def.implemented(s)) return `${def.name} is not implemented on this PE`;
  const op = write ? 'written' : 'read';
  if (s.el === 0 && !(write ? def.el0Write : def.el0Read)) {
    return `${def.name} cannot be ${op} at EL0`;
  }
  if (!(write ? def.write : def.read)) return `${def.name} cannot be ${op}: ${write && def.read ? 'it is read-only' : 'its state is not modelled'}`;
  return null;
}
