// The syntax tree of a `.nn` file: what the parser builds and every later layer reads.
//
// Every node carries its source span as UTF-16 offsets into the document text
// (the same unit LSP positions use). Offsets become line/character in exactly
// one place: `positions.ts`. A node's optional children are `undefined` when
// the text did not contain them (the parser recovered past a mistake); the
// tree is never thrown away because of an error.

/** Half-open range [start, end) of UTF-16 offsets into the document. */
export interface Span {
  start: number;
  end: number;
}

/** A bare word as written: a name, a keyword-valued slot (`sigmoid`), or an argument name. */
export interface Word {
  span: Span;
  text: string;
}

/** A number literal. `isInt` is true for a non-negative literal with no fraction and no exponent. */
export interface NumberLit {
  span: Span;
  text: string;
  value: number;
  isInt: boolean;
}

/** A `"..."` literal; `value` has its escapes resolved. */
export interface StringLit {
  span: Span;
  value: string;
  terminated: boolean;
}

/** A percentage such as `20%`; `value` is 20. */
export interface PercentLit {
  span: Span;
  value: number;
}

/** `{` ... `}` of a block; `close` is undefined when the block is unterminated. */
export interface BlockSpan {
  open: Span;
  close?: Span;
}

export interface SpecFile {
  span: Span;
  declarations: Declaration[];
}

export type Declaration = NetworkDecl | DataDecl | TrainDecl;

// ---------------------------------------------------------------- network

export interface NetworkDecl {
  kind: 'network';
  span: Span;
  keyword: Span;
  name?: Word;
  block?: BlockSpan;
  /** In source order, including misplaced ones (the checker reports order). */
  statements: NetworkStatement[];
}

export type NetworkStatement = InputStmt | LayerStmt;

export interface InputStmt {
  kind: 'input';
  span: Span;
  keyword: Span;
  size?: NumberLit;
}

export interface LayerStmt {
  kind: 'layer';
  span: Span;
  keyword: Span;
  /** The layer's own name; unnamed layers are called `layer1`, `layer2`, … by the checker. */
  name?: Word;
  units?: NumberLit;
  /** As written; may be an unknown word (the parser reports it, with a suggestion). */
  activation?: Word;
  initKeyword?: Span;
  init?: Word;
}

// ---------------------------------------------------------------- data

export interface DataDecl {
  kind: 'data';
  span: Span;
  keyword: Span;
  name?: Word;
  source?: DataSource;
}

export type DataSource = InlineData | FileData | GeneratedData;

export interface InlineData {
  kind: 'inline';
  span: Span;
  block: BlockSpan;
  rows: DataRow[];
  normalize?: NormalizeStmt;
}

export interface DataRow {
  span: Span;
  inputs: NumberLit[];
  arrow?: Span;
  targets: NumberLit[];
  /** True when the row holds something other than numbers and one arrow (already reported). */
  malformed?: boolean;
}

export interface NormalizeStmt {
  kind: 'normalize';
  span: Span;
  keyword: Span;
  /** `minmax` or `zscore` when valid. */
  method?: Word;
}

export interface FileData {
  kind: 'file';
  span: Span;
  fromKeyword: Span;
  path?: StringLit;
  block?: BlockSpan;
  inputs?: ColumnsStmt;
  target?: TargetStmt;
  normalize?: NormalizeStmt;
  header?: HeaderStmt;
}

/** One column reference: a header name, a 0-based index, or a quoted name. */
export type ColumnRef =
  | { kind: 'name'; span: Span; name: string }
  | { kind: 'index'; span: Span; index: number; literal: NumberLit }
  | { kind: 'quoted'; span: Span; name: string };

export interface ColumnRange {
  span: Span;
  from: ColumnRef;
  /** Set for `a..b`. */
  to?: ColumnRef;
}

export interface ColumnsStmt {
  kind: 'inputs';
  span: Span;
  keyword: Span;
  columns: ColumnRange[];
}

export interface TargetStmt {
  kind: 'target';
  span: Span;
  keyword: Span;
  columns: ColumnRange[];
  onehot?: Span;
}

export interface HeaderStmt {
  kind: 'header';
  span: Span;
  keyword: Span;
  /** `yes` or `no` when valid. */
  value?: Word;
}

export interface GeneratedData {
  kind: 'generated';
  span: Span;
  equals: Span;
  /** `xor`, `circle`, `spiral` or `gauss` when valid. */
  generator?: Word;
  args: GeneratorArg[];
  closed: boolean;
}

export interface GeneratorArg {
  span: Span;
  name: Word;
  value?: NumberLit;
}

// ---------------------------------------------------------------- train

export interface TrainDecl {
  kind: 'train';
  span: Span;
  keyword: Span;
  network?: Word;
  onKeyword?: Span;
  data?: Word;
  block?: BlockSpan;
  statements: TrainStatement[];
}

export type TrainStatement =
  | LossStmt
  | OptimizerStmt
  | EpochsStmt
  | BatchStmt
  | SeedStmt
  | StopStmt
  | ValidateStmt
  | PrecisionStmt;

export interface LossStmt {
  kind: 'loss';
  span: Span;
  keyword: Span;
  /** `mse` or `cross_entropy` when valid. */
  value?: Word;
}

export interface OptimizerStmt {
  kind: 'optimizer';
  span: Span;
  keyword: Span;
  /** `sgd` or `adam` when valid. */
  name?: Word;
  params: OptimizerParam[];
}

export interface OptimizerParam {
  span: Span;
  /** `rate`, `momentum`, `beta1`, `beta2`, `epsilon` (the checker validates which apply). */
  name: Word;
  value?: NumberLit;
}

export interface EpochsStmt {
  kind: 'epochs';
  span: Span;
  keyword: Span;
  value?: NumberLit;
}

export interface BatchStmt {
  kind: 'batch';
  span: Span;
  keyword: Span;
  /** A number, or `full`. */
  value?: NumberLit | Word;
}

export interface SeedStmt {
  kind: 'seed';
  span: Span;
  keyword: Span;
  value?: NumberLit;
}

export interface StopStmt {
  kind: 'stop';
  span: Span;
  keyword: Span;
  threshold?: NumberLit;
}

export interface ValidateStmt {
  kind: 'validate';
  span: Span;
  keyword: Span;
  value?: PercentLit;
}

export interface PrecisionStmt {
  kind: 'precision';
  span: Span;
  keyword: Span;
  /** `f64` or `f32` when valid. */
  value?: Word;
}
