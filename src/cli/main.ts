/** The `tagscope` command (ARCHITECTURE.md §4): dispatches to run, disasm, asm and bench. */
import { asmCommand, disasmCommand } from './codec.ts';
import { diag, ExitStatus, out } from './io.ts';
import { runCommand, UsageError } from './run.ts';
import { scenarioCommand } from './scenario.ts';

export const USAGE = `Usage:
  tagscope run PROGRAM.elf [ARGS…] [--max-insns N] [--trace] [--env NAME=VALUE]… [--stdin FILE|-]
      Run a static AArch64 Linux program (with MTE) as a guest process. Its stdout and stderr are
      ours; the exit status is the program's, or 128+N when signal N kills it (139 for SIGSEGV).
      --max-insns N   stop after N instructions (default 1000000000)
      --trace         print each instruction (address, word, disassembly) and each tag-check
                      decision to stderr
      --env NAME=VAL  add to the program's environment (empty by default, for reproducible runs)
      --stdin FILE    the program's standard input ('-' for ours); empty by default
      --vm            run it as a guest process under the KVM model (stage 2, KVM_CAP_ARM_MTE);
                      same output and status as without
      --kernel V      with --vm (implies it): the Linux/KVM version profile, one of
                      5.14, 6.2, 6.12, 6.13 (default), proposal, v2-2020
      Options go before '--'; words after it are passed to the program unchanged.
  tagscope disasm WORD…
      Disassemble 32-bit instruction words given in hex (llvm-mc syntax); <unknown> for an
      unallocated or unimplemented encoding. With no words, reads them from stdin.
  tagscope asm
      Assemble lines from stdin; prints one hex word per line. Errors name the line.
  tagscope scenario ID|FILE|URL [--json]
      Run a scenario headless (a preset S1–S16, a scenario JSON file, or a shared link) and print
      its event log, one line per event ("time kind: title — why"); --json prints one JSON object per
      line. A scenario that is not valid prints the reason and exits 125.
  tagscope bench
      Benchmarks (see docs/CLI.md).

Exit status of Tagscope itself:
  124  the instruction limit was reached before the program ended
  125  bad usage, a missing or unreadable file, an invalid or unsupported ELF, assembly errors,
       or a state the emulation cannot continue from (the message says which)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run': return runCommand(rest);
      case 'disasm': return disasmCommand(rest);
      case 'asm': return asmCommand(rest);
      case 'scenario': return await scenarioCommand(rest);
      case 'bench':
        out('Usage: tagscope bench (benchmarks are not available in this build)\n');
        return 0;
      case '-h': case '--help': case 'help':
        out(USAGE);
        return 0;
      case undefined:
        throw new UsageError('missing command (run, disasm, asm, scenario, bench); see tagscope --help');
      default:
        throw new UsageError(`unknown command "${command}"; see tagscope --help`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      diag(e.message);
      return ExitStatus.usage;
    }
    diag(`internal error: ${e instanceof Error ? e.message : String(e)}`);
    return ExitStatus.usage;
  }
}
