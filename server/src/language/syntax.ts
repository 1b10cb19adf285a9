// The syntax tree of a `.nn` file: what the parser builds and every later layer reads.
//
// Every node has a `kind` and its source span as UTF-16 offsets into the document
// text (the same unit LSP positions use; they become line/character only in
// `positions.ts`). The values written in the text (names, numbers, strings,
// percentages) are leaf nodes. Every other node keeps the tokens of its own syntax
// in `tokens`, in text order: its keywords, operators and brackets, each with its
// kind and span, so no later layer lexes a slice again or works out where a
// keyword is. Its child nodes are in named fields, a node or a list of nodes each,
// which CHILD_FIELDS (at the end) lists for every kind; `walk.ts` reads children
// through it (`children`, `walk`, `nodeAt`), so a feature lists only the kinds it
// gives a meaning to. The file keeps its comments.
//
// A new node type: its interface (a Leaf, or a Branch or Statement with its
// fields), a place in the Node union and in its parent's field, and its line in
// CHILD_FIELDS; the compiler names whatever is missing. A field that holds a node
// holds a child: no node refers to a node elsewhere in the tree. Optional children are undefined
// when the text did not contain them (the parser recovered past a mistake); the
// tree is never thrown away because of an error.

/** Half-open range [start, end) of UTF-16 offsets into the document. */
export interface Span {
  start: number;
  end: number;
}

/**
 * A keyword (`train`, `on`, `init`, `when`), an operator (`->`, `<`, `=`, `..`) or
 * punctuation (`{`, `}`, `(`, `)`, `,`) that belongs to a node's own syntax.
 */
export interface SyntaxToken {
  kind: 'keyword' | 'operator' | 'punctuation';
  /**
   * The keyword as the parser read it (a misspelling it reported and accepted, such
   * as `epoch` for `epochs`, reads as the keyword), or the operator or punctuation.
   */
  text: string;
  span: Span;
}

// ---------------------------------------------------------------- leaves

/**
 * What a word written in the text stands for, as the parser knows from where it stands.
 * `value` and `unknown` are the words of a slot with a fixed set (`sigmoid`, `mse`,
 * `full`, `zscore`): `unknown` when the word is not one of the set (already reported).
 */
export type WordRole = 'network' | 'data' | 'weights' | 'layer' | 'column' | 'value' | 'unknown' | 'parameter';

/** A bare word as written: a name, a word of a fixed set, or a parameter's name. */
export interface Word {
  kind: 'word';
  span: Span;
  text: string;
  role: WordRole;
  /** True where the word declares the name (`network xor`, `layer hidden`), false where it uses one. */
  declares: boolean;
}

/** A number literal. `isInt` is true for a non-negative literal with no fraction and no exponent. */
export interface NumberLit {
  kind: 'number';
  span: Span;
  text: string;
  value: number;
  isInt: boolean;
}

/** A `"..."` literal; `value` has its escapes resolved. */
export interface StringLit {
  kind: 'string';
  span: Span;
  value: string;
  terminated: boolean;
}

/** A percentage such as `20%`; `value` is 20. */
export interface PercentLit {
  kind: 'percent';
  span: Span;
  value: number;
}

/** A node that is one token of the text, with no tokens or children of its own. */
export type Leaf = Word | NumberLit | StringLit | PercentLit;

// ---------------------------------------------------------------- inner nodes

/** What every node but a leaf has: its kind, its span and the tokens of its own syntax. */
export interface Branch<K extends string> {
  kind: K;
  span: Span;
  tokens: SyntaxToken[];
}

/**
 * A declaration or statement. Its keyword is its first token; `keyword` is that
 * token's span, kept beside `tokens` because most of its problems are reported there.
 */
export interface Statement<K extends string> extends Branch<K> {
  keyword: Span;
}

/** `{` … `}` of a block (from a node's tokens, `walk.ts` blockOf); `close` is undefined when the block is unterminated. */
export interface BlockSpan {
  open: Span;
  close?: Span;
}

/** The whole text: the root of the tree. */
export interface SpecFile extends Branch<'spec'> {
  declarations: Declaration[];
  /** Every comment, from its `#` to the end of its line (trailing blanks left out), in text order. */
  comments: Span[];
}

export type Declaration = NetworkDecl | DataDecl | TrainDecl | WeightsDecl;

// ---------------------------------------------------------------- network

/** `network NAME { … }`; tokens: `network`, `{`, `}`. */
export interface NetworkDecl extends Statement<'network'> {
  name?: Word;
  /** In source order, including misplaced ones (the checker reports order). */
  statements: NetworkStatement[];
}

export type NetworkStatement = InputStmt | LayerStmt;

/** `input N`. */
export interface InputStmt extends Statement<'input'> {
  size?: NumberLit;
}

/** `layer [NAME] UNITS ACTIVATION [init INIT] [dropout P%]`; tokens: `layer`, and `init` and `dropout` when written. */
export interface LayerStmt extends Statement<'layer'> {
  /** The layer's own name; unnamed layers are called `layer1`, `layer2`, … by the checker. */
  name?: Word;
  units?: NumberLit;
  /** As written; may be an unknown word (the parser reports it, with a suggestion). */
  activation?: Word;
  /** As written after `init`; may be an unknown word. */
  init?: Word;
  /** As written after `dropout` (docs/language.md §7.2). */
  dropout?: PercentLit;
}

// ---------------------------------------------------------------- data

/** `data NAME` and its source. */
export interface DataDecl extends Statement<'data'> {
  name?: Word;
  source?: DataSource;
}

export type DataSource = InlineData | FileData | GeneratedData;

/** `{ rows }`; tokens: `{`, `}`. */
export interface InlineData extends Branch<'inline'> {
  rows: DataRow[];
  normalize?: NormalizeStmt;
}

/** `inputs -> targets`; tokens: the `->` (the first one, when a malformed row has several). */
export interface DataRow extends Branch<'row'> {
  inputs: NumberLit[];
  targets: NumberLit[];
  /** True when the row holds something other than numbers and one arrow (already reported). */
  malformed?: boolean;
}

/** `normalize METHOD`. */
export interface NormalizeStmt extends Statement<'normalize'> {
  /** `minmax` or `zscore` when valid. */
  method?: Word;
}

/** `from "PATH" [{ … }]`; its keyword is `from`; tokens: `from`, `{`, `}`. */
export interface FileData extends Statement<'file'> {
  path?: StringLit;
  inputs?: ColumnsStmt;
  target?: TargetStmt;
  encode?: EncodeStmt;
  missing?: MissingStmt;
  separator?: SeparatorStmt;
  normalize?: NormalizeStmt;
  header?: HeaderStmt;
}

/** One column: a header name (a word of role `column`), a 0-based index, or a quoted name. */
export type Column = Word | NumberLit | StringLit;

/** `a` or `a..b`; tokens: the `..`. */
export interface ColumnRange extends Branch<'range'> {
  from: Column;
  /** Set for `a..b`. */
  to?: Column;
}

/** `inputs COLUMNS`. */
export interface ColumnsStmt extends Statement<'inputs'> {
  columns: ColumnRange[];
}

/** `target COLUMNS [onehot]`; tokens: `target`, and `onehot` when written. */
export interface TargetStmt extends Statement<'target'> {
  columns: ColumnRange[];
}

/** `header yes|no`. */
export interface HeaderStmt extends Statement<'header'> {
  /** `yes` or `no` when valid. */
  value?: Word;
}

/** `encode COLUMNS onehot` (docs/language.md §7.6); tokens: `encode`, and `onehot` when written. */
export interface EncodeStmt extends Statement<'encode'> {
  columns: ColumnRange[];
}

/** `missing drop|mean`. */
export interface MissingStmt extends Statement<'missing'> {
  /** `drop` or `mean` when valid. */
  value?: Word;
}

/** `separator "C"`. */
export interface SeparatorStmt extends Statement<'separator'> {
  value?: StringLit;
}

/** `= GENERATOR(ARGS)`; tokens: `=`, `(`, the commas, and `)` when the call is closed. */
export interface GeneratedData extends Branch<'generated'> {
  /** `xor`, `circle`, `spiral` or `gauss` when valid. */
  generator?: Word;
  args: Argument[];
}

/** `NAME NUMBER`: a generator's argument (`samples 300`), an optimizer's or schedule's parameter (`rate 0.5`), a penalty's term (`l2 0.01`). */
export interface Argument extends Branch<'argument'> {
  /** A word of role `parameter` (which names apply is the checker's business), or for a penalty's term `l1`/`l2` of role `value`. */
  name: Word;
  value?: NumberLit;
}

// ---------------------------------------------------------------- weights

/**
 * `weights NAME for NETWORK { rows }` or `weights NAME for NETWORK from "FILE"` (docs/language.md
 * §7.1); tokens: `weights`, `for`, and `{`, `}` or `from`.
 */
export interface WeightsDecl extends Statement<'weights'> {
  name?: Word;
  /** The network the weights are for (a word of role `network`). */
  network?: Word;
  /** The rows written in the block, in order (none for the file form). */
  rows: WeightRow[];
  /** The file of `from "FILE"`. */
  path?: StringLit;
}

/**
 * `LAYER W n…` (one unit's incoming weights) or `LAYER b n…` (the layer's biases); tokens: the
 * `W` or `b` as read (a reported `w` reads as `W`).
 */
export interface WeightRow extends Branch<'weight-row'> {
  /** The layer's name (a word of role `layer`), or `layerK` for an unnamed layer. */
  layer: Word;
  values: NumberLit[];
  /** True when the row holds something other than a layer, `W` or `b`, and numbers (already reported). */
  malformed?: boolean;
}

// ---------------------------------------------------------------- train

/** `train NETWORK on DATA { … }`; tokens: `train`, `on`, `{`, `}`. */
export interface TrainDecl extends Statement<'train'> {
  network?: Word;
  data?: Word;
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
  | PrecisionStmt
  | RegularizeStmt
  | ScheduleStmt
  | PatienceStmt
  | StartStmt
  | ExpectStmt;

export interface LossStmt extends Statement<'loss'> {
  /** `mse` or `cross_entropy` when valid. */
  value?: Word;
}

export interface OptimizerStmt extends Statement<'optimizer'> {
  /** `sgd` or `adam` when valid. */
  name?: Word;
  /** `rate`, `momentum`, `beta1`, `beta2`, `epsilon` (the checker validates which apply). */
  params: Argument[];
}

export interface EpochsStmt extends Statement<'epochs'> {
  value?: NumberLit;
}

export interface BatchStmt extends Statement<'batch'> {
  /** A number, or `full`. */
  value?: NumberLit | Word;
}

export interface SeedStmt extends Statement<'seed'> {
  value?: NumberLit;
}

/** `stop when [validation] loss < T`; tokens: `stop`, `when`, `validation` when written, `loss`, `<`. */
export interface StopStmt extends Statement<'stop'> {
  threshold?: NumberLit;
}

export interface ValidateStmt extends Statement<'validate'> {
  value?: PercentLit;
}

export interface PrecisionStmt extends Statement<'precision'> {
  /** `f64` or `f32` when valid. */
  value?: Word;
}

/** `regularize REG λ [REG λ]` (docs/language.md §7.2): each term an argument whose name is `l1` or `l2` (a word of role `value`). */
export interface RegularizeStmt extends Statement<'regularize'> {
  terms: Argument[];
}

/** `schedule KIND { NAME NUMBER }` (docs/language.md §7.3). */
export interface ScheduleStmt extends Statement<'schedule'> {
  /** `step`, `exponential`, `cosine` or `plateau` when valid. */
  name?: Word;
  /** `factor`, `every`, `min`, `patience` (the checker validates which apply). */
  params: Argument[];
}

/** `patience N` (docs/language.md §7.4). */
export interface PatienceStmt extends Statement<'patience'> {
  value?: NumberLit;
}

/** `start from WEIGHTS` (docs/language.md §7.1); tokens: `start`, `from`. */
export interface StartStmt extends Statement<'start'> {
  /** A word of role `weights`. */
  weights?: Word;
}

/**
 * `expect [validation] loss|accuracy <|> BOUND` (docs/language.md §7 "Expectations"); tokens:
 * `expect`, `validation` when written, the metric's word and the comparison. A run may have several.
 */
export interface ExpectStmt extends Statement<'expect'> {
  /** True for `expect validation …`: measured on the held-out part. */
  validation: boolean;
  /** The measure, when it was read (a misspelling the parser reported reads as the word it suggested). */
  metric?: 'loss' | 'accuracy';
  /** The comparison, when it was read. */
  op?: '<' | '>';
  /** The bound: a number for a loss, a percentage for an accuracy (a wrong kind is the checker's to report). */
  bound?: NumberLit | PercentLit;
}

// ---------------------------------------------------------------- every node

/** Every kind of node of the tree. A new node type joins this union and CHILD_FIELDS below. */
export type Node =
  | SpecFile
  | Declaration
  | NetworkStatement
  | DataSource
  | DataRow
  | NormalizeStmt
  | ColumnsStmt
  | TargetStmt
  | HeaderStmt
  | EncodeStmt
  | MissingStmt
  | SeparatorStmt
  | ColumnRange
  | Argument
  | TrainStatement
  | WeightRow
  | Leaf;

/** The node of a kind: `NodeOf<'layer'>` is LayerStmt. */
export type NodeOf<K extends Node['kind']> = Extract<Node, { kind: K }>;

/** The fields of a node type that hold children: a node, or a list of nodes. */
export type ChildField<N> = { [F in keyof N]-?: NonNullable<N[F]> extends Node | readonly Node[] ? F : never }[keyof N];

/**
 * The fields that hold each kind's children, in the order they are written where the
 * order is fixed (eslint-visitor-keys and Babel's VISITOR_KEYS are the same table).
 * walk.ts reads children through it; the checks below fail to compile when a kind or a
 * child field is missing.
 */
export const CHILD_FIELDS = {
  spec: ['declarations'],
  network: ['name', 'statements'],
  input: ['size'],
  layer: ['name', 'units', 'activation', 'init', 'dropout'],
  data: ['name', 'source'],
  inline: ['rows', 'normalize'],
  row: ['inputs', 'targets'],
  normalize: ['method'],
  file: ['path', 'inputs', 'target', 'encode', 'missing', 'separator', 'normalize', 'header'],
  range: ['from', 'to'],
  inputs: ['columns'],
  target: ['columns'],
  header: ['value'],
  encode: ['columns'],
  missing: ['value'],
  separator: ['value'],
  generated: ['generator', 'args'],
  argument: ['name', 'value'],
  train: ['network', 'data', 'statements'],
  loss: ['value'],
  optimizer: ['name', 'params'],
  epochs: ['value'],
  batch: ['value'],
  seed: ['value'],
  stop: ['threshold'],
  validate: ['value'],
  precision: ['value'],
  regularize: ['terms'],
  schedule: ['name', 'params'],
  patience: ['value'],
  start: ['weights'],
  weights: ['name', 'network', 'rows', 'path'],
  'weight-row': ['layer', 'values'],
  expect: ['bound'],
  word: [],
  number: [],
  string: [],
  percent: [],
} as const satisfies { [K in Node['kind']]: readonly ChildField<NodeOf<K>>[] };

/** The child fields CHILD_FIELDS leaves out, by kind: `never` when it names them all. */
type UnlistedChildFields = { [K in Node['kind']]: Exclude<ChildField<NodeOf<K>>, (typeof CHILD_FIELDS)[K][number]> }[Node['kind']];
/** Fails to compile, naming the field, when a node type gains a child field CHILD_FIELDS does not list. */
export const CHILD_FIELDS_COMPLETE: [UnlistedChildFields] extends [never] ? true : UnlistedChildFields = true;
