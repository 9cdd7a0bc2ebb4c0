/**
 * vm-memory: a 1 GiB guest whose program touches 64 MiB, run through the engine under the KVM model.
 * Host memory is what the model holds (host frames + swap) and what the process's array buffers grew by.
 */
import { Session } from '../src/engine/session.ts';
import { RAM_IPA } from '../src/hyp/launch.ts';
import { BUF, mapBuffer, mov64, program } from '../src/scenario/presets/asm.ts';
import { ScenarioSchema } from '../src/scenario/schema.ts';

const GUEST_BYTES = 1 << 30;
const TOUCHED_BYTES = 64 << 20;

export function benchVmMemory(): { guestBytes: number; touchedBytes: number; hostBytesUsed: number; arrayBufferBytes: number; seconds: number } {
  const source = program(mapBuffer(TOUCHED_BYTES / 4096, true), mov64('x9', BUF), mov64('x12', TOUCHED_BYTES / 4096), 'touch:', 'stg x9, [x9]', 'str x12, [x9]', 'add x9, x9, #1, lsl #12', 'subs x12, x12, #1', 'b.ne touch');
  const before = process.memoryUsage().arrayBuffers;
  const t0 = performance.now();
  const r = Session.fromScenario(ScenarioSchema.parse({
    version: 1, program: { kind: 'asm', source }, machine: { mode: 'vm', memslots: [{ ipa: RAM_IPA, size: GUEST_BYTES, backing: 'anonymous' }] },
  }), { maxCheckpointBytes: 0 });
  if (!r.ok) throw new Error(r.error);
  const s = r.session;
  s.run(10_000_000);
  if (s.status !== 'exited') throw new Error(`vm-memory guest did not exit: ${s.status} ${s.message}`);
  const seconds = (performance.now() - t0) / 1000;
  return { guestBytes: GUEST_BYTES, touchedBytes: TOUCHED_BYTES, hostBytesUsed: s.machine.vm!.host.bytesUsed, arrayBufferBytes: process.memoryUsage().arrayBuffers - before, seconds };
}
