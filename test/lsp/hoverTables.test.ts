// How the hovers write W, b and vectors (lsp/hover.ts matrixLines, vector, sharedScale) and names from a CSV
// (markdownName, codeName): the columns a learner reads, exactly.
import { describe, expect, it } from 'vitest';
import { codeName, markdownName, matrixLines, sharedScale, vector } from '../../server/src/lsp/hover';

const layer = (weights: number[], biases: number[], units: number, inputs: number) => ({ weights: Float64Array.from(weights), biases: Float64Array.from(biases), units, inputs });

describe('matrixLines: W with b as its last column, right-aligned under labels', () => {
  it('three decimals for the usual weights', () => {
    expect(matrixLines(['h₁', 'h₂'], ['x₁', 'x₂'], layer([0.5, -1.25, 3, 0.125], [0, 2], 2, 2))).toEqual([
      '        x₁       x₂       b',
      'h₁   0.500   −1.250   0.000',
      'h₂   3.000    0.125   2.000',
    ]);
  });

  it('one decimal past 100; the compact form below 0.001 and from 10⁵; more decimals when asked, or scaled to the largest', () => {
    expect(matrixLines(['h₁', 'h₂'], ['x₁', 'x₂'], layer([150, -1.25, 3, 0.125], [0, 2], 2, 2))).toEqual(['        x₁     x₂     b', 'h₁   150.0   −1.3   0.0', 'h₂     3.0    0.1   2.0']);
    expect(matrixLines(['h₁'], ['x₁'], layer([0.0004], [-0.0002], 1, 1))).toEqual(['         x₁         b', 'h₁   0.0004   −0.0002']);
    expect(matrixLines(['h₁'], ['x₁'], layer([123456], [1], 1, 1))).toEqual(['           x₁   b', 'h₁   1.235e+5   1']);
    expect(matrixLines(['h₁'], ['x₁'], layer([1e5], [1], 1, 1))).toEqual(['           x₁   b', 'h₁   1.000e+5   1']);
    expect(matrixLines(['h₁'], ['x₁'], layer([99999], [1], 1, 1))).toEqual(['          x₁     b', 'h₁   99999.0   1.0']);
    expect(matrixLines(['h₁'], ['x₁'], layer([0.5], [0.25], 1, 1), 5)).toEqual(['          x₁         b', 'h₁   0.50000   0.25000']);
    expect(matrixLines(['h₁'], ['x₁'], layer([0.00123], [-0.0004], 1, 1), 'scaled')).toEqual(['          x₁          b', 'h₁   0.00123   −0.00040']);
  });

  it('more than 8 units or 6 inputs: the first three and the last two of each, with ⋮ and …', () => {
    const rows = Array.from({ length: 9 }, (_, i) => `h${i + 1}`);
    const columns = Array.from({ length: 7 }, (_, j) => `x${j + 1}`);
    expect(matrixLines(rows, columns, layer(Array.from({ length: 63 }, (_, i) => i / 100), Array(9).fill(0), 9, 7))).toEqual([
      '        x1      x2      x3   …      x6      x7       b',
      'h1   0.000   0.010   0.020   …   0.050   0.060   0.000',
      'h2   0.070   0.080   0.090   …   0.120   0.130   0.000',
      'h3   0.140   0.150   0.160   …   0.190   0.200   0.000',
      '⋮        ⋮       ⋮       ⋮   ⋮       ⋮       ⋮       ⋮',
      'h8   0.490   0.500   0.510   …   0.540   0.550   0.000',
      'h9   0.560   0.570   0.580   …   0.610   0.620   0.000',
    ]);
    // 8 units and 6 inputs are shown whole.
    const whole = matrixLines(rows.slice(0, 8), columns.slice(0, 6), layer(Array(48).fill(0.5), Array(8).fill(0), 8, 6));
    expect(whole).toHaveLength(9);
    expect(whole.join('\n')).not.toMatch(/[…⋮]/);
  });
});

describe('matrixLines: the decimals by the largest finite entry', () => {
  const cells = (weights: number[], biases: number[]) => matrixLines(['h₁'], ['x₁'], layer(weights, biases, 1, 1))[1].trim().split(/\s+/).slice(1);

  it('three decimals from 0.001, one from 100, compact below 0.001; a diverged entry sets no scale', () => {
    expect(cells([0.001], [0])).toEqual(['0.001', '0.000']);
    expect(cells([0.0009], [0])).toEqual(['0.0009', '0']);
    expect(cells([100], [0.25])).toEqual(['100.0', '0.3']);
    expect(cells([99.5], [0.25])).toEqual(['99.500', '0.250']);
    expect(cells([Infinity], [0.5])).toEqual(['∞', '0.500']);
    expect(cells([0.5], [-Infinity])).toEqual(['0.500', '−∞']);
  });
});

describe('vectors: one number of decimals for all, enough for three digits of the largest', () => {
  it('one value bare, several in brackets, a long one with its ends, zeros, huge and tiny ones compact', () => {
    expect(vector([0.5])).toBe('0.5');
    expect(vector([0.5, -0.001])).toBe('[0.500, −0.001]');
    expect(vector(Array.from({ length: 10 }, (_, i) => i / 10))).toBe('[0.000, 0.100, 0.200, 0.300, 0.400, 0.500, …, 0.900]');
    expect(vector(Array.from({ length: 8 }, (_, i) => i / 10))).toBe('[0.000, 0.100, 0.200, 0.300, 0.400, 0.500, 0.600, 0.700]');
    expect(vector([0, 0])).toBe('[0, 0]');
    expect(vector([2e6, 1])).toBe('[2e+6, 1]');
    expect(vector([1e-8, 0])).toBe('[1e-8, 0]');
    expect(sharedScale([12.5])(3)).toBe('3.0');
    expect(sharedScale([0.012])(0.0004)).toBe('0.0004');
    expect(sharedScale([0])(0.5)).toBe('0.5');
  });

  it('switches to compact numbers at 10⁶ and below 10⁻⁷ exactly, and scales by the finite values only', () => {
    expect(vector([1e6, 2])).toBe('[1e+6, 2]');
    expect(vector([999999, 2])).toBe('[999999, 2]');
    expect(vector([1e-7, 0])).toBe('[0.000000100, 0.000000000]');
    // A diverged entry does not set the scale of the others.
    expect(vector([1.5, Infinity])).toBe('[1.50, ∞]');
    expect(vector([NaN, 0.25])).toBe('[NaN, 0.250]');
  });
});

describe('names from a CSV', () => {
  it('every markdown character escaped; every kind of line break shown as ↵', () => {
    expect(markdownName('a*b_[c](d)#+-.!|<>~&{}`\\')).toBe('a\\*b\\_\\[c\\]\\(d\\)\\#\\+\\-\\.\\!\\|\\<\\>\\~\\&\\{\\}\\`\\\\');
    expect(codeName('a\r\nb\nc\rd\u2028e\u2029f')).toBe('a↵b↵c↵d↵e↵f');
  });
});
