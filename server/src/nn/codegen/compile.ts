// Compiles one small network's training loop to WebAssembly: the batch program of server/wasm/batches.ts, specialized to the network's sizes and buffers.
//
// batches.ts is general: it loops over layers, units and samples, calls a
// product kernel per layer, and reads every size and address from the plan.
// For a small network that bookkeeping is most of the work, and a fresh
// process runs it in V8's baseline code for its first thousands of epochs.
// Here the sizes, activations and addresses are constants: one sample's
// forward pass, loss, δ and gradient terms become straight-line code on
// locals, inside a loop over the samples of a chunk.
//
// The numbers are batches.ts's (and so trainer.ts's) bit for bit
// (test/kernels/batches.test.ts runs every case compiled and not). What makes
// that hold:
//   - each element of a product is still one sum over its shared dimension in
//     increasing order, from +0, a multiply then an add per term, in the
//     storage type; a gradient's sum runs over the samples of a chunk in order,
//     as the product D Aᵀ does, and is stored, or added to the stored one, at
//     the end of the chunk;
//   - everything else repeats the formulas of batches.ts in the same order in
//     f64, rounding to the storage type where the JavaScript stores a value;
//   - e^x, tanh, log and log1p are the same imported Math functions, and the
//     optimizer step is the kernels' own sgd/adam pass.
// A sample's z, a and δ stay in locals instead of the trainer's chunk buffers;
// nothing reads those buffers after a batch (explain and predict run their own pass).

import { ACTIVATION_CODES, EPOCHS_PER_CALL, F, L, LAYER_WORDS, LOSS, P } from '../planLayout';
import { encodeModule, FunctionBody, Op, type FunctionImport, type ValueType } from './assembler';

/** Networks with at most this many parameters (W and b) are compiled: the code grows with them. */
export const MAX_COMPILED_PARAMETERS = 2048;
/** … and at most this many units in all (each sample's values are locals). */
export const MAX_COMPILED_UNITS = 512;

const ACT = ACTIVATION_CODES;
const LOG_FLOOR = 1e-12;

/** Function indices: the imports (compiledImports), then run (5) and evaluate. */
const EXP = 0, TANH = 1, LOG = 2, LOG1P = 3, OPTIMIZER = 4, EVALUATE = 6;

/** Whether compileNetwork takes a network of these layer sizes (n_0 … n_L). */
export function compilable(sizes: readonly number[]): boolean {
  let parameters = 0;
  let units = 0;
  for (let k = 0; k < sizes.length; k++) {
    units += sizes[k];
    if (k > 0) parameters += sizes[k] * (sizes[k - 1] + 1);
  }
  return parameters <= MAX_COMPILED_PARAMETERS && units <= MAX_COMPILED_UNITS;
}

/** The functions a compiled module imports, as the kernels' instance provides them (same order as the indices above). */
export function compiledImports(precision: 'f64' | 'f32', optimizer: 'sgd' | 'adam'): FunctionImport[] {
  const f64 = (count: number): ValueType[] => Array.from({ length: count }, () => 'f64');
  const math = (name: string): FunctionImport => ({ module: 'math', name, parameters: ['f64'], results: ['f64'] });
  const step: FunctionImport =
    optimizer === 'sgd'
      ? { module: 'kernels', name: `sgd_${precision}`, parameters: ['i32', 'i32', 'i32', 'i32', ...f64(3)], results: [] }
      : { module: 'kernels', name: `adam_${precision}`, parameters: ['i32', 'i32', 'i32', 'i32', 'i32', ...f64(9)], results: [] };
  return [math('exp'), math('tanh'), math('log'), math('log1p'), step];
}

/** The storage type's instructions. */
interface Storage {
  type: 'f64' | 'f32';
  load: number;
  store: number;
  align: number;
  size: number;
  add: number;
  mul: number;
  gt: number;
  /** f64 ← storage value (nothing for f64). */
  widen: number[];
  /** storage value ← f64, rounded as a Float32Array stores it (nothing for f64). */
  narrow: number[];
}

const F64: Storage = { type: 'f64', load: Op.f64_load, store: Op.f64_store, align: 3, size: 8, add: Op.f64_add, mul: Op.f64_mul, gt: Op.f64_gt, widen: [], narrow: [] };
const F32: Storage = {
  type: 'f32', load: Op.f32_load, store: Op.f32_store, align: 2, size: 4, add: Op.f32_add, mul: Op.f32_mul, gt: Op.f32_gt,
  widen: [Op.f64_promote_f32], narrow: [Op.f32_demote_f64],
};

/** What the compiler reads from a filled plan: sizes, activations, formulas and addresses. */
interface Shape {
  layers: number;
  sizes: number[];
  activations: number[];
  weights: number[];
  biases: number[];
  weightGradients: number[];
  biasGradients: number[];
  weightUpdates: number[];
}

function shapeOf(words: Int32Array): Shape {
  const layers = words[P.layers];
  const field = (k: number, f: number) => words[P.layerBase + k * LAYER_WORDS + f];
  const per = (f: number) => Array.from({ length: layers + 1 }, (_, k) => field(k, f));
  return {
    layers,
    sizes: per(L.size),
    activations: per(L.activation),
    weights: per(L.weights),
    biases: per(L.biases),
    weightGradients: per(L.weightGradients),
    biasGradients: per(L.biasGradients),
    weightUpdates: per(L.weightUpdates),
  };
}

/**
 * One sample's code in a function: its values as locals (a⁽⁰⁾ … a⁽ᴸ⁾, z, δ, y), and the
 * forward pass, loss and δ⁽ᴸ⁾, correctness, backpropagation and gradient terms written out.
 */
class SampleCode {
  readonly a: number[][];
  readonly z: number[][];
  readonly d: number[][];
  readonly y: number[];
  private readonly v: number;
  private readonly e: number;
  private readonly sum: number;
  private readonly other: number;
  private readonly max: number;
  readonly sampleLoss: number;

  constructor(
    private readonly f: FunctionBody,
    private readonly shape: Shape,
    private readonly s: Storage,
    private readonly loss: number,
    private readonly classification: number,
  ) {
    const n = shape.sizes;
    const locals = (count: number, type: ValueType) => Array.from({ length: count }, () => f.local(type));
    this.a = n.map((units) => locals(units, s.type));
    this.z = n.map((units, k) => (k === 0 ? [] : locals(units, s.type)));
    this.d = n.map((units, k) => (k === 0 ? [] : locals(units, s.type)));
    this.y = locals(n[shape.layers], s.type);
    [this.v, this.e, this.sum, this.other, this.max, this.sampleLoss] = locals(6, 'f64');
  }

  private get(local: number): FunctionBody {
    return this.f.index(Op.local_get, local);
  }

  /** A local of the storage type, widened to f64. */
  private wide(local: number): FunctionBody {
    this.get(local);
    for (const op of this.s.widen) this.f.op(op);
    return this.f;
  }

  /** Stores the f64 on the stack into a storage-type local, rounded. */
  private narrowInto(local: number): void {
    for (const op of this.s.narrow) this.f.op(op);
    this.f.index(Op.local_set, local);
  }

  /** The storage value at a constant address. */
  private loadAt(address: number): void {
    this.f.i32(0).memory(this.s.load, this.s.align, address);
  }

  /** a⁽⁰⁾ and y of the row whose inputs start at (the i32 on top of `inputBase`) + offset, targets likewise. */
  loadRow(inputBase: () => void, inputOffset: number, targetBase: () => void, targetOffset: number): void {
    const n = this.shape.sizes;
    for (let c = 0; c < n[0]; c++) {
      inputBase();
      this.f.memory(Op.f64_load, 3, inputOffset + 8 * c);
      this.narrowInto(this.a[0][c]);
    }
    for (let c = 0; c < n[this.shape.layers]; c++) {
      targetBase();
      this.f.memory(Op.f64_load, 3, targetOffset + 8 * c);
      this.narrowInto(this.y[c]);
    }
  }

  /** z⁽ᵏ⁾ = W⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ + b⁽ᵏ⁾, a⁽ᵏ⁾ = act(z⁽ᵏ⁾), k = 1..L. */
  forward(): void {
    const { sizes: n, activations, weights, biases } = this.shape;
    const f = this.f;
    const s = this.s;
    for (let k = 1; k <= this.shape.layers; k++) {
      const act = activations[k];
      for (let l = 0; l < n[k]; l++) {
        // Σ_t W[l][t] a[t], from +0 in increasing t, in the storage type.
        this.zero();
        for (let t = 0; t < n[k - 1]; t++) {
          this.loadAt(weights[k] + s.size * (l * n[k - 1] + t));
          this.get(this.a[k - 1][t]);
          f.op(s.mul).op(s.add);
        }
        if (act === ACT.relu || act === ACT.linear) {
          // The product's fused epilogue: z = Σ + b in the storage type; a = relu(z) or z.
          this.loadAt(biases[k] + s.size * l);
          f.op(s.add).index(Op.local_tee, this.z[k][l]);
          if (act === ACT.relu) {
            this.zero();
            this.get(this.z[k][l]);
            this.zero();
            f.op(s.gt).op(Op.select);
          }
          f.index(Op.local_set, this.a[k][l]);
          continue;
        }
        // addBiasAndActivate: v = z + b in f64 (z as stored), z ← v rounded, a = act(v) rounded.
        for (const op of s.widen) f.op(op);
        this.loadAt(biases[k] + s.size * l);
        for (const op of s.widen) f.op(op);
        f.op(Op.f64_add).index(Op.local_tee, this.v);
        this.narrowInto(this.z[k][l]);
        this.activate(act);
        this.narrowInto(this.a[k][l]);
      }
      if (act === ACT.softmax) this.softmax(k);
    }
  }

  /** The storage type's +0. */
  private zero(): void {
    if (this.s.type === 'f32') this.f.f32(0);
    else this.f.f64(0);
  }

  /** act(v) on the stack, v in this.v (softmax: v itself, normalized afterwards). */
  private activate(act: number): void {
    const f = this.f;
    const v = this.v;
    switch (act) {
      case ACT.sigmoid:
        // v ≥ 0 ? 1/(1 + e^−v) : e^v/(1 + e^v)
        this.get(v).f64(0).op(Op.f64_ge);
        f.op(Op.if).op(0x7c);
        f.f64(1).f64(1);
        this.get(v).op(Op.f64_neg).index(Op.call, EXP);
        f.op(Op.f64_add).op(Op.f64_div);
        f.op(Op.else);
        this.get(v).index(Op.call, EXP).index(Op.local_tee, this.e);
        f.f64(1);
        this.get(this.e).op(Op.f64_add).op(Op.f64_div);
        f.op(Op.end);
        return;
      case ACT.tanh:
        this.get(v).index(Op.call, TANH);
        return;
      case ACT.leaky_relu:
        // v > 0 ? v : 0.01 v
        this.get(v).f64(0.01);
        this.get(v).op(Op.f64_mul);
        this.get(v).f64(0).op(Op.f64_gt).op(Op.select);
        return;
      default:
        this.get(v);
    }
  }

  /** softmaxColumn: a = e^{z − max z} / Σ e^{z − max z}, NaN throughout when max z is not finite. */
  private softmax(k: number): void {
    const f = this.f;
    const units = this.shape.sizes[k];
    this.maxOf(this.z[k]);
    this.finite(this.max);
    f.op(Op.if).op(0x40);
    this.sumOfExp(this.z[k], this.sum);
    for (let l = 0; l < units; l++) {
      this.wide(this.z[k][l]);
      this.get(this.max).op(Op.f64_sub).index(Op.call, EXP);
      this.get(this.sum).op(Op.f64_div);
      this.narrowInto(this.a[k][l]);
    }
    f.op(Op.else);
    for (let l = 0; l < units; l++) {
      f.f64(NaN);
      this.narrowInto(this.a[k][l]);
    }
    f.op(Op.end);
  }

  /** into = Σ e^{value − max} over the values in order, from +0 (this.max holds the max). */
  private sumOfExp(values: number[], into: number): void {
    this.f.f64(0).index(Op.local_set, into);
    for (const value of values) {
      this.get(into);
      this.wide(value);
      this.get(this.max).op(Op.f64_sub).index(Op.call, EXP).op(Op.f64_add).index(Op.local_set, into);
    }
  }

  /** this.max = the largest of the values (−∞ to start; a NaN never replaces it). */
  private maxOf(values: number[]): void {
    const f = this.f;
    f.f64(-Infinity).index(Op.local_set, this.max);
    for (const value of values) {
      this.wide(value);
      this.get(this.max).op(Op.f64_gt);
      f.op(Op.if).op(0x40);
      this.wide(value).index(Op.local_set, this.max);
      f.op(Op.end);
    }
  }

  /** i32: whether the f64 local is finite (x − x = 0). */
  private finite(local: number): void {
    this.get(local);
    this.get(local).op(Op.f64_sub).f64(0).op(Op.f64_eq);
  }

  /** act′(z) given z and a as f64 (the derivative of activations.ts), onto the stack. */
  private derivative(act: number, z: () => void, a: () => void): void {
    const f = this.f;
    switch (act) {
      case ACT.sigmoid:
        a();
        f.f64(1);
        a();
        f.op(Op.f64_sub).op(Op.f64_mul);
        return;
      case ACT.tanh:
        f.f64(1);
        a();
        a();
        f.op(Op.f64_mul).op(Op.f64_sub);
        return;
      case ACT.relu:
      case ACT.leaky_relu:
        f.f64(1).f64(act === ACT.relu ? 0 : 0.01);
        z();
        f.f64(0).op(Op.f64_gt).op(Op.select);
        return;
      default:
        f.f64(1);
    }
  }

  /** this.e = ŷ_l − y_l, and this.sum += its square (mse's terms). */
  private squaredError(l: number): void {
    const Lk = this.shape.layers;
    this.wide(this.a[Lk][l]);
    this.wide(this.y[l]).op(Op.f64_sub).index(Op.local_set, this.e);
    this.get(this.sum);
    this.get(this.e);
    this.get(this.e).op(Op.f64_mul).op(Op.f64_add).index(Op.local_set, this.sum);
  }

  /** lossAndDelta: δ⁽ᴸ⁾ into its locals, the sample's loss into sampleLoss. */
  lossAndDelta(): void {
    const f = this.f;
    const Lk = this.shape.layers;
    const units = this.shape.sizes[Lk];
    const act = this.shape.activations[Lk];
    const A = (l: number) => () => void this.wide(this.a[Lk][l]);
    const Z = (l: number) => () => void this.wide(this.z[Lk][l]);
    const Y = (l: number) => () => void this.wide(this.y[l]);
    const sum = this.sum;
    f.f64(0).index(Op.local_set, sum);
    switch (this.loss) {
      case LOSS.mse:
        for (let l = 0; l < units; l++) {
          // error = ŷ − y; sum += error²; δ = error · act′
          this.squaredError(l);
          this.get(this.e);
          this.derivative(act, Z(l), A(l));
          f.op(Op.f64_mul);
          this.narrowInto(this.d[Lk][l]);
        }
        f.f64(0.5);
        this.get(sum).op(Op.f64_mul).index(Op.local_set, this.sampleLoss);
        return;
      case LOSS.mseSoftmax:
        f.f64(0).index(Op.local_set, this.other);
        for (let l = 0; l < units; l++) {
          this.squaredError(l);
          this.get(this.other);
          A(l)();
          this.get(this.e).op(Op.f64_mul).op(Op.f64_add).index(Op.local_set, this.other);
        }
        for (let l = 0; l < units; l++) {
          // δ = ŷ (ŷ − y − Σ ŷ error)
          A(l)();
          A(l)();
          Y(l)();
          f.op(Op.f64_sub);
          this.get(this.other).op(Op.f64_sub).op(Op.f64_mul);
          this.narrowInto(this.d[Lk][l]);
        }
        f.f64(0.5);
        this.get(sum).op(Op.f64_mul).index(Op.local_set, this.sampleLoss);
        return;
      case LOSS.crossEntropySoftmax: {
        // lse = log Σ e^z without overflow (logSumExpColumn)
        const lse = this.v;
        this.maxOf(this.z[Lk]);
        this.finite(this.max);
        f.op(Op.if).op(0x40);
        this.sumOfExp(this.z[Lk], this.e);
        this.get(this.max);
        this.get(this.e).index(Op.call, LOG).op(Op.f64_add).index(Op.local_set, lse);
        f.op(Op.else);
        // max = −∞ ? −∞ : NaN
        f.f64(-Infinity).f64(NaN);
        this.get(this.max).f64(-Infinity).op(Op.f64_eq).op(Op.select).index(Op.local_set, lse);
        f.op(Op.end);
        f.f64(0).index(Op.local_set, this.other);
        for (let l = 0; l < units; l++) {
          // targetSum += y; y ≠ 0: sum += y (lse − z)
          this.get(this.other);
          Y(l)();
          f.op(Op.f64_add).index(Op.local_set, this.other);
          Y(l)();
          f.f64(0).op(Op.f64_ne).op(Op.if).op(0x40);
          this.get(sum);
          Y(l)();
          this.get(lse);
          Z(l)();
          f.op(Op.f64_sub).op(Op.f64_mul).op(Op.f64_add).index(Op.local_set, sum);
          f.op(Op.end);
        }
        for (let l = 0; l < units; l++) {
          // δ = ŷ Σy − y
          A(l)();
          this.get(this.other).op(Op.f64_mul);
          Y(l)();
          f.op(Op.f64_sub);
          this.narrowInto(this.d[Lk][l]);
        }
        this.get(sum).index(Op.local_set, this.sampleLoss);
        return;
      }
      case LOSS.crossEntropySigmoid:
        for (let l = 0; l < units; l++) {
          // sum += softplus(z) − y z, softplus(z) = max(z, 0) + log1p(e^−|z|); δ = ŷ − y
          this.get(sum);
          Z(l)();
          f.f64(0);
          Z(l)();
          f.f64(0).op(Op.f64_gt).op(Op.select);
          Z(l)();
          f.op(Op.f64_abs).op(Op.f64_neg).index(Op.call, EXP).index(Op.call, LOG1P).op(Op.f64_add);
          Y(l)();
          Z(l)();
          f.op(Op.f64_mul).op(Op.f64_sub).op(Op.f64_add).index(Op.local_set, sum);
          A(l)();
          Y(l)();
          f.op(Op.f64_sub);
          this.narrowInto(this.d[Lk][l]);
        }
        this.get(sum).index(Op.local_set, this.sampleLoss);
        return;
      default:
        for (let l = 0; l < units; l++) {
          // y = 0: δ = 0; else sum −= y log max(ŷ, floor); δ = ŷ > floor ? (−y/ŷ) act′ : 0
          Y(l)();
          f.f64(0).op(Op.f64_eq).op(Op.if).op(0x40);
          f.f64(0);
          this.narrowInto(this.d[Lk][l]);
          f.op(Op.else);
          this.get(sum);
          Y(l)();
          A(l)();
          f.f64(LOG_FLOOR).op(Op.f64_max).index(Op.call, LOG).op(Op.f64_mul).op(Op.f64_sub).index(Op.local_set, sum);
          A(l)();
          f.f64(LOG_FLOOR).op(Op.f64_gt).op(Op.if).op(0x7c);
          Y(l)();
          f.op(Op.f64_neg);
          A(l)();
          f.op(Op.f64_div);
          this.derivative(act, Z(l), A(l));
          f.op(Op.f64_mul);
          f.op(Op.else).f64(0).op(Op.end);
          this.narrowInto(this.d[Lk][l]);
          f.op(Op.end);
        }
        this.get(sum).index(Op.local_set, this.sampleLoss);
    }
  }

  /** i32 on the stack: whether the output picks the target's class (isCorrect); 0 for regression. */
  correct(): void {
    const f = this.f;
    const Lk = this.shape.layers;
    if (this.classification === 1) {
      f.f64(1).f64(0);
      this.wide(this.a[Lk][0]).f64(0.5).op(Op.f64_ge).op(Op.select);
      this.wide(this.y[0]).op(Op.f64_eq);
      return;
    }
    if (this.classification !== 2) {
      f.i32(0);
      return;
    }
    // argmax of ŷ (its value in this.max) and of y (in this.other), each the first of equals.
    const units = this.shape.sizes[Lk];
    const best = this.f.local('i32');
    const target = this.f.local('i32');
    f.i32(0).index(Op.local_set, best).i32(0).index(Op.local_set, target);
    this.wide(this.a[Lk][0]).index(Op.local_set, this.max);
    this.wide(this.y[0]).index(Op.local_set, this.other);
    for (let l = 1; l < units; l++) {
      this.wide(this.a[Lk][l]);
      this.get(this.max).op(Op.f64_gt).op(Op.if).op(0x40);
      f.i32(l).index(Op.local_set, best);
      this.wide(this.a[Lk][l]).index(Op.local_set, this.max);
      f.op(Op.end);
      this.wide(this.y[l]);
      this.get(this.other).op(Op.f64_gt).op(Op.if).op(0x40);
      f.i32(l).index(Op.local_set, target);
      this.wide(this.y[l]).index(Op.local_set, this.other);
      f.op(Op.end);
    }
    this.get(best);
    this.get(target).op(Op.i32_eq);
    this.finite(this.max);
    f.op(Op.i32_and);
  }

  /** δ⁽ᵏ⁾ = (W⁽ᵏ⁺¹⁾ᵀ δ⁽ᵏ⁺¹⁾) ⊙ act′(z⁽ᵏ⁾), k = L−1..1. */
  backpropagate(): void {
    const { sizes: n, activations, weights } = this.shape;
    const f = this.f;
    const s = this.s;
    for (let k = this.shape.layers - 1; k >= 1; k--) {
      const act = activations[k];
      for (let i = 0; i < n[k]; i++) {
        this.zero();
        for (let t = 0; t < n[k + 1]; t++) {
          this.loadAt(weights[k + 1] + s.size * (t * n[k] + i));
          this.get(this.d[k + 1][t]);
          f.op(s.mul).op(s.add);
        }
        if (act === ACT.relu) {
          // The product's fused epilogue: Σ · (z > 0 ? 1 : 0) in the storage type.
          this.one();
          this.zero();
          this.get(this.z[k][i]);
          this.zero();
          f.op(s.gt).op(Op.select).op(s.mul).index(Op.local_set, this.d[k][i]);
          continue;
        }
        f.index(Op.local_set, this.d[k][i]);
        if (act === ACT.linear) continue;
        // multiplyByDerivative: δ ← δ · act′(z), in f64, rounded.
        this.wide(this.d[k][i]);
        this.derivative(act, () => void this.wide(this.z[k][i]), () => void this.wide(this.a[k][i]));
        f.op(Op.f64_mul);
        this.narrowInto(this.d[k][i]);
      }
    }
  }

  private one(): void {
    if (this.s.type === 'f32') this.f.f32(1);
    else this.f.f64(1);
  }

  /** The gradient terms of this sample: ΣW[k][i][j] += δ[k][i] a[k−1][j] (storage type), Σb[k][i] += δ[k][i] (f64). */
  accumulate(weightSums: number[][], biasSums: number[][]): void {
    const n = this.shape.sizes;
    const f = this.f;
    for (let k = 1; k <= this.shape.layers; k++) {
      for (let i = 0; i < n[k]; i++) {
        for (let j = 0; j < n[k - 1]; j++) {
          const sum = weightSums[k][i * n[k - 1] + j];
          this.get(sum);
          this.get(this.d[k][i]);
          this.get(this.a[k - 1][j]);
          f.op(this.s.mul).op(this.s.add).index(Op.local_set, sum);
        }
        this.get(biasSums[k][i]);
        this.wide(this.d[k][i]).op(Op.f64_add).index(Op.local_set, biasSums[k][i]);
      }
    }
  }
}

/**
 * The module of a plan whose words are filled (batchPlan.ts). Its export `run` (and `evaluate`,
 * with a validation part) takes the arguments of batches.ts's run_f64 (evaluate_f64) and does what it does.
 */
export function compileNetwork(words: Int32Array, precision: 'f64' | 'f32', optimizer: 'sgd' | 'adam'): Uint8Array {
  const shape = shapeOf(words);
  const s = precision === 'f32' ? F32 : F64;
  const functions = [{ name: 'run', parameters: ['i32', 'i32', 'i32', 'i32'] as ValueType[], results: ['i32'] as ValueType[], body: runFunction(words, shape, s, optimizer) }];
  // evaluate only where run calls it, for the validation part; other evaluations (the final loss) are rare enough for batches.ts's.
  if (words[P.validationCount] > 0) {
    functions.push({ name: 'evaluate', parameters: ['i32', 'i32', 'i32', 'i32', 'i32'], results: ['i32'], body: evaluateFunction(words, shape, s) });
  }
  return encodeModule(compiledImports(precision, optimizer), functions);
}

/** evaluate(plan, floats, inputs, targets, rows): the loss sum into floats, the correct count returned. */
function evaluateFunction(words: Int32Array, shape: Shape, s: Storage): FunctionBody {
  const f = new FunctionBody(5);
  const [floats, inputs, targets, rows] = [1, 2, 3, 4];
  const sample = new SampleCode(f, shape, s, words[P.loss], words[P.classification]);
  const row = f.local('i32');
  const lossSum = f.local('f64');
  const correct = f.local('i32');
  const n = shape.sizes;
  f.f64(0).index(Op.local_set, lossSum).i32(0).index(Op.local_set, correct).i32(0).index(Op.local_set, row);
  f.begin(Op.block);
  f.index(Op.local_get, rows).op(Op.i32_eqz).index(Op.br_if, 0);
  f.begin(Op.loop);
  const base = (part: number, width: number) => () => {
    f.index(Op.local_get, part).index(Op.local_get, row).i32(8 * width).op(Op.i32_mul).op(Op.i32_add);
  };
  sample.loadRow(base(inputs, n[0]), 0, base(targets, n[shape.layers]), 0);
  sample.forward();
  sample.lossAndDelta();
  f.index(Op.local_get, lossSum).index(Op.local_get, sample.sampleLoss).op(Op.f64_add).index(Op.local_set, lossSum);
  f.index(Op.local_get, correct);
  sample.correct();
  f.op(Op.i32_add).index(Op.local_set, correct);
  f.index(Op.local_get, row).i32(1).op(Op.i32_add).index(Op.local_tee, row);
  f.index(Op.local_get, rows).op(Op.i32_lt_s).index(Op.br_if, 0);
  f.op(Op.end).op(Op.end);
  f.index(Op.local_get, floats).index(Op.local_get, lossSum).memory(Op.f64_store, 3, 8 * F.evaluatedLoss);
  f.index(Op.local_get, correct);
  return f;
}

/** run(plan, floats, maxBatches, maxEpochs): batches.ts's run<T>, specialized. */
function runFunction(words: Int32Array, shape: Shape, s: Storage, optimizer: 'sgd' | 'adam'): FunctionBody {
  const f = new FunctionBody(4);
  const [plan, floats, maxBatches, maxEpochs] = [0, 1, 2, 3];
  const n = shape.sizes;
  const Lk = shape.layers;
  const trainCount = words[P.trainCount];
  const batchSize = words[P.batchSize];
  const capacity = words[P.capacity];
  const validationCount = words[P.validationCount];
  const sample = new SampleCode(f, shape, s, words[P.loss], words[P.classification]);
  const local = (type: ValueType) => f.local(type);
  const [cursor, updates, correct, status, epochs, batches, start, end, chunk, columns, column, row, last] = Array.from({ length: 13 }, () => local('i32'));
  const [epochLoss, lossSum, loss] = [local('f64'), local('f64'), local('f64')];
  const weightSums = n.map((units, k) => (k === 0 ? [] : Array.from({ length: units * n[k - 1] }, () => local(s.type))));
  const biasSums = n.map((units, k) => (k === 0 ? [] : Array.from({ length: units }, () => local('f64'))));
  const get = (index: number) => f.index(Op.local_get, index);
  const set = (index: number) => f.index(Op.local_set, index);
  const storeAt = (address: number, value: () => void, op = s.store, align = s.align) => {
    f.i32(0);
    value();
    f.memory(op, align, address);
  };

  // The state of the plan.
  for (const [word, value] of [[P.cursor, cursor], [P.updates, updates], [P.correct, correct]]) {
    get(plan).memory(Op.i32_load, 2, 4 * word);
    set(value);
  }
  get(floats).memory(Op.f64_load, 3, 8 * F.epochLoss);
  set(epochLoss);
  f.i32(0);
  set(status);
  f.i32(0);
  set(epochs);
  f.i32(0);
  set(batches);

  f.begin(Op.block); // $done
  f.begin(Op.loop); // $batch
  get(batches);
  get(maxBatches).op(Op.i32_ge_s).index(Op.br_if, 1);
  get(cursor);
  set(start);
  // end = min(start + batchSize, trainCount)
  get(start).i32(batchSize).op(Op.i32_add).i32(trainCount);
  get(start).i32(batchSize).op(Op.i32_add).i32(trainCount).op(Op.i32_lt_s).op(Op.select);
  set(end);
  f.f64(0);
  set(lossSum);
  get(start);
  set(chunk);

  f.begin(Op.loop); // $chunk
  // columns = min(capacity, end − chunk)
  f.i32(capacity);
  get(end).index(Op.local_get, chunk).op(Op.i32_sub);
  f.i32(capacity);
  get(end).index(Op.local_get, chunk).op(Op.i32_sub).op(Op.i32_lt_s).op(Op.select);
  set(columns);
  for (let k = 1; k <= Lk; k++) {
    for (const sum of weightSums[k]) {
      if (s.type === 'f32') f.f32(0);
      else f.f64(0);
      set(sum);
    }
    for (const sum of biasSums[k]) {
      f.f64(0);
      set(sum);
    }
  }
  f.i32(0);
  set(column);
  f.begin(Op.loop); // $sample
  // row = order[chunk + column]
  get(chunk);
  get(column).op(Op.i32_add).i32(2).op(Op.i32_shl).memory(Op.i32_load, 2, words[P.order]);
  set(row);
  const rowBase = (width: number) => () => void get(row).i32(8 * width).op(Op.i32_mul);
  sample.loadRow(rowBase(n[0]), words[P.trainInputs], rowBase(n[Lk]), words[P.trainTargets]);
  sample.forward();
  sample.lossAndDelta();
  get(lossSum);
  get(sample.sampleLoss).op(Op.f64_add);
  set(lossSum);
  get(correct);
  sample.correct();
  f.op(Op.i32_add);
  set(correct);
  sample.backpropagate();
  sample.accumulate(weightSums, biasSums);
  get(column).i32(1).op(Op.i32_add).index(Op.local_tee, column);
  get(columns).op(Op.i32_lt_s).index(Op.br_if, 0);
  f.op(Op.end); // $sample

  // The chunk's sums: stored for the batch's first chunk, added to the stored ones after.
  get(chunk);
  get(start).op(Op.i32_gt_s).op(Op.if).op(0x40);
  writeGradients(true);
  f.op(Op.else);
  writeGradients(false);
  f.op(Op.end);
  get(chunk).i32(capacity).op(Op.i32_add).index(Op.local_tee, chunk);
  get(end).op(Op.i32_lt_s).index(Op.br_if, 0);
  f.op(Op.end); // $chunk

  get(batches).i32(1).op(Op.i32_add);
  set(batches);
  get(epochLoss);
  get(lossSum).op(Op.f64_add);
  set(epochLoss);
  get(end);
  set(cursor);
  // A batch whose loss is not finite is not applied.
  get(lossSum);
  get(lossSum).op(Op.f64_sub).f64(0).op(Op.f64_eq).op(Op.i32_eqz).op(Op.if).op(0x40);
  f.i32(1);
  set(status);
  f.index(Op.br, 2);
  f.op(Op.end);
  get(updates).i32(1).op(Op.i32_add);
  set(updates);
  get(end).i32(trainCount).op(Op.i32_eq);
  set(last);
  get(last).op(Op.if).op(0x40);
  recordWeights(false);
  f.op(Op.end);
  optimizerStep();
  get(last).op(Op.i32_eqz).index(Op.br_if, 0);
  recordWeights(true);
  // finishEpoch: its record, the validation pass, the stop rule.
  get(epochLoss).f64(trainCount).op(Op.f64_div);
  set(loss);
  // The records' columns (loss, accuracy, validation loss and accuracy), divided as trainer.ts divides.
  const record = () => void get(epochs).i32(8).op(Op.i32_mul);
  const recordColumn = (c: number) => words[P.records] + 8 * EPOCHS_PER_CALL * c;
  record();
  get(loss).memory(Op.f64_store, 3, recordColumn(0));
  record();
  get(correct).op(Op.f64_convert_i32_s).f64(trainCount).op(Op.f64_div).memory(Op.f64_store, 3, recordColumn(1));
  if (validationCount > 0) {
    record();
    get(plan);
    get(floats).i32(words[P.validationInputs]).i32(words[P.validationTargets]).i32(validationCount).index(Op.call, EVALUATE);
    f.op(Op.f64_convert_i32_s).f64(validationCount).op(Op.f64_div).memory(Op.f64_store, 3, recordColumn(3));
    record();
    get(floats).memory(Op.f64_load, 3, 8 * F.evaluatedLoss).f64(validationCount).op(Op.f64_div).memory(Op.f64_store, 3, recordColumn(2));
  }
  get(epochs).i32(1).op(Op.i32_add);
  set(epochs);
  f.i32(0);
  set(cursor);
  f.f64(0);
  set(epochLoss);
  f.i32(0);
  set(correct);
  // Not finite, or below the stop rule's loss (NaN when there is none): stop.
  get(loss);
  get(loss).op(Op.f64_sub).f64(0).op(Op.f64_eq).op(Op.i32_eqz);
  get(loss);
  get(floats).memory(Op.f64_load, 3, 8 * F.stopLoss).op(Op.f64_lt).op(Op.i32_or);
  f.op(Op.if).op(0x40);
  f.i32(2);
  set(status);
  f.index(Op.br, 2);
  f.op(Op.end);
  // Another epoch only when its order needs no shuffle (the batch is the whole part).
  if (batchSize < trainCount) f.index(Op.br, 1);
  get(epochs);
  get(maxEpochs).op(Op.i32_ge_s).index(Op.br_if, 1);
  f.index(Op.br, 0);
  f.op(Op.end); // $batch
  f.op(Op.end); // $done

  for (const [word, value] of [[P.cursor, cursor], [P.updates, updates], [P.correct, correct], [P.status, status], [P.epochsDone, epochs]]) {
    get(plan);
    get(value).memory(Op.i32_store, 2, 4 * word);
  }
  get(floats);
  get(epochLoss).memory(Op.f64_store, 3, 8 * F.epochLoss);
  get(batches);
  return f;

  function writeGradients(add: boolean): void {
    for (let k = 1; k <= Lk; k++) {
      for (let i = 0; i < n[k] * n[k - 1]; i++) {
        const address = shape.weightGradients[k] + s.size * i;
        storeAt(address, () => {
          if (add) f.i32(0).memory(s.load, s.align, address);
          get(weightSums[k][i]);
          if (add) f.op(s.add);
        });
      }
      for (let i = 0; i < n[k]; i++) {
        const address = shape.biasGradients[k] + s.size * i;
        storeAt(address, () => {
          if (add) {
            f.i32(0).memory(s.load, s.align, address);
            for (const op of s.widen) f.op(op);
          }
          get(biasSums[k][i]);
          if (add) f.op(Op.f64_add);
          for (const op of s.narrow) f.op(op);
        });
      }
    }
  }

  /** ΔW of the epoch's last update: W (as f64) before it, then W after − W before. */
  function recordWeights(after: boolean): void {
    for (let k = 1; k <= Lk; k++) {
      for (let i = 0; i < n[k] * n[k - 1]; i++) {
        const address = shape.weightUpdates[k] + 8 * i;
        storeAt(
          address,
          () => {
            f.i32(0).memory(s.load, s.align, shape.weights[k] + s.size * i);
            for (const op of s.widen) f.op(op);
            if (after) f.i32(0).memory(Op.f64_load, 3, address).op(Op.f64_sub);
          },
          Op.f64_store,
          3,
        );
      }
    }
  }

  /** The kernels' sgd or adam pass over the parameter block, with adam's β powers advanced as batches.ts does. */
  function optimizerStep(): void {
    const size = () => void get(end).index(Op.local_get, start).op(Op.i32_sub).op(Op.f64_convert_i32_s);
    f.i32(words[P.parameters]).i32(words[P.gradients]).i32(words[P.state1]);
    if (optimizer === 'sgd') {
      f.i32(words[P.blockLength]);
      size();
      get(floats).memory(Op.f64_load, 3, 8 * F.momentum);
      get(floats).memory(Op.f64_load, 3, 8 * F.rate);
      f.index(Op.call, OPTIMIZER);
      return;
    }
    const [p1, p2, t] = [8 * F.beta1Power, 8 * F.beta2Power, 8 * F.powerUpdate];
    const float = (offset: number) => void get(floats).memory(Op.f64_load, 3, offset);
    const setFloat = (offset: number, value: () => void) => {
      get(floats);
      value();
      f.memory(Op.f64_store, 3, offset);
    };
    // while (t < update) { β1ᵗ *= β1; β2ᵗ *= β2; t++ }
    f.begin(Op.block).begin(Op.loop);
    float(t);
    get(updates).op(Op.f64_convert_i32_s).op(Op.f64_lt).op(Op.i32_eqz).index(Op.br_if, 1);
    setFloat(p1, () => {
      float(p1);
      float(8 * F.beta1);
      f.op(Op.f64_mul);
    });
    setFloat(p2, () => {
      float(p2);
      float(8 * F.beta2);
      f.op(Op.f64_mul);
    });
    setFloat(t, () => {
      float(t);
      f.f64(1).op(Op.f64_add);
    });
    f.index(Op.br, 0).op(Op.end).op(Op.end);
    f.i32(words[P.state2]).i32(words[P.blockLength]);
    size();
    float(8 * F.beta1);
    f.f64(1);
    float(8 * F.beta1);
    f.op(Op.f64_sub);
    float(8 * F.beta2);
    f.f64(1);
    float(8 * F.beta2);
    f.op(Op.f64_sub);
    float(8 * F.rate);
    float(8 * F.epsilon);
    f.f64(1);
    float(p1);
    f.op(Op.f64_sub).f64(1);
    float(p2);
    f.op(Op.f64_sub).index(Op.call, OPTIMIZER);
  }
}
