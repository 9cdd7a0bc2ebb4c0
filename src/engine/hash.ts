/**
 * The session's state hash: the whole architectural state of the processing element and every physical
 * frame (src/core/machineHash.ts; in vm mode the host's memory, which holds guest RAM, both stages' tables
 * and the VMM's), plus the process's and the hypervisor's own state and the event count.
 */
import { machineHash } from '../core/machineHash.ts';
import type { World } from './world.ts';

function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function stateHash(w: World, events: number, actionIndex: number): string {
  const p = w.process;
  const parts: unknown[] = [events, actionIndex];
  if (p !== null) {
    parts.push(p.state, p.status, p.instructions, p.steps, p.brk, p.stdout.bytes().length, p.signals.blocked.toString(16), p.vmas.map((v) => [v.start, v.end, v.prot]));
  }
  const vm = w.vm;
  if (vm !== null) {
    parts.push(vm.vm.mteEnabled, vm.vm.vcpus.length, vm.host.pagesInUse, vm.host.swapTagBytes, vm.slots.map((s) => [s.slot, s.ipa, s.hva]));
    for (const s of vm.vm.slots) parts.push(s.dirty === null ? null : Array.from(s.dirty));
    for (const v of vm.vmm.mm.vmas) parts.push([v.start, v.end, v.mte, Array.from(v.object.pages.subarray(0, 4096))]);
  }
  const machine = p?.machine ?? w.vm?.vcpu.machine;
  return `${machine === undefined ? '' : machineHash(machine)}${fnv(JSON.stringify(parts))}`;
}
