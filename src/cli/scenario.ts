/** `tagscope scenario ID|FILE|URL [--json]`: runs a scenario headless and prints its event log, one line per event. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFragment, scenarioFromJson, type Decoded } from '../scenario/codec.ts';
import { preset, presets } from '../scenario/presets/index.ts';
import { formatEvent, Session } from '../engine/session.ts';
import { diag, ExitStatus, out } from './io.ts';
import { UsageError } from './run.ts';

/** Bundled programs (public/programs/NAME.elf), read from the project. */
const bundledLoader = async (name: string): Promise<Uint8Array> => readFileSync(join(process.cwd(), 'public', 'programs', `${name}.elf`));

function decode(arg: string): Decoded {
  const p = preset(arg);
  if (p !== undefined) return { ok: true, scenario: p };
  if (arg.includes('#') || arg.startsWith('s=')) return decodeFragment(arg);
  let text: string;
  try {
    text = readFileSync(arg, 'utf8');
  } catch {
    throw new UsageError(`"${arg}" is neither a preset (${presets.map((x) => x.id).join(', ')}), a scenario link, nor a readable file`);
  }
  return scenarioFromJson(text);
}

export async function scenarioCommand(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const rest = argv.filter((a) => a !== '--json');
  if (rest.length !== 1) throw new UsageError('scenario needs one preset id, scenario file or link: tagscope scenario S7 [--json]');
  const d = decode(rest[0]);
  if (!d.ok) {
    diag(d.error);
    return ExitStatus.usage;
  }
  const r = await Session.load(d.scenario, bundledLoader);
  if (!r.ok) {
    diag(r.error);
    return ExitStatus.usage;
  }
  const s = r.session;
  s.runScript();
  out(s.events.map((e) => `${json ? JSON.stringify(e) : formatEvent(e)}\n`).join(''));
  return 0;
}
