import { describe, expect, test } from 'vitest';
import { harness } from './kernel.ts';

const AT = { PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, ENTRY: 9, UID: 11, PLATFORM: 15, HWCAP: 16, RANDOM: 25, HWCAP2: 26, EXECFN: 31, MINSIGSTKSZ: 51 };

function startup(argv: string[], env: string[]) {
  const h = harness({ argv, env });
  const sp = h.p.cpu.getX(31);
  const word = (i: number) => h.p.user.readU64(sp + 8n * BigInt(i))!;
  const str = (va: bigint) => h.p.user.readCString(va)!;
  const argc = Number(word(0));
  const args = Array.from({ length: argc }, (_, i) => str(word(1 + i)));
  let i = 2 + argc;
  const envs: string[] = [];
  for (; word(i) !== 0n; i++) envs.push(str(word(i)));
  const auxv = new Map<number, bigint>();
  for (i++; word(i) !== 0n; i += 2) auxv.set(Number(word(i)), word(i + 1));
  return { h, sp, argc, args, argvNull: word(1 + argc), envs, auxv, str };
}

describe('initial process stack (create_elf_tables)', () => {
  test('argc, argv, NULL, envp, NULL, then the auxiliary vector, with SP 16-byte aligned', () => {
    const s = startup(['prog', 'one', 'two words', ''], ['A=1', 'HOME=/']);
    expect(s.sp % 16n).toBe(0n);
    expect(s.argc).toBe(4);
    expect(s.args).toEqual(['prog', 'one', 'two words', '']);
    expect(s.argvNull).toBe(0n);
    expect(s.envs).toEqual(['A=1', 'HOME=/']);
  });

  test('the auxiliary vector advertises MTE and MTE3 in AT_HWCAP2 and describes the image', () => {
    const { auxv, str, h } = startup(['prog'], []);
    expect(auxv.get(AT.HWCAP2)! & ((1n << 18n) | (1n << 22n))).toBe((1n << 18n) | (1n << 22n));
    expect(auxv.get(AT.PAGESZ)).toBe(4096n);
    expect(auxv.get(AT.ENTRY)).toBe(0x400000n);
    expect(auxv.get(AT.PHENT)).toBe(56n);
    expect(auxv.get(AT.PHNUM)).toBe(2n);
    expect(auxv.get(AT.UID)).toBe(1000n);
    expect(auxv.get(AT.MINSIGSTKSZ)).toBe(4720n);
    expect(str(auxv.get(AT.PLATFORM)!)).toBe('aarch64');
    expect(str(auxv.get(AT.EXECFN)!)).toBe('prog');
    expect(h.p.user.read(auxv.get(AT.RANDOM)!, 16)!.length).toBe(16);
  });

  test('AT_RANDOM is deterministic: two processes see the same 16 bytes', () => {
    const a = startup(['p'], []);
    const b = startup(['p'], []);
    expect(a.h.p.user.read(a.auxv.get(AT.RANDOM)!, 16)).toEqual(b.h.p.user.read(b.auxv.get(AT.RANDOM)!, 16));
  });

  test('a fresh process has PSTATE.TCO 0, TCF0 none and the exclude-all GCR (MTE.md §7)', () => {
    const { h } = startup(['p'], []);
    expect(h.p.cpu.tco).toBe(0);
    expect((h.p.cpu.sys.SCTLR_EL1 >> 38n) & 3n).toBe(0n);
    expect(h.p.cpu.sys.GCR_EL1 & 0xffffn).toBe(0xffffn);
  });
});
