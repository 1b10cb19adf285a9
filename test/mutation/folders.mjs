// For each folder `npm run test:mutation` mutates: the test files that run its code in the test process.
// Left out everywhere: the suites that spawn the server or the CLI (a mutant is active only in the test
// process), the tidy checks (they read the source, which Stryker rewrites), and the thread and build tests
// and the recorded-bits test of the engine (slow, and about the fast paths, not this code; its wide
// network takes over a minute on the instrumented reference).
export const FOLDERS = {
  nn: ['test/nn', 'test/engine/paths.test.ts', 'test/engine/batches.test.ts', 'test/engine/optimizer.test.ts'],
  language: ['test/language', 'test/lsp', 'test/cli/check.test.ts', 'test/data'],
  cli: ['test/cli', 'test/export'],
  lsp: ['test/lsp', 'test/training/live.test.ts'],
};
