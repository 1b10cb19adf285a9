// A run's expectations graded on its final weights, and how the editor, the command line and the Test Explorer say each result (docs/language.md §7 "Expectations").
//
// One function grades (gradeExpectations) and the words come from the graded list, so
// the diagnostics, the inlay hints, the lens, `nn test` and the Test Explorer never
// disagree about a run: they are all drawn from the same result.

import type { ExpectMetric, Expectation } from '../language/model';
import type { Problem } from '../language/problems';
import type { SpecFile, TrainDecl } from '../language/syntax';
import type { RunState } from '../training/runState';
import type { FinalScores, TrainResult } from '../nn/types';
import { formatLossAgainst } from './summary';

/** `met` and `failed` are grades; a run stopped before its end is `not-graded` (its weights are not the run's final ones). */
export type Verdict = 'met' | 'failed' | 'not-graded';

export interface GradedExpectation {
  expectation: Expectation;
  verdict: Verdict;
  /** The measure of the final weights (an accuracy as a share from 0 to 1); null when there is none. */
  measured: number | null;
  /**
   * What the grade rests on besides the measure, in words: why there is no measure (`the run
   * diverged at epoch 37`, `training failed: …`, `the run was stopped at epoch 12 before it ended`),
   * or that the weights are the ones the time limit left (`the run stopped at the time limit, at epoch 400`).
   */
  note: string | null;
}

/** How a run ended, as far as its expectations are concerned: its result, or the failure that left it none. */
export type RunEnd = { result: TrainResult } | { failure: string };

const SCORE_OF: Record<ExpectMetric, keyof FinalScores> = {
  loss: 'loss',
  accuracy: 'accuracy',
  'validation loss': 'validationLoss',
  'validation accuracy': 'validationAccuracy',
};

/**
 * Grades each expectation on the run's final weights (TrainResult.final). A run that diverged or
 * failed fails every expectation; a run stopped before its end (Stop, Ctrl+C) grades none. A run
 * stopped by the time limit is graded on the weights it reached.
 */
export function gradeExpectations(expectations: readonly Expectation[], end: RunEnd): GradedExpectation[] {
  return expectations.map((expectation) => grade(expectation, end));
}

function grade(expectation: Expectation, end: RunEnd): GradedExpectation {
  if ('failure' in end) return { expectation, verdict: 'failed', measured: null, note: `training failed: ${end.failure}` };
  const result = end.result;
  switch (result.stopped) {
    case 'cancelled':
      return { expectation, verdict: 'not-graded', measured: null, note: `the run was stopped at epoch ${result.epochs} before it ended` };
    case 'diverged':
      return { expectation, verdict: 'failed', measured: null, note: `the run diverged at epoch ${result.epochs}` };
  }
  const measured = result.final?.[SCORE_OF[expectation.metric]] ?? null;
  const note = result.stopped === 'time' ? `the run stopped at the time limit, at epoch ${result.epochs}` : null;
  if (measured === null) return { expectation, verdict: 'failed', measured: null, note: note ?? `the final weights give no ${expectation.metric}` };
  const met = expectation.op === '<' ? measured < expectation.value : measured > expectation.value;
  return { expectation, verdict: met ? 'met' : 'failed', measured, note };
}

/** The statement in a canonical form: `expect validation accuracy > 95%`. */
export function expectationText(expectation: Expectation): string {
  return `expect ${expectation.metric} ${expectation.op} ${expectation.written}`;
}

/**
 * A measure as the views write it, with enough digits that it never reads as its bound or on
 * the bound's other side (94.96% against `> 95%` is `94.96%`, not `95%`): 97.3%, 0.00412.
 */
export function formatMeasure(expectation: Expectation, measured: number): string {
  if (!expectation.metric.endsWith('accuracy')) return formatLossAgainst(measured, expectation.value);
  const percent = measured * 100;
  const bound = expectation.value * 100;
  for (let digits = 3; digits <= 12; digits++) {
    const shown = Number(percent.toPrecision(digits));
    if (percent === bound ? shown === bound : (percent < bound) === (shown < bound) && shown !== bound) return `${shown}%`;
  }
  return `${percent}%`;
}

/** `above` for `>`, `below` for `<`. */
function side(expectation: Expectation): string {
  return expectation.op === '>' ? 'above' : 'below';
}

/** The inlay hint after an expectation that was met or not graded: `✓ measured 97.3%`. */
export function hintText(graded: GradedExpectation): string {
  if (graded.verdict === 'not-graded') return 'not graded: the run was stopped';
  const measured = graded.measured === null ? 'not measured' : `measured ${formatMeasure(graded.expectation, graded.measured)}`;
  return graded.verdict === 'met' ? `✓ ${measured}` : `✗ ${measured}`;
}

/**
 * The diagnostic of a graded expectation (an Error when it failed, naming the measure; otherwise
 * Information for clients without inlay hints):
 * `expectation not met: accuracy is 91.2%, not above 95%`.
 */
export function verdictMessage(graded: GradedExpectation): string {
  const { expectation, measured, note } = graded;
  if (graded.verdict === 'not-graded') return `not graded: ${note ?? 'the run did not end'}; train the run to its end to grade ${expectationText(expectation)}`;
  const suffix = note !== null && measured !== null ? ` (${note})` : '';
  if (measured === null) return `expectation not met: ${note ?? 'nothing was measured'}, so there is no ${expectation.metric} to compare with ${expectation.written}`;
  const value = formatMeasure(expectation, measured);
  if (graded.verdict === 'met') return `expectation met: ${expectation.metric} is ${value}, ${side(expectation)} ${expectation.written}${suffix}`;
  return `expectation not met: ${expectation.metric} is ${value}, not ${side(expectation)} ${expectation.written}${suffix}`;
}

/** What was found, in brief: `measured 93.3%`, `the run diverged at epoch 37`, `measured 80%; the run stopped at the time limit, at epoch 400`. */
export function verdictDetails(graded: GradedExpectation): string {
  const parts: string[] = [];
  if (graded.measured !== null) parts.push(`measured ${formatMeasure(graded.expectation, graded.measured)}`);
  if (graded.note !== null) parts.push(graded.note);
  return parts.join('; ');
}

/** The command line's word for a verdict and what follows it: `pass: expect accuracy > 95% (measured 100%)`. */
export function verdictLine(graded: GradedExpectation): string {
  const word = graded.verdict === 'met' ? 'pass' : graded.verdict === 'failed' ? 'FAIL' : 'not graded';
  const details = verdictDetails(graded);
  return `${word}: ${expectationText(graded.expectation)}${details !== '' ? ` (${details})` : ''}`;
}

/** The lens's count: `2 of 3 expectations met`; for a run stopped before its end, `expectations not graded`. */
export function tallyText(graded: readonly GradedExpectation[]): string {
  const total = graded.length;
  if (total > 0 && graded.every((g) => g.verdict === 'not-graded')) return `${total === 1 ? 'expectation' : 'expectations'} not graded (stopped)`;
  const met = graded.filter((g) => g.verdict === 'met').length;
  return `${met} of ${total} ${total === 1 ? 'expectation' : 'expectations'} met`;
}

/**
 * Each `train` block's name as a test, from the syntax tree (blocks with errors included): `xor on
 * xor_table`, and `xor on xor_table (2)` for a second block of the same names. The Test Explorer's
 * items and `nn test --junit`'s test cases are named so: the name stays while lines move.
 */
export function testNames(file: SpecFile): Map<TrainDecl, string> {
  const names = new Map<TrainDecl, string>();
  const seen = new Map<string, number>();
  for (const decl of file.declarations) {
    if (decl.kind !== 'train') continue;
    const base = `${decl.network?.text ?? '?'} on ${decl.data?.text ?? '?'}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    names.set(decl, count === 1 ? base : `${base} (${count})`);
  }
  return names;
}

/**
 * How a run ended, from its one state (training/runState.ts), for grading: its failure, or the
 * result of the training its weights are at; null while there is nothing to grade: never
 * trained, training, or moved by Step or Reset since (the weights it stands at are no longer
 * the training's final ones, docs/language.md §7.5).
 */
export function runEnd(state: Pick<RunState, 'phase' | 'outcome' | 'failure'>): RunEnd | null {
  switch (state.phase) {
    case 'failed':
      return { failure: state.failure ?? 'unknown error' };
    case 'done':
    case 'diverged':
    case 'cancelled': {
      const result = state.outcome?.result;
      return result ? { result } : null;
    }
    default:
      return null;
  }
}

/**
 * A run's graded expectations as problems on their `expect` lines: an Error for each that failed,
 * naming the measure; with `passes`, Information for each met or not graded too (for clients
 * that show no inlay hints, where those results are hints otherwise).
 */
export function expectationProblems(graded: readonly GradedExpectation[], passes: boolean): Problem[] {
  const problems: Problem[] = [];
  for (const g of graded) {
    const span = g.expectation.span;
    if (g.verdict === 'failed') problems.push({ span, severity: 'error', code: 'expectation-failed', message: verdictMessage(g) });
    else if (passes) problems.push({ span, severity: 'info', code: g.verdict === 'met' ? 'expectation-met' : 'expectation-not-graded', message: verdictMessage(g) });
  }
  return problems;
}
