/** mulberry32: a small seeded generator; the same seed gives the same sequence everywhere (random.mjs). */
export function random(seed: number): () => number;
