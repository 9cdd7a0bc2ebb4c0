/** Memory and register helpers for the load/store execution tests (the snippet machine maps VA = PA). */
import type { GuestException, MemoryFault } from '../../src/core/cpu/exceptions.ts';
import { SCTLR, withField } from '../../src/core/cpu/sysregs.ts';
import type { Machine } from '../../src/core/machine.ts';

export function put(m: Machine, va: number, value: bigint, bytes = 8): void {
  const b = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) b[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  m.phys.writeBytes(va, b);
}

export function get(m: Machine, va: number, bytes = 8): bigint {
  const b = m.phys.readBytes(va, bytes);
  let v = 0n;
  for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

/** V register as a 128-bit unsigned BigInt. */
export function getV(m: Machine, r: number): bigint {
  let v = 0n;
  for (let k = 3; k >= 0; k--) v = (v << 32n) | BigInt(m.cpu.vreg[4 * r + k] >>> 0);
  return v;
}

export function setV(m: Machine, r: number, value: bigint): void {
  for (let k = 0; k < 4; k++) m.cpu.vreg[4 * r + k] = Number((value >> BigInt(32 * k)) & 0xffffffffn) | 0;
}

/** Sets the allocation tag of the granule holding physical address `pa`. */
export function setTag(m: Machine, pa: number, tag: number): void {
  m.phys.frame(Math.floor(pa / 4096)).ensureTags()[(pa & 4095) >> 4] = tag;
}

/** A pointer with logical tag `tag` (bits 59:56). */
export const tagged = (va: number, tag: number): bigint => BigInt(va) | (BigInt(tag) << 56n);

/** SCTLR_EL1.TCF0: 1 synchronous, 2 asynchronous, 3 asymmetric (MTE.md §3). */
export function setTcf0(m: Machine, tcf: number): void {
  m.cpu.sys.SCTLR_EL1 = withField(m.cpu.sys.SCTLR_EL1, SCTLR.TCF0, 2, tcf);
  m.cpu.mteGeneration++;
}

/** The memory fault of a Data Abort, or a failure naming what happened instead. */
export function dataAbort(e: GuestException | null): MemoryFault {
  if (e === null || e.info.kind !== 'dataAbort') throw new Error(`expected a data abort, got ${e === null ? 'no exception' : e.info.kind}`);
  return e.info.fault;
}
