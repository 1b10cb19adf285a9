// The math of one network in its own names: the symbol of each layer's output, the forward formula and the δ formula of each layer.
//
// Hover and inlay hints write W⁽ᵏ⁾, δ⁽ᵏ⁾, h and ŷ the way a backpropagation
// derivation on paper does, so a learner can match the numbers to the page.

import type { Activation, LossKind, NetworkSpec } from '../language/model';
import { LEAKY_RELU_SLOPE } from '../nn/activations';

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const SUBSCRIPT = '₀₁₂₃₄₅₆₇₈₉';

export function sup(n: number): string {
  return String(n).replace(/\d/g, (d) => SUPERSCRIPT[Number(d)]);
}

export function sub(n: number): string {
  return String(n).replace(/\d/g, (d) => SUBSCRIPT[Number(d)]);
}

/** `⁽ᵏ⁾` for layer k. */
export function layerMark(k: number): string {
  return `⁽${sup(k)}⁾`;
}

/**
 * The symbol of layer k's output (k from 1): ŷ for the last layer, h for the
 * only hidden layer (as in the classic derivation), a⁽ᵏ⁾ when there are several.
 * Layer 0 is the input x.
 */
export function outputSymbol(network: NetworkSpec, k: number): string {
  if (k === 0) return 'x';
  if (k === network.layers.length) return 'ŷ';
  if (network.layers.length === 2) return 'h';
  return `a${layerMark(k)}`;
}

/** The label of unit i (0-based) of layer k: x₁, h₂, ŷ₁, a⁽²⁾₃. */
export function unitLabel(network: NetworkSpec, k: number, i: number): string {
  return `${outputSymbol(network, k)}${sub(i + 1)}`;
}

/** The function name used in formulas: σ for sigmoid, the activation's own name otherwise. */
export function activationSymbol(activation: Activation | string): string {
  return activation === 'sigmoid' ? 'σ' : activation;
}

/** `z⁽¹⁾ = W⁽¹⁾x + b⁽¹⁾,  h = σ(z⁽¹⁾)` for layer k (1-based). */
export function forwardFormula(network: NetworkSpec, k: number): string {
  const layer = network.layers[k - 1];
  const m = layerMark(k);
  const input = outputSymbol(network, k - 1);
  const output = outputSymbol(network, k);
  const z = `z${m} = W${m}${input} + b${m}`;
  const a = layer.activation === 'linear' ? `${output} = z${m}` : `${output} = ${activationSymbol(layer.activation)}(z${m})`;
  return `${z},  ${a}`;
}

/** act′ of layer k written in its output's symbol: h ⊙ (1 − h) for sigmoid, 1 − h² for tanh, 𝟙[z⁽ᵏ⁾ > 0] for relu … */
export function derivativeFactor(network: NetworkSpec, k: number): string | null {
  const layer = network.layers[k - 1];
  const a = outputSymbol(network, k);
  const m = layerMark(k);
  switch (layer.activation) {
    case 'sigmoid':
      return `${a} ⊙ (1 − ${a})`;
    case 'tanh':
      return `(1 − ${a}²)`;
    case 'relu':
      return `𝟙[z${m} > 0]`;
    case 'leaky_relu':
      return `(𝟙[z${m} > 0] + ${LEAKY_RELU_SLOPE}·𝟙[z${m} ≤ 0])`;
    case 'linear':
      return null;
    case 'softmax':
      return `softmax′(z${m})`;
  }
}

/**
 * The δ formula of layer k (1-based) for the run's loss: the output layer's
 * δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾ in its simplest exact form, a hidden layer's by the delta rule.
 */
export function deltaFormula(network: NetworkSpec, k: number, loss: LossKind): string {
  const L = network.layers.length;
  const m = layerMark(k);
  if (k === L) {
    const layer = network.layers[k - 1];
    const y = 'ŷ';
    if (loss === 'cross_entropy' && (layer.activation === 'softmax' || (layer.activation === 'sigmoid' && layer.units === 1))) {
      return `δ${m} = ${y} − y`;
    }
    if (loss === 'mse') {
      switch (layer.activation) {
        case 'sigmoid':
          return `δ${m} = (${y} − y) ⊙ ${y}(1 − ${y})`;
        case 'linear':
          return `δ${m} = ${y} − y`;
        case 'tanh':
          return `δ${m} = (${y} − y) ⊙ (1 − ${y}²)`;
        case 'relu':
        case 'leaky_relu':
          return `δ${m} = (${y} − y) ⊙ ${derivativeFactor(network, k)}`;
        case 'softmax':
          return `δ${m} = J_softmax(z${m})ᵀ (${y} − y)`;
      }
    }
    return `δ${m} = ∂L/∂${y} ⊙ ${activationSymbol(layer.activation)}′(z${m})`;
  }
  const next = layerMark(k + 1);
  const factor = derivativeFactor(network, k);
  const back = `W${next}ᵀ δ${next}`;
  return factor === null ? `δ${m} = ${back}` : `δ${m} = (${back}) ⊙ ${factor}`;
}

/** The per-sample loss written for the run: ½(ŷ − y)², −Σ y log ŷ, or the binary cross-entropy. */
export function lossFormula(network: NetworkSpec, loss: LossKind): string {
  const outputs = network.layers[network.layers.length - 1]?.units ?? 1;
  if (loss === 'mse') return outputs === 1 ? '½(ŷ − y)²' : '½‖ŷ − y‖²';
  const last = network.layers[network.layers.length - 1];
  if (last && last.activation === 'sigmoid' && last.units === 1) return '−(y log ŷ + (1 − y) log(1 − ŷ))';
  return '−Σ y log ŷ';
}
