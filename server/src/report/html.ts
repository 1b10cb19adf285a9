// The static training report (`nn train FILE --report report.html`): one self-contained HTML page with every run's loss curve, diagram and boundary.
//
// The page inlines the training panel's own browser bundle (dist/webview/panel.js and
// panel.css, built by build.mjs), so the report and the panel draw with the same code,
// and the file opens anywhere without a network or a server.

import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TrainingView } from '../protocol';

export interface ReportAssets {
  script: string;
  style: string;
}

export interface ReportOptions {
  /** Shown as the page's heading; defaults to the spec's file name. */
  title?: string;
  /** A sentence added under the heading (what the page leaves out). */
  note?: string;
  /** Overrides the bundle read from dist/webview (tests, other packagings). */
  assets?: ReportAssets;
}

/** Where the bundle is: beside dist/cli.js once built, or dist/ of the repository when run from source. */
function assetDirectories(): string[] {
  return [join(__dirname, 'webview'), join(__dirname, '..', '..', '..', 'dist', 'webview'), join(process.cwd(), 'dist', 'webview')];
}

export function loadReportAssets(): ReportAssets {
  for (const directory of assetDirectories()) {
    const script = join(directory, 'panel.js');
    const style = join(directory, 'panel.css');
    if (existsSync(script) && existsSync(style)) {
      return { script: readFileSync(script, 'utf8'), style: readFileSync(style, 'utf8') };
    }
  }
  throw new Error(`the report's drawing code is missing (looked for panel.js in ${assetDirectories().join(', ')}); run 'npm run build'`);
}

/** Dark Modern's colours, and Light Modern's for readers whose system is light: the panel reads the same variables from VS Code. */
const themeVariables = `
:root {
  color-scheme: dark;
  --vscode-font-family: system-ui, -apple-system, "Segoe UI", Ubuntu, "Noto Sans", sans-serif;
  --vscode-font-size: 13px;
  --vscode-editor-font-family: "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
  --vscode-foreground: #cccccc;
  --vscode-descriptionForeground: #9d9d9d;
  --vscode-editor-background: #1f1f1f;
  --vscode-editorWidget-background: #202020;
  --vscode-widget-border: #313131;
  --vscode-focusBorder: #0078d4;
  --vscode-charts-blue: #3794ff;
  --vscode-charts-orange: #d18616;
  --vscode-charts-green: #89d185;
  --vscode-charts-purple: #b180d7;
  --vscode-errorForeground: #f85149;
  --vscode-editorHoverWidget-background: #202020;
  --vscode-editorHoverWidget-border: #454545;
}
@media (prefers-color-scheme: light) {
  :root {
    color-scheme: light;
    --vscode-foreground: #3b3b3b;
    --vscode-descriptionForeground: #6f6f6f;
    --vscode-editor-background: #ffffff;
    --vscode-editorWidget-background: #f8f8f8;
    --vscode-widget-border: #e5e5e5;
    --vscode-charts-blue: #1a85ff;
    --vscode-charts-orange: #c96f00;
    --vscode-charts-green: #388a34;
    --vscode-charts-purple: #652d90;
    --vscode-errorForeground: #e51400;
    --vscode-editorHoverWidget-background: #f8f8f8;
    --vscode-editorHoverWidget-border: #c8c8c8;
  }
}
.nn-report-header { max-width: 1180px; margin: 8px auto 18px; }
.nn-report-header h1 { margin: 0 0 2px; font-size: 1.7em; font-weight: 600; }
.nn-report-header p { margin: 0; color: var(--vscode-descriptionForeground); }
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot end its <script> element early, whatever names the spec uses. */
function scriptSafe(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Pieces of about this many characters: a report's data can be larger than the longest string there can be. */
const PIECE = 1 << 16;
/** Numbers of an array written per JSON.stringify call. */
const NUMBERS_PER_CALL = 8192;

/**
 * The text of JSON.stringify(value), in pieces whose concatenation it is, without any string
 * ever holding all of it (for plain data: arrays, objects, numbers, strings, booleans, null).
 */
export function* jsonPieces(value: unknown): Generator<string> {
  let buffer = '';
  for (const text of jsonTokens(value)) {
    buffer += text;
    if (buffer.length >= PIECE) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer !== '') yield buffer;
}

function* jsonTokens(value: unknown): Generator<string> {
  if (Array.isArray(value)) {
    if (value.every((x) => typeof x === 'number')) {
      yield '[';
      for (let i = 0; i < value.length; i += NUMBERS_PER_CALL) {
        const part = JSON.stringify(value.slice(i, i + NUMBERS_PER_CALL));
        yield (i > 0 ? ',' : '') + part.slice(1, -1);
      }
      yield ']';
      return;
    }
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      const item: unknown = value[i];
      // As JSON.stringify: what JSON cannot hold is null inside an array.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') yield 'null';
      else yield* jsonTokens(item);
    }
    yield ']';
    return;
  }
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    yield '{';
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      yield `${first ? '' : ','}${JSON.stringify(key)}:`;
      first = false;
      yield* jsonTokens(item);
    }
    yield '}';
    return;
  }
  yield JSON.stringify(value) ?? 'null';
}

function stripSourceMap(code: string): string {
  return code.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '').replace(/\n?\/\*# sourceMappingURL=\S+ \*\/\s*$/, '');
}

/** Renders every run's training as one HTML page that needs no network and no other file. */
export function renderReport(views: TrainingView[], options: ReportOptions = {}): string {
  return [...reportPieces(views, options)].join('');
}

/**
 * The page of renderReport() in pieces, for writing to a file one at a time: the data of a
 * large run can be longer than a string can be (views.ts writeReport).
 */
export function* reportPieces(views: TrainingView[], options: ReportOptions = {}): Generator<string> {
  const assets = options.assets ?? loadReportAssets();
  const files = [...new Set(views.map((v) => decodeURIComponent(basename(v.uri))))];
  const title = options.title ?? (files.length > 0 ? files.join(', ') : 'nn');
  const runs = `${views.length} ${views.length === 1 ? 'run' : 'runs'}`;
  const script = stripSourceMap(assets.script).replace(/<\/(script)/gi, '<\\/$1');
  const style = stripSourceMap(assets.style).replace(/<\/(style)/gi, '<\\/$1');
  const note = options.note !== undefined ? ` · ${escapeHtml(options.note)}` : '';
  yield `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="nn-lang">
<title>Training report: ${escapeHtml(title)}</title>
<style>${themeVariables}</style>
<style>${style}</style>
</head>
<body>
<header class="nn-report-header">
<h1>Training report: ${escapeHtml(title)}</h1>
<p>${escapeHtml(runs)} · hover the network's edges for each weight, drag across the loss curve to zoom, double-click to zoom out${note}</p>
</header>
<main id="nn-root" data-mode="report"></main>
<script type="application/json" id="nn-report-data">`;
  for (const piece of jsonPieces(views)) yield scriptSafe(piece);
  yield `</script>
<script>${script}</script>
</body>
</html>
`;
}
