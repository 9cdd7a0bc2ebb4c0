/**
 * Advanced SIMD load/store structures (Arm ARM C4.1.92): LD1–LD4/ST1–ST4 multiple structures, single
 * structure (one lane), and LD1R–LD4R (load and replicate), without offset or post-indexed by an
 * immediate (Rm = 31) or a register. The whole footprint is translated and tag checked first (checked when
 * `wback || n != 31`, MTE.md §2.5), so a fault changes no register and no memory.
 */
import { rx, type CpuState } from '../../../cpu/state.ts';
import { AccessKind } from '../../../mte/check.ts';
import { defineOperandKinds, one } from '../../operands.ts';
import type { Fields, InsnDef, Op, OperandKind } from '../../types.ts';
import { carryHi, readSized, writeSized } from './access.ts';
import { bin } from './single.ts';

// ---- lanes of V registers --------------------------------------------------------------------------

let laneHi = 0;

/** Lane `e` of `ebytes` bytes of V[reg], zero-extended; the high half of a D lane is left in `laneHi`. */
function getLane(v: Int32Array, reg: number, e: number, ebytes: number): number {
  const base = reg << 2;
  switch (ebytes) {
    case 8: laneHi = v[base + 2 * e + 1]; return v[base + 2 * e];
    case 4: return v[base + e];
    case 2: return (v[base + (e >> 1)] >>> ((e & 1) << 4)) & 0xffff;
    default: return (v[base + (e >> 2)] >>> ((e & 3) << 3)) & 0xff;
  }
}

function setLane(v: Int32Array, reg: number, e: number, ebytes: number, lo: number, hi: number): void {
  const base = reg << 2;
  switch (ebytes) {
    case 8: v[base + 2 * e] = lo; v[base + 2 * e + 1] = hi; return;
    case 4: v[base + e] = lo; return;
    case 2: {
      const w = base + (e >> 1);
      const sh = (e & 1) << 4;
      v[w] = (v[w] & ~(0xffff << sh)) | ((lo & 0xffff) << sh);
      return;
    }
    default: {
      const w = base + (e >> 2);
      const sh = (e & 3) << 3;
      v[w] = (v[w] & ~(0xff << sh)) | ((lo & 0xff) << sh);
    }
  }
}

/** Element `e` of V[reg] ↔ memory at `offset` bytes from (hi, lo); the footprint was probed, so unchecked. */
function transferLane(s: CpuState, load: boolean, reg: number, e: number, ebytes: number, hi: number, lo: number, offset: number): void {
  const sum = (lo >>> 0) + offset;
  const ahi = carryHi(hi, sum);
  if (load) {
    const vlo = readSized(s, ahi, sum | 0, ebytes, false);
    setLane(s.vreg, reg, e, ebytes, vlo, s.bus.rhi);
  } else {
    const vlo = getLane(s.vreg, reg, e, ebytes);
    writeSized(s, ahi, sum | 0, ebytes, vlo, laneHi, false);
  }
}

const clearHigh = (s: CpuState, reg: number): void => {
  s.vreg[(reg << 2) + 2] = 0;
  s.vreg[(reg << 2) + 3] = 0;
};

// ---- addressing --------------------------------------------------------------------------------------

type Post = 'none' | 'imm' | 'reg';

/** Probe the footprint, move the data, then post-index by its size (Rm = 31) or by Xm. */
function structureMode(n: number, post: Post, m: number, bytes: number, load: boolean, body: (s: CpuState, hi: number, lo: number) => void): Op {
  const checked = post !== 'none' || n !== 31;
  const kind = load ? AccessKind.Read : AccessKind.Write;
  return (s) => {
    const hi = s.hi[n];
    const lo = s.lo[n];
    s.bus.probe(hi, lo, bytes, kind, checked);
    body(s, hi, lo);
    if (post !== 'none') {
      const addLo = post === 'imm' ? bytes : s.lo[m];
      const addHi = post === 'imm' ? 0 : s.hi[m];
      const sum = (lo >>> 0) + (addLo >>> 0);
      s.lo[n] = sum | 0;
      s.hi[n] = carryHi(hi + addHi, sum);
    }
    s.pc += 4;
  };
}

/** Multiple structures: `rpt` groups of `selem`-register structures, elements interleaved in memory. */
function multiple(load: boolean, t: number, q: number, size: number, rpt: number, selem: number): (s: CpuState, hi: number, lo: number) => void {
  const ebytes = 1 << size;
  const elements = (8 << q) / ebytes;
  return (s, hi, lo) => {
    let offset = 0;
    for (let r = 0; r < rpt; r++) {
      for (let e = 0; e < elements; e++) {
        for (let k = 0; k < selem; k++) {
          transferLane(s, load, (t + r + k) & 31, e, ebytes, hi, lo, offset);
          offset += ebytes;
        }
      }
    }
    if (load && q === 0) for (let k = 0; k < rpt * selem; k++) clearHigh(s, (t + k) & 31);
  };
}

/** One lane `index` of `selem` consecutive registers; the other lanes are unchanged. */
function single(load: boolean, t: number, index: number, ebytes: number, selem: number): (s: CpuState, hi: number, lo: number) => void {
  return (s, hi, lo) => {
    for (let k = 0; k < selem; k++) transferLane(s, load, (t + k) & 31, index, ebytes, hi, lo, k * ebytes);
  };
}

/** LDnR: each of `selem` elements replicated to every lane of its register. */
function replicate(t: number, q: number, size: number, selem: number): (s: CpuState, hi: number, lo: number) => void {
  const ebytes = 1 << size;
  const elements = (8 << q) / ebytes;
  return (s, hi, lo) => {
    for (let k = 0; k < selem; k++) {
      const reg = (t + k) & 31;
      transferLane(s, true, reg, 0, ebytes, hi, lo, k * ebytes);
      const vlo = getLane(s.vreg, reg, 0, ebytes);
      const vhi = laneHi;
      for (let e = 1; e < elements; e++) setLane(s.vreg, reg, e, ebytes, vlo, vhi);
      if (q === 0) clearHigh(s, reg);
    }
  };
}

// ---- operand kinds -----------------------------------------------------------------------------------

const ARRANGEMENTS = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'];
const ELEMENT_NAMES = ['b', 'h', 's', 'd'];

/** Parses `{v1.4s,v2.4s}`: the first register and the common suffix, or null unless `count` consecutive registers. */
function parseList(text: string, count: number): { t: number; suffix: string; length: number } | null {
  const m = /^\{((?:v\d+\.[0-9]*[bhsd],?)+)\}/.exec(text);
  if (!m) return null;
  const regs = m[1].split(',');
  if (regs.length !== count || regs.some((r) => r === '')) return null;
  const parsed = regs.map((r) => /^v(\d+)\.(.+)$/.exec(r)!);
  const t = Number(parsed[0][1]);
  const suffix = parsed[0][2];
  if (t > 31 || parsed.some((p, k) => Number(p[1]) !== ((t + k) & 31) || p[2] !== suffix)) return null;
  return { t, suffix, length: m[0].length };
}

const listText = (t: number, count: number, suffix: string): string =>
  `{ ${Array.from({ length: count }, (_, k) => `v${(t + k) & 31}.${suffix}`).join(', ')} }`;

/** `{ v0.16b, v1.16b }`: letters `tqz` (Rt, Q, size). */
function vectorList(count: number): OperandKind {
  return {
    print: (f, l) => listText(f[l[0]], count, ARRANGEMENTS[(f[l[2]] << 1) | f[l[1]]]),
    parse(text, l, f) {
      const p = parseList(text, count);
      const a = p ? ARRANGEMENTS.indexOf(p.suffix) : -1;
      if (!p || a < 0) return -1;
      [f[l[0]], f[l[1]], f[l[2]]] = [p.t, a & 1, a >> 1];
      return p.length;
    },
  };
}

/** `{ v0.s, v1.s }[3]`: letters `tx` (Rt, lane index); the element size is the kind's. */
function laneList(count: number, size: number): OperandKind {
  const name = ELEMENT_NAMES[size];
  return {
    print: (f, l) => `${listText(f[l[0]], count, name)}[${f[l[1]]}]`,
    parse(text, l, f, ctx) {
      const p = parseList(text, count);
      const m = p && p.suffix === name ? /^\[(\d+)\]/.exec(text.slice(p.length)) : null;
      if (!p || !m || Number(m[1]) >= 2 ** ctx.fieldWidth(l[1])) return -1;
      [f[l[0]], f[l[1]]] = [p.t, Number(m[1])];
      return p.length + m[0].length;
    },
  };
}

/** The post-index immediate `#bytes`, where bytes = unit << field (Q for multiple structures, size for LDnR). */
function postImmediate(unit: number): OperandKind {
  return {
    print: (f, l) => `#${unit << one(f, l)}`,
    parse(text, l, f) {
      const m = /^#(\d+)/.exec(text);
      const v = m ? Number(m[1]) / unit : 0;
      if (!m || !Number.isInteger(v) || v < 1 || (v & (v - 1)) !== 0) return -1;
      const field = Math.log2(v);
      if (f[l[0]] !== undefined && f[l[0]] !== field) return -1; // already set by the register list
      f[l[0]] = field;
      return m[0].length;
    },
  };
}

const kinds: Record<string, OperandKind> = {};
for (let count = 1; count <= 4; count++) {
  kinds[`VList${count}`] = vectorList(count);
  kinds[`MultiPost${count}`] = postImmediate(8 * count);
  kinds[`RepPost${count}`] = postImmediate(count);
  for (let size = 0; size < 4; size++) kinds[`VLane${count}${ELEMENT_NAMES[size]}`] = laneList(count, size);
}
defineOperandKinds(kinds);

// ---- rows ----------------------------------------------------------------------------------------------

/** Addressing variants: bits 23 and 20:16, the address syntax, and the post-index kind. */
const MODES: { id: string; post: Post; bit23: string; rm: string; address: (imm: string) => string; when?: (f: Fields) => boolean }[] = [
  { id: 'none', post: 'none', bit23: '0', rm: '00000', address: () => '[{XSP:n}]' },
  { id: 'postimm', post: 'imm', bit23: '1', rm: '11111', address: (imm) => `[{XSP:n}], ${imm}` },
  { id: 'postreg', post: 'reg', bit23: '1', rm: 'mmmmm', address: () => '[{XSP:n}], {X:m}', when: (f) => f.m !== 31 },
];

/** Multiple structures by opcode: register count and structure size. */
const MULTIPLE = [
  { opcode: '0000', rpt: 1, selem: 4 }, { opcode: '0010', rpt: 4, selem: 1 }, { opcode: '0100', rpt: 1, selem: 3 },
  { opcode: '0110', rpt: 3, selem: 1 }, { opcode: '0111', rpt: 1, selem: 1 }, { opcode: '1000', rpt: 1, selem: 2 },
  { opcode: '1010', rpt: 2, selem: 1 },
];

function multipleRows(): InsnDef[] {
  const out: InsnDef[] = [];
  for (const { opcode, rpt, selem } of MULTIPLE) {
    const count = rpt * selem;
    for (const load of [true, false]) {
      const name = `${load ? 'ld' : 'st'}${selem}`;
      for (const mode of MODES) {
        out.push({
          id: `${name.toUpperCase()}_multiple${count}_${mode.id}`,
          pattern: `0q001100${mode.bit23}${load ? 1 : 0}0${mode.rm}${opcode}zznnnnnttttt`,
          syntax: `${name} {VList${count}:tqz}, ${mode.address(`{MultiPost${count}:q}`)}`,
          // The 1D arrangement exists only for LD1/ST1.
          when: (f) => (selem === 1 || f.z !== 3 || f.q === 1) && (mode.when?.(f) ?? true),
          exec: (f) => structureMode(f.n, mode.post, rx(f.m), count * (8 << f.q), load,
            multiple(load, f.t, f.q, f.z, rpt, selem)),
        });
      }
    }
  }
  return out;
}

/**
 * Single-structure rows by element size: opcode<2:1> and the S:size bits. The lane index `x` is Q with the
 * S:size bits the element size leaves free (B: Q:S:size, H: Q:S:size<1>, S: Q:S, D: Q).
 */
const LANES = [
  { size: 0, opcode: '00', bits: 'xxx' },
  { size: 1, opcode: '01', bits: 'xx0' },
  { size: 2, opcode: '10', bits: 'x00' },
  { size: 3, opcode: '10', bits: '001' },
];

function singleRows(): InsnDef[] {
  const out: InsnDef[] = [];
  for (let selem = 1; selem <= 4; selem++) {
    const r = (selem - 1) & 1;
    const o0 = (selem - 1) >> 1;
    for (const load of [true, false]) {
      const name = `${load ? 'ld' : 'st'}${selem}`;
      for (const lane of LANES) {
        const ebytes = 1 << lane.size;
        for (const mode of MODES) {
          out.push({
            id: `${name.toUpperCase()}_lane${ELEMENT_NAMES[lane.size]}_${mode.id}`,
            pattern: `0x001101${mode.bit23}${load ? 1 : 0}${r}${mode.rm}${lane.opcode}${o0}${lane.bits}nnnnnttttt`,
            syntax: `${name} {VLane${selem}${ELEMENT_NAMES[lane.size]}:tx}, ${mode.address(`#${selem * ebytes}`)}`,
            when: mode.when,
            exec: (f) => structureMode(f.n, mode.post, rx(f.m), selem * ebytes, load, single(load, f.t, f.x, ebytes, selem)),
          });
        }
      }
    }
  }
  return out;
}

function replicateRows(): InsnDef[] {
  const out: InsnDef[] = [];
  for (let selem = 1; selem <= 4; selem++) {
    const name = `ld${selem}r`;
    for (const mode of MODES) {
      out.push({
        id: `${name.toUpperCase()}_${mode.id}`,
        pattern: `0q001101${mode.bit23}1${(selem - 1) & 1}${mode.rm}11${(selem - 1) >> 1}0zznnnnnttttt`,
        syntax: `${name} {VList${selem}:tqz}, ${mode.address(`{RepPost${selem}:z}`)}`,
        when: mode.when,
        exec: (f) => structureMode(f.n, mode.post, rx(f.m), selem << f.z, true, replicate(f.t, f.q, f.z, selem)),
      });
    }
  }
  return out;
}

export const rows: InsnDef[] = [...multipleRows(), ...singleRows(), ...replicateRows()];
