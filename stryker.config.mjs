// Mutation testing (`npm run test:mutation -- FOLDER`, test/mutation/run.mjs; docs/RELIABILITY.md
// "Mutation score"): not in CI, it is slow on two cores. One folder of server/src at a time, or one named part of it.
import { PARTS } from './test/mutation/folders.mjs';

const folder = process.env.NN_MUTATION_FOLDER ?? 'nn';
const part = process.env.NN_MUTATION_PART || '';
// A name with a line range (`backprop:1-106`) mutates those lines only (Stryker's mutation range).
const files = part ? PARTS[folder][part].map((name) => `server/src/${folder}/${name.replace(/^([^:]+)/, '$1.ts')}`) : [`server/src/${folder}/**/*.ts`];
// The report and incremental files of a part are its own: reports/mutation/nn-math.json …
const stem = part ? `${folder}-${part}` : folder;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.mts', related: false },
  checkers: ['typescript'],
  tsconfigFile: 'test/mutation/tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: files,
  // Only the mutated files: the AssemblyScript sources under engine/wasm are not TypeScript Babel reads.
  disableTypeChecks: 'server/src/{nn,language,cli,lsp}/**/*.ts',
  coverageAnalysis: 'perTest',
  // The machine is shared: one test process, one checker.
  concurrency: 1,
  incremental: true,
  // Reruns on the same checkout test only the mutants whose code or tests changed. Not committed: it holds
  // every mutated file's text and the results, megabytes that change with each run.
  incrementalFile: `reports/mutation/${stem}.incremental.json`,
  reporters: ['clear-text', 'progress-append-only', 'json'],
  jsonReporter: { fileName: `reports/mutation/${stem}.json` },
  dryRunTimeoutMinutes: 20,
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  timeoutMS: 20_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
