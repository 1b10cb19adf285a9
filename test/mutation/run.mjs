// `npm run test:mutation -- FOLDER [PART] [stryker options]`: StrykerJS on one folder of server/src (nn, language,
// cli or lsp), or on one named part of it (test/mutation/folders.mjs PARTS), with the tests that cover it
// (test/mutation/vitest.config.mts), niced, one test process (docs/RELIABILITY.md "Mutation score"). Extra
// options go to `stryker run`, e.g. `--mutate` for some files or `--force` for a full run.
import { spawnSync } from 'node:child_process';
import { FOLDERS, PARTS } from './folders.mjs';

const [folder, ...args] = process.argv.slice(2);
const parts = PARTS[folder] ?? {};
if (!folder || !(folder in FOLDERS) || (args[0] && !args[0].startsWith('-') && !(args[0] in parts))) {
  const usage = Object.keys(FOLDERS).map((name) => (PARTS[name] ? `${name} [${Object.keys(PARTS[name]).join('|')}]` : name));
  console.error(`usage: npm run test:mutation -- ${usage.join(' | ')} [stryker run options]`);
  process.exit(2);
}
const part = args[0] && !args[0].startsWith('-') ? args.shift() : '';
const result = spawnSync('nice', ['-n', '15', 'npx', 'stryker', 'run', ...args], {
  stdio: 'inherit',
  env: { ...process.env, NN_MUTATION_FOLDER: folder, NN_MUTATION_PART: part },
});
process.exit(result.status ?? 1);
