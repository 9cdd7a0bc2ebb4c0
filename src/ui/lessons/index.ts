/** The plain MTE lessons, in the order the gallery shows them. */
import type { Lesson } from './lesson.ts';
import { irgExclude } from './irgExclude.ts';
import { overflow } from './overflow.ts';
import { spExemption } from './spExemption.ts';
import { tcfModes } from './tcfModes.ts';
import { tcma } from './tcma.ts';
import { tco } from './tco.ts';
import { useAfterFree } from './useAfterFree.ts';

export type { Lesson } from './lesson.ts';
export const lessons: readonly Lesson[] = [overflow, useAfterFree, tco, tcma, tcfModes, irgExclude, spExemption];
