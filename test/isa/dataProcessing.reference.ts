/**
 * A reference model of the integer data-processing instructions, written straight from the Arm ARM
 * pseudocode with BigInt and its own decoding of the instruction word. Tests compare the executors with it.
 */

export interface RefState {
  /** X0..X30 as unsigned 64-bit values. */
  x: bigint[];
  sp: bigint;
  n: number;
  z: number;
  c: number;
  v: number;
  pc: bigint;
}

const U = (v: bigint, bits: number): bigint => BigInt.asUintN(bits, v);
const S = (v: bigint, bits: number): bigint => BigInt.asIntN(bits, v);
const ones = (k: number): bigint => (1n << BigInt(k)) - 1n;
const field = (w: number, hi: number, lo: number): number => (w >>> lo) & (2 ** (hi - lo + 1) - 1);

function ror(v: bigint, amount: number, bits: number): bigint {
  const a = BigInt(amount % bits);
  return U((v >> a) | (v << (BigInt(bits) - a)), bits);
}

function replicate(elem: bigint, esize: number, bits: number): bigint {
  let r = 0n;
  for (let i = 0; i < bits; i += esize) r |= elem << BigInt(i);
  return r;
}

/** DecodeBitMasks (shared/functions/bitmasks), or null where the pseudocode is UNDEFINED. */
export function decodeBitMasksRef(immN: number, imms: number, immr: number, bits: number, immediate: boolean): [bigint, bigint] | null {
  const combined = (immN << 6) | (~imms & 0x3f);
  let len = -1;
  for (let i = 6; i >= 0; i--) if ((combined >> i) & 1) { len = i; break; }
  if (len < 1 || 1 << len > bits) return null;
  const levels = (1 << len) - 1;
  if (immediate && (imms & levels) === levels) return null;
  const s = imms & levels, r = immr & levels, esize = 1 << len;
  const d = (s - r) & levels;
  const welem = ones(s + 1), telem = ones(d + 1);
  return [replicate(ror(welem, r, esize), esize, bits), replicate(telem, esize, bits)];
}

export function conditionHoldsRef(st: RefState, cond: number): boolean {
  const base = [st.z === 1, st.c === 1, st.n === 1, st.v === 1, st.c === 1 && st.z === 0, st.n === st.v, st.n === st.v && st.z === 0, true][cond >> 1];
  return (cond & 1) === 1 && cond !== 15 ? !base : base;
}

function crcRef(acc: bigint, val: bigint, bytes: number, poly: number): bigint {
  let c = Number(U(acc, 32));
  for (let i = 0; i < bytes; i++) {
    c = (c ^ Number((val >> BigInt(8 * i)) & 0xffn)) >>> 0;
    for (let k = 0; k < 8; k++) c = c & 1 ? ((c >>> 1) ^ poly) >>> 0 : c >>> 1;
  }
  return BigInt(c);
}

/** Executes one data-processing word on `st` as the pseudocode says. */
export function refExecute(w: number, st: RefState): void {
  const sf = w >>> 31, N = sf ? 64 : 32;
  const rd = w & 31, rn = (w >>> 5) & 31, rm = (w >>> 16) & 31;
  const X = (r: number): bigint => (r === 31 ? 0n : U(st.x[r], N));
  const XSP = (r: number): bigint => U(r === 31 ? st.sp : st.x[r], N);
  const setX = (r: number, v: bigint, bits = N): void => { if (r !== 31) st.x[r] = U(v, bits); };
  const setXSP = (r: number, v: bigint): void => { if (r === 31) st.sp = U(v, N); else st.x[r] = U(v, N); };
  const nz = (r: bigint): void => { st.n = Number(U(r, N) >> BigInt(N - 1)); st.z = U(r, N) === 0n ? 1 : 0; };
  const addWithCarry = (a: bigint, b: bigint, carry: number, setFlags: boolean): bigint => {
    const unsigned = U(a, N) + U(b, N) + BigInt(carry);
    const signed = S(a, N) + S(b, N) + BigInt(carry);
    const result = U(unsigned, N);
    if (setFlags) {
      nz(result);
      st.c = result === unsigned ? 0 : 1;
      st.v = S(result, N) === signed ? 0 : 1;
    }
    return result;
  };
  const shiftReg = (v: bigint, type: number, amount: number): bigint => {
    const a = BigInt(amount);
    return [U(v << a, N), U(v, N) >> a, U(S(v, N) >> a, N), ror(U(v, N), amount, N)][type];
  };
  const extendReg = (v: bigint, option: number, shift: number): bigint => {
    const len = 8 << (option & 3);
    const x = option & 4 ? S(U(v, len), len) : U(v, len);
    return U(x << BigInt(shift), N);
  };
  const op = (w >>> 30) & 1, setFlags = ((w >>> 29) & 1) === 1;
  st.pc += 4n;

  switch (true) {
    case field(w, 28, 23) === 0b100010: { // add/sub (immediate)
      const imm = BigInt(field(w, 21, 10)) << BigInt(field(w, 22, 22) * 12);
      const r = addWithCarry(XSP(rn), op ? ~imm : imm, op, setFlags);
      if (setFlags) setX(rd, r); else setXSP(rd, r);
      return;
    }
    case field(w, 28, 23) === 0b100100: { // logical (immediate)
      const [imm] = decodeBitMasksRef(field(w, 22, 22), field(w, 15, 10), field(w, 21, 16), N, true)!;
      const opc = field(w, 30, 29), a = X(rn);
      const r = [a & imm, a | imm, a ^ imm, a & imm][opc];
      if (opc === 3) { nz(r); st.c = 0; st.v = 0; setX(rd, r); } else setXSP(rd, r);
      return;
    }
    case field(w, 28, 23) === 0b100101: { // move wide
      const pos = BigInt(field(w, 22, 21) * 16), imm = BigInt(field(w, 20, 5)) << pos, opc = field(w, 30, 29);
      setX(rd, opc === 0 ? ~imm : opc === 2 ? imm : (X(rd) & ~(0xffffn << pos)) | imm);
      return;
    }
    case field(w, 28, 23) === 0b100110: { // bitfield
      const opc = field(w, 30, 29), immr = field(w, 21, 16), imms = field(w, 15, 10);
      const [wmask, tmask] = decodeBitMasksRef(field(w, 22, 22), imms, immr, N, false)!;
      const dst = opc === 1 ? X(rd) : 0n, src = X(rn);
      const bot = (dst & ~wmask) | (ror(src, immr, N) & wmask);
      const top = opc === 0 ? ((src >> BigInt(imms)) & 1n ? ones(N) : 0n) : dst;
      setX(rd, (top & ~tmask) | (bot & tmask));
      return;
    }
    case field(w, 28, 23) === 0b100111: { // extract
      const concat = (X(rn) << BigInt(N)) | X(rm);
      setX(rd, concat >> BigInt(field(w, 15, 10)));
      return;
    }
    case field(w, 28, 24) === 0b10000: { // PC-rel. addressing
      const imm = S(BigInt((field(w, 23, 5) << 2) | field(w, 30, 29)), 21);
      const pc = st.pc - 4n;
      setX(rd, sf ? (pc & ~0xfffn) + (imm << 12n) : pc + imm, 64);
      return;
    }
    case field(w, 28, 24) === 0b01010: { // logical (shifted register)
      let b = shiftReg(X(rm), field(w, 23, 22), field(w, 15, 10));
      if ((w >>> 21) & 1) b = U(~b, N);
      const opc = field(w, 30, 29), a = X(rn);
      const r = [a & b, a | b, a ^ b, a & b][opc];
      if (opc === 3) { nz(r); st.c = 0; st.v = 0; }
      setX(rd, r);
      return;
    }
    case field(w, 28, 24) === 0b01011 && ((w >>> 21) & 1) === 0: { // add/sub (shifted register)
      const b = shiftReg(X(rm), field(w, 23, 22), field(w, 15, 10));
      setX(rd, addWithCarry(X(rn), op ? ~b : b, op, setFlags));
      return;
    }
    case field(w, 28, 24) === 0b01011: { // add/sub (extended register)
      const b = extendReg(X(rm), field(w, 15, 13), field(w, 12, 10));
      const r = addWithCarry(XSP(rn), op ? ~b : b, op, setFlags);
      if (setFlags) setX(rd, r); else setXSP(rd, r);
      return;
    }
    case field(w, 28, 21) === 0b11010000: // add/sub (with carry)
      setX(rd, addWithCarry(X(rn), op ? ~X(rm) : X(rm), st.c, setFlags));
      return;
    case field(w, 28, 21) === 0b11010010: { // conditional compare
      if (conditionHoldsRef(st, field(w, 15, 12))) {
        const b = (w >>> 11) & 1 ? BigInt(rm) : X(rm);
        addWithCarry(X(rn), op ? ~b : b, op, true);
      } else [st.n, st.z, st.c, st.v] = [(w >>> 3) & 1, (w >>> 2) & 1, (w >>> 1) & 1, w & 1];
      return;
    }
    case field(w, 28, 21) === 0b11010100: { // conditional select
      const o2 = (w >>> 10) & 1, m = X(rm);
      const other = op ? (o2 ? -m : ~m) : o2 ? m + 1n : m;
      setX(rd, conditionHoldsRef(st, field(w, 15, 12)) ? X(rn) : other);
      return;
    }
    case field(w, 28, 21) === 0b11010110 && op === 0: { // data-processing (2 source)
      const opcode = field(w, 15, 10), a = X(rn), b = X(rm);
      if (opcode >> 3 === 0b010) {
        const bytes = 1 << (opcode & 3);
        setX(rd, crcRef(a, b, bytes, opcode & 4 ? 0x82f63b78 : 0xedb88320), 32);
      } else if (opcode === 0b000010) setX(rd, b === 0n ? 0n : a / b);
      else if (opcode === 0b000011) setX(rd, b === 0n ? 0n : S(a, N) / S(b, N));
      else setX(rd, shiftReg(a, opcode & 3, Number(b % BigInt(N))));
      return;
    }
    case field(w, 28, 21) === 0b11010110: { // data-processing (1 source)
      const opcode = field(w, 15, 10), a = X(rn);
      const bitsOf = (v: bigint) => Array.from({ length: N }, (_, i) => Number((v >> BigInt(i)) & 1n));
      const fromBits = (b: number[]) => b.reduce((acc, bit, i) => acc | (BigInt(bit) << BigInt(i)), 0n);
      const reverseBytesIn = (container: number) => {
        let r = 0n;
        for (let c = 0; c < N; c += container) {
          for (let i = 0; i < container / 8; i++) r |= ((a >> BigInt(c + 8 * i)) & 0xffn) << BigInt(c + container - 8 - 8 * i);
        }
        return r;
      };
      const leading = (v: bigint, width: number) => { let k = 0; while (k < width && ((v >> BigInt(width - 1 - k)) & 1n) === 0n) k++; return k; };
      const results: Record<number, () => bigint> = {
        0: () => fromBits(bitsOf(a).reverse()),
        1: () => reverseBytesIn(16),
        2: () => reverseBytesIn(32),
        3: () => reverseBytesIn(64),
        4: () => BigInt(leading(a, N)),
        5: () => BigInt(leading(U((a >> 1n) ^ a, N - 1), N - 1)),
      };
      setX(rd, results[opcode]());
      return;
    }
    case field(w, 28, 24) === 0b11011: { // data-processing (3 source)
      const op31 = field(w, 23, 21), o0 = (w >>> 15) & 1, a = X(field(w, 14, 10));
      const n64 = X(rn), m64 = X(rm);
      if (op31 === 0b010) { setX(rd, (S(n64, 64) * S(m64, 64)) >> 64n); return; }
      if (op31 === 0b110) { setX(rd, (n64 * m64) >> 64n); return; }
      const product = op31 === 0b001 ? S(n64, 32) * S(m64, 32) : op31 === 0b101 ? U(n64, 32) * U(m64, 32) : n64 * m64;
      setX(rd, o0 ? a - product : a + product);
      return;
    }
    default:
      throw new Error(`reference model has no data-processing class for ${w.toString(16)}`);
  }
}
