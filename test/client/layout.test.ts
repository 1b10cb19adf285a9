// Geometry and number formatting of the training panel's drawings.
import { describe, expect, it } from 'vitest';
import type { PanelLayer } from '../../server/src/protocol';
import {
  MAX_UNITS_SHOWN,
  biasLabel,
  compareColumns,
  classScores,
  boundaryColor,
  curveColumns,
  edgeWidth,
  formatNumber,
  formatPercent,
  healthColumns,
  layoutDiagram,
  niceTicks,
  parseColor,
  unitsText,
} from '../../client/src/webview/layout';
import { fourInputView, twoInputView } from '../report/fixtures';

function layer(name: string, inputs: number, units: number, line: number): PanelLayer {
  return {
    name,
    inputs,
    units,
    activation: 'sigmoid',
    line,
    weights: Array.from({ length: inputs * units }, (_, i) => (i % 2 ? -1 : 1) * (i + 1)),
    biases: Array.from({ length: units }, () => 0),
    weightGradient: null,
    lastUpdate: null,
  };
}

describe('layoutDiagram', () => {
  it('draws a node per unit and an edge per weight (W_ji indexed row-major, units × inputs)', () => {
    const layout = layoutDiagram(['a', 'b'], [layer('hidden', 2, 4, 2), layer('out', 4, 1, 3)]);
    expect(layout.columns.map((c) => c.nodes.length)).toEqual([2, 4, 1]);
    expect(layout.edges).toHaveLength(2 * 4 + 4 * 1);
    const edge = layout.edges.find((e) => e.layer === 1 && e.to === 2 && e.from === 1);
    expect(edge?.index).toBe(2 * 2 + 1);
    expect(layout.columns.map((c) => c.line)).toEqual([null, 2, 3]);
    // Columns go left to right, nodes within a column top to bottom.
    expect(layout.columns[0].x).toBeLessThan(layout.columns[1].x);
    const ys = layout.columns[1].nodes.map((n) => n.y);
    expect([...ys].sort((p, q) => p - q)).toEqual(ys);
  });

  it('caps tall columns and their edges, keeping the true unit count', () => {
    const layout = layoutDiagram([], [layer('wide', 3, 40, 1), layer('out', 40, 2, 2)]);
    expect(layout.columns[1].units).toBe(40);
    expect(layout.columns[1].shown).toBe(MAX_UNITS_SHOWN);
    expect(layout.edges).toHaveLength(3 * MAX_UNITS_SHOWN + MAX_UNITS_SHOWN * 2);
    // Edges into a capped column still index the real weight matrix (40 × 3).
    const last = layout.edges.filter((e) => e.layer === 2).at(-1)!;
    expect(last.index).toBe(1 * 40 + (MAX_UNITS_SHOWN - 1));
  });

  it('keeps every node inside the drawing', () => {
    const layout = layoutDiagram(fourInputView().inputNames, fourInputView().snapshots[0].layers);
    for (const node of layout.columns.flatMap((c) => c.nodes)) {
      expect(node.y - layout.radius).toBeGreaterThan(40);
      expect(node.y + layout.radius).toBeLessThan(layout.height);
      expect(node.x).toBeGreaterThan(0);
      expect(node.x).toBeLessThan(layout.width);
    }
  });
});

describe('edgeWidth', () => {
  it('grows with |w| and treats signs alike', () => {
    expect(edgeWidth(0, 4)).toBeLessThan(edgeWidth(1, 4));
    expect(edgeWidth(-2, 4)).toBe(edgeWidth(2, 4));
    expect(edgeWidth(4, 4)).toBeCloseTo(7);
    expect(edgeWidth(Number.NaN, 4)).toBe(edgeWidth(0, 0));
  });
});

describe('formatNumber', () => {
  it.each([
    [5.91234, '5.912'],
    [-2.4312, '−2.431'],
    [0.00098, '0.00098'],
    [1.5e-7, '1.5e−7'],
    [123456, '1.23e+5'],
    [0, '0'],
    [null, '–'],
    [Number.POSITIVE_INFINITY, '∞'],
  ])('%s -> %s', (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });

  it('formats percentages of accuracy', () => {
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.9625)).toBe('96.3%');
    expect(formatPercent(null)).toBe('–');
  });
});

describe('curveColumns', () => {
  const view = twoInputView({ data: 'xor', hidden: 3, epochs: 50, rate: 0.5, validate: true, grid: 4 });

  it('aligns epochs, losses and accuracies, with a log axis for positive losses', () => {
    const columns = curveColumns(view);
    expect(columns.epochs).toHaveLength(50);
    expect(columns.loss).toHaveLength(50);
    expect(columns.validationLoss).toHaveLength(50);
    expect(columns.accuracy).not.toBeNull();
    expect(columns.logScale).toBe(true);
  });

  it('turns non-finite losses into gaps and leaves out series the run does not have', () => {
    const diverged = {
      ...view,
      curve: view.curve.map((p, i) => ({ ...p, loss: i === 3 ? Number.NaN : p.loss, validationLoss: null, accuracy: null, validationAccuracy: null })),
    };
    const columns = curveColumns(diverged);
    expect(columns.loss[3]).toBeNull();
    expect(columns.validationLoss).toBeNull();
    expect(columns.accuracy).toBeNull();
  });

  it('falls back to a linear axis when a loss is zero', () => {
    const zero = { ...view, curve: view.curve.map((p, i) => ({ ...p, loss: i === 10 ? 0 : p.loss })) };
    expect(curveColumns(zero).logScale).toBe(false);
  });
});

describe('colours', () => {
  it('parses the forms theme variables take', () => {
    expect(parseColor('#3794ff', [0, 0, 0])).toEqual([55, 148, 255]);
    expect(parseColor('#fff', [0, 0, 0])).toEqual([255, 255, 255]);
    expect(parseColor('rgba(10, 20, 30, 0.5)', [0, 0, 0])).toEqual([10, 20, 30]);
    expect(parseColor('var(--nope)', [1, 2, 3])).toEqual([1, 2, 3]);
  });

  it('shades the boundary from class 0 through the background to class 1', () => {
    const class0 = [200, 100, 0];
    const class1 = [0, 100, 200];
    const background = [255, 255, 255];
    expect(boundaryColor(0.5, class0, class1, background)).toEqual([255, 255, 255]);
    const low = boundaryColor(0, class0, class1, background);
    const high = boundaryColor(1, class0, class1, background);
    expect(low[2]).toBeLessThan(low[0]);
    expect(high[0]).toBeLessThan(high[2]);
  });
});

describe('niceTicks', () => {
  it.each([
    [-5.92, 5.95, 4, [-5, 0, 5]],
    [-0.1, 1.1, 4, [0, 0.5, 1]],
    [0, 1, 5, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [-1.2, 1.2, 4, [-1, 0, 1]],
  ])('[%s, %s] about %s ticks -> %j', (min, max, count, expected) => {
    expect(niceTicks(min, max, count)).toEqual(expected);
  });
});

describe('layoutDiagram margins', () => {
  it('makes room for long input names and class labels', () => {
    const layers = [layer('hidden', 2, 3, 1), layer('species', 3, 3, 2)];
    const plain = layoutDiagram(['a', 'b'], layers, 600);
    const named = layoutDiagram(['sepal_length', 'sepal_width'], layers, 600, ['ŷ₁ setosa', 'ŷ₂ versicolor', 'ŷ₃ virginica']);
    expect(named.columns[0].x).toBeGreaterThan(plain.columns[0].x);
    expect(named.columns.at(-1)!.x).toBeLessThan(plain.columns.at(-1)!.x);
    // 'ŷ₂ versicolor' (13 characters, ~8 px each) fits right of the last column.
    expect(named.width - named.columns.at(-1)!.x).toBeGreaterThanOrEqual(13 * 8);
  });
});

describe('biasLabel', () => {
  it.each([
    [0, '0'],
    [0.004, '0'],
    [0.4321, '.43'],
    [-0.4321, '−.43'],
    [0.999, '1.0'],
    [2.46, '2.5'],
    [-9.96, '−10'],
    [123.4, '123'],
    [-999.4, '−999'],
    [1234, '1e3'],
    [-98765, '−1e5'],
    [Number.NaN, 'NaN'],
  ])('%s → %s', (bias, label) => {
    expect(biasLabel(bias)).toBe(label);
  });

  it('never takes more than four characters, so it fits a node circle', () => {
    for (let e = -6; e <= 9; e += 0.37) for (const sign of [1, -1]) expect([...biasLabel(sign * 10 ** e)].length).toBeLessThanOrEqual(4);
  });
});

describe('healthColumns and unitsText (the panel\'s training-health chart)', () => {
  const layers = [layer('hidden', 2, 12, 3), layer('out', 12, 1, 4)];
  const snapshot = (epoch: number, health: { dead: number | null; saturated: number | null; ratio: number | null }[] | null) => ({ epoch, layers, boundary: null, health });

  it('draws one series per layer over the measured snapshots only, leaving out what a log axis cannot show', () => {
    const view = {
      snapshots: [
        snapshot(0, null),
        snapshot(10, [{ dead: 0, saturated: null, ratio: 0.5 }, { dead: null, saturated: 0, ratio: 0.1 }]),
        snapshot(20, null),
        snapshot(30, [{ dead: 5, saturated: null, ratio: 0 }, { dead: null, saturated: 1, ratio: 1e-3 }]),
      ],
    };
    expect(healthColumns(view)).toEqual({ epochs: [10, 30], layers: ['hidden', 'out'], ratios: [[0.5, null], [0.1, 1e-3]] });
    expect(healthColumns({ snapshots: [snapshot(0, null)] })).toBeNull();
    expect(unitsText(view.snapshots[3])).toEqual(['hidden: 5 of 12 never activate', 'out: 1 of 1 saturated']);
    expect(unitsText(view.snapshots[1])).toEqual([]);
    expect(unitsText(view.snapshots[0])).toEqual([]);
  });
});

describe('classScores (the panel\'s precision and recall)', () => {
  it('reads precision down a column and recall along a row, null where there is nothing to divide', () => {
    // 8 of class 0 (6 right), 4 of class 1 (3 right), none of class 2; 1 row of class 0 put in class 2.
    const matrix = [
      [6, 1, 1],
      [1, 3, 0],
      [0, 0, 0],
    ];
    expect(classScores(matrix)).toEqual([
      { precision: 6 / 7, recall: 6 / 8 },
      { precision: 3 / 4, recall: 3 / 4 },
      { precision: 0, recall: null },
    ]);
    expect(classScores([[0, 0], [2, 0]])).toEqual([{ precision: 0, recall: null }, { precision: null, recall: 0 }]);
  });
});

describe('compareColumns ("Compare runs")', () => {
  it('puts every run on the union of their epochs, with gaps where a run has none, and names each by its line', () => {
    const runs = [
      { label: 'train ring on disc (line 14)', line: 13, epochs: [1, 2, 3], loss: [0.5, 0.25, 0.125], validationLoss: null },
      { label: 'train ring on disc (line 24)', line: 23, epochs: [2, 4], loss: [0.4, 0.2], validationLoss: [0.45, null] },
    ];
    expect(compareColumns(runs)).toEqual({
      epochs: [1, 2, 3, 4],
      series: [
        { label: 'train ring on disc (line 14)', run: 0, validation: false, values: [0.5, 0.25, 0.125, null] },
        { label: 'train ring on disc (line 24)', run: 1, validation: false, values: [null, 0.4, null, 0.2] },
        { label: 'train ring on disc (line 24) validation', run: 1, validation: true, values: [null, 0.45, null, null] },
      ],
      logScale: true,
    });
    expect(compareColumns([{ ...runs[0], loss: [0.5, 0, 0.1] }]).logScale).toBe(false);
  });
});
