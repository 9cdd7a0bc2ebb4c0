/**
 * Bitfield moves, extract and PC-relative addressing (Arm ARM C4.1, Data Processing -- Immediate:
 * "Bitfield", "Extract", "PC-rel. addressing"). LSL/LSR/ASR (immediate), the sign and zero extensions
 * and the field aliases are all SBFM/UBFM/BFM; llvm-mc prints the alias it prefers.
 */
import { asr64, lsr64, r64, ror64, shl64, splitHi } from '../../../bits/int64.ts';
import { rx, wx } from '../../../cpu/state.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { bothSizes, type Size } from './sizes.ts';

// ---- executors ------------------------------------------------------------------------------------

/**
 * SBFM/UBFM as two shifts: Rn << (width-1-imms) puts the field's top bit at the top, then a right shift
 * (arithmetic for SBFM) puts its bottom bit at bit 0 (imms ≥ immr) or at width-immr (imms < immr).
 */
function signedOrUnsignedBitfield(f: Fields, z: Size, signed: boolean): Op {
  const d = wx(f.d), n = rx(f.n), width = z.is64 ? 64 : 32;
  const left = width - 1 - f.s;
  const right = f.s >= f.r ? left + f.r : f.r - f.s - 1;
  if (!z.is64) {
    if (signed) return (s) => { s.lo[d] = (s.lo[n] << left) >> right; s.hi[d] = 0; s.pc += 4; };
    return (s) => { s.lo[d] = ((s.lo[n] << left) >>> right) | 0; s.hi[d] = 0; s.pc += 4; };
  }
  const shiftRight = signed ? asr64 : lsr64;
  if (left === 0) return (s) => { shiftRight(s.hi[n], s.lo[n], right); s.hi[d] = r64.hi; s.lo[d] = r64.lo; s.pc += 4; };
  if (right === 0) return (s) => { shl64(s.hi[n], s.lo[n], left); s.hi[d] = r64.hi; s.lo[d] = r64.lo; s.pc += 4; };
  if (signed && f.r === 0 && f.s < 32) {
    // SXTB/SXTH/SXTW and other sign extensions from within the low word.
    const k = 31 - f.s;
    return (s) => { const lo = (s.lo[n] << k) >> k; s.lo[d] = lo; s.hi[d] = lo >> 31; s.pc += 4; };
  }
  return (s) => {
    shl64(s.hi[n], s.lo[n], left);
    shiftRight(r64.hi, r64.lo, right);
    s.hi[d] = r64.hi;
    s.lo[d] = r64.lo;
    s.pc += 4;
  };
}

/** Ones(count) << lsb as int32 halves, count + lsb ≤ 64 (at decode time). */
function fieldMask(count: number, lsb: number): { hi: number; lo: number } {
  const lo = count >= 32 ? -1 : (2 ** count - 1) | 0;
  const hi = count <= 32 ? 0 : (2 ** (count - 32) - 1) | 0;
  shl64(hi, lo, lsb);
  return { hi: r64.hi, lo: r64.lo };
}

/** BFM: the field of Rn (as for UBFM) replaces the same bits of Rd; the other bits of Rd stay. */
function bitfieldMove(f: Fields, z: Size): Op {
  const d = wx(f.d), n = rx(f.n), width = z.is64 ? 64 : 32;
  // imms ≥ immr: bits imms:immr go to the bottom (BFXIL); otherwise bits imms:0 go to width-immr (BFI).
  const extract = f.s >= f.r;
  const lsb = extract ? 0 : width - f.r;
  const mask = fieldMask(extract ? f.s - f.r + 1 : f.s + 1, lsb);
  const mHi = mask.hi, mLo = mask.lo, r = f.r;
  if (!z.is64) {
    const move = extract ? (x: number) => x >>> r : (x: number) => x << lsb;
    return (s) => { s.lo[d] = (s.lo[d] & ~mLo) | (move(s.lo[n]) & mLo); s.hi[d] = 0; s.pc += 4; };
  }
  return (s) => {
    if (extract) lsr64(s.hi[n], s.lo[n], r); else shl64(s.hi[n], s.lo[n], lsb);
    s.hi[d] = (s.hi[d] & ~mHi) | (r64.hi & mHi);
    s.lo[d] = (s.lo[d] & ~mLo) | (r64.lo & mLo);
    s.pc += 4;
  };
}

/** EXTR: bits lsb+width-1:lsb of the concatenation Rn:Rm; ROR (immediate) when Rn = Rm. */
function extract(f: Fields, z: Size): Op {
  const d = wx(f.d), n = rx(f.n), m = rx(f.m), lsb = f.s;
  if (!z.is64) {
    if (lsb === 0) return (s) => { s.lo[d] = s.lo[m]; s.hi[d] = 0; s.pc += 4; };
    return (s) => { s.lo[d] = (s.lo[m] >>> lsb) | (s.lo[n] << (32 - lsb)); s.hi[d] = 0; s.pc += 4; };
  }
  if (lsb === 0) return (s) => { s.hi[d] = s.hi[m]; s.lo[d] = s.lo[m]; s.pc += 4; };
  if (n === m) return (s) => { ror64(s.hi[n], s.lo[n], lsb); s.hi[d] = r64.hi; s.lo[d] = r64.lo; s.pc += 4; };
  return (s) => {
    lsr64(s.hi[m], s.lo[m], lsb);
    const hi = r64.hi, lo = r64.lo;
    shl64(s.hi[n], s.lo[n], 64 - lsb);
    s.hi[d] = hi | r64.hi;
    s.lo[d] = lo | r64.lo;
    s.pc += 4;
  };
}

/** ADR/ADRP: the PC (its 4 KiB page for ADRP) plus a signed 21-bit offset (× 4096 for ADRP). */
function pcRelative(f: Fields, page: boolean): Op {
  const d = wx(f.d), imm = f.h * 4 + f.l, offset = (imm >= 2 ** 20 ? imm - 2 ** 21 : imm) * (page ? 4096 : 1);
  return (s) => {
    const v = (page ? s.pc - (s.pc % 4096) : s.pc) + offset;
    s.lo[d] = v | 0;
    s.hi[d] = splitHi(v);
    s.pc += 4;
  };
}

// ---- rows -----------------------------------------------------------------------------------------

/** Bitfield: sf opc 100110 N immr imms Rn Rd, N = sf; opc=11 is unallocated. */
const bitfieldRows = (z: Size): InsnDef[] => {
  const ones = z.is64 ? '111111' : '011111';
  const pattern = (opc: string, immr = z.six('r'), imms = z.six('s'), rn = 'nnnnn') => `${z.sf}${opc}100110 ${z.sf} ${immr} ${imms} ${rn} ddddd`;
  const R = z.R, top = z.is64 ? 63 : 31;
  // LSR/ASR fix imms at the top bit, so it is not a field of their rows.
  const sbfm = (f: Fields) => signedOrUnsignedBitfield({ s: top, ...f }, z, true);
  const ubfm = (f: Fields) => signedOrUnsignedBitfield({ s: top, ...f }, z, false);
  const bfm = (f: Fields) => bitfieldMove({ n: 31, ...f }, z);
  const SBFM = '00', BFM = '01', UBFM = '10';
  // Sign and zero extensions have immr = 0 and imms = 7, 15, 31; the fixed fields need their exec values.
  const extension = (name: string, opc: string, imms: number, exec: (f: Fields) => Op): InsnDef => ({
    id: `${name.toUpperCase()}_${z.id}`, pattern: pattern(opc, '000000', imms.toString(2).padStart(6, '0')),
    syntax: `${name} {${R}:d}, {W:n}`, exec: (f) => exec({ ...f, r: 0, s: imms }),
  });
  // The insert forms (BFI, SBFIZ, UBFIZ) also assemble with lsb #0, which is immr = 0 and prints as the
  // extract form listed before them.
  return [
    extension('sxtb', SBFM, 7, sbfm),
    extension('sxth', SBFM, 15, sbfm),
    ...(z.is64
      // UXTW Xd, Wn is UBFM Xd, Xn, #0, #31, which prints as UBFX; llvm-mc (and gcc) still write it.
      ? [extension('sxtw', SBFM, 31, sbfm), { ...extension('uxtw', UBFM, 31, ubfm), noPrint: true }]
      : [extension('uxtb', UBFM, 7, ubfm), extension('uxth', UBFM, 15, ubfm)]),
    // UXTB/UXTH with an X destination assemble to the W form, which zeroes the upper half anyway.
    ...(z.is64 ? [] : [7, 15].map((imms): InsnDef => ({
      ...extension(imms === 7 ? 'uxtb' : 'uxth', UBFM, imms, ubfm), id: `${imms === 7 ? 'UXTB' : 'UXTH'}_32_xd`,
      syntax: `${imms === 7 ? 'uxtb' : 'uxth'} {X:d}, {W:n}`, noPrint: true,
    }))),
    { id: `ASR_imm_${z.id}`, pattern: pattern(SBFM, z.six('r'), ones), syntax: `asr {${R}:d}, {${R}:n}, {U:r}`, exec: sbfm },
    { id: `SBFX_${z.id}`, pattern: pattern(SBFM), syntax: `sbfx {${R}:d}, {${R}:n}, {U:r}, {BfxWidth:rs}`, when: (f) => f.s >= f.r, exec: sbfm },
    { id: `SBFIZ_${z.id}`, pattern: pattern(SBFM), syntax: `sbfiz {${R}:d}, {${R}:n}, {BfLsb:r}, {BfizWidth:rs}`, when: (f) => f.r > f.s || f.r === 0, exec: sbfm },
    { id: `SBFM_${z.id}`, pattern: pattern(SBFM), syntax: `sbfm {${R}:d}, {${R}:n}, {U:r}, {U:s}`, noPrint: true, exec: sbfm },
    // LSL #0 also assembles (as the UBFM that prints as LSR #0).
    { id: `LSL_imm_${z.id}`, pattern: pattern(UBFM), syntax: `lsl {${R}:d}, {${R}:n}, {LslBitfield:rs}`,
      when: (f) => f.s + 1 === f.r || (f.r === 0 && f.s === top), exec: ubfm },
    { id: `LSR_imm_${z.id}`, pattern: pattern(UBFM, z.six('r'), ones), syntax: `lsr {${R}:d}, {${R}:n}, {U:r}`, exec: ubfm },
    { id: `UBFX_${z.id}`, pattern: pattern(UBFM), syntax: `ubfx {${R}:d}, {${R}:n}, {U:r}, {BfxWidth:rs}`, when: (f) => f.s >= f.r, exec: ubfm },
    { id: `UBFIZ_${z.id}`, pattern: pattern(UBFM), syntax: `ubfiz {${R}:d}, {${R}:n}, {BfLsb:r}, {BfizWidth:rs}`, when: (f) => (f.r > f.s && f.s + 1 !== f.r) || f.r === 0, exec: ubfm },
    { id: `UBFM_${z.id}`, pattern: pattern(UBFM), syntax: `ubfm {${R}:d}, {${R}:n}, {U:r}, {U:s}`, noPrint: true, exec: ubfm },
    // llvm-mc prints BFC only from Armv8.2; it accepts it in assembly.
    { id: `BFC_${z.id}`, pattern: pattern(BFM, z.six('r'), z.six('s'), '11111'), syntax: `bfc {${R}:d}, {BfLsb:r}, {BfizWidth:rs}`,
      when: (f) => f.r === 0 || f.s < f.r, noPrint: true, exec: bfm },
    { id: `BFXIL_${z.id}`, pattern: pattern(BFM), syntax: `bfxil {${R}:d}, {${R}:n}, {U:r}, {BfxWidth:rs}`, when: (f) => f.s >= f.r, exec: bfm },
    { id: `BFI_${z.id}`, pattern: pattern(BFM), syntax: `bfi {${R}:d}, {${R}:n}, {BfLsb:r}, {BfizWidth:rs}`, when: (f) => f.s < f.r || f.r === 0, exec: bfm },
    { id: `BFM_${z.id}`, pattern: pattern(BFM), syntax: `bfm {${R}:d}, {${R}:n}, {U:r}, {U:s}`, noPrint: true, exec: bfm },
  ];
};

/** Extract: sf 00 100111 N 0 Rm imms Rn Rd, N = sf. */
const extractRows = (z: Size): InsnDef[] => {
  const pattern = `${z.sf}00100111 ${z.sf}0 mmmmm ${z.six('s')} nnnnn ddddd`;
  return [
    { id: `ROR_imm_${z.id}`, pattern, syntax: `ror {${z.R}:d}, {${z.RDup}:nm}, {U:s}`, when: (f) => f.n === f.m, exec: (f) => extract(f, z) },
    { id: `EXTR_${z.id}`, pattern, syntax: `extr {${z.R}:d}, {${z.R}:n}, {${z.R}:m}, {U:s}`, exec: (f) => extract(f, z) },
  ];
};

/** PC-rel. addressing: op immlo 10000 immhi Rd. */
const pcRelativeRows: InsnDef[] = [
  { id: 'ADR', pattern: '0ll10000 hhhhhhhhhhhhhhhhhhh ddddd', syntax: 'adr {X:d}, {AdrOffset:hl}', exec: (f) => pcRelative(f, false) },
  { id: 'ADRP', pattern: '1ll10000 hhhhhhhhhhhhhhhhhhh ddddd', syntax: 'adrp {X:d}, {AdrpOffset:hl}', exec: (f) => pcRelative(f, true) },
];

export const rows: InsnDef[] = [...bothSizes((z) => [...bitfieldRows(z), ...extractRows(z)]), ...pcRelativeRows];
