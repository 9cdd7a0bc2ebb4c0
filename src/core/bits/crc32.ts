/**
 * CRC32 and CRC32C as the A64 CRC32* instructions compute them: the bit-reflected polynomials
 * 0x04C11DB7 and 0x1EDC6F41, with no inversion of the accumulator before or after (Arm ARM C6.2, CRC32B).
 */

function reflectedTable(poly: number): Int32Array {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c;
  }
  return t;
}

export const CRC32_TABLE = reflectedTable(0xedb88320);
export const CRC32C_TABLE = reflectedTable(0x82f63b78);

/** Folds the low `bytes` bytes of `data` (least significant first) into the accumulator `acc`. */
export function crc32Update(table: Int32Array, acc: number, data: number, bytes: number): number {
  for (let i = 0; i < bytes; i++) {
    acc = table[(acc ^ data) & 0xff] ^ (acc >>> 8);
    data >>>= 8;
  }
  return acc;
}
