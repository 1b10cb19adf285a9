// Mutation testing (`npm run test:mutation -- FOLDER`, test/mutation/run.mjs; docs/RELIABILITY.md
// "Mutation score"): not in CI, it is slow on two cores. One folder of server/src at a time.
const folder = process.env.NN_MUTATION_FOLDER ?? 'nn';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.mts', related: false },
  checkers: ['typescript'],
  tsconfigFile: 'test/mutation/tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [`server/src/${folder}/**/*.ts`],
  // Only the mutated files: the AssemblyScript sources under engine/wasm are not TypeScript Babel reads.
  disableTypeChecks: 'server/src/{nn,language,cli,lsp}/**/*.ts',
  coverageAnalysis: 'perTest',
  // The machine is shared: one test process, one checker.
  concurrency: 1,
  incremental: true,
  // Reruns on the same checkout test only the mutants whose code or tests changed. Not committed: it holds
  // every mutated file's text and the results, megabytes that change with each run.
  incrementalFile: `reports/mutation/${folder}.incremental.json`,
  reporters: ['clear-text', 'progress-append-only', 'json'],
  jsonReporter: { fileName: `reports/mutation/${folder}.json` },
  dryRunTimeoutMinutes: 20,
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  timeoutMS: 20_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
