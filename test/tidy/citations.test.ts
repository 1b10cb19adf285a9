// The repository documents itself: code and tests cite docs/, never files outside the repository, and every citation and link leads to a section that exists.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

/** Every file under `dir` (recursively), as a path relative to the repository; generated and installed folders are left out. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string): void => {
    for (const entry of readdirSync(path)) {
      if (entry === 'node_modules' || entry === 'dist' || entry === '.git') continue;
      const child = join(path, entry);
      if (statSync(child).isDirectory()) walk(child);
      else out.push(relative(root, child).split(sep).join('/'));
    }
  };
  walk(join(root, dir));
  return out;
}

/** The text of a file, or null for binary files (images, WebAssembly). */
function textOf(path: string): string | null {
  const text = readFileSync(join(root, path), 'utf8');
  return text.includes('\u0000') ? null : text;
}

/** Third-party files kept as published: their citations are their own project's (ONNX's IR.md …). */
const VENDORED = new Set(['server/src/export/onnx/onnx.proto', 'server/src/export/onnx/LICENSE']);

const sources = [...['server', 'client', 'test', 'bench', 'syntaxes', '.ci'].flatMap(filesUnder), 'build.mjs']
  .filter((path) => !VENDORED.has(path))
  .map((path) => ({ path, text: textOf(path) }))
  .filter((file): file is { path: string; text: string } => file.text !== null);

const docs = ['README.md', 'CHANGELOG.md', ...filesUnder('docs').filter((path) => path.endsWith('.md'))].map((path) => ({
  path,
  text: readFileSync(join(root, path), 'utf8'),
}));

/** The team's contracts and notes live outside the repository; the names are assembled so this file does not cite them itself. */
const OUTSIDE = new RegExp(`\\b(?:${['LANGUAGE', 'CLI', 'UX', 'E2E', 'HOUSE-STYLE'].join('|')})\\.md\\b|(?:\\.\\./|/work/)shared\\b`);

/** The lines of `text` that match `pattern`, as `path:line: text`. */
function matchingLines(path: string, text: string, pattern: RegExp): string[] {
  return text
    .split('\n')
    .map((line, i) => ({ line, number: i + 1 }))
    .filter(({ line }) => pattern.test(line))
    .map(({ line, number }) => `${path}:${number}: ${line.trim()}`);
}

/** Markdown headings of a file: their text without `#`, backticks or emphasis. */
function headings(text: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (!fenced && heading) out.push(heading[2].replace(/[`*]/g, '').trim());
  }
  return out;
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

const docHeadings = new Map(docs.map((doc) => [doc.path, headings(doc.text)]));

/** Section numbers of docs/language.md: `1` … `7` and `4.3` …, from its numbered headings. */
const languageSections = new Set(
  (docHeadings.get('docs/language.md') ?? []).map((h) => /^(\d+(?:\.\d+)?)\.?\s/.exec(h)?.[1]).filter((n): n is string => n !== undefined),
);

describe('citations', () => {
  it('no file of the repository cites the contracts outside it (docs/ is the reference)', () => {
    const offenders = [...sources, ...docs].flatMap((file) => matchingLines(file.path, file.text, OUTSIDE));
    expect(offenders).toEqual([]);
  });

  it('every docs/ file that code or docs name exists', () => {
    const missing: string[] = [];
    for (const file of [...sources, ...docs]) {
      for (const match of file.text.matchAll(/\bdocs\/([\w.-]+\.md)\b/g)) {
        if (!existsSync(join(root, 'docs', match[1]))) missing.push(`${file.path}: docs/${match[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every "docs/language.md §N" names a numbered section of docs/language.md', () => {
    expect(languageSections.size).toBeGreaterThan(20);
    const missing: string[] = [];
    for (const file of [...sources, ...docs]) {
      for (const match of file.text.matchAll(/docs\/language\.md (?:§|section )(\d+(?:\.\d+)?)(?:–§(\d+(?:\.\d+)?))?/g)) {
        for (const section of [match[1], match[2]]) {
          if (section !== undefined && !languageSections.has(section)) missing.push(`${file.path}: ${match[0]}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('every docs/<file>.md "Title" names a heading of that file', () => {
    const missing: string[] = [];
    for (const file of [...sources, ...docs]) {
      for (const match of file.text.matchAll(/docs\/([\w-]+\.md),? "([^"]+)"/g)) {
        const titles = docHeadings.get(`docs/${match[1]}`) ?? [];
        const wanted = match[2].replace(/\s+/g, ' ');
        if (!titles.some((title) => title.includes(wanted))) missing.push(`${file.path}: ${match[0]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every link between the docs leads to a file and a heading that exist', () => {
    const broken: string[] = [];
    for (const doc of docs) {
      const folder = doc.path.includes('/') ? doc.path.slice(0, doc.path.lastIndexOf('/') + 1) : '';
      for (const match of doc.text.matchAll(/\]\(([^)\s]*)\)/g)) {
        const target = match[1];
        if (/^[a-z]+:/.test(target)) continue; // http:, command: …
        const [file, anchor] = target.split('#');
        const path = file === '' ? doc.path : `${folder}${file}`;
        if (!existsSync(join(root, path))) {
          broken.push(`${doc.path}: ${target} (no such file)`);
          continue;
        }
        if (anchor === undefined || !path.endsWith('.md')) continue;
        const anchors = (docHeadings.get(path) ?? headings(readFileSync(join(root, path), 'utf8'))).map(anchorOf);
        if (!anchors.includes(anchor)) broken.push(`${doc.path}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
