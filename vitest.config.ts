// Unit, handler and protocol tests; the real-editor suites (test/e2e, test/nvim, test/torch) and the slow reliability suite (test/reliability) have their own scripts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/nvim/**', 'test/torch/**', 'test/reliability/**', 'node_modules/**'],
    testTimeout: 30_000,
  },
});
