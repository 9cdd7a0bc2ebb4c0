/**
 * The pointer inspector's answer: a 64-bit value split into its MTE fields, the granule it points at with
 * that granule's allocation tag, its guest-physical and host-physical address, the walk through stage 1 (and
 * stage 2 in vm mode) level by level, and the tag check an 8-byte load through it would make right now,
 * decided by the same function the bus uses (src/core/mte/check.ts).
 */
import { GuestException } from '../core/cpu/exceptions.ts';
import { AccessKind, Check, checkAccess, explainCheck } from '../core/mte/check.ts';
import type { Machine } from '../core/machine.ts';
import type { Session } from '../engine/session.ts';
import { hex64, hexAddr, parseU64 } from './format.ts';
import type { PointerReport, WalkLevel } from './protocol.ts';

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

/** The stage-1 walk of `va`, then (vm mode) the stage-2 walk of the IPA it gives. */
export function walkLevels(m: Machine, va: number): { walk: WalkLevel[]; ipa: number | null; pa: number | null } {
  const s1 = m.bus.walkStage1(va);
  const walk: WalkLevel[] = s1.steps.map((s) => ({ stage: 1, level: s.level, descriptorAddress: s.descriptorAddress, descriptor: hex64(s.descriptor), meaning: `VA ${hexAddr(va)}` }));
  if (!s1.ok) return { walk, ipa: null, pa: null };
  const ipa = s1.outputAddress;
  if (m.bus.stage2 === null) return { walk, ipa, pa: ipa };
  const s2 = m.bus.walkStage2(ipa);
  for (const s of s2.steps) walk.push({ stage: 2, level: s.level, descriptorAddress: s.descriptorAddress, descriptor: hex64(s.descriptor), meaning: `IPA ${hexAddr(ipa)}` });
  return { walk, ipa, pa: s2.ok ? s2.outputAddress : null };
}

export function inspectPointer(session: Session | null, text: string, requestId: number): PointerReport {
  const value = parseU64(text);
  const empty: PointerReport = {
    type: 'pointer', requestId, error: null, value: text, logicalTag: 0, bit55: 0, topByte: 0, va: '', granule: '',
    allocationTag: null, mapping: '', ipa: null, pa: null, prediction: 'unchecked', why: '', bytes: null, walk: [],
  };
  if (value === null) return { ...empty, error: 'type a 64-bit value in hex (for example 0x0a00000010000020)' };
  const va = value & VA_MASK;
  const report: PointerReport = {
    ...empty, value: hex64(value), logicalTag: Number((value >> 56n) & 0xfn), bit55: Number((value >> 55n) & 1n),
    topByte: Number(value >> 56n), va: hex64(va), granule: hex64(va & ~0xfn),
  };
  const p = session?.machine.process;
  if (!p) return { ...report, why: 'load a program to see what this pointer points at' };
  const m = p.machine;
  const region = (value >> 55n & 1n) === 1n ? undefined : p.space.find(Number(va));
  if (region === undefined) {
    return { ...report, mapping: 'unmapped', prediction: 'fault', why: `nothing is mapped at ${hex64(va)}: an access takes a translation fault before any tag check` };
  }
  const { walk, ipa, pa: walkedPa } = walkLevels(m, Number(va));
  let pa: number;
  try {
    pa = m.bus.physicalAddress(Number(va >> 32n) | 0, Number(va & 0xffffffffn) | 0, AccessKind.Read);
  } catch (e) {
    if (!(e instanceof GuestException)) throw e;
    return { ...report, mapping: region.kind, walk, ipa, pa: walkedPa, prediction: 'fault', why: p.space.frameOf(Number(va)) === undefined
      ? 'the page is mapped but not touched yet: the first access takes a page fault, and the kernel gives it a fresh page (tags 0 if PROT_MTE)'
      : m.bus.stage2 !== null && walkedPa === null
        ? 'the guest mapped the page, but KVM has no stage-2 entry for its IPA now (swapped out, ballooned or migrated): the access takes a stage-2 fault first'
        : 'the page is not readable: an access takes a permission fault before any tag check' };
  }
  const tagAt = (addr: bigint): number | null => m.bus.allocationTagAtVa(addr);
  const outcome = checkAccess(m.cpu, value, 8, AccessKind.Read, true, tagAt);
  const granulePa = pa - (pa % 16);
  const bytes = Array.from(m.phys.readBytes(granulePa, 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const where = ipa !== null && m.bus.stage2 !== null ? `IPA ${hexAddr(ipa - (ipa % 16))}, PA ${hexAddr(granulePa)}` : `PA ${hexAddr(granulePa)}`;
  return {
    ...report, allocationTag: tagAt(value), mapping: `${region.kind} (${where})`, ipa, pa: granulePa,
    prediction: prediction(outcome.result), why: explainCheck(outcome), bytes, walk,
  };
}
