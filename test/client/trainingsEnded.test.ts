// When the Test Explorer reports a run the editor trained: its training ended between two nn/runStatus notifications (docs/editor.md "The Test Explorer").
import { describe, expect, it } from 'vitest';
import { trainingsEnded } from '../../client/src/trainingsEnded';
import { runStatus } from '../support/runStatus';

describe('trainingsEnded', () => {
  it('names each run that was queued or training and has ended, at its line now', () => {
    const before = [runStatus({ index: 1, phase: 'running' }), runStatus({ index: 2, line: 20, phase: 'queued' }), runStatus({ index: 3, line: 30, phase: 'running' })];
    const after = [runStatus({ index: 1, line: 11, phase: 'done' }), runStatus({ index: 2, line: 21, phase: 'diverged' }), runStatus({ index: 3, line: 31, phase: 'running' })];
    expect(trainingsEnded(before, after).map((r) => r.line)).toEqual([11, 21]);
  });

  it('names a failed run and one stopped in the editor (its test says it was not graded)', () => {
    const before = [runStatus({ index: 1, phase: 'running' }), runStatus({ index: 2, line: 20, phase: 'running' })];
    const after = [runStatus({ index: 1, phase: 'failed' }), runStatus({ index: 2, line: 20, phase: 'cancelled' })];
    expect(trainingsEnded(before, after).map((r) => r.line)).toEqual([10, 20]);
  });

  it('names no run whose result was there already: a document opened with results, a Step, a run still training', () => {
    expect(trainingsEnded([], [runStatus({ phase: 'done' })])).toEqual([]);
    expect(trainingsEnded([runStatus({ phase: 'done' })], [runStatus({ phase: 'done', seconds: 1 })])).toEqual([]);
    expect(trainingsEnded([runStatus({ phase: 'done' })], [runStatus({ phase: 'stepped', step: 1 })])).toEqual([]);
    expect(trainingsEnded([runStatus({ phase: 'queued' })], [runStatus({ phase: 'running' })])).toEqual([]);
  });
});
