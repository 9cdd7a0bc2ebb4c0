import { BUFFER, EXIT_0, MMAP_MTE_PAGE, MMAP_STEPS, type Lesson } from './lesson.ts';

export const overflow: Lesson = {
  id: 'overflow',
  scenario: {
    version: 1,
    title: 'Buffer overflow caught',
    description: 'Two 32-byte objects get random tags; a store one granule past the first one faults.',
    program: { kind: 'asm', source: `// A one-granule heap overflow, caught by MTE.
_start:
${MMAP_MTE_PAGE}
        irg     x1, x0              // object A: a random tag (GCR_EL1.Exclude keeps 0 out)
        st2g    x1, [x1]            // colour A's two granules
        add     x9, x0, #64
        irg     x9, x9              // object B, 64 bytes further on
        st2g    x9, [x9]            // colour B
        mov     x2, #0x41
        str     x2, [x1]            // in bounds: the tags match
        str     x2, [x1, #16]       // in bounds: the tags match
        str     x2, [x1, #32]       // one granule past A: allocation tag 0
${EXIT_0}
` },
    actions: [{ do: 'step', count: MMAP_STEPS }, { do: 'step', count: 5 }, { do: 'run', until: 'fault' }],
    steps: [
      { title: 'A tagged page', text: 'The program asks the kernel for one page with PROT_MTE. Its granules will carry 4-bit allocation tags.', afterAction: 0, view: 'events' },
      { title: 'mmap with PROT_MTE', text: 'mmap returned 0x10000000. The page is Normal Tagged, but no page exists until it is first touched.', afterAction: 1, view: 'events' },
      { title: 'Two coloured objects', text: 'IRG chose a random tag for each object and ST2G coloured their two granules each. The pointer in x1 carries object A\'s tag in bits 59:56.', afterAction: 2, view: 'heatmap', highlight: { kind: 'granule', space: 'va', address: BUFFER } },
      { title: 'One granule too far', text: 'The third store goes one granule past object A. Its allocation tag is 0, the pointer\'s is not: a synchronous tag check fault, and the kernel sends SIGSEGV with SEGV_MTESERR.', afterAction: 3, view: 'events', highlight: { kind: 'granule', space: 'va', address: BUFFER + 32 } },
    ],
  },
  shows: [
    { where: 'status', text: 'Ready' },
    { where: 'event-log', text: 'mmap(0x10000000' },
    { where: 'inspector', text: 'Pass' },
    { where: 'event-why', text: 'SEGV_MTESERR' },
  ],
};
