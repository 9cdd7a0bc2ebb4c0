import { EXIT_0, MMAP_MTE_PAGE, type Lesson } from './lesson.ts';

export const tcma: Lesson = {
  id: 'tcma',
  scenario: {
    version: 1,
    title: 'TCMA: match-all tags',
    description: 'With TCR_EL1.TCMA0 set, a pointer with tag 0 matches every allocation tag (Linux never sets it for user space).',
    program: { kind: 'asm', source: `// TCMA0: tag 0 in the lower half matches all.
_start:
${MMAP_MTE_PAGE}
        irg     x1, x0              // a non-zero tag (0 is excluded)
        stg     x1, [x1]            // colour the granule
        mov     x9, x0              // x9: the page, tag 0 (x0 is the syscalls' result register)
        str     x1, [x9]            // tag 0: match-all with TCMA0
        mov     x8, #172            // getpid: a marker between the two stores
        svc     #0
        str     x1, [x9]            // the same store again
${EXIT_0}
` },
    machine: { tcma0: true },
    actions: [{ do: 'run', until: 'event', event: 'getpid' }, { do: 'toggle', name: 'tcma0', value: false }, { do: 'run', until: 'fault' }],
    steps: [
      { title: 'Tag 0 matches all', text: 'TCMA0 = 1: the untagged pointer in x0 (tag 0) stores into a granule coloured with another tag, unchecked. The program goes on to its getpid call.', afterAction: 1, view: 'events' },
      { title: 'Without TCMA0 it faults', text: 'Now TCMA0 = 0, as Linux sets it: tag 0 is an ordinary tag, and the same store again takes a tag check fault.', afterAction: 3, view: 'events' },
    ],
  },
  shows: [
    { where: 'event-log', text: 'getpid(' },
    { where: 'event-why', text: 'SEGV_MTESERR' },
  ],
};
