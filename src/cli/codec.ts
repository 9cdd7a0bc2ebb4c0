/** `tagscope disasm WORD…` and `tagscope asm` (assembly lines on stdin → one hex word per line). */
import { readFileSync } from 'node:fs';
import { AsmError, assembleProgram } from '../core/isa/asm.ts';
import { disassemble } from '../core/isa/disasm.ts';
import { diag, ExitStatus, out } from './io.ts';
import { UsageError } from './run.ts';

const HEX_WORD = /^(0x)?[0-9a-f]{1,8}$/i;

/** Disassembles each word (from the arguments, or whitespace-separated on stdin when none are given). */
export function disasmCommand(argv: string[]): number {
  const words = argv.length > 0 ? argv : readFileSync(0, 'utf8').split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new UsageError('disasm needs instruction words in hex, e.g. tagscope disasm d503201f');
  const bad = words.find((w) => !HEX_WORD.test(w));
  if (bad !== undefined) throw new UsageError(`disasm: "${bad}" is not a 32-bit hex word`);
  out(words.map((w) => `${disassemble(Number.parseInt(w, 16) >>> 0) ?? '<unknown>'}\n`).join(''));
  return 0;
}

/** Assembles stdin; prints each 4-byte word in hex. An error names its line and nothing is printed. */
export function asmCommand(argv: string[]): number {
  if (argv.length > 0) throw new UsageError('asm reads assembly from stdin and takes no arguments');
  const source = readFileSync(0, 'utf8');
  let bytes: Uint8Array;
  try {
    bytes = assembleProgram(source).bytes;
  } catch (e) {
    if (!(e instanceof AsmError)) throw e;
    diag(`asm: ${e.message}`);
    return ExitStatus.usage;
  }
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  padded.set(bytes);
  const dv = new DataView(padded.buffer);
  const lines: string[] = [];
  for (let i = 0; i < padded.length; i += 4) lines.push(`${dv.getUint32(i, true).toString(16).padStart(8, '0')}\n`);
  out(lines.join(''));
  return 0;
}
