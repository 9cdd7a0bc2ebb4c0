import { EXIT_0, MMAP_INSNS, MMAP_MTE_PAGE, type Lesson } from './lesson.ts';

export const irgExclude: Lesson = {
  id: 'irg-exclusion',
  scenario: {
    version: 1,
    title: 'IRG and tag exclusion',
    description: 'IRG never returns a tag excluded by GCR_EL1.Exclude or by its own mask operand.',
    program: { kind: 'asm', source: `// IRG picks pseudo-random tags, never excluded ones.
_start:
${MMAP_MTE_PAGE}
        irg     x1, x0              // GCR_EL1.Exclude = 0x0001: never tag 0
        irg     x2, x0
        irg     x3, x0
        mov     x9, #0x7fff         // exclude tags 0..14 as well
        irg     x4, x0, x9          // only tag 0xf is left
        mov     x9, #0xffff         // exclude every tag
        irg     x5, x0, x9          // nothing left: IRG returns tag 0
${EXIT_0}
` },
    actions: [{ do: 'step', count: MMAP_INSNS + 3 }, { do: 'step', count: 2 }, { do: 'step', count: 2 }],
    steps: [
      { title: 'Random, but never 0', text: 'Three IRGs give x1, x2 and x3 pseudo-random tags from the architected generator; GCR_EL1.Exclude = 0x0001 keeps tag 0 out.', afterAction: 1, view: 'cpu', highlight: { kind: 'register', index: 1 } },
      { title: 'A mask operand narrows the choice', text: 'IRG x4, x0, x9 also excludes the tags set in x9: with 0..14 excluded, only 0xf is left.', afterAction: 2, view: 'cpu', highlight: { kind: 'register', index: 4 } },
      { title: 'Everything excluded', text: 'When every tag is excluded IRG returns tag 0.', afterAction: 3, view: 'cpu', highlight: { kind: 'register', index: 5 } },
    ],
  },
  shows: [
    { where: 'registers', text: 'GCR_EL1' },
    { where: 'registers', text: 'x4 = 0x0f00000010000000' },
    { where: 'registers', text: 'x5 = 0x0000000010000000' },
  ],
};
