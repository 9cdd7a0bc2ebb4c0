/**
 * prctl(PR_SET/GET_TAGGED_ADDR_CTRL) as arch/arm64/kernel/{process,mte}.c implement it (MTE.md §7):
 * the requested flags are kept as asked (GET returns them), and the CPU's registers get the resolved mode.
 */
import type { CpuState } from '../../core/cpu/state.ts';
import { SCTLR, withField } from '../../core/cpu/sysregs.ts';
import { Errno, PR_MTE_TAG_MASK, PR_MTE_TAG_SHIFT, PR_MTE_TCF_ASYNC, PR_MTE_TCF_SYNC, PR_TAGGED_ADDR_ENABLE } from './abi.ts';

export type TcfMode = 'sync' | 'async' | 'asymm';

/** SCTLR_EL1.TCF0 values (MTE.md §3). */
const TCF0: Record<TcfMode, number> = { sync: 1, async: 2, asymm: 3 };
const GCR_RRND = 1n << 16n;

export interface TagCtrlConfig {
  /** /sys/devices/system/cpu/cpuN/mte_tcf_preferred: Linux's default is async. */
  preferred: TcfMode;
}

/**
 * Resolves the requested modes to one: the CPU's preferred mode when it was requested, otherwise asymmetric
 * (both sync and async requested, on MTE3), async, then sync (mte_update_sctlr_user).
 */
export function resolveTcf(flags: number, cpu: CpuState, cfg: TagCtrlConfig): TcfMode | null {
  const requested = new Set<TcfMode>();
  if (flags & PR_MTE_TCF_SYNC) requested.add('sync');
  if (flags & PR_MTE_TCF_ASYNC) requested.add('async');
  if (requested.has('sync') && requested.has('async') && cpu.sys.mteLevel >= 3) requested.add('asymm');
  if (requested.has(cfg.preferred)) return cfg.preferred;
  for (const m of ['asymm', 'async', 'sync'] as const) if (requested.has(m)) return m;
  return null;
}

export class TaggedAddrCtrl {
  /** The flags last set, as GET reports them. */
  requested = 0;

  constructor(private readonly cpu: CpuState, private readonly cfg: TagCtrlConfig = { preferred: 'async' }) {}

  /** PR_SET_TAGGED_ADDR_CTRL: returns 0 or a positive errno. */
  set(arg: bigint, rest: readonly bigint[]): number {
    if (rest.some((a) => a !== 0n)) return Errno.EINVAL;
    const mte = this.cpu.sys.mteLevel >= 2;
    const valid = BigInt(PR_TAGGED_ADDR_ENABLE | (mte ? PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC | PR_MTE_TAG_MASK : 0));
    if ((arg & ~valid) !== 0n) return Errno.EINVAL;
    const flags = Number(arg);
    this.requested = flags;
    if (!mte) return 0;
    const include = (flags & PR_MTE_TAG_MASK) >>> PR_MTE_TAG_SHIFT;
    const s = this.cpu.sys;
    s.GCR_EL1 = BigInt(~include & 0xffff) | GCR_RRND;
    const mode = resolveTcf(flags, this.cpu, this.cfg);
    s.SCTLR_EL1 = withField(s.SCTLR_EL1, SCTLR.TCF0, 2, mode === null ? 0 : TCF0[mode]);
    this.cpu.mteGeneration++;
    return 0;
  }

  /** PR_GET_TAGGED_ADDR_CTRL: the value, or a negative errno. */
  get(rest: readonly bigint[]): number {
    if (rest.some((a) => a !== 0n)) return -Errno.EINVAL;
    return this.requested;
  }

  get enabled(): boolean {
    return (this.requested & PR_TAGGED_ADDR_ENABLE) !== 0;
  }
}
