// Hover on names, weights rows and `train`, word for word: a data set's source, columns, encodings and ranges; weights
// given in the file or read from one; each row of a weights block; a run's settings with every default resolved
// (docs/editor.md "Hover").
import { describe, expect, it } from 'vitest';
import { check } from '../../server/src/language';
import { Trainer } from '../../server/src/nn/trainer';
import { gradeExpectations } from '../../server/src/present/expectations';
import { xorTanh } from '../support/specs';
import { at, fixture, hoverValue, liveJob, outcomeOf, trainedFixture, withOutcomes, withParts } from './harness';
import type { Fixture } from './harness';

const text = (fx: Fixture): string | null => hoverValue(fx);

const CSV = 'a,b,c,d,e,colour,label\n1,2,3,4,5,red,x\n2,3,4,5,6,blue,y\n3,,5,6,7,red,z\n';
const CSV_SPEC = `
network n {
  input 7
  layer hidden 3 tanh dropout 20%
  layer 3 softmax
}
data c from "c.csv" {
  encode colour onehot
  target label onehot
  missing mean
  normalize zscore
}
train n on c {
  loss cross_entropy
  optimizer adam rate 0.01
  regularize l1 0.001 l2 0.01
  schedule step factor 0.5 every 10
  patience 5
  validate 20%
  stop when validation loss < 0.1
  epochs 30
}
`;
const CSV_FILES = { '/work/c.csv': CSV };

describe('hover on a data set', () => {
  const DATA = `**data c** — 3 rows · 7 → 3 (3 classes)

\`\`\`text
from "c.csv"
inputs: a, b, c, d, e, colour=red, colour=blue
encode colour: red, blue (one input each)
classes: x, y, z (one-hot)
missing mean (filled with the training part's mean of each column)
normalize zscore (fitted on the training part)
  a ∈ [1, 3]
  b ∈ [2, 3]
  c ∈ [3, 5]
  d ∈ [4, 6]
  …
\`\`\`

train n on c (line 12)`;

  it('of a CSV file: its file, inputs, encodings, classes, missing values, normalization and the first four ranges', () => {
    // The same on its name, where a run names it, and on its file's path.
    for (const marker of ['data c', 'on c', '"c.cs']) expect(text(fixture(at(CSV_SPEC, marker), { files: CSV_FILES }))).toBe(DATA);
  });

  it('generated, inline, dropping rows with missing values, with a run that trained', () => {
    const generated = text(fixture(at('data g = spiral(samples 40, noise 0.1)\n', 'data g')))!;
    expect(generated.split('\n').slice(0, 5)).toEqual(['**data g** — 40 rows · 2 → 1', '', '```text', 'generated: spiral(samples 40, noise 0.1)', 'inputs: x1, x2']);
    const dropping = text(fixture(at(CSV_SPEC.replace('missing mean', 'missing drop'), 'data c'), { files: CSV_FILES }))!;
    expect(dropping).toContain('\nmissing drop (rows with a missing value left out)\n');
    expect(dropping).toContain('**data c** — 2 rows · 7 → 2 (2 classes)');
    // The row without its 'b' is left out, and with it the only 'z': two classes remain.
    const inline = `
      network n {
        input 1
        layer 1 sigmoid
      }
      data t {
        -2 -> 0
        5 -> 1
      }
      train n on t {
        epochs 3
      }
    `;
    const trained = text(trainedFixture(at(inline, 'data t')))!;
    expect(trained).toMatch(/^\*\*data t\*\* — 2 rows · 1 → 1\n\n```text\ninline rows\ninputs: x1\n {2}x1 ∈ \[−2, 5\]\n```\n\ntrain n on t \(line 9\): loss [\d.]+ after 3 epochs · [<\d. ]+s$/);
  });

  it('still loading: what the load does and how far it got; not loaded or unknown: says so', () => {
    const spec = 'data big = spiral(samples 40)\ntrain n on big {\n}\n';
    const fx = fixture(at(spec, 'data bi'));
    const loading = (fraction: number | null) =>
      text({
        ...fx,
        state: {
          ...fx.state,
          check: check(fx.state.text, { ...fx.state.checkOptions!, data: { csv: () => ({ failed: 'none' }), generated: () => ({ pending: { activity: 'drawing spiral(samples 16000000)', fraction } }) } }),
        },
      });
    expect(loading(0.254)).toBe("**data big** — loading: drawing spiral(samples 16000000) (25% when this version was checked); it is checked, and its runs train, once it is loaded");
    expect(loading(null)).toBe("**data big** — loading: drawing spiral(samples 16000000); it is checked, and its runs train, once it is loaded");
    expect(text(fixture(at('data c from "missing.csv"\n', 'data c')))).toBe('**data c** — not loaded (see the problems on its declaration)');
    expect(text(fixture(at('train n on nodata {\n}\n', 'on noda')))).toBe("no data set named 'nodata'");
    expect(text(fixture(at('train nope on t {\n}\n', 'train nop')))).toBe("no network named 'nope'");
  });
});

describe('hover on input', () => {
  it("names x's columns in the run's data, and says they are normalized", () => {
    const shown = text(fixture(at(CSV_SPEC, 'input 7'), { files: CSV_FILES }))!;
    expect(shown.split('\n')[0]).toBe("**input 7** — x = (x₁, x₂, x₃, x₄, x₅, x₆, x₇): a, b, c, d, e, colour=red, colour=blue of data 'c', normalized (zscore), in train n on c (line 12)");
  });
});

describe('hover on a layer with dropout', () => {
  it('says the share dropped in training, in the header', () => {
    const shown = text(fixture(at(CSV_SPEC, 'layer hid'), { files: CSV_FILES }))!;
    expect(shown.split('\n')[0]).toBe('**layer hidden** — dense 7 → 3, tanh, dropout 20% in training · 24 parameters');
  });

  it('of a network with errors: the layer as written, and what to do', () => {
    const broken = 'network n {\n  input 2\n  layer hidden 3 tanhh\n}\n';
    expect(text(fixture(at(broken, 'layer hid')))).toBe("**layer** hidden 3 tanhh\n\nFix the errors in network 'n' to see its shape and weights.");
  });
});

describe('hover on a weights row of four numbers, and of a layer the network lacks', () => {
  const spec = 'network n {\n  input 4\n  layer out 1 sigmoid\n}\nweights w for n {\n  out W 1 2 3 4\n  out b 0\n}\nweights v for n {\n  other W 1 2 3 4\n}\n';

  it('writes z with all four terms (an ellipsis only past four), and nothing for the unknown layer', () => {
    expect(text(fixture(at(spec, '  out W 1')))!.split('\n')[3]).toBe('z⁽¹⁾₁ = W⁽¹⁾₁₁ x₁ + W⁽¹⁾₁₂ x₂ + W⁽¹⁾₁₃ x₃ + W⁽¹⁾₁₄ x₄ + b⁽¹⁾₁');
    expect(text(fixture(at(spec, '  oth')))).toBeNull();
  });
});

describe('hover on the words of a weights declaration read from a file', () => {
  it('documents for and from, and shows the weights on the path', () => {
    const spec = 'network n {\n  input 1\n  layer out 1 sigmoid\n}\nweights w for n from "w.json"\n';
    const first = (marker: string) => text(fixture(at(spec, marker)))!.split('\n')[0];
    expect(first('weights w f')).toBe('**for** — declaration');
    expect(first('for n fr')).toBe('**weights** — declaration');
    expect(first('"w.j')).toMatch(/^\*\*weights w\*\* — /);
  });
});

describe('hover on train', () => {
  it('of the second of two runs: its own settings, those written unmarked (batch, seed, one penalty, the loss target, f32)', () => {
    const spec = [
      'network xor {', '  input 2', '  layer out 1 sigmoid', '}', 'data table {', '  0 0 -> 0', '}',
      'train xor on table {', '  epochs 5', '}',
      'train xor on table {', '  batch 1', '  seed 7', '  stop when loss < 0.01', '  precision f32', '  regularize l1 0.001', '}', '',
    ].join('\n');
    const second = spec.lastIndexOf('train xor');
    const shown = text(fixture(`${spec.slice(0, second + 2)}$0${spec.slice(second + 2)}`))!;
    expect(shown.split('\n')[0]).toMatch(/^\*\*run 2\*\* · train xor on table · /);
    expect(shown.slice(shown.indexOf('```text\n'), shown.indexOf('\n```\n'))).toBe(`\`\`\`text
loss mse                     (default)
optimizer sgd rate 0.1       (default)
epochs 1000                  (default)
batch 1
seed 7
stop when loss < 0.01
no validation                (default)
precision f32
regularize l1 0.001
no schedule (constant rate)  (default)
no early stopping            (default)
weights drawn from the seed  (default)`);
  });

  it('lists the settings of §7 as written: adam, the penalty, the schedule, patience, the validation target', () => {
    const shown = text(fixture(at(CSV_SPEC, 'trai'), { files: CSV_FILES }))!;
    const settings = shown.slice(0, shown.indexOf('\n```\n'));
    expect(settings).toBe(`**run 1** · train n on c · not trained · est. up to 0.01 s

\`\`\`text
loss cross_entropy
optimizer adam rate 0.01 beta1 0.9 beta2 0.999 epsilon 1e-8
epochs 30
batch full                                                   (default)
seed 0                                                       (default)
stop when validation loss < 0.1
validate 20%
precision f64                                                (default)
regularize l1 0.001 l2 0.01
schedule step factor 0.5 every 10
patience 5
weights drawn from the seed                                  (default)`);
  });

  it('and the defaults of a run without them: no target, validation, penalty, schedule or early stopping; sgd with momentum; given weights', () => {
    const shown = text(fixture(at(WEIGHTS, 'trai')))!;
    const settings = shown.slice(0, shown.indexOf('\n```\n'));
    expect(settings).toBe(`**run 1** · train xor on t · not trained · est. 0.01 s

\`\`\`text
loss mse                             (default)
optimizer sgd rate 0.5 momentum 0.9
epochs 3
batch full                           (default)
seed 0                               (default)
no stop target                       (default)
no validation                        (default)
precision f64                        (default)
no penalty                           (default)
no schedule (constant rate)          (default)
no early stopping                    (default)
start from slide`);
  });
});

const WEIGHTS = `
network xor {
  input 5
  layer hidden 2 sigmoid
  layer out 1 sigmoid
}
weights slide for xor {
  hidden W 0.15 0.2 0.1 0.1 0.3
  hidden W 0.25 0.3 0.1 0.1 0.3
  hidden b 0.35 0.35
  out W 0.4 0.45
  out b 0.6
}
weights other for xor from "w.json"
data t {
  0 0 0 0 0 -> 0
  1 1 1 1 1 -> 1
}
train xor on t {
  start from slide
  optimizer sgd rate 0.5 momentum 0.9
  epochs 3
}
`;
const W_FILE = JSON.stringify({ layers: [{ weights: [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]], biases: [0.1, 0.2] }, { weights: [[0.4, 0.45]], biases: [0.6] }] });
const W_FILES = { '/work/w.json': W_FILE };

describe('hover on weights', () => {
  it('written in the file: how many numbers, each layer’s shapes, and the runs that start from them', () => {
    const expected = `**weights slide** for network xor — 15 numbers, written here

\`\`\`text
hidden  W⁽¹⁾ 2×5 · b⁽¹⁾ 2
out     W⁽²⁾ 1×2 · b⁽²⁾ 1
\`\`\`

runs that start from them: train xor on t (line 18)`;
    expect(text(fixture(at(WEIGHTS, 'weights sl'), { files: W_FILES }))).toBe(expected);
    expect(text(fixture(at(WEIGHTS, 'start from sl'), { files: W_FILES }))).toBe(expected);
  });

  it('read from a file, used by no run: where they come from, and how to use them', () => {
    const expected = `**weights other** for network xor — 15 numbers, read from "w.json"

\`\`\`text
hidden  W⁽¹⁾ 2×5 · b⁽¹⁾ 2
out     W⁽²⁾ 1×2 · b⁽²⁾ 1
\`\`\`

No run starts from them yet: add \`start from other\` to a \`train\` block of network 'xor'.`;
    expect(text(fixture(at(WEIGHTS, 'weights ot'), { files: W_FILES }))).toBe(expected);
    expect(text(fixture(at(WEIGHTS, '"w.js'), { files: W_FILES }))).toBe(expected);
  });

  it('each row of a weights block: which unit it feeds, each number named as in the math', () => {
    expect(text(fixture(at(WEIGHTS, 'hidden W 0.25 0.3 0.1 0.1'), { files: W_FILES }))).toBe(`**layer hidden, W⁽¹⁾ row 2** — the incoming weights of unit h₂

\`\`\`text
z⁽¹⁾₂ = W⁽¹⁾₂₁ x₁ + W⁽¹⁾₂₂ x₂ + W⁽¹⁾₂₃ x₃ + W⁽¹⁾₂₄ x₄ + … + b⁽¹⁾₂
W⁽¹⁾₂₁ = 0.25   (x₁ → h₂)
W⁽¹⁾₂₂ = 0.3   (x₂ → h₂)
W⁽¹⁾₂₃ = 0.1   (x₃ → h₂)
W⁽¹⁾₂₄ = 0.1   (x₄ → h₂)
W⁽¹⁾₂₅ = 0.3   (x₅ → h₂)
\`\`\``);
    expect(text(fixture(at(WEIGHTS, 'hidden b 0.3'), { files: W_FILES }))).toBe(`**layer hidden, b⁽¹⁾** — the biases, one per unit

\`\`\`text
b⁽¹⁾₁ = 0.35   (unit h₁)
b⁽¹⁾₂ = 0.35   (unit h₂)
\`\`\``);
    // Two inputs: the whole sum, no "…".
    expect(text(fixture(at(WEIGHTS, 'out W 0.4'), { files: W_FILES }))!.split('\n').slice(0, 4)).toEqual([
      '**layer out, W⁽²⁾ row 1** — the incoming weights of unit ŷ₁', '', '```text', 'z⁽²⁾₁ = W⁽²⁾₁₁ h₁ + W⁽²⁾₁₂ h₂ + b⁽²⁾₁',
    ]);
  });

  it('of a layer before training from given weights: those numbers, and where they are given', () => {
    const shown = text(fixture(at(WEIGHTS, 'layer hid'), { files: W_FILES }))!;
    expect(shown).toContain(`W⁽¹⁾ and b⁽¹⁾ before training: given by weights slide, line 6

\`\`\`text
        x₁      x₂      x₃      x₄      x₅       b
h₁   0.150   0.200   0.100   0.100   0.300   0.350
h₂   0.250   0.300   0.100   0.100   0.300   0.350
\`\`\``);
  });

  it('of a layer after a step with momentum: the momentum rule, W before and after with the digits the step changed', () => {
    const shown = text(trainedFixture(at(WEIGHTS, 'layer hid'), { files: W_FILES, steps: 2 }))!;
    expect(shown).toContain('$(debug-step-over) **step 2 · epoch 2 · loss 0.147** — from the initial weights · batch of 2 · batch loss 0.1506 (before the update) · η = 0.5');
    expect(shown).toContain('v ← μv − η ∂L/∂W⁽¹⁾,  W⁽¹⁾ ← W⁽¹⁾ + v  (μ = 0.9; b likewise)');
    expect(shown).toContain(`W⁽¹⁾ after:

\`\`\`text
         x₁       x₂       x₃       x₄       x₅        b
h₁   0.1520   0.2020   0.1020   0.1020   0.3020   0.3421
h₂   0.2520   0.3020   0.1020   0.1020   0.3020   0.3409
\`\`\``);
    expect(shown).toContain('· started from the weights given by weights slide, line 6 ·');
  });

  it('of a layer trained from given weights: as many decimals as show how far training moved them', () => {
    const shown = text(trainedFixture(at(WEIGHTS, 'layer hid'), { files: W_FILES }))!;
    expect(shown).toContain(`\`\`\`text
        x₁      x₂      x₃      x₄      x₅       b
h₁   0.154   0.204   0.104   0.104   0.304   0.335
h₂   0.254   0.304   0.104   0.104   0.304   0.333
\`\`\``);
    expect(shown).toMatch(/‖∂L\/∂W⁽¹⁾‖ = 0\.004593 · epoch 3 · rate 0\.5\n/);
  });
});

describe('hover on names from a CSV header', () => {
  it('escapes markdown in column names, shows a line break inside one as ↵, and shortens a long list', () => {
    const header = ['a*b', '[x](command:nn.train)', '"c\nd"', ...Array.from({ length: 9 }, (_, i) => `k${i}`), 'label'];
    const row = (v: number) => [...Array.from({ length: 12 }, (_, i) => v + i), 'yes'].join(',');
    const csv = `${header.join(',')}\n${row(1)}\n${row(2)}\n`;
    const spec = 'network n {\n  input 12\n  layer 1 sigmoid\n}\ndata w from "w.csv" {\n  target label onehot\n}\ntrain n on w {\n}\n';
    const files = { '/work/w.csv': csv };
    const input = text(fixture(at(spec, 'input 1'), { files }))!.split('\n')[0];
    expect(input).toContain(': a\\*b, \\[x\\]\\(command:nn\\.train\\), c↵d, k0,');
    expect(input).not.toContain('](command:');
    const data = text(fixture(at(spec, 'data w'), { files }))!;
    expect(data).toContain('\ninputs: a*b, [x](command:nn.train), c↵d, k0, k1, k2, k3, k4, … (12)\n');
    expect(data).toContain('\n  c↵d ∈ [3, 4]\n');
    expect(data).toContain('\n  k0 ∈ [4, 5]\n  …\n');
  });
});

describe('hover on a layer: the optimizer, the penalty and the gradient check', () => {
  const SPEC = xorTanh('  optimizer adam rate 0.05\n  regularize l1 0.001 l2 0.01\n  epochs 20\n  seed 2\n');

  it("after a step of Adam with both penalties: Adam's rule, and each penalty's term in the gradient", () => {
    const shown = text(trainedFixture(at(SPEC, 'layer hid'), { steps: 1 }))!;
    expect(shown).toContain('W⁽¹⁾ ← W⁽¹⁾ − η m̂ / (√v̂ + ε)  (Adam; b likewise)');
    expect(shown).toContain('∂L/∂W⁽¹⁾ = δ⁽¹⁾ xᵀ + 0.01 W + 0.001 sign(W) (column b: ∂L/∂b⁽¹⁾ = δ⁽¹⁾), batch mean:');
    const plainSgd = text(trainedFixture(at(SPEC.replace('optimizer adam rate 0.05', 'optimizer sgd rate 0.5').replace('regularize l1 0.001 l2 0.01', ''), 'layer hid'), { steps: 1 }))!;
    expect(plainSgd).toContain('W⁽¹⁾ ← W⁽¹⁾ − η ∂L/∂W⁽¹⁾,  b⁽¹⁾ ← b⁽¹⁾ − η ∂L/∂b⁽¹⁾');
    expect(plainSgd).toContain('∂L/∂W⁽¹⁾ = δ⁽¹⁾ xᵀ (column b: ∂L/∂b⁽¹⁾ = δ⁽¹⁾), batch mean:');
  });

  it("after training: the penalty of the kept weights beside the rate; a gradient check's verdict per layer", () => {
    const fx = trainedFixture(at(SPEC, 'layer ou'));
    expect(text(fx)).toMatch(/‖∂L\/∂W⁽²⁾‖ = [\d.]+ · epoch 20 · rate 0\.05 · penalty [\d.]+(e-\d+)?\n/);
    const checked = (error: number) => {
      const runState = { ...fx.state.runStates[0], gradientCheck: { check: { rows: 4, of: 4, loss: 0.2, layers: [{ error: 1e-9, checked: 9, of: 9 }, { error, checked: 4, of: 4 }] }, epoch: 20, source: 'trained' as const } };
      return text({ ...fx, state: { ...fx.state, runStates: [runState] } })!;
    };
    expect(checked(3.2e-7)).toContain('\n\ngradient check (weights of epoch 20): largest relative error 3.2e-7 over 4 of 4 parameters: backprop is the slope\n\n');
    expect(checked(1e-4)).toContain('largest relative error 1.0e-4 over 4 of 4 parameters: backprop is the slope');
    expect(checked(0.25)).toContain('largest relative error 2.5e-1 over 4 of 4 parameters: backprop differs from the slope');
  });
});

describe('hover on a data row: whose weights explain it', () => {
  const ROWS = xorTanh('  optimizer sgd rate 0.5\n  epochs 20\n');

  it('after Step, and after Reset: the stepped or the initial weights, named so', () => {
    const stepped = text(trainedFixture(at(ROWS, '  0 1'), { steps: 2 }))!;
    expect(stepped).toContain('\n\nthrough the stepped weights (step 2, epoch 2) of train xor on xor_table (line 14)');
    const fx = trainedFixture(at(ROWS, '  0 1'), { steps: 1 });
    const run = fx.state.check.runs[0];
    const outcome = outcomeOf(fx.state, run)!;
    const reset = withOutcomes(fx.state, new Map([[run.key, { ...outcome, step: null, position: { ...outcome.position!, steps: 0, epoch: 0 } }]]));
    expect(text({ ...fx, state: reset })).toContain('\n\nthrough the initial weights (Reset) of train xor on xor_table (line 14)');
  });

  it('with normalized inputs: says the row is normalized before the first layer', () => {
    const shown = text(trainedFixture(at(ROWS.replace('  1 1 -> 0\n', '  1 1 -> 0\n  normalize zscore\n'), '  0 1')))!;
    expect(shown).toContain('\n\nthrough the trained weights of train xor on xor_table (line 15) · inputs normalized (zscore) before the first layer');
  });

  it('while its run waits for a worker: the first snapshot is on its way, no Train link', () => {
    const fx = fixture(at(ROWS, '  0 1'));
    const run = fx.state.check.runs[0];
    const queued = { ...liveJob(new Trainer(run.network, run.data, run.settings), run, 0, NaN), started: false, weights: null, progress: null };
    const state = withParts(fx.state, () => ({ live: queued, cached: null, failure: null, estimate: 1 }));
    expect(state.runStates[0].phase).toBe('queued');
    expect(text({ ...fx, state })).toBe('```text\nsample 2: x = (0, 1), target y = 1\n```\n\ntraining: the first snapshot of the weights is on its way.');
  });

  it('of a data block with errors: the row as written, by its place, and why there are no numbers', () => {
    const broken = ROWS.replace('  1 0 -> 1\n', '  1 0 -> 1 1\n');
    expect(text(fixture(at(broken, '  1 1')))).toBe(
      '```text\nsample 4: x = (1, 1), target y = 0\n```\n\nNot trainable yet: fix the errors of `train` on line 14 to see the numbers.',
    );
    const unused = broken.replace(/train xor on xor_table \{[^}]*\}/, '');
    expect(text(fixture(at(unused, '  1 1')))).toContain("No `train` block uses data set 'xor_table' yet.");
  });

  it('of two runs on the data: each explains it through its own weights, the sample said once', () => {
    const two = `${ROWS}
train xor on xor_table {
  optimizer sgd rate 0.1
  epochs 5
}
`;
    const shown = text(trainedFixture(at(two, '  0 1')))!;
    const parts = shown.split('\n\n---\n\n');
    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatch(/^```text\nsample 2: x = \(0, 1\), target y = 1\nŷ = /);
    expect(parts[0]).toMatch(/\n\nthrough the trained weights of train xor on xor_table \(line 14\)$/);
    expect(parts[1]).toMatch(/^```text\nŷ = [\d.]+, loss ½\(ŷ − y\)² = /);
    expect(parts[1]).toMatch(/\n\nthrough the trained weights of train xor on xor_table \(line 19\)$/);
  });
});

describe('hover on the words of a statement, and on names with runs', () => {
  const NET = `
    network xor {
      input 10
      layer hidden 3 tanh init xavier
      layer out 1 sigmoid
    }
    weights w for xor {
      hidden W 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1.0
      hidden W 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1.0
      hidden W 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1.0
      hidden b 0 0 0
      out W 1 1 1
      out b 0
    }
    data table {
      1 2 3 4 5 6 7 8 9 10 -> 1
      0 0 0 0 0 0 0 0 0 0 -> 0
    }
    train xor on table {
      start from w
      epochs 3
      expect loss < 0.9
    }
  `;

  it('documents init in a layer, and W and b in a weights row, on the word itself', () => {
    expect(text(fixture(at(NET, 'tanh in')))).toContain('**init** — network statement');
    expect(text(fixture(at(NET, 'tanh in')))).toContain("How the layer's initial weights are drawn");
    expect(text(fixture(at(NET, 'hidden W')))).toContain('**W** — weights row');
    expect(text(fixture(at(NET, 'hidden b')))).toContain('**b** — weights row');
  });

  it('shows a row of ten inputs with its ends, and the sum of ten weights with its first four terms', () => {
    expect(text(fixture(at(NET, '  1 2 3')))).toContain('sample 1: x = (1, 2, 3, 4, 5, 6, …, 10), target y = 1');
    expect(text(fixture(at(NET, 'hidden W 0.1 0.2 0.3')))).toContain('z⁽¹⁾₁ = W⁽¹⁾₁₁ x₁ + W⁽¹⁾₁₂ x₂ + W⁽¹⁾₁₃ x₃ + W⁽¹⁾₁₄ x₄ + … + b⁽¹⁾₁');
  });

  it("on expect, the verdict after the run first; on a name, its runs with where they stand once they trained", () => {
    const fx = trainedFixture(at(NET, 'expect lo'));
    const [run] = fx.state.check.runs;
    const graded = gradeExpectations(run.expectations, { result: outcomeOf(fx.state, run)!.result! });
    const shown = text({ ...fx, state: { ...fx.state, graded: [graded] } })!;
    expect(shown.split('\n\n---\n\n')[0]).toMatch(/^expectation met: loss is [\d.]+, below 0\.9; measured on the final weights of the run's last training$/);
    expect(text(fx)!.startsWith('**expect**')).toBe(true);
    const net = text(trainedFixture(at(NET, 'train xo')))!;
    expect(net).toMatch(/\n\ntrain xor on table \(line 18\): loss [\d.]+ after 3 epochs · /);
    expect(text(fixture(at(NET, 'train xo')))!).toMatch(/\n\ntrain xor on table \(line 18\)$/);
    expect(text(fixture(at('network n {\n  input 2\n  layer 3 tanhh\n}\ntrain n on d {\n}\n', 'train n')))).toBe('**network n** — has errors');
  });
});
