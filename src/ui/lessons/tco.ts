import { EXIT_0, MMAP_STEPS, MMAP_MTE_PAGE, type Lesson } from './lesson.ts';

export const tco: Lesson = {
  id: 'tco',
  scenario: {
    version: 1,
    title: 'TCO: tag check override',
    description: 'PSTATE.TCO = 1 turns every tag check off, as a kernel does around code that must not fault.',
    program: { kind: 'asm', source: `// PSTATE.TCO suspends tag checking.
_start:
${MMAP_MTE_PAGE}
        irg     x1, x0
        stg     x1, [x1]            // colour one granule
        msr     tco, #1             // tag check override on
        str     x1, [x1, #16]       // mismatch, but unchecked
        msr     tco, #0             // override off again
        str     x1, [x1, #16]       // the same store now faults
${EXIT_0}
` },
    actions: [{ do: 'step', count: MMAP_STEPS + 4 }, { do: 'run', until: 'fault' }],
    steps: [
      { title: 'A mismatching store passes', text: 'With PSTATE.TCO = 1 the store one granule past the coloured one is not checked at all: no fault, even though the tags differ.', afterAction: 1, view: 'cpu' },
      { title: 'TCO cleared: the same store faults', text: 'MSR TCO, #0 restores checking; the identical store now takes a synchronous tag check fault.', afterAction: 2, view: 'events' },
    ],
  },
  shows: [
    { where: 'registers', text: 'TCO=1' },
    { where: 'event-why', text: 'SEGV_MTESERR' },
  ],
};
