/**
 * VMSAv8-64 translation table descriptors, 4 KiB granule, 48-bit addresses (Arm ARM D8.3).
 * Stage-1 and stage-2 share the layout of the output address and the valid/table bits; their
 * attribute fields differ and are named separately below.
 */
export const DESC_VALID = 1n;
/** Bit 1: at levels 0–2 a table (1) or block (0); at level 3 must be 1 for a page. */
export const DESC_TABLE_OR_PAGE = 2n;
export const OA_MASK = 0x0000_ffff_ffff_f000n;

/**
 * Stage-1 lower/upper attribute fields, on the descriptor's two int32 words (`lo` = bits 31:0,
 * `hi` = bits 63:32) so the TLB fill reads them without BigInt.
 */
export const S1Bits = {
  attrIndx: (lo: number): number => (lo >>> 2) & 7,
  /** AP[1] (bit 6): EL0 may access. */
  apEl0: (lo: number): boolean => ((lo >>> 6) & 1) === 1,
  /** AP[2] (bit 7): read-only. */
  apReadOnly: (lo: number): boolean => ((lo >>> 7) & 1) === 1,
  af: (lo: number): boolean => ((lo >>> 10) & 1) === 1,
  pxn: (hi: number): boolean => ((hi >>> 21) & 1) === 1,
  uxn: (hi: number): boolean => ((hi >>> 22) & 1) === 1,
} as const;

/** Stage-2 attribute fields, on the descriptor's two int32 words. */
export const S2Bits = {
  /** MemAttr[3:0] (bits 5:2). 0b1111 Normal inner+outer write-back; 0b00xx Device; 0b0101 Normal NC. */
  memAttr: (lo: number): number => (lo >>> 2) & 0xf,
  /** S2AP[0] (bit 6): read allowed. */
  read: (lo: number): boolean => ((lo >>> 6) & 1) === 1,
  /** S2AP[1] (bit 7): write allowed. */
  write: (lo: number): boolean => ((lo >>> 7) & 1) === 1,
  af: (lo: number): boolean => ((lo >>> 10) & 1) === 1,
  /** XN[1:0] (bits 54:53): any nonzero value forbids EL0 execution in this model. */
  xn: (hi: number): boolean => ((hi >>> 21) & 3) !== 0,
} as const;

const loOf = (d: bigint): number => Number(d & 0xffffffffn) | 0;
const hiOf = (d: bigint): number => Number((d >> 32n) & 0xffffffffn) | 0;

/** The same fields on a 64-bit descriptor, for tools and the UI. */
export const S1 = {
  attrIndx: (d: bigint): number => S1Bits.attrIndx(loOf(d)),
  apEl0: (d: bigint): boolean => S1Bits.apEl0(loOf(d)),
  apReadOnly: (d: bigint): boolean => S1Bits.apReadOnly(loOf(d)),
  af: (d: bigint): boolean => S1Bits.af(loOf(d)),
  pxn: (d: bigint): boolean => S1Bits.pxn(hiOf(d)),
  uxn: (d: bigint): boolean => S1Bits.uxn(hiOf(d)),
} as const;

export const S2 = {
  memAttr: (d: bigint): number => S2Bits.memAttr(loOf(d)),
  read: (d: bigint): boolean => S2Bits.read(loOf(d)),
  write: (d: bigint): boolean => S2Bits.write(loOf(d)),
  af: (d: bigint): boolean => S2Bits.af(loOf(d)),
  xn: (d: bigint): boolean => S2Bits.xn(hiOf(d)),
} as const;

export const S2_MEMATTR_NORMAL_WB = 0b1111;
export const S2_MEMATTR_NORMAL_NC = 0b0101;
export const S2_MEMATTR_DEVICE_nGnRE = 0b0001;
/** FEAT_MTE_PERM NoTagAccess without FWB (KVM.md §8). */
export const S2_MEMATTR_NOTAGACCESS = 0b0100;

/** MAIR attribute byte that makes memory Normal Tagged (MTE.md §1). */
export const MAIR_TAGGED = 0xf0;
export const MAIR_NORMAL_WB = 0xff;
export const MAIR_DEVICE_nGnRnE = 0x00;

export interface Stage1PageAttrs {
  attrIndx: number;
  el0: boolean;
  readOnly: boolean;
  uxn: boolean;
}

export function stage1TableDescriptor(nextTablePa: number): bigint {
  return (BigInt(nextTablePa) & OA_MASK) | DESC_TABLE_OR_PAGE | DESC_VALID;
}

/** A level-3 page descriptor with AF set, inner-shareable. */
export function stage1PageDescriptor(outputPa: number, a: Stage1PageAttrs): bigint {
  let d = (BigInt(outputPa) & OA_MASK) | DESC_TABLE_OR_PAGE | DESC_VALID;
  d |= BigInt(a.attrIndx & 7) << 2n;
  if (a.el0) d |= 1n << 6n;
  if (a.readOnly) d |= 1n << 7n;
  d |= 3n << 8n; // SH inner shareable
  d |= 1n << 10n; // AF
  d |= 1n << 11n; // nG
  if (a.uxn) d |= 1n << 54n;
  d |= 1n << 53n; // PXN: the kernel never executes user pages
  return d;
}

export interface Stage2PageAttrs {
  memAttr: number;
  read: boolean;
  write: boolean;
  xn: boolean;
}

export function stage2PageDescriptor(outputPa: number, a: Stage2PageAttrs): bigint {
  let d = (BigInt(outputPa) & OA_MASK) | DESC_TABLE_OR_PAGE | DESC_VALID;
  d |= BigInt(a.memAttr & 0xf) << 2n;
  if (a.read) d |= 1n << 6n;
  if (a.write) d |= 1n << 7n;
  d |= 3n << 8n;
  d |= 1n << 10n;
  if (a.xn) d |= 2n << 53n;
  return d;
}
