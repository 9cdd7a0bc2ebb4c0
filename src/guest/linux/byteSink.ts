/** A growable byte buffer for a process's output streams, capped: past `limit` it keeps only a notice saying so. */
import { truncationNotice } from './limits.ts';

export class ByteSink {
  private buf = new Uint8Array(256);
  length = 0;
  /** Bytes the program wrote that were dropped after the limit. */
  dropped = 0;

  constructor(readonly limit = Infinity) {}

  /** Appends what fits under the limit (and the notice, the first time it is reached); returns what was kept. */
  push(bytes: Uint8Array): Uint8Array {
    if (this.dropped > 0) {
      this.dropped += bytes.length;
      return bytes.subarray(0, 0);
    }
    const room = this.limit - this.length;
    if (bytes.length <= room) return this.append(bytes);
    this.dropped = bytes.length - room;
    const notice = new TextEncoder().encode(truncationNotice(this.limit));
    const kept = new Uint8Array(room + notice.length);
    kept.set(bytes.subarray(0, room));
    kept.set(notice, room);
    return this.append(kept);
  }

  private append(bytes: Uint8Array): Uint8Array {
    if (this.length + bytes.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + bytes.length));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
    return bytes;
  }

  /** A copy of everything written so far. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
