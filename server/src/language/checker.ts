// Checks the meaning of a parsed spec (docs/language.md §4–§5) and resolves it into model values; never throws.
//
// The checker walks the tree once: networks, then data sets, then runs. Each
// declaration becomes a model value only when it is free of errors, and a run
// only when its network, its data and its own settings are. Problems are data,
// sorted by position; the editor, the CLI and the tests all read the same list.

import * as nodePath from 'node:path';
import { columnWord, separatorLiteral, type ColumnName, type ColumnSelector, type CsvRequest, type DataFix } from '../data/csv';
import { inlineDataset, type InlineRow } from '../data/inline';
import { GENERATOR_DEFAULTS } from '../data/generators';
import { loadNow, type DataLoader } from '../data/load';
import { DataStore } from '../data/store';
import { datasetDigest, Digest } from './digest';
import type { CheckOptions, CheckResult, NameReference, PendingData } from './index';
import { heldOutRows, type Activation, type Dataset, type Expectation, type GeneratorKind, type Init, type LayerSpec, type LossKind, type MissingKind, type NetworkSpec, type NormalizeKind, type OptimizerSpec, type Precision, type Regularization, type RunSpec, type ScheduleKind, type ScheduleSpec, type TrainSettings, type WeightsSpec } from './model';
import { classificationOf } from '../nn/parts';
import { parse } from './parser';
import { LineIndex } from './positions';
import type { Fix, Problem, ProblemCode, Severity } from './problems';
import { listWords, suggest } from './suggest';
import type { Column, ColumnRange, DataDecl, ExpectStmt, FileData, GeneratedData, InlineData, LayerStmt, NetworkDecl, NumberLit, RegularizeStmt, ScheduleStmt, Span, StopStmt, StringLit, TrainDecl, WeightsDecl, Word } from './syntax';
import { blockOf, tokenOf } from './walk';
import { checkStart, checkWeights, startKey, type WeightsCheckContext } from './weights';
import { echo, oneLine, plural } from './wording';

/** What data-path messages call the folder the editor reads from, unless CheckOptions names another. */
const WORKSPACE_FOLDER = 'the workspace folder';

const DEFAULT_INIT: Record<Activation, Init> = {
  sigmoid: 'xavier',
  tanh: 'xavier',
  linear: 'xavier',
  softmax: 'xavier',
  relu: 'he',
  leaky_relu: 'he',
};

const OPTIMIZER_PARAMETERS = { sgd: ['rate', 'momentum'], adam: ['rate', 'beta1', 'beta2', 'epsilon'] } as const;

/** What the checker knows about a declared data set beyond its values: where its rows are written. */
interface DataInfo {
  decl: DataDecl;
  dataset: Dataset;
  /** Largest and smallest target with the line that holds it, for the sigmoid-range warning. */
  targetRange: { min: number; max: number; maxSpan: Span | null } | null;
}

export function check(text: string, options: CheckOptions): CheckResult {
  return new Checker(text, options).run();
}

class Checker {
  private readonly problems: Problem[] = [];
  private readonly references: NameReference[] = [];
  private readonly networks = new Map<string, NetworkSpec>();
  private readonly datasets = new Map<string, Dataset>();
  private readonly dataInfo = new Map<string, DataInfo>();
  private readonly networkDecls = new Map<string, NetworkDecl>();
  private readonly dataDecls = new Map<string, DataDecl>();
  /** `weights` declarations by name, and the ones that checked (docs/language.md §7.1). */
  private readonly weightsDecls = new Map<string, WeightsDecl>();
  private readonly weights = new Map<string, WeightsSpec>();
  private readonly used = new Set<DataDecl | NetworkDecl | WeightsDecl>();
  /** Built on the first line number a message needs: a clean file needs none. */
  private lines: LineIndex | null = null;
  private readonly parsed;
  /** Error spans, to decide which declarations are free of errors. */
  private errorSpans: Span[] = [];
  /**
   * The starts of errorSpans[0, sortedCount), sorted: every declaration asks clean(),
   * and a file with thousands of errors made that a scan of all of them each time.
   */
  private sortedErrorStarts: number[] = [];
  private sortedCount = 0;
  /** The text is UTF-16 read as UTF-8: nothing in it is checked. */
  private readonly encodingError: boolean;
  /** What earlier checks left (CheckOptions.store); a store of its own when the caller keeps none. */
  private readonly store: DataStore;
  /** How data files and generated sets are loaded (CheckOptions.data): at once by default. */
  private readonly loader: DataLoader;
  /** Data sets whose load is under way elsewhere (the editor's data worker). */
  private readonly pending: PendingData[] = [];

  constructor(
    private readonly text: string,
    private readonly options: CheckOptions,
  ) {
    this.store = options.store ?? new DataStore();
    this.loader = options.data ?? loadNow(this.store);
    this.parsed = parse(text);
    const utf16 = utf16Problem(text);
    // Text read in the wrong encoding: one problem that says so, not one per character.
    const parsedProblems = utf16 !== null ? [utf16] : this.parsed.problems;
    for (const problem of parsedProblems) {
      this.problems.push({ ...problem, message: oneLine(problem.message) });
      if (problem.severity === 'error') this.errorSpans.push(problem.span);
    }
    this.encodingError = utf16 !== null;
  }

  /** `new Digest().string(a).string(b)….hex()`, remembered in the store: a run's key is the same from one keystroke to the next. */
  private digestOfStrings(...parts: string[]): string {
    return this.store.digestOfStrings(parts, stringsDigest);
  }

  private line(offset: number): number {
    // Stryker disable next-line ConditionalExpression: a new index each call gives the same line numbers, only slower
    if (this.lines === null) this.lines = new LineIndex(this.text);
    return this.lines.lineOf(offset) + 1;
  }

  private report(span: Span, code: ProblemCode, message: string, fixes?: Fix[], severity: Severity = 'error'): void {
    const problem: Problem = { span, severity, code, message: oneLine(message) };
    if (fixes !== undefined && fixes.length > 0) problem.fixes = fixes;
    this.problems.push(problem);
    if (severity === 'error') this.errorSpans.push(span);
  }

  private warn(span: Span, code: ProblemCode, message: string, fixes?: Fix[]): void {
    this.report(span, code, message, fixes, 'warning');
  }

  /** True when no error lies inside `span` (syntax errors included). */
  private clean(span: Span): boolean {
    // Stryker disable next-line ArithmeticOperator: only an empty span differs, and no checked declaration or run is empty
    const end = Math.max(span.end, span.start + 1);
    // Errors reported since the last sort are scanned; once there are many, sort again.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,BlockStatement: sorted or scanned, the same errors are found; only the speed differs
    if (this.errorSpans.length - this.sortedCount > 32) {
      this.sortedErrorStarts = this.errorSpans.map((error) => error.start).sort((a, b) => a - b);
      this.sortedCount = this.errorSpans.length;
    }
    let low = 0;
    let high = this.sortedCount;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.sortedErrorStarts[mid] < span.start) low = mid + 1;
      else high = mid;
    }
    if (low < this.sortedCount && this.sortedErrorStarts[low] < end) return false;
    for (let i = this.sortedCount; i < this.errorSpans.length; i++) {
      const error = this.errorSpans[i];
      if (error.start >= span.start && error.start < end) return false;
    }
    return true;
  }

  run(): CheckResult {
    const declarations = this.encodingError ? [] : this.parsed.file.declarations;
    // Names first, so a train block may come before what it names.
    for (const decl of declarations) {
      if (decl.kind === 'train' || decl.name === undefined) continue;
      const table: Map<string, NetworkDecl | DataDecl | WeightsDecl> = decl.kind === 'network' ? this.networkDecls : decl.kind === 'data' ? this.dataDecls : this.weightsDecls;
      const what = decl.kind === 'network' ? 'network' : decl.kind === 'data' ? 'data set' : 'weights declaration';
      const first = table.get(decl.name.text);
      if (first !== undefined && first.name !== undefined) {
        this.report(decl.name.span, 'duplicate-name', `a ${what} named '${echo(decl.name.text)}' is already declared on line ${this.line(first.name.span.start)}; give this one another name`);
      } else {
        table.set(decl.name.text, decl);
      }
      this.references.push({ kind: decl.kind, name: decl.name.text, span: decl.name.span, declaration: decl.name.span });
    }
    for (const decl of declarations) if (decl.kind === 'network') this.checkNetwork(decl);
    for (const decl of declarations) if (decl.kind === 'data') this.checkData(decl);
    for (const decl of declarations) if (decl.kind === 'weights') this.checkWeightsDecl(decl);
    const runs: RunSpec[] = [];
    /** Digests of data sets and networks, computed once per check however many runs share them. */
    const dataKeys = new Map<Dataset | NetworkSpec, string>();
    let index = 0;
    for (const decl of declarations) {
      if (decl.kind !== 'train') continue;
      index++;
      const run = this.checkTrain(decl, index, dataKeys);
      if (run !== null) runs.push(run);
    }
    this.reportUnused();
    // Runs were accepted against the errors known before their own checks; drop any that gained one.
    const cleanRuns = runs.filter((run) => this.clean(run.span));
    this.problems.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    return {
      file: this.parsed.file,
      problems: this.problems,
      networks: this.networks,
      datasets: this.datasets,
      weights: this.weights,
      runs: cleanRuns,
      references: this.references,
      errorCount: this.problems.reduce((n, p) => n + (p.severity === 'error' ? 1 : 0), 0),
      pending: this.pending,
    };
  }

  // ------------------------------------------------------------ networks

  private checkNetwork(decl: NetworkDecl): void {
    const name = decl.name?.text;
    const label = name !== undefined ? `network '${name}'` : 'the network';
    const at = decl.name?.span ?? decl.keyword;
    const block = blockOf(decl);
    // Stryker disable next-line LogicalOperator: a second network of this name has its duplicate-name error inside it, which clean() refuses
    let ok = decl.name !== undefined && this.networkDecls.get(decl.name.text) === decl && block !== undefined;

    const inputs = decl.statements.filter((s) => s.kind === 'input');
    const layers = decl.statements.filter((s) => s.kind === 'layer');
    let input: number | null = null;
    if (inputs.length === 0) {
      if (block !== undefined) {
        this.report(at, 'input-missing', `${label} has no 'input'; add 'input N' (the width of x) as its first line`);
      }
      // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
      ok = false;
    } else {
      const first = inputs[0];
      if (decl.statements[0] !== first) {
        this.report(first.span, 'input-not-first', `'input' must come before the layers of ${label}; move it to the first line`);
        // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
        ok = false;
      }
      for (const extra of inputs.slice(1)) {
        this.report(extra.keyword, 'duplicate-statement', `${label} already has its input on line ${this.line(first.span.start)}; keep one of them`);
        // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
        ok = false;
      }
      if (first.size !== undefined) {
        if (first.size.value < 1) {
          this.report(first.size.span, 'size-too-small', `the input width must be at least 1, not ${echo(first.size.text)}`);
          // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
          ok = false;
        } else input = first.size.value;
      // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
      } else ok = false;
    }
    if (layers.length === 0 && block !== undefined) {
      this.report(at, 'no-layers', `${label} has no layers; add one, as in 'layer out 1 sigmoid'`);
      // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
      ok = false;
    }

    const specs: LayerSpec[] = [];
    const layerNames = new Map<string, Span>();
    layers.forEach((layer, k) => {
      const layerName = layer.name?.text ?? `layer${k + 1}`;
      const nameSpan = layer.name?.span ?? layer.keyword;
      const previous = layerNames.get(layerName);
      if (previous !== undefined) {
        this.report(nameSpan, 'duplicate-name', `${label} already has a layer named '${layerName}' on line ${this.line(previous.start)}; give this one another name`);
        // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
        ok = false;
      } else layerNames.set(layerName, nameSpan);
      if (layer.units === undefined || layer.activation === undefined) {
        // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
        ok = false;
        return;
      }
      if (layer.units.value < 1) {
        this.report(layer.units.span, 'size-too-small', `a layer needs at least 1 unit, not ${echo(layer.units.text)}`);
        // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
        ok = false;
      }
      const activation = layer.activation.text as Activation;
      if (activation === 'softmax' && k !== layers.length - 1) {
        this.report(layer.activation.span, 'softmax-not-last', `softmax belongs on the last layer only (it turns the outputs into class probabilities); use sigmoid, tanh or relu here`);
        // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
        ok = false;
      }
      if (activation === 'softmax' && k === layers.length - 1 && layer.units.value === 1) {
        // Softmax normalizes over the layer's units: over one unit it is the constant 1, and nothing is learned.
        this.warn(layer.activation.span, 'softmax-single-unit', `softmax over a single unit always outputs 1, so this network cannot learn; use sigmoid for one output`, [
          { title: "Change to 'sigmoid'", edits: [{ span: layer.activation.span, newText: 'sigmoid' }], preferred: true },
        ]);
      }
      let init: Init = DEFAULT_INIT[activation];
      if (tokenOf(layer, 'init') !== undefined) {
        // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
        if (layer.init === undefined) ok = false;
        else init = layer.init.text as Init;
      }
      const dropout = this.checkDropout(layer, k === layers.length - 1);
      // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
      if (dropout === null) ok = false;
      specs.push({ name: layerName, units: layer.units.value, activation, init, span: layer.span, ...(dropout ? { dropout } : {}) });
    });

    if (!ok || input === null || specs.length !== layers.length || !this.clean(decl.span) || name === undefined || decl.name === undefined) return;

    // Count before anything is allocated: Σ units × (inputs + 1) per layer.
    let parameters = 0;
    let fanIn = input;
    for (const layer of specs) {
      parameters += layer.units * (fanIn + 1);
      fanIn = layer.units;
    }
    // Stryker disable next-line MethodExpression: a unit count beyond 2^53 already makes the parameters exceed the limit
    if (!(parameters <= this.options.maxParameters) || !specs.every((l) => Number.isSafeInteger(l.units)) || !Number.isSafeInteger(input)) {
      this.report(
        decl.name.span,
        'network-too-large',
        `${label} has ${formatCount(parameters)} parameters, more than the limit of ${formatCount(this.options.maxParameters)} that can be trained here; use fewer or smaller layers`,
      );
      return;
    }
    this.networks.set(name, { name, input, layers: specs, span: decl.span, nameSpan: decl.name.span });
  }

  /**
   * `dropout P%` of a layer (docs/language.md §7.2): the share dropped, 0 when none is written, or
   * null when it is wrong (out of range, written as something else, or on the last layer).
   */
  private checkDropout(layer: LayerStmt, last: boolean): number | null {
    const keyword = tokenOf(layer, 'dropout');
    if (keyword === undefined) return 0;
    const percent = layer.dropout;
    if (percent === undefined) return null; // reported by the parser
    if (!(percent.value >= 0 && percent.value < 100)) {
      this.report(percent.span, 'out-of-range', `dropout must drop at least 0% and less than 100% of the outputs, not ${percent.value}%`);
      return null;
    }
    if (last) {
      // The clause with the blanks before it, so removing it leaves the line as it was without it.
      let start = keyword.span.start;
      while (start > 0 && (this.text[start - 1] === ' ' || this.text[start - 1] === '\t')) start--;
      this.report({ start: keyword.span.start, end: percent.span.end }, 'dropout-on-last-layer', `dropout belongs on hidden layers: on the last layer it would zero outputs that the loss compares with the targets; remove it`, [
        { title: 'Remove the dropout', edits: [{ span: { start, end: percent.span.end }, newText: '' }], preferred: true },
      ]);
      return null;
    }
    return percent.value / 100;
  }

  // ------------------------------------------------------------ data

  private checkData(decl: DataDecl): void {
    const source = decl.source;
    if (source === undefined || decl.name === undefined) return;
    const name = decl.name.text;
    const primary = this.dataDecls.get(name) === decl;
    const errorsBefore = this.errorSpans.length;
    let info: DataInfo | null = null;
    if (source.kind === 'inline') info = this.checkInline(decl, name, source);
    else if (source.kind === 'file') info = this.checkFile(decl, name, source);
    else info = this.checkGenerated(decl, name, source);
    const newErrors = this.errorSpans.length > errorsBefore;
    if (info !== null && primary && !newErrors && this.clean(decl.span)) {
      this.datasets.set(name, info.dataset);
      this.dataInfo.set(name, info);
    }
  }

  /** The rows as a data set; the same declaration text as in an earlier check reuses that check's values (the DataStore). */
  private checkInline(decl: DataDecl, name: string, source: InlineData): DataInfo | null {
    const declText = this.text.slice(decl.span.start, decl.span.end);
    const maxDataCells = this.options.maxDataCells;
    const known = this.store.declaredDataset(declText, (entry) => entry.kind === 'inline' && entry.maxDataCells === maxDataCells);
    if (known !== null) {
      let dataset = known.dataset;
      // The same text elsewhere in the file: the same values, with this text's row spans.
      // Stryker disable next-line OptionalChaining: a stored inline data set has a span for each of its rows, and at least one row
      if (dataset.rowSpans?.[0]?.start !== source.rows[0].span.start) {
        const original = dataset;
        dataset = { ...dataset, rowSpans: source.rows.map((row) => row.span) };
        this.store.shareDigest(original, dataset);
        known.dataset = dataset;
      }
      const maxSpan = known.maxRow !== null ? source.rows[known.maxRow].span : null;
      return { decl, dataset, targetRange: { ...known.targetRange, maxSpan } };
    }
    const info = this.loadInline(decl, name, source);
    // Not null means nothing was reported: every row is well-formed and within the limit.
    if (info !== null && info.targetRange !== null) {
      const maxSpan = info.targetRange.maxSpan;
      // Stryker disable next-line UnaryOperator: every row kept has a finite target, so the largest target's row is always found
      const maxRow = maxSpan !== null ? source.rows.findIndex((row) => row.span === maxSpan) : -1;
      this.store.rememberDeclaredDataset(declText, {
        kind: 'inline',
        dataset: info.dataset,
        targetRange: { min: info.targetRange.min, max: info.targetRange.max },
        maxRow: maxRow >= 0 ? maxRow : null,
        maxDataCells,
      });
    }
    return info;
  }

  private loadInline(decl: DataDecl, name: string, source: InlineData): DataInfo | null {
    const label = `data set '${name}'`;
    const rows: InlineRow[] = [];
    let first: { inputs: number; targets: number; start: number } | null = null;
    let ok = true;
    let min = Infinity;
    let max = -Infinity;
    let maxSpan: Span | null = null;
    for (const row of source.rows) {
      if (row.malformed === true) {
        // Stryker disable next-line BooleanLiteral: the parser's error lies inside the block, so clean() refuses the data set
        ok = false; // reported by the parser
        continue;
      }
      for (const side of [row.inputs, row.targets]) {
        for (const literal of side) {
          if (!Number.isFinite(literal.value)) {
            this.report(literal.span, 'non-finite', `${echo(literal.text)} is too large to be a number (it overflows to infinity)`);
            ok = false;
          }
        }
      }
      if (first === null) {
        first = { inputs: row.inputs.length, targets: row.targets.length, start: row.span.start };
      } else if (row.inputs.length !== first.inputs || row.targets.length !== first.targets) {
        this.report(
          row.span,
          'ragged-rows',
          `this row has ${shape(row.inputs.length, row.targets.length)}, but the first row (line ${this.line(first.start)}) has ${shape(first.inputs, first.targets)}; every row needs the same counts`,
        );
        ok = false;
        continue;
      }
      for (const target of row.targets) {
        if (target.value < min) min = target.value;
        if (target.value > max) {
          max = target.value;
          maxSpan = row.span;
        }
      }
      rows.push({ inputs: row.inputs.map(valueOf), targets: row.targets.map(valueOf), span: row.span });
    }
    if (source.rows.length === 0) {
      this.report(decl.name?.span ?? decl.keyword, 'empty-data', `${label} has no rows; add rows such as '0 1 -> 1' (inputs -> targets)`);
      return null;
    }
    if (!ok || first === null) return null;
    const cells = rows.length * (first.inputs + first.targets);
    if (cells > this.options.maxDataCells) {
      this.report(decl.name?.span ?? decl.keyword, 'data-too-large', `${label} holds ${formatCount(cells)} numbers, more than the limit of ${formatCount(this.options.maxDataCells)}; use fewer rows`);
      return null;
    }
    const normalize = (source.normalize?.method?.text ?? null) as NormalizeKind | null;
    return { decl, dataset: inlineDataset(name, rows, normalize), targetRange: { min, max, maxSpan } };
  }

  /** The span problems about a CSV file's contents are shown on: `data d from "file.csv"`. */
  private fileStatementSpan(decl: DataDecl, source: FileData): Span {
    return { start: decl.keyword.start, end: (source.path?.span ?? source.keyword).end };
  }

  private checkFile(decl: DataDecl, name: string, source: FileData): DataInfo | null {
    const path = source.path;
    if (path === undefined || !path.terminated) return null;
    // A block with a syntax error may say something else than meant (`heder no`): do not read the file by it.
    if (!this.clean(decl.span)) return null;
    const statement = this.fileStatementSpan(decl, source);
    if (path.value.trim() === '') {
      this.report(path.span, 'csv-missing', `the file name is empty; write the CSV's path, as in from "houses.csv"`);
      return null;
    }
    const absolute = this.filePath(path, 'data files');
    if (absolute === null) return null;
    if (this.options.readFile === null) {
      this.report(statement, 'csv-unreadable', `'${echo(path.value)}' is not read because the workspace is not trusted; trust the workspace to load data files`);
      return null;
    }
    const read = this.options.readFile(absolute);
    if ('error' in read) {
      const where = read.missing === true && !nodePath.isAbsolute(path.value) ? ` (looked for ${echo(absolute)}; the path is relative to the spec's folder)` : '';
      const written = path.value;
      const base = written.slice(Math.max(written.lastIndexOf('/'), written.lastIndexOf('\\')) + 1);
      const guess = read.missing === true && read.nearby !== undefined && base !== '' ? suggest(base, read.nearby) : null;
      if (guess !== null) {
        const fixed = written.slice(0, written.length - base.length) + guess;
        this.report(statement, 'csv-missing', `cannot read '${echo(written)}': ${read.error}${where}; did you mean '${echo(guess)}'?`, [
          { title: `Change to '${echo(fixed)}'`, edits: [{ span: path.span, newText: quoteString(fixed) }], preferred: true },
        ]);
      } else {
        this.report(statement, read.missing === true ? 'csv-missing' : 'csv-unreadable', `cannot read '${echo(written)}': ${read.error}${where}`);
      }
      return null;
    }

    // Selectors carry an index into `refs` so problems land on the column the spec names.
    const refs: ColumnRange[] = [];
    const selectors = (ranges: ColumnRange[] | undefined): ColumnSelector[] | null => {
      if (ranges === undefined) return null;
      return ranges.map((range) => {
        refs.push(range);
        const selector: ColumnSelector = { tag: refs.length - 1, from: columnName(range.from) };
        if (range.to !== undefined) selector.to = columnName(range.to);
        return selector;
      });
    };
    // Stryker disable next-line ConditionalExpression: a statement without columns is a syntax error inside the block, whose file is never read
    const inputs = source.inputs !== undefined && source.inputs.columns.length > 0 ? selectors(source.inputs.columns) : null;
    // Stryker disable next-line ConditionalExpression: a statement without columns is a syntax error inside the block, whose file is never read
    const target = source.target !== undefined && source.target.columns.length > 0 ? selectors(source.target.columns) : null;
    // Stryker disable next-line ConditionalExpression: a statement without columns is a syntax error inside the block, whose file is never read
    const encode = source.encode !== undefined && source.encode.columns.length > 0 ? selectors(source.encode.columns) : null;
    if ((source.inputs !== undefined && inputs === null) || (source.target !== undefined && target === null) || (source.encode !== undefined && encode === null)) return null;
    const separator = this.separatorOf(source);
    if (separator === null) return null;
    const request: CsvRequest = {
      name,
      fileLabel: echo(path.value),
      header: source.header?.value?.text !== 'no',
      separator,
      inputs,
      target,
      onehot: source.target !== undefined && tokenOf(source.target, 'onehot') !== undefined,
      encode,
      missing: (source.missing?.value?.text ?? null) as MissingKind | null,
      normalize: (source.normalize?.method?.text ?? null) as NormalizeKind | null,
      maxDataCells: this.options.maxDataCells,
    };
    const answer = this.loader.csv(request, read);
    if ('pending' in answer) {
      this.waitFor(name, statement, answer.pending.activity, answer.pending.fraction);
      return null;
    }
    if ('failed' in answer) {
      this.report(statement, 'csv-unreadable', `cannot read '${echo(path.value)}': ${answer.failed}`);
      return null;
    }
    const load = answer.ready;
    for (const problem of load.problems) {
      const span =
        problem.tag !== null
          ? refs[problem.tag].span
          : problem.statement === 'missing' && source.missing !== undefined
            ? source.missing.span
            : problem.statement === 'separator' && source.separator !== undefined
              ? source.separator.span
              : statement;
      const fixes = (problem.fixes ?? []).flatMap((fix) => this.dataFixes(source, fix));
      this.report(span, problem.code, problem.message, fixes, problem.severity);
    }
    if (load.dataset === null || load.targetRange === null) return null;
    return { decl, dataset: load.dataset, targetRange: { ...load.targetRange, maxSpan: null } };
  }

  /**
   * A data set whose load runs elsewhere (the editor's data worker): it is listed as pending, and
   * its declaration says so until the load is in; its checks and its runs wait for it.
   */
  private waitFor(name: string, span: Span, activity: string, fraction: number | null): void {
    this.pending.push({ name, span, activity, fraction });
    this.problems.push({ span, severity: 'info', code: 'data-loading', message: `${activity}…; data set '${name}' is checked, and its runs trained, once it is loaded` });
  }

  /** The separator a data block reads with: `,`, or its `separator` statement's one character (`"\t"` is a tab); null when that is reported. */
  private separatorOf(source: FileData): string | null {
    const statement = source.separator;
    if (statement === undefined) return ',';
    const literal = statement.value;
    if (literal === undefined || !literal.terminated) return null;
    const value = literal.value === '\\t' ? '\t' : literal.value;
    const code = value.charCodeAt(0);
    if (value.length !== 1 || code > 0x7e || (code < 0x20 && value !== '\t') || value === ' ' || value === '"') {
      this.report(
        literal.span,
        'out-of-range',
        `the separator is one character (not a space, a quote or a line break), as in separator ";" or separator "\\t" for tabs, not ${literal.value === '' ? 'an empty string' : quoteString(literal.value)}`,
      );
      return null;
    }
    return value;
  }

  /** The edits that make a data block do what a CSV problem's fix says. */
  private dataFixes(source: FileData, fix: DataFix): Fix[] {
    switch (fix.kind) {
      case 'separator': {
        const literal = separatorLiteral(fix.separator);
        if (source.separator?.value !== undefined) return [{ title: `Change to separator ${literal}`, edits: [{ span: source.separator.value.span, newText: literal }], preferred: true }];
        return this.statementFix(source, `Add separator ${literal}`, `separator ${literal}`, true);
      }
      case 'encode': {
        const word = columnWord(fix.column);
        const encode = source.encode;
        // Stryker disable next-line ConditionalExpression: an encode without columns is a syntax error inside the block, whose file is never read
        if (encode !== undefined && encode.columns.length > 0) {
          const at = encode.columns[encode.columns.length - 1].span.end;
          return [{ title: `Encode column '${fix.column}' as one-hot`, edits: [{ span: { start: at, end: at }, newText: ` ${word}` }], preferred: true }];
        }
        return this.statementFix(source, `Encode column '${fix.column}' as one-hot`, `encode ${word} onehot`, true);
      }
      case 'missing':
        return [...this.statementFix(source, "Add 'missing drop'", 'missing drop', false), ...this.statementFix(source, "Add 'missing mean'", 'missing mean', false)];
      case 'onehot': {
        const target = source.target;
        // Stryker disable next-line ConditionalExpression: the CSV loader offers this fix only for a target of one column or none
        if (target !== undefined && target.columns.length === 1) {
          const at = target.columns[0].span.end;
          return [{ title: "Add 'onehot' to the target", edits: [{ span: { start: at, end: at }, newText: ' onehot' }], preferred: true }];
        }
        return this.statementFix(source, `Make '${fix.column}' a one-hot target`, `target ${columnWord(fix.column)} onehot`, true);
      }
    }
  }

  /** A fix that adds a statement to the data block (opening one when the declaration has none). */
  private statementFix(source: FileData, title: string, statement: string, preferred: boolean): Fix[] {
    const block = blockOf(source);
    const fix = (span: Span, newText: string): Fix[] => [{ title, edits: [{ span, newText }], ...(preferred ? { preferred } : {}) }];
    if (block !== undefined) return fix({ start: block.open.end, end: block.open.end }, `\n  ${statement}`);
    if (source.path === undefined) return [];
    return fix({ start: source.path.span.end, end: source.path.span.end }, ` {\n  ${statement}\n}`);
  }

  /**
   * The absolute path of a file the spec names (`files`: "data files", "weights files"), under the
   * rules of docs/language.md §4.18: relative to the spec's folder, and in the editor inside its
   * allowed folder. Null once the problem is reported.
   */
  private filePath(path: StringLit, files: string): string | null {
    let absolute: string;
    if (nodePath.isAbsolute(path.value)) absolute = nodePath.normalize(path.value);
    else if (this.options.specPath !== null) absolute = nodePath.resolve(nodePath.dirname(this.options.specPath), path.value);
    else {
      const code = files === 'data files' ? 'csv-unreadable' : 'weights-file-unreadable';
      this.report(path.span, code, `'${echo(path.value)}' is relative to the spec's folder, and this spec is not saved yet; save it to load the file`);
      return null;
    }
    if (this.options.allowedRoot !== null) {
      const relative = nodePath.relative(this.options.allowedRoot, absolute);
      if (relative === '..' || relative.startsWith(`..${nodePath.sep}`) || nodePath.isAbsolute(relative)) {
        const root = this.options.allowedRootName ?? WORKSPACE_FOLDER;
        const fix = root === WORKSPACE_FOLDER ? 'Move the file into the workspace' : `Move the file into ${root}, or open a folder that holds both`;
        this.report(
          path.span,
          'path-outside-workspace',
          `'${echo(path.value)}' is outside ${root}; the editor only reads ${files} inside it (the nn command line reads any path). ${fix}`,
        );
        return null;
      }
    }
    return absolute;
  }

  // ------------------------------------------------------------ weights

  /** What the weights checks (weights.ts) use of this checker. */
  private weightsContext(): WeightsCheckContext {
    return {
      text: this.text,
      options: this.options,
      store: this.store,
      report: (span, code, message, fixes, severity) => this.report(span, code, message, fixes, severity),
      line: (offset) => this.line(offset),
      clean: (span) => this.clean(span),
      filePath: (path, files) => this.filePath(path, files),
    };
  }

  /** A `weights` declaration (docs/language.md §7.1): its network, then its numbers against that network's shape. */
  private checkWeightsDecl(decl: WeightsDecl): void {
    const networkDecl = this.resolveName(decl.network, 'network', false, `weights are given for a network: 'weights ${decl.name?.text ?? 'NAME'} for NETWORK'`);
    if (decl.name === undefined || this.weightsDecls.get(decl.name.text) !== decl || networkDecl === null || decl.network === undefined) return;
    const network = this.networks.get(decl.network.text);
    // A network with errors has them reported on it: its weights cannot be checked against it.
    if (network === undefined) return;
    const errorsBefore = this.errorSpans.length;
    const spec = checkWeights(this.weightsContext(), decl, network);
    // Stryker disable next-line ConditionalExpression: every error checkWeights reports lies inside the declaration, which clean() checks
    if (spec !== null && this.errorSpans.length === errorsBefore && this.clean(decl.span)) this.weights.set(spec.name, spec);
  }

  private checkGenerated(decl: DataDecl, name: string, source: GeneratedData): DataInfo | null {
    if (source.generator === undefined) return null;
    const values: { samples: number; noise: number; seed: number } = { ...GENERATOR_DEFAULTS };
    const seen = new Map<string, Span>();
    let ok = true;
    for (const arg of source.args) {
      const argName = arg.name.text;
      if (!(argName in GENERATOR_DEFAULTS)) {
        this.unknownParameter(arg.name, `'${source.generator.text}'`, Object.keys(GENERATOR_DEFAULTS));
        // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
        ok = false;
        continue;
      }
      const first = seen.get(argName);
      if (first !== undefined) {
        this.report(arg.name.span, 'duplicate-statement', `'${argName}' is already given in this call; keep one of them`);
        // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
        ok = false;
        continue;
      }
      seen.set(argName, arg.span);
      if (arg.value === undefined) {
        // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
        ok = false;
        continue;
      }
      const value = arg.value;
      if (argName === 'noise') {
        if (!(value.value >= 0) || !Number.isFinite(value.value)) {
          this.report(value.span, 'out-of-range', `noise must be 0 or more, not ${echo(value.text)}`);
          // Stryker disable next-line BooleanLiteral: an error inside this declaration is already reported, so clean() refuses it anyway
          ok = false;
        }
      } else if (!this.wholeNumber(value, argName, argName === 'samples' ? 1 : 0, false)) {
        ok = false;
      }
      values[argName as keyof typeof GENERATOR_DEFAULTS] = value.value;
    }
    // Without its `)` the call was reported as unclosed.
    if (!ok || tokenOf(source, ')') === undefined) return null;
    const cells = values.samples * 3;
    if (cells > this.options.maxDataCells) {
      this.report(decl.name?.span ?? decl.keyword, 'data-too-large', `data set '${name}' would hold ${formatCount(cells)} numbers, more than the limit of ${formatCount(this.options.maxDataCells)}; use fewer rows`);
      return null;
    }
    const generator = source.generator.text as GeneratorKind;
    const answer = this.loader.generated({ name, generator, ...values });
    const span = { start: decl.keyword.start, end: source.span.end };
    if ('pending' in answer) {
      this.waitFor(name, span, answer.pending.activity, answer.pending.fraction);
      return null;
    }
    if ('failed' in answer) {
      this.report(span, 'data-load-failed', `data set '${name}' could not be drawn: ${answer.failed}`);
      return null;
    }
    return { decl, dataset: answer.ready, targetRange: { min: 0, max: 1, maxSpan: null } };
  }

  /** A whole number of at least `minimum`; reports and returns false otherwise. */
  private wholeNumber(literal: NumberLit, what: string, minimum: number, fractionReported = true): boolean {
    if (/[.eE]/.test(literal.text)) {
      // Where the grammar asks for INT the parser has already said so.
      // Stryker disable next-line BooleanLiteral: the parser has already reported the fraction inside the statement, so its declaration or run is refused
      if (fractionReported) return false;
      const fixes: Fix[] = Number.isSafeInteger(literal.value)
        ? [{ title: `Change to ${literal.value}`, edits: [{ span: literal.span, newText: String(literal.value) }], preferred: true }]
        : [];
      this.report(literal.span, 'whole-number-needed', `${what} must be a whole number, not ${echo(literal.text)}`, fixes);
      return false;
    }
    if (literal.value < minimum) {
      this.report(literal.span, 'out-of-range', `${what} must be ${minimum === 0 ? '0 or more' : `at least ${minimum}`}, not ${echo(literal.text)}`);
      // Stryker disable next-line BooleanLiteral: the error just reported lies inside the declaration or run, which is then refused
      return false;
    }
    if (!Number.isSafeInteger(literal.value)) {
      this.report(literal.span, 'out-of-range', `${what} ${echo(literal.text)} is too large; use at most ${Number.MAX_SAFE_INTEGER} (2^53 − 1)`);
      return false;
    }
    return true;
  }

  private unknownParameter(word: Word, owner: string, allowed: readonly string[]): void {
    const guess = suggest(word.text, allowed);
    const list = listWords(allowed.map((a) => `'${a}'`), 'and');
    if (guess !== null) {
      this.report(word.span, 'unknown-parameter', `${owner} has no parameter '${echo(word.text)}'; did you mean '${guess}'?`, [
        { title: `Change to '${guess}'`, edits: [{ span: word.span, newText: guess }], preferred: true },
      ]);
    } else {
      this.report(word.span, 'unknown-parameter', `${owner} has no parameter '${echo(word.text)}'; it takes ${list}`);
    }
  }

  // ------------------------------------------------------------ runs

  /**
   * The declaration a name refers to, recorded as a reference; reported when there is none.
   * `use` marks the declaration used (a `train` block uses its network; weights given for it do not);
   * `usage` is what the message of a network and data set mixed up says to write.
   */
  private resolveName(word: Word | undefined, kind: 'network' | 'data' | 'weights', use = true, usage = "write 'train NETWORK on DATA'"): NetworkDecl | DataDecl | WeightsDecl | null {
    if (word === undefined) return null;
    const table: Map<string, NetworkDecl | DataDecl | WeightsDecl> = kind === 'network' ? this.networkDecls : kind === 'data' ? this.dataDecls : this.weightsDecls;
    const other: Map<string, NetworkDecl | DataDecl | WeightsDecl> = kind === 'network' ? this.dataDecls : kind === 'data' ? this.networkDecls : new Map();
    const decl = table.get(word.text) ?? null;
    this.references.push({ kind, name: word.text, span: word.span, declaration: decl?.name?.span ?? null });
    if (decl !== null) {
      if (use) this.used.add(decl);
      return decl;
    }
    const what = kind === 'network' ? 'network' : kind === 'data' ? 'data set' : 'weights';
    if (other.has(word.text)) {
      this.report(word.span, 'unknown-name', `'${echo(word.text)}' is a ${kind === 'network' ? 'data set' : 'network'}, not a ${what}; ${usage}`);
      return null;
    }
    const guess = suggest(word.text, table.keys());
    if (guess !== null) {
      this.report(word.span, 'unknown-name', `no ${what} named '${echo(word.text)}'; did you mean '${guess}'?`, [
        { title: `Change to '${guess}'`, edits: [{ span: word.span, newText: guess }], preferred: true },
      ]);
    } else {
      const known = [...table.keys()];
      this.report(
        word.span,
        'unknown-name',
        `no ${what} named '${echo(word.text)}'` +
          (known.length > 0
            ? `; the file declares ${listWords(known.slice(0, 5).map((k) => `'${k}'`), 'and')}${known.length > 5 ? ', …' : ''}`
            : kind === 'weights'
              ? `; declare them with 'weights ${echo(word.text)} for NETWORK { … }'`
              : `; declare it with '${kind} ${echo(word.text)} …'`),
      );
    }
    return null;
  }

  private checkTrain(decl: TrainDecl, index: number, dataKeys: Map<Dataset | NetworkSpec, string>): RunSpec | null {
    const networkDecl = this.resolveName(decl.network, 'network') as NetworkDecl | null;
    this.resolveName(decl.data, 'data');
    const settings = this.checkSettings(decl);
    const startStmt = decl.statements.find((s) => s.kind === 'start');
    if (startStmt?.kind === 'start') this.resolveName(startStmt.weights, 'weights');
    const written = this.checkExpectations(decl);
    // A name resolveName did not find is not among the checked networks or data sets either.
    const network = decl.network !== undefined ? this.networks.get(decl.network.text) : undefined;
    const info = decl.data !== undefined ? this.dataInfo.get(decl.data.text) : undefined;
    // Stryker disable next-line ConditionalExpression: without a network name the network above is undefined already
    if (network === undefined || info === undefined || decl.data === undefined || decl.network === undefined) return null;
    const data = info.dataset;
    const last = network.layers[network.layers.length - 1];
    let ok = settings !== null;
    // `start from w` (docs/language.md §7.1): weights for this run's network, free of errors.
    if (startStmt?.kind === 'start') {
      // Weights whose name is unknown are not among the checked ones either: checkStart gives null.
      const start = checkStart(this.weightsContext(), startStmt, network, this.weights);
      if (start === null) ok = false;
      else if (settings !== null) settings.start = start;
    }

    // Shapes: the data's widths against the network's ends.
    if (data.inputWidth !== network.input) {
      const inputStmt = networkDecl?.statements.find((s) => s.kind === 'input');
      const size = inputStmt?.kind === 'input' ? inputStmt.size : undefined;
      this.report(
        decl.data.span,
        'input-width-mismatch',
        `data set '${data.name}' has ${plural(data.inputWidth, 'input')} but network '${network.name}' takes ${network.input} (input ${network.input}, line ${this.line(size?.span.start ?? network.span.start)})`,
        size !== undefined ? [{ title: `Change input to ${data.inputWidth}`, edits: [{ span: size.span, newText: String(data.inputWidth) }] }] : undefined,
      );
      // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
      ok = false;
    }
    if (data.targetWidth !== last.units) {
      const lastStmt = networkDecl?.statements.filter((s) => s.kind === 'layer').pop();
      const units = lastStmt?.kind === 'layer' ? lastStmt.units : undefined;
      const targets = data.classes !== null ? `${plural(data.targetWidth, 'target')} (${plural(data.classes.length, 'class', 'classes')}, one-hot)` : plural(data.targetWidth, 'target');
      this.report(
        decl.data.span,
        'target-width-mismatch',
        `data set '${data.name}' has ${targets} but network '${network.name}' gives ${plural(last.units, 'output')} (${this.text.slice(last.span.start, last.span.end)}, line ${this.line(last.span.start)})`,
        units !== undefined ? [{ title: `Change ${lastStmt?.kind === 'layer' && lastStmt.name !== undefined ? `layer '${last.name}'` : 'the last layer'} to ${plural(data.targetWidth, 'unit')}`, edits: [{ span: units.span, newText: String(data.targetWidth) }] }] : undefined,
      );
      // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
      ok = false;
    }
    if (settings === null) return null;

    this.warnAboutLoss(decl, network, settings.loss);
    const range = info.targetRange;
    if (range !== null && (range.min < 0 || range.max > 1)) {
      const both = range.max > 1 && range.min < 0;
      const extreme = both ? `from ${range.min} to ${range.max}` : range.max > 1 ? `up to ${range.max}` : `down to ${range.min}`;
      const where = range.max > 1 && range.maxSpan !== null ? ` (${both ? `${range.max} on ` : ''}line ${this.line(range.maxSpan.start)})` : '';
      if (settings.loss === 'cross_entropy') {
        // −y log ŷ has no lower bound for such y: training would "succeed" with a negative loss.
        this.report(
          decl.data.span,
          'targets-outside-unit-interval',
          `loss cross_entropy needs targets between 0 and 1, but data set '${data.name}' has targets ${extreme}${where}, for which the loss has no lower bound; scale the targets into [0, 1] or use loss mse`,
          this.setLossFixes(decl, 'mse'),
        );
        // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
        ok = false;
      } else if (last.activation === 'sigmoid') {
        this.warn(
          decl.data.span,
          'targets-outside-unit-interval',
          `network '${network.name}' ends in sigmoid, whose outputs lie between 0 and 1, but data set '${data.name}' has targets ${extreme}${where}; use a linear last layer or scale the targets`,
        );
      }
    }

    const held = heldOutRows(data.rows, settings.validate);
    const trainingRows = data.rows - held;
    const validateStmt = decl.statements.find((s) => s.kind === 'validate');
    if (settings.validate !== null && validateStmt?.kind === 'validate' && validateStmt.value) {
      // The percentage as written: settings.validate × 100 may not give it back (0.07 × 100 = 7.000000000000001).
      const percent = validateStmt.value.value;
      if (trainingRows < 1) {
        this.report(validateStmt.span, 'out-of-range', `validate ${percent}% holds out all ${plural(data.rows, 'row')} of data set '${data.name}', leaving none to train on; hold out less`);
        // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
        ok = false;
      } else if (held === 0) {
        this.warn(validateStmt.span, 'validation-empty', `validate ${percent}% of ${plural(data.rows, 'row')} holds out no row, so nothing is validated; hold out more or remove it`);
      }
    }
    this.checkValidationNeeded(decl, settings);
    const batchStmt = decl.statements.find((s) => s.kind === 'batch');
    if (typeof settings.batch === 'number' && settings.batch > trainingRows && batchStmt !== undefined && trainingRows >= 1) {
      this.warn(
        batchStmt.span,
        'batch-larger-than-data',
        `batch ${settings.batch} is larger than the ${plural(trainingRows, 'training row')} of data set '${data.name}'; every update uses all of them, as with 'batch full'`,
        [{ title: "Change to 'batch full'", edits: [{ span: batchStmt.span, newText: 'batch full' }] }],
      );
    }
    const expectations = written && this.measurable(decl, written, data, settings, held);
    if (!ok || !expectations) return null;

    let dataKey = dataKeys.get(data);
    // Stryker disable next-line ConditionalExpression: a cache for one check: computing the key again gives the same key
    if (dataKey === undefined) {
      dataKey = this.store.datasetDigest(data, datasetDigest);
      dataKeys.set(data, dataKey);
    }
    let networkKey = dataKeys.get(network);
    // Stryker disable next-line ConditionalExpression: a cache for one check: computing the key again gives the same key
    if (networkKey === undefined) {
      networkKey = this.digestOfStrings(networkCanonical(network));
      dataKeys.set(network, networkKey);
    }
    const start = settings.start;
    const startDigest = start === null ? [] : [this.store.weightsDigest(start.layers, () => startKey(start))];
    const key = this.digestOfStrings(networkKey, settingsCanonical(settings), dataKey, ...startDigest);
    return { index, network, data, settings, span: decl.span, keywordSpan: decl.keyword, key, expectations };
  }

  /** `stop when validation loss < T` needs a validation part (docs/language.md §7.4): an error with a fix that adds one. */
  private checkValidationNeeded(decl: TrainDecl, settings: TrainSettings): void {
    const stop = decl.statements.find((s): s is StopStmt => s.kind === 'stop' && isValidationStop(s));
    const word = stop && tokenOf(stop, 'validation');
    if (!stop || !word || settings.validate !== null) return;
    // A line of its own below the stop statement, indented as it is.
    let lineStart = stop.span.start;
    while (lineStart > 0 && this.text[lineStart - 1] !== '\n' && this.text[lineStart - 1] !== '\r') lineStart--;
    // Stryker disable next-line StringLiteral: the pattern matches at the start of any text, so exec never gives null
    const indent = /^[ \t]*/.exec(this.text.slice(lineStart, stop.span.start))?.[0] ?? '';
    const lineEnd = this.text.indexOf('\n', stop.span.end);
    // The block's `}` on the stop's own line: the new line goes before it, inside the block.
    const close = blockOf(decl)?.close;
    const closesHere = close !== undefined && close.start >= stop.span.end && (lineEnd < 0 || close.start < lineEnd);
    const at = closesHere ? close.start : lineEnd < 0 ? this.text.length : lineEnd + 1;
    const newText = closesHere ? `\n${indent}validate 20%\n` : `${lineEnd < 0 ? '\n' : ''}${indent}validate 20%\n`;
    this.report(word.span, 'validation-needed', `'stop when validation loss' needs rows held out to measure it on; add 'validate 20%' to this run`, [
      { title: "Add 'validate 20%'", edits: [{ span: { start: at, end: at }, newText }], preferred: true },
    ]);
  }

  private warnAboutLoss(decl: TrainDecl, network: NetworkSpec, loss: LossKind): void {
    const last = network.layers[network.layers.length - 1];
    const lossStmt = decl.statements.find((s) => s.kind === 'loss');
    const setLoss = (value: LossKind): Fix[] => this.setLossFixes(decl, value);
    const at = lossStmt?.span ?? decl.keyword;
    if (last.activation === 'softmax' && loss !== 'cross_entropy') {
      this.warn(
        at,
        'softmax-without-cross-entropy',
        `network '${network.name}' ends in softmax, which is meant to go with loss cross_entropy, but this run uses ${lossStmt === undefined ? 'the default loss mse' : 'mse'}; set 'loss cross_entropy'`,
        setLoss('cross_entropy'),
      );
    }
    if (loss === 'cross_entropy' && last.activation !== 'softmax' && !(last.activation === 'sigmoid' && last.units === 1)) {
      const ending = `${plural(last.units, `${last.activation} unit`)}`;
      this.warn(
        at,
        'cross-entropy-without-softmax',
        `cross_entropy expects a softmax last layer or a single sigmoid unit, but network '${network.name}' ends in ${ending}; use loss mse or end the network in softmax`,
        setLoss('mse'),
      );
    }
  }

  /** The quick fix that sets a run's loss: the `loss` statement's value, or a new statement. */
  private setLossFixes(decl: TrainDecl, value: LossKind): Fix[] {
    const lossStmt = decl.statements.find((s) => s.kind === 'loss');
    const lossValue = lossStmt?.kind === 'loss' ? lossStmt.value : undefined;
    if (lossValue !== undefined) return [{ title: `Set loss to ${value}`, edits: [{ span: lossValue.span, newText: value }], preferred: true }];
    const block = blockOf(decl);
    if (block === undefined) return [];
    const insertAt = block.open.end;
    return [{ title: `Set loss to ${value}`, edits: [{ span: { start: insertAt, end: insertAt }, newText: `\n  loss ${value}` }], preferred: true }];
  }

  /** The settings with defaults applied, or null when a statement is wrong (each one reported). */
  private checkSettings(decl: TrainDecl): TrainSettings | null {
    let ok = true;
    let loss: LossKind = 'mse';
    let optimizer: OptimizerSpec = { kind: 'sgd', rate: 0.1, momentum: 0 };
    let epochs = 1000;
    let batch: number | 'full' = 'full';
    let seed = 0;
    let stopLoss: number | null = null;
    let validate: number | null = null;
    let precision: Precision = 'f64';
    let regularization: Regularization | null = null;
    let schedule: ScheduleSpec | null = null;
    let scheduleStmt: ScheduleStmt | null = null;
    let patience: number | null = null;
    let stopValidationLoss: number | null = null;
    for (const statement of decl.statements) {
      switch (statement.kind) {
        case 'loss':
          // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
          if (statement.value === undefined) ok = false;
          else loss = statement.value.text as LossKind;
          break;
        case 'optimizer': {
          if (statement.name === undefined) {
            // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
            ok = false;
            break;
          }
          const kind = statement.name.text as 'sgd' | 'adam';
          const values: Record<string, number> = kind === 'sgd' ? { rate: 0.1, momentum: 0 } : { rate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
          const allowed = OPTIMIZER_PARAMETERS[kind];
          const seen = new Set<string>();
          for (const param of statement.params) {
            const paramName = param.name.text;
            if (!(allowed as readonly string[]).includes(paramName)) {
              this.unknownParameter(param.name, kind, allowed);
              // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
              ok = false;
              continue;
            }
            if (seen.has(paramName)) {
              this.report(param.name.span, 'duplicate-statement', `'${paramName}' is already given for ${kind}; keep one of them`);
              // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
              ok = false;
              continue;
            }
            seen.add(paramName);
            if (param.value === undefined) {
              // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
              ok = false;
              continue;
            }
            const value = param.value.value;
            const problem = optimizerRangeProblem(paramName, value);
            if (problem !== null) {
              this.report(param.value.span, Number.isFinite(value) ? 'out-of-range' : 'non-finite', `${paramName} ${problem}, not ${echo(param.value.text)}`);
              // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
              ok = false;
              continue;
            }
            values[paramName] = value;
          }
          optimizer =
            kind === 'sgd'
              ? { kind, rate: values.rate, momentum: values.momentum }
              : { kind, rate: values.rate, beta1: values.beta1, beta2: values.beta2, epsilon: values.epsilon };
          break;
        }
        case 'epochs':
          if (statement.value === undefined || !this.wholeNumber(statement.value, 'epochs', 1)) ok = false;
          else epochs = statement.value.value;
          break;
        case 'batch':
          // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
          if (statement.value === undefined) ok = false;
          else if ('isInt' in statement.value) {
            if (!this.wholeNumber(statement.value, 'batch', 1)) ok = false;
            else batch = statement.value.value;
          } else batch = 'full';
          break;
        case 'seed':
          if (statement.value === undefined || !this.wholeNumber(statement.value, 'seed', 0)) ok = false;
          else seed = statement.value.value;
          break;
        case 'stop':
          if (statement.threshold === undefined) ok = false;
          else if (!Number.isFinite(statement.threshold.value)) {
            this.report(statement.threshold.span, 'non-finite', `the loss to reach must be a finite number, not ${echo(statement.threshold.text)}`);
            // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
            ok = false;
          } else if (isValidationStop(statement)) stopValidationLoss = statement.threshold.value;
          else stopLoss = statement.threshold.value;
          break;
        case 'regularize': {
          const checked = this.checkRegularize(statement);
          // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
          if (checked === undefined) ok = false;
          else regularization = checked;
          break;
        }
        case 'schedule': {
          const checked = this.checkSchedule(statement);
          // Stryker disable next-line ConditionalExpression,BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
          if (checked === null) ok = false;
          else [schedule, scheduleStmt] = [checked, statement];
          break;
        }
        case 'patience':
          if (statement.value === undefined || !this.wholeNumber(statement.value, 'patience', 1)) ok = false;
          else patience = statement.value.value;
          break;
        case 'validate':
          // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
          if (statement.value === undefined) ok = false;
          else if (!(statement.value.value > 0 && statement.value.value < 100)) {
            this.report(statement.value.span, 'out-of-range', `validate must hold out more than 0% and less than 100% of the data, not ${statement.value.value}%`);
            // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
            ok = false;
          } else validate = statement.value.value / 100;
          break;
        case 'precision':
          // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
          if (statement.value === undefined) ok = false;
          else precision = statement.value.text as Precision;
          break;
      }
    }
    // The cosine schedule ends at its `min`, which must lie below the rate it starts from.
    const min = schedule?.kind === 'cosine' ? scheduleStmt?.params.find((p) => p.name.text === 'min')?.value : undefined;
    if (schedule?.kind === 'cosine' && min !== undefined && !(schedule.min < optimizer.rate)) {
      this.report(min.span, 'out-of-range', `min must be below the rate the schedule starts from (${optimizer.rate}), not ${min.text}`);
      // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
      ok = false;
    }
    return ok ? { loss, optimizer, epochs, batch, seed, stopLoss, validate, precision, regularization, schedule, patience, stopValidationLoss, start: null } : null;
  }

  /** `regularize l1 λ1 l2 λ2` (docs/language.md §7.2): the penalty, null when every weight is 0, undefined when wrong. */
  private checkRegularize(statement: RegularizeStmt): Regularization | null | undefined {
    const weights: Regularization = { l1: 0, l2: 0 };
    const seen = new Set<string>();
    let ok = statement.terms.length > 0;
    for (const term of statement.terms) {
      // Stryker disable next-line ConditionalExpression: the parser has reported such a term inside the train block already
      if (term.name.role !== 'value' || term.value === undefined) {
        // Stryker disable next-line BooleanLiteral: the parser's error lies inside the train block, so run()'s last filter drops the run
        ok = false; // reported by the parser
        continue;
      }
      const name = term.name.text as keyof Regularization;
      if (seen.has(name)) {
        this.report(term.name.span, 'duplicate-statement', `'${name}' is already given in this penalty; keep one of them`);
        // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
        ok = false;
        continue;
      }
      seen.add(name);
      const value = term.value.value;
      if (!Number.isFinite(value)) {
        this.report(term.value.span, 'non-finite', `the weight of ${name} must be a finite number, not ${term.value.text}`);
        // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
        ok = false;
      } else if (value < 0) {
        this.report(term.value.span, 'out-of-range', `the weight of ${name} must be 0 or more, not ${term.value.text}`);
        // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
        ok = false;
      } else weights[name] = value;
    }
    if (!ok) return undefined;
    return weights.l1 === 0 && weights.l2 === 0 ? null : weights;
  }

  /** `schedule KIND …` (docs/language.md §7.3): its parameters checked and defaulted, or null when wrong. */
  private checkSchedule(statement: ScheduleStmt): ScheduleSpec | null {
    if (statement.name === undefined) return null;
    const kind = statement.name.text as ScheduleKind;
    const rules = SCHEDULE_PARAMETERS[kind];
    const allowed = Object.keys(rules);
    const values: Record<string, number> = {};
    let ok = true;
    for (const param of statement.params) {
      const paramName = param.name.text;
      const rule = rules[paramName];
      if (rule === undefined) {
        // PyTorch's names for the same parameters (StepLR's gamma and step_size, CosineAnnealingLR's eta_min).
        const ours = TORCH_PARAMETER_NAMES[paramName];
        if (ours !== undefined && rules[ours] !== undefined) {
          this.report(param.name.span, 'unknown-parameter', `schedule ${kind} calls PyTorch's '${paramName}' '${ours}'`, [
            { title: `Change to '${ours}'`, edits: [{ span: param.name.span, newText: ours }], preferred: true },
          ]);
        } else this.unknownParameter(param.name, `schedule ${kind}`, allowed);
        // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
        ok = false;
        continue;
      }
      if (paramName in values) {
        this.report(param.name.span, 'duplicate-statement', `'${paramName}' is already given for schedule ${kind}; keep one of them`);
        // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
        ok = false;
        continue;
      }
      if (param.value === undefined) {
        // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
        ok = false;
        continue;
      }
      values[paramName] = param.value.value;
      if (rule.whole !== undefined) {
        if (!this.wholeNumber(param.value, paramName, rule.whole, false)) ok = false;
        continue;
      }
      const problem = scheduleRangeProblem(kind, paramName, param.value.value);
      if (problem !== null) {
        this.report(param.value.span, Number.isFinite(param.value.value) ? 'out-of-range' : 'non-finite', `${paramName} ${problem}, not ${param.value.text}`);
        // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
        ok = false;
      }
    }
    for (const [paramName, rule] of Object.entries(rules)) {
      if (paramName in values) continue;
      if (rule.default !== undefined) {
        values[paramName] = rule.default;
        continue;
      }
      const end = statement.span.end;
      this.report(statement.name.span, 'parameter-missing', `schedule ${kind} needs '${paramName} ${rule.example}': ${rule.meaning}, as in 'schedule ${kind} ${SCHEDULE_EXAMPLES[kind]}'`, [
        { title: `Add '${paramName} ${rule.example}'`, edits: [{ span: { start: end, end }, newText: ` ${paramName} ${rule.example}` }], preferred: true },
      ]);
      // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
      ok = false;
    }
    // Stryker disable next-line ConditionalExpression: a schedule with errors has them inside the train block, so run()'s last filter drops the run
    if (!ok) return null;
    switch (kind) {
      case 'step':
        return { kind, factor: values.factor, every: values.every };
      case 'exponential':
        return { kind, factor: values.factor };
      case 'cosine':
        return { kind, min: values.min };
      case 'plateau':
        return { kind, factor: values.factor, patience: values.patience };
    }
  }

  // ------------------------------------------------------------ expectations (docs/language.md §7 "Expectations")

  /**
   * The run's `expect` statements as expectations, each checked on its own: the kind of its bound
   * (a percentage for accuracy, a number for a loss), a bound that can never be met (an error) or
   * is always met (a warning), the same measure and side given twice. Null when one is wrong.
   */
  private checkExpectations(decl: TrainDecl): Expectation[] | null {
    const expectations: Expectation[] = [];
    const seen = new Map<string, Span>();
    let ok = true;
    for (const statement of decl.statements) {
      if (statement.kind !== 'expect') continue;
      const expectation = this.checkExpectation(statement);
      if (expectation === null) {
        ok = false;
        continue;
      }
      const side = `${expectation.metric} ${expectation.op}`;
      const first = seen.get(side);
      if (first !== undefined) {
        this.warn(statement.span, 'duplicate-statement', `'expect ${side}' is already given on line ${this.line(first.start)}; keep one of them (the stricter bound decides)`, this.removeLineFix(statement.span));
      } else seen.set(side, statement.span);
      expectations.push(expectation);
    }
    return ok ? expectations : null;
  }

  private checkExpectation(statement: ExpectStmt): Expectation | null {
    const bound = statement.bound;
    if (statement.metric === undefined || statement.op === undefined || bound === undefined) return null;
    const metric = statement.validation ? (`validation ${statement.metric}` as const) : statement.metric;
    const written = this.text.slice(bound.span.start, bound.span.end);
    const accuracy = statement.metric === 'accuracy';
    if (!Number.isFinite(bound.value)) {
      this.report(bound.span, 'non-finite', `the bound must be a finite number, not ${written}`);
      return null;
    }
    if (accuracy && bound.kind === 'number') {
      // A share (0.95) or a percentage without its sign (95): either way the user means 95%.
      const percent = Number((Math.abs(bound.value) <= 1 ? bound.value * 100 : bound.value).toPrecision(12));
      this.report(bound.span, 'expected', `write the accuracy as a percentage: ${percent}%`, [
        { title: `Change to ${percent}%`, edits: [{ span: bound.span, newText: `${percent}%` }], preferred: true },
      ]);
      return null;
    }
    if (!accuracy && bound.kind === 'percent') {
      const number = Number((bound.value / 100).toPrecision(12));
      this.report(bound.span, 'expected', `a loss is a number, not a percentage: write ${number}`, [
        { title: `Change to ${number}`, edits: [{ span: bound.span, newText: String(number) }], preferred: true },
      ]);
      return null;
    }
    const value = accuracy ? bound.value / 100 : bound.value;
    const op = statement.op;
    const stated = `expect ${metric} ${op} ${written}`;
    // A loss lies in [0, ∞) and an accuracy in [0%, 100%]: a bound outside decides the expectation before any training.
    const never = accuracy ? (op === '>' ? value >= 1 : value <= 0) : op === '<' && value <= 0;
    const always = accuracy ? (op === '>' ? value < 0 : value > 1) : op === '>' && value < 0;
    const range = accuracy ? 'an accuracy lies between 0% and 100%' : 'a loss is never below 0';
    if (never) {
      this.report(bound.span, 'expectation-impossible', `${stated} can never hold: ${range}`);
      return null;
    }
    if (always) this.warn(bound.span, 'expectation-always-met', `${stated} always holds, so it tests nothing: ${range}`, this.removeLineFix(statement.span));
    return { metric, op, value, written, span: statement.span };
  }

  /**
   * Whether the run measures what its expectations ask for (docs/language.md §4.14, §4.15): an
   * accuracy needs classification targets, a validation measure needs held-out rows.
   */
  private measurable(decl: TrainDecl, expectations: Expectation[], data: Dataset, settings: TrainSettings, held: number): Expectation[] | null {
    let ok = true;
    let classification: boolean | undefined;
    for (const expectation of expectations) {
      const statement = decl.statements.find((s) => s.span.start === expectation.span.start);
      // Stryker disable next-line OptionalChaining: an expect statement that was checked has all its tokens
      const at = statement?.kind === 'expect' ? { start: statement.span.start, end: statement.tokens[statement.tokens.length - 2]?.span.end ?? statement.span.end } : expectation.span;
      if (expectation.metric.endsWith('accuracy')) {
        classification ??= classificationOf(data) !== null;
        if (!classification) {
          this.report(
            at,
            'expectation-unmeasurable',
            `accuracy is measured for classification only, and the targets of data set '${data.name}' are not classes (one column of 0 and 1, or one-hot columns); expect a loss instead, as in 'expect ${expectation.metric.replace('accuracy', 'loss')} < 0.01'`,
          );
          // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
          ok = false;
          continue;
        }
      }
      if (!expectation.metric.startsWith('validation')) continue;
      if (settings.validate === null) {
        this.report(at, 'expectation-unmeasurable', `'expect ${expectation.metric}' measures held-out rows, and this run holds out none; add 'validate 20%' to it`, this.addValidateFix(decl, expectation));
        // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
        ok = false;
      } else if (held === 0) {
        const validate = decl.statements.find((s) => s.kind === 'validate');
        // Stryker disable next-line ArithmeticOperator: a validate setting always comes from a validate statement, so this fallback never shows
        const percent = validate?.kind === 'validate' && validate.value ? `${validate.value.value}%` : `${settings.validate * 100}%`;
        this.report(at, 'expectation-unmeasurable', `validate ${percent} of ${plural(data.rows, 'row')} holds out no row, so there is no ${expectation.metric} to measure; hold out more`);
        // Stryker disable next-line BooleanLiteral: the error reported with it lies inside the train block, so run()'s last filter drops the run
        ok = false;
      }
    }
    return ok ? expectations : null;
  }

  /** Deletes the line of a statement that stands alone on it (its indentation and line break included). */
  private removeLineFix(span: Span): Fix[] {
    let start = span.start;
    while (start > 0 && this.text[start - 1] !== '\n' && this.text[start - 1] !== '\r') start--;
    let end = span.end;
    while (end < this.text.length && (this.text[end] === ' ' || this.text[end] === '\t')) end++;
    if (!/^[ \t]*$/.test(this.text.slice(start, span.start)) || (end < this.text.length && this.text[end] !== '\n' && this.text[end] !== '\r')) return [];
    if (this.text[end] === '\r') end++;
    if (this.text[end] === '\n') end++;
    return [{ title: 'Remove this expectation', edits: [{ span: { start, end }, newText: '' }] }];
  }

  /** Inserts `validate 20%` on its own line above the expectation, indented as it is. */
  private addValidateFix(decl: TrainDecl, expectation: Expectation): Fix[] {
    let lineStart = expectation.span.start;
    while (lineStart > 0 && this.text[lineStart - 1] !== '\n' && this.text[lineStart - 1] !== '\r') lineStart--;
    if (!/^[ \t]*$/.test(this.text.slice(lineStart, expectation.span.start)) || blockOf(decl) === undefined) return [];
    const indent = this.text.slice(lineStart, expectation.span.start);
    const eol = /\r\n/.test(this.text) ? '\r\n' : '\n';
    return [{ title: "Add 'validate 20%'", edits: [{ span: { start: lineStart, end: lineStart }, newText: `${indent}validate 20%${eol}` }], preferred: true }];
  }

  private reportUnused(): void {
    for (const [name, decl] of this.networkDecls) {
      if (!this.used.has(decl) && decl.name !== undefined && this.clean(decl.span)) {
        this.warn(decl.name.span, 'unused', `network '${name}' is not trained by any 'train' block; add 'train ${name} on DATA { … }' or remove it`);
      }
    }
    for (const [name, decl] of this.dataDecls) {
      if (!this.used.has(decl) && decl.name !== undefined && this.clean(decl.span)) {
        this.warn(decl.name.span, 'unused', `data set '${name}' is not used by any 'train' block; add 'train NETWORK on ${name} { … }' or remove it`);
      }
    }
    for (const [name, decl] of this.weightsDecls) {
      // Only weights that checked: a declaration with a mistake has its own problems to show first.
      if (!this.used.has(decl) && decl.name !== undefined && this.weights.get(name)?.nameSpan === decl.name.span) {
        this.warn(decl.name.span, 'unused', `weights '${name}' are not used by any run; add 'start from ${name}' to a 'train' block of network '${decl.network?.text ?? 'NETWORK'}' or remove them`);
      }
    }
  }
}

/** Whether a `stop` statement stops on the validation loss (docs/language.md §7.4). */
function isValidationStop(statement: StopStmt): boolean {
  return tokenOf(statement, 'validation') !== undefined;
}

/**
 * Each schedule's parameters (docs/language.md §7.3): a default where PyTorch's scheduler has one,
 * else what a message that asks for it says; `whole` is the least whole number allowed.
 */
const SCHEDULE_PARAMETERS: Record<ScheduleKind, Record<string, { default?: number; whole?: number; example: string; meaning: string }>> = {
  step: {
    factor: { default: 0.1, example: '0.5', meaning: 'the multiplier of the rate' },
    every: { whole: 1, example: '100', meaning: 'the epochs between two changes of the rate' },
  },
  exponential: { factor: { example: '0.99', meaning: 'the multiplier of the rate after every epoch' } },
  cosine: { min: { default: 0, example: '0.001', meaning: 'the rate at the last epoch' } },
  plateau: {
    factor: { default: 0.1, example: '0.5', meaning: 'the multiplier of the rate' },
    patience: { default: 10, whole: 0, example: '10', meaning: 'the epochs without improvement it waits' },
  },
};

const TORCH_PARAMETER_NAMES: Record<string, string> = { gamma: 'factor', step_size: 'every', eta_min: 'min' };

const SCHEDULE_EXAMPLES: Record<ScheduleKind, string> = {
  step: 'factor 0.5 every 100',
  exponential: 'factor 0.99',
  cosine: 'min 0.001',
  plateau: 'factor 0.5 patience 10',
};

function scheduleRangeProblem(kind: ScheduleKind, name: string, value: number): string | null {
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (name === 'min') return value >= 0 ? null : 'must be 0 or more';
  // ReduceLROnPlateau only lowers the rate; the other schedules may raise it too, as PyTorch's do.
  if (kind === 'plateau') return value > 0 && value < 1 ? null : 'must be above 0 and below 1';
  return value > 0 ? null : 'must be above 0';
}

function optimizerRangeProblem(name: string, value: number): string | null {
  if (!Number.isFinite(value)) return 'must be a finite number';
  switch (name) {
    case 'rate':
      return value > 0 ? null : 'must be above 0';
    case 'momentum':
    case 'beta1':
    case 'beta2':
      return value >= 0 && value < 1 ? null : 'must be at least 0 and below 1';
    case 'epsilon':
      return value > 0 ? null : 'must be above 0';
    default:
      return null;
  }
}

function columnName(column: Column): ColumnName {
  if (column.kind === 'number') return { kind: 'index', index: column.value };
  return { kind: 'name', name: column.kind === 'word' ? column.text : column.value };
}

function valueOf(literal: NumberLit): number {
  return literal.value;
}

/**
 * UTF-16 text read as UTF-8 (a file saved as UTF-16, or a client that decoded it so): every
 * other character of ASCII text is NUL. One problem says so instead of one per character.
 */
function utf16Problem(text: string): Problem | null {
  const sample = Math.min(text.length, 400);
  if (sample < 8) return null;
  let nuls = 0;
  for (let i = 0; i < sample; i++) if (text.charCodeAt(i) === 0) nuls++;
  if (nuls * 4 < sample) return null;
  return {
    span: { start: 0, end: 0 },
    severity: 'error',
    code: 'not-utf8',
    message: 'this file is not UTF-8 text: it holds a NUL between its letters, as UTF-16 text does; save it as UTF-8',
  };
}

function shape(inputs: number, targets: number): string {
  return `${plural(inputs, 'input')} and ${plural(targets, 'target')}`;
}

function formatCount(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US') : 'more than 10^308';
}

// ------------------------------------------------------------ run keys

/** Everything of a network that training depends on, in a fixed order (spans left out: moving text does not retrain). */
function networkCanonical(network: NetworkSpec): string {
  // Dropout joins a layer's entry only when there is some: 0% trains as none, so it keys as none.
  return `net ${network.name} ${network.input}|${network.layers.map((l) => `${l.name} ${l.units} ${l.activation} ${l.init}${l.dropout ? ` dropout ${l.dropout}` : ''}`).join('|')}`;
}

function settingsCanonical(settings: TrainSettings): string {
  const o = settings.optimizer;
  const optimizer = o.kind === 'sgd' ? `sgd ${o.rate} ${o.momentum}` : `adam ${o.rate} ${o.beta1} ${o.beta2} ${o.epsilon}`;
  return `train ${settings.loss} ${optimizer} ${settings.epochs} ${settings.batch} ${settings.seed} ${settings.stopLoss} ${settings.validate} ${settings.precision}${vocabularyCanonical(settings)}`;
}

/** The settings of docs/language.md §7.2–§7.4, each only when given, so a run without them keeps its key. */
function vocabularyCanonical(settings: TrainSettings): string {
  // Stryker disable next-line ArrayDeclaration: a constant part that every run key shares, so equal keys stay equal
  const parts: string[] = [];
  const r = settings.regularization;
  if (r) parts.push(`regularize ${r.l1} ${r.l2}`);
  if (settings.schedule) parts.push(`schedule ${Object.values(settings.schedule).join(' ')}`);
  if (settings.patience != null) parts.push(`patience ${settings.patience}`);
  if (settings.stopValidationLoss != null) parts.push(`stop validation ${settings.stopValidationLoss}`);
  return parts.map((part) => ` ${part}`).join('');
}

function stringsDigest(parts: readonly string[]): string {
  const digest = new Digest();
  for (const part of parts) digest.string(part);
  return digest.hex();
}

/** How a string is written in the language: quotes, with `"` and `\\` escaped. */
function quoteString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
