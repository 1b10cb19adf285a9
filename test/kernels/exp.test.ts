// The compiled networks' inline e^x (server/src/nn/codegen/exp.ts) equals Math.exp bit for bit, in both lanes, on every edge of its ranges and millions of random arguments.
import { describe, expect, it } from 'vitest';
import { encodeModule, FunctionBody, Op, Simd } from '../../server/src/nn/codegen/assembler';
import { emitExpPair, expLocals } from '../../server/src/nn/codegen/exp';
import { random as seeded } from '../support/random';

// The WebAssembly API (the project's `lib` has no DOM types, where it is declared).
const wasm = (globalThis as unknown as {
  WebAssembly: {
    Module: new (bytes: Uint8Array) => object;
    Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => { buffer: SharedArrayBuffer };
    Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  };
}).WebAssembly;

/**
 * A module whose `exps(pairs)` replaces each pair of f64s at 16·i in memory (i < pairs) by their
 * e^x, computed by emitExpPair; its import 0 is Math.exp, as in a compiled network.
 */
function expModule(): { exps: (pairs: number) => void; memory: Float64Array } {
  const f = new FunctionBody(1);
  const i = f.local('i32');
  const locals = expLocals(f);
  const result = f.local('v128');
  const address = () => f.index(Op.local_get, i).i32(16).op(Op.i32_mul);
  f.i32(0).index(Op.local_set, i);
  f.begin(Op.loop);
  address();
  address().memory(Op.f64_load, 3, 0).simd(Simd.f64x2_splat).simdMemory(Simd.v128_load64_lane, 3, 8, 1);
  emitExpPair(f, locals, 0);
  f.index(Op.local_set, result);
  address().index(Op.local_get, result).lane(Simd.f64x2_extract_lane, 1).memory(Op.f64_store, 3, 8);
  address().index(Op.local_get, result).lane(Simd.f64x2_extract_lane, 0).memory(Op.f64_store, 3, 0);
  f.index(Op.local_get, i).i32(1).op(Op.i32_add).index(Op.local_tee, i);
  f.index(Op.local_get, 0).op(Op.i32_lt_s).index(Op.br_if, 0);
  f.op(Op.end);
  const bytes = encodeModule(
    [{ module: 'math', name: 'exp', parameters: ['f64'], results: ['f64'] }],
    [{ name: 'exps', parameters: ['i32'], results: [], body: f }],
  );
  const memory = new wasm.Memory({ initial: 256, maximum: 256, shared: true });
  const instance = new wasm.Instance(new wasm.Module(bytes), { env: { memory }, math: { exp: Math.exp } });
  return { exps: instance.exports.exps as (pairs: number) => void, memory: new Float64Array(memory.buffer) };
}

const { exps, memory } = expModule();

/** The arguments whose e^x differ from Math.exp's (as [x, ours, Math.exp's]), at most 5. */
function mismatches(xs: Float64Array): [number, number, number][] {
  const found: [number, number, number][] = [];
  const chunk = memory.length;
  for (let start = 0; start < xs.length; start += chunk) {
    const part = xs.subarray(start, start + chunk);
    memory.set(part);
    // An odd count's last argument is paired with itself.
    if (part.length % 2 === 1) memory[part.length] = part[part.length - 1];
    exps(Math.ceil(part.length / 2));
    for (let j = 0; j < part.length && found.length < 5; j++) {
      if (!Object.is(memory[j], Math.exp(part[j]))) found.push([part[j], memory[j], Math.exp(part[j])]);
    }
  }
  return found;
}

/** The double with these high and low words. */
function fromWords(high: number, low: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, high >>> 0);
  view.setUint32(4, low >>> 0);
  return view.getFloat64(0);
}

/** x and its 20 nearest doubles on each side. */
function around(x: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  const out: number[] = [];
  for (let d = -20n; d <= 20n; d++) {
    view.setBigInt64(0, bits + d);
    out.push(view.getFloat64(0));
  }
  return out;
}

describe('inline e^x of two lanes', () => {
  it('equals Math.exp at the edges of every range of fdlibm’s method, in either lane', () => {
    const edges = [
      0, -0, 1, -1, 2, -2, 0.5, -0.5, Infinity, -Infinity, NaN, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE,
      Math.LN2, -Math.LN2, 0.5 * Math.LN2, -0.5 * Math.LN2, 1.5 * Math.LN2, -1.5 * Math.LN2, 707, -707, 708, -708, 709.78, -745.13,
      2 ** -28, -(2 ** -28), 2 ** -29, 2 ** -60,
      // the high words fdlibm branches on, with low words 0 and all ones
      ...[0x3fd62e42, 0x3fd62e43, 0x3ff0a2b1, 0x3ff0a2b2, 0x3e2fffff, 0x3e300000, 0x40862e42, 0x40861000].flatMap((high) => [
        fromWords(high, 0), fromWords(high, 0xffffffff), -fromWords(high, 0), -fromWords(high, 0xffffffff),
      ]),
    ];
    // each with its neighbours, and every edge in each lane beside every other
    const near = edges.flatMap((x) => (Number.isFinite(x) ? around(x) : [x]));
    const pairs = edges.flatMap((x) => edges.flatMap((y) => [x, y]));
    expect(mismatches(Float64Array.from([...near, ...pairs]))).toEqual([]);
    // k·ln2 ± a little, for every k the inline range reaches
    const multiples: number[] = [];
    for (let k = -1020; k <= 1020; k++) multiples.push(...around(k * Math.LN2).filter((_, i) => i % 5 === 0));
    expect(mismatches(Float64Array.from(multiples))).toEqual([]);
  });

  it('equals Math.exp on 4 million random arguments of every magnitude', () => {
    const random = seeded(20261127);
    const xs = new Float64Array(4_000_000);
    const view = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < xs.length; i++) {
      switch (i % 5) {
        case 0: xs[i] = (random() - 0.5) * 1500; break; // beyond both ends
        case 1: xs[i] = (random() - 0.5) * 40; break; // where sigmoids live
        case 2: xs[i] = (random() - 0.5) * 3; break; // k = 0 and ±1
        case 3: xs[i] = (random() - 0.5) * 2 ** -(20 + 20 * random()); break; // near and below 2⁻²⁸
        default:
          view.setUint32(0, (random() * 2 ** 32) >>> 0); // any bits: NaNs, infinities, subnormals
          view.setUint32(4, (random() * 2 ** 32) >>> 0);
          xs[i] = view.getFloat64(0);
      }
    }
    expect(mismatches(xs)).toEqual([]);
  });
});
