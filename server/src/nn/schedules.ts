// Learning-rate schedules (docs/language.md §7.3): the rate of the next epoch from the epoch that ended, as PyTorch 1.13's schedulers compute it when step() is called once per epoch.
//
// Each is written in PyTorch's own recursive ("chainable") form, with its
// arithmetic in the same order, so the rate of every epoch is torch's to the last
// bits that cos may differ in (test/torch/schedules.test.ts holds them to 1e-12):
//   step         StepLR:            η ← η·γ after every N-th epoch
//   exponential  ExponentialLR:     η ← η·γ after every epoch
//   cosine       CosineAnnealingLR: η_e = (1 + cos(π e/T)) / (1 + cos(π (e − 1)/T)) · (η_{e−1} − η_min) + η_min, T = the run's epochs
//   plateau      ReduceLROnPlateau: mode min, threshold 0, cooldown 0, min_lr 0: after more than N epochs in a
//                row whose monitored loss is not below the best so far, η ← η·γ, unless that lowers η by 1e-8 or less

import type { ScheduleSpec } from '../language/model';

/** ReduceLROnPlateau's eps: a reduction of the rate by this much or less is skipped. */
export const PLATEAU_EPSILON = 1e-8;

export interface RateSchedule {
  /**
   * After epoch `epoch` (1-based), trained at `rate`, whose monitored loss (docs/language.md §7.4) was
   * `monitored`: the rate of the next epoch.
   */
  next(epoch: number, rate: number, monitored: number): number;
}

/** The schedule of a run whose optimizer starts at `baseRate` and that makes at most `epochs` epochs. */
export function rateSchedule(spec: ScheduleSpec, baseRate: number, epochs: number): RateSchedule {
  switch (spec.kind) {
    case 'step':
      return { next: (epoch, rate) => (epoch % spec.every === 0 ? rate * spec.factor : rate) };
    case 'exponential':
      return { next: (_epoch, rate) => rate * spec.factor };
    case 'cosine': {
      const T = epochs;
      const min = spec.min;
      return {
        next(epoch, rate) {
          // Past T the cosine turns back up (SGDR without restarts); a run never gets there, but torch says how.
          if ((((epoch - 1 - T) % (2 * T)) + 2 * T) % (2 * T) === 0) return rate + ((baseRate - min) * (1 - Math.cos(Math.PI / T))) / 2;
          return ((1 + Math.cos((Math.PI * epoch) / T)) / (1 + Math.cos((Math.PI * (epoch - 1)) / T))) * (rate - min) + min;
        },
      };
    }
    case 'plateau': {
      let best = Infinity;
      let badEpochs = 0;
      return {
        next(_epoch, rate, monitored) {
          // is_better in mode min with threshold 0: strictly below the best (NaN never is).
          if (monitored < best) {
            best = monitored;
            badEpochs = 0;
          } else badEpochs++;
          if (badEpochs <= spec.patience) return rate;
          badEpochs = 0;
          const reduced = Math.max(rate * spec.factor, 0);
          return rate - reduced > PLATEAU_EPSILON ? reduced : rate;
        },
      };
    }
  }
}
