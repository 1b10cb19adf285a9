// The tests StrykerJS runs for `npm run test:mutation` (docs/RELIABILITY.md "Mutation score"): those of
// test/mutation/folders.mjs for the folder being mutated (NN_MUTATION_FOLDER, set by run.mjs), or for its part.
import { defineConfig } from 'vitest/config';
// @ts-expect-error: a plain JavaScript module shared with run.mjs and stryker.config.mjs.
import { FOLDERS, PART_TESTS } from './folders.mjs';

const folder = process.env.NN_MUTATION_FOLDER ?? 'nn';
const part = process.env.NN_MUTATION_PART || '';
const tests: string[] = PART_TESTS[`${folder}-${part}` as keyof typeof PART_TESTS] ?? FOLDERS[folder as keyof typeof FOLDERS];

export default defineConfig({
  test: {
    include: tests.filter((path) => !path.startsWith('!')).map((path) => (path.endsWith('.ts') ? path : `${path}/**/*.test.ts`)),
    exclude: [
      // A part's tests written `!file` are left out.
      ...tests.filter((path) => path.startsWith('!')).map((path) => path.slice(1)),
      // Each spawns a bundled `nn` process, where no mutant is active.
      'test/cli/code-cache.test.ts', 'test/cli/files.test.ts', 'test/cli/multi-run.test.ts', 'test/cli/pipe.test.ts',
      'test/cli/sigint.test.ts', 'test/cli/terminal.test.ts',
      'node_modules/**',
    ],
    // The instrumented reference is many times slower than the plain one.
    testTimeout: 180_000,
  },
});
