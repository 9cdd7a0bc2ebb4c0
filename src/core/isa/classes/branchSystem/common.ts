/** Helpers shared by the branch, exception and system rows. */
import { undefinedInstruction } from '../../../cpu/exceptions.ts';
import type { Fields, Op } from '../../types.ts';

/** An exec for an encoding that is UNDEFINED wherever Tagscope runs it; `why` goes to the fault log. */
export function alwaysUndefined(why: string): (f: Fields, word: number) => Op {
  return (_f, word) => {
    const e = undefinedInstruction(word, why);
    return () => { throw e; };
  };
}

/** An exec that does nothing but step to the next instruction (hints and barriers of a single PE). */
export const nop = (): Op => (s) => { s.pc += 4; };
