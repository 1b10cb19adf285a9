// `nn export --format safetensors`: a trained run's weights as a safetensors file, and the reader that checks such a file whole (docs/export.md).
//
// The format (huggingface/safetensors): an 8-byte little-endian unsigned length N, N bytes
// of UTF-8 JSON (the header: each tensor's dtype, shape and [begin, end) byte offsets into
// the data that follows, plus an optional `__metadata__` map of strings to strings), then
// the data: every tensor's bytes, little-endian, back to back with no holes. nn writes
// `layers.K.weight` (units × inputs) and `layers.K.bias` for K from 0, as PyTorch names
// the parameters of a ModuleList `layers` of Linear layers.

import type { RunSpec } from '../language/model';
import type { TrainResult } from '../nn/types';
import { littleEndian } from './bytes';
import { documentMetadata, exportDocument } from './json';

/** The reference implementation refuses headers above this size; so does this reader. */
const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of every dtype the format defines. */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8,
};

/** The safetensors file of a trained run. Throws ExportError for a diverged run (json.ts). */
export function safetensorsFile(run: RunSpec, result: TrainResult): Uint8Array {
  const doc = exportDocument(run, result);
  const precision = run.settings.precision;
  const dtype = precision === 'f64' ? 'F64' : 'F32';
  const header: Record<string, unknown> = { __metadata__: documentMetadata(doc) };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], values: ArrayLike<number>) => {
    const bytes = littleEndian(values, precision);
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  };
  doc.layers.forEach((layer, k) => {
    add(`layers.${k}.weight`, [layer.units, k === 0 ? doc.input : doc.layers[k - 1].units], layer.weights.flat());
    add(`layers.${k}.bias`, [layer.units], layer.biases);
  });
  // Spaces pad the header so the data starts on an 8-byte boundary, as the reference writer does.
  const unpadded = new TextEncoder().encode(JSON.stringify(header));
  const paddedHeader = new Uint8Array(Math.ceil(unpadded.length / 8) * 8).fill(0x20);
  paddedHeader.set(unpadded);
  const file = new Uint8Array(8 + paddedHeader.length + offset);
  new DataView(file.buffer).setBigUint64(0, BigInt(paddedHeader.length), true);
  file.set(paddedHeader, 8);
  let at = 8 + paddedHeader.length;
  for (const chunk of chunks) {
    file.set(chunk, at);
    at += chunk.length;
  }
  return file;
}

/** One tensor of a safetensors file. */
export interface SafetensorsTensor {
  /** As the header says: F64, F32, I64, BF16, … */
  dtype: string;
  shape: number[];
  /** Its bytes: a view into the file, checked to lie inside it and to be shape × dtype in size. */
  bytes: Uint8Array;
}

export interface Safetensors {
  /** In the header's order. */
  tensors: Map<string, SafetensorsTensor>;
  /** `__metadata__`, or {} when the header has none. */
  metadata: Record<string, string>;
}

/**
 * Reads a safetensors file, checking all of it first: the length, the header (JSON, the
 * fields of every entry, dtypes), and that the tensors' offsets tile the data exactly.
 * Never reads outside `bytes` (a view of a larger buffer is fine): a file that is not
 * valid gives `{ error }`, one sentence saying what is wrong where, and nothing throws.
 */
export function readSafetensors(bytes: Uint8Array): Safetensors | { error: string } {
  if (bytes.length < 8) {
    return { error: `the file is ${plural(bytes.length, 'byte')} long, too short for a safetensors file (it starts with an 8-byte header length)` };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  const available = bytes.length - 8;
  if (declared > BigInt(available)) {
    return { error: `the header length says ${declared} bytes, but only ${plural(available, 'byte')} follow it: the file is truncated, or not a safetensors file` };
  }
  const headerLength = Number(declared);
  if (headerLength > MAX_HEADER_BYTES) return { error: `the header is ${headerLength} bytes long, more than the ${MAX_HEADER_BYTES} a safetensors reader accepts` };
  const headerBytes = bytes.subarray(8, 8 + headerLength);
  if (headerBytes[0] !== 0x7b) return { error: 'the header does not start with "{": this is not a safetensors file' };
  // Valid JSON that starts with "{" is an object.
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes)) as Record<string, unknown>;
  } catch (error) {
    return { error: `the header is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }

  const data = bytes.subarray(8 + headerLength);
  const tensors = new Map<string, SafetensorsTensor>();
  const spans: { name: string; begin: number; end: number }[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      const read = readMetadata(entry);
      if ('error' in read) return read;
      metadata = read.metadata;
      continue;
    }
    const tensor = readEntry(name, entry, data.length);
    if ('error' in tensor) return tensor;
    tensors.set(name, { dtype: tensor.dtype, shape: tensor.shape, bytes: data.subarray(tensor.begin, tensor.end) });
    spans.push({ name, begin: tensor.begin, end: tensor.end });
  }

  // The tensors must cover the data exactly: no holes, no overlaps, nothing after the last.
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: string | null = null;
  for (const span of spans) {
    if (span.begin < covered) return { error: `tensors "${previous}" and "${span.name}" overlap (bytes ${span.begin}–${covered} of the data)` };
    if (span.begin > covered) return { error: `bytes ${covered}–${span.begin} of the data belong to no tensor (before "${span.name}")` };
    covered = span.end;
    previous = span.name;
  }
  if (covered !== data.length) {
    return { error: `the data is ${plural(data.length, 'byte')} long, but the tensors end at byte ${covered}: ${plural(data.length - covered, 'byte')} belong to no tensor` };
  }
  return { tensors, metadata };
}

function readMetadata(entry: unknown): { metadata: Record<string, string> } | { error: string } {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return { error: '__metadata__ must be an object of strings' };
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value !== 'string') return { error: `__metadata__ must hold strings only; "${key}" is ${describe(value)}` };
  }
  return { metadata: entry as Record<string, string> };
}

/** One header entry, checked against the format and the data's length. */
function readEntry(name: string, entry: unknown, dataLength: number): { dtype: string; shape: number[]; begin: number; end: number } | { error: string } {
  const at = `tensor "${name}"`;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return { error: `${at} is ${describe(entry)}, not an object with dtype, shape and data_offsets` };
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== 'string') return { error: `${at} has no dtype` };
  const size = DTYPE_BYTES[dtype];
  if (size === undefined) return { error: `${at} has the dtype "${dtype}", which safetensors does not define` };
  if (!Array.isArray(shape) || !shape.every(isCount)) return { error: `${at}: shape must be a list of whole numbers ≥ 0` };
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    return { error: `${at}: data_offsets must be [begin, end] with 0 ≤ begin ≤ end` };
  }
  const [begin, end] = offsets as number[];
  if (end > dataLength) {
    return { error: `${at} lies at bytes ${begin}–${end} of the data, but the data is only ${plural(dataLength, 'byte')} long: the file is truncated` };
  }
  const elements = (shape as number[]).reduce((product, n) => product * n, 1);
  if (elements * size !== end - begin) {
    return { error: `${at} is ${dtype} of shape [${shape.join(', ')}], which takes ${plural(elements * size, 'byte')}, but its data_offsets hold ${plural(end - begin, 'byte')}` };
  }
  return { dtype, shape: shape as number[], begin, end };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
