/**
 * The scenario format: everything needed to reproduce a run exactly — the program, the machine
 * configuration, a scripted list of actions, teaching steps and what the user was looking at.
 * Versioned; older versions are migrated forward by src/scenario/migrate.ts.
 */
import { z } from 'zod';

export const SCENARIO_VERSION = 1;

/** Limits that keep a hostile scenario from exhausting the page (docs/RELIABILITY.md). */
export const ScenarioLimits = {
  sourceChars: 200_000,
  textChars: 4_000,
  actions: 1_000,
  steps: 200,
  memslots: 32,
  /** Largest guest-physical address a scenario may name: 1 TiB. */
  maxAddress: 2 ** 40,
  /** Largest memslot: 16 GiB. */
  maxSlotBytes: 2 ** 34,
  instructionBudget: 1_000_000_000,
} as const;

export const KernelVersions = ['5.14', '6.2', '6.12', '6.13', 'proposal', 'v2-2020'] as const;
export const TcfModes = ['none', 'sync', 'async', 'asymm'] as const;
export const Backings = ['anonymous', 'memfd', 'hugetlb', 'file', 'device'] as const;

const text = z.string().max(ScenarioLimits.textChars);
const address = z.number().int().min(0).max(ScenarioLimits.maxAddress);
const pageAligned = address.refine((a) => a % 4096 === 0, { message: 'must be a multiple of 4096 (page-aligned)' });
/**
 * Where a host-side action applies: `ipa` (guest-physical), or `va`, a guest virtual address translated
 * through the guest's own stage-1 tables when the action runs (so a scenario need not know where the guest
 * kernel placed a page).
 */
const target = { ipa: address.optional(), va: address.optional() };
const pageTarget = { ipa: pageAligned.optional(), va: pageAligned.optional() };
const oneTarget = (o: { ipa?: number; va?: number }): boolean => (o.ipa === undefined) !== (o.va === undefined);
const oneTargetMessage = { message: 'give exactly one of ipa (guest-physical address) and va (guest virtual address)' };
const atMostOneTarget = (o: { ipa?: number; va?: number }): boolean => o.ipa === undefined || o.va === undefined;

export const ProgramSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('asm'), source: z.string().max(ScenarioLimits.sourceChars) }).strict(),
  /** One of the example programs shipped with Tagscope (public/programs), by name. */
  z.object({ kind: z.literal('bundled'), name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a bundled program name (letters, digits, - and _)') }).strict(),
]);

export const MemslotSchema = z.object({
  ipa: pageAligned,
  size: z.number().int().min(4096).max(ScenarioLimits.maxSlotBytes).refine((s) => s % 4096 === 0, { message: 'must be a multiple of 4096' }),
  backing: z.enum(Backings),
}).strict();

export const MachineSchema = z.object({
  /** Which Linux/KVM behaviours apply (KVM.md §3–§8, §10). */
  kernel: z.enum(KernelVersions).default('6.13'),
  /** 'bare': the program runs directly; 'vm': as a guest process under the KVM model. */
  mode: z.enum(['bare', 'vm']).default('bare'),
  kvmCapMte: z.boolean().default(true),
  tcf: z.enum(TcfModes).default('sync'),
  tcma0: z.boolean().default(false),
  tcma1: z.boolean().default(false),
  tco: z.boolean().default(false),
  /** GCR_EL1.Exclude: tags IRG must not produce. */
  gcrExclude: z.number().int().min(0).max(0xffff).default(0x0001),
  memslots: z.array(MemslotSchema).max(ScenarioLimits.memslots).default([]),
}).strict();

export const ActionSchema = z.discriminatedUnion('do', [
  z.object({
    do: z.literal('run'), until: z.enum(['exit', 'fault', 'event']).default('exit'), maxInstructions: z.number().int().min(1).max(ScenarioLimits.instructionBudget).optional(),
    /** With until 'event': the event kind to wait for (e.g. 'signal', 'syscall'); any event when absent. */
    event: z.string().regex(/^[a-zA-Z0-9]{1,32}$/, 'must be an event kind such as signal or stage2Fault').optional(),
  }).strict(),
  z.object({ do: z.literal('step'), count: z.number().int().min(1).max(ScenarioLimits.instructionBudget).default(1) }).strict(),
  z.object({ do: z.literal('toggle'), name: z.enum(['tcma0', 'tcma1', 'tco', 'kvmCapMte']), value: z.boolean() }).strict(),
  z.object({ do: z.literal('setTcf'), value: z.enum(TcfModes) }).strict(),
  z.object({ do: z.literal('vmmRead'), ...target, length: z.number().int().min(1).max(1 << 20), protMte: z.boolean().default(false) }).strict().refine(oneTarget, oneTargetMessage),
  z.object({ do: z.literal('vmmWrite'), ...target, bytes: z.string().regex(/^([0-9a-f]{2})*$/, 'must be hex bytes').max(2 << 20), protMte: z.boolean().default(false) }).strict().refine(oneTarget, oneTargetMessage),
  z.object({ do: z.literal('copyTags'), direction: z.enum(['fromGuest', 'toGuest']), ...target, length: z.number().int().min(0).max(2 ** 31), reserved: z.number().int().default(0) }).strict().refine(oneTarget, oneTargetMessage),
  z.object({ do: z.literal('swapOut'), ...pageTarget }).strict().refine(oneTarget, oneTargetMessage),
  z.object({ do: z.literal('swapIn'), ...pageTarget }).strict().refine(oneTarget, oneTargetMessage),
  z.object({
    do: z.literal('migrate'), copyTags: z.boolean().default(true), rounds: z.number().int().min(1).max(100).default(3),
    /** Guest instructions run between two pre-copy rounds (the guest keeps running while it is migrated). */
    runBetweenRounds: z.number().int().min(0).max(ScenarioLimits.instructionBudget).default(0),
  }).strict(),
  z.object({ do: z.literal('ksmScan') }).strict(),
  /**
   * FEAT_MTE_PERM proposal (KVM.md §8): the VMM answers KVM_EXIT_ARM_NOTAG_ACCESS by remapping a guest page
   * onto tag-capable memory; the page of the pending exit when neither ipa nor va is given.
   */
  z.object({ do: z.literal('vmmRemapTagged'), ...pageTarget }).strict().refine(atMostOneTarget, { message: 'give at most one of ipa (guest-physical address) and va (guest virtual address)' }),
  z.object({ do: z.literal('balloon'), ...pageTarget }).strict().refine(oneTarget, oneTargetMessage),
  /** Runs the guest of KVM.md §10 under each ABI design of the v2 discussion and reports what each one gives. */
  z.object({ do: z.literal('compareDesigns') }).strict(),
  /** Another host process colours `pages` pages with `tag` and exits: its pages return to the host's free list with their tags. */
  z.object({ do: z.literal('hostRecycle'), pages: z.number().int().min(1).max(4096).default(16), tag: z.number().int().min(1).max(15).default(10) }).strict(),
  z.object({ do: z.literal('fork') }).strict(),
  z.object({ do: z.literal('createVcpu') }).strict(),
  z.object({ do: z.literal('enableCap'), cap: z.literal('KVM_CAP_ARM_MTE') }).strict(),
]);

export const SelectionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('granule'), space: z.enum(['guest', 'host', 'va']), address }).strict(),
  z.object({ kind: z.literal('register'), index: z.number().int().min(0).max(31) }).strict(),
  z.object({ kind: z.literal('event'), index: z.number().int().min(0) }).strict(),
]);

export const TeachingStepSchema = z.object({
  title: text,
  text,
  /** How many actions have been performed when this step is shown. */
  afterAction: z.number().int().min(0).max(ScenarioLimits.actions),
  view: z.enum(['heatmap', 'pointer', 'tables', 'cpu', 'events']).default('heatmap'),
  highlight: SelectionSchema.optional(),
}).strict();

export const ScenarioSchema = z.object({
  version: z.literal(SCENARIO_VERSION),
  title: text.default('Untitled scenario'),
  description: text.default(''),
  program: ProgramSchema,
  machine: MachineSchema.default(MachineSchema.parse({})),
  actions: z.array(ActionSchema).max(ScenarioLimits.actions).default([]),
  steps: z.array(TeachingStepSchema).max(ScenarioLimits.steps).default([]),
  /** What the sender was looking at: the step (actions performed) and the selection. */
  view: z.object({ step: z.number().int().min(0).default(0), selection: SelectionSchema.optional() }).strict().default({ step: 0 }),
}).strict();

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Action = z.infer<typeof ActionSchema>;
export type MachineConfig = z.infer<typeof MachineSchema>;
