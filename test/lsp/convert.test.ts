// Core values as LSP values (lsp/convert.ts, spans.ts, icons.ts): a problem's severity, source, tag and place; a fix's edits; a span the cursor touches.
import { describe, expect, it } from 'vitest';
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import { LineIndex } from '../../server/src/language/positions';
import type { Problem } from '../../server/src/language/problems';
import { toDiagnostic, toWorkspaceEdit } from '../../server/src/lsp/convert';
import { iconTitle } from '../../server/src/lsp/icons';
import { cover, rangeOf, touches } from '../../server/src/lsp/spans';

const TEXT = 'network n {\n  input 2\n}\n';
const lines = new LineIndex(TEXT);

describe('a problem as a diagnostic', () => {
  it('keeps its place, words and code, says it comes from nn, with the severity of its kind', () => {
    const problem = (severity: Problem['severity'], code: Problem['code'] = 'unknown-keyword'): Problem => ({ span: { start: 14, end: 21 }, severity, code, message: 'words' });
    expect(toDiagnostic(lines, problem('error'))).toEqual({
      range: { start: { line: 1, character: 2 }, end: { line: 1, character: 9 } },
      severity: DiagnosticSeverity.Error,
      code: 'unknown-keyword',
      source: 'nn',
      message: 'words',
    });
    expect(toDiagnostic(lines, problem('warning')).severity).toBe(DiagnosticSeverity.Warning);
    expect(toDiagnostic(lines, problem('info')).severity).toBe(DiagnosticSeverity.Information);
  });

  it('draws an unused declaration faded (the Unnecessary tag), and nothing else', () => {
    expect(toDiagnostic(lines, { span: { start: 0, end: 7 }, severity: 'warning', code: 'unused', message: 'unused' }).tags).toEqual([DiagnosticTag.Unnecessary]);
    expect(toDiagnostic(lines, { span: { start: 0, end: 7 }, severity: 'warning', code: 'duplicate-name', message: 'x' }).tags).toBeUndefined();
  });
});

describe('a fix as a workspace edit', () => {
  it("is every edit of the fix, at its range, in the document's changes", () => {
    const fix = { title: 'Change input to 3', edits: [{ span: { start: 20, end: 21 }, newText: '3' }, { span: { start: 8, end: 9 }, newText: 'm' }] };
    expect(toWorkspaceEdit('file:///a.nn', lines, fix)).toEqual({
      changes: {
        'file:///a.nn': [
          { range: { start: { line: 1, character: 8 }, end: { line: 1, character: 9 } }, newText: '3' },
          { range: { start: { line: 0, character: 8 }, end: { line: 0, character: 9 } }, newText: 'm' },
        ],
      },
    });
  });
});

describe('spans', () => {
  it('a cursor touches a span from its first character to just after its last', () => {
    const span = { start: 8, end: 9 };
    expect([7, 8, 9, 10].map((offset) => touches(span, offset))).toEqual([false, true, true, false]);
    expect(touches(undefined, 8)).toBe(false);
  });

  it('cover runs from the first span to the end of whichever ends later', () => {
    expect(cover({ start: 2, end: 5 }, { start: 3, end: 9 })).toEqual({ start: 2, end: 9 });
    expect(cover({ start: 2, end: 10 }, { start: 3, end: 9 })).toEqual({ start: 2, end: 10 });
    expect(rangeOf(lines, { start: 0, end: TEXT.length })).toEqual({ start: { line: 0, character: 0 }, end: { line: 3, character: 0 } });
  });
});

describe('icons', () => {
  it('a codicon before the words where the client draws them, the words alone elsewhere', () => {
    expect(iconTitle({ markdown: true, commandLinks: true, icons: true }, 'play', 'Train')).toBe('$(play) Train');
    expect(iconTitle({ markdown: false, commandLinks: false, icons: false }, 'play', 'Train')).toBe('Train');
  });
});
