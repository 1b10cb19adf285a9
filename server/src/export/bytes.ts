// Numbers as the little-endian bytes of IEEE floats, the layout of ONNX raw_data, safetensors and the PyTorch script's base64.
//
// DataView fixes the byte order whatever the machine's is, and reads at any offset
// (a typed array over a file's bytes would need the offset aligned to the element size).

import type { Precision } from '../language/model';

/** Bytes per number. */
export const PRECISION_BYTES: Record<Precision, number> = { f64: 8, f32: 4 };

/** The numbers as little-endian float64 (f64) or float32 (f32; each rounded to the nearest float). */
export function littleEndian(values: ArrayLike<number>, precision: Precision): Uint8Array {
  const size = PRECISION_BYTES[precision];
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  if (precision === 'f64') for (let i = 0; i < values.length; i++) view.setFloat64(i * size, values[i], true);
  else for (let i = 0; i < values.length; i++) view.setFloat32(i * size, values[i], true);
  return bytes;
}

/** `count` little-endian floats from `bytes` at `offset`; the caller has checked that they lie inside `bytes`. */
export function fromLittleEndian(bytes: Uint8Array, offset: number, count: number, precision: Precision): Float64Array {
  const size = PRECISION_BYTES[precision];
  if (offset < 0 || offset + count * size > bytes.length) throw new RangeError(`${count} numbers at byte ${offset} do not fit in ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float64Array(count);
  if (precision === 'f64') for (let i = 0; i < count; i++) values[i] = view.getFloat64(offset + i * size, true);
  else for (let i = 0; i < count; i++) values[i] = view.getFloat32(offset + i * size, true);
  return values;
}
