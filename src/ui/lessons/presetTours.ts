/**
 * What each step of the KVM scenarios S1–S16 (src/scenario/presets) points at and shows on screen: `focus`
 * names the event the step explains (its kind, or a pattern of its title), which the tour selects so the
 * log's explanation shows it; `show` is the teaching point the Playwright walk asserts at that step.
 */
import type { Show } from './lesson.ts';

export interface PresetStep {
  show: Show;
  focus?: string | RegExp;
}

const why = (text: string | RegExp, focus?: string | RegExp): PresetStep => ({ show: { where: 'event-why', text }, focus });
const on = (where: Show['where'], text: string | RegExp): PresetStep => ({ show: { where, text } });

export const presetTours: Record<string, PresetStep[]> = {
  S1: [why('another process leaves 16 pages with tag 0xa', /another process/), why('256 tags cleared', 'sanitise')],
  S2: [on('inspector', 'Pass'), why('88 77 66 55 44 33 22 11')],
  S3: [on('inspector', 'Pass'), why('SEGV_MTESERR')],
  S4: [why('SEGV_MTESERR', 'fault'), on('registers', 'TCMA0=1'), on('event-log', 'exit(0)')],
  S5: [why('pointer tag 0x0 ≠ allocation tag 0x5', 'fault')],
  S6: [why('COPY_TAGS FROM_GUEST = 4096'), why('COPY_TAGS TO_GUEST = 4096'), why('-EFAULT')],
  S7: [on('inspector', 'Pass'), why(/migrated: \d+ pages/, /^migrated/), on('event-log', 'exit(0)')],
  S8: [why('swapped out'), why('saved tags were restored', 'swapIn')],
  S9: [
    why('KVM_SET_USER_MEMORY_REGION slot 1 = 0', /slot 1/), why('STG is ignored', 'deviceMap'),
    why('pointer tag 0x3 ≠ allocation tag 0x5', 'fault'), why('Device memory has no tags', 'copyTags'),
  ],
  S10: [why('Linux 5.14 refuses a shared', /slot 1/)],
  S11: [
    why('(NoTagAccess)', 'stage2Map'), why('KVM_EXIT_ARM_NOTAG_ACCESS', /NOTAG_ACCESS/),
    why('VMM remaps IPA', /VMM remaps/), why('256 tags cleared', 'sanitise'),
  ],
  S12: [why('KSM: 0 merged, 1 refused')],
  S13: [why('-EINVAL')],
  S14: [on('registers', 'TF0=1'), why('KVM saves the guest', /^VM exit/), on('event-log', 'SEGV_MTEAERR')],
  S15: [why('copy-on-write', /VMM forks/), why('tags are copied with the data', 'cow'), why('SEGV_MTESERR', 'fault')],
  S16: [why('survived under')],
};
