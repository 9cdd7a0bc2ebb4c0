/**
 * Architectural state of one AArch64 processing element.
 *
 * 64-bit general registers are kept as int32 halves (`lo`, `hi`) so the hot path never touches BigInt
 * (ARCHITECTURE.md §3). Register index map:
 *   0..30  X0..X30
 *   31     SP (the current stack pointer; SP_EL0 at EL0)
 *   32     the zero register as a source: always reads 0
 *   33     the zero register as a destination: writes land here and are never read
 * Decoders turn an encoded register number into an index with `rx`, `rxsp` and `wx` below, so that
 * executors never branch on "is this 31?".
 */
import type { Bus } from '../mmu/bus.ts';
import type { SysRegs } from './sysregs.ts';
import { createSysRegs } from './sysregs.ts';

export const SP = 31;
export const ZR = 32;
export const ZR_DEST = 33;
export const GPR_SLOTS = 34;

/** Source operand `Xn`: 31 is the zero register. */
export const rx = (n: number): number => (n === 31 ? ZR : n);
/** Source or destination `Xn|SP`: 31 is SP. */
export const rxsp = (n: number): number => n;
/** Destination `Xd`: 31 is the zero register (writes discarded). */
export const wx = (n: number): number => (n === 31 ? ZR_DEST : n);

export class CpuState {
  /** Low 32 bits of each 64-bit register, as int32. */
  readonly lo = new Int32Array(GPR_SLOTS);
  /** High 32 bits of each 64-bit register, as int32. */
  readonly hi = new Int32Array(GPR_SLOTS);
  /** SIMD&FP registers V0..V31, 128 bits each, as four little-endian int32 words per register. */
  readonly vreg = new Int32Array(32 * 4);
  /** Address of the instruction being executed (a canonical VA, always < 2^53). */
  pc = 0;
  /** Condition flags, each 0 or 1. */
  n = 0;
  z = 0;
  c = 0;
  v = 0;
  /** PSTATE.TCO (MTE.md §2.3). */
  tco = 0;
  /** Current exception level. Guest programs run at EL0; the OS personality is modelled natively. */
  el = 0;
  /** Exclusive monitor: physical address and size of the reservation, -1 when clear. */
  exclusiveAddr = -1;
  exclusiveSize = 0;
  /** Instructions retired: the run loop counts them; the deterministic virtual counter (CNTVCT_EL0) reads it. */
  instret = 0;
  /** Bumped whenever anything the tag-check context depends on changes (sysregs, TCO, EL). */
  mteGeneration = 0;
  readonly sys: SysRegs = createSysRegs();
  /** The memory bus of this PE; set when the machine is assembled. */
  bus!: Bus;

  /** Value of register `i` as an unsigned BigInt: for the edges (UI, tests, syscalls), never the hot path. */
  getX(i: number): bigint {
    return (BigInt(this.hi[i] >>> 0) << 32n) | BigInt(this.lo[i] >>> 0);
  }

  setX(i: number, value: bigint): void {
    this.lo[i] = Number(value & 0xffffffffn) | 0;
    this.hi[i] = Number((value >> 32n) & 0xffffffffn) | 0;
  }

  /** NZCV packed as in the NZCV system register (bits 31:28). */
  get nzcv(): number {
    return ((this.n << 31) | (this.z << 30) | (this.c << 29) | (this.v << 28)) >>> 0;
  }

  set nzcv(value: number) {
    this.n = (value >>> 31) & 1;
    this.z = (value >>> 30) & 1;
    this.c = (value >>> 29) & 1;
    this.v = (value >>> 28) & 1;
  }

  setTco(value: number): void {
    this.tco = value & 1;
    this.mteGeneration++;
  }
}
