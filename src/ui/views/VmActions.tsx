/**
 * What the VMM, KVM and the host kernel can do to a guest (KVM.md §2–§7), as buttons, when the program runs
 * as a KVM guest. They act on the selected granule's page (by guest VA, or by IPA when an IPA or a host page
 * is selected); each one's result, errno and why appear in the event log.
 */
import type { HostAction } from '../../worker/protocol.ts';
import { useStore, type Store } from '../store.ts';

type Target = { va: number } | { ipa: number };

const PAGE = 4096;
const hex = (v: number): string => `0x${v.toString(16)}`;

/** The selected granule as an action target: its guest VA, or its IPA. */
function targetOf(sel: Store['selected'], tables: Store['tables']): Target | null {
  if (sel === null) return null;
  if (sel.space === 'va') return { va: sel.address };
  if (sel.space === 'guest') return { ipa: sel.address };
  const row = tables.stage2?.find((r) => sel.address >= r.output && sel.address < r.output + PAGE);
  return row ? { ipa: row.input + (sel.address - row.output) } : null;
}

const pageOf = (t: Target): Target => ('va' in t ? { va: t.va - (t.va % PAGE) } : { ipa: t.ipa - (t.ipa % PAGE) });

const ACTIONS: { label: string; title: string; make: (t: Target) => HostAction; needsTarget: boolean }[] = [
  { label: 'VMM read', title: 'The VMM reads 16 bytes through its plain mapping of guest RAM', make: (t) => ({ do: 'vmmRead', ...t, length: 16, protMte: false }), needsTarget: true },
  { label: 'VMM read (PROT_MTE)', title: 'The VMM maps the page PROT_MTE with tag checks on and reads through a tag-0 pointer', make: (t) => ({ do: 'vmmRead', ...t, length: 16, protMte: true }), needsTarget: true },
  { label: 'VMM write', title: 'The VMM writes 16 bytes through its plain mapping', make: (t) => ({ do: 'vmmWrite', ...t, bytes: 'deadbeef'.repeat(4), protMte: false }), needsTarget: true },
  { label: 'COPY_TAGS from guest', title: 'KVM_ARM_MTE_COPY_TAGS, KVM_ARM_TAGS_FROM_GUEST, one page', make: (t) => ({ do: 'copyTags', direction: 'fromGuest', ...pageOf(t), length: PAGE, reserved: 0 }), needsTarget: true },
  { label: 'COPY_TAGS to guest', title: 'KVM_ARM_MTE_COPY_TAGS, KVM_ARM_TAGS_TO_GUEST, one page (the tags saved last)', make: (t) => ({ do: 'copyTags', direction: 'toGuest', ...pageOf(t), length: PAGE, reserved: 0 }), needsTarget: true },
  { label: 'Swap out', title: 'The host kernel reclaims the page: data to swap, tags to the mteswap store', make: (t) => ({ do: 'swapOut', ...pageOf(t) }), needsTarget: true },
  { label: 'Swap in', title: 'The guest touches the page again: it comes back from swap with its tags', make: (t) => ({ do: 'swapIn', ...pageOf(t) }), needsTarget: true },
  { label: 'Balloon', title: 'The guest gives the page back (MADV_DONTNEED on the host)', make: (t) => ({ do: 'balloon', ...pageOf(t) }), needsTarget: true },
  { label: 'Migrate', title: 'Live migration with dirty logging and COPY_TAGS', make: () => ({ do: 'migrate', copyTags: true, rounds: 2, runBetweenRounds: 0 }), needsTarget: false },
  { label: 'Migrate without tags', title: 'Live migration that copies data only', make: () => ({ do: 'migrate', copyTags: false, rounds: 2, runBetweenRounds: 0 }), needsTarget: false },
  { label: 'VMM remap (tag-capable)', title: 'FEAT_MTE_PERM proposal: the VMM answers KVM_EXIT_ARM_NOTAG_ACCESS by moving the page that exited onto anonymous (tag-capable) memory', make: () => ({ do: 'vmmRemapTagged' }), needsTarget: false },
  { label: 'KSM scan', title: 'The VMM marks guest RAM mergeable and KSM scans it once', make: () => ({ do: 'ksmScan' }), needsTarget: false },
  { label: 'Fork the VMM', title: 'fork(): guest RAM becomes copy-on-write', make: () => ({ do: 'fork' }), needsTarget: false },
  { label: 'Enable KVM_CAP_ARM_MTE', title: 'KVM_ENABLE_CAP(KVM_CAP_ARM_MTE) now (after the vCPU exists)', make: () => ({ do: 'enableCap', cap: 'KVM_CAP_ARM_MTE' }), needsTarget: false },
  { label: 'Create vCPU', title: 'KVM_CREATE_VCPU', make: () => ({ do: 'createVcpu' }), needsTarget: false },
];

export function VmActions() {
  const mode = useStore((s) => s.mode);
  const selected = useStore((s) => s.selected);
  const tables = useStore((s) => s.tables);
  const target = targetOf(selected, tables);
  const running = useStore((s) => s.status === 'running');
  const act = useStore((s) => s.hostAction);
  if (mode !== 'vm') return null;
  const where = target === null ? 'select a granule to act on its page' : 'va' in target ? `guest VA ${hex(target.va)}` : `IPA ${hex(target.ipa)}`;
  return (
    <fieldset className="vm-actions" aria-label="VMM, KVM and host actions" data-testid="vm-actions">
      <legend>VMM, KVM and host</legend>
      <span className="target muted">on {where}:</span>
      {ACTIONS.map((a) => (
        <button key={a.label} type="button" title={a.title} disabled={running || (a.needsTarget && target === null)} onClick={() => act(a.make(target ?? { ipa: 0 }))}>{a.label}</button>
      ))}
    </fieldset>
  );
}
