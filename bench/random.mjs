// Seeded random numbers for the benchmarks (mulberry32), so every machine and every library sees the same specs and data.

/** mulberry32: a small seeded generator; the same seed gives the same sequence everywhere (the tests take it from here through test/support/random.ts). */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
