/** Number formatting shared by the worker and the UI (no engine imports, so the UI bundle stays small). */

/** `0x` and 16 hex digits for a 64-bit value. */
export const hex64 = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16).padStart(16, '0')}`;

/** `0x` and the shortest hex for an address below 2^53. */
export const hexAddr = (v: number): string => `0x${v.toString(16)}`;

/** The 64-bit value of a lo/hi uint32 pair. */
export const pairToBig = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

/** Parses a 64-bit number typed by a person: hex with or without 0x, decimal with a leading #, underscores allowed. */
export function parseU64(text: string): bigint | null {
  const t = text.trim().replace(/_/g, '').toLowerCase();
  let v: bigint;
  try {
    if (/^#\d+$/.test(t)) v = BigInt(t.slice(1));
    else if (/^(0x)?[0-9a-f]+$/.test(t)) v = BigInt(t.startsWith('0x') ? t : `0x${t}`);
    else return null;
  } catch {
    return null;
  }
  return v < 0n || v >= 1n << 64n ? null : v;
}
