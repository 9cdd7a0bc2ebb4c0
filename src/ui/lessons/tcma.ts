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
        str     x1, [x0]            // x0 has tag 0: match-all with TCMA0
${EXIT_0}
` },
    machine: { tcma0: true },
    actions: [{ do: 'run', until: 'exit' }, { do: 'toggle', name: 'tcma0', value: false }],
    steps: [
      { title: 'Tag 0 matches all', text: 'TCMA0 = 1: the untagged pointer in x0 (tag 0) stores into a granule coloured with another tag, unchecked. The program exits normally.', afterAction: 1, view: 'events' },
      { title: 'Without TCMA0 it faults', text: 'With TCMA0 = 0, as Linux sets it, tag 0 is an ordinary tag and the same store takes a tag check fault.', afterAction: 2, view: 'events' },
    ],
  },
  shows: [
    { where: 'event-log', text: 'exit(0)' },
    { where: 'event-why', text: 'SEGV_MTESERR' },
  ],
};
