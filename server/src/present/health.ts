// Training health in the editor's words: which snapshots are measured within the budget, and each finding as a Warning on the layer's line with its quick fixes (docs/editor.md "Training health").

import type { CheckResult } from '../language';
import type { RunSpec } from '../language/model';
import type { Fix, Problem } from '../language/problems';
import type { LayerStmt, NetworkDecl } from '../language/syntax';
import { plural } from '../language/wording';
import {
  blownLayer, EXPLODING_RATIO, flatLoss, HEALTH_MAX_ROWS, healthFindings, SATURATION_SHARE, SATURATION_Z, VANISHING_RATIO,
  type BlownLayer, type FlatLoss, type HealthFinding, type HealthMeasure,
} from '../nn/health';
import type { Trainer } from '../nn/trainer';
import type { LayerState, TrainResult, WeightSnapshot } from '../nn/types';
import type { SnapshotHealth } from '../protocol';
import type { CheckedGradients, RunState } from '../training/runState';
import { formatLoss } from './numbers';
import { addNormalizeFix, findData, setRateFix } from './results';

/** What a finished run's health says: the figures of its final weights, a flat loss, the layer a divergence started in. */
export interface RunHealth {
  measure: HealthMeasure | null;
  flat: FlatLoss | null;
  blown: BlownLayer | null;
}

/** Health measurements may cost at most this share of the training's sample passes (epochs × training rows)… */
export const HEALTH_SHARE = 0.01;
/** …plus this many multiply-adds (about a millisecond), so a small run is measured whole and often. */
export const HEALTH_FREE_WORK = 1 << 20;

/** Rows per measurement, and the indices of the snapshots measured. */
export interface HealthPlan {
  rows: number;
  measured: Set<number>;
}

/**
 * Which of a finished run's `snapshots` get a health measurement and of how many rows: within
 * HEALTH_SHARE of the training's sample passes plus HEALTH_FREE_WORK multiply-adds (a pass costs
 * about 3 × parameters per row), each of at most HEALTH_MAX_ROWS rows, evenly spread over the
 * snapshots, the last (the final weights) always.
 */
export function healthPlan(trainRows: number, epochs: number, snapshots: number, parameters: number): HealthPlan {
  const budget = HEALTH_SHARE * trainRows * Math.max(epochs, 1) + HEALTH_FREE_WORK / Math.max(3 * parameters, 1);
  const rows = Math.max(1, Math.min(trainRows, HEALTH_MAX_ROWS, Math.floor(budget)));
  const count = Math.max(1, Math.min(snapshots, Math.floor(budget / rows)));
  const measured = new Set<number>();
  if (snapshots === 0) return { rows, measured };
  const last = snapshots - 1;
  for (let j = 0; j < count; j++) measured.add(count === 1 ? last : Math.round((j * last) / (count - 1)));
  return { rows, measured };
}

/** Weights and biases of a network: what one measured row costs, three multiply-adds each. */
export function parameterCount(layers: readonly { weights: ArrayLike<number>; biases: ArrayLike<number> }[]): number {
  return layers.reduce((sum, layer) => sum + layer.weights.length + layer.biases.length, 0);
}

/** A measurement as a snapshot carries it to the panel (null when the snapshot was not measured). */
export function snapshotHealth(measure: HealthMeasure | null): SnapshotHealth[] | null {
  if (!measure) return null;
  return measure.layers.map((layer) => ({ dead: layer.dead, saturated: layer.saturated, ratio: Number.isFinite(layer.gradientRatio) ? layer.gradientRatio : null }));
}

/** The flat-loss rule and the blown-up layer of a finished result (its full history, its snapshots' weights). */
export function resultHealth(run: RunSpec, result: TrainResult, measure: HealthMeasure | null, snapshots: readonly WeightSnapshot[]): RunHealth {
  const flat = result.stopped === 'epochs' ? flatLoss(result.history.epoch, result.history.loss, run.settings.stopLoss) : null;
  const blown = result.stopped === 'diverged' ? blownLayer(snapshots) : null;
  return { measure, flat, blown };
}

/**
 * A finished training's health, as the worker sends it with the outcome: the plan for its
 * snapshots, the figures of the final weights (the trainer's current ones), the flat-loss rule
 * and a divergence's layer.
 */
export function trainedHealth(trainer: Trainer, run: RunSpec, result: TrainResult, snapshots: readonly WeightSnapshot[]): { plan: HealthPlan; health: RunHealth } {
  const plan = healthPlan(result.trainRows, result.epochs, snapshots.length, parameterCount(result.layers));
  // With patience the final weights are those of the epoch kept (docs/language.md §7.4).
  const measure = result.trainRows > 0 ? trainer.health(plan.rows, result.bestEpoch ?? result.epochs) : null;
  return { plan, health: resultHealth(run, result, measure, snapshots) };
}

/**
 * The health figures of the snapshots the plan measures, by the trainer itself with each one's
 * weights loaded, then the final weights (`finalLayers`) put back exactly, so ⏭ Step continues
 * from them. A snapshot at the final weights' epoch holds them: `final` is its measurement, made already.
 */
export function measureSnapshots(
  trainer: Trainer, finalLayers: readonly LayerState[], snapshots: readonly WeightSnapshot[], plan: HealthPlan, final: HealthMeasure | null,
): (HealthMeasure | null)[] {
  const measures = snapshots.map((snapshot, i) => {
    if (final && snapshot.epoch === final.epoch) return final;
    if (!plan.measured.has(i)) return null;
    snapshot.weights.forEach((weights, k) => trainer.setLayer(k + 1, weights, snapshot.biases[k]));
    return trainer.health(plan.rows, snapshot.epoch);
  });
  finalLayers.forEach((layer, k) => trainer.setLayer(k + 1, layer.weights, layer.biases));
  return measures;
}

/** The health figures the run's weights stand at now: live, or the trained ones; none after Step or Reset. */
export function currentHealth(state: RunState): HealthMeasure | null {
  const weights = state.weights;
  if (!weights) return null;
  if (weights.source === 'live') return weights.health ?? null;
  if (weights.source === 'trained') return state.outcome?.health?.measure ?? null;
  return null;
}

/** Each finding of the run's current health figures as a Warning on its layer's statement, with its quick fixes. */
export function healthProblems(check: CheckResult, run: RunSpec, state: RunState, text: string): Problem[] {
  // A diverged run's error names the layer that blew up; its final figures would only repeat it.
  if (state.phase === 'diverged' || state.phase === 'failed') return [];
  const measure = currentHealth(state);
  if (!measure) return [];
  const problems: Problem[] = [];
  for (const finding of healthFindings(measure)) {
    const layer = run.network.layers[finding.layer];
    if (!layer) continue;
    const statement = layerStatement(check, run, finding.layer);
    problems.push({
      span: statement?.name?.span ?? statement?.keyword ?? layer.span,
      severity: 'warning',
      code: `health-${finding.kind}`,
      message: `${findingText(finding, measure, layer.activation)} (epoch ${measure.epoch})`,
      fixes: findingFixes(check, run, finding, statement, text),
    });
  }
  return problems;
}

/** A finding in words, with its numbers. */
export function findingText(finding: HealthFinding, measure: HealthMeasure, activation: string): string {
  const on = measure.rows === measure.of ? 'the training data' : `${plural(measure.rows, 'sampled training row')} of ${measure.of}`;
  switch (finding.kind) {
    case 'dead':
      return `${finding.count} of ${plural(finding.units, 'unit')} never activate on ${on} (dead ${activation === 'leaky_relu' ? 'leaky ReLU' : 'ReLU'}): no gradient reaches their weights`;
    case 'saturated':
      return `${finding.count} of ${plural(finding.units, 'unit')} are saturated (|z| > ${SATURATION_Z} on more than ${Math.round(SATURATION_SHARE * 100)}% of ${on}): ${activation}′ is near 0 there, so they barely learn`;
    case 'vanishing':
      return `vanishing gradient: ‖∂L/∂W‖/‖W‖ is ${ratioText(finding.ratio)} here against ${ratioText(finding.outputRatio)} at the output layer (below ${ratioText(VANISHING_RATIO)} this layer barely moves)`;
    case 'exploding':
      return `exploding gradient: ‖∂L/∂W‖/‖W‖ is ${ratioText(finding.ratio)} (above ${EXPLODING_RATIO}): one step can change the weights by more than their size`;
  }
}

function ratioText(ratio: number): string {
  return Number.isFinite(ratio) ? ratio.toExponential(1) : String(ratio);
}

function layerStatement(check: CheckResult, run: RunSpec, index: number): LayerStmt | undefined {
  const decl = check.file.declarations.find((d): d is NetworkDecl => d.kind === 'network' && d.name?.text === run.network.name);
  const span = run.network.layers[index]?.span;
  if (!decl || !span) return undefined;
  return decl.statements.find((s): s is LayerStmt => s.kind === 'layer' && s.span.start === span.start);
}

function findingFixes(check: CheckResult, run: RunSpec, finding: HealthFinding, statement: LayerStmt | undefined, text: string): Fix[] {
  const layer = run.network.layers[finding.layer];
  const fixes: (Fix | null)[] = [];
  const useLeaky = (): Fix | null =>
    statement?.activation && layer.activation !== 'leaky_relu'
      ? { title: `Use leaky_relu in layer '${layer.name}'`, edits: [{ span: statement.activation.span, newText: 'leaky_relu' }], preferred: true }
      : null;
  const heInit = (): Fix | null => {
    if (!statement?.activation || layer.init === 'he') return null;
    if (statement.init) return { title: `Use he init in layer '${layer.name}'`, edits: [{ span: statement.init.span, newText: 'he' }] };
    const at = statement.activation.span.end;
    return { title: `Use he init in layer '${layer.name}'`, edits: [{ span: { start: at, end: at }, newText: ' init he' }] };
  };
  const lowerRate = (): Fix | null => setRateFix(check.file, run, Number((run.settings.optimizer.rate / 10).toPrecision(2)), text);
  const normalize = (): Fix | null => {
    if (run.data.normalize !== null) return null;
    const decl = findData(check.file, run.data.name);
    return decl ? addNormalizeFix(decl, text) : null;
  };
  switch (finding.kind) {
    case 'dead':
      fixes.push(useLeaky(), heInit(), lowerRate());
      break;
    case 'saturated':
      fixes.push(normalize(), lowerRate());
      break;
    case 'vanishing':
      fixes.push(useLeaky(), heInit());
      break;
    case 'exploding':
      fixes.push(lowerRate(), normalize());
      break;
  }
  return fixes.filter((fix): fix is Fix => fix !== null);
}

/** The flat-loss message of a run whose loss stopped moving well above its target. */
export function flatText(flat: FlatLoss): string {
  return `loss flat at ${formatLoss(flat.loss)} since epoch ${flat.since}: likely a local minimum; try another seed or more hidden units.`;
}

/** The sentence a divergence adds: the layer whose weights blew up first. */
export function blownText(run: RunSpec, blown: BlownLayer): string {
  const name = run.network.layers[blown.layer]?.name ?? `layer${blown.layer + 1}`;
  const factor = blown.growth >= 1e6 ? blown.growth.toExponential(1) : blown.growth >= 100 ? Math.round(blown.growth).toLocaleString('en-US') : blown.growth.toFixed(1);
  const growth = Number.isFinite(blown.growth) ? `grew ${factor}×` : 'stopped being finite';
  return `The weights of layer '${name}' blew up first (‖W‖ ${growth} by epoch ${blown.epoch}).`;
}

/** A relative error of a gradient check above this says backprop is not the slope (a correct one reads below 1e-6: docs/editor.md "Checking gradients"). */
export const CHECK_WRONG = 1e-4;

/** A gradient check in words: each layer's largest relative error, and what that says. */
export function gradientCheckText(run: RunSpec, checked: CheckedGradients): { text: string; wrong: boolean } {
  const { check } = checked;
  const layers = check.layers.map((layer, k) => `${run.network.layers[k]?.name ?? `layer${k + 1}`} ${layer.error.toExponential(1)}`).join(', ');
  const wrong = check.layers.some((layer) => !(layer.error <= CHECK_WRONG));
  const rows = check.rows === check.of ? `${plural(check.rows, 'training row')}` : `${check.rows} sampled training rows of ${check.of}`;
  const at = `${checked.source === 'live' ? 'live ' : ''}weights of epoch ${checked.epoch}`;
  const verdict = wrong ? `backprop's gradient differs from the slope (errors above ${CHECK_WRONG})` : "backprop's gradient is the slope";
  return { text: `gradient check of ${run.network.name} on ${run.data.name}, ${at}, ${rows}: largest relative error per layer ${layers}: ${verdict}.`, wrong };
}
