/**
 * What the host does to guest memory behind the guest's back (KVM.md §6): swap, discard (balloon),
 * page migration, KSM and fork. Each one tells KVM through the MMU notifier, and each keeps the rule
 * that tags travel with the data of a PG_mte_tagged page.
 */
import { FrameFlag, PAGE_SIZE } from '../core/mem/physmem.ts';
import { because } from './events.ts';
import { MemObject } from './host.ts';
import { Mm } from './mm.ts';

function pageAt(mm: Mm, addr: number): { obj: MemObject; idx: number; pfn: number } | null {
  const vma = mm.find(addr);
  if (vma === undefined || vma.object.kind === 'device') return null;
  const idx = Mm.index(vma, addr);
  const e = vma.object.pages[idx];
  return e === 0 ? null : { obj: vma.object, idx, pfn: e - 1 };
}

/** Swaps the page at `addr` out: data and (when PG_mte_tagged) 128 bytes of tags go to the swap device. */
export function swapOut(mm: Mm, addr: number): boolean {
  const p = pageAt(mm, addr);
  if (p === null || mm.host.refCount(p.pfn) > 1) return false;
  const host = mm.host;
  host.invalidate(p.obj, p.idx, 'swap-out');
  const frame = host.frame(p.pfn);
  const tagged = (frame.flags & FrameFlag.MteTagged) !== 0;
  const slot = host.swapWrite(frame);
  p.obj.pages[p.idx] = 0;
  p.obj.swapSlots.set(p.idx, slot);
  host.freePage(p.pfn);
  host.log.emit('swapOut', { mm: mm.name, addr, pfn: p.pfn, slot, tagBytesSaved: tagged ? 128 : 0 }, because(host.profile, 'KVM.md §6',
    tagged ? 'Swap-out saves the page\'s 256 tags in 128 bytes (two per byte) beside the data, so they can be restored on swap-in.'
      : 'Swap-out of a page that never held tags saves only its data.'));
  return true;
}

/** MADV_DONTNEED (balloon, discard): the pages are freed; the next touch gets a zeroed page with clean tags. */
export function discard(mm: Mm, addr: number, length: number): number {
  let freed = 0;
  for (let a = addr; a < addr + length; a += PAGE_SIZE) {
    const p = pageAt(mm, a);
    if (p === null) continue;
    mm.host.invalidate(p.obj, p.idx, 'discard');
    p.obj.pages[p.idx] = 0;
    if (p.obj.cow !== null) p.obj.cow[p.idx] = 0;
    mm.host.freePage(p.pfn);
    freed++;
  }
  mm.host.log.emit('discard', { mm: mm.name, addr, length, pagesFreed: freed }, because(mm.host.profile, 'KVM.md §6',
    'MADV_DONTNEED frees the pages: when the guest touches them again it gets zeroed data, and KVM clears the tags at the stage-2 fault.'));
  return freed;
}

/** Page migration or compaction: the page moves to a new frame with its data, tags and PG_mte_tagged. */
export function migratePage(mm: Mm, addr: number): number | null {
  const p = pageAt(mm, addr);
  if (p === null || mm.host.refCount(p.pfn) > 1) return null;
  const host = mm.host;
  host.invalidate(p.obj, p.idx, 'page migration');
  const to = host.allocPage();
  host.copyPage(to, host.frame(p.pfn));
  p.obj.pages[p.idx] = to.pfn + 1;
  host.freePage(p.pfn);
  host.log.emit('pageMigration', { mm: mm.name, addr, from: p.pfn, to: to.pfn }, because(host.profile, 'KVM.md §6',
    'Migrating a page copies its tags with its data, so the guest cannot tell the page moved.'));
  return to.pfn;
}

export function madviseMergeable(mm: Mm, addr: number, length: number): void {
  for (const v of mm.vmas) if (v.start < addr + length && v.end > addr) v.mergeable = true;
}

/**
 * One KSM pass over the mergeable mappings of `mms`: pages with identical data are merged into one
 * read-only copy-on-write page, except that a page with PG_mte_tagged is never merged (memcmp_pages on arm64).
 */
export function ksmScan(mms: Mm[]): { merged: number; refusedTagged: number } {
  const stable = new Map<number, { obj: MemObject; idx: number; pfn: number }[]>();
  const taggedHashes = new Set<number>();
  let merged = 0;
  let refusedTagged = 0;
  const host = mms[0].host;
  for (const mm of mms) {
    for (const v of mm.vmas) {
      if (!v.mergeable || v.object.kind === 'device') continue;
      const obj = v.object;
      for (let idx = v.pgoff; idx < v.pgoff + (v.end - v.start) / PAGE_SIZE; idx++) {
        const e = obj.pages[idx];
        if (e === 0) continue;
        const frame = host.frame(e - 1);
        const hash = pageHash(frame.data);
        const candidates = stable.get(hash) ?? [];
        const twin = candidates.find((c) => c.pfn !== e - 1 && equalPages(host.frame(c.pfn).data, frame.data));
        if ((frame.flags & FrameFlag.MteTagged) !== 0) {
          if (twin !== undefined || taggedHashes.has(hash)) refusedTagged++;
          taggedHashes.add(hash);
          continue;
        }
        if (taggedHashes.has(hash)) refusedTagged++;
        if (twin === undefined) {
          if (!candidates.some((c) => c.pfn === e - 1)) stable.set(hash, [...candidates, { obj, idx, pfn: e - 1 }]);
          continue;
        }
        host.invalidate(obj, idx, 'KSM merge');
        host.addRef(twin.pfn);
        host.freePage(e - 1);
        obj.pages[idx] = twin.pfn + 1;
        (obj.cow ??= new Uint8Array(obj.pageCount))[idx] = 1;
        (twin.obj.cow ??= new Uint8Array(twin.obj.pageCount))[twin.idx] = 1;
        host.invalidate(twin.obj, twin.idx, 'KSM merge');
        merged++;
      }
    }
  }
  host.log.emit('ksm', { merged, refusedTagged }, because(host.profile, 'KVM.md §6',
    refusedTagged > 0 ? `KSM merged ${merged} identical page(s) and refused ${refusedTagged}: a page with PG_mte_tagged is never merged, because one shared copy cannot hold two sets of tags.`
      : `KSM merged ${merged} identical untagged page(s).`));
  return { merged, refusedTagged };
}

/** FNV-1a over the page's words: a cheap key before a full comparison. */
function pageHash(data: Uint8Array): number {
  const words = new Int32Array(data.buffer, data.byteOffset, PAGE_SIZE / 4);
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return h >>> 0;
}

function equalPages(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < PAGE_SIZE; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** fork(): the child shares the parent's private pages copy-on-write; shared mappings stay shared. */
export function fork(parent: Mm, name: string): Mm {
  const child = new Mm(parent.host, name);
  for (const v of parent.vmas) {
    let object = v.object;
    if (!v.shared) {
      const src = v.object;
      object = new MemObject(src.kind, src.pageCount);
      object.pages.set(src.pages);
      src.cow ??= new Uint8Array(src.pageCount);
      object.cow = new Uint8Array(src.pageCount);
      for (let i = 0; i < src.pageCount; i++) {
        if (src.pages[i] === 0) continue;
        parent.host.addRef(src.pages[i] - 1);
        src.cow[i] = 1;
        object.cow[i] = 1;
        parent.host.invalidate(src, i, 'fork');
      }
    }
    child.vmas.push({ ...v, object });
  }
  return child;
}
