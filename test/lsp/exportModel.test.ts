// "NN: Export Trained Model…" on the server: the file of every format from the run's cached outcome (the same bytes `nn export` writes), and the lens that offers it.
import { describe, expect, it } from 'vitest';
import { exportedModel } from '../../server/src/export/formats';
import { codeLenses } from '../../server/src/lsp/codeLens';
import { exportModel } from '../../server/src/lsp/exportModel';
import type { DocumentState } from '../../server/src/lsp/state';
import type { ExportFormat } from '../../server/src/protocol';
import { Trainer } from '../../server/src/nn/trainer';
import { fixture, liveJob, outcomeOf, trainedFixture, URI, withOutcomes, withParts } from './harness';

/** zscore fitted on a 25% split: the PyTorch script's training part must be rebuilt exactly as the trainer made it. */
const SPEC = `
  network fit {
    input 2
    layer hidden 4 tanh
    layer out 1 sigmoid
  }

  data points {
    normalize zscore
    1 10 -> 0
    2 30 -> 0
    3 20 -> 0
    4 50 -> 1
    5 40 -> 1
    6 60 -> 1
    7 35 -> 0
    8 70 -> 1
  }

  train fit on points {$0
    loss cross_entropy
    optimizer adam rate 0.05
    epochs 120
    batch 3
    validate 25%
    seed 4
  }
`;

const FORMATS: [ExportFormat, string][] = [
  ['json', 'spec.run1.json'],
  ['pytorch', 'spec.run1.py'],
  ['onnx', 'spec.run1.onnx'],
  ['safetensors', 'spec.run1.safetensors'],
];

/** The state of a run that trains: its one state and status, as the server builds them from the host. */
function training(state: DocumentState): DocumentState {
  return withParts(state, (run) => ({ live: liveJob(new Trainer(run.network, run.data, run.settings), run, 3, 0.5), cached: null, failure: null, estimate: 1 }));
}

describe('nn/exportModel', () => {
  it.each(FORMATS)('%s: the bytes nn export writes, from the outcome alone, named %s', (format, fileName) => {
    const { state, position, trainers } = trainedFixture(SPEC);
    const run = state.check.runs[0];
    const trainer = trainers.get(run.key)!;
    const answer = exportModel(state, { uri: URI, line: position.line + 3, format });
    if ('error' in answer) throw new Error(answer.error);
    expect(answer.fileName).toBe(fileName);
    const expected = exportedModel(format, run, outcomeOf(state, run)!.result!, () => trainer.trainingPart(), { specPath: 'spec.nn', scriptName: fileName });
    expect(Buffer.from(answer.data, 'base64').equals(Buffer.from(expected))).toBe(true);
  });

  it('names the file after a spec that is not a file: URI by its last segment, or untitled', () => {
    const { state, position } = trainedFixture(SPEC);
    const line = position.line + 3;
    const named = (uri: string) => {
      const answer = exportModel({ ...state, uri }, { uri, line, format: 'json' });
      return 'error' in answer ? answer.error : answer.fileName;
    };
    expect(named('vscode-vfs://github/me/repo/my%20model.nn')).toBe('my model.run1.json');
    expect(named('untitled:Untitled-1')).toBe('untitled.run1.json');
    expect(named('untitled:notes.nn.txt')).toBe('untitled.run1.json');
  });

  it('says what to do when there is nothing to export', () => {
    const untrained = fixture(SPEC);
    const line = untrained.position.line;
    expect(exportModel(untrained.state, { uri: URI, line, format: 'onnx' })).toEqual({
      error: 'Run 1 (fit on points) has not been trained yet: train it (NN: Train Network), then export it.',
    });
    expect(exportModel(training(untrained.state), { uri: URI, line, format: 'onnx' })).toEqual({
      error: 'Run 1 (fit on points) is still training; export it when it has finished.',
    });
    // ⏭ Step leaves an outcome without a finished training: nothing to export either.
    const stepped = trainedFixture(SPEC, { steps: 2 });
    expect(exportModel(stepped.state, { uri: URI, line, format: 'json' })).toMatchObject({ error: expect.stringMatching(/has not been trained yet/) });
    const trained = trainedFixture(SPEC);
    expect(exportModel(trained.state, { uri: URI, line: 1, format: 'onnx' })).toEqual({ error: 'Put the cursor in a `train` block to export its run.' });
    // A spec with an error has no run to export anywhere: the answer says to fix it first.
    const broken = fixture(SPEC.replace('layer out 1 sigmoid', 'layer out 1 sigmoidd'));
    expect(exportModel(broken.state, { uri: URI, line, format: 'json' })).toEqual({ error: 'Fix the errors of the spec, train the run, then export it.' });
    expect(exportModel(trained.state, { uri: URI, line, format: 'tflite' as ExportFormat })).toEqual({ error: "There is no export format 'tflite'." });
    const diverged = trainedFixture(SPEC.replace('layer out 1 sigmoid', 'layer out 1 linear').replace('loss cross_entropy', 'loss mse').replace('adam rate 0.05', 'sgd rate 1000'));
    expect(exportModel(diverged.state, { uri: URI, line, format: 'safetensors' })).toMatchObject({
      error: expect.stringMatching(/^Nothing to export: run 1 diverged in epoch \d+ \(the loss is not finite\), so it has no weights to export; lower the rate\.$/),
    });
  });

  it('is offered as a lens after a finished or stopped training, in VS Code only', () => {
    const { state, position } = trainedFixture(SPEC);
    const exportLens = (s: DocumentState) => codeLenses(s).find((l) => l.command?.command === 'nn.exportModel');
    const run = state.check.runs[0];
    const outcome = outcomeOf(state, run)!;
    expect(state.statuses[0].phase).toBe('done');
    const done = exportLens(state);
    expect(done?.command).toEqual({ title: '$(export) Export…', command: 'nn.exportModel', arguments: [URI, position.line] });
    expect(done?.range.start.line).toBe(position.line);
    const stopped = withOutcomes(state, new Map([[run.key, { ...outcome, result: { ...outcome.result!, stopped: 'cancelled' as const } }]]));
    expect(stopped.statuses[0].phase).toBe('cancelled');
    expect(exportLens(stopped)).toBeDefined();
    // Not before training, not while training (again), not for a client without the VS Code command.
    expect(exportLens(fixture(SPEC).state)).toBeUndefined();
    const retraining = withParts(state, (r) => ({ live: liveJob(new Trainer(r.network, r.data, r.settings), r, 3, 0.5), cached: { outcome, record: null }, failure: null, estimate: 1 }));
    expect(retraining.statuses[0].phase).toBe('running');
    expect(exportLens(retraining)).toBeUndefined();
    expect(exportLens({ ...state, client: { ...state.client, commandLinks: false } })).toBeUndefined();
  });
});
