/**
 * Run controls and the toggles of the machine configuration. Every toggle rebuilds the machine with the new
 * value and replays what was done to the same instruction; KVM_CAP_ARM_MTE and the kernel version run the
 * program as a KVM guest.
 */
import { KERNEL_VERSIONS, TCF_MODES, type KernelVersion, type RunConfig, type TcfMode } from '../../worker/protocol.ts';
import { useStore } from '../store.ts';
import { VmActions } from './VmActions.tsx';

const STATUS_TEXT: Record<string, string> = {
  empty: 'No program', ready: 'Ready', running: 'Running', paused: 'Paused', faulted: 'Stopped by a fault', exited: 'Exited',
};

function Check({ label, checked, onChange, note }: { label: string; checked: boolean; onChange: (v: boolean) => void; note?: string }) {
  return (
    <label className="toggle" title={note}>
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
      {note && <span className="note">{note}</span>}
    </label>
  );
}

export function Controls() {
  const status = useStore((s) => s.status);
  const instret = useStore((s) => s.instret);
  const config = useStore((s) => s.config);
  const command = useStore((s) => s.command);
  const setConfig = useStore((s) => s.setConfig);
  const hash = useStore((s) => s.stateHash);
  const running = status === 'running';
  const ended = status === 'faulted' || status === 'exited';
  return (
    <section className="panel controls" aria-label="Run controls and toggles">
      <div className="buttons" role="toolbar" aria-label="Run controls">
        <button type="button" onClick={() => command('run')} disabled={running || ended}>Run</button>
        <button type="button" onClick={() => command('pause')} disabled={!running}>Pause</button>
        <button type="button" onClick={() => command('step')} disabled={running || ended}>Step</button>
        <button type="button" onClick={() => command('stepBack')} disabled={running || instret === 0 && !ended}>Step back</button>
        <button type="button" onClick={() => command('runToFault')} disabled={running || ended}>Run to next fault</button>
        <button type="button" onClick={() => command('reset')}>Reset</button>
        <output className="status" data-testid="status" data-status={status} aria-live="polite">
          {STATUS_TEXT[status]} · {instret.toLocaleString()} instructions
        </output>
        {hash && <output className="hash mono" data-testid="state-hash" title="session.stateHash(): equal on two pages means the same machine, bit for bit">state {hash.slice(0, 12)}</output>}
      </div>
      <fieldset className="toggles">
        <legend>What if…</legend>
        <Check label="TCMA0" checked={config.tcma0} onChange={(v) => setConfig({ tcma0: v })} note="not settable by Linux user space" />
        <Check label="TCMA1" checked={config.tcma1} onChange={(v) => setConfig({ tcma1: v })} />
        <Check label="TCO" checked={config.tco} onChange={(v) => setConfig({ tco: v })} />
        <label className="toggle">
          Machine
          <select aria-label="Machine" value={config.mode} onChange={(e) => setConfig({ mode: e.target.value as RunConfig['mode'] })}>
            <option value="bare">bare (no hypervisor)</option>
            <option value="vm">KVM guest</option>
          </select>
        </label>
        <Check label="KVM_CAP_ARM_MTE" checked={config.kvmCapMte} onChange={(v) => setConfig({ kvmCapMte: v })} />
        <label className="toggle">
          TCF
          <select aria-label="TCF" value={config.tcf} onChange={(e) => setConfig({ tcf: e.target.value as TcfMode })}>
            {TCF_MODES.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </label>
        <label className="toggle">
          GCR exclude
          <input
            className="hex-input" aria-label="GCR_EL1.Exclude mask (hex)" defaultValue={config.gcrExclude.toString(16).padStart(4, '0')}
            onBlur={(e) => {
              const v = parseInt(e.target.value, 16);
              if (Number.isInteger(v) && v >= 0 && v <= 0xffff) setConfig({ gcrExclude: v });
              else e.target.value = config.gcrExclude.toString(16).padStart(4, '0');
            }}
            onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
          />
        </label>
        <label className="toggle">
          Kernel
          <select aria-label="Kernel version" value={config.kernel} onChange={(e) => setConfig({ kernel: e.target.value as KernelVersion })}>
            {KERNEL_VERSIONS.map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
        </label>
      </fieldset>
      <VmActions />
    </section>
  );
}
