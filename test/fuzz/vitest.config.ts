/** `npm run fuzz`: the long fuzzing runs (test/fuzz/*.fuzz.ts); their always-on slices are *.test.ts. */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.fuzz.ts'],
    environment: 'node',
    testTimeout: 60 * 60_000,
  },
});
