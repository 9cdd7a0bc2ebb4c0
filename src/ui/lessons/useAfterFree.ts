import { BUFFER, EXIT_0, MMAP_MTE_PAGE, MMAP_STEPS, type Lesson } from './lesson.ts';

export const useAfterFree: Lesson = {
  id: 'use-after-free',
  scenario: {
    version: 1,
    title: 'Use after free, caught by retagging',
    description: 'Freeing an object gives its granules a new tag; the stale pointer no longer matches.',
    program: { kind: 'asm', source: `// Use after free: free() retags the object, so the old pointer mismatches.
_start:
${MMAP_MTE_PAGE}
        irg     x1, x0              // malloc: a random tag for the object
        stg     x1, [x1]            // colour its granule
        mov     x2, #7
        str     x2, [x1]            // use it: the tags match
        gmi     x3, x1, xzr         // free: exclude the old tag...
        irg     x4, x1, x3          // ...and pick a different one
        stg     x4, [x4]            // recolour the freed granule
        ldr     x5, [x1]            // use after free through the stale pointer
${EXIT_0}
` },
    actions: [{ do: 'step', count: MMAP_STEPS + 3 }, { do: 'step', count: 4 }, { do: 'run', until: 'fault' }],
    steps: [
      { title: 'malloc: a tagged object', text: 'IRG gave the object a random tag and STG coloured its granule. The pointer in x1 carries the same tag.', afterAction: 1, view: 'pointer', highlight: { kind: 'granule', space: 'va', address: BUFFER } },
      { title: 'free: retag', text: 'On free, an MTE allocator gives the granule a new tag. GMI adds the old tag to the exclusion mask, so IRG cannot pick it again. The old pointer in x1 no longer matches.', afterAction: 2, view: 'pointer', highlight: { kind: 'register', index: 1 } },
      { title: 'The stale pointer faults', text: 'The load through the old pointer compares its old tag with the new allocation tag: they differ, so the use after free is caught.', afterAction: 3, view: 'events' },
    ],
  },
  shows: [
    { where: 'inspector', text: 'Pass' },
    { where: 'inspector', text: 'Fault' },
    { where: 'event-why', text: 'SEGV_MTESERR' },
  ],
};
