// Result wording and quick fixes of a run's outcome (docs/editor.md "Diagnostics after a run"): numbers as people read them, fixes that edit the right place.

import { describe, expect, it } from 'vitest';
import type { RunSpec } from '../../server/src/language/model';
import { applyFix } from '../support/check';
import type { TrainResult } from '../../server/src/nn/types';
import type { RunState } from '../../server/src/training/host';
import { runStateOf } from '../../server/src/training/runState';
import { missAdvice, resultProblem } from '../../server/src/present/results';
import { estimateText, formatLoss, formatLossAgainst, formatSeconds, resultText, statusSummary, vocabularyParts, vocabularyStatus } from '../../server/src/present/summary';
import { Trainer } from '../../server/src/nn/trainer';
import { checked } from '../training/helpers';
import { neverImproves } from '../support/specs';

describe('numbers in results', () => {
  it.each([
    [0.00098, '0.00098'],
    [0.126, '0.126'],
    [0.02134, '0.0213'],
    [12.3456, '12.3'],
    [3412, '3410'],
    [0, '0'],
    [2.5e-7, '2.5e-7'],
    [NaN, 'NaN'],
    [Infinity, '∞'],
  ])('loss %s reads %s', (value, text) => {
    expect(formatLoss(value)).toBe(text);
  });

  it.each([
    [0.00099991, 0.001, '0.0009999'],
    [0.00098, 0.001, '0.00098'],
    [0.1261, 0.001, '0.126'],
  ])('loss %s beside target %s reads %s, never the target itself', (value, target, text) => {
    expect(formatLossAgainst(value, target)).toBe(text);
  });

  it.each([
    [0.213, '0.21 s'],
    [0.004, '< 0.01 s'],
    [1.54, '1.5 s'],
    [40.2, '40 s'],
    [300, '5 min'],
  ])('%s seconds read %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});

/** A spec whose data has large inputs, with the train block's optimizer line as given. */
function spec(optimizer: string): string {
  return `network n {
  input 2
  layer 3 linear
  layer 1 linear
}

data big {
  0 3000 -> 1
  1 2 -> 0
}

train n on big {
${optimizer}  epochs 100
}
`;
}

function diverged(run: RunSpec, epoch: number): RunState {
  const result: TrainResult = {
    stopped: 'diverged',
    epochs: epoch,
    loss: null,
    accuracy: null,
    validationLoss: null,
    validationAccuracy: null,
    finalLoss: null,
    final: null,
    history: { epoch: Float64Array.of(epoch), loss: Float64Array.of(NaN), accuracy: null, validationLoss: null, validationAccuracy: null },
    layers: [],
    normalization: null,
    trainRows: 2,
    validationRows: 0,
    updates: epoch - 1,
  };
  return runStateOf({ live: null, cached: { outcome: { key: run.key, result, step: null, seconds: 0.01, rows: null }, record: null }, failure: null, estimate: 0 });
}


describe('divergence', () => {
  it.each([
    ['a written rate', '  optimizer sgd rate 100\n', '  optimizer sgd rate 0.01\n'],
    ['an optimizer without rate', '  optimizer sgd momentum 0.9\n', '  optimizer sgd rate 0.01 momentum 0.9\n'],
    ['no optimizer line', '', '  optimizer sgd rate 0.01\n'],
  ])('offers "Set rate" that edits %s', (_case, optimizer, expected) => {
    const text = spec(optimizer);
    const check = checked(text);
    const run = check.runs[0];
    // With no written rate the default (0.1) is what diverged: the fix still sets a lower one.
    const problem = resultProblem(check, run, diverged(run, 37), text)!;
    expect(problem.severity).toBe('error');
    expect(problem.code).toBe('diverged');
    expect(problem.span).toEqual(run.keywordSpan);
    expect(problem.message).toMatch(/^loss became NaN at epoch 37: rate [\d.]+ is too high for inputs this large \(up to 3000\)\. Lower the rate, or add 'normalize zscore' to data 'big'\.$/);
    const setRate = problem.fixes!.find((f) => f.title.startsWith('Set rate to'))!;
    const rate = run.settings.optimizer.rate > 1 ? '0.01' : String(run.settings.optimizer.rate / 10);
    expect(applyFix(text, setRate)).toBe(spec(expected.replace('0.01', rate)));
    expect(checked(applyFix(text, setRate)).runs[0].settings.optimizer.rate).toBe(Number(rate));
  });

  it('offers "Add normalize zscore" that lands inside the data block', () => {
    const text = spec('  optimizer sgd rate 100\n');
    const check = checked(text);
    const run = check.runs[0];
    const problem = resultProblem(check, run, diverged(run, 3), text)!;
    const normalize = problem.fixes!.find((f) => f.title === "Add normalize zscore to data 'big'")!;
    const fixed = applyFix(text, normalize);
    expect(fixed).toContain('data big {\n  normalize zscore\n  0 3000 -> 1');
    expect(checked(fixed).runs[0].data.normalize).toBe('zscore');
  });
});

describe('advice when a run misses its target', () => {
  const falling = Array.from({ length: 100 }, (_, i) => 1 / (i + 1));
  const flat = Array.from({ length: 100 }, () => 0.126);
  it.each([
    ['a long run still falling', falling, 'still falling'],
    ['a long run that went flat', flat, 'may be stuck'],
    ['a short run still falling (5 epochs are not stuck)', [0.3, 0.25, 0.2, 0.16, 0.13], 'still falling'],
    ['a short flat run', [0.126, 0.126, 0.126], 'may be stuck'],
  ])('%s', (_name, losses, words) => {
    expect(missAdvice(losses, { epochs: losses.length, optimizer: { kind: 'sgd', rate: 0.5, momentum: 0 } })).toContain(words);
  });

  it('never suggests what the run already does', () => {
    const sgd = { epochs: 100, optimizer: { kind: 'sgd' as const, rate: 0.5, momentum: 0 } };
    expect(missAdvice(flat, sgd)).toBe('The run may be stuck: try another seed, more hidden units, or momentum.');
    expect(missAdvice(flat, { ...sgd, optimizer: { ...sgd.optimizer, momentum: 0.9 } })).toBe('The run may be stuck: try another seed or more hidden units.');
    expect(missAdvice(flat, { epochs: 100, optimizer: { kind: 'adam', rate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } })).not.toMatch(/momentum/);
  });

  it('says the epochs were cut when --epochs ran fewer than the file asks for', () => {
    const cut = { epochs: 10, optimizer: { kind: 'sgd' as const, rate: 0.5, momentum: 0.9 } };
    expect(missAdvice(flat.slice(0, 10), cut, 20000)).toBe('The run stopped after the 10 epochs --epochs allows (the file asks for 20000): run it without --epochs, or with more.');
    // More epochs than written is not a cut.
    expect(missAdvice(flat.slice(0, 10), cut, 5)).toMatch(/may be stuck/);
  });
});

// docs/language.md §7.2–§7.4 in the result texts: what patience did, a validation target, the kept epoch, the live numbers.
describe('results of the training vocabulary', () => {
  const trained = (text: string): { run: RunSpec; state: RunState; check: ReturnType<typeof checked> } => {
    const check = checked(text);
    const run = check.runs[0];
    const result = new Trainer(run.network, run.data, run.settings).train();
    return { run, check, state: runStateOf({ live: null, cached: { outcome: { key: run.key, result, step: null, seconds: 0.21, rows: null }, record: null }, failure: null, estimate: 0 }) };
  };
  const FLAT = (train: string) => neverImproves(train);

  it('says where patience stopped, how long it waited and which epoch it kept: diagnostic, lens and summary', () => {
    const text = FLAT('  epochs 100\n  patience 7\n  regularize l2 0.1\n');
    const { run, state, check } = trained(text);
    const problem = resultProblem(check, run, state, text)!;
    expect(problem.severity).toBe('info');
    // Zero weights: the penalty of the kept weights is 0, and said.
    expect(problem.message).toBe('trained in 0.21 s: stopped at epoch 8: no improvement for 7 epochs; kept the weights of epoch 1; penalty 0');
    expect(resultText(state, run)).toBe('stopped at epoch 8: no improvement for 7 epochs; kept the weights of epoch 1 · 0.21 s');
    expect(statusSummary(state, run)).toBe(resultText(state, run));
  });

  it('names the validation loss where the run stops on it', () => {
    const text = spec('  optimizer sgd rate 0.00001\n').replace('data big {\n  0 3000 -> 1\n  1 2 -> 0\n}', 'data big {\n  0 3 -> 1\n  1 2 -> 0\n  2 2 -> 1\n  1 1 -> 0\n}').replace('  epochs 100', '  epochs 100\n  validate 25%\n  stop when validation loss < 1000');
    const { run, state, check } = trained(text);
    expect(state.outcome!.result!.stopped).toBe('target');
    expect(resultProblem(check, run, state, text)!.message).toMatch(/^trained: validation loss [\d.e-]+ at epoch 1 \(target < 1000 reached\)/);
    expect(resultText(state, run)).toMatch(/^validation loss [\d.e-]+ at epoch 1, target < 1000 reached/);
    // A validation target may end the run early too: the estimate is an upper bound.
    expect(estimateText(1.5, run)).toBe('est. up to 1.5 s');
    expect(estimateText(0.004, run)).toBe('est. < 0.01 s');
  });

  it('says which epoch\'s weights a run kept after running all its epochs', () => {
    const text = FLAT('  epochs 20\n  patience 50\n');
    const { run, state } = trained(text);
    expect(state.outcome!.result!.bestEpoch).toBe(1);
    expect(resultText(state, run)).toBe('loss 0 after 20 epochs; kept the weights of epoch 1 · 0.21 s');
  });

  it('words the live rate, penalty and best epoch, only the ones a run has', () => {
    expect(vocabularyParts({ rate: 0.05, penalty: 0.0123, bestEpoch: 1150 })).toEqual(['rate 0.05', 'penalty 0.0123', 'best epoch 1150']);
    expect(vocabularyParts({ bestEpoch: 0 })).toEqual([]);
    expect(vocabularyParts({})).toEqual([]);
    const { run } = trained(FLAT('  epochs 20\n'));
    expect(vocabularyStatus(run, { epoch: 3, epochs: 20, loss: 0.1, validationLoss: null, accuracy: null, seconds: 1, rate: 0.2, penalty: 0.5, bestEpoch: 2 }, null)).toEqual({ rate: 0.2, penalty: 0.5, bestEpoch: 2 });
  });
});
