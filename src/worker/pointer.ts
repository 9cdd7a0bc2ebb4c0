/**
 * The pointer inspector's answer: a 64-bit value split into its MTE fields, the granule it points at with
 * that granule's allocation tag, and the tag check an 8-byte load through it would make right now,
 * decided by the same function the bus uses (src/core/mte/check.ts).
 */
import { AccessKind, Check, checkAccess, explainCheck } from '../core/mte/check.ts';
import { GuestException } from '../core/cpu/exceptions.ts';
import type { LinuxProcess } from '../guest/linux/process.ts';
import { hex64, parseU64 } from './format.ts';
import type { PointerReport } from './protocol.ts';
import { walkLevels } from './snapshot.ts';

const VA_MASK = (1n << 56n) - 1n;

function prediction(result: number): PointerReport['prediction'] {
  switch (result) {
    case Check.Pass: return 'pass';
    case Check.FaultSync: return 'fault';
    case Check.FaultAsync: return 'async';
    case Check.MismatchIgnored: return 'ignored';
    default: return 'unchecked';
  }
}

export function inspectPointer(p: LinuxProcess | null, text: string, requestId: number): PointerReport {
  const value = parseU64(text);
  const empty: PointerReport = {
    type: 'pointer', requestId, error: null, value: text, logicalTag: 0, bit55: 0, topByte: 0, va: '', granule: '',
    allocationTag: null, mapping: '', prediction: 'unchecked', why: '', bytes: null, walk: [],
  };
  if (value === null) return { ...empty, error: 'type a 64-bit value in hex (for example 0x0a00000010000020)' };
  const va = value & VA_MASK;
  const granule = va & ~0xfn;
  const report: PointerReport = {
    ...empty, value: hex64(value), logicalTag: Number((value >> 56n) & 0xfn), bit55: Number((value >> 55n) & 1n),
    topByte: Number(value >> 56n), va: hex64(va), granule: hex64(granule),
  };
  if (p === null) return { ...report, why: 'load a program to see what this pointer points at' };
  const m = p.machine;
  const region = (value >> 55n & 1n) === 1n ? undefined : p.space.find(Number(va));
  if (region === undefined) {
    return { ...report, mapping: 'unmapped', prediction: 'fault', why: `nothing is mapped at ${hex64(va)}: an access takes a translation fault before any tag check` };
  }
  let pa: number;
  try {
    pa = m.bus.physicalAddress(Number(va >> 32n) | 0, Number(va & 0xffffffffn) | 0, AccessKind.Read);
  } catch (e) {
    if (!(e instanceof GuestException)) throw e;
    return { ...report, mapping: region.kind, prediction: 'fault', why: p.space.frameOf(Number(va)) === undefined
      ? 'the page is mapped but not touched yet: the first access takes a page fault, and the kernel gives it a fresh page (tags 0 if PROT_MTE)'
      : 'the page is not readable: an access takes a permission fault before any tag check' };
  }
  const tagAt = (addr: bigint): number | null => m.bus.allocationTagAtVa(addr);
  const outcome = checkAccess(m.cpu, value, 8, AccessKind.Read, true, tagAt);
  const granulePa = pa - (pa % 16);
  const bytes = Array.from(m.phys.readBytes(granulePa, 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return {
    ...report, allocationTag: tagAt(value), mapping: `${region.kind} (PA 0x${granulePa.toString(16)})`,
    prediction: prediction(outcome.result), why: explainCheck(outcome), bytes, walk: walkLevels(m, Number(va)),
  };
}
