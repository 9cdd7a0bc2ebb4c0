/**
 * What this browser keeps between visits: the editor's draft, the toggles, the theme, and the program text
 * of the scenario opened last (so that opening a link can tell the user's own edits from a demo's text).
 * Links are read by the store (src/ui/scenario.ts), never from here.
 */
import { MachineSchema } from '../scenario/schema.ts';
import { DEFAULT_CONFIG, type RunConfig } from '../worker/protocol.ts';
import { DEFAULT_PROGRAM } from './defaultProgram.ts';

const PROGRAM_KEY = 'tagscope.program';
const CONFIG_KEY = 'tagscope.config';
const OPENED_KEY = 'tagscope.opened';
const THEME_KEY = 'tagscope.theme';

export interface Saved {
  programText: string;
  config: RunConfig;
  theme: 'light' | 'dark';
  /** Program text of the scenario opened last, null when the draft is the user's own. */
  openedText: string | null;
}

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage full or disabled: the page keeps working, only the draft is not kept.
  }
}

/** The saved machine, checked like a scenario's (a damaged or older entry falls back to the defaults). */
function storedConfig(): RunConfig {
  try {
    const raw = read(CONFIG_KEY);
    const parsed = MachineSchema.safeParse(raw ? JSON.parse(raw) : {});
    return parsed.success ? parsed.data : DEFAULT_CONFIG;
  } catch {
    return DEFAULT_CONFIG;
  }
}

export function loadSaved(): Saved {
  const stored = read(THEME_KEY);
  const theme = stored === 'dark' || (stored === null && matchMedia('(prefers-color-scheme: dark)').matches) ? 'dark' : 'light';
  return { programText: read(PROGRAM_KEY) ?? DEFAULT_PROGRAM, config: storedConfig(), theme, openedText: read(OPENED_KEY) };
}

export function saveDraft(text: string, config: RunConfig): void {
  write(PROGRAM_KEY, text);
  write(CONFIG_KEY, JSON.stringify(config));
}

export function saveOpened(text: string | null): void {
  write(OPENED_KEY, text);
}

export function saveTheme(theme: 'light' | 'dark'): void {
  write(THEME_KEY, theme);
}
