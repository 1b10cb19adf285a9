// The numbers, counts and formulas hovers, hints and symbols write (lsp/describe.ts, lsp/notation.ts), exactly as a user reads them.
import { describe, expect, it } from 'vitest';
import type { Activation, Dataset, LossKind, NetworkSpec } from '../../server/src/language/model';
import { datasetSummary, fixed, formatNumber, params } from '../../server/src/lsp/describe';
import { deltaFormula, derivativeFactor, forwardFormula, lossFormula } from '../../server/src/lsp/notation';

describe('formatNumber: four significant digits, no trailing zeros, an exponent when tiny or huge', () => {
  it.each([
    [0.5, '0.5'], [3, '3'], [12.5, '12.5'], [1000, '1000'], [123456, '1.235e+5'],
    [-0.25, '−0.25'], [0, '0'],
    // 10⁶ and up, and below 10⁻⁴: an exponent, with its own minus sign kept as written.
    [1e6, '1e+6'], [1234567, '1.235e+6'],
    [1e-4, '0.0001'], [5e-5, '5e-5'], [1.5e-5, '1.5e-5'], [1.2345e-5, '1.234e-5'], [-1.5e-5, '−1.5e-5'],
    [Number.NaN, 'NaN'], [Infinity, '∞'], [-Infinity, '−∞'],
  ])('%s reads %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it('takes fewer digits when asked', () => {
    expect(formatNumber(1.2345e-5, 2)).toBe('1.2e-5');
    expect(formatNumber(0.123456, 3)).toBe('0.123');
  });
});

describe('fixed: aligned decimals with a true minus sign', () => {
  it.each([
    [0.5, 3, '0.500'], [-0.5, 3, '−0.500'], [12, 1, '12.0'],
    // A negative that rounds to zero is zero, not a sign error.
    [-0.0001, 3, '0.000'], [-0.2, 0, '0'],
    [Infinity, 3, '∞'], [-Infinity, 3, '−∞'], [Number.NaN, 3, 'NaN'],
  ])('%s with %s decimals reads %s', (value, decimals, text) => {
    expect(fixed(value, decimals)).toBe(text);
  });
});

describe('counts', () => {
  it('params: one, several, thousands', () => {
    expect(params(1)).toBe('1 param');
    expect(params(12)).toBe('12 params');
    expect(params(1234)).toBe('1,234 params');
  });

  it('a data set: rows, widths and classes, one or several', () => {
    const data = (rows: number, classes: string[] | null) => ({ rows, inputWidth: 2, targetWidth: classes?.length ?? 1, classes }) as unknown as Dataset;
    expect(datasetSummary(data(1, null))).toBe('1 row · 2 → 1');
    expect(datasetSummary(data(12000, null))).toBe('12,000 rows · 2 → 1');
    expect(datasetSummary(data(4, ['yes']))).toBe('4 rows · 2 → 1 (1 class)');
    expect(datasetSummary(data(4, ['a', 'b', 'c']))).toBe('4 rows · 2 → 3 (3 classes)');
  });
});

/** A network of these layers (units, activation) on two inputs. */
function net(...layers: [number, Activation][]): NetworkSpec {
  return { name: 'n', input: 2, layers: layers.map(([units, activation]) => ({ units, activation, init: 'xavier' })) } as unknown as NetworkSpec;
}

describe('the formulas of a network in its own names (docs/editor.md "Hover")', () => {
  it('forward: σ(z) for an activation, z itself for a linear layer', () => {
    expect(forwardFormula(net([3, 'tanh'], [1, 'sigmoid']), 1)).toBe('z⁽¹⁾ = W⁽¹⁾x + b⁽¹⁾,  h = tanh(z⁽¹⁾)');
    expect(forwardFormula(net([3, 'tanh'], [1, 'linear']), 2)).toBe('z⁽²⁾ = W⁽²⁾h + b⁽²⁾,  ŷ = z⁽²⁾');
  });

  it("each activation's derivative in its output's symbol", () => {
    const cases: [Activation, string | null][] = [
      ['sigmoid', 'h ⊙ (1 − h)'], ['tanh', '(1 − h²)'], ['relu', '𝟙[z⁽¹⁾ > 0]'],
      ['leaky_relu', '(𝟙[z⁽¹⁾ > 0] + 0.01·𝟙[z⁽¹⁾ ≤ 0])'], ['linear', null], ['softmax', 'softmax′(z⁽¹⁾)'],
    ];
    for (const [activation, factor] of cases) expect(derivativeFactor(net([3, activation], [1, 'sigmoid']), 1)).toBe(factor);
  });

  it("the output layer's δ: the simplest exact form for each loss and activation", () => {
    const output = (units: number, activation: Activation, loss: LossKind) => deltaFormula(net([3, 'tanh'], [units, activation]), 2, loss);
    expect(output(3, 'softmax', 'cross_entropy')).toBe('δ⁽²⁾ = ŷ − y');
    expect(output(1, 'sigmoid', 'cross_entropy')).toBe('δ⁽²⁾ = ŷ − y');
    // Several sigmoid outputs with cross-entropy have no such shortcut: the chain rule as written.
    expect(output(3, 'sigmoid', 'cross_entropy')).toBe('δ⁽²⁾ = ∂L/∂ŷ ⊙ σ′(z⁽²⁾)');
    expect(output(1, 'tanh', 'cross_entropy')).toBe('δ⁽²⁾ = ∂L/∂ŷ ⊙ tanh′(z⁽²⁾)');
    expect(output(1, 'sigmoid', 'mse')).toBe('δ⁽²⁾ = (ŷ − y) ⊙ ŷ(1 − ŷ)');
    expect(output(1, 'linear', 'mse')).toBe('δ⁽²⁾ = ŷ − y');
    expect(output(1, 'tanh', 'mse')).toBe('δ⁽²⁾ = (ŷ − y) ⊙ (1 − ŷ²)');
    expect(output(1, 'relu', 'mse')).toBe('δ⁽²⁾ = (ŷ − y) ⊙ 𝟙[z⁽²⁾ > 0]');
    expect(output(1, 'leaky_relu', 'mse')).toBe('δ⁽²⁾ = (ŷ − y) ⊙ (𝟙[z⁽²⁾ > 0] + 0.01·𝟙[z⁽²⁾ ≤ 0])');
    expect(output(3, 'softmax', 'mse')).toBe('δ⁽²⁾ = J_softmax(z⁽²⁾)ᵀ (ŷ − y)');
  });

  it("a hidden layer's δ by the delta rule; a linear one has no derivative factor", () => {
    expect(deltaFormula(net([3, 'tanh'], [1, 'sigmoid']), 1, 'mse')).toBe('δ⁽¹⁾ = (W⁽²⁾ᵀ δ⁽²⁾) ⊙ (1 − h²)');
    expect(deltaFormula(net([3, 'linear'], [1, 'sigmoid']), 1, 'mse')).toBe('δ⁽¹⁾ = W⁽²⁾ᵀ δ⁽²⁾');
  });

  it('the per-sample loss: squared error of one or several outputs, binary or categorical cross-entropy', () => {
    expect(lossFormula(net([3, 'tanh'], [1, 'sigmoid']), 'mse')).toBe('½(ŷ − y)²');
    expect(lossFormula(net([3, 'tanh'], [3, 'sigmoid']), 'mse')).toBe('½‖ŷ − y‖²');
    expect(lossFormula(net([3, 'tanh'], [1, 'sigmoid']), 'cross_entropy')).toBe('−(y log ŷ + (1 − y) log(1 − ŷ))');
    expect(lossFormula(net([3, 'tanh'], [3, 'softmax']), 'cross_entropy')).toBe('−Σ y log ŷ');
    // One output that is not a sigmoid is not the binary form.
    expect(lossFormula(net([3, 'sigmoid'], [1, 'tanh']), 'cross_entropy')).toBe('−Σ y log ŷ');
    expect(lossFormula(net([3, 'tanh'], [2, 'sigmoid']), 'cross_entropy')).toBe('−Σ y log ŷ');
  });
});
