// Compiles one small network's training loop to WebAssembly: the batch program of server/wasm/batches.ts, specialized to the network's sizes and buffers.
//
// batches.ts is general: it loops over layers, units and samples, calls a
// product kernel per layer, and reads every size and address from the plan.
// For a small network that bookkeeping is most of the work, and a fresh
// process runs it in V8's baseline code for its first thousands of epochs.
// Here the sizes, activations and addresses are constants: one sample's
// forward pass, loss, δ and gradient terms become straight-line code on
// locals, inside a loop over the samples of a chunk. In f64, with batches of
// two or more, the locals are f64x2 and hold two samples, one per lane: each
// instruction takes both samples a step (SampleCode's `pair`).
//
// The numbers are batches.ts's (and so trainer.ts's) bit for bit
// (test/kernels/batches.test.ts runs every case compiled and not). What makes
// that hold:
//   - each element of a product is still one sum over its shared dimension in
//     increasing order, from +0, a multiply then an add per term, in the
//     storage type; a gradient's sum runs over the samples of a chunk in order,
//     as the product D Aᵀ does (a pair's terms are added lane 0 first, then
//     lane 1), and is stored, or added to the stored one, at the end of the chunk;
//   - everything else repeats the formulas of batches.ts in the same order in
//     f64, rounding to the storage type where the JavaScript stores a value; an
//     f64x2 instruction is the f64 one in each lane, and where the JavaScript
//     branches on a value, both sides are computed and one is selected;
//   - tanh, log and log1p are the imported Math functions (called per lane);
//     e^x is Math.exp's own method written out for two lanes (exp.ts; one
//     sample at a time it is the imported Math.exp);
//   - the sgd step repeats the kernels' sgd pass parameter by parameter; adam
//     calls the kernels' pass.
// A sample's z, a and δ stay in locals instead of the trainer's chunk buffers;
// nothing reads those buffers after a batch (explain and predict run their own pass).

import { ACTIVATION_CODES, EPOCHS_PER_CALL, F, L, LAYER_WORDS, LOSS, P } from '../planLayout';
import { encodeModule, FunctionBody, Op, Simd, type ExportedFunction, type FunctionImport, type ValueType } from './assembler';
import { emitExpPair, expLocals, type ExpLocals } from './exp';

/** Networks with at most this many parameters (W and b) are compiled: the code grows with them. */
export const MAX_COMPILED_PARAMETERS = 2048;
/** … and at most this many units in all (each sample's values are locals). */
export const MAX_COMPILED_UNITS = 512;

const ACT = ACTIVATION_CODES;
const LOG_FLOOR = 1e-12;
/** A network with at most this many sigmoid and softmax units has e^x written out at each use, else calls one function. */
const INLINE_EXPONENTIALS = 8;
/**
 * Networks with at most this many parameters take two samples per pass. Each gradient term is
 * written out once per lane, so a larger network's code grows to hundreds of kilobytes, which V8
 * compiles for longer than the pairs save.
 */
const PAIR_PARAMETERS = 1024;
/** Networks with at most this many parameters have the sgd step written out. */
const INLINE_SGD_PARAMETERS = 256;

/** Function indices: the imports (compiledImports; the optimizer's step last, unless written inline), then run and evaluate. */
const EXP = 0, TANH = 1, LOG = 2, LOG1P = 3, STEP = 4;

/** How run takes the optimizer's step: sgd written out, or a call to the kernels' sgd or adam pass. */
type Step = 'inline sgd' | 'sgd' | 'adam';

/** W and b of a network of these layer sizes (n_0 … n_L). */
function parameterCount(sizes: readonly number[]): number {
  let parameters = 0;
  for (let k = 1; k < sizes.length; k++) parameters += sizes[k] * (sizes[k - 1] + 1);
  return parameters;
}

/** Whether compileNetwork takes a network of these layer sizes (n_0 … n_L). */
export function compilable(sizes: readonly number[]): boolean {
  const units = sizes.reduce((sum, size) => sum + size, 0);
  return parameterCount(sizes) <= MAX_COMPILED_PARAMETERS && units <= MAX_COMPILED_UNITS;
}

/** The functions a compiled module imports, as the kernels' instance provides them (same order as the indices above). */
function compiledImports(precision: 'f64' | 'f32', step: Step): FunctionImport[] {
  const math = (name: string): FunctionImport => ({ module: 'math', name, parameters: ['f64'], results: ['f64'] });
  const f64 = (count: number) => Array.from({ length: count }, (): ValueType => 'f64');
  const imports = [math('exp'), math('tanh'), math('log'), math('log1p')];
  if (step === 'sgd') imports.push({ module: 'kernels', name: `sgd_${precision}`, parameters: ['i32', 'i32', 'i32', 'i32', ...f64(3)], results: [] });
  if (step === 'adam') imports.push({ module: 'kernels', name: `adam_${precision}`, parameters: ['i32', 'i32', 'i32', 'i32', 'i32', ...f64(9)], results: [] });
  return imports;
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
 * One sample's code in a function, or two samples' at once: its values as locals
 * (a⁽⁰⁾ … a⁽ᴸ⁾, z, δ, y), and the forward pass, loss and δ⁽ᴸ⁾, correctness,
 * backpropagation and gradient terms written out.
 *
 * With `pair` (f64 only), every value local is an f64x2 whose lanes hold two
 * samples of the chunk: each instruction does both samples' step, lane by lane
 * the same IEEE operation in the same order, so each lane's numbers are the
 * one-sample code's. Where that code would branch on a value (softmax's finite
 * max, cross-entropy's y = 0), both sides are computed and a mask picks per lane;
 * the one-sample code picks the same way (select), so the two stay one text.
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
  private readonly best: number;
  private readonly target: number;
  /** The sample's loss (with `pair`, each lane's). */
  readonly sampleLoss: number;
  /** A weight's load (into every lane) and the multiply-add of a product's term, pre-encoded. */
  private readonly weightLoad: Uint8Array;
  private readonly multiplyAdd: Uint8Array;
  private expScratch: ExpLocals | null = null;
  /** With `pair`: the argument of callEach's two calls. */
  private callScratch = -1;

  constructor(
    private readonly f: FunctionBody,
    private readonly shape: Shape,
    private readonly s: Storage,
    private readonly loss: number,
    private readonly classification: number,
    readonly pair: boolean,
    /** With `pair`: the module's e^x function to call, or −1 to write e^x out at each use. */
    private readonly expPair: number,
  ) {
    const n = shape.sizes;
    const value: ValueType = pair ? 'v128' : s.type;
    const wide: ValueType = pair ? 'v128' : 'f64';
    const locals = (count: number, type: ValueType) => Array.from({ length: count }, () => f.local(type));
    this.a = n.map((units) => locals(units, value));
    this.z = n.map((units, k) => (k === 0 ? [] : locals(units, value)));
    this.d = n.map((units, k) => (k === 0 ? [] : locals(units, value)));
    this.y = locals(n[shape.layers], value);
    [this.v, this.e, this.sum, this.other, this.max, this.best, this.target, this.sampleLoss] = locals(8, wide);
    this.weightLoad = pair ? bytes(0xfd, Simd.v128_load64_splat, 3) : bytes(s.load, s.align);
    this.multiplyAdd = pair ? bytes(0xfd, Simd.f64x2_mul, 0x01, 0xfd, Simd.f64x2_add, 0x01) : bytes(s.mul, s.add);
  }

  private get(local: number): FunctionBody {
    return this.f.index(Op.local_get, local);
  }

  /** A local of the storage type, widened to f64. */
  private wide(local: number): FunctionBody {
    this.get(local);
    if (!this.pair) for (const op of this.s.widen) this.f.op(op);
    return this.f;
  }

  /** Stores the f64 on the stack into a storage-type local, rounded. */
  private narrowInto(local: number): void {
    if (!this.pair) for (const op of this.s.narrow) this.f.op(op);
    this.f.index(Op.local_set, local);
  }

  /** The storage value at a constant address (in every lane). */
  private loadAt(address: number): void {
    this.f.i32(0);
    if (this.pair) this.f.simdMemory(Simd.v128_load64_splat, 3, address);
    else this.f.memory(this.s.load, this.s.align, address);
  }

  /** An f64 constant (in every lane). */
  private constant(value: number): FunctionBody {
    return this.pair ? this.f.f64x2(value) : this.f.f64(value);
  }

  /** A constant of the storage type. */
  private storageConstant(value: 0 | 1): void {
    if (this.pair) this.f.f64x2(value);
    else if (this.s.type === 'f32') this.f.f32(value);
    else this.f.f64(value);
  }

  /** A one-sample operation (f64, or of the storage type), or with `pair` its f64x2 one. */
  private op(scalar: number, lanes: Simd): FunctionBody {
    return this.pair ? this.f.simd(lanes) : this.f.op(scalar);
  }

  /** cond ? first : second, of the two values and the condition on the stack (per lane: a mask). */
  private select(): void {
    this.op(Op.select, Simd.v128_bitselect);
  }

  /** An imported f64 → f64 function of the value on the stack (per lane). */
  private callEach(index: number): void {
    const f = this.f;
    if (!this.pair) {
      f.index(Op.call, index);
      return;
    }
    if (this.callScratch < 0) this.callScratch = f.local('v128');
    f.index(Op.local_set, this.callScratch);
    this.get(this.callScratch).lane(Simd.f64x2_extract_lane, 0).index(Op.call, index).simd(Simd.f64x2_splat);
    this.get(this.callScratch).lane(Simd.f64x2_extract_lane, 1).index(Op.call, index).lane(Simd.f64x2_replace_lane, 1);
  }

  /** e^x of the value on the stack: Math.exp, called, or written inline for both lanes (exp.ts). */
  private exp(): void {
    if (!this.pair) this.f.index(Op.call, EXP);
    else if (this.expPair >= 0) this.f.index(Op.call, this.expPair);
    else {
      this.expScratch ??= expLocals(this.f);
      emitExpPair(this.f, this.expScratch, EXP);
    }
  }

  /**
   * a⁽⁰⁾ and y of the sample(s) whose rows start at the i32 each base pushes, plus the
   * offsets: one base per sample (with `pair`, lane 0's then lane 1's).
   */
  loadRows(inputBases: (() => void)[], inputOffset: number, targetBases: (() => void)[], targetOffset: number): void {
    const n = this.shape.sizes;
    const load = (bases: (() => void)[], offset: number, into: number) => {
      if (this.pair) {
        bases[1]();
        bases[0]();
        this.f.memory(Op.f64_load, 3, offset).simd(Simd.f64x2_splat).simdMemory(Simd.v128_load64_lane, 3, offset, 1);
      } else {
        bases[0]();
        this.f.memory(Op.f64_load, 3, offset);
      }
      this.narrowInto(into);
    };
    for (let c = 0; c < n[0]; c++) load(inputBases, inputOffset + 8 * c, this.a[0][c]);
    for (let c = 0; c < n[this.shape.layers]; c++) load(targetBases, targetOffset + 8 * c, this.y[c]);
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
        this.storageConstant(0);
        for (let t = 0; t < n[k - 1]; t++) {
          f.term(this.weightLoad, weights[k] + s.size * (l * n[k - 1] + t), this.a[k - 1][t], this.multiplyAdd);
        }
        if (act === ACT.relu || act === ACT.linear) {
          // The product's fused epilogue: z = Σ + b in the storage type; a = relu(z) or z.
          this.loadAt(biases[k] + s.size * l);
          this.op(s.add, Simd.f64x2_add).index(Op.local_tee, this.z[k][l]);
          if (act === ACT.relu) {
            this.storageConstant(0);
            this.get(this.z[k][l]);
            this.storageConstant(0);
            this.op(s.gt, Simd.f64x2_gt);
            this.select();
          }
          f.index(Op.local_set, this.a[k][l]);
          continue;
        }
        // addBiasAndActivate: v = z + b in f64 (z as stored), z ← v rounded, a = act(v) rounded.
        if (!this.pair) for (const op of s.widen) f.op(op);
        this.loadAt(biases[k] + s.size * l);
        if (!this.pair) for (const op of s.widen) f.op(op);
        this.op(Op.f64_add, Simd.f64x2_add).index(Op.local_tee, this.v);
        this.narrowInto(this.z[k][l]);
        this.activate(act);
        this.narrowInto(this.a[k][l]);
      }
      if (act === ACT.softmax) this.softmax(k);
    }
  }

  /** act(v) on the stack, v in this.v (softmax: v itself, normalized afterwards). */
  private activate(act: number): void {
    const v = this.v;
    switch (act) {
      case ACT.sigmoid:
        // v ≥ 0 ? 1/(1 + e^−v) : e^v/(1 + e^v), as (v ≥ 0 ? 1 : e)/(1 + e) with e = e^−|v|
        this.get(v);
        this.op(Op.f64_abs, Simd.f64x2_abs);
        this.op(Op.f64_neg, Simd.f64x2_neg);
        this.exp();
        this.f.index(Op.local_set, this.e);
        this.constant(1);
        this.get(this.e);
        this.get(v);
        this.constant(0);
        this.op(Op.f64_ge, Simd.f64x2_ge);
        this.select();
        this.constant(1);
        this.get(this.e);
        this.op(Op.f64_add, Simd.f64x2_add);
        this.op(Op.f64_div, Simd.f64x2_div);
        return;
      case ACT.tanh:
        this.get(v);
        this.callEach(TANH);
        return;
      case ACT.leaky_relu:
        // v > 0 ? v : 0.01 v
        this.get(v);
        this.constant(0.01);
        this.get(v);
        this.op(Op.f64_mul, Simd.f64x2_mul);
        this.get(v);
        this.constant(0);
        this.op(Op.f64_gt, Simd.f64x2_gt);
        this.select();
        return;
      default:
        this.get(v);
    }
  }

  /** softmaxColumn: a = e^{z − max z} / Σ e^{z − max z}, NaN throughout when max z is not finite. */
  private softmax(k: number): void {
    const units = this.shape.sizes[k];
    this.maxOf(this.z[k]);
    this.sumOfExp(this.z[k], this.sum);
    for (let l = 0; l < units; l++) {
      this.wide(this.z[k][l]);
      this.get(this.max);
      this.op(Op.f64_sub, Simd.f64x2_sub);
      this.exp();
      this.get(this.sum);
      this.op(Op.f64_div, Simd.f64x2_div);
      this.constant(NaN);
      this.finite(this.max);
      this.select();
      this.narrowInto(this.a[k][l]);
    }
  }

  /** into = Σ e^{value − max} over the values in order, from +0 (this.max holds the max). */
  private sumOfExp(values: number[], into: number): void {
    this.constant(0).index(Op.local_set, into);
    for (const value of values) {
      this.get(into);
      this.wide(value);
      this.get(this.max);
      this.op(Op.f64_sub, Simd.f64x2_sub);
      this.exp();
      this.op(Op.f64_add, Simd.f64x2_add).index(Op.local_set, into);
    }
  }

  /** this.max = the largest of the values (−∞ to start; a NaN never replaces it). */
  private maxOf(values: number[]): void {
    this.constant(-Infinity).index(Op.local_set, this.max);
    for (const value of values) {
      this.wide(value);
      this.get(this.max);
      this.wide(value);
      this.get(this.max);
      this.op(Op.f64_gt, Simd.f64x2_gt);
      this.select();
      this.f.index(Op.local_set, this.max);
    }
  }

  /** Whether the local is finite (x − x = 0): an i32, or a mask per lane. */
  private finite(local: number): void {
    this.get(local);
    this.get(local);
    this.op(Op.f64_sub, Simd.f64x2_sub);
    this.constant(0);
    this.op(Op.f64_eq, Simd.f64x2_eq);
  }

  /** act′(z) given z and a as f64 (the derivative of activations.ts), onto the stack. */
  private derivative(act: number, z: () => void, a: () => void): void {
    switch (act) {
      case ACT.sigmoid:
        a();
        this.constant(1);
        a();
        this.op(Op.f64_sub, Simd.f64x2_sub);
        this.op(Op.f64_mul, Simd.f64x2_mul);
        return;
      case ACT.tanh:
        this.constant(1);
        a();
        a();
        this.op(Op.f64_mul, Simd.f64x2_mul);
        this.op(Op.f64_sub, Simd.f64x2_sub);
        return;
      case ACT.relu:
      case ACT.leaky_relu:
        this.constant(1);
        this.constant(act === ACT.relu ? 0 : 0.01);
        z();
        this.constant(0);
        this.op(Op.f64_gt, Simd.f64x2_gt);
        this.select();
        return;
      default:
        this.constant(1);
    }
  }

  /** this.e = ŷ_l − y_l, and this.sum += its square (mse's terms). */
  private squaredError(l: number): void {
    const Lk = this.shape.layers;
    this.wide(this.a[Lk][l]);
    this.wide(this.y[l]);
    this.op(Op.f64_sub, Simd.f64x2_sub).index(Op.local_set, this.e);
    this.get(this.sum);
    this.get(this.e);
    this.get(this.e);
    this.op(Op.f64_mul, Simd.f64x2_mul);
    this.op(Op.f64_add, Simd.f64x2_add).index(Op.local_set, this.sum);
  }

  /** lossAndDelta: δ⁽ᴸ⁾ into its locals, the sample's loss into sampleLoss. One method per loss: V8 compiles only the one a network uses. */
  lossAndDelta(): void {
    this.constant(0).index(Op.local_set, this.sum);
    switch (this.loss) {
      case LOSS.mse:
        return this.mse();
      case LOSS.mseSoftmax:
        return this.mseThroughSoftmax();
      case LOSS.crossEntropySoftmax:
        return this.crossEntropyThroughSoftmax();
      case LOSS.crossEntropySigmoid:
        return this.crossEntropyThroughSigmoid();
      default:
        return this.crossEntropy();
    }
  }

  /** What the losses' code works with: the output layer's size and activation, its values (widened) by unit, and the f64 operations. */
  private output() {
    const Lk = this.shape.layers;
    return {
      f: this.f,
      sum: this.sum,
      Lk,
      units: this.shape.sizes[Lk],
      act: this.shape.activations[Lk],
      A: (l: number) => () => void this.wide(this.a[Lk][l]),
      Z: (l: number) => () => void this.wide(this.z[Lk][l]),
      Y: (l: number) => () => void this.wide(this.y[l]),
      add: () => void this.op(Op.f64_add, Simd.f64x2_add),
      sub: () => void this.op(Op.f64_sub, Simd.f64x2_sub),
      mul: () => void this.op(Op.f64_mul, Simd.f64x2_mul),
    };
  }

  /** sampleLoss = ½ sum. */
  private halfSum(): void {
    this.constant(0.5);
    this.get(this.sum);
    this.op(Op.f64_mul, Simd.f64x2_mul);
    this.f.index(Op.local_set, this.sampleLoss);
  }

  /** mse: ½ Σ (ŷ − y)², δ = (ŷ − y) ⊙ act′. */
  private mse(): void {
    const { Lk, units, act, A, Z, mul } = this.output();
    for (let l = 0; l < units; l++) {
      // error = ŷ − y; sum += error²; δ = error · act′
      this.squaredError(l);
      this.get(this.e);
      this.derivative(act, Z(l), A(l));
      mul();
      this.narrowInto(this.d[Lk][l]);
    }
    this.halfSum();
  }

  /** mse through softmax: δ = ŷ ⊙ (ŷ − y − Σ ŷ (ŷ − y)). */
  private mseThroughSoftmax(): void {
    const { f, Lk, units, A, Y, add, sub, mul } = this.output();
    this.constant(0).index(Op.local_set, this.other);
    for (let l = 0; l < units; l++) {
      this.squaredError(l);
      this.get(this.other);
      A(l)();
      this.get(this.e);
      mul();
      add();
      f.index(Op.local_set, this.other);
    }
    for (let l = 0; l < units; l++) {
      // δ = ŷ (ŷ − y − Σ ŷ error)
      A(l)();
      A(l)();
      Y(l)();
      sub();
      this.get(this.other);
      sub();
      mul();
      this.narrowInto(this.d[Lk][l]);
    }
    this.halfSum();
  }

  /** cross-entropy through softmax: −Σ y log ŷ as Σy·lse − Σ y z, δ = ŷ Σy − y. */
  private crossEntropyThroughSoftmax(): void {
    const { f, sum, Lk, units, A, Z, Y, add, sub, mul } = this.output();
    // lse = log Σ e^z without overflow (logSumExpColumn); max not finite: max = −∞ ? −∞ : NaN
    const lse = this.v;
    this.maxOf(this.z[Lk]);
    this.sumOfExp(this.z[Lk], this.e);
    this.get(this.max);
    this.get(this.e);
    this.callEach(LOG);
    add();
    this.constant(-Infinity);
    this.constant(NaN);
    this.get(this.max);
    this.constant(-Infinity);
    this.op(Op.f64_eq, Simd.f64x2_eq);
    this.select();
    this.finite(this.max);
    this.select();
    f.index(Op.local_set, lse);
    this.constant(0).index(Op.local_set, this.other);
    for (let l = 0; l < units; l++) {
      // targetSum += y; y ≠ 0: sum += y (lse − z)
      this.get(this.other);
      Y(l)();
      add();
      f.index(Op.local_set, this.other);
      this.get(sum);
      Y(l)();
      this.get(lse);
      Z(l)();
      sub();
      mul();
      add();
      this.get(sum);
      Y(l)();
      this.constant(0);
      this.op(Op.f64_ne, Simd.f64x2_ne);
      this.select();
      f.index(Op.local_set, sum);
    }
    for (let l = 0; l < units; l++) {
      // δ = ŷ Σy − y
      A(l)();
      this.get(this.other);
      mul();
      Y(l)();
      sub();
      this.narrowInto(this.d[Lk][l]);
    }
    this.get(sum).index(Op.local_set, this.sampleLoss);
  }

  /** cross-entropy through a sigmoid: softplus(z) − y z, δ = ŷ − y. */
  private crossEntropyThroughSigmoid(): void {
    const { f, sum, Lk, units, A, Z, Y, add, sub, mul } = this.output();
    for (let l = 0; l < units; l++) {
      // sum += softplus(z) − y z, softplus(z) = max(z, 0) + log1p(e^−|z|); δ = ŷ − y
      this.get(sum);
      Z(l)();
      this.constant(0);
      Z(l)();
      this.constant(0);
      this.op(Op.f64_gt, Simd.f64x2_gt);
      this.select();
      Z(l)();
      this.op(Op.f64_abs, Simd.f64x2_abs);
      this.op(Op.f64_neg, Simd.f64x2_neg);
      this.exp();
      this.callEach(LOG1P);
      add();
      Y(l)();
      Z(l)();
      mul();
      sub();
      add();
      f.index(Op.local_set, sum);
      A(l)();
      Y(l)();
      sub();
      this.narrowInto(this.d[Lk][l]);
    }
    this.get(sum).index(Op.local_set, this.sampleLoss);
  }

  /** cross-entropy after any other activation: −Σ y log max(ŷ, 10⁻¹²), δ = (−y/ŷ) act′. */
  private crossEntropy(): void {
    const { f, sum, Lk, units, act, A, Z, Y, sub, mul } = this.output();
    for (let l = 0; l < units; l++) {
      // y = 0: nothing added, δ = 0; else sum −= y log max(ŷ, floor), δ = ŷ > floor ? (−y/ŷ) act′ : 0
      const targetZero = () => {
        Y(l)();
        this.constant(0);
        this.op(Op.f64_eq, Simd.f64x2_eq);
      };
      this.get(sum);
      this.get(sum);
      Y(l)();
      A(l)();
      this.constant(LOG_FLOOR);
      this.op(Op.f64_max, Simd.f64x2_max);
      this.callEach(LOG);
      mul();
      sub();
      targetZero();
      this.select();
      f.index(Op.local_set, sum);
      this.constant(0);
      Y(l)();
      this.op(Op.f64_neg, Simd.f64x2_neg);
      A(l)();
      this.op(Op.f64_div, Simd.f64x2_div);
      this.derivative(act, Z(l), A(l));
      mul();
      this.constant(0);
      A(l)();
      this.constant(LOG_FLOOR);
      this.op(Op.f64_gt, Simd.f64x2_gt);
      this.select();
      targetZero();
      this.select();
      this.narrowInto(this.d[Lk][l]);
    }
    this.get(sum).index(Op.local_set, this.sampleLoss);
  }

  /**
   * Whether the output picks the target's class (isCorrect): an i32 (0 for regression),
   * or with `pair` a mask per lane (all ones where correct).
   */
  correct(): void {
    const Lk = this.shape.layers;
    if (this.classification === 1) {
      this.constant(1);
      this.constant(0);
      this.wide(this.a[Lk][0]);
      this.constant(0.5);
      this.op(Op.f64_ge, Simd.f64x2_ge);
      this.select();
      this.wide(this.y[0]);
      this.op(Op.f64_eq, Simd.f64x2_eq);
      return;
    }
    if (this.classification !== 2) {
      if (this.pair) this.f.f64x2(0);
      else this.f.i32(0);
      return;
    }
    // argmax of ŷ (its value in this.max, its index in this.best) and of y (this.other, this.target), each the first of equals.
    const units = this.shape.sizes[Lk];
    const argmax = (values: number[], index: number, max: number) => {
      this.constant(0).index(Op.local_set, index);
      this.wide(values[0]).index(Op.local_set, max);
      for (let l = 1; l < units; l++) {
        const greater = () => {
          this.wide(values[l]);
          this.get(max);
          this.op(Op.f64_gt, Simd.f64x2_gt);
        };
        this.constant(l);
        this.get(index);
        greater();
        this.select();
        this.f.index(Op.local_set, index);
        this.wide(values[l]);
        this.get(max);
        greater();
        this.select();
        this.f.index(Op.local_set, max);
      }
    };
    argmax(this.a[Lk], this.best, this.max);
    argmax(this.y, this.target, this.other);
    this.get(this.best);
    this.get(this.target);
    this.op(Op.f64_eq, Simd.f64x2_eq);
    this.finite(this.max);
    this.op(Op.i32_and, Simd.v128_and);
  }

  /** δ⁽ᵏ⁾ = (W⁽ᵏ⁺¹⁾ᵀ δ⁽ᵏ⁺¹⁾) ⊙ act′(z⁽ᵏ⁾), k = L−1..1. */
  backpropagate(): void {
    const { sizes: n, activations, weights } = this.shape;
    const f = this.f;
    const s = this.s;
    for (let k = this.shape.layers - 1; k >= 1; k--) {
      const act = activations[k];
      for (let i = 0; i < n[k]; i++) {
        this.storageConstant(0);
        for (let t = 0; t < n[k + 1]; t++) {
          f.term(this.weightLoad, weights[k + 1] + s.size * (t * n[k] + i), this.d[k + 1][t], this.multiplyAdd);
        }
        if (act === ACT.relu) {
          // The product's fused epilogue: Σ · (z > 0 ? 1 : 0) in the storage type.
          this.storageConstant(1);
          this.storageConstant(0);
          this.get(this.z[k][i]);
          this.storageConstant(0);
          this.op(s.gt, Simd.f64x2_gt);
          this.select();
          this.op(s.mul, Simd.f64x2_mul).index(Op.local_set, this.d[k][i]);
          continue;
        }
        f.index(Op.local_set, this.d[k][i]);
        if (act === ACT.linear) continue;
        // multiplyByDerivative: δ ← δ · act′(z), in f64, rounded.
        this.wide(this.d[k][i]);
        this.derivative(act, () => void this.wide(this.z[k][i]), () => void this.wide(this.a[k][i]));
        this.op(Op.f64_mul, Simd.f64x2_mul);
        this.narrowInto(this.d[k][i]);
      }
    }
  }

  /**
   * The gradient terms of this sample (with `pair`, of lane `lane`'s): ΣW[k][i][j] += δ[k][i] a[k−1][j]
   * (storage type), Σb[k][i] += δ[k][i] (f64).
   */
  accumulate(weightSums: number[][], biasSums: number[][], lane = 0): void {
    const n = this.shape.sizes;
    const f = this.f;
    // (the products' instructions pre-encoded: with hundreds of terms, this is the generator's hot path)
    const [weightTerm, biasTerm] = this.pair
      ? [bytes(0xfd, Simd.f64x2_mul, 0x01, 0xfd, Simd.f64x2_extract_lane, lane, Op.f64_add), bytes(0xfd, Simd.f64x2_extract_lane, lane, Op.f64_add)]
      : [bytes(this.s.mul, this.s.add), bytes(...this.s.widen, Op.f64_add)];
    for (let k = 1; k <= this.shape.layers; k++) {
      for (let i = 0; i < n[k]; i++) {
        for (let j = 0; j < n[k - 1]; j++) f.update(weightSums[k][i * n[k - 1] + j], [this.d[k][i], this.a[k - 1][j]], weightTerm);
        f.update(biasSums[k][i], [this.d[k][i]], biasTerm);
      }
    }
  }
}

/** Instructions as bytes (opcodes below 128 each, SIMD ones with their prefix and LEB128 bytes spelled out). */
function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/**
 * The module of a plan whose words are filled (batchPlan.ts). Its exports `run` and `evaluate`
 * take the arguments of batches.ts's run_f64 and evaluate_f64 and do what they do.
 */
export function compileNetwork(words: Int32Array, precision: 'f64' | 'f32', optimizer: 'sgd' | 'adam'): Uint8Array {
  const shape = shapeOf(words);
  const s = precision === 'f32' ? F32 : F64;
  // f64 samples go two at a time through f64x2 code, where a batch has two (batch 1 would leave
  // a lane idle) and the network has at most PAIR_PARAMETERS; f32 ones one at a time (their
  // roundings are f32 instructions). evaluate takes pairs where it runs every epoch, on a
  // validation part; the final loss alone, once a run, is not worth the longer code.
  const pairs = precision === 'f64' && parameterCount(shape.sizes) <= PAIR_PARAMETERS;
  const runPairs = pairs && words[P.batchSize] >= 2;
  const evaluatePairs = pairs && words[P.validationCount] > 0;
  // sgd is written out for a small network (the call and the kernel's loop cost more than its
  // few parameters' steps), called for a larger one (its code would grow by ~40 bytes a parameter).
  const step: Step = optimizer === 'adam' ? 'adam' : parameterCount(shape.sizes) <= INLINE_SGD_PARAMETERS ? 'inline sgd' : 'sgd';
  const imports = compiledImports(precision, step);
  // The functions after the imports: run; evaluate, for the validation part and every run's final
  // loss (batches.ts's would cost a fresh process the kernels' module, see kernels/wasm.ts); and e^x
  // of two lanes where a sample has more than a few: written out at each use, its code would multiply.
  const evaluate = imports.length + 1;
  const exponentials = shape.activations.reduce((count, act, k) => count + (act === ACT.sigmoid || act === ACT.softmax ? shape.sizes[k] : 0), 0);
  const expPair = exponentials > INLINE_EXPONENTIALS ? evaluate + 1 : -1;
  const functions: ExportedFunction[] = [
    { name: 'run', parameters: ['i32', 'i32', 'i32', 'i32'], results: ['i32'], body: runFunction(words, shape, s, step, runPairs, evaluate, expPair) },
    { name: 'evaluate', parameters: ['i32', 'i32', 'i32', 'i32', 'i32'], results: ['i32'], body: evaluateFunction(words, shape, s, evaluatePairs, expPair) },
  ];
  if (expPair >= 0) {
    const exp = new FunctionBody(1);
    exp.index(Op.local_get, 0);
    emitExpPair(exp, expLocals(exp), EXP);
    functions.push({ name: null, parameters: ['v128'], results: ['v128'], body: exp });
  }
  return encodeModule(imports, functions);
}

/** evaluate(plan, floats, inputs, targets, rows): the loss sum into floats, the correct count returned. */
function evaluateFunction(words: Int32Array, shape: Shape, s: Storage, pairs: boolean, expPair: number): FunctionBody {
  const f = new FunctionBody(5);
  const [floats, inputs, targets, rows] = [1, 2, 3, 4];
  const sample = new SampleCode(f, shape, s, words[P.loss], words[P.classification], pairs, expPair);
  const index = f.local('i32');
  const lossSum = f.local('f64');
  const correct = f.local('i32');
  const n = shape.sizes;
  const get = (local: number) => f.index(Op.local_get, local);
  f.f64(0).index(Op.local_set, lossSum).i32(0).index(Op.local_set, correct).i32(0).index(Op.local_set, index);
  f.begin(Op.block);
  get(rows).op(Op.i32_eqz).index(Op.br_if, 0);
  const base = (part: number, width: number) => (row: number) => void get(part).index(Op.local_get, row).i32(8 * width).op(Op.i32_mul).op(Op.i32_add);
  emitSamples(f, sample, index, rows, {
    row: (offset) => void get(index).i32(offset).op(Op.i32_add),
    inputs: base(inputs, n[0]),
    inputOffset: 0,
    targets: base(targets, n[shape.layers]),
    targetOffset: 0,
  }, lossSum, correct, null);
  f.op(Op.end);
  get(floats).index(Op.local_get, lossSum).memory(Op.f64_store, 3, 8 * F.evaluatedLoss);
  get(correct);
  return f;
}

/** Where emitSamples finds the samples of its positions. */
interface SampleSource {
  /** Pushes the row number of the sample at position index + offset. */
  row(offset: number): void;
  /** Pushes the address of the inputs (targets) of the row in local `row`, less the constant offset below. */
  inputs(row: number): void;
  inputOffset: number;
  targets(row: number): void;
  targetOffset: number;
}

/**
 * A loop over the positions `index` = 0, 1, … < `count` (count ≥ 1; two at a time with pairs):
 * each sample's forward pass, its loss and correctness added to lossSum and correct, and with
 * `gradients` its δ and gradient terms added to the sums, sample after sample in position order.
 */
function emitSamples(
  f: FunctionBody, sample: SampleCode, index: number, count: number, source: SampleSource, lossSum: number, correct: number,
  gradients: { weightSums: number[][]; biasSums: number[][] } | null,
): void {
  const get = (local: number) => f.index(Op.local_get, local);
  const set = (local: number) => f.index(Op.local_set, local);
  const rows = sample.pair ? [f.local('i32'), f.local('i32')] : [f.local('i32')];
  const second = sample.pair ? f.local('i32') : -1;
  f.begin(Op.loop);
  source.row(0);
  set(rows[0]);
  if (sample.pair) {
    // A second sample at index + 1? After the last of an odd count, lane 1 repeats it and is not counted.
    get(index).i32(1).op(Op.i32_add);
    get(count).op(Op.i32_lt_s).index(Op.local_tee, second);
    f.begin(Op.if, 'i32');
    source.row(1);
    f.op(Op.else);
    get(rows[0]);
    f.op(Op.end);
    set(rows[1]);
  }
  sample.loadRows(rows.map((row) => () => source.inputs(row)), source.inputOffset, rows.map((row) => () => source.targets(row)), source.targetOffset);
  sample.forward();
  sample.lossAndDelta();
  const mask = sample.pair ? f.local('v128') : -1;
  if (sample.pair) {
    sample.correct();
    set(mask);
  }
  if (gradients) sample.backpropagate();
  /** Lane `lane`'s loss, correctness and gradient terms into the sums. */
  const add = (lane: number) => {
    get(lossSum);
    get(sample.sampleLoss);
    if (sample.pair) f.lane(Simd.f64x2_extract_lane, lane);
    f.op(Op.f64_add);
    set(lossSum);
    get(correct);
    if (sample.pair) {
      // a lane's mask is all ones (−1 in each i32 of it) where correct
      get(mask).lane(Simd.i32x4_extract_lane, 2 * lane).op(Op.i32_sub);
    } else {
      sample.correct();
      f.op(Op.i32_add);
    }
    set(correct);
    if (gradients) sample.accumulate(gradients.weightSums, gradients.biasSums, lane);
  };
  add(0);
  if (sample.pair) {
    get(second).begin(Op.if);
    add(1);
    f.op(Op.end);
  }
  get(index).i32(sample.pair ? 2 : 1).op(Op.i32_add).index(Op.local_tee, index);
  get(count).op(Op.i32_lt_s).index(Op.br_if, 0);
  f.op(Op.end);
}

/** run(plan, floats, maxBatches, maxEpochs): batches.ts's run<T>, specialized. */
function runFunction(words: Int32Array, shape: Shape, s: Storage, step: Step, pairs: boolean, evaluate: number, expPair: number): FunctionBody {
  const f = new FunctionBody(4);
  const [plan, floats, maxBatches, maxEpochs] = [0, 1, 2, 3];
  const n = shape.sizes;
  const Lk = shape.layers;
  const trainCount = words[P.trainCount];
  const batchSize = words[P.batchSize];
  const capacity = words[P.capacity];
  const validationCount = words[P.validationCount];
  const sample = new SampleCode(f, shape, s, words[P.loss], words[P.classification], pairs, expPair);
  const local = (type: ValueType) => f.local(type);
  const [cursor, updates, correct, status, epochs, batches, start, end, chunk, columns, column, last] = Array.from({ length: 12 }, () => local('i32'));
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
  emitSamples(f, sample, column, columns, {
    // row = order[chunk + column + offset]
    row: (offset) => {
      get(chunk);
      get(column).op(Op.i32_add).i32(2).op(Op.i32_shl).memory(Op.i32_load, 2, words[P.order] + 4 * offset);
    },
    inputs: (row) => void get(row).i32(8 * n[0]).op(Op.i32_mul),
    inputOffset: words[P.trainInputs],
    targets: (row) => void get(row).i32(8 * n[Lk]).op(Op.i32_mul),
    targetOffset: words[P.trainTargets],
  }, lossSum, correct, { weightSums, biasSums });

  // The chunk's sums: stored for the batch's first chunk, added to the stored ones after (a batch
  // of at most `capacity` samples is one chunk).
  if (batchSize > capacity) {
    get(chunk);
    get(start).op(Op.i32_gt_s).op(Op.if).op(0x40);
    writeGradients(true);
    f.op(Op.else);
    writeGradients(false);
    f.op(Op.end);
  } else {
    writeGradients(false);
  }
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
    get(floats).i32(words[P.validationInputs]).i32(words[P.validationTargets]).i32(validationCount).index(Op.call, evaluate);
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

  /** The batch's size as an f64. */
  function pushBatchSize(): void {
    get(end).index(Op.local_get, start).op(Op.i32_sub).op(Op.f64_convert_i32_s);
  }

  /** The optimizer step over the parameter block (one function per kind: V8 compiles only the one a network uses). */
  function optimizerStep(): void {
    if (step === 'inline sgd') inlineSgd();
    else if (step === 'sgd') kernelSgd();
    else adam();
  }

  /**
   * sgd written out, parameter by parameter, as the kernels' sgd pass computes each (kernels.ts:
   * g ← Σg/batch, v ← μv − ηg, θ ← θ + v; the block's padding stays 0 either way, so it is skipped).
   */
  function inlineSgd(): void {
    // With pairs (f64), two neighbouring parameters at a time in f64x2 lanes, as the kernel goes.
    const lanes = pairs ? 2 : 1;
    const type: ValueType = pairs ? 'v128' : 'f64';
    const [batch, momentum, rate, g, v] = [local(type), local(type), local(type), local(type), local(pairs ? 'v128' : s.type)];
    const splat = () => void (pairs && f.simd(Simd.f64x2_splat));
    pushBatchSize();
    splat();
    set(batch);
    get(floats).memory(Op.f64_load, 3, 8 * F.momentum);
    splat();
    set(momentum);
    get(floats).memory(Op.f64_load, 3, 8 * F.rate);
    splat();
    set(rate);
    const load = (address: number) => {
      f.i32(0);
      if (pairs) f.simdMemory(Simd.v128_load, 4, address);
      else f.memory(s.load, s.align, address);
      for (const op of s.widen) f.op(op);
    };
    const store = (address: number) => {
      for (const op of s.narrow) f.op(op);
      if (pairs) f.simdMemory(Simd.v128_store, 4, address);
      else f.memory(s.store, s.align, address);
    };
    const op = (scalar: Op, vector: Simd) => (pairs ? f.simd(vector) : f.op(scalar));
    const velocity = words[P.state1] - words[P.parameters];
    for (let k = 1; k <= Lk; k++) {
      const pieces: [number, number, number][] = [
        [shape.weights[k], shape.weightGradients[k], n[k] * n[k - 1]],
        [shape.biases[k], shape.biasGradients[k], n[k]],
      ];
      for (const [parameters, gradients, count] of pieces) {
        // (a pair's second lane past the piece's end is padding: 0, and 0 again after the step)
        for (let i = 0; i < count; i += lanes) {
          const [theta, gradient] = [parameters + s.size * i, gradients + s.size * i];
          // g = Σg / batch, stored (rounded) where Σg was
          f.i32(0);
          load(gradient);
          get(batch);
          op(Op.f64_div, Simd.f64x2_div).index(Op.local_tee, g);
          store(gradient);
          // v = μ v − η g, stored rounded
          f.i32(0);
          get(momentum);
          load(theta + velocity);
          op(Op.f64_mul, Simd.f64x2_mul);
          get(rate);
          get(g);
          op(Op.f64_mul, Simd.f64x2_mul);
          op(Op.f64_sub, Simd.f64x2_sub);
          for (const op of s.narrow) f.op(op);
          f.index(Op.local_tee, v);
          if (pairs) f.simdMemory(Simd.v128_store, 4, theta + velocity);
          else f.memory(s.store, s.align, theta + velocity);
          // θ = θ + v (v as stored)
          f.i32(0);
          load(theta);
          get(v);
          for (const op of s.widen) f.op(op);
          op(Op.f64_add, Simd.f64x2_add);
          store(theta);
        }
      }
    }
  }

  /** The kernels' sgd pass. */
  function kernelSgd(): void {
    f.i32(words[P.parameters]).i32(words[P.gradients]).i32(words[P.state1]).i32(words[P.blockLength]);
    pushBatchSize();
    get(floats).memory(Op.f64_load, 3, 8 * F.momentum);
    get(floats).memory(Op.f64_load, 3, 8 * F.rate);
    f.index(Op.call, STEP);
  }

  /** The kernels' adam pass, its β powers advanced as batches.ts does. */
  function adam(): void {
    f.i32(words[P.parameters]).i32(words[P.gradients]).i32(words[P.state1]);
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
    pushBatchSize();
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
    f.op(Op.f64_sub).index(Op.call, STEP);
  }
}
