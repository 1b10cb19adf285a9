// "Save trained weights as 'weights …'" (docs/editor.md "Saving trained weights"): the declaration holds the trained bits, and a run started from it goes on where the first one was.
import { describe, expect, it } from 'vitest';
import type { CodeAction, TextEdit } from 'vscode-languageserver';
import { codeActions, resolveCodeAction } from '../../server/src/lsp/codeActions';
import { EAGER_PARAMETERS } from '../../server/src/lsp/saveWeights';
import { runStateOf, type DocumentState } from '../../server/src/lsp/state';
import { Trainer } from '../../server/src/nn/trainer';
import { checkedWithoutErrors } from '../support/check';
import { xorSpec } from '../training/helpers';
import { applyEdits, fixture, trainAll, URI, withOutcomes } from './harness';

function actionsOnLine(state: DocumentState, line: number, only?: string[]): CodeAction[] {
  const position = { line, character: 0 };
  return codeActions(state, { textDocument: { uri: URI }, range: { start: position, end: position }, context: { diagnostics: [], ...(only ? { only } : {}) } });
}

const apply = (text: string, edits: TextEdit[]): string => applyEdits(text, edits);

const bits = (values: ArrayLike<number>) => Array.from(new Uint32Array(Float64Array.from(values).buffer));

/** XOR with `settings` in its train block (test/training/helpers.ts). */
const spec = (settings: string, before = '') => xorSpec(settings, before);
const TRAIN_LINE = spec('').split('\n').indexOf('train xor on table {');

/** The state with every run trained (or stepped), as the worker leaves it. */
function trained(text: string, steps?: number): DocumentState {
  const { state } = fixture(text);
  return withOutcomes(state, trainAll(state, steps ? { steps } : {}).outcomes);
}

describe('saving a run\'s weights as a declaration', () => {
  it('is offered on the train line of a trained run, as two refactorings', () => {
    const state = trained(spec('  optimizer sgd rate 0.5\n  epochs 40\n  seed 3'));
    const actions = actionsOnLine(state, TRAIN_LINE);
    expect(actions.map((a) => [a.title, a.kind])).toEqual([
      ["Save trained weights as 'weights xor_trained'", 'refactor.extract'],
      ["Save trained weights as 'weights xor_trained' and start this run from them", 'refactor.extract'],
    ]);
    expect(actionsOnLine(state, TRAIN_LINE + 1)).toEqual([]);
    expect(actionsOnLine(state, TRAIN_LINE, ['quickfix'])).toEqual([]);
    expect(actionsOnLine(state, TRAIN_LINE, ['refactor'])).toHaveLength(2);
    // Before any training there is nothing to save.
    expect(actionsOnLine(fixture(spec('  epochs 40')).state, TRAIN_LINE)).toEqual([]);
  });

  it.each(['f64', 'f32'] as const)('%s: writes every W and b so that they read back as the same bits', (precision) => {
    const text = spec(`  optimizer sgd rate 0.5\n  epochs 40\n  seed 3\n  precision ${precision}`);
    const state = trained(text);
    const result = runStateOf(state, state.check.runs[0])!.outcome!.result!;
    const saved = apply(text, actionsOnLine(state, TRAIN_LINE)[0].edit!.changes![URI]);
    expect(saved).toContain(`# weights of train xor on table after epoch 40, loss `);
    expect(saved).toMatch(/\nweights xor_trained for xor \{\n  hidden W [^\n]+\n  hidden W [^\n]+\n  hidden W [^\n]+\n  hidden b [^\n]+\n  output W [^\n]+\n  output b [^\n]+\n\}\n\ntrain xor on table \{/);
    const checked = checkedWithoutErrors(saved);
    const weights = checked.weights.get('xor_trained')!;
    weights.layers.forEach((layer, k) => {
      const stored = (values: ArrayLike<number>) => (precision === 'f32' ? Float32Array.from(values) : Float64Array.from(values));
      expect(bits(stored(layer.weights))).toEqual(bits(result.layers[k].weights));
      expect(bits(stored(layer.biases))).toEqual(bits(result.layers[k].biases));
    });
    // The unused declaration is only a warning.
    expect(checked.problems.map((p) => p.message)).toEqual([
      "weights 'xor_trained' are not used by any run; add 'start from xor_trained' to a 'train' block of network 'xor' or remove them",
    ]);
  });

  it.each([
    { name: 'sgd', optimizer: '  optimizer sgd rate 0.5', epochs: 'every epoch after the restart' },
    { name: 'adam', optimizer: '  optimizer adam rate 0.05', epochs: 'the first epoch after the restart (adam starts its moments afresh)' },
  ])('$name: started from the saved weights, training goes on: the loss of $epochs equals the run that never stopped', ({ optimizer }) => {
    const N = 25;
    const text = spec(`${optimizer}\n  epochs ${N}\n  seed 5\n  batch full`);
    const state = trained(text);
    const resumed = apply(text, actionsOnLine(state, TRAIN_LINE)[1].edit!.changes![URI]);
    expect(resumed).toMatch(/train xor on table \{\n  start from xor_trained\n/);
    const [restart] = checkedWithoutErrors(resumed).runs;
    expect(restart.settings.start?.name).toBe('xor_trained');
    expect(restart.key).not.toBe(state.check.runs[0].key);
    // The run that never stopped: the same settings for 2N epochs.
    const [whole] = checkedWithoutErrors(text.replace(`epochs ${N}`, `epochs ${2 * N}`)).runs;
    const straight = new Trainer(whole.network, whole.data, whole.settings).train().history.loss;
    const continued = new Trainer(restart.network, restart.data, restart.settings).train().history.loss;
    expect(continued[0]).toBe(straight[N]);
    if (optimizer.includes('sgd')) expect(Array.from(continued)).toEqual(Array.from(straight.subarray(N)));
    else expect(continued[1]).not.toBe(straight[N + 1]);
  });

  it('names the declaration so it clashes with no other, and points an existing start from at it', () => {
    const before = `weights xor_trained for xor {\n  hidden W 1 1\n  hidden W 1 1\n  hidden W 1 1\n  hidden b 0 0 0\n  output W 1 1 1\n  output b 0\n}\n`;
    const text = spec('  start from xor_trained\n  epochs 5', before);
    const state = trained(text);
    const line = TRAIN_LINE + before.split('\n').length - 1;
    const [save, saveAndStart] = actionsOnLine(state, line);
    expect(save.title).toBe("Save trained weights as 'weights xor_trained2'");
    const resumed = apply(text, saveAndStart.edit!.changes![URI]);
    expect(resumed).toContain('train xor on table {\n  start from xor_trained2\n  epochs 5\n}');
    expect(checkedWithoutErrors(resumed).runs[0].settings.start?.name).toBe('xor_trained2');
  });

  it('counts up past every name taken: xor_trained and xor_trained2 give xor_trained3', () => {
    const block = (name: string) => `weights ${name} for xor {\n  hidden W 1 1\n  hidden W 1 1\n  hidden W 1 1\n  hidden b 0 0 0\n  output W 1 1 1\n  output b 0\n}\n`;
    const before = block('xor_trained') + block('xor_trained2');
    const state = trained(spec('  epochs 5', before));
    const [save] = actionsOnLine(state, TRAIN_LINE + before.split('\n').length - 1);
    expect(save.title).toBe("Save trained weights as 'weights xor_trained3'");
  });

  it('after ⏭ Step saves the stepped weights', () => {
    const text = spec('  optimizer sgd rate 0.5\n  epochs 5');
    const state = trained(text, 3);
    const step = runStateOf(state, state.check.runs[0])!.outcome!.step!;
    const [save] = actionsOnLine(state, TRAIN_LINE);
    expect(save.title).toBe("Save trained weights as 'weights xor_stepped'");
    const saved = apply(text, save.edit!.changes![URI]);
    expect(saved).toContain('# weights of train xor on table after step 3 (epoch 3)');
    const layers = checkedWithoutErrors(saved).weights.get('xor_stepped')!.layers;
    expect(bits(layers[0].weights)).toEqual(bits(step.after[0].weights));
  });

  it('in a client that resolves edits, comes without its edit, which is made from the text of when it is chosen', () => {
    const text = spec('  optimizer sgd rate 0.5\n  epochs 40\n  seed 3');
    const eager = trained(text);
    const lazy = { ...eager, client: { ...eager.client, resolveEdits: true } };
    const offered = actionsOnLine(lazy, TRAIN_LINE);
    expect(offered.map((a) => [a.title, a.edit])).toEqual(actionsOnLine(eager, TRAIN_LINE).map((a) => [a.title, undefined]));
    const resolved = offered.map((a) => resolveCodeAction(lazy, JSON.parse(JSON.stringify(a)) as CodeAction));
    expect(resolved.map((a) => a.edit)).toEqual(actionsOnLine(eager, TRAIN_LINE).map((a) => a.edit));
    // Resolved after the run is gone from the text: nothing to apply.
    const edited = fixture(text.replace('epochs 40', 'epochs 41')).state;
    expect(resolveCodeAction({ ...edited, client: lazy.client }, offered[0]).edit).toBeUndefined();
  });

  it(`in a client that does not resolve edits, is offered for networks of at most ${EAGER_PARAMETERS} parameters`, () => {
    const wide = (units: number) => `network wide {\n  input 2\n  layer hidden ${units} relu\n  layer second ${units} relu\n  layer output 1 sigmoid\n}\ndata table {\n  0 1 -> 1\n}\ntrain wide on table {\n  epochs 1\n}\n`;
    const parameters = (units: number) => 3 * units + units * (units + 1) + units + 1;
    expect(parameters(138)).toBeLessThanOrEqual(EAGER_PARAMETERS);
    expect(parameters(139)).toBeGreaterThan(EAGER_PARAMETERS);
    expect(actionsOnLine(trained(wide(138), 1), 9)).toHaveLength(2);
    const large = trained(wide(139), 1);
    expect(actionsOnLine(large, 9)).toEqual([]);
    expect(actionsOnLine({ ...large, client: { ...large.client, resolveEdits: true } }, 9)).toHaveLength(2);
  });

  it('is not offered for a run that diverged', () => {
    const state = trained('network n {\n  input 1\n  layer 1 linear\n}\ndata big {\n  1000 -> 1\n  3000 -> 2\n}\ntrain n on big {\n  optimizer sgd rate 100\n  epochs 50\n}\n');
    expect(runStateOf(state, state.check.runs[0])!.outcome!.result!.stopped).toBe('diverged');
    expect(actionsOnLine(state, 8)).toEqual([]);
  });
});
