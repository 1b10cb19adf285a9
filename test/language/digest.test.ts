// Run keys tell data sets apart by every bit of every number (RunSpec.key: equal keys give bit-identical training).
import { describe, expect, it } from 'vitest';
import { datasetDigest, Digest } from '../../server/src/language/digest';
import type { Dataset } from '../../server/src/language/model';

const hex = (values: Float64Array) => new Digest().numbers(values).hex();

describe('Digest.numbers', () => {
  it('changes with one bit of any number, in either half of its double, at either end', () => {
    const base = Float64Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1000);
    const seen = new Set([hex(base)]);
    for (const at of [0, 1, 500, 1000]) {
      for (const bit of [0, 31, 32, 52, 63]) {
        const changed = base.slice();
        const words = new Uint32Array(changed.buffer);
        words[2 * at + (bit >> 5)] ^= 1 << (bit & 31);
        seen.add(hex(changed));
      }
    }
    expect(seen.size).toBe(1 + 4 * 5);
    // 0 and -0 differ (in the sign bit), and so do a set and the same numbers in another order or one more.
    expect(hex(Float64Array.of(0))).not.toBe(hex(Float64Array.of(-0)));
    expect(hex(Float64Array.of(1, 2))).not.toBe(hex(Float64Array.of(2, 1)));
    expect(hex(Float64Array.of(1, 2))).not.toBe(hex(Float64Array.of(1, 2, 0)));
    expect(hex(base)).toBe(hex(base.slice()));
  });
});

describe('Digest.string and hex', () => {
  it('a digest is 16 hex digits, and near strings (every run key part is short) get different ones', () => {
    const texts = Array.from({ length: 2000 }, (_, i) => `k${i}`);
    const digests = texts.map((text) => new Digest().string(text).hex());
    for (const digest of digests) expect(digest).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(digests).size).toBe(texts.length);
    expect(new Digest().string('k1').string('2').hex()).not.toBe(new Digest().string('k12').hex());
  });
});

describe('datasetDigest', () => {
  const base = (): Dataset => ({
    name: 'd',
    rows: 2,
    inputWidth: 2,
    targetWidth: 1,
    inputs: Float64Array.of(1, 0, 0, 1),
    targets: Float64Array.of(1, 0),
    inputNames: ['ab', 'c'],
    classes: null,
    normalize: null,
    rowSpans: null,
  });

  it('a run retrains when anything it shows of its data changes, numbers or not: names, classes, normalization, categories', () => {
    const encoded = (categories: string[], column = 'color'): Dataset => ({ ...base(), inputNames: ['color=a', 'color=b'], encodings: [{ column, first: 0, categories }] });
    const variants: Dataset[] = [
      base(),
      { ...base(), name: 'e' },
      { ...base(), normalize: 'zscore' },
      { ...base(), inputNames: ['a', 'bc'] },
      { ...base(), classes: ['ab', 'c'] },
      { ...base(), classes: ['a', 'bc'] },
      encoded(['red', 'blue']),
      encoded(['green', 'blue']),
      encoded(['re', 'dblue']),
      encoded(['red', 'blue'], 'colour'),
    ];
    const digests = variants.map(datasetDigest);
    expect(new Set(digests).size).toBe(variants.length);
    // The same values in another object: the same key.
    expect(datasetDigest({ ...base(), inputs: base().inputs.slice() })).toBe(digests[0]);
  });
});
