// The reliability suite (npm run test:reliability): fuzzing, faults, limits, trust and load, too slow for `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    // One file at a time: each drives a CPU-heavy server or loop, and the machine has 2 cores.
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
