// Drives the VS Code workbench in Debian's Chromium through playwright-core: open files, read squiggles, Problems, CodeLens, hovers, run palette commands, take screenshots.
//
// Every wait has a deadline and waits for an element or a condition, never a
// fixed time. Selectors are ones found to work in VS Code 1.139.
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { installVsix, locateVsix, pollUntil, repoRoot, startCodeServer, writeUserSettings, type CodeServer, type RunDirs } from './codeServer';

export const CHROMIUM = process.env.NN_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const screenshotDir = join(repoRoot, 'test-results', 'e2e');

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(dirs: RunDirs): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_FLAGS,
    env: { ...dirs.env, CHROME_CONFIG_HOME: dirs.env.XDG_CONFIG_HOME } as Record<string, string>,
    timeout: 60_000,
  });
}

/**
 * The start of a session: the packaged extension installed (`locateVsix` first, so a missing .vsix
 * fails before anything starts), code-server on `folder` with the user settings (plus `settings`),
 * and the workbench open in Chromium. Whoever calls it stops the browser and the server.
 */
export async function openWorkspace(dirs: RunDirs, folder: string, settings: Record<string, unknown> = {}): Promise<{ server: CodeServer; browser: Browser; wb: Workbench }> {
  const vsix = locateVsix();
  writeUserSettings(dirs, settings);
  installVsix(dirs, vsix);
  const server = await startCodeServer(dirs, folder);
  const browser = await launchBrowser(dirs);
  return { server, browser, wb: await Workbench.open(browser, server.url, folder) };
}

/** Short default deadlines: a step that waits longer says so. */
export const T = { ui: 15_000, lsp: 30_000, train: 60_000 } as const;

export class Workbench {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  static async open(browser: Browser, baseUrl: string, folder: string): Promise<Workbench> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The explorer lists the folder once the remote file system answers.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    return new Workbench(page, baseUrl);
  }

  /** Saves a screenshot as test-results/e2e/NAME.png (one per journey step). */
  async screenshot(name: string): Promise<string> {
    mkdirSync(screenshotDir, { recursive: true });
    const path = join(screenshotDir, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  // ---- explorer and editors ------------------------------------------------

  explorerRow(name: string): Locator {
    return this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  }

  /**
   * Opens a file as a user does: double-click in the explorer, then wait for its tab and editor. A
   * double-click lost under load, or landing as the list redraws (a file just written), is repeated.
   */
  async openFromExplorer(name: string): Promise<void> {
    const row = this.explorerRow(name);
    const tab = this.page.locator('.tabs-container .tab.active', { hasText: name });
    await pollUntil(
      `${name} open in an editor`,
      async () => {
        await row.waitFor({ timeout: T.ui });
        await row.dblclick();
        return tab.waitFor({ timeout: 3_000 }).then(() => true, () => undefined);
      },
      T.ui,
      0,
    );
    await this.editor().locator('.view-lines .view-line').first().waitFor({ timeout: T.ui });
  }

  /** The active text editor. */
  editor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor:not(.inline-diff)').first();
  }

  /** The rendered line that contains `text` (lines are rendered as `.view-line`, spaces often as U+00A0). */
  line(text: string | RegExp): Locator {
    const pattern = typeof text === 'string' ? spacedPattern(text) : text;
    return this.editor().locator('.view-lines .view-line', { hasText: pattern }).first();
  }

  /** A token span in a line; Monaco renders tokens as `span.mtkN` inside `.view-line > span`. */
  token(lineText: string | RegExp, tokenText: string): Locator {
    return this.line(lineText).locator('span > span', { hasText: new RegExp(`^\\s*${escapeRegExp(tokenText)}\\s*$`) }).first();
  }

  async tokenClass(lineText: string | RegExp, tokenText: string): Promise<string> {
    const token = this.token(lineText, tokenText);
    await token.waitFor({ timeout: T.ui });
    const cls = (await token.getAttribute('class')) ?? '';
    const mtk = cls.split(/\s+/).find((c) => /^mtk\d+$/.test(c));
    if (!mtk) throw new Error(`token '${tokenText}' on line '${lineText}' has no mtk class (class="${cls}")`);
    return mtk;
  }

  /**
   * The TextMate scopes and colour of the token at a 1-based position, as the
   * "Developer: Inspect Editor Tokens and Scopes" widget shows them.
   */
  async inspectToken(line: number, column: number): Promise<string> {
    await this.goTo(line, column);
    await this.runCommand('Developer: Inspect Editor Tokens and Scopes');
    const widget = this.page.locator('.token-inspect-widget');
    await widget.filter({ hasText: /textmate scopes/i }).waitFor({ state: 'visible', timeout: T.ui });
    const text = await widget.innerText();
    await this.page.keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden', timeout: T.ui });
    return text;
  }

  /** Text of the whole document as rendered (all lines are visible for small files). */
  async editorText(): Promise<string> {
    const lines = await this.editor().locator('.view-lines .view-line').allInnerTexts();
    return lines.map((l) => l.replace(/\u00a0/g, ' ')).join('\n');
  }

  /** Places the cursor with the palette's "go to line:column" (`:L:C`, 1-based), as a keyboard user would. */
  async goTo(line: number, column: number): Promise<void> {
    // Done when the status bar says the cursor is there; a gesture lost under load is repeated.
    await pollUntil(
      `the cursor at ${line}:${column}`,
      async () => {
        await this.closeQuickInput();
        await this.focusEditor();
        await this.page.keyboard.press('Control+g');
        const input = this.page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: T.ui });
        await input.fill(`:${line}:${column}`);
        await input.press('Enter');
        await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T.ui });
        return this.cursorIs(line, column, 2_000);
      },
      T.lsp,
      0,
    );
  }

  /** Whether the status bar shows the cursor at line:column (1-based) within `timeoutMs`. */
  async cursorIs(line: number, column: number, timeoutMs: number): Promise<boolean> {
    return this.page
      .locator('.statusbar-item[id="status.editor.selection"]', { hasText: new RegExp(`Ln ${line}, Col ${column}(?!\\d)`) })
      .waitFor({ timeout: timeoutMs })
      .then(() => true, () => false);
  }

  /** Closes the palette or go-to input if one is open (a step never starts inside another's widget). */
  async closeQuickInput(): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    if (await widget.isVisible()) {
      await this.page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden', timeout: T.ui });
    }
  }

  /** The start of the file in view, cursor at 1:1, no widget open: where a step that reads lines begins. */
  async revealTop(): Promise<void> {
    await pollUntil(
      'the cursor at the top of the file',
      async () => {
        await this.closeQuickInput();
        await this.page.keyboard.press('Escape');
        await this.focusEditor();
        await this.page.keyboard.press('Control+Home');
        return this.cursorIs(1, 1, 2_000);
      },
      T.ui,
      0,
    );
  }

  async focusEditor(): Promise<void> {
    // A click in the training panel can leave its group the active one, with no text editor in
    // it: then go to the first group's editor, as Ctrl+1 does (the webview passes the key on).
    if ((await this.editor().count()) === 0) await this.page.keyboard.press('Control+1');
    // The corner of the visible text area: .view-lines is the whole scrolled content, whose corner
    // lies above the editor when it is scrolled down (the click then lands on other parts of the page).
    // Below the top 6 px, where a scrolled editor draws its shadow (.scroll-decoration), which takes the click.
    await this.editor().locator('.editor-scrollable').first().click({ position: { x: 5, y: 12 } });
    await this.editor().locator('textarea, .native-edit-context').first().focus();
  }

  /** Puts the cursor at the end of the line containing `text`. */
  async cursorAtEndOf(text: string): Promise<void> {
    const line = this.line(text);
    await line.waitFor({ timeout: T.ui });
    await line.click();
    await this.page.keyboard.press('End');
  }

  async save(): Promise<void> {
    await this.page.keyboard.press('Control+s');
    await this.page
      .locator('.tabs-container .tab.active.dirty')
      .waitFor({ state: 'detached', timeout: T.ui });
  }

  // ---- diagnostics ---------------------------------------------------------

  squiggles(kind: 'error' | 'warning' | 'info' = 'error'): Locator {
    return this.editor().locator(`.squiggly-${kind}`);
  }

  async openProblems(): Promise<Locator> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await this.runCommand('View: Focus Problems');
    }
    await panel.waitFor({ state: 'visible', timeout: T.ui });
    return panel;
  }

  problemRow(message: string | RegExp): Locator {
    return this.page.locator('.markers-panel .monaco-list-row', { hasText: message }).first();
  }

  async closePanel(): Promise<void> {
    if (await this.page.locator('.part.panel').isVisible()) {
      await this.runCommand('View: Toggle Panel Visibility');
      await this.page.locator('.part.panel').waitFor({ state: 'hidden', timeout: T.ui });
    }
  }

  // ---- CodeLens, hover, quick fix -------------------------------------------

  codeLenses(): Locator {
    return this.editor().locator('.codelens-decoration');
  }

  /** Waits until some CodeLens text matches, returns all lens text joined (lenses re-render as training proceeds). */
  async waitForLens(pattern: RegExp, timeoutMs: number = T.lsp): Promise<string> {
    return pollUntil(
      `a CodeLens matching ${pattern}`,
      async () => {
        const text = (await this.codeLenses().allInnerTexts()).join(' | ');
        return pattern.test(text) ? text : undefined;
      },
      timeoutMs,
      150,
    );
  }

  async lensText(): Promise<string> {
    return (await this.codeLenses().allInnerTexts()).join(' | ');
  }

  async clickLens(label: RegExp): Promise<void> {
    const link = this.editor().locator('.codelens-decoration a', { hasText: label }).first();
    await link.waitFor({ timeout: T.lsp });
    await link.click();
  }

  /** Hovers a token and returns the hover's text once it matches `expect` (hover content arrives from the server). */
  async hover(target: Locator, expect: RegExp, timeoutMs: number = T.lsp): Promise<string> {
    const hover = this.page.locator('.monaco-hover:not(.hidden), .monaco-resizable-hover').filter({ hasText: expect });
    return pollUntil(
      `a hover matching ${expect}`,
      async () => {
        await this.page.mouse.move(0, 0);
        await target.hover();
        await hover.first().waitFor({ state: 'visible', timeout: 3_000 });
        return (await hover.first().innerText()).trim();
      },
      timeoutMs,
      50,
    );
  }

  async dismissHover(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.mouse.move(0, 0);
  }

  /**
   * Opens the quick-fix menu at the cursor (Ctrl+.) and picks the action with this label. A
   * key press lost under load, or a menu that opened empty, is repeated (as goTo repeats its gesture).
   */
  async applyQuickFix(label: string): Promise<void> {
    const item = this.page
      .locator('.action-widget .monaco-list-row, .context-view .action-item', { hasText: label })
      .first();
    await pollUntil(
      `the quick fix "${label}" in the menu`,
      async () => {
        await this.page.keyboard.press('Control+.');
        try {
          await item.waitFor({ state: 'visible', timeout: 3_000 });
          return true;
        } catch {
          await this.page.keyboard.press('Escape');
          return undefined;
        }
      },
      T.lsp,
    );
    await item.click();
    await item.waitFor({ state: 'hidden', timeout: T.ui });
  }

  // ---- palette, status bar, notifications -------------------------------------

  /** Runs a command from the palette (F1) by its label, exactly as shown. */
  async runCommand(label: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    await this.closeQuickInput();
    await this.page.keyboard.press('F1');
    const input = widget.locator('input');
    await input.waitFor({ state: 'visible', timeout: T.ui });
    await input.fill(`>${label}`);
    const row = widget.locator('.quick-input-list .monaco-list-row', {
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}`) }),
    });
    await row.first().waitFor({ state: 'visible', timeout: T.ui });
    await row.first().click();
    await widget.waitFor({ state: 'hidden', timeout: T.ui });
  }

  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.statusbar-item', { hasText: text }).first();
  }

  languageMode(): Locator {
    return this.page.locator('.statusbar-item[id="status.editor.mode"]');
  }

  /** The first webview frame (webviews are nested iframes) that has an element matching `selector`. */
  async frameWith(selector: string, timeoutMs: number = T.ui): Promise<Frame> {
    try {
      return await pollUntil(
        `a webview frame with ${selector}`,
        async () => {
          for (const frame of this.page.frames()) {
            // The workbench itself has canvases too (overview ruler): only webview frames count.
            if (frame === this.page.mainFrame()) continue;
            if (await frame.$(selector).catch(() => null)) return frame;
          }
          return undefined;
        },
        timeoutMs,
        200,
      );
    } catch (error) {
      // Say what the webviews showed instead: a failure in CI has only its message to read.
      throw new Error(`${error instanceof Error ? error.message : String(error)}; the webview frames showed: ${await this.describeFrames()}`);
    }
  }

  /** Each webview frame's address and the start of its text, for failure messages. */
  async describeFrames(): Promise<string> {
    const described: string[] = [];
    for (const frame of this.page.frames()) {
      // The web worker extension host's frame holds only its loader script.
      if (frame === this.page.mainFrame() || frame.url().includes('webWorkerExtensionHostIframe')) continue;
      const text = await frame
        .evaluate(() => (globalThis as unknown as { document: { body?: { innerText: string } } }).document.body?.innerText ?? '')
        .catch((e: unknown) => `(unreadable: ${String(e)})`);
      described.push(`[${frame.url().slice(0, 80)}] ${JSON.stringify(text.replace(/\s+/g, ' ').slice(0, 300))}`);
    }
    return described.length > 0 ? described.join(' | ') : 'no webview frames';
  }
}

/** A pattern for `text` where any run of spaces also matches Monaco's non-breaking spaces. */
export function spacedPattern(text: string): RegExp {
  return new RegExp(text.trim().split(/\s+/).map(escapeRegExp).join('[\\s\\u00a0]+'));
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
