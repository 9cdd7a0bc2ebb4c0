/**
 * Turns the machine into deltas for the UI: only what changed since the last delta. Shadow copies of the
 * registers, granule cells and page flags are compared at post time (at most once per frame), which costs
 * nothing on the interpreter's hot path.
 */
import { S1, S2 } from '../core/mmu/descriptors.ts';
import { FrameFlag, GRANULES_PER_PAGE, PAGE_SIZE } from '../core/mem/physmem.ts';
import { MAIR_TAGGED } from '../core/mmu/descriptors.ts';
import type { Machine } from '../core/machine.ts';
import { Prot } from '../guest/linux/abi.ts';
import type { LinuxProcess } from '../guest/linux/process.ts';
import { hex64 } from './format.ts';
import { Cell, PageFlag, type Delta, type MteSysregs, type PageInfo, type WalkLevel } from './protocol.ts';

export const REG_WORDS = 68;

/** Mapping attributes of the page at `va`, read from the stage-1 (and stage-2) tables. */
export function pageInfo(m: Machine, va: number, owner: string): PageInfo {
  const w = m.bus.walkStage1(va);
  if (!w.ok) return { va, pa: -1, owner, memory: 'normal', perms: '---', attrIndx: -1, s2MemAttr: null };
  const d = w.descriptor;
  const attrIndx = S1.attrIndx(d);
  const mair = m.bus.mair[attrIndx];
  let s2MemAttr: number | null = null;
  let pa = w.outputAddress - (w.outputAddress % PAGE_SIZE);
  if (m.bus.stage2 !== null) {
    const s2 = m.bus.walkStage2(pa);
    s2MemAttr = s2.ok ? S2.memAttr(s2.descriptor) : null;
    pa = s2.ok ? s2.outputAddress - (s2.outputAddress % PAGE_SIZE) : -1;
  }
  const memory = mair === MAIR_TAGGED && (s2MemAttr === null || s2MemAttr === 0b1111) ? 'tagged' : (mair & 0xf0) === 0 ? 'device' : 'normal';
  const perms = `${S1.apEl0(d) ? 'r' : '-'}${S1.apReadOnly(d) ? '-' : 'w'}${S1.uxn(d) ? '-' : 'x'}`;
  return { va, pa, owner, memory, perms, attrIndx, s2MemAttr };
}

export function walkLevels(m: Machine, va: number): WalkLevel[] {
  return m.bus.walkStage1(va).steps.map((s) => ({ level: s.level, descriptorAddress: s.descriptorAddress, descriptor: hex64(s.descriptor) }));
}

function cellOf(m: Machine, page: PageInfo, granule: number): number {
  if (page.memory === 'device') return Cell.Device;
  if (page.memory === 'normal' || page.pa < 0) return Cell.Untagged;
  const f = m.phys.peek(page.pa / PAGE_SIZE);
  // PG_mte_tagged clear: the frame's tags were never initialised.
  return f?.tags && (f.flags & FrameFlag.MteTagged) !== 0 ? f.tags[granule] & Cell.TagMask : Cell.NeverInitialised;
}

function flagsOf(m: Machine, page: PageInfo): number {
  const f = page.pa < 0 ? undefined : m.phys.peek(page.pa / PAGE_SIZE);
  if (f === undefined) return 0;
  return ((f.flags & FrameFlag.Dirty) !== 0 ? PageFlag.Dirty : 0) | ((f.flags & FrameFlag.MteTagged) !== 0 ? PageFlag.TagsInitialised : 0);
}

/** The populated pages of the process in VA order, each with the name of its mapping. */
export function populatedPages(p: LinuxProcess): { va: number; owner: string }[] {
  const pages: { va: number; owner: string }[] = [];
  for (const v of p.space.vmas) {
    const owner = `${v.kind}${(v.prot & Prot.MTE) !== 0 ? ' PROT_MTE' : ''}`;
    for (let va = v.start; va < v.end; va += PAGE_SIZE) if (p.space.frameOf(va) !== undefined) pages.push({ va, owner });
  }
  return pages;
}

export function registerFile(m: Machine, out: Uint32Array): void {
  const cpu = m.cpu;
  for (let i = 0; i < 32; i++) {
    out[2 * i] = cpu.lo[i] >>> 0;
    out[2 * i + 1] = cpu.hi[i] >>> 0;
  }
  out[64] = cpu.pc >>> 0;
  out[65] = Math.floor(cpu.pc / 2 ** 32);
  out[66] = cpu.nzcv;
  out[67] = cpu.tco;
}

export function mteSysregs(m: Machine): MteSysregs {
  const s = m.cpu.sys;
  return {
    SCTLR_EL1: hex64(s.SCTLR_EL1), TCR_EL1: hex64(s.TCR_EL1), GCR_EL1: hex64(s.GCR_EL1), RGSR_EL1: hex64(s.RGSR_EL1),
    TFSR_EL1: hex64(s.TFSR_EL1), TFSRE0_EL1: hex64(s.TFSRE0_EL1), HCR_EL2: hex64(s.HCR_EL2),
  };
}

export type DeltaBody = Pick<Delta, 'regs' | 'regsChanged' | 'sysregs' | 'layout' | 'granuleIndices' | 'granuleValues' | 'pageFlags'>;

export class SnapshotTracker {
  private regs = new Uint32Array(REG_WORDS);
  private layoutKey = '';
  private pages: PageInfo[] = [];
  private cells = new Uint8Array(0);
  private flags = new Uint8Array(0);

  /** The next delta is a full picture (after a load or a replay). */
  reset(): void {
    this.layoutKey = '';
    this.regs.fill(0);
  }

  get layout(): readonly PageInfo[] {
    return this.pages;
  }

  delta(p: LinuxProcess): DeltaBody {
    const m = p.machine;
    let layout: PageInfo[] | undefined;
    const populated = populatedPages(p);
    const key = populated.map((q) => `${q.va}:${q.owner}`).join();
    if (key !== this.layoutKey) {
      this.layoutKey = key;
      layout = populated.map((q) => pageInfo(m, q.va, q.owner));
      this.pages = layout;
      // 0xff is no valid cell value, so every granule is sent after a relayout.
      this.cells = new Uint8Array(layout.length * GRANULES_PER_PAGE).fill(0xff);
      this.flags = new Uint8Array(layout.length);
    }
    const changed: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < this.pages.length; i++) {
      const page = this.pages[i];
      for (let g = 0; g < GRANULES_PER_PAGE; g++) {
        const c = cellOf(m, page, g);
        const k = i * GRANULES_PER_PAGE + g;
        if (this.cells[k] !== c) {
          this.cells[k] = c;
          changed.push(k);
          values.push(c);
        }
      }
      this.flags[i] = flagsOf(m, page);
    }
    const regs = new Uint32Array(REG_WORDS);
    registerFile(m, regs);
    const regsChanged = new Uint32Array(2);
    for (let r = 0; r < REG_WORDS / 2; r++) {
      if (regs[2 * r] !== this.regs[2 * r] || regs[2 * r + 1] !== this.regs[2 * r + 1]) regsChanged[r >> 5] |= 1 << (r & 31);
    }
    this.regs.set(regs);
    return {
      regs, regsChanged, sysregs: mteSysregs(m), layout,
      granuleIndices: Uint32Array.from(changed), granuleValues: Uint8Array.from(values), pageFlags: this.flags.slice(),
    };
  }
}
