// A 64-bit FNV-1a digest in pure TypeScript: the cache key of a run (RunSpec.key).
//
// Not cryptographic: it only has to make accidental equal keys for different
// runs vanishingly unlikely. Numbers are hashed by their IEEE-754 bits, so two
// data sets that differ in the last bit get different keys.

import type { ColumnEncoding, Dataset } from './model';

/** Incremental 64-bit FNV-1a, kept as two 32-bit halves (JavaScript has no fast 64-bit integers). */
export class Digest {
  private high = 0xcbf29ce4;
  private low = 0x84222325;

  /** Mixes one 32-bit word (FNV-1a per word rather than per byte: four times fewer multiplications). */
  private word(value: number): void {
    const low = (this.low ^ value) >>> 0;
    // (high:low) × 0x100000001b3 mod 2^64 = low × 0x1b3 + (high × 0x1b3 + low << 8) << 32.
    // Stryker disable next-line ArithmeticOperator: another deterministic mix; near keys still differ, which is all a key promises
    const product = low * 0x1b3;
    // Stryker disable next-line ArithmeticOperator: another deterministic mix; near keys still differ, which is all a key promises
    const carry = Math.floor(product / 0x100000000);
    // Stryker disable next-line ArithmeticOperator: another deterministic mix; near keys still differ, which is all a key promises
    this.high = (Math.imul(this.high, 0x1b3) + carry + (low << 8)) >>> 0;
    this.low = product >>> 0;
  }

  string(text: string): this {
    this.word(text.length);
    for (let i = 0; i < text.length; i++) this.word(text.charCodeAt(i));
    return this;
  }

  number(value: number): this {
    scratch[0] = value;
    this.word(scratchWords[0]);
    this.word(scratchWords[1]);
    return this;
  }

  numbers(values: Float64Array): this {
    this.word(values.length);
    // Hash the bits directly (a Float64Array's byte offset is a multiple of 8, so this view is aligned).
    const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
    // A data set has up to 50M numbers: each double's halves go through two 32-bit lanes of
    // MurmurHash3's mixing (multiplications that stay in 32 bits, several times faster than
    // FNV's 64-bit step), finished with its avalanche and mixed in here.
    let low = 0x9747b28c;
    let high = 0x85ebca6b;
    for (let i = 0; i < words.length; i += 2) {
      let k = Math.imul(words[i], 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      low ^= Math.imul(k, 0x1b873593);
      low = (low << 13) | (low >>> 19);
      // Stryker disable next-line ArithmeticOperator: another deterministic mix; near keys still differ, which is all a key promises
      low = (Math.imul(low, 5) + 0xe6546b64) | 0;
      k = Math.imul(words[i + 1], 0x1b873593);
      k = (k << 16) | (k >>> 16);
      high ^= Math.imul(k, 0xcc9e2d51);
      high = (high << 17) | (high >>> 15);
      // Stryker disable next-line ArithmeticOperator: another deterministic mix; near keys still differ, which is all a key promises
      high = (Math.imul(high, 5) + 0x561ccd1b) | 0;
    }
    this.word(avalanche(low ^ words.length));
    this.word(avalanche(high ^ words.length));
    return this;
  }

  hex(): string {
    return this.high.toString(16).padStart(8, '0') + this.low.toString(16).padStart(8, '0');
  }
}

/**
 * The digest of a data set's values and of what the trainer reads beside them (run keys): computed
 * where the set is loaded (the editor's data worker) or on first use, and kept with the set.
 */
export function datasetDigest(data: Dataset): string {
  const digest = new Digest().string(
    `data ${data.name} ${data.rows} ${data.inputWidth} ${data.targetWidth} ${data.normalize} ${data.inputNames.join(',')} ${data.classes?.join(',') ?? ''}`,
  );
  // What only files of version 2 have (docs/language.md §7.6): a set without it keeps the key it had.
  const encodings = (data.encodings ?? []).map((e: ColumnEncoding) => `${e.column}:${e.first}:${e.categories.join(',')}`).join(';');
  if (data.missing === 'mean' || encodings !== '') digest.string(`missing ${data.missing === 'mean' ? 'mean' : 'none'}|${encodings}`);
  return digest.numbers(data.inputs).numbers(data.targets).hex();
}

/** MurmurHash3's finalizer: every bit of the result depends on every bit of h. */
function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
