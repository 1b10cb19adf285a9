// Inlay hints, shown as `‹…›` inserted into the spec text where the editor would draw them (docs/editor.md "Inlay hints").
import { describe, expect, it } from 'vitest';
import type { InlayHint } from 'vscode-languageserver';
import { fixed } from '../../server/src/lsp/describe';
import { inlayHints } from '../../server/src/lsp/inlayHints';
import { Trainer } from '../../server/src/nn/trainer';
import { AWKWARD_SHARES, validateSpec } from '../support/validateShares';
import { dedent, fixture, trainedFixture, URI } from './harness';
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

describe('inlay hints in train blocks', () => {
  it('says how many rows validate holds out and how many updates an epoch makes', () => {
    const text = render(
      fixture(`
        network n {
          input 2
          layer 1 sigmoid
        }
        data g = gauss(samples 150)
        train n on g {
          validate 20%
          batch 16
        }
        train n on g {
          batch full
        }
      `),
    );
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
