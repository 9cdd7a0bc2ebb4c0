import type { InsnDef } from '../types.ts';

export const rows: InsnDef[] = [];
