/**
 * The run configuration in the system registers it stands for, applied at process start: the toggles
 * play the part of prctl(PR_SET_TAGGED_ADDR_CTRL), of TCR_EL1 and of the KVM capability (HCR_EL2.ATA),
 * so that changing one replays the run under that one register field.
 */
import { HCR, SCTLR, TCR, withField } from '../core/cpu/sysregs.ts';
import type { Machine } from '../core/machine.ts';
import { TCF_MODES, type RunConfig } from './protocol.ts';

export function applyConfig(m: Machine, c: RunConfig): void {
  const s = m.cpu.sys;
  s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.TCF0, 2, TCF_MODES.indexOf(c.tcf));
  s.TCR_EL1 = withField(withField(s.TCR_EL1, TCR.TCMA0, 1, Number(c.tcma0)), TCR.TCMA1, 1, Number(c.tcma1));
  s.GCR_EL1 = BigInt(c.gcrExclude & 0xffff) | (1n << 16n);
  s.RGSR_EL1 = 0x5a5an << 8n; // a fixed non-zero seed, as Linux seeds it, so IRG replays exactly
  s.el2Enabled = true;
  s.HCR_EL2 = withField(s.HCR_EL2, HCR.ATA, 1, Number(c.kvmMte));
  m.cpu.setTco(Number(c.tco));
  m.cpu.mteGeneration++;
  m.bus.refreshMteContext();
}
