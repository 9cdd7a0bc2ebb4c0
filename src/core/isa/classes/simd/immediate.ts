/**
 * Advanced SIMD modified immediate (Arm ARM C4.1.6, AdvSIMDExpandImm): MOVI, MVNI, ORR, BIC (vector,
 * immediate) and FMOV (vector, immediate). cmode selects the element size and where the 8-bit immediate
 * goes; op inverts it (MVNI, BIC) or selects the 64-bit and double-precision forms.
 */
import { doubleHi, dlo, singleBits } from '../../../fp/bits.ts';
import type { Fields, InsnDef, Op } from '../../types.ts';
import { fpImmediateValue } from './operands.ts';

/** The 64-bit pattern (hi, lo) that AdvSIMDExpandImm makes of op, cmode and imm8. */
export function expandImmediate(op: number, cmode: number, imm8: number): [number, number] {
  let word: number;
  if (cmode < 8) word = imm8 << (8 * (cmode >> 1));
  else if (cmode < 12) word = (imm8 << (8 * ((cmode >> 1) & 1))) * 0x10001;
  else if (cmode < 14) word = cmode & 1 ? (imm8 << 16) | 0xffff : (imm8 << 8) | 0xff;
  else if (cmode === 14 && op === 0) word = imm8 * 0x01010101;
  else if (cmode === 14) {
    let hi = 0, lo = 0;
    for (let i = 0; i < 4; i++) {
      if ((imm8 >> i) & 1) lo |= 0xff << (8 * i);
      if ((imm8 >> (i + 4)) & 1) hi |= 0xff << (8 * i);
    }
    return [hi, lo];
  } else if (op === 0) word = singleBits(fpImmediateValue(imm8));
  else {
    const hi = doubleHi(fpImmediateValue(imm8));
    return [hi, dlo];
  }
  return [word | 0, word | 0];
}

/** MOVI/MVNI set, ORR/BIC combine with Vd; `invert` for MVNI and BIC. */
function modifiedImmediate(f: Fields, combine: 'set' | 'orr' | 'bic', invert: boolean): Op {
  const [hi0, lo0] = expandImmediate(f.o, f.c, f.i);
  const hi = invert ? ~hi0 : hi0, lo = invert ? ~lo0 : lo0, d = f.d << 2, full = f.q === 1;
  return (s) => {
    const v = s.vreg;
    if (combine === 'set') {
      v[d] = lo;
      v[d + 1] = hi;
      v[d + 2] = full ? lo : 0;
      v[d + 3] = full ? hi : 0;
    } else {
      const words = full ? 4 : 2;
      for (let w = 0; w < words; w++) v[d + w] = combine === 'orr' ? v[d + w] | (w & 1 ? hi : lo) : v[d + w] & (w & 1 ? hi : lo);
      if (!full) v[d + 2] = v[d + 3] = 0;
    }
    s.pc += 4;
  };
}

/** Pattern with op and cmode given as bit strings (letters allowed); imm8 is a:b:c then d:e:f:g:h. */
const pattern = (q: string, op: string, cmode: string) => `0${q}${op}0111100000iii${cmode}01iiiiiddddd`;

export const rows: InsnDef[] = [
  // 32-bit shifted: cmode 0kk0 MOVI/MVNI, 0kk1 ORR/BIC.
  { id: 'MOVI_32', pattern: pattern('q', '0', '0kk0'), syntax: 'movi {Vq32:dq}, {U:i}{LslBytes:k}', exec: (f) => modifiedImmediate({ ...f, o: 0, c: f.k << 1 }, 'set', false) },
  { id: 'MVNI_32', pattern: pattern('q', '1', '0kk0'), syntax: 'mvni {Vq32:dq}, {U:i}{LslBytes:k}', exec: (f) => modifiedImmediate({ ...f, o: 1, c: f.k << 1 }, 'set', true) },
  { id: 'ORR_vimm_32', pattern: pattern('q', '0', '0kk1'), syntax: 'orr {Vq32:dq}, {U:i}{LslBytes:k}', exec: (f) => modifiedImmediate({ ...f, o: 0, c: f.k << 1 }, 'orr', false) },
  { id: 'BIC_vimm_32', pattern: pattern('q', '1', '0kk1'), syntax: 'bic {Vq32:dq}, {U:i}{LslBytes:k}', exec: (f) => modifiedImmediate({ ...f, o: 1, c: f.k << 1 }, 'bic', true) },
  // 16-bit shifted: cmode 10k0 / 10k1.
  { id: 'MOVI_16', pattern: pattern('q', '0', '10k0'), syntax: 'movi {Vq16:dq}, {U:i}{LslBytes:k}', exec: (f) => modifiedImmediate({ ...f, o: 0, c: 8 | (f.k << 1) }, 'set', false) },
  { id: 'MVNI_16', pattern: pattern('q', '1', '10k0'), syntax: 'mvni {Vq16:dq}, {U:i}{LslBytes:k}', exec: (f) => modifiedImmediate({ ...f, o: 1, c: 8 | (f.k << 1) }, 'set', true) },
  { id: 'ORR_vimm_16', pattern: pattern('q', '0', '10k1'), syntax: 'orr {Vq16:dq}, {U:i}{LslBytes:k}', exec: (f) => modifiedImmediate({ ...f, o: 0, c: 8 | (f.k << 1) }, 'orr', false) },
  { id: 'BIC_vimm_16', pattern: pattern('q', '1', '10k1'), syntax: 'bic {Vq16:dq}, {U:i}{LslBytes:k}', exec: (f) => modifiedImmediate({ ...f, o: 1, c: 8 | (f.k << 1) }, 'bic', true) },
  // 32-bit shifting ones: cmode 110k.
  { id: 'MOVI_msl', pattern: pattern('q', '0', '110k'), syntax: 'movi {Vq32:dq}, {U:i}{MslBytes:k}', exec: (f) => modifiedImmediate({ ...f, o: 0, c: 12 | f.k }, 'set', false) },
  { id: 'MVNI_msl', pattern: pattern('q', '1', '110k'), syntax: 'mvni {Vq32:dq}, {U:i}{MslBytes:k}', exec: (f) => modifiedImmediate({ ...f, o: 1, c: 12 | f.k }, 'set', true) },
  { id: 'MOVI_8', pattern: pattern('q', '0', '1110'), syntax: 'movi {Vq8:dq}, {U:i}', exec: (f) => modifiedImmediate({ ...f, o: 0, c: 14 }, 'set', false) },
  { id: 'MOVI_d', pattern: pattern('0', '1', '1110'), syntax: 'movi {Fd:d}, {ByteMask:i}', exec: (f) => modifiedImmediate({ ...f, o: 1, c: 14, q: 0 }, 'set', false) },
  { id: 'MOVI_2d', pattern: pattern('1', '1', '1110'), syntax: 'movi {V2d:d}, {ByteMask:i}', exec: (f) => modifiedImmediate({ ...f, o: 1, c: 14, q: 1 }, 'set', false) },
  { id: 'FMOV_v_s', pattern: pattern('q', '0', '1111'), syntax: 'fmov {Vq32:dq}, {FpImm:i}', exec: (f) => modifiedImmediate({ ...f, o: 0, c: 15 }, 'set', false) },
  { id: 'FMOV_v_d', pattern: pattern('1', '1', '1111'), syntax: 'fmov {V2d:d}, {FpImm:i}', exec: (f) => modifiedImmediate({ ...f, o: 1, c: 15, q: 1 }, 'set', false) },
];
