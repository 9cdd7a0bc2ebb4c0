/**
 * A stable hash of a machine's whole architectural state: general and SIMD&FP registers, PC, PSTATE
 * (NZCV, TCO, EL), the exclusive monitor, every system register, the translation registers of the bus,
 * and the data and allocation tags of every physical frame. Two machines that behave the same from here
 * on hash the same, so determinism tests compare runs by one string (docs/RELIABILITY.md).
 *
 * Memory is hashed as the architecture sees it: a frame that is all zeroes with no non-zero tag is the
 * same as a frame never touched, and a frame without a tag array is the same as one whose tags are all 0.
 * Bookkeeping that no instruction can observe (decoded-code caches, dirty flags, the TLB) is left out.
 * Runs at the edges (tests, replays), never on the hot path.
 */
import type { Machine } from './machine.ts';
import type { Frame } from './mem/physmem.ts';
import { ZR } from './cpu/state.ts';

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

/** Two independent 32-bit lanes of a multiplicative hash (murmur3's and xxhash's mixing constants). */
class Hasher {
  private a = 0x9e3779b9;
  private b = 0x85ebca6b;

  word(w: number): void {
    const k = Math.imul(rotl(Math.imul(w, 0xcc9e2d51), 15), 0x1b873593);
    this.a = (Math.imul(rotl(this.a ^ k, 13), 5) + 0xe6546b64) | 0;
    const j = Math.imul(w ^ 0x5bd1e995, 0x85ebca6b);
    this.b = (Math.imul(rotl(this.b ^ rotl(j, 17), 11), 0x27d4eb2f) + 0x165667b1) | 0;
  }

  words(ws: ArrayLike<number>): void {
    this.word(ws.length);
    for (let i = 0; i < ws.length; i++) this.word(ws[i]);
  }

  text(s: string): void {
    this.word(s.length);
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
  }

  /** Any value a register can hold: numbers (exact integers or not), BigInts, booleans. */
  value(v: unknown): void {
    if (typeof v === 'bigint') this.text(v.toString(16));
    else if (typeof v === 'number') this.text(Number.isInteger(v) ? v.toString(16) : String(v));
    else if (typeof v === 'boolean') this.word(v ? 1 : 0);
    else this.text(String(v));
  }

  digest(): string {
    const fmix = (h: number): number => {
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      return (h ^ (h >>> 16)) >>> 0;
    };
    const a = fmix(this.a ^ this.b);
    const b = fmix(this.b + Math.imul(this.a, 0x27d4eb2f));
    return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
  }
}

/** Whether every byte is zero in the bits `mask` selects (a null array counts as zero). */
function isZero(bytes: Uint8Array | null, mask = 0xff): boolean {
  if (bytes === null) return true;
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] & mask) !== 0) return false;
  return true;
}

function hashFrame(h: Hasher, f: Frame): void {
  h.value(f.pfn);
  h.words(new Int32Array(f.data.buffer, f.data.byteOffset, f.data.byteLength >> 2));
  // A tag byte's low nibble is the tag; a frame with no tag array reads as all tags 0.
  if (isZero(f.tags, 0xf)) h.word(0);
  else for (const t of f.tags!) h.word(t & 0xf);
}

/** Hash of a processing element and the memory behind it (a bare Machine, or a vCPU with its host memory). */
export function machineHash(m: Pick<Machine, 'cpu' | 'bus' | 'phys'>): string {
  const h = new Hasher();
  const cpu = m.cpu;
  // X0..X30, SP and the zero-register source slot (it must read 0: hashing it shows a stray write).
  h.words(cpu.lo.subarray(0, ZR + 1));
  h.words(cpu.hi.subarray(0, ZR + 1));
  h.words(cpu.vreg);
  for (const v of [cpu.pc, cpu.nzcv, cpu.tco, cpu.el, cpu.exclusiveAddr, cpu.exclusiveSize, cpu.instret]) h.value(v);
  const sys = cpu.sys as unknown as Record<string, unknown>;
  for (const name of Object.keys(sys).sort()) {
    h.text(name);
    h.value(sys[name]);
  }
  h.value(m.bus.ttbr0);
  h.words(m.bus.mair);
  h.value(m.bus.stage2?.root ?? -1);
  const frames = [...m.phys.allFrames()].filter((f) => !isZero(f.data) || !isZero(f.tags, 0xf)).sort((x, y) => x.pfn - y.pfn);
  h.word(frames.length);
  for (const f of frames) hashFrame(h, f);
  return h.digest();
}
