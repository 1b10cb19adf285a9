// The end of an epoch: what the trainer does once an epoch's numbers are recorded (the rules that end a run there), written once for every path.
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
import type { StopReason } from './types';

/** What a hook sees: the epoch just finished (1-based) and every epoch's numbers so far (entry epoch − 1 is this one's). */
export interface EpochEndContext {
  epoch: number;
  history: HistoryBuilder;
}

export interface EpochHook {
  /** The hook's name, as a batch runner lists the hooks it applies itself (BatchRunner.appliesHooks). */
  readonly name: string;
  /** Runs after the epoch's numbers are recorded; a reason ends the run after this epoch. */
  afterEpoch(context: EpochEndContext): StopReason | null;
}

/** The name of the stop rule's hook. */
export const STOP_WHEN_LOSS_BELOW = 'stop when loss <';

/** `stop when loss < T` (docs/language.md §4.13): the epoch's mean training loss under T ends the run. */
export function stopWhenLossBelow(target: number): EpochHook {
  return {
    name: STOP_WHEN_LOSS_BELOW,
    afterEpoch: ({ epoch, history }) => (history.lossAt(epoch - 1) < target ? 'target' : null),
  };
}

/** The hooks a run's settings ask for, in the order they run. */
export function epochHooks(settings: TrainSettings): EpochHook[] {
  const hooks: EpochHook[] = [];
  if (settings.stopLoss !== null) hooks.push(stopWhenLossBelow(settings.stopLoss));
  return hooks;
}
