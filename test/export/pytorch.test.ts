// The PyTorch script's embedded numbers, read back without Python: exactly the trained weights and the run's training part.
import { describe, expect, it } from 'vitest';
import { pytorchScript } from '../../server/src/export/pytorch';
import { Trainer } from '../../server/src/nn/trainer';
import { checkedWithoutErrors } from '../support/check';

function trained(spec: string) {
  const result = checkedWithoutErrors(spec);
  const run = result.runs[0];
  const trainer = new Trainer(run.network, run.data, run.settings);
  const outcome = trainer.train();
  const text = pytorchScript(run, outcome, trainer.trainingPart(), { specPath: 'spec.nn', scriptName: 'spec.run1.py' });
  return { run, trainer, outcome, text };
}

/** The value of a top-level `NAME = ...` in the script: a Python list literal or a _decode("…", rows, columns) call. */
function embedded(text: string, name: string): number[][] {
  const decode = new RegExp(`^${name} = _decode\\("([^"]*)", (\\d+), (\\d+)\\)$`, 'm').exec(text);
  if (decode) {
    const bytes = Buffer.from(decode[1], 'base64');
    const rows = Number(decode[2]);
    const columns = Number(decode[3]);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) => view.getFloat64((r * columns + c) * 8, true)));
  }
  const literal = new RegExp(`^${name} = \\[\\n([\\s\\S]*?)\\n\\]$`, 'm').exec(text);
  if (!literal) throw new Error(`${name} is not in the script`);
  return literal[1].split('\n').map((line) => JSON.parse(line.trim().replace(/,$/, '')) as number[]);
}

describe('the PyTorch script embeds', () => {
  it('the training part as the run holds it: normalized, validation rows left out', () => {
    const rows = Array.from({ length: 20 }, (_, r) => `  ${r} ${(r * 7) % 11} -> ${r % 2}`).join('\n');
    const { trainer, outcome, text, run } = trained(
      `network n {\n  input 2\n  layer 3 tanh\n  layer 1 sigmoid\n}\n\ndata d {\n  normalize zscore\n${rows}\n}\n\ntrain n on d {\n  loss cross_entropy\n  validate 25%\n  epochs 5\n  seed 4\n}\n`,
    );
    const inputs = embedded(text, 'INPUTS');
    const targets = embedded(text, 'TARGETS');
    expect(outcome.validationRows).toBe(5);
    expect(inputs).toHaveLength(15);
    const norm = outcome.normalization;
    if (!norm) throw new Error('the run normalizes');
    trainer.trainingRows.forEach((row, i) => {
      for (let c = 0; c < 2; c++) {
        expect(inputs[i][c]).toBe((run.data.inputs[row * 2 + c] - norm.offset[c]) / norm.scale[c]);
      }
      expect(targets[i]).toEqual([run.data.targets[row]]);
    });
    expect(text).toContain('# The training part: 15 rows, inputs normalized (zscore, fitted on these rows) as the trainer saw them; 5 rows held out for validation are not included.');
    expect(text).toContain(`FINAL_LOSS = ${outcome.finalLoss}`);
    expect(text).toContain('#   python3 spec.run1.py --train EPOCHS --workers K');
  });

  it('large arrays as exact base64: the data and the weights bit for bit', () => {
    const { trainer, outcome, text } = trained(
      'network big {\n  input 2\n  layer 70 relu\n  layer 70 relu\n  layer 1 sigmoid\n}\n\ndata s = spiral(samples 2500, seed 1)\n\ntrain big on s {\n  loss cross_entropy\n  epochs 1\n  batch 50\n  precision f32\n}\n',
    );
    const part = trainer.trainingPart();
    const inputs = embedded(text, 'INPUTS');
    expect(inputs.flat()).toEqual(Array.from(part.inputs));
    expect(text).toContain('DTYPE = torch.float32  # precision f32');
    const hidden2 = /"weights": _decode\("([^"]*)", 70, 70\)/.exec(text);
    if (!hidden2) throw new Error('the 70 × 70 matrix is embedded as base64');
    const bytes = Buffer.from(hidden2[1], 'base64');
    const weights = Array.from({ length: 4900 }, (_, i) => bytes.readDoubleLE(i * 8));
    expect(weights).toEqual(Array.from(outcome.layers[1].weights));
  });
});
