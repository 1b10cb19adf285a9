// When the Test Explorer reports a run the editor trained: it has a new result between two nn/runStatus notifications (docs/editor.md "The Test Explorer").
import { describe, expect, it } from 'vitest';
import { newResults } from '../../client/src/newResults';
import { runStatus } from '../support/runStatus';

const trained = { phase: 'done', seconds: 0.004, epoch: 300, loss: 0.123 } as const;

describe('newResults', () => {
  it('names each run whose training ended, at its line now', () => {
    const before = [runStatus({ index: 1, phase: 'running' }), runStatus({ index: 2, line: 20, phase: 'queued' }), runStatus({ index: 3, line: 30, phase: 'running' })];
    const after = [runStatus({ index: 1, line: 11, ...trained }), runStatus({ index: 2, line: 21, phase: 'diverged', epoch: 3 }), runStatus({ index: 3, line: 31, phase: 'running' })];
    expect(newResults(before, after).map((r) => r.line)).toEqual([11, 21]);
  });

  it('names a run whose whole training fell between two notifications: idle, or an older result, then a new one', () => {
    expect(newResults([runStatus({ phase: 'idle' })], [runStatus(trained)])).toHaveLength(1);
    expect(newResults([runStatus(trained)], [runStatus({ ...trained, seconds: 0.005, loss: 0.0154 })])).toHaveLength(1);
  });

  it('names a failed run and one stopped in the editor (its test says it was not graded)', () => {
    const before = [runStatus({ index: 1, phase: 'running' }), runStatus({ index: 2, line: 20, phase: 'running' })];
    const after = [runStatus({ index: 1, phase: 'failed' }), runStatus({ index: 2, line: 20, phase: 'cancelled', epoch: 12 })];
    expect(newResults(before, after).map((r) => r.line)).toEqual([10, 20]);
  });

  it('names no run whose result is not new: a document just opened, lines moved, a Step, a run still training', () => {
    expect(newResults([], [runStatus(trained)])).toEqual([]);
    expect(newResults([runStatus(trained)], [runStatus({ ...trained, line: 14 })])).toEqual([]);
    expect(newResults([runStatus(trained)], [runStatus({ ...trained, phase: 'stepped', step: 1, epoch: 301 })])).toEqual([]);
    expect(newResults([runStatus({ phase: 'queued' })], [runStatus({ phase: 'running', epoch: 5 })])).toEqual([]);
  });
});
