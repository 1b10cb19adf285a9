// Quick fixes as a user meets them: which problems' fixes the light bulb offers for the cursor or selection, for
// which kinds of action the client asked, tied to which diagnostic, and the text each fix leaves
// (docs/editor.md "Diagnostics while you type" and "Diagnostics after a run"). codeActions.test.ts checks each fix of the checker; these check the editor's own.
import { describe, expect, it } from 'vitest';
import type { CodeAction, Diagnostic } from 'vscode-languageserver';
import { codeActions } from '../../server/src/lsp/codeActions';
import { toDiagnostic } from '../../server/src/lsp/convert';
import type { DocumentState } from '../../server/src/lsp/state';
import type { Problem } from '../../server/src/language/problems';
import { applyEdits, fixture, URI } from './harness';

const TAIL = `\ndata table {\n  0 0 -> 0\n  1 1 -> 1\n}\ntrain xor on table {\n  epochs 10\n}\n`;
/** Two misspelled activations, on lines 2 and 3. */
const TYPOS = `network xor {\n  input 2\n  layer h 3 tahn\n  layer 1 sigmoidd\n}\n${TAIL}`;

function actions(state: DocumentState, start: number, end = start, options: { only?: string[]; diagnostics?: Diagnostic[] } = {}): CodeAction[] {
  const diagnostics = options.diagnostics ?? [...state.check.problems, ...state.results].map((p) => toDiagnostic(state.lines, p));
  const range = { start: state.lines.positionAt(start), end: state.lines.positionAt(end) };
  return codeActions(state, { textDocument: { uri: URI }, range, context: { diagnostics, ...(options.only ? { only: options.only } : {}) } });
}

const titles = (list: CodeAction[]) => list.map((a) => a.title);
const applied = (state: DocumentState, action: CodeAction | undefined) => applyEdits(state.text, action!.edit!.changes![URI]);

describe('which fixes the light bulb offers', () => {
  it('offers the fixes of the problems the cursor touches, from either end of the word', () => {
    const { state } = fixture(TYPOS);
    const tahn = state.text.indexOf('tahn');
    const sigmoidd = state.text.indexOf('sigmoidd');
    expect(titles(actions(state, tahn))).toEqual(["Change to 'tanh'"]);
    expect(titles(actions(state, tahn + 4))).toEqual(["Change to 'tanh'"]);
    expect(titles(actions(state, tahn - 1))).toEqual([]);
    expect(titles(actions(state, sigmoidd + 8))).toEqual(["Change to 'sigmoid'"]);
    expect(titles(actions(state, sigmoidd + 9))).toEqual([]);
    // A selection over both lines: both fixes, in the file's order.
    expect(titles(actions(state, tahn - 5, sigmoidd + 2))).toEqual(["Change to 'tanh'", "Change to 'sigmoid'"]);
  });

  it('offers quick fixes only where the client asks for them', () => {
    const { state } = fixture(TYPOS);
    const at = state.text.indexOf('tahn');
    const offered = (only?: string[]) => titles(actions(state, at, at, { only }));
    expect(offered()).toEqual(["Change to 'tanh'"]);
    expect(offered(['quickfix'])).toEqual(["Change to 'tanh'"]);
    expect(offered(['refactor', 'quickfix'])).toEqual(["Change to 'tanh'"]);
    // The empty kind asks for every kind (the protocol's CodeActionKind.Empty).
    expect(offered([''])).toEqual(["Change to 'tanh'"]);
    expect(offered(['refactor'])).toEqual([]);
    expect(offered(['source'])).toEqual([]);
  });

  it('marks the checker\'s preferred fix, and no other', () => {
    const { state } = fixture(TYPOS);
    expect(actions(state, state.text.indexOf('tahn')).map((a) => [a.title, a.isPreferred])).toEqual([["Change to 'tanh'", true]]);
    const unused = fixture(`network xor {\n  input 2\n  layer 1 sigmoid\n}\ndata spare {\n  1 1 -> 1\n}\n${TAIL}`).state;
    expect(actions(unused, unused.text.indexOf('spare')).map((a) => [a.title, a.isPreferred])).toEqual([["Remove data set 'spare'", undefined]]);
  });

  it('ties each fix to the client\'s own diagnostic when it sent the same one, and to the server\'s otherwise', () => {
    const { state } = fixture(TYPOS);
    const problem = state.check.problems.find((p) => state.text.slice(p.span.start, p.span.end) === 'tahn')!;
    const ours = toDiagnostic(state.lines, problem);
    const sent: Diagnostic = { ...ours, data: 'the client’s' };
    const at = problem.span.start;
    expect(actions(state, at, at, { diagnostics: [sent] })[0].diagnostics![0]).toBe(sent);
    // Another code, or any end of the range elsewhere, is another diagnostic: the server's own is attached.
    const shifted = (change: (d: Diagnostic) => void): Diagnostic => {
      const d = structuredClone(sent);
      change(d);
      return d;
    };
    for (const other of [
      shifted((d) => (d.code = 'unknown-name')),
      shifted((d) => d.range.start.line++),
      shifted((d) => d.range.start.character++),
      shifted((d) => d.range.end.line++),
      shifted((d) => d.range.end.character++),
    ]) {
      expect(actions(state, at, at, { diagnostics: [other] })[0].diagnostics).toEqual([ours]);
    }
  });
});

describe('the editor\'s own fixes', () => {
  it('makes the last layer linear, named or not, when targets leave [0, 1]', () => {
    const spec = `network first {\n  input 1\n  layer 1 sigmoid\n}\nnetwork n {\n  input 1\n  layer h 2 tanh\n  layer 1 sigmoid\n}\ndata d {\n  1 -> 5\n  2 -> 9\n}\ntrain n on d {\n}\n`;
    const { state } = fixture(spec);
    const fix = actions(state, state.text.indexOf('on d') + 3).find((a) => a.title === 'Make the last layer linear');
    expect(applied(state, fix)).toBe(spec.replace('layer 1 sigmoid\n}\ndata', 'layer 1 linear\n}\ndata'));
  });

  /** The state with a result problem of `code` on the run at index `run` (as present/results.ts attaches them). */
  function withResult(spec: string, code: 'target-missed' | 'loss-flat', run: number): { state: DocumentState; at: number } {
    const { state } = fixture(spec);
    const span = state.check.runs[run].keywordSpan;
    const problem: Problem = { code, severity: 'warning', message: 'the run missed its target', span };
    return { state: { ...state, results: [problem] }, at: span.start };
  }
  const NET = `network xor {\n  input 2\n  layer 1 sigmoid\n}\ndata table {\n  0 0 -> 0\n}\n`;

  it('for a run that missed its target: the next seed, momentum and twice the epochs, each written where the run says them', () => {
    const second = `train xor on table {\n\tseed 4\n\toptimizer sgd rate 0.1\n\tepochs 30\n}\n`;
    const spec = `${NET}train xor on table {\n  epochs 10\n}\n${second}`;
    const { state, at } = withResult(spec, 'target-missed', 1);
    const list = actions(state, at);
    expect(titles(list)).toEqual(['Try seed 5', 'Add momentum 0.9', 'Set epochs to 60']);
    expect(list.map((a) => applied(state, a).slice(spec.indexOf(second)))).toEqual([
      second.replace('seed 4', 'seed 5'),
      second.replace('rate 0.1', 'rate 0.1 momentum 0.9'),
      second.replace('epochs 30', 'epochs 60'),
    ]);
  });

  it('for a run with momentum already: no momentum fix; the seed replaced wherever it stands in the block', () => {
    const run = `train xor on table {\n  optimizer sgd rate 0.1 momentum 0.5\n  epochs 30\n  seed 4\n}\n`;
    const { state, at } = withResult(`${NET}${run}`, 'target-missed', 0);
    const list = actions(state, at);
    expect(titles(list)).toEqual(['Try seed 5', 'Set epochs to 60']);
    expect(applied(state, list[0]).slice(NET.length)).toBe(run.replace('seed 4', 'seed 5'));
  });

  it('for a flat loss: writes the seed and the epochs a run leaves out, indented like its statements; no momentum for adam', () => {
    const { state, at } = withResult(`${NET}train xor on table {\n    optimizer adam rate 0.1\n}\n`, 'loss-flat', 0);
    const list = actions(state, at);
    expect(titles(list)).toEqual(['Try seed 1', 'Set epochs to 2000']);
    expect(list.map((a) => applied(state, a).slice(NET.length))).toEqual([
      'train xor on table {\n    seed 1\n    optimizer adam rate 0.1\n}\n',
      'train xor on table {\n    epochs 2000\n    optimizer adam rate 0.1\n}\n',
    ]);
    // An empty block: two spaces, the canonical indent (docs/language.md).
    const empty = withResult(`${NET}train xor on table {\n}\n`, 'loss-flat', 0);
    expect(actions(empty.state, empty.at).map((a) => applied(empty.state, a).slice(NET.length))).toEqual([
      'train xor on table {\n  seed 1\n}\n',
      'train xor on table {\n  epochs 2000\n}\n',
    ]);
  });

  it('declares a missing network as wide as the data, and nothing for a name that is another kind or not the run\'s', () => {
    const spec = `data table {\n  0 0 1 -> 0 1\n}\ntrain net on table {\n}\n`;
    const { state } = fixture(spec);
    const fix = actions(state, state.text.indexOf('net on')).find((a) => a.title === "Declare network 'net'");
    expect(applied(state, fix)).toBe(spec.replace('train', 'network net {\n  input 3\n  layer hidden 4 sigmoid\n  layer output 2 sigmoid\n}\n\ntrain'));
    const mixup = fixture(`network xor {\n  input 2\n  layer 1 sigmoid\n}\n${TAIL}train table on xor {\n}\n`).state;
    expect(actions(mixup, mixup.text.lastIndexOf('xor'))).toEqual([]);
    expect(actions(mixup, mixup.text.lastIndexOf('table on'))).toEqual([]);
    const ghost = fixture(`network xor {\n  input 2\n  layer 1 sigmoid\n}\n${TAIL.replace('epochs 10', 'start from ghost')}`).state;
    expect(actions(ghost, ghost.text.indexOf('ghost'))).toEqual([]);
  });

  it('removes an unused network with the spaces and the \\r\\n line breaks after it', () => {
    const rest = `network xor {\n  input 2\n  layer 1 sigmoid\n}\n${TAIL}`;
    const spec = `network spare {\n  input 2\n  layer 1 sigmoid\n}   \r\n\r\n${rest}`;
    const { state } = fixture(spec);
    const list = actions(state, state.text.indexOf('spare'));
    expect(titles(list)).toEqual(["Remove network 'spare'"]);
    expect(applied(state, list[0])).toBe(rest);
  });

  it('starts the runs of its network that start from nothing from unused weights, or removes them', () => {
    const weights = `weights w for xor {\n  layer1 W 1 2\n  layer1 b 0\n}\t\n`;
    const spec = [
      `network xor {\n  input 2\n  layer 1 sigmoid\n}\n${weights}data table {\n  0 0 -> 0\n}\n`,
      'train xor on table {\n    epochs 10\n}\n',
      'train xor on table {\n  epochs 5\n  start from v\n}\n',
      'network other {\n  input 2\n  layer 1 sigmoid\n}\ntrain other on table {\n}\n',
      'weights v for xor {\n  layer1 W 1 2\n  layer1 b 0\n}\n',
    ].join('');
    const { state } = fixture(spec);
    const list = actions(state, state.text.indexOf('w for'));
    expect(titles(list)).toEqual(["Start the run on line 12 from 'w'", "Remove weights 'w'"]);
    expect(applied(state, list[0])).toBe(spec.replace('train xor on table {\n    epochs 10', 'train xor on table {\n    start from w\n    epochs 10'));
    expect(applied(state, list[1])).toBe(spec.replace(weights, ''));
  });

  it('offers no start from unused weights for a run still without its block', () => {
    const { state } = fixture(`network xor {\n  input 2\n  layer 1 sigmoid\n}\nweights w for xor {\n  layer1 W 1 2\n  layer1 b 0\n}\ndata table {\n  0 0 -> 0\n}\ntrain xor on table\n`);
    expect(titles(actions(state, state.text.indexOf('w for')))).toEqual(["Remove weights 'w'"]);
  });
});
