// The decision boundary of a two-input network: its first output on a grid over the data's box, and the data's points to draw over it.

import type { Dataset } from '../language/model';
import { addBiasAndActivate } from '../nn/activations';
import type { Trainer } from '../nn/trainer';
import type { Normalization } from '../nn/types';
import type { PanelLayer } from '../protocol';

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

/** Four decimals are all a colour can show; a non-finite output is drawn as 0. */
function rounded(values: Float64Array): number[] {
  return Array.from(values, (v) => (Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : 0));
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
