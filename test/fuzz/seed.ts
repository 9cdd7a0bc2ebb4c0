/** Seed of every fixed-seed fuzzing run, printed by fast-check on failure; FUZZ_SEED overrides it to explore further. */
export const fuzzSeed = (): number => Number(process.env.FUZZ_SEED ?? 0x7a65);
