// The status bar text for a document's runs.
import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../../server/src/protocol';
import { formatLoss, statusBarContent } from '../../client/src/statusText';

function run(overrides: Partial<RunStatus>): RunStatus {
  return {
    line: 10,
    index: 1,
    network: 'xor',
    data: 'table',
    phase: 'idle',
    epoch: 0,
    epochs: 20000,
    loss: null,
    validationLoss: null,
    accuracy: null,
    seconds: 0,
    summary: '',
    ...overrides,
  };
}

describe('statusBarContent', () => {
  it('shows the running run as in docs/editor.md "Status bar"', () => {
    const content = statusBarContent([run({ phase: 'running', epoch: 1200, loss: 0.02134 })]);
    expect(content?.text).toBe('$(pulse) xor: epoch 1200 · loss 0.02134');
  });

  it('prefers a running run over a finished one and counts other active runs', () => {
    const content = statusBarContent([
      run({ phase: 'done', epoch: 3412, loss: 0.00098, network: 'first' }),
      run({ phase: 'running', epoch: 5, loss: 0.3, network: 'second', index: 2, line: 20 }),
      run({ phase: 'queued', network: 'third', index: 3, line: 30 }),
    ]);
    expect(content?.text).toBe('$(pulse) second: epoch 5 · loss 0.3 (+1)');
    expect(content?.run.line).toBe(20);
  });

  it('shows the result after the run finished', () => {
    expect(statusBarContent([run({ phase: 'done', epoch: 3412, loss: 0.00098 })])?.text).toBe(
      '$(check) xor: epoch 3412 · loss 0.00098',
    );
  });

  it('shows a diverged run with its non-finite loss', () => {
    expect(statusBarContent([run({ phase: 'diverged', epoch: 37, loss: null })])?.text).toBe(
      '$(error) xor: epoch 37 · loss –',
    );
  });

  it('stays hidden while nothing has run', () => {
    expect(statusBarContent([run({ phase: 'idle' })])).toBeUndefined();
    expect(statusBarContent([])).toBeUndefined();
  });
});

describe('formatLoss', () => {
  it.each([
    [0.021344, '0.02134'],
    [0.0009999, '0.0009999'],
    [0.00098, '0.00098'],
    [1.5e-7, '1.50e-7'],
    [12.3456, '12.35'],
    [0, '0'],
    [Number.NaN, 'NaN'],
  ])('%s -> %s', (loss, expected) => {
    expect(formatLoss(loss)).toBe(expected);
  });
});
