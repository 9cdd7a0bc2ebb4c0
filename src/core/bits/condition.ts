/** ConditionHolds of the Arm ARM (shared/functions/system): evaluates a 4-bit condition on PSTATE.NZCV. */
import type { CpuState } from '../cpu/state.ts';

export function conditionHolds(s: CpuState, cond: number): boolean {
  let result: boolean;
  switch (cond >> 1) {
    case 0: result = s.z === 1; break; // EQ / NE
    case 1: result = s.c === 1; break; // CS / CC
    case 2: result = s.n === 1; break; // MI / PL
    case 3: result = s.v === 1; break; // VS / VC
    case 4: result = s.c === 1 && s.z === 0; break; // HI / LS
    case 5: result = s.n === s.v; break; // GE / LT
    case 6: result = s.n === s.v && s.z === 0; break; // GT / LE
    default: return true; // AL, and NV which also means always
  }
  return (cond & 1) === 1 ? !result : result;
}
