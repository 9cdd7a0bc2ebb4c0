import { EXIT_0, MMAP_MTE_PAGE, type Lesson } from './lesson.ts';

export const tcfModes: Lesson = {
  id: 'sync-async-asymm',
  scenario: {
    version: 1,
    title: 'Synchronous, asynchronous and asymmetric checking',
    description: 'The same bad store and load under the three TCF modes: where the fault is reported, and when.',
    program: { kind: 'asm', source: `// One bad store, one bad load, then a system call.
_start:
${MMAP_MTE_PAGE}
        irg     x1, x0
        stg     x1, [x1]
        mov     x2, #1
        str     x2, [x1, #16]       // bad store (next granule has tag 0)
        ldr     x3, [x1, #16]       // bad load
        mov     x0, #1
        mov     x8, #172            // getpid: a kernel entry
        svc     #0
${EXIT_0}
` },
    actions: [{ do: 'run', until: 'fault' }, { do: 'setTcf', value: 'async' }, { do: 'run', until: 'exit' }, { do: 'setTcf', value: 'asymm' }, { do: 'run', until: 'exit' }],
    steps: [
      { title: 'Synchronous: at the store', text: 'TCF = sync: the bad store itself faults, before it writes anything. The fault address is exact.', afterAction: 1, view: 'events' },
      { title: 'Asynchronous: at the next kernel entry', text: 'TCF = async: the store and the load complete; TFSRE0_EL1.TF0 records the mismatch, and the kernel reports SEGV_MTEAERR at the next kernel entry, without an address.', afterAction: 3, view: 'events' },
      { title: 'Asymmetric: reads sync, writes async', text: 'TCF = asymm: the bad store is only recorded, but the bad load faults synchronously.', afterAction: 5, view: 'events' },
    ],
  },
  shows: [
    { where: 'event-why', text: 'on a store' },
    { where: 'event-log', text: 'SEGV_MTEAERR' },
    { where: 'event-why', text: 'on a load' },
  ],
};
