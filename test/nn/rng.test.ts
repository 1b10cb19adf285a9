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

  it('a seed and a stream give these numbers on every machine and in every version: a run’s bits depend on them', () => {
    const first = (seed: number, stream?: number) => {
      const rng = stream === undefined ? new Rng(seed) : new Rng(seed, stream);
      return Array.from({ length: 4 }, () => rng.nextUint32());
    };
    expect(first(0)).toEqual([792981163, 709873329, 822304356, 90593216]);
    expect(first(0, 0)).toEqual(first(0));
    expect(first(7, 1)).toEqual([129834223, 1486681505, 893246193, 3096935103]);
    expect(first(2 ** 40 + 3, 5)).toEqual([3863008470, 1593251680, 1944168571, 4187236819]);
    expect(first(4294967295, 2)).toEqual([944042994, 407902894, 3097165074, 3433939610]);
  });

  it('next() is 53 bits: 27 of one draw and 26 of the next, over 2^53; uniform() scales it', () => {
    const rng = new Rng(4);
    const words = new Rng(4);
    for (let i = 0; i < 20; i++) {
      const high = words.nextUint32() >>> 5;
      const low = words.nextUint32() >>> 6;
      expect(rng.next()).toBe((high * 2 ** 26 + low) / 2 ** 53);
    }
    const a = new Rng(6);
    const b = new Rng(6);
    for (let i = 0; i < 20; i++) expect(a.uniform(-3, 5)).toBe(-3 + 8 * b.next());
  });

  it('int(n) is a draw modulo n below the largest multiple of n, and takes no draw for n ≤ 1', () => {
    const rng = new Rng(8);
    const words = new Rng(8);
    for (let i = 0; i < 50; i++) expect(rng.int(10)).toBe(words.nextUint32() % 10);
    expect(rng.int(1)).toBe(0);
    expect(rng.int(0)).toBe(0);
    expect(rng.nextUint32()).toBe(words.nextUint32());
    // n = 2^32 is one draw, whole; beyond, a 53-bit double times n.
    expect(rng.int(2 ** 32)).toBe(words.nextUint32());
    const big = 2 ** 40;
    expect(rng.int(big)).toBe(Math.floor(words.next() * big));
  });

  it('int(n) rejects the draws at or above the largest multiple of n below 2^32 (no modulo bias)', () => {
    // n = 2^31 + 1: the largest multiple below 2^32 is n itself, so a draw of n or more is rejected.
    const n = 2 ** 31 + 1;
    const rng = new Rng(12);
    const words = new Rng(12);
    let rejected = 0;
    for (let i = 0; i < 40; i++) {
      let x = words.nextUint32();
      while (x >= n) {
        rejected++;
        x = words.nextUint32();
      }
      expect(rng.int(n)).toBe(x);
    }
    expect(rejected).toBeGreaterThan(5);
  });

  it('normal() is Box–Muller on two doubles', () => {
    const rng = new Rng(9);
    const doubles = new Rng(9);
    for (let i = 0; i < 10; i++) {
      const u = doubles.next();
      const v = doubles.next();
      expect(rng.normal()).toBe(Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
    }
  });

  it('shuffle() is Fisher–Yates from the last position down, each swap with int(i + 1)', () => {
    const values = Int32Array.from({ length: 9 }, (_, i) => i);
    new Rng(2).shuffle(values);
    const expected = Array.from({ length: 9 }, (_, i) => i);
    const rng = new Rng(2);
    for (let i = 8; i > 0; i--) {
      const j = rng.int(i + 1);
      [expected[i], expected[j]] = [expected[j], expected[i]];
    }
    expect(Array.from(values)).toEqual(expected);
    // One draw per position but the first: the stream moves on by exactly eight int() calls.
    const after = new Rng(2);
    after.shuffle(Int32Array.from({ length: 9 }));
    expect(after.nextUint32()).toBe(rng.nextUint32());
  });

  it('saveState() and loadState() carry the state to a batch program and back; fromState() takes 32-bit words signed or not', () => {
    const rng = new Rng(3, 5);
    rng.nextUint32();
    const words = new Int32Array(4);
    rng.saveState(words);
    const copy = new Rng(0);
    copy.loadState(words);
    expect(Array.from({ length: 6 }, () => copy.nextUint32())).toEqual(Array.from({ length: 6 }, () => rng.nextUint32()));
    const unsigned = Rng.fromState(0xffffffff, 0x80000000, 3, 4);
    const signed = Rng.fromState(-1, -(2 ** 31), 3, 4);
    expect(Array.from({ length: 4 }, () => unsigned.nextUint32())).toEqual(Array.from({ length: 4 }, () => signed.nextUint32()));
    const saved = new Int32Array(4);
    Rng.fromState(1, 2, 3, 4).saveState(saved);
    expect(Array.from(saved)).toEqual([1, 2, 3, 4]);
  });
});
