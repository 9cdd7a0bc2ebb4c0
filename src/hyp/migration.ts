/**
 * Live migration as a VMM does it (KVM.md §7): dirty logging on the source, a bulk round then pre-copy
 * rounds, page data copied through the VMMs' plain mappings and tags moved with KVM_ARM_MTE_COPY_TAGS
 * (FROM_GUEST on the source, TO_GUEST on the destination before its vCPUs run). Works on bitmaps and
 * typed arrays only, so a 1 GiB guest migrates in well under a second of model time.
 */
import { PAGE_SIZE } from '../core/mem/physmem.ts';
import { because } from './events.ts';
import { KVM_ARM_TAGS_FROM_GUEST, KVM_ARM_TAGS_TO_GUEST, KVM_MEM_LOG_DIRTY_PAGES, type Memslot, type Vm } from './kvm.ts';
import type { Vmm } from './vmm.ts';

/** Pages whose tags move per COPY_TAGS call (a 64 KiB tag buffer). */
const TAG_CHUNK_PAGES = 256;

export interface MigrationEnd {
  vmm: Vmm;
  vm: Vm;
  slot: number;
}

export interface MigrationOptions {
  /** Move tags with COPY_TAGS (false: data only, as a VMM without MTE support would). */
  copyTags: boolean;
  /** Pre-copy rounds after the bulk round; the guest runs (betweenRounds) before each. */
  rounds?: number;
  betweenRounds?: (round: number) => void;
}

export interface MigrationReport {
  rounds: number;
  pagesCopied: number;
  /** Tag bytes returned by COPY_TAGS FROM_GUEST (one per granule). */
  tagBytes: number;
  /** Pages sent in each round, bulk round first. */
  perRound: number[];
  /** First COPY_TAGS failure, when one happened (0 otherwise). */
  copyTagsError: number;
}

function slotOf(end: MigrationEnd): Memslot {
  const s = end.vm.slots.find((x) => x.slot === end.slot);
  if (s === undefined) throw new Error(`memslot ${end.slot} does not exist`);
  return s;
}

export function migrate(src: MigrationEnd, dst: MigrationEnd, opts: MigrationOptions): MigrationReport {
  const s = slotOf(src);
  const d = slotOf(dst);
  const log = src.vm.host.log;
  const profile = src.vm.profile;
  const report: MigrationReport = { rounds: 0, pagesCopied: 0, tagBytes: 0, perRound: [], copyTagsError: 0 };
  const page = new Uint8Array(PAGE_SIZE);
  const tags = new Uint8Array(TAG_CHUNK_PAGES * 256);
  const srcTagBuf = opts.copyTags ? src.vmm.mmap({ length: tags.length, kind: 'anonymous' }) : 0;
  const dstTagBuf = opts.copyTags ? dst.vmm.mmap({ length: tags.length, kind: 'anonymous' }) : 0;

  const sendRun = (first: number, count: number): void => {
    for (let i = first; i < first + count; i++) {
      src.vmm.readInto(s.userspaceAddr + i * PAGE_SIZE, page, 0, PAGE_SIZE);
      dst.vmm.writeFrom(d.userspaceAddr + i * PAGE_SIZE, page, 0, PAGE_SIZE);
    }
    report.pagesCopied += count;
    if (!opts.copyTags) return;
    for (let at = first; at < first + count; at += TAG_CHUNK_PAGES) {
      const n = Math.min(TAG_CHUNK_PAGES, first + count - at);
      const from = src.vmm.copyTags(src.vm, { guestIpa: s.guestPhysAddr + at * PAGE_SIZE, length: n * PAGE_SIZE, addr: srcTagBuf, flags: KVM_ARM_TAGS_FROM_GUEST });
      if (from < 0) { report.copyTagsError ||= from; continue; }
      report.tagBytes += from / 16;
      src.vmm.readInto(srcTagBuf, tags, 0, from / 16);
      dst.vmm.writeFrom(dstTagBuf, tags, 0, from / 16);
      const to = dst.vmm.copyTags(dst.vm, { guestIpa: d.guestPhysAddr + at * PAGE_SIZE, length: from, addr: dstTagBuf, flags: KVM_ARM_TAGS_TO_GUEST });
      if (to < 0) report.copyTagsError ||= to;
    }
  };

  const sendBitmap = (bitmap: Uint32Array): number => {
    let sent = 0;
    let runStart = -1;
    for (let i = 0; i <= s.pages; i++) {
      const dirty = i < s.pages && ((bitmap[i >>> 5] >>> (i & 31)) & 1) === 1;
      if (dirty && runStart < 0) runStart = i;
      if (!dirty && runStart >= 0) {
        sendRun(runStart, i - runStart);
        sent += i - runStart;
        runStart = -1;
      }
      if (!dirty && i < s.pages && bitmap[i >>> 5] === 0) i |= 31;
    }
    return sent;
  };

  src.vm.setUserMemoryRegion({ ...s, flags: s.flags | KVM_MEM_LOG_DIRTY_PAGES });
  const bitmap = new Uint32Array(Math.ceil(s.pages / 32)).fill(0xffffffff);
  const rounds = opts.rounds ?? 3;
  for (let round = 0; round <= rounds + 1; round++) {
    const sent = sendBitmap(bitmap);
    report.perRound.push(sent);
    report.rounds++;
    log.emit('migration', { round, pagesSent: sent, copyTags: opts.copyTags }, because(profile, 'KVM.md §7', round === 0
      ? `Bulk round: every page's data${opts.copyTags ? ' and tags' : ''} goes to the destination while the guest keeps running.`
      : `Round ${round}: only pages dirtied since the last round (data or tag writes) are sent again${opts.copyTags ? ', tags included' : ''}.`));
    if (round > rounds) break;
    if (round < rounds) opts.betweenRounds?.(round);
    src.vm.getDirtyLog(src.slot, bitmap);
  }
  src.vm.setUserMemoryRegion({ ...s, flags: s.flags & ~KVM_MEM_LOG_DIRTY_PAGES });
  log.emit('migration', { done: true, pagesCopied: report.pagesCopied, tagBytes: report.tagBytes }, because(profile, 'KVM.md §7', opts.copyTags
    ? 'Migration done: the destination holds the guest\'s data and, restored with TO_GUEST before its vCPUs run, its tags.'
    : 'Migration done without tags: the destination pages are not PG_mte_tagged, so KVM clears their tags at first touch and the guest\'s coloured pointers will fault.'));
  return report;
}
