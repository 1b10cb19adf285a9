// Quick fixes: the checker's fixes for common mistakes and the editor's extra ones, applied to the text at `$0`.
import { describe, expect, it } from 'vitest';
import type { CodeAction, TextEdit } from 'vscode-languageserver';
import { codeActions } from '../../server/src/lsp/codeActions';
import { toDiagnostic } from '../../server/src/lsp/convert';
import type { DocumentState } from '../../server/src/lsp/state';
import { resultProblem } from '../../server/src/present/results';
import { runStateOf } from '../../server/src/training/runState';
import { applyEdits, dedent, fixture, trainAll, URI, withOutcomes } from './harness';

function actionsAt(state: DocumentState, offset: number): CodeAction[] {
  const position = state.lines.positionAt(offset);
  const diagnostics = [...state.check.problems, ...state.results].map((p) => toDiagnostic(state.lines, p));
  return codeActions(state, { textDocument: { uri: URI }, range: { start: position, end: position }, context: { diagnostics } });
}

const apply = (text: string, edits: TextEdit[]): string => applyEdits(text, edits);

/** The titles offered at `$0`, and the text after applying the one titled `chosen`. */
function check(spec: string, titles: string[], chosen: string, expected: string, state?: DocumentState): void {
  const fx = fixture(spec);
  const s = state ?? fx.state;
  const actions = actionsAt(s, fx.offset);
  expect(actions.map((a) => a.title)).toEqual(titles);
  const action = actions.find((a) => a.title === chosen)!;
  expect(action.kind).toBe('quickfix');
  expect(action.diagnostics).toHaveLength(1);
  expect(apply(s.text, action.edit!.changes![URI])).toBe(dedent(expected));
}

const TAIL = `
data table {
  0 0 -> 0
  1 1 -> 1
}
train xor on table {
  epochs 10
}
`;

describe('quick fixes', () => {
  it('removes dropout from the last layer (docs/language.md §7.2)', () => {
    check(
      `network xor {\n  input 2\n  layer h 3 tanh dropout 10%\n  layer 1 sigmoid drop$0out 20%\n}\n${TAIL}`,
      ['Remove the dropout'],
      'Remove the dropout',
      `network xor {\n  input 2\n  layer h 3 tanh dropout 10%\n  layer 1 sigmoid\n}\n${TAIL}`,
    );
  });

  it('writes dropout as a percentage', () => {
    check(
      `network xor {\n  input 2\n  layer h 3 tanh dropout 0.$02\n  layer 1 sigmoid\n}\n${TAIL}`,
      ['Change to 20%'],
      'Change to 20%',
      `network xor {\n  input 2\n  layer h 3 tanh dropout 20%\n  layer 1 sigmoid\n}\n${TAIL}`,
    );
  });

  it('adds the validation that `stop when validation loss` needs, below it (docs/language.md §7.4)', () => {
    const net = 'network xor {\n  input 2\n  layer 1 sigmoid\n}\ndata table {\n  0 0 -> 0\n  1 1 -> 1\n}\n';
    check(
      `${net}train xor on table {\n  epochs 10\n  stop when valid$0ation loss < 0.1\n  seed 2\n}\n`,
      ["Add 'validate 20%'"],
      "Add 'validate 20%'",
      `${net}train xor on table {\n  epochs 10\n  stop when validation loss < 0.1\n  validate 20%\n  seed 2\n}\n`,
    );
  });

  it('adds the parameter a schedule needs, and names PyTorch\'s parameters as the language does', () => {
    const head = 'network xor {\n  input 2\n  layer 1 sigmoid\n}\ndata table {\n  0 0 -> 0\n  1 1 -> 1\n}\ntrain xor on table {\n';
    check(`${head}  schedule st$0ep factor 0.5\n}\n`, ["Add 'every 100'"], "Add 'every 100'", `${head}  schedule step factor 0.5 every 100\n}\n`);
    check(`${head}  schedule step gam$0ma 0.5 every 2\n}\n`, ["Change to 'factor'"], "Change to 'factor'", `${head}  schedule step factor 0.5 every 2\n}\n`);
    check(`${head}  regularize 0.0$01\n}\n`, ["Insert 'l2'"], "Insert 'l2'", `${head}  regularize l2 0.01\n}\n`);
  });

  it('corrects a misspelled activation', () => {
    check(
      `network xor {\n  input 2\n  layer 1 sigm$0oidd\n}\n${TAIL}`,
      ["Change to 'sigmoid'"],
      "Change to 'sigmoid'",
      `network xor {\n  input 2\n  layer 1 sigmoid\n}\n${TAIL}`,
    );
  });

  it('corrects a misspelled keyword', () => {
    check(
      `network xor {\n  inptu$0 2\n  layer 1 sigmoid\n}\n${TAIL}`,
      ["Change to 'input'"],
      "Change to 'input'",
      `network xor {\n  input 2\n  layer 1 sigmoid\n}\n${TAIL}`,
    );
  });

  it('changes the input width to the data\'s', () => {
    const spec = `network xor {\n  input 3\n  layer 1 sigmoid\n}\n${TAIL}`.replace('train xor on table', 'train xor on t$0able');
    check(spec, ['Change input to 2'], 'Change input to 2', `network xor {\n  input 2\n  layer 1 sigmoid\n}\n${TAIL}`);
  });

  it('sets the loss to cross_entropy for a softmax output', () => {
    const spec = `network n {\n  input 2\n  layer 2 softmax\n}\ndata d {\n  0 1 -> 1 0\n}\ntrain n on d {\n  loss m$0se\n}\n`;
    check(spec, ['Set loss to cross_entropy'], 'Set loss to cross_entropy', spec.replace('$0', '').replace('loss mse', 'loss cross_entropy'));
  });

  it('removes an expectation that tests nothing, and adds the held-out rows a validation measure needs', () => {
    const net = `network xor {\n  input 2\n  layer 1 sigmoid\n}\n${TAIL}`;
    const always = net.replace('  epochs 10\n', '  epochs 10\n  expect loss > -$01\n  expect accuracy > 90%\n');
    check(always, ['Remove this expectation'], 'Remove this expectation', net.replace('  epochs 10\n', '  epochs 10\n  expect accuracy > 90%\n'));
    const unmeasured = net.replace('  epochs 10\n', '  epochs 10\n  expect validation acc$0uracy > 90%\n');
    check(unmeasured, ["Add 'validate 20%'"], "Add 'validate 20%'", net.replace('  epochs 10\n', '  epochs 10\n  validate 20%\n  expect validation accuracy > 90%\n'));
  });

  it('removes an unused data set', () => {
    const spec = `network xor {\n  input 2\n  layer 1 sigmoid\n}\ndata sp$0are {\n  1 1 -> 1\n}\n\n${TAIL}`;
    check(spec, ["Remove data set 'spare'"], "Remove data set 'spare'", `network xor {\n  input 2\n  layer 1 sigmoid\n}\n${TAIL}`);
  });

  it('offers a linear output when targets leave [0, 1]', () => {
    const spec = `network n {\n  input 1\n  layer out 1 sigmoid\n}\ndata d {\n  1 -> 5\n  2 -> 9\n}\ntrain n on d$0 {\n}\n`;
    const fx = fixture(spec);
    const titles = actionsAt(fx.state, fx.offset).map((a) => a.title);
    expect(titles).toContain("Make layer 'out' linear");
    check(spec, titles, "Make layer 'out' linear", spec.replace('$0', '').replace('out 1 sigmoid', 'out 1 linear'));
  });

  it('offers nothing where there is no problem', () => {
    const fx = fixture(`network xor {\n  input 2\n  layer 1 sig$0moid\n}\n${TAIL}`);
    expect(actionsAt(fx.state, fx.offset)).toEqual([]);
  });

  it('fixes a run that diverged: a lower rate, or normalized data', () => {
    const spec = `
      network n {
        input 1
        layer 1 linear
      }
      data big {
        1000 -> 1
        3000 -> 2
      }
      tr$0ain n on big {
        optimizer sgd rate 100
        epochs 50
      }
    `;
    const fx = fixture(spec);
    const { outcomes } = trainAll(fx.state);
    const run = fx.state.check.runs[0];
    const outcome = outcomes.get(run.key)!;
    expect(outcome.result!.stopped).toBe('diverged');
    const problem = resultProblem(fx.state.check, run, runStateOf({ live: null, cached: { outcome, record: null }, failure: null, estimate: 0 }), fx.state.text);
    expect(problem?.code).toBe('diverged');
    const state: DocumentState = { ...withOutcomes(fx.state, outcomes), results: [problem!] };
    const actions = actionsAt(state, fx.offset);
    const titles = actions.map((a) => a.title);
    expect(titles).toContain("Add normalize zscore to data 'big'");
    const rate = titles.find((t) => t.startsWith('Set rate to '))!;
    expect(Number(rate.slice('Set rate to '.length))).toBeLessThan(100);
    expect(actions.find((a) => a.title === rate)!.isPreferred).toBe(true);
    const fixed = apply(state.text, actions.find((a) => a.title === "Add normalize zscore to data 'big'")!.edit!.changes![URI]);
    expect(fixed).toContain('normalize zscore');
    expect(fixture(fixed).state.check.datasets.get('big')?.normalize).toBe('zscore');
  });

  it('offers another seed, momentum and more epochs when the target was missed', () => {
    const spec = `
      network xor {
        input 2
        layer h 2 sigmoid
        layer 1 sigmoid
      }
      data t {
        0 0 -> 0
        0 1 -> 1
        1 0 -> 1
        1 1 -> 0
      }
      tr$0ain xor on t {
        optimizer sgd rate 0.1
        epochs 5
        stop when loss < 0.00001
      }
    `;
    const fx = fixture(spec);
    const { outcomes } = trainAll(fx.state);
    const run = fx.state.check.runs[0];
    const outcome = outcomes.get(run.key)!;
    const problem = resultProblem(fx.state.check, run, runStateOf({ live: null, cached: { outcome, record: null }, failure: null, estimate: 0 }), fx.state.text);
    expect(problem?.code).toBe('target-missed');
    const state: DocumentState = { ...withOutcomes(fx.state, outcomes), results: [problem!] };
    const actions = actionsAt(state, fx.offset);
    expect(actions.map((a) => a.title)).toEqual(expect.arrayContaining(['Try seed 1', 'Add momentum 0.9', 'Set epochs to 10']));
    const seeded = apply(state.text, actions.find((a) => a.title === 'Try seed 1')!.edit!.changes![URI]);
    expect(fixture(seeded).state.check.runs[0].settings.seed).toBe(1);
    const momentum = apply(state.text, actions.find((a) => a.title === 'Add momentum 0.9')!.edit!.changes![URI]);
    expect(momentum).toContain('optimizer sgd rate 0.1 momentum 0.9');
  });
});

describe('declaring what a run names but the file lacks', () => {
  it('declares a network shaped for the data, above the run', () => {
    const spec = `data table {\n  0 0 -> 0\n  1 1 -> 1\n}\n\ntrain ne$0t on table {\n}\n`;
    check(spec, ["Declare network 'net'"], "Declare network 'net'", `data table {\n  0 0 -> 0\n  1 1 -> 1\n}\n\nnetwork net {\n  input 2\n  layer hidden 4 sigmoid\n  layer output 1 sigmoid\n}\n\ntrain net on table {\n}\n`);
  });

  it('declares a data block shaped for the network, and the result checks', () => {
    const spec = `network n {\n  input 3\n  layer 2 sigmoid\n}\ntrain n on pts$0 {\n}\n`;
    const fx = fixture(spec);
    const action = actionsAt(fx.state, fx.offset).find((a) => a.title === "Declare data set 'pts'")!;
    const fixed = apply(fx.state.text, action.edit!.changes![URI]);
    expect(fixed).toContain('data pts {\n  0 0 0 -> 0 0\n}\n');
    expect(fixture(fixed).state.check.errorCount).toBe(0);
  });
});
