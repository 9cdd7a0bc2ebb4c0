/**
 * Synchronous exceptions raised by instructions. Executors `throw` one of these; the run loop catches it
 * and hands it to whoever models the next exception level (the Linux personality, or the KVM model for
 * stage-2 faults). Throwing is rare on the hot path, so the cost is paid only when something happens.
 */
import type { TagCheckOutcome } from '../mte/check.ts';

export type FaultType =
  | 'translation'
  | 'accessFlag'
  | 'permission'
  | 'addressSize'
  | 'alignment'
  | 'tagCheck'
  /** FEAT_MTE_PERM: a tag access to memory stage 2 marks NoTagAccess (KVM.md §8). */
  | 'noTagAccess';

export interface MemoryFault {
  type: FaultType;
  /** 1 or 2: which translation stage faulted (tag-check and alignment faults: 1). */
  stage: 1 | 2;
  /** Level of the table walk that faulted, where it applies. */
  level: number;
  /** The faulting virtual address with its tag bits (FAR), as a BigInt. */
  va: bigint;
  /** Intermediate physical address, for stage-2 faults. */
  ipa?: number;
  write: boolean;
  /** Instruction fetch rather than data access. */
  fetch: boolean;
  /** For tag-check faults: the decision that was taken and why. */
  tagCheck?: TagCheckOutcome;
}

export type GuestExceptionKind =
  | { kind: 'svc'; imm: number }
  | { kind: 'brk'; imm: number }
  | { kind: 'undefined'; word: number; why: string }
  | { kind: 'dataAbort'; fault: MemoryFault }
  | { kind: 'instructionAbort'; fault: MemoryFault }
  | { kind: 'pcAlignment'; pc: number }
  | { kind: 'spAlignment' }
  /** The instruction budget ran out (not architectural; lets a host stop a runaway guest). */
  | { kind: 'budget' };

export class GuestException {
  constructor(readonly info: GuestExceptionKind) {}
  toString(): string {
    return `GuestException(${this.info.kind})`;
  }
}

export const undefinedInstruction = (word: number, why: string): GuestException =>
  new GuestException({ kind: 'undefined', word: word >>> 0, why });
