/** Branches, exception generation, hints, barriers and system instructions (the A64 op0 = 101x space, and UDF). */
import type { InsnDef } from '../types.ts';
import { rows as branches } from './branchSystem/branches.ts';
import { rows as exceptions } from './branchSystem/exceptions.ts';
import { rows as hints } from './branchSystem/hints.ts';
import { rows as system } from './branchSystem/system.ts';

export const rows: InsnDef[] = [...branches, ...exceptions, ...hints, ...system];
