// `nn export --format safetensors` and the reader `weights … from` will use: the layout of the safetensors spec, a round trip to the same bits, and a clear error for every bad file.
import { describe, expect, it } from 'vitest';
import { documentMetadata, exportDocument, exportJson } from '../../server/src/export/json';
import { readSafetensors, safetensorsFile } from '../../server/src/export/safetensors';
import { readWeights, weightsFormatOf, type WeightsTarget } from '../../server/src/export/weightsFile';
import { FLOWERS as FLOWERS_F64, FLOWERS_CSV, withF32Run, XOR_EXAMPLE } from '../support/specs';
import { trainedRun, type TrainedRun } from './helpers';

/** Run 1 at f64, run 2 at f32. */
const FLOWERS = withF32Run(FLOWERS_F64);

let xorCache: TrainedRun | undefined;
const xor = () => (xorCache ??= trainedRun(XOR_EXAMPLE));

/** The 8-byte length, the header as JSON, and the data, read by hand from the bytes (the spec's layout, not the reader under test). */
function split(file: Uint8Array): { length: number; header: Record<string, any>; headerText: string; data: Uint8Array } {
  const length = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  const headerText = new TextDecoder().decode(file.subarray(8, 8 + length));
  return { length, header: JSON.parse(headerText), headerText, data: file.subarray(8 + length) };
}

/** A safetensors file from a header object and the data bytes, for crafting bad files. */
function craft(header: unknown, data: Uint8Array, declaredLength?: bigint): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(header));
  const file = new Uint8Array(8 + text.length + data.length);
  new DataView(file.buffer).setBigUint64(0, declaredLength ?? BigInt(text.length), true);
  file.set(text, 8);
  file.set(data, 8 + text.length);
  return file;
}

/**
 * The bytes as a view into a larger buffer with bytes before and after (0x7f, which reads as
 * a valid header length and as NaN-free numbers): a reader that strays outside the view reads them.
 */
function inLargerBuffer(file: Uint8Array): Uint8Array {
  const buffer = new Uint8Array(file.length + 64).fill(0x7f);
  buffer.set(file, 32);
  return buffer.subarray(32, 32 + file.length);
}

const xorNetwork = (): WeightsTarget => xor().run.network;

describe('nn export --format safetensors', () => {
  it.each([
    ['f64', 1, 'F64', 8],
    ['f32', 2, 'F32', 4],
  ] as const)('%s: layers.K.weight (units × inputs) and layers.K.bias, little-endian, the header padded to 8 bytes', (_, index, dtype, size) => {
    const { run, result } = trainedRun(FLOWERS, { 'flowers.csv': FLOWERS_CSV }, index);
    const file = safetensorsFile(run, result);
    const { length, header, data } = split(file);
    expect(length % 8).toBe(0);
    expect(Object.keys(header)).toEqual(['__metadata__', 'layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
    let offset = 0;
    result.layers.forEach((layer, k) => {
      for (const [name, shape, values] of [
        [`layers.${k}.weight`, [layer.units, layer.inputs], layer.weights],
        [`layers.${k}.bias`, [layer.units], layer.biases],
      ] as const) {
        const bytes = values.length * size;
        expect(header[name]).toEqual({ dtype, shape, data_offsets: [offset, offset + bytes] });
        const view = new DataView(data.buffer, data.byteOffset + offset, bytes);
        const stored = Array.from({ length: values.length }, (_, i) => (size === 8 ? view.getFloat64(i * size, true) : view.getFloat32(i * size, true)));
        // f32 weights are f32 numbers already: stored exactly in either precision.
        expect(stored).toEqual(Array.from(values));
        offset += bytes;
      }
    });
    expect(data.length).toBe(offset);
  });

  it('carries the JSON export\'s other fields in __metadata__, as strings', () => {
    const { run, result } = trainedRun(FLOWERS, { 'flowers.csv': FLOWERS_CSV });
    const { header } = split(safetensorsFile(run, result));
    const metadata = header.__metadata__ as Record<string, string>;
    expect(Object.values(metadata).every((v) => typeof v === 'string')).toBe(true);
    expect(metadata).toEqual(documentMetadata(exportDocument(run, result)));
    expect(metadata.network).toBe('flower');
    expect(JSON.parse(metadata.layers)).toEqual([
      { name: 'hidden', units: 5, activation: 'relu' },
      { name: 'out', units: 3, activation: 'softmax' },
    ]);
    expect(JSON.parse(metadata.classes)).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(JSON.parse(metadata.normalization)).toEqual(result.normalization);
    expect(JSON.parse(metadata.training)).toMatchObject({ data: 'flowers', finalLoss: result.finalLoss, precision: 'f64' });
  });
});

describe('reading weights back (weights … from)', () => {
  it.each([1, 2])('round trip, run %i: export → read → the same bits, from safetensors and from JSON', (index) => {
    const { run, result } = trainedRun(FLOWERS, { 'flowers.csv': FLOWERS_CSV }, index);
    const fromSafetensors = readWeights(inLargerBuffer(safetensorsFile(run, result)), 'safetensors', run.network);
    const fromJson = readWeights(new TextEncoder().encode(exportJson(run, result)), 'json', run.network);
    for (const read of [fromSafetensors, fromJson]) {
      if ('error' in read) throw new Error(read.error);
      expect(read.layers).toHaveLength(result.layers.length);
      read.layers.forEach((layer, k) => {
        expect(layer.weights).toHaveLength(result.layers[k].weights.length);
        layer.weights.forEach((w, i) => expect(Object.is(w, result.layers[k].weights[i])).toBe(true));
        layer.biases.forEach((b, i) => expect(Object.is(b, result.layers[k].biases[i])).toBe(true));
      });
      expect(read.metadata).toEqual(documentMetadata(exportDocument(run, result)));
    }
  });

  it('tells the two formats apart by the extension', () => {
    expect(weightsFormatOf('model.safetensors')).toBe('safetensors');
    expect(weightsFormatOf('runs/MODEL.SAFETENSORS')).toBe('safetensors');
    expect(weightsFormatOf('model.json')).toBe('json');
  });

  it('reads any valid container: tensors in any order, no metadata, unpadded header', () => {
    const { result } = xor();
    const bytes = (values: ArrayLike<number>) => new Uint8Array(Float64Array.from(values).buffer);
    const [hidden, output] = result.layers;
    const parts = [bytes(output.biases), bytes(hidden.weights), bytes(output.weights), bytes(hidden.biases)];
    let at = 0;
    const span = (p: Uint8Array) => [at, (at += p.length)];
    const header = {
      'layers.1.bias': { dtype: 'F64', shape: [1], data_offsets: span(parts[0]) },
      'layers.0.weight': { dtype: 'F64', shape: [3, 2], data_offsets: span(parts[1]) },
      'layers.1.weight': { dtype: 'F64', shape: [1, 3], data_offsets: span(parts[2]) },
      'layers.0.bias': { dtype: 'F64', shape: [3], data_offsets: span(parts[3]) },
    };
    const data = new Uint8Array(at);
    let offset = 0;
    for (const p of parts) {
      data.set(p, offset);
      offset += p.length;
    }
    const read = readWeights(craft(header, data), 'safetensors', xorNetwork());
    if ('error' in read) throw new Error(read.error);
    expect(Array.from(read.layers[1].weights)).toEqual(Array.from(output.weights));
    expect(read.metadata).toEqual({});
  });

  const file = () => safetensorsFile(xor().run, xor().result);
  /** The xor file with its header changed by `edit` (the data kept). */
  const edited = (edit: (header: Record<string, any>) => void, data?: (data: Uint8Array) => Uint8Array) => {
    const { header, data: original } = split(file());
    edit(header);
    return craft(header, data ? data(original) : original);
  };

  it.each<[string, () => Uint8Array, RegExp]>([
    ['a file shorter than the length field', () => file().subarray(0, 5), /^the file is 5 bytes long, too short for a safetensors file/],
    ['an empty file', () => new Uint8Array(0), /^the file is 0 bytes long/],
    ['a header longer than the file', () => craft({}, new Uint8Array(0), 1000n), /^the header length says 1000 bytes, but only 2 bytes follow it: the file is truncated, or not a safetensors file$/],
    ['a header length of 2⁶⁴ − 1', () => craft({}, new Uint8Array(0), 2n ** 64n - 1n), /^the header length says 18446744073709551615 bytes/],
    ['a file cut inside its header', () => file().subarray(0, 40), /^the header length says \d+ bytes, but only 32 bytes follow it/],
    ['a truncated file (its last tensor cut short)', () => file().subarray(0, file().length - 5), /^tensor "layers\.1\.bias" lies at bytes 96–104 of the data, but the data is only 99 bytes long: the file is truncated$/],
    ['a header that is not JSON', () => craft({}, new Uint8Array(0)).fill(0x20, 9, 10).fill(0x7b, 8, 9), /^the header is not valid JSON/],
    ['a header that is not an object', () => { const f = craft([1], new Uint8Array(0)); return f; }, /^the header does not start with "\{": this is not a safetensors file$/],
    ['a dtype safetensors does not define', () => edited((h) => (h['layers.0.bias'].dtype = 'F128')), /^tensor "layers\.0\.bias" has the dtype "F128", which safetensors does not define$/],
    ['a shape that does not match the byte count', () => edited((h) => (h['layers.0.weight'].shape = [2, 2])), /^tensor "layers\.0\.weight" is F64 of shape \[2, 2\], which takes 32 bytes, but its data_offsets hold 48 bytes$/],
    ['offsets that are not [begin, end]', () => edited((h) => (h['layers.0.weight'].data_offsets = [48, 0])), /^tensor "layers\.0\.weight": data_offsets must be \[begin, end\] with 0 ≤ begin ≤ end$/],
    ['two tensors over the same bytes', () => edited((h) => (h['layers.0.bias'].data_offsets = [0, 24])), /^tensors "layers\.0\.(weight|bias)" and "layers\.0\.(weight|bias)" overlap/],
    ['bytes that belong to no tensor', () => edited((h) => delete h['layers.0.bias']), /^bytes 48–72 of the data belong to no tensor \(before "layers\.1\.weight"\)$/],
    ['bytes after the last tensor', () => edited(() => undefined, (d) => Uint8Array.from([...d, 0, 0, 0, 0, 0, 0, 0, 0])), /^the data is 112 bytes long, but the tensors end at byte 104: 8 bytes belong to no tensor$/],
    ['metadata that is not all strings', () => edited((h) => (h.__metadata__.epochs = 12)), /^__metadata__ must hold strings only; "epochs" is a number$/],
    ['an entry that is not an object', () => edited((h) => (h['layers.0.bias'] = [0, 24])), /^tensor "layers\.0\.bias" is a list, not an object with dtype, shape and data_offsets$/],
  ])('%s: a clear error, nothing read outside the file', (_, make, message) => {
    const bytes = inLargerBuffer(make());
    const read = readSafetensors(bytes);
    expect(read).toEqual({ error: expect.stringMatching(message) });
    // The same error where the weights are read, never a throw.
    expect(readWeights(bytes, 'safetensors', xorNetwork())).toEqual(read);
  });

  it.each<[string, () => Uint8Array, WeightsTarget | null, RegExp]>([
    ['a dtype nn does not read', () => edited((h) => (h['layers.0.weight'].dtype = 'I64')), null, /^layers\.0\.weight is I64; nn reads weights stored as F64 or F32$/],
    ['a missing bias', () => edited((h) => delete h['layers.1.bias'], (d) => d.subarray(0, 96)), null, /^the file has no layers\.1\.bias for layer 'output' \(layer 2 of network 'xor'\)$/],
    ['a missing weight', () => edited((h) => { delete h['layers.0.weight']; for (const k of ['layers.0.bias', 'layers.1.weight', 'layers.1.bias']) h[k].data_offsets = h[k].data_offsets.map((o: number) => o - 48); }, (d) => d.subarray(48)), null, /^the file has no layers\.0\.weight for layer 'hidden' \(layer 1 of network 'xor'\)$/],
    ['a tensor nn does not know', () => edited((h) => { h['fc1.weight'] = h['layers.1.bias']; delete h['layers.1.bias']; }), null, /^the tensor "fc1\.weight" is not one nn reads: it reads layers\.K\.weight and layers\.K\.bias \(K from 0\), as nn export writes them$/],
    ['a hidden layer of another width', () => file(), { name: 'xor', input: 2, layers: [{ name: 'hidden', units: 4 }, { name: 'output', units: 1 }] }, /^layers\.0\.weight is 3 × 2 in the file, but layer 'hidden' \(layer 1 of network 'xor'\) needs 4 × 2 \(units × inputs\)$/],
    ['another input width', () => file(), { name: 'wide', input: 5, layers: [{ name: 'hidden', units: 3 }, { name: 'output', units: 1 }] }, /^layers\.0\.weight is 3 × 2 in the file, but layer 'hidden' \(layer 1 of network 'wide'\) needs 3 × 5 \(units × inputs\)$/],
    ['a bias of another length', () => edited((h) => (h['layers.1.bias'].shape = [1, 1])), null, /^layers\.1\.bias is 1 × 1 in the file, but layer 'output' \(layer 2 of network 'xor'\) has 1 unit, so it needs 1$/],
    ['more layers than the network', () => file(), { name: 'short', input: 2, layers: [{ name: 'only', units: 3 }] }, /^the file has weights for 2 layers, but network 'short' has 1$/],
    ['a NaN weight', () => edited(() => undefined, (d) => { const c = d.slice(); new DataView(c.buffer).setFloat64(24, NaN, true); return c; }), null, /^layers\.0\.weight holds NaN at row 2, column 2; weights must be finite numbers$/],
  ])('%s: a clear error naming the tensor and the layer', (_, make, network, message) => {
    expect(readWeights(inLargerBuffer(make()), 'safetensors', network ?? xorNetwork())).toEqual({ error: expect.stringMatching(message) });
  });

  it.each<[string, (doc: any) => unknown, RegExp]>([
    ['not JSON', () => '{"layers": [', /^the file is not valid JSON/],
    ['no layers', (doc) => ({ ...doc, layers: undefined }), /^the file is not an nn export document: it has no "layers" list$/],
    ['a ragged weight matrix', (doc) => { doc.layers[0].weights[1].pop(); return doc; }, /^layers\[0\]\.weights\[1\] has 1 numbers, but layers\[0\]\.weights\[0\] has 2: every row must be as long$/],
    ['a weight that is not a number', (doc) => { doc.layers[1].weights[0][2] = '0.5'; return doc; }, /^layers\[1\]\.weights\[0\]\[2\] is not a number$/],
    ['missing biases', (doc) => { delete doc.layers[1].biases; return doc; }, /^layers\[1\]\.biases is missing or not a list of numbers$/],
    ['a layer of another shape', (doc) => { doc.layers[0].weights.push([1, 2]); return doc; }, /^layers\[0\]\.weights is 4 × 2 in the file, but layer 'hidden' \(layer 1 of network 'xor'\) needs 3 × 2 \(units × inputs\)$/],
    ['a bias list of another length', (doc) => { doc.layers[0].biases.pop(); return doc; }, /^layers\[0\]\.biases is 2 numbers in the file, but layer 'hidden' \(layer 1 of network 'xor'\) has 3 units, so it needs 3$/],
  ])('JSON with %s: a clear error', (_, edit, message) => {
    const doc = JSON.parse(exportJson(xor().run, xor().result));
    const edited = edit(doc);
    const text = typeof edited === 'string' ? edited : JSON.stringify(edited);
    expect(readWeights(new TextEncoder().encode(text), 'json', xorNetwork())).toEqual({ error: expect.stringMatching(message) });
  });
});
