// For each folder `npm run test:mutation` mutates: the test files that run its code in the test process.
// Left out everywhere: the suites that spawn the server or the CLI (a mutant is active only in the test
// process) and the tidy checks (they read the source, which Stryker rewrites).
export const FOLDERS = {
  // The reference is scored by its own tests of meaning (gradient checks, hand derivations, the worked
  // example), not by the engine's comparisons with it: those take a minute a run, and every mutant that
  // runs at import or in a describe block (Stryker's "static" mutants, half of nn/) needs a whole run.
  nn: ['test/nn'],
  language: ['test/language', 'test/lsp', 'test/cli/check.test.ts', 'test/data'],
  cli: ['test/cli', 'test/export'],
  lsp: ['test/lsp', 'test/training/live.test.ts'],
};
