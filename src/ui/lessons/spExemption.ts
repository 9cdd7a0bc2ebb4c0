import { EXIT_0, MMAP_STEPS, MMAP_MTE_PAGE, type Lesson } from './lesson.ts';

export const spExemption: Lesson = {
  id: 'sp-exemption',
  scenario: {
    version: 1,
    title: 'SP-relative accesses are exempt',
    description: 'A load or store with SP as base and an immediate offset, without writeback, is never tag checked.',
    program: { kind: 'asm', source: `// SP base + immediate, no writeback: unchecked (MTE.md §2.5).
_start:
${MMAP_MTE_PAGE}
        add     sp, x0, #2048       // a stack in the tagged page (allocation tags 0)
        addg    sp, sp, #0, #3      // give SP the pointer tag 3
        str     x1, [sp, #16]       // SP base, no writeback: unchecked
        mov     x2, #16
        str     x1, [sp, x2]        // register offset: checked, and it faults
${EXIT_0}
` },
    actions: [{ do: 'step', count: MMAP_STEPS + 3 }, { do: 'run', until: 'fault' }],
    steps: [
      { title: 'Unchecked', text: 'SP carries tag 3, the memory tag 0. STR X1, [SP, #16] has SP as base and no writeback, so it is not tag checked: compilers rely on this for stack slots.', afterAction: 1, view: 'cpu', highlight: { kind: 'register', index: 31 } },
      { title: 'Register offset is checked', text: 'STR X1, [SP, X2] uses a register offset: always checked, even with SP as base. It faults.', afterAction: 2, view: 'events' },
    ],
  },
  shows: [
    { where: 'registers', text: 'sp = 0x0300000010000800' },
    { where: 'event-why', text: 'pointer tag 0x3' },
  ],
};
