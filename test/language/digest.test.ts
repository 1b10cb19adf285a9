// Run keys tell data sets apart by every bit of every number (RunSpec.key: equal keys give bit-identical training).
import { describe, expect, it } from 'vitest';
import { Digest } from '../../server/src/language/digest';

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
