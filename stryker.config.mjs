// Mutation testing (`npm run test:mutation`; docs/RELIABILITY.md "Mutation score"): not in CI, it is slow
// on two cores. One folder at a time: `npm run test:mutation -- --mutate 'server/src/cli/**/*.ts'
// --incrementalFile test/mutation/cli.json` (the commands per folder are in docs/RELIABILITY.md).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.mts', related: true },
  checkers: ['typescript'],
  tsconfigFile: 'test/mutation/tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ['server/src/nn/**/*.ts', 'server/src/language/**/*.ts', 'server/src/cli/**/*.ts', 'server/src/lsp/**/*.ts'],
  // Only the mutated files: the AssemblyScript sources under engine/wasm are not TypeScript Babel reads.
  disableTypeChecks: 'server/src/{nn,language,cli,lsp}/**/*.ts',
  coverageAnalysis: 'perTest',
  // The machine is shared: one test process, one checker.
  concurrency: 1,
  incremental: true,
  incrementalFile: 'test/mutation/incremental.json',
  reporters: ['clear-text', 'progress-append-only', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  timeoutMS: 20_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
