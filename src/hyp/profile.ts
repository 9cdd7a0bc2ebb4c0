/**
 * The kernel-version profile: the one place that says which Linux/KVM behaviour applies (KVM.md §2–§10).
 * Every version-dependent rule in src/hyp reads a field here, and its explanation names the version.
 */
export type KernelVersion = '5.14' | '6.2' | '6.12' | '6.13' | 'proposal' | 'v2-2020';

export interface KernelProfile {
  version: KernelVersion;
  /** Shown beside every explanation, e.g. "Linux 6.2". */
  label: string;
  /** 'v2-2020': the Sept 2020 ABI proposal (KVM.md §10); everything else is the merged design. */
  design: 'merged' | 'v2-2020';
  /** MTE is enabled with KVM_CAP_ARM_MTE per VM (merged) or as a vCPU feature per vCPU (v2). */
  enablePerVcpu: boolean;
  /** v2: KVM makes every normal page given to the guest tagged when it maps it, and refuses untaggable backings. */
  promotesAllPages: boolean;
  /** Shared (memfd/shmem) memslots accepted: 6.2+, thanks to PG_mte_lock (KVM.md §3). */
  sharedSlots: boolean;
  /** hugetlbfs memslots accepted: 6.13+. */
  hugetlbSlots: boolean;
  /** VM_PFNMAP (VFIO) memslots accepted on an MTE VM and mapped Device: only the posted fix, not merged. */
  pfnmapSlots: boolean;
  /** KVM_ARM_MTE_COPY_TAGS exists (merged 5.14; v2 had no tag ioctl). */
  copyTags: boolean;
  /** COPY_TAGS rejects length > INT_MAX with -EINVAL (added in 6.4). */
  copyTagsIntMax: boolean;
  /** TO_GUEST while a memslot is dirty-logged returns -EBUSY (6.12). */
  copyTagsBusyWhileLogging: boolean;
  /** A TO_GUEST whose user buffer faults mid-page clears that page's tags and still marks it tagged (6.2+). */
  copyTagsClearsOnFault: boolean;
  /** FEAT_MTE_PERM NoTagAccess at stage 2 and KVM_EXIT_ARM_NOTAG_ACCESS (KVM.md §8; a proposal). */
  noTagAccess: boolean;
}

const merged = {
  design: 'merged', enablePerVcpu: false, promotesAllPages: false, copyTags: true, noTagAccess: false, pfnmapSlots: false,
} as const;

export const profiles: Record<KernelVersion, KernelProfile> = {
  '5.14': { ...merged, version: '5.14', label: 'Linux 5.14', sharedSlots: false, hugetlbSlots: false, copyTagsIntMax: false, copyTagsBusyWhileLogging: false, copyTagsClearsOnFault: false },
  '6.2': { ...merged, version: '6.2', label: 'Linux 6.2', sharedSlots: true, hugetlbSlots: false, copyTagsIntMax: false, copyTagsBusyWhileLogging: false, copyTagsClearsOnFault: true },
  '6.12': { ...merged, version: '6.12', label: 'Linux 6.12', sharedSlots: true, hugetlbSlots: false, copyTagsIntMax: true, copyTagsBusyWhileLogging: true, copyTagsClearsOnFault: true },
  '6.13': { ...merged, version: '6.13', label: 'Linux 6.13', sharedSlots: true, hugetlbSlots: true, copyTagsIntMax: true, copyTagsBusyWhileLogging: true, copyTagsClearsOnFault: true },
  proposal: { ...merged, version: 'proposal', label: 'Linux 6.13 + FEAT_MTE_PERM proposal (not merged)', sharedSlots: true, hugetlbSlots: true, copyTagsIntMax: true, copyTagsBusyWhileLogging: true, copyTagsClearsOnFault: true, noTagAccess: true, pfnmapSlots: true },
  'v2-2020': {
    version: 'v2-2020', label: 'v2 ABI proposal (Sept 2020)', design: 'v2-2020', enablePerVcpu: true, promotesAllPages: true,
    sharedSlots: false, hugetlbSlots: false, pfnmapSlots: false, copyTags: false, copyTagsIntMax: false,
    copyTagsBusyWhileLogging: false, copyTagsClearsOnFault: false, noTagAccess: false,
  },
};

export function profile(version: KernelVersion): KernelProfile {
  return profiles[version];
}
