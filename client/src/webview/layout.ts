// Pure geometry and number formatting for the training panel and the static report (no DOM here, so it is unit-tested under Node).

import type { PanelLayer, RunCurve, TrainingView } from '../../../server/src/protocol';

/** Columns taller than this show their first units and a "+N more" marker: a diagram must stay readable. */
export const MAX_UNITS_SHOWN = 12;

export interface NodeLayout {
  /** Column 0 is the input; column k is layer k (1-based, as in the math). */
  column: number;
  /** Index of the unit within its column. */
  unit: number;
  x: number;
  y: number;
}

export interface ColumnLayout {
  column: number;
  x: number;
  /** Units in the column, and how many of them are drawn. */
  units: number;
  shown: number;
  nodes: NodeLayout[];
  label: string;
  detail: string;
  /** 0-based source line of the `layer` statement; null for the input column. */
  line: number | null;
}

export interface EdgeLayout {
  /** 1-based layer the weight belongs to. */
  layer: number;
  /** W_ji: from unit i of the previous column to unit j of this layer. */
  from: number;
  to: number;
  /** Index into the layer's row-major weights (units × inputs). */
  index: number;
}

export interface DiagramLayout {
  width: number;
  height: number;
  radius: number;
  columns: ColumnLayout[];
  edges: EdgeLayout[];
}

/** Places one column per layer (plus the inputs) and one node per drawn unit, centred vertically. */
export function layoutDiagram(
  inputNames: readonly string[],
  layers: readonly PanelLayer[],
  width = 900,
  outputLabels: readonly string[] = [],
): DiagramLayout {
  const inputCount = layers[0]?.inputs ?? inputNames.length;
  const counts = [inputCount, ...layers.map((l) => l.units)];
  const tallest = Math.max(1, ...counts.map((c) => Math.min(c, MAX_UNITS_SHOWN)));
  const spacing = tallest > 8 ? 30 : 44;
  const top = 64;
  const bottom = 28;
  const height = Math.max(220, top + bottom + (tallest - 1) * spacing + 20);
  const radius = tallest > 8 ? 10 : 13;
  // Room for input names on the left and output labels on the right (about 8 px a character
  // at 13 px monospace), within a third of the width in a narrow panel.
  const longest = (names: readonly string[]) => Math.max(0, ...names.map((n) => n.length));
  const marginLeft = Math.min(width * 0.3, Math.max(70, width * 0.1, 40 + 8 * longest(inputNames)));
  const marginRight = Math.min(width * 0.3, Math.max(50, width * 0.08, 36 + 8 * longest(outputLabels)));
  const step = counts.length > 1 ? (width - marginLeft - marginRight) / (counts.length - 1) : 0;
  const middle = top + ((tallest - 1) * spacing) / 2 + 10;

  const columns: ColumnLayout[] = counts.map((units, column) => {
    const shown = Math.min(units, MAX_UNITS_SHOWN);
    const x = counts.length > 1 ? marginLeft + column * step : width / 2;
    const nodes: NodeLayout[] = [];
    for (let unit = 0; unit < shown; unit++) {
      nodes.push({ column, unit, x, y: middle + (unit - (shown - 1) / 2) * spacing });
    }
    const layer = column > 0 ? layers[column - 1] : undefined;
    return {
      column,
      x,
      units,
      shown,
      nodes,
      label: layer ? layer.name : 'input',
      detail: layer ? `${layer.units} ${layer.activation}` : `${units} ${units === 1 ? 'value' : 'values'}`,
      line: layer ? layer.line : null,
    };
  });

  const edges: EdgeLayout[] = [];
  layers.forEach((layer, k) => {
    const shownIn = columns[k].shown;
    const shownOut = columns[k + 1].shown;
    for (let to = 0; to < shownOut; to++) {
      for (let from = 0; from < shownIn; from++) {
        edges.push({ layer: k + 1, from, to, index: to * layer.inputs + from });
      }
    }
  });
  return { width, height, radius, columns, edges };
}

/** The largest |w| over every layer, so edge thickness compares weights across the whole network. */
export function maxAbsWeight(layers: readonly PanelLayer[]): number {
  let max = 0;
  for (const layer of layers) for (const w of layer.weights) if (Number.isFinite(w)) max = Math.max(max, Math.abs(w));
  return max;
}

export function maxAbsBias(layers: readonly PanelLayer[]): number {
  let max = 0;
  for (const layer of layers) for (const b of layer.biases) if (Number.isFinite(b)) max = Math.max(max, Math.abs(b));
  return max;
}

/**
 * A bias as a node's circle can hold it: at most four characters, one of them a narrow `.`
 * (`−.43`, `2.4`, `−240`, `1e3`), so it stays inside the circle; the node's tooltip has the
 * exact value.
 */
export function biasLabel(bias: number): string {
  if (Number.isNaN(bias)) return 'NaN';
  if (!Number.isFinite(bias)) return bias > 0 ? '∞' : '−∞';
  const magnitude = Math.abs(bias);
  const sign = bias < 0 ? '−' : '';
  if (magnitude < 0.005) return '0';
  if (magnitude < 0.995) return `${sign}${magnitude.toFixed(2).replace(/^0/, '')}`;
  if (magnitude < 9.95) return `${sign}${magnitude.toFixed(1)}`;
  if (magnitude < 999.5) return `${sign}${Math.round(magnitude)}`;
  const exponent = Math.floor(Math.log10(magnitude));
  let mantissa = Math.round(magnitude / 10 ** exponent);
  let shown = exponent;
  if (mantissa === 10) {
    mantissa = 1;
    shown++;
  }
  return `${sign}${mantissa}e${shown}`;
}

/** Stroke width of an edge: thin but visible at 0, about 7 px at the network's largest |w|. */
export function edgeWidth(weight: number, maxAbs: number): number {
  if (!Number.isFinite(weight) || maxAbs <= 0) return 0.6;
  return 0.6 + 6.4 * Math.min(1, Math.abs(weight) / maxAbs);
}

/** Numbers as a learner reads them: 4 significant digits, a real minus sign, exponents only when needed. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '–';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  let text: string;
  if (magnitude >= 1e5 || magnitude < 1e-4) {
    text = value.toExponential(Math.max(0, digits - 2)).replace(/\.?0+e/, 'e');
  } else {
    text = String(Number(value.toPrecision(digits)));
  }
  return text.replace('-', '−');
}

/** "12%" style percentages of accuracies in [0, 1]. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const percent = value * 100;
  return `${percent >= 99.95 || percent < 10 ? percent.toFixed(1).replace(/\.0$/, '') : percent.toFixed(1)}%`;
}

/** Subscript digits for W₂₁-style names. */
export function subscript(n: number): string {
  return String(n).replace(/[0-9]/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]);
}

/** Superscript digits for W⁽²⁾-style names. */
export function superscript(n: number): string {
  return String(n).replace(/[0-9]/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)]);
}

/** The name of input i (0-based) as the data names it, or x₁, x₂, … */
export function inputName(inputNames: readonly string[], i: number): string {
  return inputNames[i] ?? `x${subscript(i + 1)}`;
}

/** The loss curve as uPlot's aligned columns; non-finite values become gaps (null). */
export function curveColumns(view: TrainingView): {
  epochs: number[];
  loss: (number | null)[];
  validationLoss: (number | null)[] | null;
  accuracy: (number | null)[] | null;
  validationAccuracy: (number | null)[] | null;
  logScale: boolean;
} {
  const finite = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);
  const epochs = view.curve.map((p) => p.epoch);
  const loss = view.curve.map((p) => finite(p.loss));
  const has = (pick: (p: TrainingView['curve'][number]) => number | null) =>
    view.curve.some((p) => finite(pick(p)) !== null);
  const validationLoss = has((p) => p.validationLoss) ? view.curve.map((p) => finite(p.validationLoss)) : null;
  const accuracy = has((p) => p.accuracy) ? view.curve.map((p) => finite(p.accuracy)) : null;
  const validationAccuracy = has((p) => p.validationAccuracy)
    ? view.curve.map((p) => finite(p.validationAccuracy))
    : null;
  // A log axis shows the last decades of a loss that keeps falling; it needs every value positive.
  const positive = [...loss, ...(validationLoss ?? [])].every((v) => v === null || v > 0);
  return { epochs, loss, validationLoss, accuracy, validationAccuracy, logScale: positive && loss.some((v) => v !== null) };
}

/**
 * The panel's training-health chart (docs/editor.md "Training health"): ‖∂L/∂W‖/‖W‖ of every layer
 * over the epochs of the measured snapshots (null where a value is not positive: the axis is log),
 * and the dead and saturated units of the measured snapshot at or before `epoch`, in words.
 */
export function healthColumns(view: Pick<TrainingView, 'snapshots'>): { epochs: number[]; layers: string[]; ratios: (number | null)[][] } | null {
  const measured = view.snapshots.filter((s) => s.health && s.health.length === s.layers.length);
  if (measured.length === 0) return null;
  const layers = measured[measured.length - 1].layers.map((l) => l.name);
  const ratios = layers.map((_name, k) => measured.map((s) => {
    const r = s.health![k]?.ratio ?? null;
    return r !== null && r > 0 && Number.isFinite(r) ? r : null;
  }));
  return { epochs: measured.map((s) => s.epoch), layers, ratios };
}

/** The units findings of one snapshot's health, in words ("hidden: 5 of 12 never activate"), empty when none or not measured. */
export function unitsText(snapshot: Pick<TrainingView['snapshots'][number], 'health' | 'layers'> | undefined): string[] {
  const health = snapshot?.health;
  if (!snapshot || !health) return [];
  const lines: string[] = [];
  snapshot.layers.forEach((layer, k) => {
    const figures = health[k];
    if (!figures) return;
    if (figures.dead) lines.push(`${layer.name}: ${figures.dead} of ${layer.units} never activate`);
    if (figures.saturated) lines.push(`${layer.name}: ${figures.saturated} of ${layer.units} saturated`);
  });
  return lines;
}

/**
 * One unit's picture over the input plane as RGBA pixels (size × size, row-major from the top):
 * a sigmoid or softmax output is coloured by its value (0 one colour, 1 the other, as the
 * boundary), any other by its sign and size against the largest |a| of the picture.
 */
export function unitPixels(
  values: readonly number[], offset: number, size: number, activation: string,
  negative: readonly number[], positive: readonly number[], background: readonly number[],
): Uint8ClampedArray<ArrayBuffer> {
  const cells = size * size;
  const probability = activation === 'sigmoid' || activation === 'softmax';
  let largest = 0;
  if (!probability) for (let c = 0; c < cells; c++) largest = Math.max(largest, Math.abs(values[offset + c] ?? 0));
  const pixels = new Uint8ClampedArray(cells * 4);
  for (let c = 0; c < cells; c++) {
    const v = values[offset + c] ?? 0;
    const t = probability ? v : largest > 0 ? 0.5 + (0.5 * v) / largest : 0.5;
    const [r, g, b] = boundaryColor(t, negative, positive, background);
    pixels.set([r, g, b, 255], c * 4);
  }
  return pixels;
}

/** The picture of input `i` (0: x₁ across, 1: x₂ up) on the same lattice as the units': its value from −1 to 1. */
export function inputPlane(i: number, size: number): number[] {
  const values: number[] = [];
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) values.push(i === 0 ? ((col + 0.5) / size) * 2 - 1 : 1 - ((row + 0.5) / size) * 2);
  }
  return values;
}

/**
 * Per-class precision and recall of a confusion matrix (entry [t][p]: rows of class t put in
 * class p): precision = right / predicted as the class, recall = right / of the class; null
 * where nothing was predicted as, or belongs to, the class.
 */
export function classScores(matrix: readonly (readonly number[])[]): { precision: number | null; recall: number | null }[] {
  return matrix.map((row, c) => {
    const right = row[c] ?? 0;
    const actual = row.reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((sum, r) => sum + (r[c] ?? 0), 0);
    return { precision: predicted > 0 ? right / predicted : null, recall: actual > 0 ? right / actual : null };
  });
}

/**
 * The comparison of every run's curves on one epoch axis (uPlot's aligned data): the union of
 * their epochs, and per run its training loss (and validation loss, when it has one) with null
 * at the epochs it lacks; named by the run's line. `logScale` when every value is positive.
 */
export function compareColumns(runs: readonly RunCurve[]): {
  epochs: number[];
  series: { label: string; run: number; validation: boolean; values: (number | null)[] }[];
  logScale: boolean;
} {
  const epochs = [...new Set(runs.flatMap((r) => r.epochs))].sort((a, b) => a - b);
  const at = new Map(epochs.map((e, i) => [e, i]));
  const series: { label: string; run: number; validation: boolean; values: (number | null)[] }[] = [];
  runs.forEach((r, index) => {
    const place = (values: readonly (number | null)[]) => {
      const out = new Array<number | null>(epochs.length).fill(null);
      r.epochs.forEach((e, i) => (out[at.get(e)!] = values[i] ?? null));
      return out;
    };
    series.push({ label: r.label, run: index, validation: false, values: place(r.loss) });
    if (r.validationLoss) series.push({ label: `${r.label} validation`, run: index, validation: true, values: place(r.validationLoss) });
  });
  const values = series.flatMap((s) => s.values);
  return { epochs, series, logScale: values.every((v) => v === null || v > 0) && values.some((v) => v !== null) };
}

/** Linear interpolation between two RGB colours, t in [0, 1]. */
export function mixRgb(a: readonly number[], b: readonly number[], t: number): [number, number, number] {
  const u = Math.max(0, Math.min(1, t));
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * u)) as [number, number, number];
}

/** Parses #rgb, #rrggbb(aa) and rgb()/rgba() strings, as CSS variables hold them. */
export function parseColor(text: string, fallback: readonly number[]): [number, number, number] {
  const s = text.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)) as [number, number, number];
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as [number, number, number];
  m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return [fallback[0], fallback[1], fallback[2]];
}

/**
 * The colour of a boundary cell: class 0 and class 1 colours at the extremes, the
 * background at 0.5, so the decision line (ŷ = 0.5) shows as the pale seam between them.
 */
export function boundaryColor(
  value: number,
  class0: readonly number[],
  class1: readonly number[],
  background: readonly number[],
): [number, number, number] {
  if (!Number.isFinite(value)) return [background[0], background[1], background[2]];
  const v = Math.max(0, Math.min(1, value));
  // Saturate to 55% at the extremes so the data points, in the full colours, stay visible on top.
  return v < 0.5 ? mixRgb(background, class0, ((0.5 - v) / 0.5) * 0.55) : mixRgb(background, class1, ((v - 0.5) / 0.5) * 0.55);
}

/** Round tick values (1, 2 or 5 × 10^k apart) inside [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min) return [min];
  const rough = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    // Snap away floating-point dust (0.30000000000000004).
    ticks.push(Number((Math.round(v / step) * step).toPrecision(12)));
  }
  return ticks;
}
