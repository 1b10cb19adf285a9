// Short descriptions of networks, layers and data sets, shared by hover, inlay hints, symbols and completion so they read the same everywhere.

import type { Dataset, LayerSpec, NetworkSpec } from '../language/model';
import { plural } from '../language/wording';

/** Trainable parameters of layer `index` (0-based): units × (inputs + 1), the +1 being the bias. */
export function layerParameters(network: NetworkSpec, index: number): number {
  const layer = network.layers[index];
  return layer.units * (layerInputs(network, index) + 1);
}

/** Width of the layer's input: the network's input for the first layer, the previous layer's units otherwise. */
export function layerInputs(network: NetworkSpec, index: number): number {
  return index === 0 ? network.input : network.layers[index - 1].units;
}

export function networkParameters(network: NetworkSpec): number {
  let total = 0;
  for (let i = 0; i < network.layers.length; i++) total += layerParameters(network, i);
  return total;
}

/** `1 param`, `12 params`, `1,234 params`. */
export function params(count: number): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'param' : 'params'}`;
}

/** `2 → 4 → 1`: the widths from input to output. */
export function networkShape(network: NetworkSpec): string {
  return [network.input, ...network.layers.map((l) => l.units)].join(' → ');
}

export function layerDetail(network: NetworkSpec, index: number, layer: LayerSpec = network.layers[index]): string {
  return `${layerInputs(network, index)} → ${layer.units}, ${layer.activation} · ${params(layerParameters(network, index))}`;
}

/** `4 rows · 2 → 1` (with the classes for one-hot targets). */
export function datasetSummary(data: Dataset): string {
  const rows = `${data.rows.toLocaleString('en-US')} ${data.rows === 1 ? 'row' : 'rows'}`;
  const classes = data.classes ? ` (${plural(data.classes.length, 'class', 'classes')})` : '';
  return `${rows} · ${data.inputWidth} → ${data.targetWidth}${classes}`;
}

/** Compact number for hints and tables: 4 significant digits, no trailing zeros, exponent when tiny or huge. */
export function formatNumber(value: number, digits = 4): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  let text: string;
  if (magnitude >= 1e6 || magnitude < 1e-4) {
    text = value.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, 'e');
  } else {
    text = value.toPrecision(digits);
    if (text.includes('.') && !text.includes('e')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  }
  return text.replace(/^-/, '−');
}

/** Fixed decimals with a true minus sign, for aligned matrix columns. */
export function fixed(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return formatNumber(value);
  const text = value.toFixed(decimals);
  // -0.000 reads as a sign error; show it as 0.000.
  if (/^-0\.?0*$/.test(text)) return text.slice(1);
  return text.replace(/^-/, '−');
}
