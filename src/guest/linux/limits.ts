/**
 * Resource limits of one guest process, so that a runaway or hostile program stops with a message instead of
 * exhausting the page or the host (docs/RELIABILITY.md lists each limit, its default and what the user sees).
 * Where Linux has the same limit, the guest sees what Linux would show it (ENOMEM); where the limit is
 * Tagscope's own, the run stops with a sentence naming the limit.
 */
export interface ProcessLimits {
  /** Guest memory the process may populate (pages actually touched, page tables excluded), in bytes. */
  memoryBytes: number;
  /** Total size of all mappings, like RLIMIT_AS: mmap, brk and mremap beyond it fail with ENOMEM. */
  addressSpaceBytes: number;
  /** vm.max_map_count: a call that would need more mappings fails with ENOMEM. */
  maxMapCount: number;
  /** Bytes kept of stdout and of stderr each; the rest is dropped after a visible notice. */
  outputBytes: number;
  /** Events delivered to the event log (syscalls, faults, signals, demand pages…) before the run stops. */
  maxEvents: number;
}

export const DEFAULT_LIMITS: ProcessLimits = {
  memoryBytes: 1 << 30,
  addressSpaceBytes: 2 ** 36,
  maxMapCount: 65_530,
  outputBytes: 16 << 20,
  maxEvents: 1_000_000,
};

/** A limit of `ProcessLimits` was reached where the guest cannot be told (a page fault): the run stops. */
export class ResourceLimitError extends Error {}

const MiB = 1 << 20;
export const formatBytes = (n: number): string => (n % MiB === 0 ? `${n / MiB} MiB` : `${n} bytes`);

/** The line appended to a stream once its limit is reached. */
export const truncationNotice = (limit: number): string => `\n[tagscope: output truncated after ${limit} bytes]\n`;
