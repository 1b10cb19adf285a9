// Runs the in-editor checks (suite/index.cjs) in desktop VS Code via @vscode/test-electron; needs a machine that can download VS Code.
//
// `npm run test:electron`. Where VS Code cannot be downloaded (e.g. a machine that
// reaches only the npm registry), this fails with the download error: use
// `npm run test:e2e` (code-server) there instead. Never silently passes.
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const root = mkdtempSync(join(tmpdir(), 'nn-electron-'));
const workspace = join(root, 'examples');
const userData = join(root, 'ud');

cpSync(join(repoRoot, 'examples'), workspace, { recursive: true });
cpSync(join(repoRoot, 'test', 'e2e', 'fixtures', 'long-run.nn'), join(workspace, 'long-run.nn'));
mkdirSync(join(userData, 'User'), { recursive: true });
writeFileSync(
  join(userData, 'User', 'settings.json'),
  JSON.stringify({
    'telemetry.telemetryLevel': 'off',
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'git.enabled': false,
  }),
);

let code = 0;
try {
  await runTests({
    version: process.env.NN_VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(here, 'suite', 'index.cjs'),
    launchArgs: [workspace, '--disable-extensions', '--user-data-dir', userData, '--disable-workspace-trust'],
    extensionTestsEnv: { NN_TEST_WORKSPACE: workspace },
  });
} catch (error) {
  console.error(`test:electron failed: ${error instanceof Error ? error.message : String(error)}`);
  code = 1;
} finally {
  rmSync(root, { recursive: true, force: true });
}
process.exit(code);
