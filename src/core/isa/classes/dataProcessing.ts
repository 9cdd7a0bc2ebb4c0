/**
 * Integer data processing, immediate and register (Arm ARM C4.1, "Data Processing -- Immediate" and
 * "Data Processing -- Register"). The rows live in dataProcessing/, one file per group of encodings.
 */
import type { InsnDef } from '../types.ts';
import './dataProcessing/operands.ts';
import { rows as addSub } from './dataProcessing/addSub.ts';
import { rows as bitfield } from './dataProcessing/bitfield.ts';
import { rows as conditional } from './dataProcessing/conditional.ts';
import { rows as logical } from './dataProcessing/logical.ts';
import { rows as sources } from './dataProcessing/sources.ts';

export const rows: InsnDef[] = [...addSub, ...logical, ...bitfield, ...conditional, ...sources];
