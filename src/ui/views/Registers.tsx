/** General registers with their pointer tags coloured, PSTATE, and the MTE system registers by field. */
import { pairToBig } from '../../worker/format.ts';
import type { MteSysregs } from '../../worker/protocol.ts';
import { useStore } from '../store.ts';
import { TagChip } from './PointerInspector.tsx';

const bits = (hex: string, lsb: number, width: number): number => Number((BigInt(hex) >> BigInt(lsb)) & ((1n << BigInt(width)) - 1n));
const TCF = ['none', 'sync', 'async', 'asymm'];

function sysregFields(s: MteSysregs): [string, string, string][] {
  return [
    ['SCTLR_EL1', s.SCTLR_EL1, `TCF0=${TCF[bits(s.SCTLR_EL1, 38, 2)]} TCF=${TCF[bits(s.SCTLR_EL1, 40, 2)]} ATA0=${bits(s.SCTLR_EL1, 42, 1)} ATA=${bits(s.SCTLR_EL1, 43, 1)}`],
    ['TCR_EL1', s.TCR_EL1, `TBI0=${bits(s.TCR_EL1, 37, 1)} TBI1=${bits(s.TCR_EL1, 38, 1)} TCMA0=${bits(s.TCR_EL1, 57, 1)} TCMA1=${bits(s.TCR_EL1, 58, 1)}`],
    ['GCR_EL1', s.GCR_EL1, `Exclude=0x${bits(s.GCR_EL1, 0, 16).toString(16).padStart(4, '0')} RRND=${bits(s.GCR_EL1, 16, 1)}`],
    ['RGSR_EL1', s.RGSR_EL1, `TAG=0x${bits(s.RGSR_EL1, 0, 4).toString(16)} SEED=0x${bits(s.RGSR_EL1, 8, 16).toString(16)}`],
    ['TFSRE0_EL1', s.TFSRE0_EL1, `TF0=${bits(s.TFSRE0_EL1, 0, 1)} TF1=${bits(s.TFSRE0_EL1, 1, 1)}`],
    ['TFSR_EL1', s.TFSR_EL1, `TF0=${bits(s.TFSR_EL1, 0, 1)} TF1=${bits(s.TFSR_EL1, 1, 1)}`],
    ['HCR_EL2', s.HCR_EL2, `ATA=${bits(s.HCR_EL2, 56, 1)} (KVM_CAP_ARM_MTE)`],
  ];
}

export function Registers() {
  const regs = useStore((s) => s.regs);
  const changed = useStore((s) => s.regsChanged);
  const sysregs = useStore((s) => s.sysregs);
  const inspect = useStore((s) => s.inspect);
  const selected = useStore((s) => s.selectedRegister);
  const nzcv = regs[66];
  const names = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc'];
  return (
    <section className="panel registers" aria-labelledby="regs-title" data-panel="registers" data-testid="registers">
      <h2 id="regs-title">CPU</h2>
      <div className="reg-grid" role="list" aria-label="General registers (activate one to inspect it as a pointer)">
        {names.map((name, i) => {
          const v = pairToBig(regs[2 * i], regs[2 * i + 1]);
          const hex = `0x${v.toString(16).padStart(16, '0')}`;
          const isChanged = ((changed[i >> 5] >>> (i & 31)) & 1) === 1;
          return (
            <button type="button" role="listitem" key={name} className={`reg${isChanged ? ' changed' : ''}${selected === i ? ' selected' : ''}`} aria-current={selected === i ? 'true' : undefined} onClick={() => inspect(hex)} aria-label={`${name} = ${hex}${isChanged ? ', changed' : ''}`}>
              <span className="reg-name">{name}</span>
              <TagChip tag={Number((v >> 56n) & 0xfn)} />
              <span className="mono">{hex}</span>
            </button>
          );
        })}
      </div>
      <p className="pstate mono" aria-label="PSTATE">
        PSTATE N={nzcv >>> 31} Z={(nzcv >>> 30) & 1} C={(nzcv >>> 29) & 1} V={(nzcv >>> 28) & 1} <strong>TCO={regs[67]}</strong> EL0
      </p>
      {sysregs && (
        <table className="sysregs">
          <caption>MTE system registers</caption>
          <tbody>
            {sysregFields(sysregs).map(([name, value, fields]) => (
              <tr key={name}><th scope="row">{name}</th><td className="mono">{value}</td><td className="mono">{fields}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
