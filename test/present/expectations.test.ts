// Grading and wording expectations (docs/language.md §7.5, docs/editor.md "Expectations"): the verdict of each kind of run end, measures that never read as their bound, the lens's count.

import { describe, expect, it } from 'vitest';
import type { Expectation } from '../../server/src/language/model';
import type { TrainResult } from '../../server/src/nn/types';
import { formatMeasure, gradeExpectations, hintText, tallyText, verdictLine, verdictMessage } from '../../server/src/present/expectations';

const at = { start: 0, end: 0 };
const accuracyAbove95: Expectation = { metric: 'accuracy', op: '>', value: 0.95, written: '95%', span: at };
const lossBelow: Expectation = { metric: 'validation loss', op: '<', value: 0.01, written: '0.01', span: at };

function result(stopped: TrainResult['stopped'], final: TrainResult['final'], epochs = 40): TrainResult {
  return {
    stopped, epochs, loss: 0.1, accuracy: 0.5, validationLoss: null, validationAccuracy: null, finalLoss: final?.loss ?? null, final,
    history: { epoch: new Float64Array(0), loss: new Float64Array(0), accuracy: null, validationLoss: null, validationAccuracy: null },
    layers: [], normalization: null, trainRows: 4, validationRows: 0,
  } as unknown as TrainResult;
}
const scores = (accuracy: number, validationLoss: number) => ({ loss: 0.2, accuracy, validationLoss, validationAccuracy: null });

describe('grading', () => {
  it('grades on the final weights, strictly: a measure equal to its bound does not hold', () => {
    const graded = gradeExpectations([accuracyAbove95, lossBelow], { result: result('epochs', scores(0.95, 0.0099)) });
    expect(graded.map((g) => [g.verdict, g.measured])).toEqual([['failed', 0.95], ['met', 0.0099]]);
    // The last epoch's accuracy (0.5 here) is not what is graded.
    expect(gradeExpectations([accuracyAbove95], { result: result('target', scores(0.975, 0)) })[0].verdict).toBe('met');
  });

  it('fails every expectation of a diverged or failed run, and says why', () => {
    const diverged = gradeExpectations([accuracyAbove95, lossBelow], { result: result('diverged', null, 37) });
    expect(diverged.map((g) => [g.verdict, g.measured, g.note])).toEqual([
      ['failed', null, 'the run diverged at epoch 37'],
      ['failed', null, 'the run diverged at epoch 37'],
    ]);
    expect(verdictMessage(diverged[0])).toBe('expectation not met: the run diverged at epoch 37, so there is no accuracy to compare with 95%');
    const failed = gradeExpectations([lossBelow], { failure: 'the training worker crashed' });
    expect(verdictLine(failed[0])).toBe('FAIL: expect validation loss < 0.01 (training failed: the training worker crashed)');
  });

  it('does not grade a run stopped before its end, and grades one stopped by the time limit, saying so', () => {
    const stopped = gradeExpectations([accuracyAbove95], { result: result('cancelled', scores(1, 0), 12) });
    expect(stopped[0]).toMatchObject({ verdict: 'not-graded', measured: null });
    expect(hintText(stopped[0])).toBe('not graded: the run was stopped');
    expect(tallyText(stopped)).toBe('expectation not graded (stopped)');
    const timed = gradeExpectations([accuracyAbove95], { result: result('time', scores(0.97, 0), 400) });
    expect(verdictMessage(timed[0])).toBe('expectation met: accuracy is 97%, above 95% (the run stopped at the time limit, at epoch 400)');
  });
});

describe('wording', () => {
  it('writes a measure with the digits that keep it on its side of the bound', () => {
    expect(formatMeasure(accuracyAbove95, 0.9496)).toBe('94.96%');
    expect(formatMeasure(accuracyAbove95, 0.95)).toBe('95%');
    expect(formatMeasure(accuracyAbove95, 0.973)).toBe('97.3%');
    expect(formatMeasure(accuracyAbove95, 2 / 3)).toBe('66.7%');
    expect(formatMeasure(lossBelow, 0.0099996)).toBe('0.0099996');
    expect(formatMeasure(lossBelow, 0.00412)).toBe('0.00412');
  });

  it('says each verdict as the hint, the diagnostic, the command line and the lens say it', () => {
    const graded = gradeExpectations([accuracyAbove95, lossBelow], { result: result('epochs', scores(0.912, 0.004)) });
    expect(graded.map(hintText)).toEqual(['✗ measured 91.2%', '✓ measured 0.004']);
    expect(graded.map(verdictMessage)).toEqual(['expectation not met: accuracy is 91.2%, not above 95%', 'expectation met: validation loss is 0.004, below 0.01']);
    expect(graded.map(verdictLine)).toEqual(['FAIL: expect accuracy > 95% (measured 91.2%)', 'pass: expect validation loss < 0.01 (measured 0.004)']);
    expect(tallyText(graded)).toBe('1 of 2 expectations met');
    expect(tallyText(graded.slice(1))).toBe('1 of 1 expectation met');
  });
});
