/** Output helpers for the CLI: synchronous writes (the emulator runs synchronously), diagnostics prefixed "tagscope:". */
import { writeSync } from 'node:fs';

/** Exit statuses of Tagscope itself (docs/CLI.md). A program's own status passes through unchanged. */
export const ExitStatus = {
  /** The instruction limit was reached before the program ended. */
  limit: 124,
  /** Bad usage, a missing or unreadable file, an invalid ELF, or input that cannot be assembled. */
  usage: 125,
} as const;

export function writeAll(fd: 1 | 2, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

export const out = (text: string): void => writeAll(1, new TextEncoder().encode(text));
export const err = (text: string): void => writeAll(2, new TextEncoder().encode(text));
/** One line of Tagscope's own diagnostics on stderr. */
export const diag = (message: string): void => err(`tagscope: ${message}\n`);

/** Buffers many short lines (the trace) and writes them to stderr in large chunks. */
export class LineBuffer {
  private parts: string[] = [];
  private size = 0;

  push(line: string): void {
    this.parts.push(line, '\n');
    this.size += line.length + 1;
    if (this.size > 1 << 16) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    err(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}
