/**
 * Loads and stores of general-purpose and SIMD&FP registers, and SIMD structures (Arm ARM C4.1.94): the rows of every
 * load/store class, built in src/core/isa/classes/loadStore/. MTE tag loads/stores and STGP live in mte.ts.
 */
import type { InsnDef } from '../types.ts';
import './loadStore/operands.ts';
import { rows as atomic } from './loadStore/atomic.ts';
import { rows as exclusive } from './loadStore/exclusive.ts';
import { rows as pair } from './loadStore/pair.ts';
import { rows as single } from './loadStore/single.ts';
import { rows as structure } from './loadStore/structure.ts';

export const rows: InsnDef[] = [...single, ...pair, ...exclusive, ...atomic, ...structure];
