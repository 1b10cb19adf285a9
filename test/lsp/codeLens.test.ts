// The CodeLens row of a `train` block in each state a run can be in, word for word (docs/editor.md "CodeLens").
import { describe, expect, it } from 'vitest';
import type { CodeLens, Range } from 'vscode-languageserver';
import { check } from '../../server/src/language';
import { codeLenses, lazyLensData, lazyLenses, resolveLens } from '../../server/src/lsp/codeLens';
import { diagnostics, UNTRUSTED_MESSAGE } from '../../server/src/lsp/diagnostics';
import type { DocumentState } from '../../server/src/lsp/state';
import type { GradedExpectation } from '../../server/src/present/expectations';
import type { LiveJob } from '../../server/src/training/actor';
import type { RunOutcome } from '../../server/src/training/outcome';
import { LiveSnapshots } from '../../server/src/present/snapshots';
import { XOR_NETWORK, XOR_TABLE } from '../support/specs';
import { fixture, trainAll, URI, withOutcomes, withParts } from './harness';

const XOR = `${XOR_NETWORK}
${XOR_TABLE}
train xor on xor_table {
  optimizer sgd rate 0.5
  epochs 40
  seed 1
}
`;

const titles = (state: DocumentState): string[] => codeLenses(state).map((l) => l.command!.title);
const lines = (state: DocumentState): number[] => codeLenses(state).map((l) => l.range.start.line);

/** The fixture's one run trained, with its result changed by `change` (how it stopped). */
function trained(spec: string, change: (outcome: RunOutcome) => RunOutcome = (o) => o): DocumentState {
  const { state } = fixture(spec);
  const { outcomes } = trainAll(state);
  return withOutcomes(state, new Map([...outcomes].map(([key, outcome]) => [key, change(outcome)])));
}

/** The fixture's one run stepped `steps` times from the initial weights (0: just Reset), or from its trained weights. */
function stepped(steps: number, from: 'initial' | 'trained'): DocumentState {
  const { state } = fixture(XOR);
  const base = trainAll(state, from === 'trained' ? {} : { steps: Math.max(steps, 1) }).outcomes;
  const stepOutcomes = trainAll(state, { steps: Math.max(steps, 1) }).outcomes;
  const outcomes = new Map<string, RunOutcome>();
  for (const [key, outcome] of stepOutcomes) {
    const position = { ...outcome.position!, steps, from, epoch: steps === 0 ? 0 : outcome.position!.epoch };
    outcomes.set(key, { ...outcome, result: from === 'trained' ? base.get(key)!.result : null, position });
  }
  return withOutcomes(state, outcomes);
}

/** A job of the host: a training queued or under way (Stop asked or not), or a Step or Reset on its way. */
function job(kind: LiveJob['kind'], options: { started?: boolean; stopping?: boolean; epoch?: number } = {}): LiveJob {
  const epoch = options.epoch ?? 12;
  return {
    kind,
    version: 1,
    handle: null,
    started: options.started ?? true,
    progress: kind === 'train' ? { epoch, epochs: 40, loss: 0.25, validationLoss: null, accuracy: null, seconds: 0.5 } : null,
    curve: [],
    snapshots: new LiveSnapshots({ maxSnapshots: 40, maxValues: 1_000_000 }),
    frame: null,
    weights: null,
    stopping: options.stopping ?? false,
  };
}

function withJob(state: DocumentState, live: LiveJob | null, failure: string | null = null, outcome: RunOutcome | null = null): DocumentState {
  return withParts(state, () => ({ live, cached: outcome ? { outcome, record: null } : null, failure, estimate: 0.01 }));
}

const graded = (...verdicts: GradedExpectation['verdict'][]): GradedExpectation[] =>
  verdicts.map((verdict) => ({ expectation: {} as GradedExpectation['expectation'], verdict, measured: null, note: null }));

describe('the lens row of a train block', () => {
  it('before training: Train, Step and the estimate', () => {
    expect(titles(fixture(XOR).state)).toEqual(['$(play) Train', '$(debug-step-over) Step', 'est. 0.01 s']);
  });

  it('queued: Stop, and that it waits for a worker', () => {
    const state = withJob(fixture(XOR).state, job('train', { started: false }));
    expect(titles(state)).toEqual(['$(debug-stop) Stop', 'waiting for a free training worker']);
    expect(codeLenses(state)[0].command).toMatchObject({ command: 'nn.stopTraining', arguments: [URI, 13] });
  });

  it('training: Stop and the progress; once Stop is asked, a spinning "Stopping" in its place', () => {
    const running = withJob(fixture(XOR).state, job('train'));
    expect(titles(running)).toEqual(['$(debug-stop) Stop', 'epoch 12/40 · loss 0.25 · 0.5 s']);
    const stopping = withJob(fixture(XOR).state, job('train', { stopping: true }));
    expect(titles(stopping)).toEqual(['$(loading~spin) Stopping', 'stopping at epoch 12/40 · loss 0.25']);
    // The spinner only says something: it runs no command.
    expect(codeLenses(stopping)[0].command!.command).toBe('');
  });

  it('while a Step or a Reset is on its way: the words say so', () => {
    const { state } = fixture(XOR);
    const outcome = trainAll(state).outcomes.get(state.check.runs[0].key)!;
    expect(titles(withJob(state, job('step'), null, outcome)).at(-1)).toBe('stepping…');
    expect(titles(withJob(state, job('reset'), null, outcome)).at(-1)).toBe('resetting…');
    // The row keeps the run's actions meanwhile.
    expect(titles(withJob(state, job('step'), null, outcome))[0]).toBe('$(play) Retrain');
  });

  it('failed: Retrain and why it failed', () => {
    expect(titles(withJob(fixture(XOR).state, null, 'the worker stopped (out of memory)'))).toEqual([
      '$(play) Retrain',
      'training failed: the worker stopped (out of memory)',
    ]);
  });

  it('diverged: Retrain and Reset, no Step, no Export, and at which epoch the loss blew up', () => {
    const state = trained(XOR, (o) => ({ ...o, result: { ...o.result!, stopped: 'diverged', epochs: 7, history: { ...o.result!.history, loss: Float64Array.of(0.3, Infinity) } } }));
    expect(titles(state)).toEqual(['$(play) Retrain', '$(debug-restart) Reset', 'loss became infinite at epoch 7']);
  });

  it('stopped by the user: Train, Step, Reset, the panel, Export and where it stopped', () => {
    const state = trained(XOR, (o) => ({ ...o, result: { ...o.result!, stopped: 'cancelled', epochs: 9 } }));
    const shown = titles(state);
    expect(shown.slice(0, 5)).toEqual(['$(play) Train', '$(debug-step-over) Step', '$(debug-restart) Reset', '$(graph-line) Show training', '$(export) Export…']);
    expect(shown[5]).toMatch(/^stopped at epoch 9\/40 · loss [\d.]+$/);
    expect(shown).toHaveLength(6);
  });

  it('done: Retrain, Step, Reset, the panel, Export and the loss', () => {
    const shown = titles(trained(XOR));
    expect(shown.slice(0, 5)).toEqual(['$(play) Retrain', '$(debug-step-over) Step', '$(debug-restart) Reset', '$(graph-line) Show training', '$(export) Export…']);
    expect(shown[5]).toMatch(/^loss [\d.]+ after 40 epochs · /);
    expect(shown).toHaveLength(6);
  });

  it('done at the time limit, or with its target missed: no Step (the run did not end where it should)', () => {
    const timed = titles(trained(XOR, (o) => ({ ...o, result: { ...o.result!, stopped: 'time', epochs: 20 } })));
    expect(timed.slice(0, 4)).toEqual(['$(play) Retrain', '$(debug-restart) Reset', '$(graph-line) Show training', '$(export) Export…']);
    expect(timed[4]).toMatch(/^stopped at the time limit \(0\.01 s\), epoch 20\/40 · loss /);
    const target = XOR.replace('seed 1', 'seed 1\n    stop when loss < 0.0000001');
    const missed = titles(trained(target));
    expect(missed.slice(0, 4)).toEqual(['$(play) Retrain', '$(debug-restart) Reset', '$(graph-line) Show training', '$(export) Export…']);
    expect(missed[4]).toMatch(/target 1e-7 not reached/);
  });

  it('stepped: Train, Step, Reset (not right after Reset), the panel and where the weights stand', () => {
    expect(titles(stepped(0, 'initial'))).toEqual([
      '$(play) Train', '$(debug-step-over) Step', '$(graph-line) Show training', expect.stringMatching(/^initial weights \(Reset\) · epoch 0 · loss [\d.]+$/),
    ]);
    expect(titles(stepped(3, 'initial'))).toEqual([
      '$(play) Train', '$(debug-step-over) Step', '$(debug-restart) Reset', '$(graph-line) Show training', expect.stringMatching(/^step 3 from the initial weights · epoch 3 · loss [\d.]+$/),
    ]);
    expect(titles(stepped(2, 'trained'))).toEqual([
      '$(play) Retrain', '$(debug-step-over) Step', '$(debug-restart) Reset', '$(graph-line) Show training', expect.stringMatching(/^step 2 from the trained weights · epoch \d+ · loss [\d.]+$/),
    ]);
  });

  it('in Neovim: plain words, and no panel or export to offer', () => {
    const state = trained(XOR);
    const shown = titles({ ...state, client: { markdown: false, commandLinks: false, icons: false } });
    expect(shown.slice(0, 3)).toEqual(['Retrain', 'Step', 'Reset']);
    expect(shown).toHaveLength(4);
  });

  it('counts the expectations met, with an icon for failed, all met, and some not graded', () => {
    const state = trained(XOR);
    const tally = (...verdicts: GradedExpectation['verdict'][]) => titles({ ...state, graded: [graded(...verdicts)] }).at(-1);
    expect(tally('met', 'met', 'met')).toBe('$(pass) 3 of 3 expectations met');
    expect(tally('met', 'failed', 'met')).toBe('$(error) 2 of 3 expectations met');
    expect(tally('met', 'not-graded')).toBe('$(circle-slash) 1 of 2 expectations met');
    expect(tally('not-graded')).toBe('$(circle-slash) expectation not graded (stopped)');
    // Nothing graded yet (never trained, training): no tally.
    expect(titles({ ...state, graded: [null] })).toHaveLength(6);
  });
});

describe('the lens row when a block cannot train', () => {
  const TWO = `${XOR}
train xor on xor_table {
  epochs 10
}
`;

  it('in Restricted Mode: one lens a block that says why, and one Information diagnostic on each train keyword', () => {
    const { state } = fixture(TWO);
    const untrusted = { ...state, workspaceTrusted: false };
    expect(titles(untrusted)).toEqual(['training is off in Restricted Mode (untrusted workspace)', 'training is off in Restricted Mode (untrusted workspace)']);
    expect(lines(untrusted)).toEqual([13, 19]);
    const said = diagnostics(untrusted).filter((d) => d.message === UNTRUSTED_MESSAGE);
    // One per block, on its `train`, not on the network or the data.
    expect(said.map((d) => [d.range.start.line, d.range.start.character, d.range.end.character, d.severity])).toEqual([[13, 0, 5, 3], [19, 0, 5, 3]]);
    expect(diagnostics(state).some((d) => d.message === UNTRUSTED_MESSAGE)).toBe(false);
  });

  it('with an error anywhere: every block says how many errors to fix, one or several', () => {
    const one = fixture(`${TWO}\nnetwork unused {\n  input 2\n  layer 1 sigmoidd\n}\n`).state;
    expect(one.check.errorCount).toBe(1);
    expect(titles(one)).toEqual(['fix 1 error to train', 'fix 1 error to train']);
    const two = fixture(TWO.replace('epochs 40', 'epochs -4').replace('epochs 10', 'epochs -1')).state;
    expect(two.check.errorCount).toBe(2);
    expect(titles(two)).toEqual(['fix 2 errors to train', 'fix 2 errors to train']);
  });

  it('on data still loading: waits for it by name, while a block on loaded data trains', () => {
    const spec = `${XOR}
    data big = spiral(samples 16000000)
    train xor on big {
      epochs 2
    }
    `;
    const { state } = fixture(spec);
    const loading = check(state.text, {
      ...state.checkOptions!,
      data: {
        csv: () => ({ failed: 'no files here' }),
        generated: () => ({ pending: { activity: 'drawing spiral(samples 16000000)', fraction: 0.25 } }),
      },
    });
    expect(loading.pending.map((p) => p.name)).toEqual(['big']);
    const waiting = withOutcomes({ ...state, check: loading }, new Map());
    expect(titles(waiting)).toEqual([
      '$(play) Train', '$(debug-step-over) Step', 'est. 0.01 s',
      "waiting for data 'big' (drawing spiral(samples 16000000))",
    ]);
    // A block with an error of its own waits for no other data set's load: it has an error to fix.
    const broken = `${spec}\n    train xor on xor_table {\n      epochs -1\n    }\n`;
    const both = check(broken, { ...state.checkOptions!, data: { csv: () => ({ failed: 'no files here' }), generated: () => ({ pending: { activity: 'drawing spiral(samples 16000000)', fraction: null } }) } });
    expect(titles(withOutcomes({ ...fixture(broken).state, check: both }, new Map()))).toEqual([
      'fix 1 error to train', "waiting for data 'big' (drawing spiral(samples 16000000))", 'fix 1 error to train',
    ]);
  });
});

describe('lazy lenses of a file with several runs', () => {
  const TWO = `${XOR}
train xor on xor_table {
  epochs 10
}
`;

  it('resolve each lens from its own row', () => {
    const state = trained(TWO);
    const lazy = lazyLenses(URI, 1, codeLenses(state));
    const resolved = lazy.map((lens) => resolveLens(state, lens as CodeLens & { range: Range }, lazyLensData(lens)!).command!.title);
    expect(resolved).toEqual(titles(state));
    expect(new Set(lazy.map((l) => l.range.start.line))).toEqual(new Set([13, 19]));
  });

  it('resolve a row of the same length to the state now: the progress moves', () => {
    const sent = withJob(fixture(XOR).state, job('train', { epoch: 3 }));
    const now = withJob(fixture(XOR).state, job('train', { epoch: 17 }));
    const lazy = lazyLenses(URI, 1, codeLenses(sent));
    expect(lazy.map((lens) => resolveLens(now, lens as CodeLens & { range: Range }, lazyLensData(lens)!).command!.title)).toEqual([
      '$(debug-stop) Stop', 'epoch 17/40 · loss 0.25 · 0.5 s',
    ]);
  });

  it('show the new row at once when a block whose one lens said to fix errors now trains and is stopping', () => {
    const sent = fixture(XOR.replace('epochs 40', 'epochs -1')).state;
    expect(titles(sent)).toEqual(['fix 1 error to train']);
    const now = withJob(fixture(XOR).state, job('train', { stopping: true }));
    const [lens] = lazyLenses(URI, 1, codeLenses(sent));
    expect(resolveLens(now, lens as CodeLens & { range: Range }, lazyLensData(lens)!).command!.title).toBe('$(loading~spin) Stopping');
  });

  it('are ours only with every field of the right type; anything else any client sends is not', () => {
    const { state } = fixture(XOR);
    const [lens] = lazyLenses(URI, 1, codeLenses(state));
    const data = lazyLensData(lens)!;
    const range = lens.range;
    expect(lazyLensData(lens)).toEqual({ uri: URI, answer: 1, slot: 0, row: 3, command: codeLenses(state)[0].command });
    const broken: unknown[] = [
      null, 'text', {},
      { ...data, uri: 3 }, { ...data, answer: '1' }, { ...data, slot: null }, { ...data, row: '3' },
      { ...data, command: null }, { ...data, command: 'nn.train' }, { ...data, command: { command: 'nn.train' } }, { ...data, command: { title: 'Train', command: 1 } },
    ];
    for (const junk of broken) expect(lazyLensData({ range, data: junk } as CodeLens)).toBeNull();
    expect(lazyLensData(null)).toBeNull();
  });
});
