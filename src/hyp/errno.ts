/** Linux errno values the KVM model returns, negated as the kernel's ioctl handlers return them. */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  EINTR: 4,
  ENOMEM: 12,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EINVAL: 22,
  ENOTTY: 25,
} as const;

const names = new Map<number, string>(Object.entries(Errno).map(([k, v]) => [v, k]));

/** "-EINVAL" for -22; the number itself when it is not an error. */
export function errnoName(result: number): string {
  return result < 0 ? `-${names.get(-result) ?? String(-result)}` : String(result);
}
