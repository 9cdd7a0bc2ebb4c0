/**
 * SIMD&FP data processing (Arm ARM C4.1.6, op0 = x111): Advanced SIMD integer, three-different (long,
 * wide and narrowing), permute, shift and modified-immediate groups, and scalar and vector floating
 * point. The rows live in simd/, one file per group; the floating-point arithmetic itself is in
 * src/core/fp/. SIMD&FP loads and stores are load/store rows.
 */
import type { InsnDef } from '../types.ts';
import './simd/operands.ts';
import { rows as fpScalar } from './simd/fpScalar.ts';
import { rows as fpVector } from './simd/fpVector.ts';
import { rows as immediate } from './simd/immediate.ts';
import { rows as integer } from './simd/integer.ts';
import { rows as long } from './simd/long.ts';
import { rows as permute } from './simd/permute.ts';
import { rows as shift } from './simd/shift.ts';

export const rows: InsnDef[] = [...integer, ...long, ...permute, ...shift, ...immediate, ...fpScalar, ...fpVector];
