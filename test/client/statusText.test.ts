// The status bar text for a document's runs.
import { describe, expect, it } from 'vitest';
import { statusBarContent } from '../../client/src/statusText';
import { runStatus as run } from '../support/runStatus';

describe('statusBarContent', () => {
  it('shows the running run in the words of its position, as in docs/editor.md "Status bar"', () => {
    const content = statusBarContent([run({ phase: 'running', epoch: 1200, loss: 0.02134, position: 'epoch 1200 · loss 0.0213' })]);
    expect(content?.text).toBe('$(pulse) xor: epoch 1200 · loss 0.0213');
  });

  it('prefers a running run over a finished one and counts other active runs', () => {
    const content = statusBarContent([
      run({ phase: 'done', position: 'epoch 3412 · loss 0.00098', network: 'first' }),
      run({ phase: 'running', position: 'epoch 5 · loss 0.3', network: 'second', index: 2, line: 20 }),
      run({ phase: 'queued', position: 'queued', network: 'third', index: 3, line: 30 }),
    ]);
    expect(content?.text).toBe('$(pulse) second: epoch 5 · loss 0.3 (+1)');
    expect(content?.run.line).toBe(20);
  });

  it('shows the result after the run finished', () => {
    expect(statusBarContent([run({ phase: 'done', position: 'epoch 3412 · loss 0.00098' })])?.text).toBe('$(check) xor: epoch 3412 · loss 0.00098');
  });

  it('shows where Step left the weights, before a finished run of the file', () => {
    const content = statusBarContent([
      run({ phase: 'done', position: 'epoch 20 · loss 0.1', network: 'first' }),
      run({ phase: 'stepped', step: 3, stepFrom: 'initial', position: 'step 3 · epoch 3 · loss 0.24', network: 'second', index: 2 }),
    ]);
    expect(content?.text).toBe('$(debug-step-over) second: step 3 · epoch 3 · loss 0.24');
  });

  it('says a run is stopping between Stop and its answer', () => {
    expect(statusBarContent([run({ phase: 'running', stopping: true, position: 'epoch 80 · loss 0.2' })])?.text).toBe('$(pulse) xor: stopping · epoch 80 · loss 0.2');
  });

  it('shows a diverged run with its non-finite loss', () => {
    expect(statusBarContent([run({ phase: 'diverged', position: 'epoch 37 · loss NaN' })])?.text).toBe('$(error) xor: epoch 37 · loss NaN');
  });

  it('names the run in its tooltip as the panel does', () => {
    const content = statusBarContent([run({ phase: 'done', position: 'epoch 3 · loss 0.1', title: 'ring on disc (line 14)', summary: 'loss 0.1 after 3 epochs' })]);
    expect(content?.tooltip).toBe('ring on disc (line 14): loss 0.1 after 3 epochs\nClick to show the training panel.');
  });

  it('stays hidden while nothing has run', () => {
    expect(statusBarContent([run({ phase: 'idle' })])).toBeUndefined();
    expect(statusBarContent([])).toBeUndefined();
  });
});
