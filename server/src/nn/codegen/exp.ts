// e^x of both lanes of an f64x2, written into the compiled code: V8's Math.exp
// (fdlibm's __ieee754_exp, as src/base/ieee754.cc has it) for two arguments at
// once, so each lane is Math.exp's value bit for bit.
//
// Why not call Math.exp: the compiled sample code keeps two samples (a, z, δ)
// and the chunk's gradient sums in locals, and a call makes the engine save and
// reload every one of them around it; a sigmoid network made one call per unit
// and sample. Here e^x is a few dozen instructions on registers, both lanes at
// once: written out at each use for a network with few sigmoid and softmax
// units, in one function of the module for more (compile.ts decides).
//
// fdlibm's method (its comments, shortened):
//   1. reduce x to r = x − k·ln2 with |r| ≤ ½ln2, ln2 split into a high part whose
//      products with k are exact and a low part: r = hi − lo;
//   2. e^r = 1 + r + r·c/(2 − c), c = r − r²(P1 + r²(P2 + … + r²P5)), a minimax
//      fit of (e^r + 1)/(e^r − 1) on [0, ½ln2];
//   3. e^x = 2^k e^r, 2^k built from its exponent bits.
// fdlibm branches on the high word of |x| to pick k; here every lane runs the
// same steps and k is chosen per lane with masks:
//   - |x| ≤ ½ln2 (high word ≤ 0x3fd62e42): k = 0. With k = 0 the general steps
//     compute hi = x, lo = +0 and 1 − ((0 − x c/(2 − c)) − x), which is fdlibm's
//     1 − (x c/(c − 2) − x) exactly (c − 2 = −(2 − c) and a/(−b) = −(a/b) in
//     round-to-nearest); the scale 2⁰ multiplies by 1;
//   - |x| < 1½ln2 (high word < 0x3ff0a2b2): k = ±1, whose products with ln2's
//     parts are exact, so hi and lo are fdlibm's ln2HI[sign] and ln2LO[sign] ones;
//   - else k = (int)(x/ln2 ± ½), truncated toward 0, as fdlibm computes it;
//   - |x| < 2⁻²⁸: 1 + x, and x = 1: V8's constant e.
// A lane whose |x| exceeds 707 (so e^x may overflow, underflow to a subnormal, or
// x is ±∞ or NaN) sends both lanes to the imported Math.exp instead: those are
// fdlibm's remaining branches, rare in training.
// test/kernels/exp.test.ts compares every lane with Math.exp on the edges of each
// range and on millions of random arguments.

import { FunctionBody, Op, Simd } from './assembler';

const LN2_HIGH = 6.93147180369123816490e-1;
const LN2_LOW = 1.90821492927058770002e-10;
const INV_LN2 = 1.4426950408889633870;
const P = [1.66666666666666019037e-1, -2.77777777770155933842e-3, 6.61375632143793436117e-5, -1.65339022054652515390e-6, 4.13813679705723846039e-8];
/** V8 returns e for exp(1): the steps would round its last bit the other way. */
const E = 2.718281828459045;
/** |x| above this goes to Math.exp: 707 < 1021 ln2, so every other lane's 2^k is a normal double. */
const LARGEST_INLINE = 707;

/** The v128 locals e^x works in; one set serves every e^x of a function. */
export interface ExpLocals {
  x: number;
  bits: number;
  sign: number;
  k: number;
  hi: number;
  lo: number;
  r: number;
  r2: number;
  c: number;
  y: number;
}

export function expLocals(f: FunctionBody): ExpLocals {
  const v = () => f.local('v128');
  return { x: v(), bits: v(), sign: v(), k: v(), hi: v(), lo: v(), r: v(), r2: v(), c: v(), y: v() };
}

/** The high and low 32-bit words of LARGEST_INLINE's bits. */
const LARGEST_INLINE_WORDS = ((): [number, number] => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, LARGEST_INLINE);
  return [view.getUint32(0), view.getUint32(4)];
})();

/**
 * Replaces the f64x2 on top of the stack with the e^x of each lane, as Math.exp computes it.
 * `exp` is the index of the imported Math.exp, for the lanes beyond the inline range.
 */
export function emitExpPair(f: FunctionBody, v: ExpLocals, exp: number): void {
  const get = (local: number) => f.index(Op.local_get, local);
  const set = (local: number) => f.index(Op.local_set, local);
  const tee = (local: number) => f.index(Op.local_tee, local);
  /** A mask of the lanes whose |x| bits compare with the high word `high` (and low word `low`) as `compare`. */
  const absBits = (compare: Simd, high: number, low: number) => void get(v.bits).i64x2(high, low).simd(compare);

  set(v.x);
  f.begin(Op.block, 'v128'); // $result
  // |x| as bits (the sign cleared); any lane beyond the inline range: both through Math.exp.
  get(v.x).i64x2(0x7fffffff, 0xffffffff).simd(Simd.v128_and);
  tee(v.bits);
  f.i64x2(...LARGEST_INLINE_WORDS).simd(Simd.i64x2_gt_s).simd(Simd.v128_any_true).begin(Op.if);
  get(v.x).lane(Simd.f64x2_extract_lane, 0).index(Op.call, exp).simd(Simd.f64x2_splat);
  get(v.x).lane(Simd.f64x2_extract_lane, 1).index(Op.call, exp).lane(Simd.f64x2_replace_lane, 1);
  f.index(Op.br, 1);
  f.op(Op.end);

  // The sign as a mask, and k as a double: (int)(x/ln2 ± ½), or ±1, or 0 (see above).
  get(v.x).i32(63).simd(Simd.i64x2_shr_s);
  set(v.sign);
  f.f64x2(-1).f64x2(1);
  get(v.sign).simd(Simd.v128_bitselect);
  f.f64x2(INV_LN2);
  get(v.x).simd(Simd.f64x2_mul).f64x2(-0.5).f64x2(0.5);
  get(v.sign).simd(Simd.v128_bitselect).simd(Simd.f64x2_add).simd(Simd.f64x2_trunc);
  absBits(Simd.i64x2_lt_s, 0x3ff0a2b2, 0); // high word < 0x3ff0a2b2: ±1
  f.simd(Simd.v128_bitselect).f64x2(0);
  absBits(Simd.i64x2_gt_s, 0x3fd62e42, 0xffffffff); // high word > 0x3fd62e42: reduced at all
  f.simd(Simd.v128_bitselect);
  set(v.k);

  // hi = x − k·ln2hi (exact), lo = k·ln2lo, r = hi − lo
  get(v.x);
  get(v.k).f64x2(LN2_HIGH).simd(Simd.f64x2_mul).simd(Simd.f64x2_sub);
  tee(v.hi);
  get(v.k).f64x2(LN2_LOW).simd(Simd.f64x2_mul);
  tee(v.lo).simd(Simd.f64x2_sub);
  tee(v.r);
  get(v.r).simd(Simd.f64x2_mul);
  set(v.r2);
  // c = r − r²(P1 + r²(P2 + r²(P3 + r²(P4 + r² P5))))
  get(v.r);
  for (const p of P) get(v.r2).f64x2(p);
  f.simd(Simd.f64x2_mul);
  for (let i = 0; i < P.length - 1; i++) f.simd(Simd.f64x2_add).simd(Simd.f64x2_mul);
  f.simd(Simd.f64x2_sub);
  set(v.c);
  // y = 1 − ((lo − r c/(2 − c)) − hi)
  f.f64x2(1);
  get(v.lo);
  get(v.r);
  get(v.c).simd(Simd.f64x2_mul).f64x2(2);
  get(v.c).simd(Simd.f64x2_sub).simd(Simd.f64x2_div).simd(Simd.f64x2_sub);
  get(v.hi).simd(Simd.f64x2_sub).simd(Simd.f64x2_sub);
  set(v.y);

  // e = x = 1 ? E : |x| < 2⁻²⁸ ? 1 + x : y·2^k, 2^k's bits being (k + 1023) << 52
  f.f64x2(E).f64x2(1);
  get(v.x).simd(Simd.f64x2_add);
  get(v.y);
  get(v.k).simd(Simd.i32x4_trunc_sat_f64x2_s_zero).simd(Simd.i64x2_extend_low_i32x4_s).i64x2(0, 1023).simd(Simd.i64x2_add);
  f.i32(52).simd(Simd.i64x2_shl).simd(Simd.f64x2_mul);
  absBits(Simd.i64x2_lt_s, 0x3e300000, 0); // high word < 0x3e300000
  f.simd(Simd.v128_bitselect);
  get(v.x).f64x2(1).simd(Simd.f64x2_eq).simd(Simd.v128_bitselect);
  f.op(Op.end); // $result
}
