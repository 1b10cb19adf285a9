// The end of an epoch: what the trainer does once an epoch's numbers are recorded (the rules that end a run there, the schedule that changes the rate, patience that keeps the best weights), written once for every path.
//
// After every epoch (its loss, accuracy and validation numbers in the history)
// the trainer runs these hooks in order; the first that names a reason ends the
// run. A setting that acts between epochs (a schedule that changes the rate, a
// rule on the validation loss, patience) is a hook here, written once. A batch
// runner (fastPath.ts) runs many epochs in one call and applies, inside it, only
// the hooks it lists in `appliesHooks`: for a run with any other hook the trainer
// gives it one epoch per call, so the hook runs here between calls, with the
// same numbers (test/engine/paths.test.ts).

import type { TrainSettings } from '../language/model';
import type { HistoryBuilder } from './history';
import { rateSchedule } from './schedules';
import type { StopReason } from './types';

/** What a hook sees: the epoch just finished (1-based), every epoch's numbers so far (entry epoch − 1 is this one's), and what it may change. */
export interface EpochEndContext {
  epoch: number;
  history: HistoryBuilder;
  run: EpochEndActions;
}

/** What the end of an epoch may change in a run (the Trainer implements it). */
export interface EpochEndActions {
  /** The learning rate of the epoch that ended; setRate makes another the next epoch's. */
  readonly rate: number;
  setRate(rate: number): void;
  /** Copies the weights as they are now as the best so far, those of epoch `epoch` (patience restores them at the end). */
  keepWeights(epoch: number): void;
}

export interface EpochHook {
  /** The hook's name, as a batch runner lists the hooks it applies itself (BatchRunner.appliesHooks). */
  readonly name: string;
  /** Runs after the epoch's numbers are recorded; a reason ends the run after this epoch. */
  afterEpoch(context: EpochEndContext): StopReason | null;
}

/** The names of the hooks, as a batch runner lists those it applies. */
export const STOP_WHEN_LOSS_BELOW = 'stop when loss <';
export const STOP_WHEN_VALIDATION_LOSS_BELOW = 'stop when validation loss <';
export const SCHEDULE = 'schedule';
export const PATIENCE = 'patience';

/** `stop when loss < T` (docs/language.md §4.13): the epoch's mean training loss under T ends the run. */
export function stopWhenLossBelow(target: number): EpochHook {
  return {
    name: STOP_WHEN_LOSS_BELOW,
    afterEpoch: ({ epoch, history }) => (history.lossAt(epoch - 1) < target ? 'target' : null),
  };
}

/** `stop when validation loss < T` (docs/language.md §7.4): the epoch's validation loss under T ends the run. */
export function stopWhenValidationLossBelow(target: number): EpochHook {
  return {
    name: STOP_WHEN_VALIDATION_LOSS_BELOW,
    afterEpoch: ({ epoch, history }) => (history.validationLossAt(epoch - 1) < target ? 'target' : null),
  };
}

/**
 * The loss that `patience` and `schedule plateau` watch (docs/language.md §7.4): the epoch's
 * validation loss when the run holds rows out, else its training loss.
 */
export function monitoredLoss(history: HistoryBuilder, epoch: number, validation: boolean): number {
  return validation ? history.validationLossAt(epoch - 1) : history.lossAt(epoch - 1);
}

/** `schedule …` (docs/language.md §7.3): the next epoch's rate from the one that ended. */
export function scheduleHook(settings: TrainSettings, validation: boolean): EpochHook | null {
  if (!settings.schedule) return null;
  const schedule = rateSchedule(settings.schedule, settings.optimizer.rate, settings.epochs);
  return {
    name: SCHEDULE,
    afterEpoch({ epoch, history, run }) {
      const next = schedule.next(epoch, run.rate, monitoredLoss(history, epoch, validation));
      if (next !== run.rate) run.setRate(next);
      return null;
    },
  };
}

/**
 * `patience N` (docs/language.md §7.4): keeps the weights of every epoch whose monitored loss is
 * strictly below the best so far, and ends the run after N epochs in a row without one.
 */
export function patienceHook(patience: number, validation: boolean): EpochHook {
  let best = Infinity;
  let bestEpoch = 0;
  return {
    name: PATIENCE,
    afterEpoch({ epoch, history, run }) {
      const monitored = monitoredLoss(history, epoch, validation);
      if (monitored < best) {
        best = monitored;
        bestEpoch = epoch;
        run.keepWeights(epoch);
        return null;
      }
      return epoch - bestEpoch >= patience ? 'patience' : null;
    },
  };
}

/**
 * The hooks a run's settings ask for, in the order they run: the stop rules first (a run that
 * meets its target ends there), then patience, then the schedule (which only matters when the
 * run goes on). `validation`: whether the run holds rows out.
 */
export function epochHooks(settings: TrainSettings, validation: boolean): EpochHook[] {
  const hooks: EpochHook[] = [];
  if (settings.stopLoss !== null) hooks.push(stopWhenLossBelow(settings.stopLoss));
  if (settings.stopValidationLoss != null) hooks.push(stopWhenValidationLossBelow(settings.stopValidationLoss));
  if (settings.patience != null) hooks.push(patienceHook(settings.patience, validation));
  const schedule = scheduleHook(settings, validation);
  if (schedule) hooks.push(schedule);
  return hooks;
}
