/**
 * The program text is never lost: it lives in the URL fragment (a scenario link, src/scenario/codec.ts)
 * and in localStorage. The URL wins when the page opens with one, so a shared link reproduces the run.
 */
import { decodeFragment, encodeFragment } from '../scenario/codec.ts';
import { DEFAULT_CONFIG, type KernelVersion, type RunConfig } from '../worker/protocol.ts';
import { KERNEL_VERSIONS } from '../worker/protocol.ts';
import { DEFAULT_PROGRAM } from './defaultProgram.ts';

const PROGRAM_KEY = 'tagscope.program';
const CONFIG_KEY = 'tagscope.config';

export interface Saved {
  programText: string;
  config: RunConfig;
  theme: 'light' | 'dark';
  /** Why a link in the URL could not be opened, to show the user. */
  linkError: string | null;
}

function storedConfig(): RunConfig {
  try {
    const raw = localStorage.getItem(CONFIG_KEY);
    return raw ? { ...DEFAULT_CONFIG, ...(JSON.parse(raw) as Partial<RunConfig>) } : DEFAULT_CONFIG;
  } catch {
    return DEFAULT_CONFIG;
  }
}

export function loadSaved(): Saved {
  const theme = localStorage.getItem('tagscope.theme') === 'dark' || (localStorage.getItem('tagscope.theme') === null && matchMedia('(prefers-color-scheme: dark)').matches) ? 'dark' : 'light';
  const base: Saved = { programText: localStorage.getItem(PROGRAM_KEY) ?? DEFAULT_PROGRAM, config: storedConfig(), theme, linkError: null };
  if (!location.hash.includes('s=')) return base;
  const d = decodeFragment(location.hash);
  if (!d.ok) return { ...base, linkError: d.error };
  const { program, machine } = d.scenario;
  const kernel = (KERNEL_VERSIONS as readonly string[]).includes(machine.kernel) ? (machine.kernel as KernelVersion) : base.config.kernel;
  return {
    ...base,
    programText: program.kind === 'asm' ? program.source : base.programText,
    config: { ...base.config, kernel, kvmMte: machine.kvmCapMte, tcf: machine.tcf, tcma0: machine.tcma0, tcma1: machine.tcma1, tco: machine.tco, gcrExclude: machine.gcrExclude },
  };
}

let urlTimer: ReturnType<typeof setTimeout> | undefined;

export function saveProgram(text: string, config: RunConfig): void {
  try {
    localStorage.setItem(PROGRAM_KEY, text);
    localStorage.setItem(CONFIG_KEY, JSON.stringify(config));
  } catch {
    // Storage full or disabled: the URL below still keeps the program.
  }
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => {
    const fragment = encodeFragment({
      version: 1, program: { kind: 'asm', source: text },
      machine: { kernel: config.kernel, kvmCapMte: config.kvmMte, tcf: config.tcf, tcma0: config.tcma0, tcma1: config.tcma1, tco: config.tco, gcrExclude: config.gcrExclude },
    });
    history.replaceState(null, '', `#${fragment}`);
  }, 400);
}
