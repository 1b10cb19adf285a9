// The seeded generator: xoshiro128** to the reference implementation's numbers, ranges, streams and shuffling.

import { describe, expect, it } from 'vitest';
import { Rng, STREAM } from '../../server/src/nn/rng';

describe('Rng', () => {
  it('is xoshiro128**: the reference C code from state {1, 2, 3, 4} gives these numbers', () => {
    // Output of Blackman & Vigna's xoshiro128starstar.c (compiled with gcc) from s = {1, 2, 3, 4}.
    const reference = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849];
    const rng = Rng.fromState(1, 2, 3, 4);
    expect(reference.map(() => rng.nextUint32())).toEqual(reference);
  });

  it('gives the same sequence for the same seed and stream, another for another', () => {
    const draw = (seed: number, stream: number) => {
      const rng = new Rng(seed, stream);
      return Array.from({ length: 5 }, () => rng.nextUint32());
    };
    expect(draw(7, STREAM.init)).toEqual(draw(7, STREAM.init));
    expect(draw(7, STREAM.init)).not.toEqual(draw(7, STREAM.shuffle));
    expect(draw(7, STREAM.init)).not.toEqual(draw(8, STREAM.init));
    expect(draw(2 ** 32 + 7, STREAM.init)).not.toEqual(draw(7, STREAM.init)); // the high half of a seed counts
  });

  it('next() is in [0, 1), uniform() and int() stay in range and cover it', () => {
    const rng = new Rng(3);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 6000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      const u = rng.uniform(-2, 5);
      expect(u >= -2 && u < 5).toBe(true);
      counts[rng.int(6)]++;
    }
    for (const count of counts) expect(count).toBeGreaterThan(850);
  });

  it('normal() has mean 0 and variance 1', () => {
    const rng = new Rng(5);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('shuffle() permutes', () => {
    const values = Int32Array.from({ length: 50 }, (_, i) => i);
    new Rng(1).shuffle(values);
    expect(Array.from(values).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(values)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
