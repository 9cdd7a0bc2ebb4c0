/**
 * The same guest programs, run as a guest process under the KVM model (`tagscope run --vm`): stage 1 maps
 * guest VA → IPA, KVM's stage 2 maps IPA → host PA and fixes stage-2 faults; every program must print
 * exactly what Linux prints on the bare machine.
 */
import { describe } from 'vitest';
import { programTests } from '../helpers/guestPrograms.ts';

describe('guest programs under KVM (Linux 6.13, KVM_CAP_ARM_MTE) match Linux', () => {
  programTests({ vm: { kernel: '6.13' } });
});
