// The unit and handler tests as StrykerJS runs them for `npm run test:mutation` (docs/RELIABILITY.md
// "Mutation score"): only suites that run the source in this process can see a mutant, so the suites
// that build and spawn the server or the CLI (test/protocol, the spawned-CLI tests) and the tidy checks
// (they read the source files, which Stryker rewrites) are left out; they run in `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [
      'test/e2e/**', 'test/nvim/**', 'test/torch/**', 'test/reliability/**', 'test/protocol/**', 'test/tidy/**',
      'test/client/**',
      // Each spawns a bundled `nn` process, where no mutant is active.
      'test/cli/code-cache.test.ts', 'test/cli/files.test.ts', 'test/cli/multi-run.test.ts', 'test/cli/pipe.test.ts',
      'test/cli/sigint.test.ts', 'test/cli/terminal.test.ts',
      'node_modules/**',
    ],
    testTimeout: 60_000,
  },
});
