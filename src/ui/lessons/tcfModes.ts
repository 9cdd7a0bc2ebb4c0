import { resumeOnSegv, segvHandler } from '../../scenario/presets/asm.ts';
import { EXIT_0, MMAP_MTE_PAGE, type Lesson } from './lesson.ts';

export const tcfModes: Lesson = {
  id: 'sync-async-asymm',
  scenario: {
    version: 1,
    title: 'Synchronous, asynchronous and asymmetric checking',
    description: 'The same bad store and load under the three TCF modes: where the fault is reported, and when.',
    program: { kind: 'asm', source: `// Three rounds of one bad store, one bad load and a system call; a SIGSEGV handler resumes after each fault.
_start:
${resumeOnSegv()}
${MMAP_MTE_PAGE}
        irg     x1, x0
        stg     x1, [x1]
        mov     x2, #1
        mov     x19, #3             // three rounds
round:
        mov     x8, #172            // getpid: a kernel entry starts each round
        svc     #0
        adr     x20, after_store    // where the handler resumes
        str     x2, [x1, #16]       // bad store (next granule has tag 0)
after_store:
        adr     x20, after_load
        ldr     x3, [x1, #16]       // bad load
after_load:
        mov     x8, #172            // getpid: a kernel entry ends it
        svc     #0
        subs    x19, x19, #1
        b.ne    round
${EXIT_0}
${segvHandler}
` },
    actions: [
      { do: 'run', until: 'fault' },
      { do: 'run', until: 'event', event: 'getpid' }, { do: 'setTcf', value: 'async' }, { do: 'run', until: 'event', event: 'asyncTagFault' },
      { do: 'run', until: 'event', event: 'getpid' }, { do: 'setTcf', value: 'asymm' }, { do: 'run', until: 'fault' },
    ],
    steps: [
      { title: 'Synchronous: at the store', text: 'TCF = sync: the bad store itself faults, before it writes anything, and the fault address is exact. The program\'s SIGSEGV handler resumes after it (and the bad load faults the same way).', afterAction: 1, view: 'events' },
      { title: 'Asynchronous: at the next kernel entry', text: 'TCF = async: the store and the load complete; TFSRE0_EL1.TF0 records the mismatch, and the kernel reports SEGV_MTEAERR at the next kernel entry (the getpid), without an address.', afterAction: 4, view: 'events' },
      { title: 'Asymmetric: reads sync, writes async', text: 'TCF = asymm: the bad store is only recorded, but the bad load faults synchronously.', afterAction: 7, view: 'events' },
    ],
  },
  shows: [
    { where: 'event-why', text: 'synchronous tag check fault' },
    { where: 'event-log', text: 'SEGV_MTEAERR' },
    { where: 'event-why', text: /asym/i },
  ],
};
