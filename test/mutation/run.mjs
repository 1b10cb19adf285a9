// `npm run test:mutation -- FOLDER [stryker options]`: StrykerJS on one folder of server/src (nn, language, cli
// or lsp) with the tests that cover it (test/mutation/vitest.config.mts), niced, one test process
// (docs/RELIABILITY.md "Mutation score"). Extra options go to `stryker run`, e.g. `--mutate` for some files.
import { spawnSync } from 'node:child_process';
import { FOLDERS } from './folders.mjs';

const [folder, ...rest] = process.argv.slice(2);
if (!folder || !(folder in FOLDERS)) {
  console.error(`usage: npm run test:mutation -- ${Object.keys(FOLDERS).join('|')} [stryker run options]`);
  process.exit(2);
}
const result = spawnSync('nice', ['-n', '15', 'npx', 'stryker', 'run', ...rest], {
  stdio: 'inherit',
  env: { ...process.env, NN_MUTATION_FOLDER: folder },
});
process.exit(result.status ?? 1);
