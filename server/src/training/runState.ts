// The one state of a run that every view draws from: its phase, live progress, last outcome and the weights it stands at now.
//
// The host keeps a run's parts (the live job, the cached outcome, a failure); `runStateOf`
// turns them into this object, once per event, and the lens, the result diagnostic, the
// hovers, the inlay hints, the status bar and the panel all read it (through RunStatus,
// present/summary.ts). So their epoch, loss and step cannot disagree (docs/editor.md
// "One state, every view"). New per-run facts (a current rate, a penalty, expectations)
// are added here, to ProgressReport or to TrainResult, and reach every view the same way.

import type { GradientCheck } from '../nn/gradientCheck';
import type { HealthMeasure } from '../nn/health';
import type { LayerState, SampleExplanation, StepReport } from '../nn/types';
import type { RunPhase } from '../protocol';
import type { LiveJob } from './actor';
import type { CachedRun } from './cache';
import type { ProgressReport } from './messages';
import type { RunOutcome, StepPosition } from './outcome';

/** The weights a run stands at now, and where they come from. */
export interface RunWeights {
  /**
   * 'live': the latest snapshot of the training in progress; 'trained': the last training's
   * final weights; 'stepped': moved by Step; 'initial': the seed's, after Reset.
   */
  source: 'live' | 'trained' | 'stepped' | 'initial';
  /** The epoch they are at (0: the initial weights). */
  epoch: number;
  /** The loss at that point: the epoch's training loss, or after Step or Reset the loss of these weights on the training part. */
  loss: number | null;
  /** W, b, the last update's δ and gradients of every layer. */
  layers: readonly LayerState[];
  /** Every inline row through these weights; null for CSV and generated data. */
  rows: readonly SampleExplanation[] | null;
  /** The update that led here, after Step. */
  step: StepReport | null;
  /** After Step or Reset: what the steps started from and how many were made. */
  position: StepPosition | null;
  /** Live: the training-health figures of the latest snapshot that was measured (trained ones: outcome.health). */
  health?: HealthMeasure | null;
}

/** Everything the editor shows about one run of a document. */
export interface RunState {
  phase: RunPhase;
  /** Stop was asked and the run has not answered yet. */
  stopping: boolean;
  /** A Step or Reset is on its way (the run keeps its phase and weights until it answers). */
  busy: 'step' | 'reset' | null;
  /** Live progress while training (the latest report). */
  progress: ProgressReport | null;
  /** The last outcome: a training's result, or the weights Step or Reset left (kept while the run trains again). */
  outcome: RunOutcome | null;
  /** The weights the run stands at now, what hovers and ŷ hints show; null before anything trained or stepped. */
  weights: RunWeights | null;
  /** Why the last job failed (crash, error). */
  failure: string | null;
  /** Estimated seconds for the whole run on this machine (every epoch, docs/editor.md "Auto-train and the estimate"). */
  estimate: number;
  /** The last "NN: Check Gradients" of the run, and the weights it checked (docs/editor.md "Checking gradients"). */
  gradientCheck: CheckedGradients | null;
}

/** A gradient check and the weights it was made at. */
export interface CheckedGradients {
  check: GradientCheck;
  epoch: number;
  source: RunWeights['source'];
}

/** The parts the host keeps of a run. */
export interface RunParts {
  live: LiveJob | null;
  cached: CachedRun | null;
  failure: string | null;
  estimate: number;
  gradientCheck?: CheckedGradients | null;
}

/** The run's one state, from the parts the host keeps. */
export function runStateOf({ live, cached, failure, estimate, gradientCheck }: RunParts): RunState {
  const outcome = cached?.outcome ?? null;
  const settled = settledWeights(outcome);
  const training = live?.kind === 'train' ? live : null;
  let phase: RunPhase = 'idle';
  if (training) phase = training.started ? 'running' : 'queued';
  else if (failure) phase = 'failed';
  else if (outcome?.position) phase = 'stepped';
  else if (outcome?.result) {
    const stopped = outcome.result.stopped;
    phase = stopped === 'diverged' ? 'diverged' : stopped === 'cancelled' ? 'cancelled' : 'done';
  }
  // While a training runs, its live snapshot is what the run stands at; a step or reset in
  // progress leaves the settled weights in view until it answers.
  const liveWeights = training?.weights ?? null;
  const weights: RunWeights | null = liveWeights
    ? {
      source: 'live', epoch: liveWeights.epoch, loss: Number.isFinite(liveWeights.loss) ? liveWeights.loss : null, layers: liveWeights.layers,
      rows: liveWeights.rows, step: null, position: null, health: liveWeights.health ?? null,
    }
    : training?.started
      ? null
      : settled;
  return {
    phase,
    stopping: training?.stopping ?? false,
    busy: live && live.kind !== 'train' ? live.kind : null,
    progress: training?.progress ?? null,
    outcome,
    weights,
    failure: phase === 'failed' ? failure : null,
    estimate,
    gradientCheck: gradientCheck ?? null,
  };
}

/** The weights an outcome leaves: stepped or reset ones, else the trained ones. */
function settledWeights(outcome: RunOutcome | null): RunWeights | null {
  if (!outcome) return null;
  const position = outcome.position;
  if (position) {
    return {
      source: position.steps === 0 && position.from === 'initial' ? 'initial' : 'stepped',
      epoch: position.epoch,
      loss: position.loss,
      layers: position.layers,
      rows: outcome.rows,
      step: outcome.step,
      position,
    };
  }
  const result = outcome.result;
  if (!result || result.layers.length === 0) return null;
  return { source: 'trained', epoch: result.epochs, loss: result.loss, layers: result.layers, rows: outcome.rows, step: null, position: null };
}
