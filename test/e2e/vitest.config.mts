// The real-editor suite: code-server + Chromium, one journey at a time (README.md, "The other test suites").
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.e2e.test.ts'],
    fileParallelism: false,
    // Steps wait for events with their own, shorter deadlines; these are the outer bounds.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
