// Starts and stops a real VS Code (code-server) with the packaged .vsix installed, each run in its own throwaway home.
//
// Why a process group: every browser connection starts an extension host that
// would otherwise outlive the test; we start code-server with `detached` (its own
// group) and kill the whole group on stop, on failure and on process exit.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..', '..');

export const CODE_SERVER_VERSION = process.env.CODE_SERVER_VERSION ?? '4.139.1';

/** Where .ci/e2e-setup.sh put code-server and its Node 24, or a clear error saying how to get it. */
export function locateInstall(): { node: string; entry: string; root: string } {
  const cacheRoot = process.env.NN_E2E_CACHE ?? '/var/cache/nn-lang-e2e';
  const root = join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
  const node = join(root, 'node24/node_modules/node/bin/node');
  const entry = join(root, 'cs/node_modules/code-server/out/node/entry.js');
  if (!existsSync(join(root, '.complete')) || !existsSync(node) || !existsSync(entry)) {
    throw new Error(
      `code-server ${CODE_SERVER_VERSION} is not installed in ${root}. Run: bash .ci/e2e-setup.sh`,
    );
  }
  return { node, entry, root };
}

/** The .vsix that `npm run package` wrote (the file a user would install), or NN_E2E_VSIX (a private copy). */
export function locateVsix(): string {
  const override = process.env.NN_E2E_VSIX;
  if (override) {
    if (!existsSync(override)) throw new Error(`NN_E2E_VSIX=${override} not found`);
    return override;
  }
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = join(repoRoot, `${pkg.name}-${pkg.version}.vsix`);
  if (!existsSync(vsix)) throw new Error(`${vsix} not found. Run: npm run package`);
  return vsix;
}

/** A private HOME/XDG/TMPDIR tree so neither code-server nor Chromium writes into the user's home or /tmp. */
export interface RunDirs {
  root: string;
  home: string;
  userData: string;
  extensions: string;
  workspace: string;
  logs: string;
  env: NodeJS.ProcessEnv;
}

export function makeRunDirs(prefix = 'nn-e2e-'): RunDirs {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dirs = {
    root,
    home: join(root, 'home'),
    userData: join(root, 'ud'),
    extensions: join(root, 'ext'),
    workspace: join(root, 'workspace'),
    logs: join(root, 'logs'),
  };
  const xdgConfig = join(root, 'xdg/config');
  const xdgData = join(root, 'xdg/data');
  const xdgCache = join(root, 'xdg/cache');
  const tmp = join(root, 'tmp');
  for (const d of [...Object.values(dirs), xdgConfig, xdgData, xdgCache, tmp]) mkdirSync(d, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: dirs.home,
    XDG_CONFIG_HOME: xdgConfig,
    XDG_DATA_HOME: xdgData,
    XDG_CACHE_HOME: xdgCache,
    XDG_RUNTIME_DIR: tmp,
    TMPDIR: tmp,
  };
  return { ...dirs, env };
}

/** User settings that keep the workbench quiet and deterministic. Extra settings are merged in. */
export function writeUserSettings(dirs: RunDirs, extra: Record<string, unknown> = {}): void {
  const settings = {
    'telemetry.telemetryLevel': 'off',
    'workbench.startupEditor': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'chat.disableAIFeatures': true,
    'git.enabled': false,
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.enabled': false,
    'editor.minimap.enabled': false,
    'editor.hover.delay': 150,
    'files.autoSave': 'off',
    'window.commandCenter': false,
    ...extra,
  };
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** Installs the .vsix the way a user does: `code-server --install-extension x.vsix`. Returns code-server's output. */
export function installVsix(dirs: RunDirs, vsix: string): string {
  const { node, entry } = locateInstall();
  const result = spawnSync(
    node,
    [entry, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix, '--force'],
    { env: dirs.env, encoding: 'utf8', timeout: 120_000 },
  );
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) throw new Error(`--install-extension ${vsix} failed (${result.status}):\n${output}`);
  return output;
}

export interface CodeServer {
  url: string;
  port: number;
  /** Kills the whole process group; safe to call twice. */
  stop(): Promise<void>;
  /** code-server's combined stdout/stderr so far (for failure messages). */
  log(): string;
}

const liveGroups = new Set<number>();
function killLiveGroups(): void {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  liveGroups.clear();
}
process.on('exit', killLiveGroups);
// A test run interrupted (Ctrl+C, a CI timeout) must not leave code-server and its extension hosts behind.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killLiveGroups();
    process.kill(process.pid, signal);
  });
}

/** Waits for a predicate with a deadline (never a fixed sleep): polls every `interval` ms. */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs: number,
  interval = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

export async function startCodeServer(dirs: RunDirs, folder: string): Promise<CodeServer> {
  const { node, entry } = locateInstall();
  const port = await freePort();
  const out = createWriteStream(join(dirs.logs, 'code-server.log'));
  let captured = '';
  const child: ChildProcess = spawn(
    node,
    [
      entry,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', dirs.userData,
      '--extensions-dir', dirs.extensions,
      folder,
    ],
    { env: dirs.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  liveGroups.add(pid);
  const onData = (chunk: Buffer): void => {
    captured += chunk.toString();
    if (captured.length > 200_000) captured = captured.slice(-100_000);
    out.write(chunk);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exited = false;
  const exitPromise = new Promise<void>((r) => child.once('exit', () => { exited = true; r(); }));

  const stop = async (): Promise<void> => {
    if (!liveGroups.has(pid)) return;
    liveGroups.delete(pid);
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      /* group already gone */
    }
    const gone = await Promise.race([exitPromise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
    // The extension hosts are in the same group: make sure none survives, whatever the leader did.
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* nothing left */
    }
    if (!gone) await exitPromise;
    out.end();
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await pollUntil(
      `code-server /healthz on ${url}`,
      async () => {
        if (exited) throw new Error(`code-server exited early:\n${captured}`);
        const res = await fetch(`${url}/healthz`);
        return res.ok;
      },
      60_000,
      200,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, stop, log: () => captured };
}

/**
 * The hot-exit backups of unsaved editors in the user data (User/Backups/<workspace>/<scheme>/<file>).
 * The workbench deletes a file's backup shortly after saving it; a window reloaded before that
 * restores the file as unsaved.
 */
export function backupFiles(dirs: RunDirs): string[] {
  const root = join(dirs.userData, 'User', 'Backups');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

export function removeRunDirs(dirs: RunDirs): void {
  rmSync(dirs.root, { recursive: true, force: true });
}
