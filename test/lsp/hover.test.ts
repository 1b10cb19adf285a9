// Hover: layers (before and after training, after a step), data rows, names and keywords, with the cursor at `$0`.
import { describe, expect, it } from 'vitest';
import type { MarkupContent } from 'vscode-languageserver';
import { hover, vector } from '../../server/src/lsp/hover';
import { fixed, formatNumber } from '../../server/src/lsp/describe';
import { at, fixture, hoverValue, liveJob, outcomeOf, trainedFixture, URI, withOutcomes, withParts } from './harness';
import { Trainer } from '../../server/src/nn/trainer';
import { decimalsToShow, MAX_RUNS_SHOWN } from '../../server/src/lsp/hover';
import { plainText } from '../../server/src/lsp/keywordDocs';
import type { Fixture } from './harness';
import { neverImproves } from '../support/specs';

const XOR = `
network xor {
  input 2
  layer hidden 4 sigmoid
  layer out 1 sigmoid
}

data table {
  0 0 -> 0
  0 1 -> 1
  1 0 -> 1
  1 1 -> 0
}

train xor on table {
  loss mse
  optimizer sgd rate 0.5
  epochs 300
  seed 1
}
`;

const hoverText = (fx: Fixture): string | null => hoverValue(fx);

/** Every line of the text that contains all the given pieces, for readable assertions. */
function check(fx: Fixture, expectedLines: string[]): string {
  const text = hoverText(fx);
  expect(text).not.toBeNull();
  for (const line of expectedLines) expect(text!.split('\n')).toContain(line);
  return text!;
}

/** The numeric cells of the table row labelled `label` (in the first table of the text after `after`). */
function tableRow(text: string, label: string, after = ''): number[] {
  const start = text.indexOf(after);
  const line = text.slice(start).split('\n').find((l) => l.startsWith(label + ' '));
  if (!line) throw new Error(`no row ${label}`);
  return line.slice(label.length).trim().split(/\s+/).map((cell) => Number(cell.replace('−', '-')));
}

describe('hover on a layer', () => {
  it('before training: shape, parameters, formulas and a Train link', () => {
    const fx = fixture(at(XOR, 'layer hid'));
    const text = check(fx, ['z⁽¹⁾ = W⁽¹⁾x + b⁽¹⁾,  h = σ(z⁽¹⁾)', 'δ⁽¹⁾ = (W⁽²⁾ᵀ δ⁽²⁾) ⊙ h ⊙ (1 − h)']);
    expect(text).toContain('**layer hidden** — dense 2 → 4, sigmoid · 12 parameters');
    expect(text).toContain('not trained yet — [$(play) Train](command:nn.train?');
    expect(decodeURIComponent(/command:nn\.train\?([^)]+)/.exec(text)![1])).toBe(JSON.stringify([URI, 13]));
  });

  it('after training: W and b as the trainer has them, δ of the last update, the gradient norm', () => {
    const fx = trainedFixture(at(XOR, 'layer hid'));
    const run = fx.state.check.runs[0];
    const layer = outcomeOf(fx.state, run)!.result!.layers[0];
    const trainerLayer = fx.trainers.get(run.key)!.layers()[0];
    expect(Array.from(layer.weights)).toEqual(Array.from(trainerLayer.weights));
    const text = check(fx, [
      `δ⁽¹⁾ of the last update (batch mean): ${vector(layer.delta)}`,
      'δ⁽¹⁾ = (W⁽²⁾ᵀ δ⁽²⁾) ⊙ h ⊙ (1 − h)',
      `‖∂L/∂W⁽¹⁾‖ = ${formatNumber(layer.gradientNorm)} · epoch 300 · rate 0.5`,
    ]);
    // Column labels x₁ x₂ b, row labels h₁…h₄, each row W's row then b, to the shown precision.
    expect(text.split('\n')).toContainEqual(expect.stringMatching(/^\s+x₁\s+x₂\s+b$/));
    for (let i = 0; i < 4; i++) {
      const cells = tableRow(text, `h${'₁₂₃₄'[i]}`);
      expect(cells).toHaveLength(3);
      expect(cells[0]).toBeCloseTo(layer.weights[i * 2], 3);
      expect(cells[1]).toBeCloseTo(layer.weights[i * 2 + 1], 3);
      expect(cells[2]).toBeCloseTo(layer.biases[i], 3);
    }
    expect(text).toContain('from train xor on table (line 14)');
  });

  it('names the output layer ŷ and its columns after the hidden layer', () => {
    const fx = trainedFixture(at(XOR, 'layer ou'));
    const text = check(fx, ['z⁽²⁾ = W⁽²⁾h + b⁽²⁾,  ŷ = σ(z⁽²⁾)', 'δ⁽²⁾ = (ŷ − y) ⊙ ŷ(1 − ŷ)']);
    expect(text.split('\n')).toContainEqual(expect.stringMatching(/^\s+h₁\s+h₂\s+h₃\s+h₄\s+b$/));
    const layer = outcomeOf(fx.state, fx.state.check.runs[0])!.result!.layers[1];
    expect(tableRow(text, 'ŷ₁').map((v) => fixed(v, 3))).toEqual([...Array.from(layer.weights), layer.biases[0]].map((v) => fixed(v, 3)));
  });

  it('writes δ for the loss and activation of the run', () => {
    const spec = `
      network n {
        input 2
        layer a 3 tanh
        layer b 3 relu
        layer c 2 softmax
      }
      data d {
        0 1 -> 1 0
        1 0 -> 0 1
      }
      train n on d {
        loss cross_entropy
      }
    `;
    expect(hoverText(fixture(at(spec, 'layer a')))).toContain('δ⁽¹⁾ = (W⁽²⁾ᵀ δ⁽²⁾) ⊙ (1 − a⁽¹⁾²)');
    expect(hoverText(fixture(at(spec, 'layer b')))).toContain('δ⁽²⁾ = (W⁽³⁾ᵀ δ⁽³⁾) ⊙ 𝟙[z⁽²⁾ > 0]');
    expect(hoverText(fixture(at(spec, 'layer c')))).toContain('δ⁽³⁾ = ŷ − y');
    expect(hoverText(fixture(at(spec, 'layer c')))).toContain('ŷ = softmax(z⁽³⁾)');
  });

  it('abbreviates a large matrix to its corners with a Show all weights link', () => {
    const spec = `
      network wide {
        input 10
        layer h 12 relu
        layer out 1 sigmoid
      }
      data d = gauss(samples 20)
      train wide on d {
        epochs 2
      }
    `;
    const fx = fixture(at(spec, 'layer h'), {});
    // The data has 2 inputs: the run does not pass its checks, so train a network that does.
    expect(hoverText(fx)).toContain('dense 10 → 12');
    const trainable = spec.replace('input 10', 'input 2');
    const text = hoverText(trainedFixture(at(trainable, 'layer h')))!;
    const rowLabels = text.split('\n').map((l) => /^(h\S*|⋮)/.exec(l)?.[1]).filter(Boolean);
    expect(rowLabels).toEqual(['h₁', 'h₂', 'h₃', '⋮', 'h₁₁', 'h₁₂']);
    expect(text).toContain('[Show all weights](command:nn.showTraining?');
    const output = hoverText(trainedFixture(at(trainable, 'layer ou')))!;
    expect(output.split('\n')).toContainEqual(expect.stringMatching(/^\s+h₁\s+h₂\s+h₃\s+…\s+h₁₁\s+h₁₂\s+b$/));
  });

  it('after a step: W before, the gradient and W after, which differ by −η × gradient', () => {
    const fx = trainedFixture(at(XOR, 'layer ou'), { steps: 1 });
    const step = outcomeOf(fx.state, fx.state.check.runs[0])!.step!;
    const text = check(fx, ['W⁽²⁾ ← W⁽²⁾ − η ∂L/∂W⁽²⁾,  b⁽²⁾ ← b⁽²⁾ − η ∂L/∂b⁽²⁾']);
    expect(text).toMatch(/\$\(debug-step-over\) \*\*step 1 · epoch 1 · loss [\d.]+\*\* — from the initial weights · batch of 4 · batch loss [\d.]+ \(before the update\)/);
    const before = tableRow(text, 'ŷ₁', 'before:');
    const gradient = tableRow(text, 'ŷ₁', '∂L/∂W⁽²⁾ =');
    const after = tableRow(text, 'ŷ₁', 'after:');
    const weightsBefore = [...Array.from(step.before[1].weights), step.before[1].biases[0]];
    const weightsAfter = [...Array.from(step.after[1].weights), step.after[1].biases[0]];
    before.forEach((v, j) => expect(v).toBeCloseTo(weightsBefore[j], 3));
    after.forEach((v, j) => expect(v).toBeCloseTo(weightsAfter[j], 3));
    // The rule shown is the rule applied: W_after = W_before − η ∂L/∂W.
    weightsAfter.forEach((w, j) => {
      const g = j < 4 ? step.after[1].weightGradient[j] : step.after[1].biasGradient[0];
      expect(w).toBeCloseTo(weightsBefore[j] - 0.5 * g, 12);
      expect(gradient[j]).toBeCloseTo(g, 3);
    });
  });
});

describe('hover on a data row', () => {
  it('before training: the sample and a Train link', () => {
    const text = hoverText(fixture(at(XOR, '  0 1')));
    expect(text).toContain('sample 2: x = (0, 1), target y = 1');
    expect(text).toContain('not trained yet');
  });

  it('after training: ŷ, the loss and every layer\'s δ for that sample, as the trainer explains it', () => {
    const fx = trainedFixture(at(XOR, '  0 1'));
    const run = fx.state.check.runs[0];
    const expected = fx.trainers.get(run.key)!.explain([0, 1], [1]);
    check(fx, [
      'sample 2: x = (0, 1), target y = 1',
      `ŷ = ${formatNumber(expected.output[0])}, loss ½(ŷ − y)² = ${formatNumber(expected.loss, 3)}`,
      `δ⁽²⁾ = (ŷ − y) ⊙ ŷ(1 − ŷ) = ${formatNumber(expected.deltas[1][0], 3)}`,
      `δ⁽¹⁾ = (W⁽²⁾ᵀ δ⁽²⁾) ⊙ h ⊙ (1 − h) = ${vector(expected.deltas[0])}`,
    ]);
    // The shown δ⁽¹⁾ entries are the trainer's, to the shown precision.
    const shown = /δ⁽¹⁾ = .* = \[(.*)\]/.exec(hoverText(fx)!)![1].split(', ').map((v) => Number(v.replace('−', '-')));
    const largest = Math.max(...expected.deltas[0].map(Math.abs));
    shown.forEach((v, i) => expect(Math.abs(v - expected.deltas[0][i])).toBeLessThanOrEqual(largest * 0.005 + 1e-12));
    expect(expected.loss).toBeCloseTo(0.5 * (expected.output[0] - 1) ** 2, 12);
  });
});

describe('hover on names and keywords', () => {
  it('summarizes the network and the data set named in a train line', () => {
    const net = hoverText(fixture(at(XOR, 'train xo')))!;
    expect(net).toContain('**network xor** — 2 → 4 → 1 · 17 parameters');
    expect(net).toContain('train xor on table (line 14)');
    const data = hoverText(fixture(at(XOR, 'on tab')))!;
    expect(data).toContain('**data table** — 4 rows · 2 → 1');
    expect(data).toContain('inputs: x1, x2');
  });

  it.each([
    ['sigm', 'σ(z) = 1 / (1 + e⁻ᶻ)'],
    ['optimizer sg', 'W ← W − η ∂L/∂W'],
    ['los', 'The function of ŷ and y that training minimizes'],
    ['loss ms', 'L = ½ Σₗ (ŷₗ − yₗ)²'],
    ['rat', 'The learning rate η'],
    ['epo', 'At most N passes over the training data'],
    ['netw', 'A feed-forward network'],
  ])('documents the word at %s', (marker, expected) => {
    expect(hoverText(fixture(at(XOR, marker)))).toContain(expected);
  });

  it('documents generators, their arguments and stop when loss', () => {
    const spec = 'data d = spiral(samples 40, noise 0.1)\ntrain n on d {\n  stop when loss < 0.01\n}\n';
    expect(hoverText(fixture(at(spec, 'spir')))).toContain('Two interleaved spiral arms');
    expect(hoverText(fixture(at(spec, 'nois')))).toContain('jittered');
    expect(hoverText(fixture(at(spec, 'when lo')))).toContain('Ends the run at the end of the first epoch');
  });

  it('explains each word of `stop when loss <` where it stands', () => {
    const spec = 'train n on d {\n  stop when loss < 0.01\n}\n';
    const on = (marker: string): { text: string | null; range: string } => {
      const fx = fixture(at(spec, marker));
      const result = hover(fx.state, { textDocument: { uri: URI }, position: fx.position });
      const range = result?.range;
      return {
        text: result ? (result.contents as MarkupContent).value : null,
        range: range ? spec.slice(fx.state.lines.offsetAt(range.start), fx.state.lines.offsetAt(range.end)) : '',
      };
    };
    // `when` has its own entry; the `loss` and `<` of the condition explain `stop`, on the word hovered.
    expect(on('stop wh')).toMatchObject({ range: 'when' });
    expect(on('stop wh').text).toContain('**when** — train statement');
    expect(on('when lo')).toMatchObject({ range: 'loss' });
    expect(on('when lo').text).toContain('**stop** — train statement');
    expect(on('loss <')).toMatchObject({ range: '<' });
    expect(on('loss <').text).toContain('**stop** — train statement');
    expect(on('< 0.0').text).toBeNull();
  });

  it('shows nothing on blanks and numbers of settings', () => {
    expect(hoverText(fixture(at(XOR, 'epochs 30')))).toBeNull();
    expect(hoverText(fixture('\n$0\n'))).toBeNull();
  });
});

describe('hover for clients without markdown', () => {
  it('sends plain text: no fences, no emphasis, link titles only', () => {
    const fx = fixture(at(XOR, 'layer hid'));
    const plain = { ...fx, state: { ...fx.state, client: { markdown: false, commandLinks: false, icons: false } } };
    const result = hover(plain.state, { textDocument: { uri: URI }, position: plain.position })!;
    const value = (result.contents as MarkupContent).value;
    expect((result.contents as MarkupContent).kind).toBe('plaintext');
    expect(value).toContain('layer hidden — dense 2 → 4, sigmoid · 12 parameters');
    expect(value).toContain('not trained yet — Train · Step');
    expect(value).not.toMatch(/```|\*\*|command:|\$\(/);
  });
});

describe('hover on train', () => {
  it('shows the run with every default resolved and marked', () => {
    const text = hoverText(fixture(at(XOR, 'trai')))!;
    expect(text).toContain('**run 1** · train xor on table');
    const lines = text.split('\n');
    expect(lines).toContain('loss mse');
    expect(lines).toContain('optimizer sgd rate 0.5');
    expect(lines).toContainEqual(expect.stringMatching(/^batch full\s+\(default\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^precision f64\s+\(default\)$/));
    expect(text).toContain('A training run');
  });
});

describe('hover without a trainable run', () => {
  it('says whether no run uses the network or its run has errors', () => {
    const alone = XOR.replace(/train xor on table \{[^}]*\}/, '');
    expect(hoverText(fixture(at(alone, 'layer hid')))).toContain("No `train` block uses network 'xor' yet.");
    const broken = XOR.replace('epochs 300', 'epochs 0');
    expect(hoverText(fixture(at(broken, 'layer hid')))).toContain('Not trainable yet: fix the errors of `train` on line 14');
    expect(hoverText(fixture(at(broken, '  0 1')))).toContain('Not trainable yet');
  });
});

describe('hover with incomplete outcomes', () => {
  it('falls back to the untrained view when an outcome has no layer states', () => {
    const fx = fixture(at(XOR, 'layer hid'));
    const run = fx.state.check.runs[0];
    const empty = {
      stopped: 'diverged' as const, epochs: 1, loss: null, accuracy: null, validationLoss: null, validationAccuracy: null,
      finalLoss: null, final: null, history: { epoch: new Float64Array(0), loss: new Float64Array(0), accuracy: null, validationLoss: null, validationAccuracy: null }, layers: [], normalization: null, trainRows: 4, validationRows: 0, updates: 0,
    };
    const outcomes = new Map([[run.key, { key: run.key, result: empty, step: null, seconds: 0, rows: [] }]]);
    const state = withOutcomes(fx.state, outcomes);
    expect(hover(state, { textDocument: { uri: URI }, position: fx.position })).not.toBeNull();
    const row = fixture(at(XOR, '  0 1'));
    expect(hover(withOutcomes(row.state, outcomes), { textDocument: { uri: URI }, position: row.position })).not.toBeNull();
  });
});

describe('hover on input', () => {
  it('says what x is for the network\'s run, then documents input', () => {
    const text = hoverText(fixture(at(XOR, 'inp')))!;
    expect(text).toContain("**input 2** — x = (x₁, x₂): x1, x2 of data 'table', in train xor on table (line 14)");
    expect(text).toContain('The width of the input vector x');
  });
});

// docs/language.md §7.2–§7.4 in the hovers: the settings with their defaults, dropout on a layer, the kept epoch, the rate and the penalty.
describe('hover with the training vocabulary', () => {
  const SPEC = neverImproves('  optimizer sgd rate 0.4\n  epochs 60\n  regularize l2 0.01\n  schedule exponential factor 0.9\n  patience 4\n', 'hidden 8 tanh dropout 25%');

  it('shows the run\'s penalty, schedule and patience on `train`, and the defaults of a run without', () => {
    const text = hoverText(fixture(at(SPEC, 'tra')))!;
    expect(text).toContain('regularize l2 0.01');
    expect(text).toContain('schedule exponential factor 0.9');
    expect(text).toContain('patience 4');
    const plain = hoverText(fixture(at(XOR, '\ntra')))!;
    expect(plain).toMatch(/no penalty +\(default\)/);
    expect(plain).toMatch(/no schedule \(constant rate\) +\(default\)/);
    expect(plain).toMatch(/no early stopping +\(default\)/);
  });

  it('names a layer\'s dropout, and what it does to δ in training', () => {
    const text = hoverText(trainedFixture(at(SPEC, 'layer hid')))!;
    expect(text).toContain('dense 1 → 8, tanh, dropout 25% in training');
    expect(text).toContain('in training, ⊙ m⁽¹⁾: each unit dropped (0) with probability 25%');
  });

  it('after patience stopped a run: the kept epoch\'s weights, the last epoch\'s rate, the penalty', () => {
    const fx = trainedFixture(at(SPEC, 'layer o'));
    const result = fx.state.runStates[0].outcome!.result!;
    // Zero output weights and targets of 0.5: nothing improves after epoch 1, so patience 4 stops at 5 and keeps epoch 1.
    expect([result.stopped, result.epochs, result.bestEpoch]).toEqual(['patience', 5, 1]);
    const text = hoverText(fx)!;
    expect(text).toContain('epoch 1 (kept by patience; trained to 5)');
    expect(text).toContain(`rate ${result.rate}`);
    expect(result.rate).toBe(0.4 * 0.9 ** 4);
    expect(text).toContain(`penalty ${formatNumber(result.penalty!)}`);
    // The run's one state says the same to the lens, the status bar and the panel.
    const status = fx.state.statuses[0];
    expect([status.bestEpoch, status.rate, status.penalty, status.epoch]).toEqual([1, result.rate, result.penalty, 5]);
    expect(status.summary).toMatch(/^stopped at epoch 5: no improvement for 4 epochs; kept the weights of epoch 1 · /);
  });

  it('while the run trains: the hover, the lens and the status read the latest epoch\'s rate, penalty and best epoch', () => {
    const fx = fixture(at(SPEC, 'layer hid'));
    const run = fx.state.check.runs[0];
    const trainer = new Trainer(run.network, run.data, run.settings);
    for (let i = 0; i < 3; i++) trainer.step();
    const job = liveJob(trainer, run, 3, 0.125);
    const progress = { ...job.progress!, rate: 0.324, penalty: 0.0173, bestEpoch: 1 };
    const state = withParts(fx.state, () => ({ live: { ...job, progress }, cached: null, failure: null, estimate: 1 }));
    const text = hoverText({ ...fx, state })!;
    expect(text).toContain('· epoch 3 · live · rate 0.324 · penalty 0.0173');
    const status = state.statuses[0];
    expect([status.rate, status.penalty, status.bestEpoch]).toEqual([0.324, 0.0173, 1]);
    expect(status.summary).toBe('epoch 3/60 · loss 0.125 · rate 0.324 · penalty 0.0173 · best epoch 1 · 0.5 s');
  });
});

describe('hover while a run trains (docs/editor.md "Hovers")', () => {
  it('shows the live weights, marked with their epoch, and each row through them', () => {
    const fx = fixture(at(XOR, 'layer hid'));
    const run = fx.state.check.runs[0];
    const trainer = new Trainer(run.network, run.data, run.settings);
    for (let i = 0; i < 57; i++) trainer.step();
    const state = withParts(fx.state, () => ({ live: liveJob(trainer, run, 57, 0.2113), cached: null, failure: null, estimate: 1 }));
    const text = hoverText({ ...fx, state })!;
    expect(text).toContain('$(pulse) **epoch 57 · loss 0.211 · live**: the training\'s latest snapshot');
    // The numbers are the trainer's as they are now, not "not trained yet".
    expect(text).not.toContain('not trained yet');
    const layer = trainer.layers()[0];
    expect(tableRow(text, 'h₁')[0]).toBeCloseTo(layer.weights[0], 3);
    expect(text).toContain(`δ⁽¹⁾ of the last update (batch mean): ${vector(layer.delta)}`);
    expect(text).toContain('· epoch 57 · live · rate 0.5');
    // The lens and status bar say the same epoch and loss.
    expect(state.statuses[0].position).toBe('epoch 57 · loss 0.211');

    const row = fixture(at(XOR, '  0 1'));
    const rowText = hoverText({ ...row, state: withParts(row.state, () => ({ live: liveJob(trainer, run, 57, 0.2113), cached: null, failure: null, estimate: 1 })) })!;
    const explained = trainer.explain([0, 1], [1]);
    expect(rowText).toContain(`ŷ = ${formatNumber(explained.output[0], 4)}`);
    expect(rowText).toContain('through the live weights (epoch 57) of train xor on table (line 14)');
  });

  it('before the first snapshot, says it is on its way rather than offering Train', () => {
    const fx = fixture(at(XOR, 'layer hid'));
    const run = fx.state.check.runs[0];
    const job = { ...liveJob(new Trainer(run.network, run.data, run.settings), run, 0, NaN), weights: null, progress: null };
    const text = hoverText({ ...fx, state: withParts(fx.state, () => ({ live: job, cached: null, failure: null, estimate: 1 })) })!;
    expect(text).toContain('training: its first snapshot of the weights is on its way.');
    expect(text).not.toContain('not trained yet');
  });
});

describe('hover after Reset and Step (docs/editor.md "Step and Reset")', () => {
  it('after Reset: the initial weights at epoch 0, with their loss', () => {
    const fx = fixture(at(XOR, 'layer hid'));
    const run = fx.state.check.runs[0];
    const trainer = new Trainer(run.network, run.data, run.settings);
    const outcome = { key: run.key, result: null, step: null, seconds: 0, rows: null, position: { from: 'initial' as const, steps: 0, epoch: 0, loss: trainer.trainingLoss(), layers: trainer.layers() } };
    const state = withOutcomes(fx.state, new Map([[run.key, outcome]]));
    const text = hoverText({ ...fx, state })!;
    expect(text).toContain(`**initial weights · epoch 0 · loss ${state.statuses[0].position.split('loss ')[1]}** (Reset)`);
    expect(text).toContain('δ⁽¹⁾: no update yet');
    expect(tableRow(text, 'h₂')[1]).toBeCloseTo(trainer.layers()[0].weights[3], 3);
    expect(state.statuses[0]).toMatchObject({ phase: 'stepped', step: 0, stepFrom: 'initial', epoch: 0 });
  });

  it('shows W before and after with the digits the update changed, and ΔW itself', () => {
    // A tiny rate: the update moves W in the fifth decimal, which three decimals would hide.
    const spec = XOR.replace('optimizer sgd rate 0.5', 'optimizer sgd rate 0.0005');
    const fx = trainedFixture(at(spec, 'layer hid'), { steps: 1 });
    const step = outcomeOf(fx.state, fx.state.check.runs[0])!.step!;
    const text = hoverText(fx)!;
    const before = tableRow(text, 'h₁', 'before:');
    const after = tableRow(text, 'h₁', 'after:');
    // Some shown digit differs between before and after, as the weights do.
    expect(before.some((v, j) => v !== after[j])).toBe(true);
    const change = tableRow(text, 'h₁', 'ΔW⁽¹⁾ =');
    expect(change[0]).toBeCloseTo(step.after[0].weights[0] - step.before[0].weights[0], 8);
    expect(change[0]).not.toBe(0);
  });

  it.each([
    [0.5, 3],
    [0.004, 4],
    [0.00002, 6],
    [0, 3],
  ])('decimals for a largest change of %s: %s', (largest, decimals) => {
    expect(decimalsToShow({ weights: Float64Array.of(largest / 2, -largest), biases: Float64Array.of(0) })).toBe(decimals);
  });

  it('takes the decimals from the finite changes only: a diverged weight or bias does not hide a small step', () => {
    expect(decimalsToShow({ weights: Float64Array.of(0.00002, Infinity), biases: Float64Array.of(0) })).toBe(6);
    expect(decimalsToShow({ weights: Float64Array.of(0.00002), biases: Float64Array.of(NaN, -Infinity) })).toBe(6);
  });
});

describe('a network with several runs (docs/editor.md "Several runs of one network")', () => {
  const TWO = `${XOR}
train xor on table {
  loss mse
  optimizer sgd rate 0.5
  epochs 300
  seed 7
}
`;
  it('shows each run\'s weights, named by its line', () => {
    const fx = trainedFixture(at(TWO, 'layer hid'));
    const [first, second] = fx.state.check.runs;
    const text = hoverText(fx)!;
    expect(text).toContain(`**train xor on table (line 14)** · ${fx.state.statuses[0].position}`);
    expect(text).toContain(`**train xor on table (line 21)** · ${fx.state.statuses[1].position}`);
    const one = outcomeOf(fx.state, first)!.result!.layers[0];
    const two = outcomeOf(fx.state, second)!.result!.layers[0];
    expect(one.weights[0]).not.toBe(two.weights[0]);
    expect(tableRow(text, 'h₁', '(line 14)')[0]).toBeCloseTo(one.weights[0], 3);
    expect(tableRow(text, 'h₁', '(line 21)')[0]).toBeCloseTo(two.weights[0], 3);
    expect(fx.state.statuses.map((s) => s.title)).toEqual(['xor on table (line 14)', 'xor on table (line 21)']);
  });

  it('explains a row through each run\'s weights', () => {
    const fx = trainedFixture(at(TWO, '  0 1'));
    const text = hoverText(fx)!;
    expect(text).toContain('through the trained weights of train xor on table (line 14)');
    expect(text).toContain('through the trained weights of train xor on table (line 21)');
  });
});

describe('a network trained many times', () => {
  // Six runs of one network on one data set: the hovers show the first four runs and count the rest.
  const SIX = `${XOR}${[7, 8, 9, 10, 11].map((seed) => `\ntrain xor on table {\n  loss mse\n  optimizer sgd rate 0.5\n  epochs 50\n  seed ${seed}\n}\n`).join('')}`;

  it('shows the weights of the first four runs on a layer, and counts the others', () => {
    const fx = trainedFixture(at(SIX, 'layer hid'));
    expect(fx.state.check.runs).toHaveLength(6);
    const text = hoverText(fx)!;
    expect(text.match(/\*\*train xor on table \(line \d+\)\*\*/g)).toHaveLength(MAX_RUNS_SHOWN);
    expect(text).toContain('and 2 more runs of xor');
  });

  it('explains a row through the first four runs, and counts the others', () => {
    const fx = trainedFixture(at(SIX, '  0 1'));
    const text = hoverText(fx)!;
    expect(text.match(/through the trained weights of/g)).toHaveLength(MAX_RUNS_SHOWN);
    expect(text).toContain('and 2 more runs on table');
  });

  it('explains a row through four runs with no count, and through four of five with "1 more run", in the singular', () => {
    const runs = (n: number) => `${XOR}${[7, 8, 9, 10, 11].slice(0, n - 1).map((seed) => `\ntrain xor on table {\n  loss mse\n  optimizer sgd rate 0.5\n  epochs 5\n  seed ${seed}\n}\n`).join('')}`;
    const four = hoverText(trainedFixture(at(runs(4), '  0 1')))!;
    expect(four.match(/through the trained weights of/g)).toHaveLength(4);
    expect(four).not.toContain('more run');
    const five = hoverText(trainedFixture(at(runs(5), '  0 1')))!;
    expect(five.endsWith('\n\n---\n\nand 1 more run on table')).toBe(true);
  });
});

describe('hover for clients without markdown', () => {
  it('drops the fences and the separators, keeps bold words, link titles and code as their text', () => {
    const markdown = [
      '**run 1** · train xor on t · [Train](command:nn.train?%5B%5D) · `loss 0.25`',
      '',
      '```text',
      'loss mse  (default)',
      '```',
      '',
      '---',
      '',
      '**sigmoid** — activation, see [docs](https://example.org/a) and `σ(z)`',
    ].join('\n');
    expect(plainText(markdown)).toBe(
      ['run 1 · train xor on t · Train · loss 0.25', '', 'loss mse  (default)', '', '', 'sigmoid — activation, see docs and σ(z)'].join('\n'),
    );
  });
});

describe('hover on wide rows and data sets', () => {
  const firstLine = (fx: Fixture): string => hoverText(fx)!.split('\n')[1];

  it('shows eight inputs whole, and more than eight as the first six, … and the last', () => {
    const eight = 'network n {\n  input 8\n  layer 1 sigmoid\n}\ndata d {\n  1 2 3 4 5 6 7 8 -> 0\n  1 2 3 4 5 6 7 9 -> 1\n}\ntrain n on d {\n  epochs 1\n}\n';
    expect(firstLine(fixture(at(eight, '  1 2 3')))).toBe('sample 1: x = (1, 2, 3, 4, 5, 6, 7, 8), target y = 0');
    const ten = 'network n {\n  input 10\n  layer 2 softmax\n}\ndata d {\n  1 2 3 4 5 6 7 8 9 10 -> 1 0\n  2 3 4 5 6 7 8 9 10 11 -> 0 1\n}\ntrain n on d {\n  loss cross_entropy\n}\n';
    // The second row's targets are the data's second pair, not the first's.
    expect(firstLine(fixture(at(ten, '  2 3')))).toBe('sample 2: x = (2, 3, 4, 5, 6, 7, …, 11), target y = (0, 1)');
    // Ten input names are listed whole; a data set of more is shortened (docs/editor.md "Hovers").
    expect(hoverText(fixture(at(ten, 'data d')))).toContain('\ninputs: x1, x2, x3, x4, x5, x6, x7, x8, x9, x10\n');
  });
});
