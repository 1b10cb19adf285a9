// The editor's features for given weights (docs/editor.md "Given weights"): colour, folding, outline, navigation, hovers, hints and fixes of a weights declaration and `start from`.
import { beforeEach, describe, expect, it } from 'vitest';
import { SymbolKind, type MarkupContent, type TextEdit } from 'vscode-languageserver';
import { codeActions } from '../../server/src/lsp/codeActions';
import { toDiagnostic } from '../../server/src/lsp/convert';
import { foldingRanges } from '../../server/src/lsp/folding';
import { hover } from '../../server/src/lsp/hover';
import { hints } from '../../server/src/lsp/inlayHints';
import { definition, prepareRename, references, rename } from '../../server/src/lsp/navigation';
import { classify } from '../../server/src/lsp/semanticTokens';
import { documentSymbols } from '../../server/src/lsp/symbols';
import type { DocumentState } from '../../server/src/lsp/state';
import { applyEdits, fixture, textOf, trainAll, URI, withOutcomes } from './harness';

const textDocument = { uri: URI };

const SPEC = `network xor {
  input 2
  layer hidden 2 sigmoid
  layer out 1 sigmoid
}
data table {
  0 0 -> 0
  1 1 -> 1
}
weights given for xor {
  hidden W 0.15 0.2
  hidden W 0.25 0.3
  hidden b 0.35 0.35
  out    W 0.4 0.45
  out    b 0.6
}
train xor on table {
  start from given
  optimizer sgd rate 0.5
  epochs 3
}
`;

/** The offset just after the first `marker` in the text. */
const after = (text: string, marker: string) => {
  const i = text.indexOf(marker);
  if (i < 0) throw new Error(`no ${marker}`);
  return i + marker.length;
};

function hoverAt(state: DocumentState, offset: number): string | null {
  const result = hover(state, { textDocument, position: state.lines.positionAt(offset) });
  return result ? (result.contents as MarkupContent).value : null;
}

describe('colour, folding and outline', () => {
  // Checked in each test, not while the tests are collected (outside every test's coverage: docs/RELIABILITY.md "Mutation score").
  let state: DocumentState;
  beforeEach(() => void ({ state } = fixture(SPEC)));

  it('colours the declaration, its rows and start from by what each word is', () => {
    const spans = classify(state.check.file).map((c) => `${state.text.slice(c.span.start, c.span.end)} ${c.type}${c.modifiers.length ? `.${c.modifiers.join('.')}` : ''}`);
    const from = spans.indexOf('weights keyword');
    expect(spans.slice(from, from + 9)).toEqual(['weights keyword', 'given variable.declaration', 'for keyword', 'xor class', 'hidden property', 'W keyword', '0.15 number', '0.2 number', 'hidden property']);
    const start = spans.indexOf('start keyword');
    expect(spans.slice(start, start + 3)).toEqual(['start keyword', 'from keyword', 'given variable']);
  });

  it('folds the weights block like any block', () => {
    expect(foldingRanges(state, { textDocument }).map((f) => `${f.startLine}-${f.endLine}`)).toContain('9-14');
  });

  it('lists the weights in the outline with their network, count and origin', () => {
    const symbols = documentSymbols(state, { textDocument });
    const weights = symbols.find((s) => s.kind === SymbolKind.Constant)!;
    expect(`${weights.name} — ${weights.detail} [${textOf(state, weights.selectionRange)}]`).toBe('given — for xor · 9 params · written here [given]');
    const file = fixture('weights saved for xor from "w.json"\n').state;
    expect(documentSymbols(file, { textDocument }).map((s) => s.detail)).toEqual(['for xor · from "w.json"']);
  });
});

describe('go to definition, references and rename of a weights name', () => {
  let state: DocumentState;
  let position: ReturnType<DocumentState['lines']['positionAt']>;
  beforeEach(() => {
    ({ state } = fixture(SPEC));
    position = state.lines.positionAt(after(state.text, 'start from gi'));
  });

  it('goes from start from to the declaration, and finds both', () => {
    const location = definition(state, { textDocument, position });
    expect(location && `${location.range.start.line}:${location.range.start.character} ${textOf(state, location.range)}`).toBe('9:8 given');
    expect(references(state, { textDocument, position, context: { includeDeclaration: true } }).map((l) => l.range.start.line)).toEqual([9, 17]);
  });

  it('renames the declaration and every start from, and refuses a name another weights declaration has', () => {
    expect(prepareRename(state, { textDocument, position })).toMatchObject({ placeholder: 'given' });
    const edit = rename(state, { textDocument, position, newName: 'lecture' }) as { changes: Record<string, TextEdit[]> };
    const text = applyEdits(state.text, edit.changes[URI]);
    expect(text).toContain('weights lecture for xor {');
    expect(text).toContain('start from lecture');
    const two = fixture(`${SPEC}weights other for xor from "o.json"\n`).state;
    expect(rename(two, { textDocument, position, newName: 'other' })).toMatchObject({ message: "a weights declaration named 'other' already exists" });
  });
});

describe('hovers', () => {
  it('on a weights name: its network, its numbers and the runs that start from it', () => {
    const { state } = fixture(SPEC);
    const text = hoverAt(state, after(state.text, 'weights gi'))!;
    expect(text).toContain('**weights given** for network xor — 9 numbers, written here');
    expect(text).toContain('hidden  W⁽¹⁾ 2×2 · b⁽¹⁾ 2');
    expect(text).toContain('runs that start from them: train xor on table (line 17)');
  });

  it('on a row: which unit each weight leads into, from which input', () => {
    const { state } = fixture(SPEC);
    const row = hoverAt(state, after(state.text, 'hidden W 0.25 0.'))!;
    expect(row).toContain('**layer hidden, W⁽¹⁾ row 2** — the incoming weights of unit h₂');
    expect(row).toContain('W⁽¹⁾₂₁ = 0.25   (x₁ → h₂)');
    expect(hoverAt(state, after(state.text, 'out    b 0.'))).toContain('b⁽²⁾₁ = 0.6   (unit ŷ₁)');
    // `W` and `b` themselves are documented.
    expect(hoverAt(state, after(state.text, 'hidden b') - 1)).toContain('**b** — weights row');
  });

  it('on a layer of a run that starts from them: the given weights before training, and where they come from after', () => {
    const { state } = fixture(SPEC);
    const layer = after(state.text, '  layer hid');
    const before = hoverAt(state, layer)!;
    expect(before).toContain('W⁽¹⁾ and b⁽¹⁾ before training: given by weights given, line 10');
    expect(before.split('\n')).toContainEqual(expect.stringMatching(/^h₂\s+0\.250\s+0\.300\s+0\.350$/));
    const trained = withOutcomes(state, trainAll(state).outcomes);
    expect(hoverAt(trained, layer)).toContain('started from the weights given by weights given, line 10');
    expect(hoverAt(state, after(state.text, '\ntrai'))).toContain('start from given');
  });

  it('on the file of weights read from a file: the weights', () => {
    const { state } = fixture('weights saved for xor from "w.json"\n');
    expect(hoverAt(state, after(state.text, '"w.js'))).toBe("**weights saved** — has errors (see the problems on its declaration)");
  });
});

describe('quick fixes of unused weights', () => {
  it('start a run of their network from them, or remove them', () => {
    const spec = SPEC.replace('  start from given\n', '');
    const { state } = fixture(spec);
    const unused = state.check.problems.find((p) => p.code === 'unused')!;
    expect(unused.message).toBe("weights 'given' are not used by any run; add 'start from given' to a 'train' block of network 'xor' or remove them");
    const position = state.lines.positionAt(unused.span.start);
    const actions = codeActions(state, { textDocument, range: { start: position, end: position }, context: { diagnostics: [toDiagnostic(state.lines, unused)] } });
    expect(actions.map((a) => a.title)).toEqual(["Start the run on line 17 from 'given'", "Remove weights 'given'"]);
    const fixed = applyEdits(spec, actions[0].edit!.changes![URI]);
    expect(fixed).toContain('train xor on table {\n  start from given\n  optimizer');
    expect(fixture(fixed).state.check.problems).toEqual([]);
  });
});

describe('inlay hints', () => {
  it('show how many numbers weights read from a file give, beside the file; written weights need none', () => {
    const document = { layers: [{ weights: [[0.15, 0.2], [0.25, 0.3]], biases: [0.35, 0.35] }, { weights: [[0.4, 0.45]], biases: [0.6] }] };
    const spec = `${SPEC}weights saved for xor from "w.json"\n`;
    const { state } = fixture(spec, { files: { '/work/w.json': JSON.stringify(document) } });
    expect(state.check.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const weightHints = hints(state).filter((h) => h.label.includes('layers ·'));
    expect(weightHints.map((h) => [spec.slice(0, h.offset).split('\n').pop(), h.label])).toEqual([['weights saved for xor from "w.json"', '2 layers · 9 params']]);
  });
});
