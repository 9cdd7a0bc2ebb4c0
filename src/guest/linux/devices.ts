/**
 * Device regions the VMM put in the guest's memory map (a VFIO/PCI BAR behind a device memslot), exposed
 * to programs as UIO nodes: `open("/dev/uio0")` then `mmap(fd, offset 0)` maps the region into the
 * process, the way a user-space driver reaches its device's registers.
 *
 * Linux's uio driver maps a region Device at stage 1. Tagscope's node maps it Normal, and allows PROT_MTE:
 * a guest driver that maps a BAR as Normal (tagged) memory is exactly the case where only stage 2 decides
 * whether the memory has tags, which is what S9 shows.
 */
import { Errno } from './abi.ts';
import { PAGE } from './addressSpace.ts';

export interface GuestDevice {
  /** The node's path, e.g. /dev/uio0. */
  path: string;
  /** Guest-physical address and size of the region. */
  ipa: number;
  size: number;
}

/** What an open file descriptor refers to: a standard stream, /dev/null, or a device node. */
export type OpenFile = 'stdin' | 'stdout' | 'stderr' | 'null' | GuestDevice;

export const isDevice = (f: OpenFile | undefined): f is GuestDevice => typeof f === 'object';

/** uio_mmap: map N is at offset N·4 KiB (a node has one region, map 0) and may not be larger than it. 0 or a positive errno. */
export function deviceMapError(dev: GuestDevice, length: number, offset: number): number {
  return offset !== 0 || length > dev.size ? Errno.EINVAL : 0;
}

/** The devices of a VM: one UIO node per device region, in memslot order. */
export function uioNodes(regions: readonly { ipa: number; size: number }[]): GuestDevice[] {
  return regions.map((r, i) => ({ path: `/dev/uio${i}`, ipa: r.ipa, size: Math.ceil(r.size / PAGE) * PAGE }));
}
