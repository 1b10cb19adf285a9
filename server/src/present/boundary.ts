// The decision boundary of a two-input network: its first output on a grid over the data's box, and the data's points to draw over it; and the per-unit pictures of the panel's diagram (each unit's output over that box, or its histogram for wider inputs).

import type { Dataset, RunSpec } from '../language/model';
import { healthSample } from '../nn/health';
import { addBiasAndActivate } from '../nn/activations';
import type { Trainer } from '../nn/trainer';
import type { LayerState, Normalization, WeightSnapshot } from '../nn/types';
import { UNITS_SHOWN, type PanelLayer, type UnitPictures } from '../protocol';

/** Cells per side of the boundary grid. */
export const BOUNDARY_GRID = 40;

export interface Box {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** The most data points a boundary picture shows. */
export const MAX_POINTS = 10_000;

/** The points of a two-input data set (label: first target; at most MAX_POINTS, evenly spaced) and a box around them all with a margin; null for other widths. */
export function dataPoints(data: Dataset): { points: { x: number; y: number; label: number }[]; box: Box } | null {
  if (data.inputWidth !== 2 || data.rows === 0) return null;
  const points = [];
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let r = 0; r < data.rows; r++) {
    const x = data.inputs[2 * r];
    const y = data.inputs[2 * r + 1];
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  // A large set is drawn from evenly spaced rows: a picture holds no more, and each point is an object sent to the panel.
  const stride = Math.max(1, Math.ceil(data.rows / MAX_POINTS));
  for (let r = 0; r < data.rows; r += stride) {
    // For one-hot targets the label is the class index; for one output, the target itself.
    let label = data.targets[r * data.targetWidth];
    if (data.targetWidth > 1) {
      let best = 0;
      for (let l = 1; l < data.targetWidth; l++) if (data.targets[r * data.targetWidth + l] > data.targets[r * data.targetWidth + best]) best = l;
      label = best;
    }
    points.push({ x: data.inputs[2 * r], y: data.inputs[2 * r + 1], label });
  }
  const padX = (xMax - xMin || 1) * 0.1;
  const padY = (yMax - yMin || 1) * 0.1;
  return { points, box: { xMin: xMin - padX, xMax: xMax + padX, yMin: yMin - padY, yMax: yMax + padY } };
}

/**
 * The network's first output at the centre of every cell of a grid × grid lattice
 * over the box, row-major from the top (largest y first). All cells go through the
 * network at once, one column per cell.
 */
export function boundaryGrid(layers: PanelLayer[], normalization: Normalization | null, box: Box, grid: number): number[] {
  const columns = grid * grid;
  let activations = new Float64Array(2 * columns);
  for (let row = 0; row < grid; row++) {
    const y = box.yMax - ((row + 0.5) / grid) * (box.yMax - box.yMin);
    for (let col = 0; col < grid; col++) {
      const x = box.xMin + ((col + 0.5) / grid) * (box.xMax - box.xMin);
      const c = row * grid + col;
      activations[c] = normalization ? (x - normalization.offset[0]) / normalization.scale[0] : x;
      activations[columns + c] = normalization ? (y - normalization.offset[1]) / normalization.scale[1] : y;
    }
  }
  for (const layer of layers) {
    // z = W a (units × columns), then z += b and a = act(z) in one pass.
    const z = new Float64Array(layer.units * columns);
    for (let u = 0; u < layer.units; u++) {
      for (let i = 0; i < layer.inputs; i++) {
        const w = layer.weights[u * layer.inputs + i];
        if (w === 0) continue;
        const zRow = u * columns;
        const aRow = i * columns;
        for (let c = 0; c < columns; c++) z[zRow + c] += w * activations[aRow + c];
      }
    }
    const next = new Float64Array(layer.units * columns);
    addBiasAndActivate(layer.activation as Parameters<typeof addBiasAndActivate>[0], Float64Array.from(layer.biases), z, next, layer.units, columns);
    activations = next;
  }
  // For softmax outputs with several classes the first output is "probability of class 0";
  // the panel colours by it either way.
  return rounded(activations.subarray(0, columns));
}

/**
 * Numbers per snapshot the per-unit pictures may hold: a 16 × 16 picture of each unit the
 * diagram shows while they fit (32 units), 12 × 12 or 8 × 8 beyond. A 2-150-150-1 network
 * shows 12 + 12 + 1 units: 25 × 256 = 6,400 numbers, beside the boundary's 1,600.
 */
export const UNIT_PICTURE_BUDGET = 8192;

/** Cells per side of the per-unit pictures of a network whose diagram shows `units` units. */
export function unitGridSize(units: number): number {
  for (const size of [16, 12]) if (units * size * size <= UNIT_PICTURE_BUDGET) return size;
  return 8;
}

/** Units of each layer the diagram shows, and so pictures. */
function shownUnits(sizes: readonly number[]): number[] {
  return sizes.map((units) => Math.min(units, UNITS_SHOWN));
}

/** Each shown unit's output over the input plane, computed by the trainer with its current weights and its own passes (the worker). */
export function trainerUnitPictures(trainer: Trainer, box: Box): UnitPictures {
  const sizes = trainer.network.layers.map((layer) => layer.units);
  const size = unitGridSize(shownUnits(sizes).reduce((a, b) => a + b, 0));
  const outputs = trainer.unitOutputs(latticePoints(box, size), size * size, UNITS_SHOWN);
  return { kind: 'plane', size, layers: outputs.map((values) => rounded(values, 1e3)) };
}

/** Bins of a unit's histogram (wider inputs). */
export const HISTOGRAM_BINS = 12;

/**
 * Each shown unit's activations over (a sample of) the training data as a histogram: the
 * trainer's passes over the rows' raw inputs, HISTOGRAM_BINS equal bins between the unit's
 * smallest and largest value.
 */
export function trainerUnitHistograms(trainer: Trainer, inputs: ArrayLike<number>, rows: number): UnitPictures {
  const outputs = trainer.unitOutputs(inputs, rows, UNITS_SHOWN);
  const layers: number[][] = [];
  const ranges: number[][] = [];
  for (const values of outputs) {
    const units = rows > 0 ? values.length / rows : 0;
    const counts: number[] = [];
    const range: number[] = [];
    for (let j = 0; j < units; j++) {
      let min = Infinity;
      let max = -Infinity;
      for (let s = 0; s < rows; s++) {
        const v = values[j * rows + s];
        if (Number.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
      const bins = new Array<number>(HISTOGRAM_BINS).fill(0);
      const width = max - min;
      for (let s = 0; s < rows; s++) {
        const v = values[j * rows + s];
        if (!Number.isFinite(v)) continue;
        bins[width > 0 ? Math.min(HISTOGRAM_BINS - 1, Math.floor(((v - min) / width) * HISTOGRAM_BINS)) : 0]++;
      }
      counts.push(...bins);
      range.push(...(min <= max ? [min, max] : [0, 0]).map((x) => Math.round(x * 1e4) / 1e4));
    }
    layers.push(counts);
    ranges.push(range);
  }
  return { kind: 'histogram', size: HISTOGRAM_BINS, layers, ranges };
}

/** Four decimals are all a colour can show; a non-finite output is drawn as 0. */
function rounded(values: Float64Array, scale = 1e4): number[] {
  return Array.from(values, (v) => (Number.isFinite(v) ? Math.round(v * scale) / scale : 0));
}

/** The centres of the grid × grid cells over the box, row-major from the top, as raw (x, y) rows. */
export function latticePoints(box: Box, grid: number): Float64Array {
  const points = new Float64Array(2 * grid * grid);
  for (let row = 0; row < grid; row++) {
    const y = box.yMax - ((row + 0.5) / grid) * (box.yMax - box.yMin);
    for (let col = 0; col < grid; col++) {
      const c = row * grid + col;
      points[2 * c] = box.xMin + ((col + 0.5) / grid) * (box.xMax - box.xMin);
      points[2 * c + 1] = y;
    }
  }
  return points;
}

/**
 * The same grid as boundaryGrid, computed by the trainer with its current weights and its
 * own kernels: a large network's grid in a few milliseconds instead of hundreds (the
 * worker's live snapshots and records).
 */
export function trainerBoundary(trainer: Trainer, box: Box, grid: number): number[] {
  return rounded(trainer.firstOutputs(latticePoints(box, grid), grid * grid));
}

/**
 * The boundary and per-unit pictures of every recorded snapshot, computed by the trainer
 * itself (its kernels) with the snapshot's weights loaded, then the final weights put back
 * exactly, so ⏭ Step continues from them. Histograms only for the last snapshot and those in
 * `measured` (the health plan's: docs/editor.md "Training health").
 */
export function drawSnapshots(
  trainer: Trainer, finalLayers: readonly LayerState[], snapshots: readonly WeightSnapshot[], pictures: Pictures, measured: ReadonlySet<number>,
): { boundary: number[] | null; units: UnitPictures | null }[] {
  const last = snapshots.length - 1;
  const drawn = snapshots.map((snapshot, i) => {
    snapshot.weights.forEach((weights, k) => trainer.setLayer(k + 1, weights, snapshot.biases[k]));
    // Histograms pass training rows, so only the snapshots the health plan measures get them.
    return pictures.draw(i === last || measured.has(i));
  });
  finalLayers.forEach((layer, k) => trainer.setLayer(k + 1, layer.weights, layer.biases));
  return drawn;
}

/** HISTOGRAM_ROWS: the training rows a unit's histogram is made of (an evenly strided sample beyond). */
const HISTOGRAM_ROWS = 256;

export interface Pictures {
  /** The boundary and the per-unit pictures of the trainer's current weights; histograms only when `histograms`. */
  draw(histograms: boolean): { boundary: number[] | null; units: UnitPictures | null };
}

/** What the panel draws of a run's weights (docs/editor.md "The training panel"): for two-input data the boundary and each unit's plane, else each unit's histogram. */
export function pictures(run: RunSpec, trainer: Trainer): Pictures {
  const box = dataPoints(run.data)?.box ?? null;
  if (box) return { draw: () => ({ boundary: trainerBoundary(trainer, box, BOUNDARY_GRID), units: trainerUnitPictures(trainer, box) }) };
  const rows = trainer.trainingRows;
  const sample = healthSample(rows.length, HISTOGRAM_ROWS);
  const width = run.data.inputWidth;
  const inputs = new Float64Array(sample.length * width);
  sample.forEach((position, i) => inputs.set(run.data.inputs.subarray(rows[position] * width, (rows[position] + 1) * width), i * width));
  return { draw: (histograms) => ({ boundary: null, units: histograms && sample.length > 0 ? trainerUnitHistograms(trainer, inputs, sample.length) : null }) };
}
