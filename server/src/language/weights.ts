// Given weights (docs/language.md §7.1): the checks of a `weights` declaration and of `start from`, and the text of a declaration written from numbers.
//
// A `weights w for n { … }` block gives, for each layer of network n (by its name
// or `layerK`), one `W` row per unit j with that unit's incoming weights W_j1 … W_jn,
// in unit order, and one `b` row with the layer's biases. `weights w for n from
// "file"` reads the same numbers from the JSON document or the safetensors file
// `nn export` writes (export/weightsFile.ts checks the file against the network).
// The checker (checker.ts) calls these with what it knows; every problem is located
// and says what to do, as every check does.

import * as nodePath from 'node:path';
import { readWeights, weightsFormatOf } from '../export/weightsFile';
import type { DataStore } from '../data/store';
import { Digest } from './digest';
import type { CheckOptions } from './index';
import type { LayerParameters, NetworkSpec, Precision, StartWeights, WeightsSpec } from './model';
import type { Fix, ProblemCode, Severity } from './problems';
import { listWords, suggest } from './suggest';
import type { Span, StartStmt, StringLit, WeightRow, WeightsDecl } from './syntax';
import { blockOf } from './walk';
import { echo, plural } from './wording';

/** What the weights checks need of the checker. */
export interface WeightsCheckContext {
  text: string;
  options: CheckOptions;
  store: DataStore;
  report(span: Span, code: ProblemCode, message: string, fixes?: Fix[], severity?: Severity): void;
  /** 1-based line of an offset. */
  line(offset: number): number;
  /** True when no error lies inside `span` (syntax errors included). */
  clean(span: Span): boolean;
  /** The absolute path of a file the spec names, under the rules of data files (docs/language.md §4.18), or null once its problem is reported. */
  filePath(path: StringLit, files: string): string | null;
}

/** The numbers of a `weights` declaration checked against its network, or null when they do not fit (each problem reported). */
export function checkWeights(context: WeightsCheckContext, decl: WeightsDecl, network: NetworkSpec): WeightsSpec | null {
  const name = decl.name?.text;
  if (name === undefined || decl.name === undefined) return null;
  const layers = decl.path !== undefined ? fileWeights(context, decl, decl.path, network) : writtenWeights(context, decl, name, network);
  if (layers === null) return null;
  return { name, network: network.name, layers, file: decl.path?.value ?? null, span: decl.span, nameSpan: decl.name.span };
}

/** Inputs of layer k (0-based): the network's input width, or the units of the layer before. */
function fanIn(network: NetworkSpec, k: number): number {
  return k === 0 ? network.input : network.layers[k - 1].units;
}

/** What one layer's rows in the block are. */
interface LayerRows {
  /** Its W rows, in order, and its b row. */
  weights: WeightRow[];
  bias: WeightRow | null;
  /** Its first and last rows (a layer's rows are written together). */
  first: WeightRow;
  last: WeightRow;
}

/** The rows of a block as the network's layers, or null after reporting what does not fit. */
function writtenWeights(context: WeightsCheckContext, decl: WeightsDecl, name: string, network: NetworkSpec): LayerParameters[] | null {
  const layerIndex = new Map(network.layers.map((layer, k) => [layer.name, k]));
  const given = new Map<number, LayerRows>();
  let ok = true;
  /** A row of a layer the network does not have: the layers' counts would only repeat that mistake. */
  let strangers = false;
  let previous: number | null = null;
  if (decl.path === undefined && decl.rows.length === 0) {
    if (blockOf(decl)?.close === undefined) return null;
    context.report(decl.name!.span, 'weights-layer-missing', `weights '${name}' give no numbers: write each layer's W rows (one per unit) and its b row, as in '${network.layers[0].name} W ${Array(fanIn(network, 0)).fill('0.1').join(' ')}'`, [
      addLayersFix(context.text, decl, network, network.layers.map((_, k) => k), 'Fill in every layer with zeros'),
    ]);
    return null;
  }
  for (const row of decl.rows) {
    if (row.malformed === true) {
      // Stryker disable next-line BooleanLiteral: an error inside the declaration is reported, so the checker does not keep these weights
      ok = false; // reported by the parser
      previous = null;
      continue;
    }
    const k = layerIndex.get(row.layer.text);
    if (k === undefined) {
      unknownLayer(context, row, network);
      // Stryker disable next-line BooleanLiteral: an error inside the declaration is reported, so the checker does not keep these weights
      ok = false;
      strangers = true;
      previous = null;
      continue;
    }
    for (const literal of row.values) {
      if (!Number.isFinite(literal.value)) {
        context.report(literal.span, 'non-finite', `${literal.text} is too large to be a number (it overflows to infinity)`);
        // Stryker disable next-line BooleanLiteral: an error inside the declaration is reported, so the checker does not keep these weights
        ok = false;
      }
    }
    const layer = network.layers[k];
    let rows = given.get(k);
    if (rows !== undefined && previous !== k) {
      context.report(
        row.layer.span,
        'weights-layer-repeated',
        `layer '${layer.name}' is already given on ${lineRange(context, rows.first, rows.last)}; write each layer's rows once, together`,
      );
      // Stryker disable next-line BooleanLiteral: an error inside the declaration is reported, so the checker does not keep these weights
      ok = false;
      continue;
    }
    previous = k;
    if (rows === undefined) {
      rows = { weights: [], bias: null, first: row, last: row };
      given.set(k, rows);
    }
    rows.last = row;
    // Stryker disable next-line OptionalChaining: a weight row always has tokens: the parser makes it from them
    const isBias = row.tokens[0]?.text === 'b';
    if (isBias) {
      if (rows.bias !== null) {
        context.report(row.layer.span, 'weights-layer-repeated', `layer '${layer.name}' already has its b row on line ${context.line(rows.bias.span.start)}; keep one of them`);
        // Stryker disable next-line BooleanLiteral: an error inside the declaration is reported, so the checker does not keep these weights
        ok = false;
        continue;
      }
      rows.bias = row;
      if (row.values.length !== layer.units) {
        context.report(
          row.span,
          'weights-row-length',
          `this b row has ${plural(row.values.length, 'number')}, but layer '${layer.name}' has ${plural(layer.units, 'unit')}, so its b has ${plural(layer.units, 'bias', 'biases')}, one per unit`,
        );
        // Stryker disable next-line BooleanLiteral: an error inside the declaration is reported, so the checker does not keep these weights
        ok = false;
      }
    } else {
      rows.weights.push(row);
      const inputs = fanIn(network, k);
      if (row.values.length !== inputs) {
        const before = k === 0 ? `the network's input is ${inputs} wide` : `the layer before has ${plural(inputs, 'unit')}`;
        context.report(
          row.span,
          'weights-row-length',
          `this W row has ${plural(row.values.length, 'number')}, but layer '${layer.name}' takes ${plural(inputs, 'input')} (${before}), so each of its W rows has ${plural(inputs, 'weight')}`,
        );
        // Stryker disable next-line BooleanLiteral: an error inside the declaration is reported, so the checker does not keep these weights
        ok = false;
      }
    }
  }
  if (strangers) return null;
  // Every layer given, each with one W row per unit and its b row.
  const missing: number[] = [];
  network.layers.forEach((layer, k) => {
    const rows = given.get(k);
    if (rows === undefined) {
      missing.push(k);
      return;
    }
    const count = rows.weights.length;
    if (count > layer.units) {
      const extra = rows.weights.slice(layer.units);
      context.report(
        extra[0].span,
        'weights-row-count',
        `layer '${layer.name}' has ${plural(layer.units, 'unit')}, so it takes ${plural(layer.units, 'W row')} (one per unit), not ${count}`,
        [removeRowsFix(context.text, extra, `Remove the ${extra.length === 1 ? 'extra W row' : `${extra.length} extra W rows`}`)],
      );
      // Stryker disable next-line BooleanLiteral: an error inside the declaration is reported, so the checker does not keep these weights
      ok = false;
    } else if (count < layer.units) {
      const at = rows.weights[count - 1] ?? rows.first;
      const zeros = Array(fanIn(network, k)).fill('0').join(' ');
      const addition = Array.from({ length: layer.units - count }, () => `${rows.first.layer.text} W ${zeros}`);
      context.report(
        count > 0 ? at.span : at.layer.span,
        'weights-row-count',
        `layer '${layer.name}' has ${plural(layer.units, 'unit')}, so it takes ${plural(layer.units, 'W row')} (one per unit), not ${count}`,
        [insertRowsFix(context.text, decl, count > 0 ? at.span : { start: rows.first.span.start, end: rows.first.span.start }, addition, count > 0, `Add ${plural(addition.length, 'W row')} of zeros`)],
      );
      ok = false;
    }
    if (rows.bias === null) {
      const zeros = Array(layer.units).fill('0').join(' ');
      context.report(rows.last.span, 'weights-layer-missing', `layer '${layer.name}' has no b row; add '${rows.first.layer.text} b' with its ${plural(layer.units, 'bias', 'biases')}`, [
        insertRowsFix(context.text, decl, rows.last.span, [`${rows.first.layer.text} b ${zeros}`], true, 'Add a b row of zeros'),
      ]);
      ok = false;
    }
  });
  for (const k of missing) {
    const layer = network.layers[k];
    context.report(
      decl.name!.span,
      'weights-layer-missing',
      `weights '${name}' do not give layer '${layer.name}' (layer ${k + 1} of network '${network.name}'): add its ${plural(layer.units, 'W row')} of ${plural(fanIn(network, k), 'number')} and its b row of ${plural(layer.units, 'number')}`,
      [addLayersFix(context.text, decl, network, [k], `Add layer '${layer.name}' with zeros`)],
    );
    ok = false;
  }
  if (!ok) return null;
  return network.layers.map((layer, k) => {
    const rows = given.get(k)!;
    const weights = new Float64Array(layer.units * fanIn(network, k));
    rows.weights.forEach((row, j) => row.values.forEach((literal, i) => (weights[j * fanIn(network, k) + i] = literal.value)));
    return { weights, biases: Float64Array.from(rows.bias!.values, (literal) => literal.value) };
  });
}

function lineRange(context: WeightsCheckContext, first: WeightRow, last: WeightRow): string {
  const a = context.line(first.span.start);
  const b = context.line(last.span.start);
  return a === b ? `line ${a}` : `lines ${a}–${b}`;
}

function unknownLayer(context: WeightsCheckContext, row: WeightRow, network: NetworkSpec): void {
  const names = network.layers.map((layer) => layer.name);
  const guess = suggest(row.layer.text, names);
  if (guess !== null) {
    context.report(row.layer.span, 'weights-unknown-layer', `network '${network.name}' has no layer '${echo(row.layer.text)}'; did you mean '${guess}'?`, [
      { title: `Change to '${guess}'`, edits: [{ span: row.layer.span, newText: guess }], preferred: true },
    ]);
  } else {
    context.report(row.layer.span, 'weights-unknown-layer', `network '${network.name}' has no layer '${echo(row.layer.text)}'; its layers are ${listWords(names.map((n) => `'${n}'`), 'and')}`);
  }
}

/** The indentation of the block's rows: the first row's, else two spaces. */
function rowIndent(text: string, decl: WeightsDecl): string {
  const first = decl.rows[0];
  if (first === undefined) return '  ';
  let lineStart = first.span.start;
  while (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') lineStart--;
  const indent = text.slice(lineStart, first.span.start);
  return /^[ \t]*$/.test(indent) ? indent : '  ';
}

/** Rows written on lines of their own after `at` (or, with `after` false, before it). */
function insertRowsFix(text: string, decl: WeightsDecl, at: Span, rows: string[], after: boolean, title: string): Fix {
  const indent = rowIndent(text, decl);
  if (after) return { title, edits: [{ span: { start: at.end, end: at.end }, newText: rows.map((row) => `\n${indent}${row}`).join('') }] };
  return { title, edits: [{ span: { start: at.start, end: at.start }, newText: rows.map((row) => `${row}\n${indent}`).join('') }] };
}

/** Deletes rows with their lines. */
function removeRowsFix(text: string, rows: readonly WeightRow[], title: string): Fix {
  return {
    title,
    edits: rows.map((row) => {
      let start = row.span.start;
      while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
      let end = row.span.end;
      while (end < text.length && text[end] !== '\n') end++;
      return { span: { start, end: Math.min(text.length, end + 1) }, newText: '' };
    }),
  };
}

/** Every row of the given layers, in zeros, at the end of the block. */
function addLayersFix(text: string, decl: WeightsDecl, network: NetworkSpec, layers: number[], title: string): Fix {
  const rows: string[] = [];
  for (const k of layers) {
    const layer = network.layers[k];
    const zeros = (n: number) => Array(n).fill('0').join(' ');
    for (let j = 0; j < layer.units; j++) rows.push(`${layer.name} W ${zeros(fanIn(network, k))}`);
    rows.push(`${layer.name} b ${zeros(layer.units)}`);
  }
  const last = decl.rows[decl.rows.length - 1];
  if (last !== undefined) return insertRowsFix(text, decl, last.span, rows, true, title);
  const open = blockOf(decl)?.open;
  if (open === undefined) return { title, edits: [] };
  return insertRowsFix(text, decl, { start: open.end, end: open.end }, rows, true, title);
}

// ------------------------------------------------------------ from a file

/** The span a file's problems are shown on: `weights w for n from "file"`. */
function fileStatementSpan(decl: WeightsDecl, path: StringLit): Span {
  return { start: decl.keyword.start, end: path.span.end };
}

/** The weights of `weights … from "file"`, read with the options' reader and checked against the network, or null (reported). */
function fileWeights(context: WeightsCheckContext, decl: WeightsDecl, path: StringLit, network: NetworkSpec): LayerParameters[] | null {
  // A declaration with a syntax error may not say what was meant: its file is not read.
  if (!path.terminated || !context.clean(decl.span)) return null;
  if (path.value.trim() === '') {
    context.report(path.span, 'weights-file-missing', `the file name is empty; write the weights file's path, as in from "xor.run1.safetensors"`);
    return null;
  }
  const absolute = context.filePath(path, 'weights files');
  if (absolute === null) return null;
  const statement = fileStatementSpan(decl, path);
  const read = context.options.readFile === null ? null : context.options.readBytes;
  if (read === null) {
    context.report(statement, 'weights-file-unreadable', `'${echo(path.value)}' is not read because the workspace is not trusted; trust the workspace to load weights files`);
    return null;
  }
  if (read === undefined) {
    context.report(statement, 'weights-file-unreadable', `'${echo(path.value)}' is not read here: this check reads no weights files`);
    return null;
  }
  const file = read(absolute);
  if ('error' in file) {
    const where = file.missing === true && !nodePath.isAbsolute(path.value) ? ` (looked for ${echo(absolute)}; the path is relative to the spec's folder)` : '';
    context.report(statement, file.missing === true ? 'weights-file-missing' : 'weights-file-unreadable', `cannot read '${echo(path.value)}': ${file.error}${where}`);
    return null;
  }
  // The same bytes (a file the store kept) for a network of the same shape give the same answer.
  const shape = `${network.name} ${network.input} ${network.layers.map((l) => `${l.name} ${l.units}`).join(' ')}`;
  const format = weightsFormatOf(path.value);
  const given = context.store.parsedBytes(file.bytes, `${format} ${shape}`, () => readWeights(file.bytes, format, network));
  if ('error' in given) {
    context.report(statement, 'weights-file-invalid', `cannot use '${echo(path.value)}' as weights for network '${network.name}': ${given.error}`);
    return null;
  }
  return given.layers;
}

// ------------------------------------------------------------ start from

/**
 * The weights of `start from w` for a run of `network`: null when `w` is unknown, has errors or is
 * for another network (each reported where it is written).
 */
export function checkStart(context: WeightsCheckContext, statement: StartStmt, network: NetworkSpec, weights: ReadonlyMap<string, WeightsSpec>): StartWeights | null {
  const word = statement.weights;
  if (word === undefined) return null;
  const given = weights.get(word.text);
  if (given === undefined) return null;
  if (given.network !== network.name) {
    const others = [...weights.values()].filter((w) => w.network === network.name).map((w) => w.name);
    const fixes: Fix[] = others.slice(0, 3).map((other, i) => ({ title: `Change to '${other}'`, edits: [{ span: word.span, newText: other }], preferred: i === 0 && others.length === 1 }));
    const hint = others.length > 0 ? `; weights for '${network.name}' are ${listWords(others.map((o) => `'${o}'`), 'and')}` : `; declare weights for '${network.name}', as in 'weights given for ${network.name} { … }'`;
    context.report(
      word.span,
      'weights-wrong-network',
      `weights '${given.name}' are for network '${given.network}' (line ${context.line(given.nameSpan.start)}), but this run trains network '${network.name}': it needs weights for '${network.name}'${hint}`,
      fixes,
    );
    return null;
  }
  return { name: given.name, layers: given.layers };
}

/** The part of a run's key that the start weights give: their values, bit for bit (the name does not change training). */
export function startKey(start: StartWeights): string {
  // Stryker disable next-line StringLiteral: a constant label every start key shares, so equal keys stay equal
  const digest = new Digest().string('start');
  for (const layer of start.layers) digest.numbers(layer.weights).numbers(layer.biases);
  return digest.hex();
}

// ------------------------------------------------------------ writing numbers back

/**
 * A number as the shortest decimal that reads back as the same value: JavaScript's round-trip
 * form for f64 (`-0` kept), and for f32 the shortest that rounds to the same single.
 */
export function exactNumber(value: number, precision: Precision = 'f64'): string {
  if (Object.is(value, -0)) return '-0';
  if (precision === 'f32' && Number.isFinite(value) && value !== 0) {
    for (let digits = 1; digits <= 9; digits++) {
      const candidate = Number(value.toPrecision(digits));
      if (Math.fround(candidate) === value) return String(candidate);
    }
  }
  return String(value);
}

/**
 * The text of `weights NAME for NETWORK { … }` with every number of `layers` at full precision
 * (exactNumber), one row per unit and a b row per layer, indented by `indent`.
 */
export function weightsDeclarationText(
  name: string,
  network: Pick<NetworkSpec, 'name' | 'input' | 'layers'>,
  layers: readonly LayerParameters[],
  precision: Precision = 'f64',
  indent = '  ',
): string {
  const lines = [`weights ${name} for ${network.name} {`];
  const width = Math.max(...network.layers.map((layer) => layer.name.length));
  network.layers.forEach((layer, k) => {
    const inputs = k === 0 ? network.input : network.layers[k - 1].units;
    const given = layers[k];
    const label = layer.name.padEnd(width);
    const cells = (values: ArrayLike<number>, from: number, count: number) => Array.from({ length: count }, (_, i) => exactNumber(values[from + i], precision));
    const rows = Array.from({ length: layer.units }, (_, j) => cells(given.weights, j * inputs, inputs));
    // Each column right-aligned, so W reads as a matrix (the formatter's layout, language/format.ts).
    const columnWidths = Array.from({ length: inputs }, (_, i) => Math.max(...rows.map((row) => row[i].length)));
    for (const row of rows) lines.push(`${indent}${label} W ${row.map((cell, i) => cell.padStart(columnWidths[i])).join(' ')}`);
    lines.push(`${indent}${label} b ${cells(given.biases, 0, layer.units).join(' ')}`);
  });
  lines.push('}');
  return lines.join('\n');
}
