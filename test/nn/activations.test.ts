// The fused forward and delta loops compute exactly the formulas of ELEMENTWISE, and softmax is stable.

import { describe, expect, it } from 'vitest';
import { ELEMENTWISE, addBiasAndActivate, multiplyByDerivative, softmaxColumn } from '../../server/src/nn/activations';
import type { Activation } from '../../server/src/language/model';

const Z = [-800, -40, -3.5, -1, -1e-9, -0, 0, 1e-9, 0.25, 1, 3.5, 40, 800];
const KINDS = Object.keys(ELEMENTWISE) as Exclude<Activation, 'softmax'>[];

describe.each(KINDS)('%s', (kind) => {
  it('addBiasAndActivate(z + b) equals value(z + b), bit for bit, and stays finite', () => {
    const units = 2;
    const columns = Z.length;
    const z = Float64Array.from([...Z, ...Z]);
    const a = new Float64Array(units * columns);
    const biases = Float64Array.from([0, 0.5]);
    addBiasAndActivate(kind, biases, z, a, units, columns);
    Z.forEach((v, s) => {
      expect(Object.is(a[s], ELEMENTWISE[kind].value(v + 0))).toBe(true);
      expect(z[columns + s]).toBe(v + 0.5);
      expect(Object.is(a[columns + s], ELEMENTWISE[kind].value(v + 0.5))).toBe(true);
    });
    expect(Array.from(a).every(Number.isFinite)).toBe(true);
  });

  it('multiplyByDerivative equals δ · derivative(z, a)', () => {
    const z = Float64Array.from(Z);
    const a = Float64Array.from(Z, (v) => ELEMENTWISE[kind].value(v));
    const delta = Float64Array.from(Z, (_, i) => 0.3 - i * 0.1);
    const expected = Array.from(delta, (d, i) => d * ELEMENTWISE[kind].derivative(z[i], a[i]));
    multiplyByDerivative(kind, z, a, delta, Z.length);
    expect(Array.from(delta)).toEqual(expected);
  });

  it('derivative matches a central difference of value', () => {
    for (const v of [-2.5, -0.7, 0.3, 1.9]) {
      const h = 1e-6;
      const numeric = (ELEMENTWISE[kind].value(v + h) - ELEMENTWISE[kind].value(v - h)) / (2 * h);
      expect(ELEMENTWISE[kind].derivative(v, ELEMENTWISE[kind].value(v))).toBeCloseTo(numeric, 8);
    }
  });
});

describe('softmax', () => {
  it('sums to 1 and never overflows', () => {
    const z = Float64Array.from([1000, 999, -1000]);
    const a = new Float64Array(3);
    softmaxColumn(z, a, 3, 1, 0);
    expect(a[0] + a[1] + a[2]).toBeCloseTo(1, 15);
    expect(a[0] / a[1]).toBeCloseTo(Math.E, 12);
    expect(a[2]).toBe(0);
  });
});
