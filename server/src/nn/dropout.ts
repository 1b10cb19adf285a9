// Inverted dropout (docs/language.md §7.2): the masks of a chunk drawn from the run's dropout stream, and where training applies them.
//
// During training, each output of a layer with `dropout P%` is kept with
// probability 1 − P and then scaled by 1/(1 − P), so its expected value is
// unchanged; the rest are 0:
//   forward   ã⁽ᵏ⁾ = a⁽ᵏ⁾ ⊙ m⁽ᵏ⁾,  m⁽ᵏ⁾ᵢ ∈ {0, 1/(1 − P)}   (the next layer reads ã⁽ᵏ⁾)
//   backward  δ⁽ᵏ⁾ = ((W⁽ᵏ⁺¹⁾ᵀ δ⁽ᵏ⁺¹⁾) ⊙ act′(z⁽ᵏ⁾)) ⊙ m⁽ᵏ⁾
//   gradient  ∂L/∂W⁽ᵏ⁺¹⁾ = δ⁽ᵏ⁺¹⁾ ã⁽ᵏ⁾ᵀ
// Evaluation (validation, accuracy, predictions, hovers, finalLoss) runs the
// plain forward pass and never drops. a⁽ᵏ⁾ itself is kept, so act′ reads the
// activation it always reads.
//
// One 32-bit draw per output: dropped when it is below ⌊P·2³²⌋. A chunk's draws go
// sample by sample, then layer by layer (first to last), then unit by unit, so the
// masks depend on the seed and the order of the samples only, not on how a batch is
// cut into chunks, on the path or on the number of threads.

import type { Vector } from './activations';
import type { Rng } from './rng';

/** The dropout of a trainer's layers, per layer 0..L (entries of layers without dropout unused). */
export interface DropoutLayers {
  /** m⁽ᵏ⁾ of the chunk in flight (n_k × capacity, 0 or 1/(1 − P)), or null for a layer without dropout. */
  masks: (Vector | null)[];
  /** What the next layer reads in training: ã⁽ᵏ⁾ for a layer with dropout, a⁽ᵏ⁾ itself otherwise. */
  outputs: Vector[];
  /** ⌊P·2³²⌋: a draw below it drops the output. */
  thresholds: number[];
  /** 1/(1 − P). */
  scales: number[];
}

/** ⌊P·2³²⌋ for a share P in [0, 1). */
export function dropThreshold(share: number): number {
  return Math.floor(share * 4294967296);
}

/**
 * m⁽ᵏ⁾ for the `columns` samples of a chunk: for each sample, each layer with dropout, each of
 * its units, one draw: 0 when it is below the threshold, else the scale.
 */
export function drawMasks(dropout: DropoutLayers, sizes: readonly number[], columns: number, rng: Rng): void {
  const { masks, thresholds, scales } = dropout;
  for (let s = 0; s < columns; s++) {
    for (let k = 1; k < masks.length; k++) {
      const mask = masks[k];
      if (mask === null) continue;
      const threshold = thresholds[k];
      const scale = scales[k];
      for (let j = 0, i = s; j < sizes[k]; j++, i += columns) mask[i] = rng.nextUint32() < threshold ? 0 : scale;
    }
  }
}

/** out ← a ⊙ m over the first `count` elements (ã⁽ᵏ⁾, or δ⁽ᵏ⁾ in place). */
export function multiplyByMask(a: Vector, mask: Vector, out: Vector, count: number): void {
  for (let i = 0; i < count; i++) out[i] = a[i] * mask[i];
}
