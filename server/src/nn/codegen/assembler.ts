// A small WebAssembly binary writer: the instructions the network compiler emits (compiled.ts), and a module around them.
//
// Only what the compiler needs: numeric instructions on i32, f32 and f64, the
// f64x2 (SIMD) ones that hold two samples' values, locals, loads and stores at
// constant or computed addresses, structured control flow, calls to imported
// functions, an imported shared memory. The encoding follows
// the WebAssembly core specification (binary format, §5).

export type ValueType = 'i32' | 'f32' | 'f64' | 'v128';
const TYPE_CODE: Record<ValueType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/**
 * Opcodes by name (core specification §5.4). A const enum, so the bundle has the numbers
 * inline: a property read per instruction would cost an inline-cache miss the first time
 * each emitting line runs, and code generation runs once per trainer, cold.
 */
export const enum Op {
  block = 0x02, loop = 0x03, if = 0x04, else = 0x05, end = 0x0b, br = 0x0c, br_if = 0x0d, return = 0x0f, call = 0x10,
  drop = 0x1a, select = 0x1b, local_get = 0x20, local_set = 0x21, local_tee = 0x22, i32_load = 0x28, f32_load = 0x2a,
  f64_load = 0x2b, i32_store = 0x36, f32_store = 0x38, f64_store = 0x39, i32_const = 0x41, f32_const = 0x43,
  f64_const = 0x44, i32_eqz = 0x45, i32_eq = 0x46, i32_ne = 0x47, i32_lt_s = 0x48, i32_gt_s = 0x4a, i32_le_s = 0x4c,
  i32_ge_s = 0x4e, f32_eq = 0x5b, f32_ne = 0x5c, f32_lt = 0x5d, f32_gt = 0x5e, f32_le = 0x5f, f32_ge = 0x60,
  f64_eq = 0x61, f64_ne = 0x62, f64_lt = 0x63, f64_gt = 0x64, f64_le = 0x65, f64_ge = 0x66, i32_add = 0x6a,
  i32_sub = 0x6b, i32_mul = 0x6c, i32_and = 0x71, i32_or = 0x72, i32_shl = 0x74, f32_abs = 0x8b, f32_neg = 0x8c,
  f32_add = 0x92, f32_sub = 0x93, f32_mul = 0x94, f32_div = 0x95, f32_max = 0x97, f64_abs = 0x99, f64_neg = 0x9a,
  f64_add = 0xa0, f64_sub = 0xa1, f64_mul = 0xa2, f64_div = 0xa3, f64_max = 0xa5, f64_convert_i32_s = 0xb7,
  f32_demote_f64 = 0xb6, f64_promote_f32 = 0xbb,
}

/** SIMD opcodes by name: each follows the prefix 0xfd as an unsigned LEB128 (core specification §5.4.8). */
export const enum Simd {
  v128_load = 0x00, v128_store = 0x0b, v128_load64_splat = 0x0a, v128_const = 0x0c, f64x2_splat = 0x14, i32x4_extract_lane = 0x1b, f64x2_extract_lane = 0x21,
  f64x2_replace_lane = 0x22, f64x2_eq = 0x47, f64x2_ne = 0x48, f64x2_lt = 0x49, f64x2_gt = 0x4a, f64x2_ge = 0x4c,
  v128_and = 0x4e, v128_bitselect = 0x52, v128_any_true = 0x53, v128_load64_lane = 0x57, f64x2_trunc = 0x7a,
  i64x2_extend_low_i32x4_s = 0xc7, i64x2_shl = 0xcb, i64x2_shr_s = 0xcc, i64x2_add = 0xce, i64x2_lt_s = 0xd8,
  i64x2_gt_s = 0xd9, f64x2_abs = 0xec, f64x2_neg = 0xed, f64x2_add = 0xf0, f64x2_sub = 0xf1, f64x2_mul = 0xf2,
  f64x2_div = 0xf3, f64x2_max = 0xf5, i32x4_trunc_sat_f64x2_s_zero = 0xfc,
}

/** A growable byte buffer (typed-array writes: this runs once per trainer, often before V8 has optimized it). */
export class Bytes {
  private data = new Uint8Array(1024);
  length = 0;

  byte(value: number): void {
    if (this.length === this.data.length) this.grow(1);
    this.data[this.length++] = value;
  }

  bytes(values: Uint8Array): void {
    if (this.length + values.length > this.data.length) this.grow(values.length);
    this.data.set(values, this.length);
    this.length += values.length;
  }

  /** Unsigned LEB128 of a number below 2³² (bit operations: no floating-point division while V8 interprets this). */
  unsigned(value: number): void {
    value >>>= 0;
    while (value >= 0x80) {
      this.byte((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    this.byte(value);
  }

  /** Signed LEB128 of a 32-bit integer. */
  signed(value: number): void {
    value |= 0;
    for (;;) {
      const byte = value & 0x7f;
      value >>= 7;
      if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
        this.byte(byte);
        return;
      }
      this.byte(byte | 0x80);
    }
  }

  /** An ASCII name with its length. */
  name(text: string): void {
    this.unsigned(text.length);
    for (let i = 0; i < text.length; i++) this.byte(text.charCodeAt(i));
  }

  view(): Uint8Array {
    return this.data.subarray(0, this.length);
  }

  private grow(more: number): void {
    const data = new Uint8Array(Math.max(2 * this.data.length, this.length + more));
    data.set(this.data.subarray(0, this.length));
    this.data = data;
  }
}

const scratch = new DataView(new ArrayBuffer(8));

/** The body of one function: its extra locals and its instructions. */
export class FunctionBody {
  readonly code = new Bytes();
  private readonly locals: ValueType[] = [];
  /** The pooled v128 constants' locals by value (−0 as '-0', i64 pairs as 'high:low'), and the code that sets them, run before `code`. */
  private readonly constants = new Map<number | string, number>();
  private readonly entry = new Bytes();

  constructor(private readonly parameterCount: number) {}

  /** A new local of `type`; returns its index. */
  local(type: ValueType): number {
    this.locals.push(type);
    return this.parameterCount + this.locals.length - 1;
  }

  op(code: number): this {
    this.code.byte(code);
    return this;
  }

  /** An instruction with one immediate index (local.get, br, call, …). */
  index(code: number, index: number): this {
    this.code.byte(code);
    this.code.unsigned(index);
    return this;
  }

  i32(value: number): this {
    this.code.byte(Op.i32_const);
    this.code.signed(value);
    return this;
  }

  f64(value: number): this {
    this.code.byte(Op.f64_const);
    scratch.setFloat64(0, value, true);
    for (let i = 0; i < 8; i++) this.code.byte(scratch.getUint8(i));
    return this;
  }

  f32(value: number): this {
    this.code.byte(Op.f32_const);
    scratch.setFloat32(0, value, true);
    for (let i = 0; i < 4; i++) this.code.byte(scratch.getUint8(i));
    return this;
  }

  /** A load or store with its memarg: alignment as log2 bytes, and a constant offset. */
  memory(code: number, alignLog2: number, offset = 0): this {
    this.code.byte(code);
    this.code.byte(alignLog2);
    this.code.unsigned(offset);
    return this;
  }

  /** block, loop or if with no result, or with one of `result`. */
  begin(code: number, result?: ValueType): this {
    this.code.byte(code);
    this.code.byte(result ? TYPE_CODE[result] : 0x40);
    return this;
  }

  /**
   * A term of an unrolled sum: i32.const 0, `load` (opcode and alignment, pre-encoded) at the
   * constant address, local.get `local`, then `ops`. One call for what would be a dozen.
   */
  term(load: Uint8Array, address: number, local: number, ops: Uint8Array): this {
    const code = this.code;
    code.byte(Op.i32_const);
    code.byte(0);
    code.bytes(load);
    code.unsigned(address);
    code.byte(Op.local_get);
    code.unsigned(local);
    code.bytes(ops);
    return this;
  }

  /** local.get of `into` and of each of `locals`, then `ops`, then local.set `into`: into ← into ⊕ f(locals). */
  update(into: number, locals: number[], ops: Uint8Array): this {
    const code = this.code;
    code.byte(Op.local_get);
    code.unsigned(into);
    for (const local of locals) {
      code.byte(Op.local_get);
      code.unsigned(local);
    }
    code.bytes(ops);
    code.byte(Op.local_set);
    code.unsigned(into);
    return this;
  }

  /** A SIMD instruction (after the 0xfd prefix). */
  simd(code: Simd): this {
    this.code.byte(0xfd);
    this.code.unsigned(code);
    return this;
  }

  /** A SIMD instruction with a lane index (extract_lane, replace_lane). */
  lane(code: Simd, lane: number): this {
    this.simd(code);
    this.code.byte(lane);
    return this;
  }

  /** A SIMD load with its memarg (and a lane index for load64_lane). */
  simdMemory(code: Simd, alignLog2: number, offset: number, lane?: number): this {
    this.simd(code);
    this.code.byte(alignLog2);
    this.code.unsigned(offset);
    if (lane !== undefined) this.code.byte(lane);
    return this;
  }

  /** Two f64 lanes of `value` (a pooled constant: see define). */
  f64x2(value: number): this {
    const key = Object.is(value, -0) ? '-0' : value;
    let local = this.constants.get(key);
    if (local === undefined) {
      scratch.setFloat64(0, value, true);
      local = this.define(key);
    }
    return this.index(Op.local_get, local);
  }

  /** Two i64 lanes of the value whose high and low 32-bit words are given (a pooled constant). */
  i64x2(high: number, low: number): this {
    const key = `${high >>> 0}:${low >>> 0}`;
    let local = this.constants.get(key);
    if (local === undefined) {
      scratch.setUint32(0, low >>> 0, true);
      scratch.setUint32(4, high >>> 0, true);
      local = this.define(key);
    }
    return this.index(Op.local_get, local);
  }

  /**
   * A v128 local holding the 8 bytes in `scratch` in both lanes, set once at the function's
   * entry: each use is a 2-byte local.get where v128.const is 18, and the baseline compiler
   * keeps a local in a register.
   */
  private define(key: number | string): number {
    const local = this.local('v128');
    this.constants.set(key, local);
    this.entry.byte(0xfd);
    this.entry.unsigned(Simd.v128_const);
    for (let lane = 0; lane < 2; lane++) for (let i = 0; i < 8; i++) this.entry.byte(scratch.getUint8(i));
    this.entry.byte(Op.local_set);
    this.entry.unsigned(local);
    return local;
  }

  /** The encoded body: locals grouped by runs of one type, then the code and `end`. */
  encode(out: Bytes): void {
    const counts: number[] = [];
    const types: ValueType[] = [];
    for (const type of this.locals) {
      if (types.length > 0 && types[types.length - 1] === type) counts[counts.length - 1]++;
      else {
        counts.push(1);
        types.push(type);
      }
    }
    const body = new Bytes();
    body.unsigned(counts.length);
    for (let i = 0; i < counts.length; i++) {
      body.unsigned(counts[i]);
      body.byte(TYPE_CODE[types[i]]);
    }
    body.bytes(this.entry.view());
    body.bytes(this.code.view());
    body.byte(Op.end);
    out.unsigned(body.length);
    out.bytes(body.view());
  }
}

export interface FunctionImport {
  module: string;
  name: string;
  parameters: ValueType[];
  results: ValueType[];
}

export interface ExportedFunction {
  /** The export's name, or null for a function only the module's own code calls. */
  name: string | null;
  parameters: ValueType[];
  results: ValueType[];
  body: FunctionBody;
}

/**
 * A module that imports `env.memory` (shared, as the kernels' memory is) and some functions
 * (indices 0..imports−1, in order), and exports the given functions (indices after the imports).
 */
export function encodeModule(imports: FunctionImport[], functions: ExportedFunction[]): Uint8Array {
  const out = new Bytes();
  out.bytes(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00));
  const section = (id: number, content: Bytes) => {
    out.byte(id);
    out.unsigned(content.length);
    out.bytes(content.view());
  };
  const signatures = [...imports, ...functions];
  const types = new Bytes();
  types.unsigned(signatures.length);
  for (const { parameters, results } of signatures) {
    types.byte(0x60);
    types.unsigned(parameters.length);
    for (const type of parameters) types.byte(TYPE_CODE[type]);
    types.unsigned(results.length);
    for (const type of results) types.byte(TYPE_CODE[type]);
  }
  section(1, types);
  const importBytes = new Bytes();
  importBytes.unsigned(imports.length + 1);
  imports.forEach((entry, i) => {
    importBytes.name(entry.module);
    importBytes.name(entry.name);
    importBytes.byte(0x00);
    importBytes.unsigned(i);
  });
  importBytes.name('env');
  importBytes.name('memory');
  // A shared memory with a maximum: flags 3, at least 1 page, at most 65,536.
  importBytes.byte(0x02);
  importBytes.byte(0x03);
  importBytes.unsigned(1);
  importBytes.unsigned(65536);
  section(2, importBytes);
  const declarations = new Bytes();
  declarations.unsigned(functions.length);
  functions.forEach((_f, i) => declarations.unsigned(imports.length + i));
  section(3, declarations);
  const exportBytes = new Bytes();
  exportBytes.unsigned(functions.filter((f) => f.name !== null).length);
  functions.forEach((f, i) => {
    if (f.name === null) return;
    exportBytes.name(f.name);
    exportBytes.byte(0x00);
    exportBytes.unsigned(imports.length + i);
  });
  section(7, exportBytes);
  const code = new Bytes();
  code.unsigned(functions.length);
  for (const f of functions) f.body.encode(code);
  section(10, code);
  return out.view();
}
