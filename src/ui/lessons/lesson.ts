/**
 * A teaching demo: a scenario with a guided tour, and for each tour step what the screen must show for
 * its teaching point (the Playwright walk asserts it, so a lesson cannot silently stop teaching).
 */
import type { ScenarioInput } from '../../scenario/schema.ts';

/** Where a teaching point shows on screen: a test id of the page. */
export type Where = 'event-log' | 'event-why' | 'inspector' | 'registers' | 'status' | 'mappings' | 'heatmap-tip';

/** Text (or a pattern) that the named part of the screen shows at a tour step. */
export interface Show {
  where: Where;
  text: string | RegExp;
}

export interface Lesson {
  id: string;
  scenario: ScenarioInput & { steps: NonNullable<ScenarioInput['steps']> };
  /** One per tour step: text (or a pattern) that the named part of the screen shows at that step. */
  shows: Show[];
}

/** mmap(0x10000000, 4096, PROT_READ|PROT_WRITE|PROT_MTE, MAP_PRIVATE|MAP_ANONYMOUS): a tagged page in x0. */
export const MMAP_MTE_PAGE = `        mov     x0, #0x10000000     // addr hint: a free hint is honoured
        mov     x1, #4096           // one page
        mov     x2, #0x23           // PROT_READ | PROT_WRITE | PROT_MTE
        mov     x3, #0x22           // MAP_PRIVATE | MAP_ANONYMOUS
        mov     x4, #-1             // no file
        mov     x5, #0
        mov     x8, #222            // mmap
        svc     #0`;

export const EXIT_0 = `        mov     x0, #0
        mov     x8, #93             // exit(0)
        svc     #0`;

/** The buffer every lesson maps. */
export const BUFFER = 0x10000000;
/** Instructions of MMAP_MTE_PAGE. */
export const MMAP_INSNS = 8;
/**
 * Engine steps of MMAP_MTE_PAGE, which `step` actions count in (docs/ENGINE.md): its instructions and the
 * kernel entry of the system call.
 */
export const MMAP_STEPS = MMAP_INSNS + 1;
