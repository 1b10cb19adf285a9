// Inlay hints, shown as `‹…›` inserted into the spec text where the editor would draw them (docs/editor.md "Inlay hints").
import { describe, expect, it } from 'vitest';
import type { InlayHint } from 'vscode-languageserver';
import { fixed } from '../../server/src/lsp/describe';
import { inlayHints } from '../../server/src/lsp/inlayHints';
import { Trainer } from '../../server/src/nn/trainer';
import { AWKWARD_SHARES, validateSpec } from '../support/validateShares';
import { gradeExpectations } from '../../server/src/present/expectations';
import { dedent, fixture, liveJob, outcomeOf, trainedFixture, URI, withOutcomes, withParts } from './harness';
import type { Fixture } from './harness';

function render(fx: Fixture): string {
  const all = inlayHints(fx.state, {
    textDocument: { uri: URI },
    range: { start: { line: 0, character: 0 }, end: fx.state.lines.positionAt(fx.state.text.length) },
  });
  let text = fx.state.text;
  for (const hint of [...all].reverse()) {
    const offset = fx.state.lines.offsetAt(hint.position);
    text = `${text.slice(0, offset)} ‹${hint.label as string}›${text.slice(offset)}`;
  }
  return text;
}

function check(fx: Fixture, expected: string): void {
  expect(render(fx)).toBe(dedent(expected));
}

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
    optimizer sgd rate 0.5
    epochs 3000
    seed 1
  }
`;

describe('inlay hints', () => {
  it('shows each layer\'s shape and parameters before training, and no predictions', () => {
    check(
      fixture(XOR),
      `
      network xor {
        input 2
        layer hidden 4 sigmoid ‹2→4 · 12 params›
        layer out 1 sigmoid ‹4→1 · 5 params›
      }
      data table {
        0 0 -> 0
        0 1 -> 1
        1 0 -> 1
        1 1 -> 0
      }
      train xor on table {
        optimizer sgd rate 0.5
        epochs 3000
        seed 1
      }
      `,
    );
  });

  it('shows the trained prediction after each row, equal to the trainer\'s', () => {
    const fx = trainedFixture(XOR);
    const trainer = fx.trainers.get(fx.state.check.runs[0].key)!;
    const y = (a: number, b: number): string => fixed(trainer.predict([a, b])[0], 3);
    check(
      fx,
      `
      network xor {
        input 2
        layer hidden 4 sigmoid ‹2→4 · 12 params›
        layer out 1 sigmoid ‹4→1 · 5 params›
      }
      data table {
        0 0 -> 0 ‹ŷ ${y(0, 0)}›
        0 1 -> 1 ‹ŷ ${y(0, 1)}›
        1 0 -> 1 ‹ŷ ${y(1, 0)}›
        1 1 -> 0 ‹ŷ ${y(1, 1)}›
      }
      train xor on table {
        optimizer sgd rate 0.5
        epochs 3000
        seed 1
      }
      `,
    );
    // XOR is learned by then: the predictions are on the right side of 0.5.
    expect([y(0, 0), y(0, 1), y(1, 0), y(1, 1)].map((v) => Number(v) > 0.5)).toEqual([false, true, true, false]);
  });

  it('shows several outputs as a tuple, and the size of generated and CSV data', () => {
    const fx = trainedFixture(
      `
      network n {
        input 1
        layer 2 softmax
      }
      data d {
        0 -> 1 0
        1 -> 0 1
      }
      data g = gauss(samples 30)
      data c from "c.csv" {
        target label onehot
      }
      train n on d {
        loss cross_entropy
        epochs 1
      }
      `,
      { files: { '/work/c.csv': 'a,b,label\n1,2,x\n3,4,y\n5,6,z\n' } },
    );
    const text = render(fx);
    expect(text).toMatch(/0 -> 1 0 ‹ŷ \(0\.\d{3}, 0\.\d{3}\)›/);
    expect(text).toContain('data g = gauss(samples 30) ‹30 rows · 2 → 1›');
    expect(text).toContain('data c from "c.csv" ‹3 rows · 2 → 3 (3 classes)› {');
  });

  it('returns only the hints inside the requested range', () => {
    const fx = fixture(XOR);
    const inRange: InlayHint[] = inlayHints(fx.state, { textDocument: { uri: URI }, range: { start: { line: 3, character: 0 }, end: { line: 3, character: 40 } } });
    expect(inRange.map((h) => h.label)).toEqual(['4→1 · 5 params']);
  });
});

/** 150 generated rows: 20% held out and batches of 16 (a last one of 8), batches of 15 (none left over), the full batch. */
const BATCHES = `
  network n {
    input 2
    layer 1 sigmoid
  }
  data g = gauss(samples 150)
  train n on g {
    validate 20%
    batch 16
    seed 7
  }
  train n on g {
    batch 15
  }
  train n on g {
    batch full
  }
`;

describe('inlay hints in train blocks', () => {
  it('says how many rows validate holds out and how many updates an epoch makes', () => {
    const text = render(fixture(BATCHES));
    expect(text).toContain('validate 20% ‹30 of 150 rows held out›');
    // 120 training rows in batches of 16: 7 full batches and a last one of 8.
    expect(text).toContain('batch 16 ‹8 updates/epoch›');
    expect(text).toContain('batch full ‹1 update/epoch›');
  });

  // The hint and the trainer count the held-out rows with one function (language/model.ts heldOutRows).
  it.each(AWKWARD_SHARES)('validate %s% of %s rows: the hint says %s held out, as many as the trainer holds out', (percent, rows, held) => {
    const fx = fixture(validateSpec(percent, rows));
    expect(render(fx)).toContain(`validate ${percent}% ‹${held} of ${rows} rows held out›`);
    const [run] = fx.state.check.runs;
    expect(new Trainer(run.network, run.data, run.settings).validationRows.length).toBe(held);
  });
});

/** Every hint with its tooltip, as the editor shows it when the pointer rests on the hint. */
function tooltips(fx: Fixture): [string, string | undefined][] {
  const all = inlayHints(fx.state, { textDocument: { uri: URI }, range: { start: { line: 0, character: 0 }, end: fx.state.lines.positionAt(fx.state.text.length) } });
  for (const hint of all) expect(hint.paddingLeft).toBe(true);
  return all.map((h) => [h.label as string, h.tooltip as string | undefined]);
}

describe('inlay hint tooltips', () => {
  it("say a layer's W and b shapes, its parameter count worked out, and its init", () => {
    expect(tooltips(fixture(XOR)).slice(0, 2)).toEqual([
      ['2→4 · 12 params', 'W is 4 × 2 and b has 4: 4 × (2 + 1) = 12 trainable parameters; init xavier'],
      ['4→1 · 5 params', 'W is 1 × 4 and b has 1: 1 × (4 + 1) = 5 trainable parameters; init xavier'],
    ]);
  });

  it('say how validate splits the rows and how batch cuts the training rows, the last batch included', () => {
    const shown = tooltips(fixture(BATCHES));
    expect(shown.slice(2)).toEqual([
      ['30 of 150 rows held out', '120 rows train, 30 validate (chosen by seed 7)'],
      ['8 updates/epoch', '120 training rows in batches of 16, the last one of 8'],
      ['10 updates/epoch', '150 training rows in batches of 15'],
      ['1 update/epoch', '150 training rows in batches of 150'],
    ]);
  });

  it("say whose prediction ŷ is, at which line, and from which weights: trained, live, stepped", () => {
    const trained = trainedFixture(XOR);
    const trainedTips = tooltips(trained).filter(([label]) => label.startsWith('ŷ'));
    expect(trainedTips).toHaveLength(4);
    expect(trainedTips[0][1]).toMatch(/^prediction of train xor on table \(line 12\); loss [\d.]+(e-\d+)?$/);

    const stepped = trainedFixture(XOR, { steps: 3 });
    expect(tooltips(stepped).find(([label]) => label.startsWith('ŷ'))![1]).toMatch(/^prediction of train xor on table \(line 12\) \(stepped weights, epoch 3\); loss [\d.]+$/);

    const { state } = fixture(XOR);
    const run = state.check.runs[0];
    const trainer = new Trainer(run.network, run.data, run.settings);
    for (let i = 0; i < 5; i++) trainer.step();
    const live = withParts(state, () => ({ live: liveJob(trainer, run, 5, 0.24), cached: null, failure: null, estimate: 0.01 }));
    expect(tooltips({ ...trained, state: live }).find(([label]) => label.startsWith('ŷ'))![1]).toMatch(/^prediction of train xor on table \(line 12\), live at epoch 5; loss [\d.]+$/);
  });

  it('write a prediction of 1000 or more with the exponent form, a usual one with three decimals', () => {
    const fx = trainedFixture(XOR);
    const key = fx.state.check.runs[0].key;
    const outcome = outcomeOf(fx.state, { key })!;
    const rows = outcome.rows!.map((row, r) => ({ ...row, output: [[0.5, 1000, 12345.6, -2500][r]] }));
    const labels = tooltips({ ...fx, state: withOutcomes(fx.state, new Map([[key, { ...outcome, rows }]])) }).map(([label]) => label).filter((l) => l.startsWith('ŷ'));
    expect(labels).toEqual(['ŷ 0.500', 'ŷ 1000', 'ŷ 1.235e+4', 'ŷ −2500']);
  });

  it("give weights read from a file their count, once, and each network's layers once", () => {
    const document = { layers: [{ weights: [[0.15, 0.2]], biases: [0.35] }] };
    const spec = `
      network one {
        input 2
        layer 1 sigmoid
      }
      network one {
        input 3
        layer 2 sigmoid
      }
      weights w for one from "w.json"
      weights w for one from "w.json"
    `;
    const shown = tooltips(fixture(spec, { files: { '/work/w.json': JSON.stringify(document) } }));
    expect(shown).toEqual([
      ['2→1 · 3 params', 'W is 1 × 2 and b has 1: 1 × (2 + 1) = 3 trainable parameters; init xavier'],
      ['1 layer · 3 params', "every W and b of network 'one', read from the file"],
    ]);
  });

  it('of a train block with errors: none for the block, the layers still have theirs', () => {
    const shown = tooltips(fixture(XOR.replace('epochs 3000', 'epochs -1').replace('    seed 1\n', '    seed 1\n    batch 2\n    validate 25%\n')));
    expect(shown.map(([label]) => label)).toEqual(['2→4 · 12 params', '4→1 · 5 params']);
  });

  it('come in document order, an expectation before batch included', () => {
    const spec = XOR.replace('    optimizer sgd rate 0.5\n', '    expect loss < 0.5\n    optimizer sgd rate 0.5\n    batch 2\n');
    const fx = trainedFixture(spec);
    const [run] = fx.state.check.runs;
    const graded = gradeExpectations(run.expectations, { result: outcomeOf(fx.state, run)!.result! });
    const text = render({ ...fx, state: { ...fx.state, graded: [graded] } });
    expect(text).toMatch(/expect loss < 0\.5 ‹✓ measured [\d.]+›\n {2}optimizer sgd rate 0\.5\n {2}batch 2 ‹2 updates\/epoch›/);
  });

  it('of a range: those from its first to its last character, both included', () => {
    const fx = fixture(XOR);
    // The first layer's hint sits at the end of line 2 (after "sigmoid"); a range that starts or ends exactly there has it.
    const at = { line: 2, character: 24 };
    const only = (range: { start: typeof at; end: typeof at }) => inlayHints(fx.state, { textDocument: { uri: URI }, range }).map((h) => h.label);
    expect(only({ start: at, end: at })).toEqual(['2→4 · 12 params']);
    expect(only({ start: at, end: { line: 3, character: 0 } })).toEqual(['2→4 · 12 params']);
    expect(only({ start: { line: 2, character: 0 }, end: { line: 2, character: 23 } })).toEqual([]);
  });
});
