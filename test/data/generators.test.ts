// The four toy data sets: shape, defaults, seeding, and each one's class rule.

import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../server/src/data/generators';
import type { GeneratorKind } from '../../server/src/language/model';

const KINDS: GeneratorKind[] = ['xor', 'circle', 'spiral', 'gauss'];

function points(kind: GeneratorKind, args = {}) {
  const data = generateDataset('toy', kind, args);
  return Array.from({ length: data.rows }, (_, r) => ({
    x: data.inputs[2 * r],
    y: data.inputs[2 * r + 1],
    label: data.targets[r],
  }));
}

describe.each(KINDS)('%s', (kind) => {
  it('has 200 rows of 2 inputs and a 0/1 target by default, both classes present', () => {
    const data = generateDataset('toy', kind);
    expect(data).toMatchObject({ name: 'toy', rows: 200, inputWidth: 2, targetWidth: 1, inputNames: ['x1', 'x2'] });
    expect(data.inputs.length).toBe(400);
    const ones = Array.from(data.targets).filter((t) => t === 1).length;
    expect(Array.from(data.targets).every((t) => t === 0 || t === 1)).toBe(true);
    expect(ones).toBeGreaterThan(60);
    expect(ones).toBeLessThan(140);
  });

  it('is the same for the same seed and different for another', () => {
    const a = generateDataset('a', kind, { samples: 50, noise: 0.2, seed: 7 });
    const b = generateDataset('b', kind, { samples: 50, noise: 0.2, seed: 7 });
    const c = generateDataset('c', kind, { samples: 50, noise: 0.2, seed: 8 });
    expect(Array.from(a.inputs)).toEqual(Array.from(b.inputs));
    expect(Array.from(a.targets)).toEqual(Array.from(b.targets));
    expect(Array.from(a.inputs)).not.toEqual(Array.from(c.inputs));
  });

  it('honours samples, including an odd count', () => {
    expect(generateDataset('toy', kind, { samples: 37 }).rows).toBe(37);
  });
});

describe('class rules without noise', () => {
  it('xor: class 1 exactly where x1 and x2 have different signs', () => {
    for (const p of points('xor')) expect(p.label).toBe(p.x * p.y < 0 ? 1 : 0);
  });

  it('circle: class 1 inside radius 2.5, class 0 in the ring 3.5..5', () => {
    for (const p of points('circle')) {
      const r = Math.hypot(p.x, p.y);
      if (p.label === 1) expect(r).toBeLessThan(2.5);
      else expect(r).toBeGreaterThanOrEqual(3.5 - 1e-12);
    }
  });

  it('gauss: the blobs sit around (2, 2) for class 1 and (−2, −2) for class 0', () => {
    const ps = points('gauss', { samples: 400 });
    for (const label of [0, 1]) {
      const mine = ps.filter((p) => p.label === label);
      const meanX = mine.reduce((s, p) => s + p.x, 0) / mine.length;
      const meanY = mine.reduce((s, p) => s + p.y, 0) / mine.length;
      const centre = label === 1 ? 2 : -2;
      expect(Math.abs(meanX - centre)).toBeLessThan(0.3);
      expect(Math.abs(meanY - centre)).toBeLessThan(0.3);
    }
  });

  it('spiral: the two arms are point reflections of each other', () => {
    const ps = points('spiral', { samples: 100 });
    const arm = (label: number) => ps.filter((p) => p.label === label).map((p) => `${(-p.x).toFixed(9)},${(-p.y).toFixed(9)}`);
    const other = new Set(ps.filter((p) => p.label === 0).map((p) => `${p.x.toFixed(9)},${p.y.toFixed(9)}`));
    expect(arm(1).every((key) => other.has(key.replace(/-0\.000000000/g, '0.000000000')))).toBe(true);
  });

  it('noise blurs xor labels near the axes', () => {
    const clean = points('xor', { seed: 1 });
    const noisy = points('xor', { seed: 1, noise: 0.5 });
    const flipped = noisy.filter((p) => p.label !== (p.x * p.y < 0 ? 1 : 0)).length;
    expect(clean.every((p) => p.label === (p.x * p.y < 0 ? 1 : 0))).toBe(true);
    expect(flipped).toBeGreaterThan(0);
  });
});
