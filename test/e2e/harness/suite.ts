// The hooks every real-editor suite has: a code-server with the built extension on a folder of its own, a browser on it, a screenshot of each failing test, and the logs kept when it ends.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { installVsix, locateVsix, makeRunDirs, removeRunDirs, startCodeServer, writeUserSettings, type CodeServer, type RunDirs } from './codeServer';
import { launchBrowser, screenshotDir, Workbench } from './workbench';

export interface EditorSuite {
  dirs: RunDirs;
  /** The workspace folder code-server opens. */
  folder: string;
  /** The workbench, once the suite's beforeAll has run. */
  readonly wb: Workbench;
}

/**
 * Registers the suite's hooks (call it inside `describe`): `prepare` writes the folder's files
 * first; `name` names the failure screenshots (`FAILED-<name>-…`) and the kept logs (`logs-<name>`).
 */
export function editorSuite(name: string, folderName: string, prepare: (folder: string, dirs: RunDirs) => void): EditorSuite {
  const dirs = makeRunDirs(`nn-${name}-e2e-`);
  const folder = join(dirs.workspace, folderName);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench | undefined;

  beforeAll(async () => {
    mkdirSync(folder, { recursive: true });
    prepare(folder, dirs);
    writeUserSettings(dirs);
    installVsix(dirs, locateVsix());
    server = await startCodeServer(dirs, folder);
    browser = await launchBrowser(dirs);
    wb = await Workbench.open(browser, server.url, folder);
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && wb) {
      await wb.screenshot(`FAILED-${name}-${context.task.name.replace(/[^a-zA-Z0-9]+/g, '-').slice(0, 50)}`).catch(() => undefined);
      // CI keeps only the output: the language server's last words go there.
      console.log(`[${name}] the end of the language server's log after "${context.task.name}":\n${serverLogTail(dirs, 60)}`);
    }
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    mkdirSync(screenshotDir, { recursive: true });
    if (existsSync(dirs.logs)) cpSync(dirs.logs, join(screenshotDir, `logs-${name}`), { recursive: true });
    const userLogs = join(dirs.userData, 'logs');
    if (existsSync(userLogs)) cpSync(userLogs, join(screenshotDir, `logs-${name}`, 'vscode'), { recursive: true });
    removeRunDirs(dirs);
  });

  return {
    dirs,
    folder,
    get wb(): Workbench {
      if (!wb) throw new Error('the workbench is not open yet (use it inside a test)');
      return wb;
    },
  };
}

/** The last `lines` lines of every "NN Language Server" output log of the run (there is one per window load). */
function serverLogTail(dirs: RunDirs, lines: number): string {
  const root = join(dirs.userData, 'logs');
  if (!existsSync(root)) return '(no logs)';
  const logs = (readdirSync(root, { recursive: true }) as string[]).filter((p) => p.endsWith('NN Language Server.log')).sort();
  if (logs.length === 0) return '(no language server log)';
  return logs
    .map((p) => `--- ${p}\n${readFileSync(join(root, p), 'utf8').split('\n').slice(-lines).join('\n')}`)
    .join('\n');
}
