// The hover on a layer, part by part, in each state of its runs (docs/editor.md "Hover"): what a learner reads beside
// `layer`, W and b with their labels, δ and its formula, the norm, where the numbers come from, and the links.
import { describe, expect, it } from 'vitest';
import type { ClientFeatures } from '../../server/src/lsp/state';
import { Trainer } from '../../server/src/nn/trainer';
import { xorTanh } from '../support/specs';
import { at, fixture, hoverValue, liveJob, trainAll, trainedFixture, URI, withOutcomes, withParts } from './harness';
import type { Fixture } from './harness';

const text = (fx: Fixture, client?: ClientFeatures): string => hoverValue(fx, client)!;

const PLAIN: ClientFeatures = { markdown: false, commandLinks: false, icons: false };
const LINK = (command: string, line: number) => `(command:${command}?${encodeURIComponent(JSON.stringify([URI, line]))})`;

const XOR = xorTanh('  optimizer sgd rate 0.5\n  epochs 40\n');
const HEADER = '**layer hidden** — dense 2 → 3, tanh · 9 parameters';
const FORWARD = '```text\nz⁽¹⁾ = W⁽¹⁾x + b⁽¹⁾,  h = tanh(z⁽¹⁾)\n```';
const COLUMNS = '```text\n         x₁       x₂        b\n';

describe('the hover on a layer, part by part', () => {
  it('of a network no run uses: its shape, its formula, what W and b will be, and why there are no numbers', () => {
    const alone = XOR.slice(0, XOR.indexOf('data xor_table'));
    expect(text(fixture(at(alone, 'layer hid')))).toBe(
      [HEADER, FORWARD, 'W⁽¹⁾ is 3 × 2, b⁽¹⁾ has 3; init xavier.', "No `train` block uses network 'xor' yet."].join('\n\n'),
    );
  });

  it('of a network with errors: the layer as written, a layer without a name too', () => {
    expect(text(fixture(at('network n {\n  input 2\n  layer 3 tanhh\n}\n', 'layer 3')))).toBe("**layer** 3 tanhh\n\nFix the errors in network 'n' to see its shape and weights.");
  });

  it('before training: δ, W and b to come, and Train and Step; while queued, that the weights are on their way', () => {
    const fx = fixture(at(XOR, 'layer hid'));
    expect(text(fx)).toBe(
      [
        HEADER, FORWARD, '```text\nδ⁽¹⁾ = (W⁽²⁾ᵀ δ⁽²⁾) ⊙ (1 − h²)\n```', 'W⁽¹⁾ is 3 × 2, b⁽¹⁾ has 3; init xavier.',
        `not trained yet — [$(play) Train]${LINK('nn.train', 13)} · [$(debug-step-over) Step]${LINK('nn.step', 13)}`,
      ].join('\n\n'),
    );
    const run = fx.state.check.runs[0];
    const queued = { ...liveJob(new Trainer(run.network, run.data, run.settings), run, 0, NaN), started: false, weights: null, progress: null };
    const waiting = text({ ...fx, state: withParts(fx.state, () => ({ live: queued, cached: null, failure: null, estimate: 1 })) });
    expect(waiting.endsWith('\n\ntraining: its first snapshot of the weights is on its way.')).toBe(true);
  });

  it('after training: W and b, δ with its formula and the norm, where they come from, the panel and the gradient check', () => {
    const parts = text(trainedFixture(at(XOR, 'layer hid'))).split('\n\n');
    expect(parts).toHaveLength(5);
    expect(parts.slice(0, 2)).toEqual([HEADER, FORWARD]);
    expect(parts[2].startsWith(COLUMNS)).toBe(true);
    expect(parts[2].split('\n').map((line) => line.split(/\s+/)[0])).toEqual(['```text', '', 'h₁', 'h₂', 'h₃', '```']);
    expect(parts[3]).toMatch(/^```text\nδ⁽¹⁾ of the last update \(batch mean\): \[.*\]\nδ⁽¹⁾ = \(W⁽²⁾ᵀ δ⁽²⁾\) ⊙ \(1 − h²\)\n‖∂L\/∂W⁽¹⁾‖ = [\d.]+ · epoch 40 · rate 0\.5\n```$/);
    expect(parts[4]).toBe(`from train xor on xor_table (line 14) · [$(graph-line) Show training]${LINK('nn.showTraining', 13)} · [$(check) Check gradients]${LINK('nn.checkGradients', 13)}`);
  });

  it('in a client without links, or without markdown: where the numbers come from, no links', () => {
    const fx = trainedFixture(at(XOR, 'layer hid'));
    expect(text(fx, PLAIN).split('\n\n').at(-1)).toBe('from train xor on xor_table (line 14)');
    expect(text(fx, { markdown: true, commandLinks: false, icons: true }).split('\n\n').at(-1)).toBe('from train xor on xor_table (line 14)');
    expect(text(fx, { markdown: false, commandLinks: true, icons: false }).split('\n\n').at(-1)).toBe('from train xor on xor_table (line 14)');
  });

  it('with several runs: each run named with where it stands, no "from" line, and no empty footer without links', () => {
    const two = `${XOR}train xor on xor_table {\n  epochs 5\n}\n`;
    const fx = trainedFixture(at(two, 'layer hid'));
    const runs = text(fx).split('\n\n---\n\n');
    expect(runs).toHaveLength(3);
    expect(runs[0]).toBe(`${HEADER}\n\n${FORWARD}`);
    expect(runs[1]).toMatch(/^\*\*train xor on xor_table \(line 14\)\*\* · epoch 40 · loss [\d.]+\n\n```text\n/);
    expect(runs[2]).toMatch(/^\*\*train xor on xor_table \(line 18\)\*\* · epoch 5 · loss [\d.]+\n\n```text\n/);
    expect(runs[2].endsWith(`\n\n[$(graph-line) Show training]${LINK('nn.showTraining', 17)} · [$(check) Check gradients]${LINK('nn.checkGradients', 17)}`)).toBe(true);
    expect(text(fx)).not.toContain('from train');
    expect(text(fx, PLAIN)).toMatch(/‖∂L\/∂W⁽¹⁾‖ = [\d.]+ · epoch 5 · rate 0\.1$/);
  });

  it('with four runs: all of them; with five: four and "1 more run", in the singular; with seven, "3 more runs"', () => {
    const runs = (n: number) => `${XOR}${'train xor on xor_table {\n  epochs 5\n}\n'.repeat(n - 1)}`;
    expect(text(fixture(at(runs(4), 'layer hid')))).not.toContain('more run');
    const five = text(fixture(at(runs(5), 'layer hid')));
    expect(five.endsWith('\n\n---\n\nand 1 more run of xor')).toBe(true);
    expect(five.split('\n\n---\n\n')).toHaveLength(6);
    expect(text(fixture(at(runs(7), 'layer hid'))).endsWith('\n\n---\n\nand 3 more runs of xor')).toBe(true);
  });

  it('while training: the pulse icon only where the client draws icons', () => {
    const fx = fixture(at(XOR, 'layer hid'));
    const run = fx.state.check.runs[0];
    const trainer = new Trainer(run.network, run.data, run.settings);
    for (let i = 0; i < 3; i++) trainer.step();
    const live = { ...fx, state: withParts(fx.state, () => ({ live: liveJob(trainer, run, 3, 0.25), cached: null, failure: null, estimate: 1 })) };
    expect(text(live).split('\n\n')[2]).toBe("$(pulse) **epoch 3 · loss 0.25 · live**: the training's latest snapshot; hover again for newer weights");
    expect(text(live, { markdown: true, commandLinks: true, icons: false }).split('\n\n')[2]).toBe("**epoch 3 · loss 0.25 · live**: the training's latest snapshot; hover again for newer weights");
  });

  it('after Reset: where the weights stand, Step to make the first update, and a norm of 0; no Reset line after training', () => {
    const fx = fixture(at(XOR, 'layer hid'));
    const outcome = trainAll(fx.state, { steps: 1 }).outcomes.get(fx.state.check.runs[0].key)!;
    const trainer = new Trainer(fx.state.check.runs[0].network, fx.state.check.runs[0].data, fx.state.check.runs[0].settings);
    const reset = { ...outcome, step: null, position: { from: 'initial' as const, steps: 0, epoch: 0, loss: trainer.trainingLoss(), layers: trainer.layers() } };
    const shown = text({ ...fx, state: withOutcomes(fx.state, new Map([[outcome.key, reset]])) });
    expect(shown.split('\n\n')[2]).toMatch(/^\*\*initial weights · epoch 0 · loss [\d.]+\*\* \(Reset\): \$\(debug-step-over\) Step makes the first update from here$/);
    expect(shown).toContain('δ⁽¹⁾: no update yet');
    expect(shown).toContain('‖∂L/∂W⁽¹⁾‖ = 0 · epoch 0 · rate 0.5\n');
    expect(text(trainedFixture(at(XOR, 'layer hid')))).not.toContain('(Reset)');
  });

  it('after a step from the trained weights: from which epoch, and the δ of that update', () => {
    const fx = fixture(at(XOR, 'layer hid'));
    const key = fx.state.check.runs[0].key;
    const trained = trainAll(fx.state).outcomes.get(key)!;
    const stepped = trainAll(fx.state, { steps: 2 }).outcomes.get(key)!;
    const outcome = { ...stepped, result: trained.result, position: { ...stepped.position!, from: 'trained' as const } };
    const shown = text({ ...fx, state: withOutcomes(fx.state, new Map([[key, outcome]])) });
    expect(shown).toMatch(/\*\*step 2 · epoch 2 · loss [\d.]+\*\* — from the weights trained to epoch 40 · batch of 4 · /);
    expect(shown).toMatch(/```text\nδ⁽¹⁾ of this update \(batch mean\): \[.*\]\nδ⁽¹⁾ = \(W⁽²⁾ᵀ δ⁽²⁾\) ⊙ \(1 − h²\)\n```\n\nfrom train xor on xor_table/);
  });

  it('a matrix larger than 8 units or 6 inputs: its corners, and the panel offered as "Show all weights"', () => {
    const wide = (inputs: number, units: number) => {
      const row = Array.from({ length: inputs }, (_, i) => i % 2).join(' ');
      const spec = `network n {\n  input ${inputs}\n  layer hidden ${units} tanh\n  layer 1 sigmoid\n}\ndata d {\n  ${row} -> 1\n}\ntrain n on d {\n  epochs 2\n}\n`;
      return text(trainedFixture(at(spec, 'layer hid')));
    };
    expect(wide(6, 8)).toContain('[$(graph-line) Show training]');
    expect(wide(6, 8)).not.toContain('⋮');
    expect(wide(7, 8)).toContain('[Show all weights]');
    expect(wide(6, 9)).toContain('[Show all weights]');
    expect(wide(6, 9)).toContain('⋮');
  });
});
