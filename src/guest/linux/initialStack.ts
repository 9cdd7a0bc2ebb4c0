/**
 * The initial process stack as fs/binfmt_elf.c create_elf_tables() lays it out: strings at the top
 * (execfn, envp, argv, then the platform string and AT_RANDOM bytes), then, 16-aligned, argc, argv[],
 * NULL, envp[], NULL and the auxiliary vector.
 */
import { At, HWCAP, HWCAP2_MTE, HWCAP2_MTE3 } from './abi.ts';
import { SIGFRAME_MINSIGSTKSZ } from './signals.ts';
import type { ElfImage } from '../elf.ts';

export interface StackImage {
  /** Lowest address written; the bytes run from here to `top`. */
  base: number;
  bytes: Uint8Array;
  /** Initial SP (points at argc). */
  sp: number;
}

export interface StackInputs {
  argv: string[];
  env: string[];
  execfn: string;
  /** 16 bytes for AT_RANDOM. */
  random: Uint8Array;
  mteLevel: number;
  uid: number;
  gid: number;
}

export const HWCAP_VALUE = Object.values(HWCAP).reduce((a, b) => a | b, 0) >>> 0;

export function buildInitialStack(top: number, image: ElfImage, inp: StackInputs): StackImage {
  const enc = new TextEncoder();
  const chunks: { addr: number; bytes: Uint8Array }[] = [];
  let p = top - 8; // bprm->p starts one pointer below the top
  const push = (bytes: Uint8Array): number => {
    p -= bytes.length;
    chunks.push({ addr: p, bytes });
    return p;
  };
  const cstr = (s: string): Uint8Array => enc.encode(`${s}\0`);
  const execfn = push(cstr(inp.execfn));
  const envp = [...inp.env].reverse().map((s) => push(cstr(s))).reverse();
  const argv = [...inp.argv].reverse().map((s) => push(cstr(s))).reverse();
  p -= p % 16;
  const platform = push(cstr('aarch64'));
  const random = push(inp.random.slice(0, 16));
  p -= p % 16;

  const hwcap2 = (inp.mteLevel >= 2 ? HWCAP2_MTE : 0) | (inp.mteLevel >= 3 ? HWCAP2_MTE3 : 0);
  const auxv: [number, number][] = [
    [At.MINSIGSTKSZ, SIGFRAME_MINSIGSTKSZ], [At.HWCAP, HWCAP_VALUE], [At.PAGESZ, 4096], [At.CLKTCK, 100],
    [At.PHDR, image.phdrAddr], [At.PHENT, 56], [At.PHNUM, image.phnum], [At.BASE, 0], [At.FLAGS, 0],
    [At.ENTRY, image.entry], [At.UID, inp.uid], [At.EUID, inp.uid], [At.GID, inp.gid], [At.EGID, inp.gid],
    [At.SECURE, 0], [At.RANDOM, random], [At.HWCAP2, hwcap2], [At.EXECFN, execfn], [At.PLATFORM, platform],
    [At.NULL, 0],
  ];
  const words = [inp.argv.length, ...argv, 0, ...envp, 0, ...auxv.flat()];
  p -= words.length * 8;
  p -= p % 16;
  const table = new Uint8Array(words.length * 8);
  const dv = new DataView(table.buffer);
  words.forEach((w, i) => dv.setBigUint64(i * 8, BigInt(w), true));
  chunks.push({ addr: p, bytes: table });

  const bytes = new Uint8Array(top - p);
  for (const c of chunks) bytes.set(c.bytes, c.addr - p);
  return { base: p, bytes, sp: p };
}
