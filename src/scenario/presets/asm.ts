/**
 * Pieces of the presets' guest programs: small AArch64 assembly that talks to the guest kernel with svc
 * (Linux syscall numbers), so each preset's program reads as the steps of its story.
 */

/** The buffer every preset maps with MAP_FIXED, so actions can name it by guest VA. */
export const BUF = 0x2000_0000;

const SYS = { getpid: 172, mmap: 222, mprotect: 226, openat: 56, exit: 93, rt_sigaction: 134 } as const;
export const PROT_READ_WRITE = 0x3;
export const PROT_MTE = 0x20;
const MAP_PRIVATE_ANONYMOUS_FIXED = 0x32;
const MAP_SHARED_FIXED = 0x11;
const AT_FDCWD = -100;
const O_RDWR = 2;
const SA_NODEFER = 0x40000000;
const SIGSEGV = 11;

/** Loads a 64-bit constant into register `x`. */
export function mov64(x: string, value: number | bigint): string {
  const v = BigInt(value);
  const lines: string[] = [];
  for (let i = 0; i < 4; i++) {
    const part = Number((v >> BigInt(16 * i)) & 0xffffn);
    if (part === 0 && !(i === 0 && v === 0n)) continue;
    lines.push(`${lines.length === 0 ? 'movz' : 'movk'} ${x}, #0x${part.toString(16)}${i > 0 ? `, lsl #${16 * i}` : ''}`);
  }
  return lines.join('\n');
}

export function syscall(name: keyof typeof SYS, ...args: (number | bigint)[]): string {
  return [...args.map((a, i) => mov64(`x${i}`, a)), `mov x8, #${SYS[name]}`, 'svc #0'].join('\n');
}

/** mmap(BUF, pages·4 KiB, PROT_READ|PROT_WRITE[|PROT_MTE], MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0). */
export function mapBuffer(pages: number, mte = true): string {
  return [
    mov64('x0', BUF), mov64('x1', pages * 4096), mov64('x2', PROT_READ_WRITE | (mte ? PROT_MTE : 0)), mov64('x3', MAP_PRIVATE_ANONYMOUS_FIXED),
    'mov x4, #-1', 'mov x5, #0', `mov x8, #${SYS.mmap}`, 'svc #0',
  ].join('\n');
}

/**
 * open(`path`, O_RDWR) then mmap(`va`, `bytes`, PROT_READ|PROT_WRITE|PROT_MTE, MAP_SHARED|MAP_FIXED, fd, 0):
 * a device node's region mapped into the program. `path` is the label of the node's name (.asciz); when the
 * open fails (no such device) the program goes on at `otherwise`.
 */
export function mapDeviceNode(path: string, va: number, bytes: number, otherwise: string): string {
  return [
    `mov x0, #${AT_FDCWD}`, `adr x1, ${path}`, `mov x2, #${O_RDWR}`, `mov x8, #${SYS.openat}`, 'svc #0', `tbnz x0, #63, ${otherwise}`,
    'mov x4, x0', mov64('x0', va), mov64('x1', bytes), mov64('x2', PROT_READ_WRITE | PROT_MTE), mov64('x3', MAP_SHARED_FIXED),
    'mov x5, #0', `mov x8, #${SYS.mmap}`, 'svc #0',
  ].join('\n');
}

/** x9 = BUF with tag `tag` in bits 59:56. */
export function tagged(tag: number, reg = 'x9'): string {
  return `${mov64(reg, BigInt(BUF) | (BigInt(tag) << 56n))}`;
}

let loops = 0;

/** STG of tag `tag` over `granules` granules from BUF (x9 left pointing at BUF with that tag). */
export function colour(tag: number, granules: number): string {
  const loop = `colour_${loops++}`;
  return [tagged(tag), 'mov x10, x9', `mov x11, #${granules}`, `${loop}:`, 'stg x10, [x10], #16', 'subs x11, x11, #1', `b.ne ${loop}`].join('\n');
}

/** A marker the scenario's actions can stop at: getpid(). */
export const marker = syscall('getpid');

export const exit0 = syscall('exit', 0);

/** SIGSEGV handler that resumes at the address in x20 (SA_NODEFER: it can fire again). */
export function resumeOnSegv(): string {
  return [
    mov64('x1', 0x500000), 'adr x2, segv_handler', 'str x2, [x1]', mov64('x2', SA_NODEFER), 'str x2, [x1, #8]',
    mov64('x0', SIGSEGV), 'mov x2, #0', 'mov x3, #8', `mov x8, #${SYS.rt_sigaction}`, 'svc #0',
  ].join('\n');
}

export const segvHandler = 'segv_handler:\nbr x20';

/** A whole program: `_start`, the body, exit(0), and any trailing routines. */
export function program(...parts: string[]): string {
  return ['_start:', ...parts, exit0].join('\n');
}
