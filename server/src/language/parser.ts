// Builds the syntax tree of a `.nn` file (docs/language.md §3) with error recovery; total: never throws.
//
// Recovery is line-based, as the language is: a statement never spans lines,
// so after a mistake the parser reports it once and skips to the end of the
// line. A block whose `}` is missing ends where the next declaration starts.
// Misspelled keywords are reported with a suggestion and then parsed as the
// suggested keyword, so one typo does not turn into a cascade of errors.
//
// Each node keeps the tokens of its own syntax as it reads them (keywords,
// operators, brackets: syntax.ts), and the file keeps the lexer's comments.

import type { ParseResult } from './index';
import { lex, type Token } from './lexer';
import { LineIndex } from './positions';
import type { Fix, Problem, ProblemCode } from './problems';
import { listWords, suggest } from './suggest';
import { echo } from './wording';
import type {
  Argument,
  BatchStmt,
  Branch,
  Column,
  ColumnRange,
  DataDecl,
  DataRow,
  DataSource,
  Declaration,
  ExpectStmt,
  FileData,
  GeneratedData,
  InlineData,
  NetworkDecl,
  NetworkStatement,
  NormalizeStmt,
  NumberLit,
  OptimizerStmt,
  PercentLit,
  RegularizeStmt,
  ScheduleStmt,
  Span,
  StartStmt,
  StopStmt,
  StringLit,
  SyntaxToken,
  TrainDecl,
  TrainStatement,
  WeightRow,
  WeightsDecl,
  Word,
  WordRole,
} from './syntax';
import { ACTIVATIONS, GENERATORS, INITS, LOSSES, REGULARIZERS, SCHEDULES } from './model';


const DECLARATION_KEYWORDS = ['network', 'data', 'train', 'weights'] as const;
const NETWORK_STATEMENTS = ['input', 'layer'] as const;
const INLINE_STATEMENTS = ['normalize'] as const;
const FILE_STATEMENTS = ['inputs', 'target', 'encode', 'missing', 'separator', 'normalize', 'header'] as const;
const TRAIN_STATEMENTS = ['loss', 'optimizer', 'epochs', 'batch', 'seed', 'stop', 'validate', 'precision', 'regularize', 'schedule', 'patience', 'start', 'expect'] as const;
/** Statements of a train block that may be written more than once. */
const REPEATABLE_TRAIN_STATEMENTS: readonly string[] = ['expect'];
/** What an `expect` measures (docs/language.md §7 "Expectations"). */
const EXPECT_METRICS = ['loss', 'accuracy'] as const;
const NORMALIZE_METHODS = ['minmax', 'zscore'] as const;
const OPTIMIZERS = ['sgd', 'adam'] as const;
const PRECISIONS = ['f64', 'f32'] as const;
const HEADER_VALUES = ['yes', 'no'] as const;
const MISSING_VALUES = ['drop', 'mean'] as const;

/** Parses a whole file: always a tree (possibly incomplete) and the problems, sorted by position. */
export function parse(text: string): ParseResult {
  return new Parser(text).parseFile();
}

/** How parsePairs reads one statement's `NAME NUMBER` pairs and words its errors. */
interface PairRules {
  /** The error for a number where a name belongs. */
  bareNumber: (number: string) => string;
  /** The name a bare number most likely lacks, which the quick fix inserts. */
  first: string;
  /** What was expected instead of a token that is neither. */
  expected: string;
  /** The pair's name as a word of the tree (reporting an unknown one). */
  name: (token: Token) => Word;
  /** What the number after `name` is, and an example, for expectNumber. */
  number: (name: string) => [what: string, example: string];
}

class Parser {
  private readonly tokens: Token[];
  private readonly comments: Span[];
  private readonly problems: Problem[];
  private pos = 0;
  private lines: LineIndex | null = null;
  private lastReportedLine = -1;
  /** A row's numbers as they are read; each row then gets arrays of exactly its size (a spec is mostly rows). */
  private readonly rowNumbers: NumberLit[] = [];

  constructor(private readonly text: string) {
    const lexed = lex(text);
    this.tokens = lexed.tokens;
    this.comments = lexed.comments;
    this.problems = lexed.problems;
  }

  // ------------------------------------------------------------ helpers

  private peek(ahead = 0): Token {
    const index = this.pos + ahead;
    return index < this.tokens.length ? this.tokens[index] : this.tokens[this.tokens.length - 1];
  }

  private advance(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  /** Whether `token` is the name `word`: only a name is written in letters alone (docs/language.md §2.4). */
  private isWord(token: Token, word: string): boolean {
    return token.text === word;
  }

  /** End of the current statement: a line break, a closing brace or the end of the text. */
  private atStatementEnd(): boolean {
    const kind = this.peek().kind;
    return kind === 'newline' || kind === '}' || kind === 'eof';
  }

  private lineOf(offset: number): number {
    return (this.lines ??= new LineIndex(this.text)).lineOf(offset) + 1;
  }

  private report(span: Span, code: ProblemCode, message: string, fixes?: Fix[]): void {
    // One syntax error per line: after the first, the rest of a bad line is noise.
    const line = this.lineOf(span.start);
    if (line === this.lastReportedLine && (code === 'expected' || code === 'unexpected-token')) return;
    this.lastReportedLine = line;
    const problem: Problem = { span, severity: 'error', code, message };
    if (fixes !== undefined && fixes.length > 0) problem.fixes = fixes;
    this.problems.push(problem);
  }

  /**
   * Reports that `token` is not what the statement needs. Invalid tokens were
   * already reported by the lexer, so they are not reported twice.
   */
  private unexpected(token: Token, expected: string): void {
    if (token.kind === 'invalid') return;
    const found = describe(token);
    this.report(spanOf(token), token.kind === 'eof' || token.kind === 'newline' ? 'expected' : 'unexpected-token', `expected ${expected}${found}`);
  }

  /** Reports something missing at the end of a line that has already been passed (the header ran out). */
  private missingAtLineEnd(expected: string): void {
    // A header's keyword was read, so a token that is not a line break comes before.
    let index = this.pos - 1;
    while (this.tokens[index].kind === 'newline') index--;
    const at = this.tokens[index].end;
    this.report({ start: at, end: at }, 'expected', `expected ${expected}, found the end of the line`);
  }

  /** Skips to the end of the current line (not past `}` or the line break). */
  private skipRestOfStatement(): void {
    while (!this.atStatementEnd()) this.advance();
  }

  /** After a complete statement: anything left on the line is reported once and skipped. */
  private finishStatement(what: string): void {
    if (this.atStatementEnd()) return;
    const token = this.peek();
    if (token.kind !== 'invalid') {
      this.report(spanOf(token), 'unexpected-token', `unexpected ${quoteToken(token)} after ${what}; put each statement on its own line`);
    }
    this.skipRestOfStatement();
  }

  private word(token: Token, role: WordRole, declares = false): Word {
    return { kind: 'word', span: spanOf(token), text: token.text, role, declares };
  }

  private numberLit(token: Token): NumberLit {
    return { kind: 'number', span: spanOf(token), text: token.text, value: token.value, isInt: token.isInt };
  }

  /**
   * A word from a fixed set (`sigmoid`, `mse`, …). Unknown words are reported
   * with the closest known one as a quick fix. Returns the word as written.
   */
  private vocabulary(token: Token, what: string, allowed: readonly string[]): { word: Word; valid: boolean } {
    const valid = allowed.includes(token.text);
    const word = this.word(token, valid ? 'value' : 'unknown');
    if (valid) return { word, valid };
    const guess = suggest(token.text, allowed);
    if (guess !== null) {
      this.report(word.span, 'unknown-value', `unknown ${what} '${echo(token.text)}'; did you mean '${guess}'?`, [
        { title: `Change to '${guess}'`, edits: [{ span: word.span, newText: guess }], preferred: true },
      ]);
    } else {
      this.report(word.span, 'unknown-value', `unknown ${what} '${echo(token.text)}'; use ${listWords(allowed.map((a) => `'${a}'`))}`);
    }
    return { word, valid: false };
  }

  /** Reads a required word of a fixed set; reports a missing one. */
  private expectVocabulary(what: string, allowed: readonly string[], example: string): { word?: Word; valid: boolean } {
    const token = this.peek();
    if (token.kind !== 'name') {
      this.unexpected(token, `${what} (${listWords(allowed.map((a) => `'${a}'`))}), as in '${example}'`);
      // Stryker disable next-line BooleanLiteral: with no word, every caller would only set an undefined word
      return { valid: false };
    }
    this.advance();
    return this.vocabulary(token, what, allowed);
  }

  /**
   * A number where the grammar asks for a whole number (INT). The literal is
   * kept whatever it is; a fraction or exponent is reported here, with the
   * whole number as a fix when the value is one (`epochs 1e4`).
   */
  private expectInt(what: string, example: string): NumberLit | undefined {
    const token = this.peek();
    if (token.kind !== 'number') {
      this.unexpected(token, `${what}, as in '${example}'`);
      return undefined;
    }
    this.advance();
    const literal = this.numberLit(token);
    this.checkWhole(literal, what);
    return literal;
  }

  checkWhole(literal: NumberLit, what: string): void {
    if (/[.eE]/.test(literal.text)) {
      const fixes: Fix[] = [];
      if (Number.isSafeInteger(literal.value)) {
        fixes.push({ title: `Change to ${literal.value}`, edits: [{ span: literal.span, newText: String(literal.value) }], preferred: true });
      }
      this.report(literal.span, 'whole-number-needed', `${what} must be a whole number, not ${literal.text}`, fixes);
    }
  }

  private expectNumber(what: string, example: string): NumberLit | undefined {
    const token = this.peek();
    if (token.kind !== 'number') {
      this.unexpected(token, `${what}, as in '${example}'`);
      return undefined;
    }
    this.advance();
    return this.numberLit(token);
  }

  /**
   * Newlines between the words of a declaration's header are skipped (they are
   * outside any block), but a line that starts with `network`, `data`,
   * `train` or `weights` begins the next declaration. Returns false in that
   * case, and again on every later call of the same header: the header's
   * later parts stop there too instead of reading that declaration.
   */
  private skipHeaderNewlines(): boolean {
    while (this.peek().kind === 'newline') this.advance();
    return !this.atLineStartDeclaration();
  }

  /**
   * True when the current token is a declaration keyword at the start of a line (or just after a `}`). Asked only
   * after a declaration's first token was read, so there is a token before.
   */
  private atLineStartDeclaration(): boolean {
    const token = this.peek();
    // A keyword is letters alone, and only a name is written so (docs/language.md §2.4).
    if (!(DECLARATION_KEYWORDS as readonly string[]).includes(token.text)) return false;
    const previous = this.tokens[this.pos - 1];
    return previous.kind === 'newline' || previous.kind === '}';
  }

  // ------------------------------------------------------------ file

  parseFile(): ParseResult {
    const declarations: Declaration[] = [];
    for (;;) {
      const token = this.peek();
      if (token.kind === 'eof') break;
      if (token.kind === 'newline') {
        this.advance();
        continue;
      }
      const declaration = this.parseDeclaration();
      if (declaration !== null) declarations.push(declaration);
    }
    const problems = this.problems.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    return { file: { kind: 'spec', span: { start: 0, end: this.text.length }, tokens: [], declarations, comments: this.comments }, problems };
  }

  private parseDeclaration(): Declaration | null {
    const token = this.peek();
    if (token.kind === 'name') {
      let keyword = token.text;
      if (!(DECLARATION_KEYWORDS as readonly string[]).includes(keyword)) {
        const guess = suggest(keyword, DECLARATION_KEYWORDS);
        if (guess !== null) {
          this.report(spanOf(token), 'unknown-keyword', `unknown declaration '${echo(keyword)}'; did you mean '${guess}'?`, [
            { title: `Change to '${guess}'`, edits: [{ span: spanOf(token), newText: guess }], preferred: true },
          ]);
          keyword = guess;
        } else {
          this.report(spanOf(token), 'unknown-keyword', `unknown declaration '${echo(keyword)}'; a file holds 'network', 'data', 'train' and 'weights' declarations`);
          this.skipUnknownDeclaration();
          return null;
        }
      }
      if (keyword === 'network') return this.parseNetwork();
      if (keyword === 'data') return this.parseData();
      if (keyword === 'weights') return this.parseWeights();
      return this.parseTrain();
    }
    if (token.kind === '}') {
      this.report(spanOf(token), 'unexpected-token', `unmatched '}': no block is open here`, [
        { title: "Remove the '}'", edits: [{ span: spanOf(token), newText: '' }] },
      ]);
      this.advance();
      return null;
    }
    if (token.kind !== 'invalid') {
      this.report(spanOf(token), 'unexpected-token', `unexpected ${quoteToken(token)}; a file holds 'network', 'data', 'train' and 'weights' declarations`);
    }
    this.skipUnknownDeclaration();
    return null;
  }

  /** Skips the rest of an unknown declaration: its line, and its block if it opens one. */
  private skipUnknownDeclaration(): void {
    this.advance();
    let depth = 0;
    for (;;) {
      const token = this.peek();
      if (token.kind === 'eof') return;
      if (depth === 0 && token.kind === 'newline') return;
      // Inside its block: on the declaration's own line no token starts a line or follows a '}' (one returns first).
      if (this.atLineStartDeclaration()) return;
      if (token.kind === '{') depth++;
      if (token.kind === '}') {
        depth--;
        if (depth <= 0) {
          this.advance();
          return;
        }
      }
      this.advance();
    }
  }

  /** The declaration's name, or a name it uses (`train NET on DATA`); any word may be a name (`network data` is fine). */
  private parseDeclarationName(what: string, example: string, role: WordRole, declares: boolean): Word | undefined {
    if (!this.skipHeaderNewlines()) {
      this.missingAtLineEnd(`a name for the ${what}, as in '${example}'`);
      return undefined;
    }
    const token = this.peek();
    if (token.kind === 'name') {
      this.advance();
      return this.word(token, role, declares);
    }
    this.unexpected(token, `a name for the ${what}, as in '${example}'`);
    return undefined;
  }

  /**
   * The `{` of a declaration's block. When it is missing, the rest of the line
   * is skipped up to a `{` if there is one, so `network my net {` still parses its block.
   */
  private parseOpenBrace(what: string): Token | null {
    if (!this.skipHeaderNewlines()) {
      this.missingAtLineEnd(`'{' to open ${what}`);
      return null;
    }
    const token = this.peek();
    if (token.kind === '{') return this.advance();
    this.unexpected(token, `'{' to open ${what}`);
    while (!this.atStatementEnd() && this.peek().kind !== '{') this.advance();
    if (this.peek().kind === '{') return this.advance();
    return null;
  }

  /**
   * The statements of a block, one per line, up to its `}`; the braces become tokens of
   * `owner`. `statement` parses one statement starting at the current token and stops at
   * the line's end.
   */
  private parseBlock(
    open: Token,
    what: string,
    ownKeywords: readonly string[],
    owner: Branch<string>,
    statement: () => void,
    /** True when a line that starts with a declaration keyword still belongs to the block (a weights row of a layer named `train`). */
    ownLine: () => boolean = () => false,
  ): void {
    owner.tokens.push(punctuationToken(open));
    for (;;) {
      const token = this.peek();
      if (token.kind === 'newline') {
        this.advance();
        continue;
      }
      if (token.kind === '}') {
        owner.tokens.push(punctuationToken(this.advance()));
        return;
      }
      if (token.kind === 'eof' || (this.atLineStartDeclaration() && !ownKeywords.includes(token.text) && !ownLine())) {
        this.report(spanOf(open), 'unterminated-block', `${what} has no closing '}'; add it after the block's last line`, [
          { title: "Add the closing '}'", edits: [{ span: { start: this.blockEndInsertion(), end: this.blockEndInsertion() }, newText: '}\n' }] },
        ]);
        return;
      }
      const before = this.pos;
      statement();
      this.finishStatement('the statement');
      // A statement parser always consumes at least one token, but make sure of progress.
      if (this.pos === before) this.advance();
    }
  }

  /** Where to insert a missing `}`: at the start of the line that begins the next declaration, or at the end. */
  private blockEndInsertion(): number {
    return this.peek().start; // the end of the text's token starts at its end
  }

  // ------------------------------------------------------------ network

  private parseNetwork(): NetworkDecl {
    const keyword = this.advance();
    const lead = keywordToken(keyword, 'network');
    const decl: NetworkDecl = { kind: 'network', span: spanOf(keyword), keyword: lead.span, tokens: [lead], statements: [] };
    decl.name = this.parseDeclarationName('network', 'network xor {', 'network', true);
    const what = decl.name ? `network '${decl.name.text}'` : 'the network';
    const open = this.parseOpenBrace(what);
    if (open !== null) {
      this.parseBlock(open, what, NETWORK_STATEMENTS, decl, () => {
        const statement = this.parseNetworkStatement();
        if (statement !== null) decl.statements.push(statement);
      });
    }
    // Without its '{', parseOpenBrace stopped at the line's end or at the next line's declaration, which
    // must still be read: nothing is left to skip.
    decl.span = this.spanFrom(keyword.start);
    return decl;
  }

  private statementKeyword(allowed: readonly string[], where: string): string | null {
    const token = this.peek();
    if (token.kind !== 'name') {
      if (token.kind !== 'invalid') {
        const hint = where === 'a data block' ? `; rows are written like '0 1 -> 1'` : '';
        this.report(spanOf(token), 'unexpected-token', `unexpected ${quoteToken(token)} in ${where}; expected ${listWords(allowed.map((a) => `'${a}'`))}${hint}`);
      }
      this.skipRestOfStatement();
      return null;
    }
    if (allowed.includes(token.text)) return token.text;
    const guess = suggest(token.text, allowed);
    if (guess !== null) {
      this.report(spanOf(token), 'unknown-keyword', `unknown statement '${echo(token.text)}' in ${where}; did you mean '${guess}'?`, [
        { title: `Change to '${guess}'`, edits: [{ span: spanOf(token), newText: guess }], preferred: true },
      ]);
      return guess;
    }
    this.report(spanOf(token), 'unknown-keyword', `unknown statement '${echo(token.text)}' in ${where}; expected ${listWords(allowed.map((a) => `'${a}'`))}`);
    this.skipRestOfStatement();
    return null;
  }

  private parseNetworkStatement(): NetworkStatement | null {
    const keyword = this.statementKeyword(NETWORK_STATEMENTS, 'a network');
    if (keyword === null) return null;
    const first = this.advance();
    const start = first.start;
    const lead = keywordToken(first, keyword);
    if (keyword === 'input') {
      const statement: NetworkStatement = { kind: 'input', span: spanOf(first), keyword: lead.span, tokens: [lead] };
      statement.size = this.expectInt('the input width', 'input 2');
      statement.span = this.spanFrom(start);
      return statement;
    }
    const layer: NetworkStatement = { kind: 'layer', span: spanOf(first), keyword: lead.span, tokens: [lead] };
    if (this.peek().kind === 'name') {
      // `layer hidden 3 sigmoid`: a word before the units is the layer's name, unless the units are
      // missing and the word is an activation (`layer sigmoid`), which reads as a forgotten size.
      const next = this.peek(1);
      if (next.kind === 'number' || !(ACTIVATIONS as readonly string[]).includes(this.peek().text)) {
        layer.name = this.word(this.advance(), 'layer', true);
      }
    }
    layer.units = this.expectInt('the number of units', 'layer hidden 3 sigmoid');
    if (layer.units !== undefined) {
      if (this.peek().kind === 'name') {
        // Kept even when unknown (role `unknown`): the layer is still there, and its word was reported.
        layer.activation = this.vocabulary(this.advance(), 'activation', ACTIVATIONS).word;
      } else {
        this.unexpected(this.peek(), `an activation after the units (${listWords(ACTIVATIONS.map((a) => `'${a}'`))}), as in 'layer hidden 3 sigmoid'`);
        this.skipRestOfStatement();
      }
    } else {
      this.skipRestOfStatement();
    }
    // `init INIT` and `dropout P%` may follow, in either order, each once.
    for (;;) {
      const token = this.peek();
      if (this.isWord(token, 'init') || this.isWord(token, 'dropout')) {
        const clause = token.text;
        if (layer.tokens.some((t) => t.text === clause)) {
          this.report(spanOf(token), 'duplicate-statement', `'${clause}' is already given for this layer; keep one of them`);
          this.skipRestOfStatement();
          break;
        }
        layer.tokens.push(keywordToken(this.advance(), clause));
        if (clause === 'init') layer.init = this.expectVocabulary('initialization', INITS, 'init xavier').word;
        else layer.dropout = this.expectPercent('the share of outputs to drop', 'dropout 20%', 'dropped');
        if (clause === 'init' ? layer.init === undefined : layer.dropout === undefined) break;
        continue;
      }
      if (token.kind === 'name' && (INITS as readonly string[]).includes(token.text)) {
        this.report(spanOf(token), 'expected', `write 'init ${token.text}' to choose the initial weights`, [
          { title: `Change to 'init ${token.text}'`, edits: [{ span: { start: token.start, end: token.start }, newText: 'init ' }], preferred: true },
        ]);
        this.skipRestOfStatement();
      }
      break;
    }
    layer.span = this.spanFrom(start);
    return layer;
  }

  /**
   * A PERCENT (`20%`). A number without `%` (`0.2`, `20`) and `20 %` are reported with the
   * percentage as a fix; `what` and `example` name what is expected, `verb` what the share does
   * (`held out`, `dropped`). Returns the percentage when one was written as such.
   */
  private expectPercent(what: string, example: string, verb: string): PercentLit | undefined {
    const next = this.peek();
    if (next.kind === 'percent') return this.percentLit(this.advance());
    if (this.spacedPercent()) {
      // `20 %`: reported by spacedPercent.
    } else if (next.kind === 'number') {
      this.advance();
      // A dropout written as a fraction (`dropout 0.2`) most likely means that share: 20%.
      const percent = verb === 'dropped' && next.value > 0 && next.value < 1 ? `${Number((next.value * 100).toPrecision(12))}%` : `${next.text}%`;
      this.report(spanOf(next), 'expected', `write the share ${verb} as a percentage: ${percent}`, [
        { title: `Change to ${percent}`, edits: [{ span: spanOf(next), newText: percent }], preferred: true },
      ]);
    } else {
      this.unexpected(next, `${what}, as in '${example}'`);
    }
    return undefined;
  }

  /** From `start` to the end of the last token consumed, not counting line breaks. */
  private spanFrom(start: number): Span {
    let index = this.pos - 1;
    while (index > 0 && this.tokens[index].kind === 'newline' && this.tokens[index].start > start) index--;
    const end = index >= 0 ? this.tokens[index].end : start;
    return { start, end: Math.max(start, end) };
  }

  // ------------------------------------------------------------ data

  private parseData(): DataDecl {
    const keyword = this.advance();
    const lead = keywordToken(keyword, 'data');
    const decl: DataDecl = { kind: 'data', span: spanOf(keyword), keyword: lead.span, tokens: [lead] };
    decl.name = this.parseDeclarationName('data set', 'data table {', 'data', true);
    const what = decl.name ? `data '${decl.name.text}'` : 'the data set';
    if (!this.skipHeaderNewlines()) {
      this.missingAtLineEnd(`'{', 'from' or '=' after ${what}`);
    } else {
      const token = this.peek();
      let source: DataSource | undefined;
      if (token.kind === '{') source = this.parseInline(what);
      else if (this.isWord(token, 'from')) source = this.parseFileData(what);
      else if (token.kind === '=') source = this.parseGenerated();
      else {
        this.unexpected(token, `'{' (rows), 'from "file.csv"' or '= spiral(…)' after ${what}`);
        this.skipRestOfStatement();
      }
      if (source !== undefined) decl.source = source;
    }
    decl.span = this.spanFrom(keyword.start);
    return decl;
  }

  private parseInline(what: string): InlineData {
    const open = this.advance();
    const data: InlineData = { kind: 'inline', span: spanOf(open), tokens: [], rows: [] };
    this.parseBlock(open, what, INLINE_STATEMENTS, data, () => {
      const token = this.peek();
      // A line that starts with a bad number ('.5', '12abc') or a percentage is still a row, reported as one,
      // so a block of such rows does not also read as having no rows.
      if (token.kind === 'number' || token.kind === '->' || token.kind === 'invalid' || token.kind === 'percent') {
        data.rows.push(this.parseRow());
        return;
      }
      const keyword = this.statementKeyword(INLINE_STATEMENTS, 'a data block');
      if (keyword === null) return;
      const normalize = this.parseNormalize();
      if (data.normalize !== undefined) this.duplicate(normalize.keyword, 'normalize', data.normalize.span);
      else data.normalize = normalize;
    });
    data.span = this.spanFrom(open.start);
    return data;
  }

  private parseRow(): DataRow {
    const start = this.peek().start;
    // Written by index up to `count` and never emptied: emptying an array frees its storage.
    const numbers = this.rowNumbers;
    let count = 0;
    let targetsFrom = -1;
    let arrow: SyntaxToken | undefined;
    let malformed = false;
    let reported = false;
    while (!this.atStatementEnd()) {
      const token = this.advance();
      if (token.kind === 'number') numbers[count++] = this.numberLit(token);
      else if (token.kind === '->' && arrow === undefined) {
        arrow = punctuationToken(token);
        targetsFrom = count;
      } else {
        malformed = true;
        if (reported) continue;
        reported = true;
        if (token.kind === '->') this.report(spanOf(token), 'unexpected-token', `a row has one '->' between its inputs and its targets`);
        else if (token.kind === 'percent') this.report(spanOf(token), 'unexpected-token', `a data row holds plain numbers; write ${token.value / 100} instead of ${token.text}`);
        else if (token.kind !== 'invalid') this.report(spanOf(token), 'unexpected-token', `unexpected ${quoteToken(token)} in a data row; rows hold numbers, as in '0 1 -> 1'`);
      }
    }
    // The row is made once its parts are known: each array of exactly its size.
    const row: DataRow = {
      kind: 'row',
      span: this.spanFrom(start),
      tokens: arrow === undefined ? [] : [arrow],
      inputs: numbers.slice(0, targetsFrom < 0 ? count : targetsFrom),
      targets: targetsFrom < 0 ? [] : numbers.slice(targetsFrom, count),
    };
    if (malformed || arrow === undefined || row.inputs.length === 0 || row.targets.length === 0) row.malformed = true;
    if (!reported) {
      if (arrow === undefined) {
        this.report(row.span, 'expected', `a row needs '->' between its inputs and its targets, as in '0 1 -> 1'`);
      } else if (row.inputs.length === 0) {
        this.report(arrow.span, 'expected', `expected input numbers before '->', as in '0 1 -> 1'`);
      } else if (row.targets.length === 0) {
        this.report(arrow.span, 'expected', `expected at least one target number after '->', as in '0 1 -> 1'`);
      }
    }
    return row;
  }

  private parseNormalize(): NormalizeStmt {
    const keyword = this.advance();
    const lead = keywordToken(keyword, 'normalize');
    const statement: NormalizeStmt = { kind: 'normalize', span: spanOf(keyword), keyword: lead.span, tokens: [lead] };
    const method = this.expectVocabulary('normalization', NORMALIZE_METHODS, 'normalize zscore');
    if (method.valid) statement.method = method.word;
    statement.span = this.spanFrom(keyword.start);
    return statement;
  }

  private duplicate(span: Span, what: string, first: Span): void {
    this.report(span, 'duplicate-statement', `'${what}' is already set on line ${this.lineOf(first.start)}; keep one of them`);
  }

  private parseFileData(what: string): FileData {
    const from = this.advance();
    const lead = keywordToken(from, 'from');
    const data: FileData = { kind: 'file', span: spanOf(from), keyword: lead.span, tokens: [lead] };
    if (!this.skipHeaderNewlines()) {
      this.missingAtLineEnd(`a file name in quotes, as in 'from "houses.csv"'`);
      data.span = this.spanFrom(from.start);
      return data;
    }
    const pathToken = this.peek();
    if (pathToken.kind === 'string') {
      this.advance();
      const path: StringLit = { kind: 'string', span: spanOf(pathToken), value: pathToken.stringValue, terminated: pathToken.terminated };
      data.path = path;
    } else if (pathToken.kind === 'name') {
      this.advance();
      this.report(spanOf(pathToken), 'expected', `put the file name in quotes: from "${pathToken.text}"`, [
        { title: `Change to "${pathToken.text}"`, edits: [{ span: spanOf(pathToken), newText: `"${pathToken.text}"` }], preferred: true },
      ]);
    } else {
      this.unexpected(pathToken, `a file name in quotes, as in 'from "houses.csv"'`);
    }
    // The block is optional: `data d from "d.csv"` takes every default (see docs/language.md, Decisions).
    let lookahead = 0;
    while (this.peek(lookahead).kind === 'newline') lookahead++;
    const next = this.peek(lookahead);
    if (next.kind === '{') {
      this.skipHeaderNewlines();
      const open = this.advance();
      this.parseBlock(open, what, FILE_STATEMENTS, data, () => this.parseFileStatement(data));
    } else if (lookahead === 0 && !this.atStatementEnd()) {
      this.unexpected(this.peek(), `'{' or the end of the line after the file name`);
      this.skipRestOfStatement();
    }
    data.span = this.spanFrom(from.start);
    return data;
  }

  private parseFileStatement(data: FileData): void {
    const keyword = this.statementKeyword(FILE_STATEMENTS, 'a data file block');
    if (keyword === null) return;
    if (keyword === 'normalize') {
      const normalize = this.parseNormalize();
      if (data.normalize !== undefined) this.duplicate(normalize.keyword, 'normalize', data.normalize.span);
      else data.normalize = normalize;
      return;
    }
    const first = this.advance();
    const lead = keywordToken(first, keyword);
    if (keyword === 'header') {
      const header: NonNullable<FileData['header']> = { kind: 'header', span: spanOf(first), keyword: lead.span, tokens: [lead] };
      const value = this.expectVocabulary('header setting', HEADER_VALUES, 'header no');
      if (value.valid) header.value = value.word;
      header.span = this.spanFrom(first.start);
      if (data.header !== undefined) this.duplicate(header.keyword, 'header', data.header.span);
      else data.header = header;
      return;
    }
    if (keyword === 'missing') {
      const missing: NonNullable<FileData['missing']> = { kind: 'missing', span: spanOf(first), keyword: lead.span, tokens: [lead] };
      const value = this.expectVocabulary('way to treat missing values', MISSING_VALUES, 'missing drop');
      if (value.valid) missing.value = value.word;
      missing.span = this.spanFrom(first.start);
      if (data.missing !== undefined) this.duplicate(missing.keyword, 'missing', data.missing.span);
      else data.missing = missing;
      return;
    }
    if (keyword === 'separator') {
      const separator: NonNullable<FileData['separator']> = { kind: 'separator', span: spanOf(first), keyword: lead.span, tokens: [lead] };
      const token = this.peek();
      if (token.kind === 'string') {
        this.advance();
        separator.value = { kind: 'string', span: spanOf(token), value: token.stringValue, terminated: token.terminated };
      } else if (!this.atStatementEnd() && token.text.length === 1) {
        // `separator ;`: the lexer's "unexpected character ';'; remove it" gives way to the quotes that are missing.
        if (this.advance().kind === 'invalid') this.withdrawLexerProblems(spanOf(token));
        this.report(spanOf(token), 'expected', `put the separator in quotes: separator "${token.text}"`, [
          { title: `Change to "${token.text}"`, edits: [{ span: spanOf(token), newText: `"${token.text}"` }], preferred: true },
        ]);
      } else {
        this.unexpected(token, `the separator in quotes, as in 'separator ";"' or 'separator "\\t"' for tabs`);
      }
      separator.span = this.spanFrom(first.start);
      if (data.separator !== undefined) this.duplicate(separator.keyword, 'separator', data.separator.span);
      else data.separator = separator;
      return;
    }
    const columns = this.parseColumns(keyword === 'target' || keyword === 'encode', keyword === 'encode' ? 'encode city onehot' : 'target species onehot');
    if (keyword === 'encode') {
      const encode: NonNullable<FileData['encode']> = { kind: 'encode', span: spanOf(first), keyword: lead.span, tokens: [lead], columns };
      if (this.isWord(this.peek(), 'onehot')) encode.tokens.push(keywordToken(this.advance(), 'onehot'));
      else if (columns.length > 0 && this.atStatementEnd()) {
        const at = columns[columns.length - 1].span.end;
        this.report({ start: at, end: at }, 'expected', `expected 'onehot' after the columns: 'encode … onehot' gives each category an input of its own`, [
          { title: "Add 'onehot'", edits: [{ span: { start: at, end: at }, newText: ' onehot' }], preferred: true },
        ]);
      }
      encode.span = this.spanFrom(first.start);
      if (data.encode !== undefined) this.duplicate(encode.keyword, 'encode', data.encode.span);
      else data.encode = encode;
      return;
    }
    if (keyword === 'inputs') {
      const statement: NonNullable<FileData['inputs']> = { kind: 'inputs', span: this.spanFrom(first.start), keyword: lead.span, tokens: [lead], columns };
      if (data.inputs !== undefined) this.duplicate(statement.keyword, 'inputs', data.inputs.span);
      else data.inputs = statement;
      return;
    }
    const target: NonNullable<FileData['target']> = { kind: 'target', span: spanOf(first), keyword: lead.span, tokens: [lead], columns };
    if (this.isWord(this.peek(), 'onehot')) target.tokens.push(keywordToken(this.advance(), 'onehot'));
    target.span = this.spanFrom(first.start);
    if (data.target !== undefined) this.duplicate(target.keyword, 'target', data.target.span);
    else data.target = target;
  }

  /** `a b..c "d e" 3`; in a target or `encode`, the word `onehot` ends the list (the keyword wins). */
  private parseColumns(inTarget: boolean, example = 'target species onehot'): ColumnRange[] {
    const ranges: ColumnRange[] = [];
    for (;;) {
      if (this.atStatementEnd() || (inTarget && this.isWord(this.peek(), 'onehot'))) break;
      const from = this.parseColumn();
      if (from === null) {
        this.skipRestOfStatement(); // parseColumn, or the lexer for an invalid token, has said what is wrong
        return ranges;
      }
      const range: ColumnRange = { kind: 'range', span: from.span, tokens: [], from };
      if (this.peek().kind === '..') {
        const dots = this.advance();
        range.tokens.push(punctuationToken(dots));
        const to = this.parseColumn();
        if (to === null) {
          if (this.peek().kind !== 'invalid') this.report(spanOf(dots), 'expected', `expected a column after '..', as in 'x1..x4'`);
          this.skipRestOfStatement();
        } else {
          range.to = to;
        }
        range.span = { start: from.span.start, end: to === null ? dots.end : to.span.end };
      }
      ranges.push(range);
    }
    if (ranges.length === 0 && inTarget && this.isWord(this.peek(), 'onehot')) {
      // The keyword wins over a column of that name (docs/language.md §2.4): say how to mean the column.
      this.report(spanOf(this.peek()), 'expected', `expected ${example.startsWith('encode') ? 'the columns to encode' : 'the target column'} before 'onehot', as in '${example}'; for a column named onehot, write it in quotes: "onehot"`);
    } else if (ranges.length === 0) {
      this.unexpected(this.peek(), `at least one column (a header name, a 0-based index or a "quoted name")`);
    }
    return ranges;
  }

  private parseColumn(): Column | null {
    const token = this.peek();
    if (token.kind === 'name') {
      this.advance();
      return this.word(token, 'column');
    }
    if (token.kind === 'string') {
      this.advance();
      return { kind: 'string', span: spanOf(token), value: token.stringValue, terminated: token.terminated };
    }
    if (token.kind === 'number') {
      this.advance();
      const literal = this.numberLit(token);
      if (token.text.startsWith('-')) {
        this.report(literal.span, 'out-of-range', `column indexes count from 0; ${token.text} is not one`);
      } else {
        this.checkWhole(literal, 'a column index');
      }
      return literal;
    }
    if (token.kind !== 'invalid' && !this.atStatementEnd()) {
      this.report(spanOf(token), 'unexpected-token', `unexpected ${quoteToken(token)}; a column is a header name, a 0-based index or a "quoted name"`);
    }
    return null;
  }

  private parseGenerated(): GeneratedData {
    const equals = this.advance();
    const data: GeneratedData = { kind: 'generated', span: spanOf(equals), tokens: [punctuationToken(equals)], args: [] };
    // The call is outside any block, so line breaks before the generator and its '(' are skipped (docs/language.md §2.3).
    if (!this.skipHeaderNewlines()) {
      this.missingAtLineEnd(`a generator (${listWords(GENERATORS.map((g) => `'${g}'`))}), as in '= spiral(samples 300)'`);
      data.span = this.spanFrom(equals.start);
      return data;
    }
    const generator = this.expectVocabulary('generator', GENERATORS, '= spiral(samples 300)');
    if (generator.valid) data.generator = generator.word;
    if (generator.word === undefined) {
      this.skipRestOfStatement();
      data.span = this.spanFrom(equals.start);
      return data;
    }
    let lookahead = 0;
    while (this.peek(lookahead).kind === 'newline') lookahead++;
    if (lookahead > 0 && this.peek(lookahead).kind === '(') this.skipHeaderNewlines();
    if (this.peek().kind !== '(') {
      if (this.atStatementEnd()) {
        // `= spiral` alone reads as "with every default"; the parentheses are still required by the grammar.
        const at = this.tokens[this.pos - 1].end;
        this.report({ start: generator.word.span.start, end: at }, 'expected', `expected '(' after '${generator.word.text}', as in '${generator.word.text}(samples 200)'`, [
          { title: "Add '()'", edits: [{ span: { start: at, end: at }, newText: '()' }], preferred: true },
        ]);
      } else {
        this.unexpected(this.peek(), `'(' after '${generator.word.text}'`);
        this.skipRestOfStatement();
      }
      data.span = this.spanFrom(equals.start);
      return data;
    }
    data.tokens.push(punctuationToken(this.advance()));
    let expectArgument = true;
    let reported = false;
    for (;;) {
      // Arguments may run over several lines, but a line starting a declaration ends them.
      while (this.peek().kind === 'newline') this.advance();
      const token = this.peek();
      if (token.kind === ')') {
        data.tokens.push(punctuationToken(this.advance()));
        break;
      }
      if (token.kind === 'eof' || token.kind === '{' || token.kind === '}' || this.atLineStartDeclaration()) {
        if (!reported) {
          const span = this.spanFrom(generator.word.span.start);
          const at = span.end;
          this.report(span, 'expected', `the arguments of '${generator.word.text}(' have no closing ')'; add it`, [
            { title: "Add ')'", edits: [{ span: { start: at, end: at }, newText: ')' }], preferred: true },
          ]);
        }
        break;
      }
      if (token.kind === ',') {
        if (expectArgument && !reported) {
          reported = true;
          this.report(spanOf(token), 'unexpected-token', `unexpected ','; write arguments as 'samples 300, noise 0.1'`);
        }
        data.tokens.push(punctuationToken(this.advance()));
        expectArgument = true;
        continue;
      }
      if (token.kind === 'name') {
        if (!expectArgument && !reported) {
          reported = true;
          this.report({ start: token.start, end: token.start }, 'expected', `expected ',' before '${token.text}'`, [
            { title: "Insert ','", edits: [{ span: { start: this.tokens[this.pos - 1].end, end: this.tokens[this.pos - 1].end }, newText: ',' }], preferred: true },
          ]);
        }
        this.advance();
        const arg: Argument = { kind: 'argument', span: spanOf(token), tokens: [], name: this.word(token, 'parameter') };
        if (this.peek().kind === 'number') arg.value = this.numberLit(this.advance());
        else if (!reported) {
          reported = true;
          this.unexpected(this.peek(), `a number after '${token.text}', as in '${token.text} ${token.text === 'noise' ? '0.1' : '200'}'`);
        }
        arg.span = this.spanFrom(token.start);
        data.args.push(arg);
        expectArgument = false;
        continue;
      }
      if (!reported && token.kind !== 'invalid') {
        reported = true;
        this.report(spanOf(token), 'unexpected-token', `unexpected ${quoteToken(token)}; arguments are written 'samples 300, noise 0.1, seed 1'`);
      }
      this.advance();
    }
    data.span = this.spanFrom(equals.start);
    return data;
  }

  // ------------------------------------------------------------ weights

  /** `weights NAME for NETWORK { rows }` or `weights NAME for NETWORK from "FILE"` (docs/language.md §7.1). */
  private parseWeights(): WeightsDecl {
    const keyword = this.advance();
    const lead = keywordToken(keyword, 'weights');
    const decl: WeightsDecl = { kind: 'weights', span: spanOf(keyword), keyword: lead.span, tokens: [lead], rows: [] };
    if (this.isWord(this.peek(), 'for') && this.peek(1).kind === 'name' && this.peek(2).kind !== 'name') {
      // `weights for xor {`: the name is missing, not `for`.
      this.report(spanOf(this.peek()), 'expected', `expected a name for the weights before 'for', as in 'weights given for ${echo(this.peek(1).text)} {'`);
    } else {
      decl.name = this.parseDeclarationName('weights', 'weights given for xor {', 'weights', true);
    }
    // Stryker disable next-line StringLiteral: a message with this example is shown only after a name was read
    const named = echo(decl.name?.text ?? 'given');
    const example = `weights ${named} for xor {`;
    if (this.skipHeaderNewlines()) {
      const token = this.peek();
      if (this.isWord(token, 'for')) {
        decl.tokens.push(keywordToken(this.advance(), 'for'));
        decl.network = this.parseDeclarationName('network the weights are for', example, 'network', false);
      } else if (token.kind === 'name' && this.peek(1).kind === 'name' && suggest(token.text, ['for']) !== null) {
        // `weights w fro xor {`: a misspelled `for`.
        this.report(spanOf(token), 'unknown-keyword', `expected 'for' between the weights' name and the network, found '${echo(token.text)}'`, [
          { title: "Change to 'for'", edits: [{ span: spanOf(token), newText: 'for' }], preferred: true },
        ]);
        decl.tokens.push(keywordToken(this.advance(), 'for'));
        decl.network = this.word(this.advance(), 'network');
      } else if (token.kind === 'name' && !this.isWord(token, 'from')) {
        this.report({ start: token.start, end: token.start }, 'expected', `expected 'for' before the network, as in 'weights ${named} for ${echo(token.text)}'`, [
          { title: "Insert 'for'", edits: [{ span: { start: token.start, end: token.start }, newText: 'for ' }], preferred: true },
        ]);
        decl.network = this.word(this.advance(), 'network');
      } else {
        this.unexpected(token, `'for' and the network the weights are for, as in '${example}'`);
      }
    }
    const what = decl.name ? `weights '${echo(decl.name.text)}'` : 'the weights';
    if (!this.skipHeaderNewlines()) {
      this.missingAtLineEnd(`'{' (rows of numbers) or 'from "file"' after ${what}`);
    } else {
      const token = this.peek();
      if (token.kind === '{') {
        const open = this.advance();
        this.parseBlock(
          open,
          what,
          // Stryker disable next-line ArrayDeclaration: no declaration keyword is a keyword of a weights block
          [],
          decl,
          () => {
            const row = this.parseWeightRow();
            if (row !== null) decl.rows.push(row);
          },
          // A layer may be named `train` or `data`: a line `train W 1 2` is one of its rows (no declaration goes on so).
          // Only a name is written as a letter alone (docs/language.md §2.4), so its text says it is a name.
          () => this.peek(1).kind === 'number' || ['W', 'b', 'w', 'B'].includes(this.peek(1).text),
        );
      } else if (this.isWord(token, 'from')) {
        decl.tokens.push(keywordToken(this.advance(), 'from'));
        decl.path = this.parseWeightsPath();
      } else {
        this.unexpected(token, `'{' (rows of numbers) or 'from "file"' after ${what}`);
        this.skipRestOfStatement();
      }
    }
    decl.span = this.spanFrom(keyword.start);
    return decl;
  }

  /** The `"FILE"` after `weights … from`, which ends the declaration. */
  private parseWeightsPath(): StringLit | undefined {
    const example = `a file name in quotes, as in 'from "xor.run1.safetensors"'`;
    if (!this.skipHeaderNewlines()) {
      this.missingAtLineEnd(example);
      return undefined;
    }
    const token = this.peek();
    let path: StringLit | undefined;
    if (token.kind === 'string') {
      this.advance();
      path = { kind: 'string', span: spanOf(token), value: token.stringValue, terminated: token.terminated };
    } else if (token.kind === 'name') {
      // `from model.json`: the name and what is written onto it (`.json`, which the lexer reported) are one path.
      let end = this.advance().end;
      while (!this.atStatementEnd() && this.peek().start === end) end = this.advance().end;
      const span = { start: token.start, end };
      this.withdrawLexerProblems(span);
      const written = this.text.slice(span.start, span.end);
      this.report(span, 'expected', `put the file name in quotes: from "${echo(written)}"`, [
        { title: `Change to "${written}"`, edits: [{ span, newText: `"${written}"` }], preferred: true },
      ]);
    } else {
      this.unexpected(token, example);
    }
    if (!this.atStatementEnd()) {
      this.unexpected(this.peek(), `the end of the line after the file name (weights come from a file or from rows in a block, not both)`);
      this.skipRestOfStatement();
    }
    return path;
  }

  /** `LAYER W n…` or `LAYER b n…`; null for a line that does not start with a name (reported). */
  private parseWeightRow(): WeightRow | null {
    const first = this.peek();
    if (first.kind !== 'name') {
      if (first.kind !== 'invalid') {
        this.report(spanOf(first), 'unexpected-token', `unexpected ${quoteToken(first)} in weights; a row starts with its layer's name, as in 'hidden W 0.15 0.2'`);
      }
      this.skipRestOfStatement();
      return null;
    }
    this.advance();
    const row: WeightRow = { kind: 'weight-row', span: spanOf(first), tokens: [], layer: this.word(first, 'layer'), values: [] };
    const part = this.peek();
    const example = `'${echo(first.text)} W 0.15 0.2'`;
    // Only a name is written as a letter alone (docs/language.md §2.4).
    if (part.text === 'W' || part.text === 'b') {
      row.tokens.push(keywordToken(this.advance(), part.text));
    } else if (part.text === 'w' || part.text === 'B') {
      const meant = part.text === 'w' ? 'W' : 'b';
      this.report(spanOf(part), 'unknown-keyword', `unknown word '${part.text}'; did you mean '${meant}'? (W is a capital, b is not)`, [
        { title: `Change to '${meant}'`, edits: [{ span: spanOf(part), newText: meant }], preferred: true },
      ]);
      row.tokens.push(keywordToken(this.advance(), meant));
    } else {
      this.unexpected(part, `'W' (one unit's weights) or 'b' (the layer's biases) after '${echo(first.text)}', as in ${example}`);
      this.skipRestOfStatement();
      row.malformed = true;
      row.span = this.spanFrom(first.start);
      return row;
    }
    let reported = false;
    while (!this.atStatementEnd()) {
      const token = this.advance();
      if (token.kind === 'number') {
        row.values.push(this.numberLit(token));
        continue;
      }
      row.malformed = true;
      if (reported) continue;
      reported = true;
      if (token.kind === 'percent') this.report(spanOf(token), 'unexpected-token', `a weights row holds plain numbers; write ${token.value / 100} instead of ${token.text}`);
      else if (token.kind !== 'invalid') this.report(spanOf(token), 'unexpected-token', `unexpected ${quoteToken(token)} in a weights row; rows hold numbers, as in ${example}`);
    }
    row.span = this.spanFrom(first.start);
    if (row.values.length === 0 && !reported) {
      row.malformed = true;
      this.missingAtLineEnd(`the row's numbers after '${row.tokens[0].text}', as in ${example}`);
    }
    return row;
  }

  // ------------------------------------------------------------ train

  private parseTrain(): TrainDecl {
    const keyword = this.advance();
    const lead = keywordToken(keyword, 'train');
    const decl: TrainDecl = { kind: 'train', span: spanOf(keyword), keyword: lead.span, tokens: [lead], statements: [] };
    let on: SyntaxToken | undefined;
    if (this.isWord(this.peek(), 'on') && this.peek(1).kind === 'name' && this.peek(2).kind !== 'name') {
      // `train on table {`: the network is missing, not named `on`.
      this.report(spanOf(this.peek()), 'expected', `expected the network to train before 'on', as in 'train xor on ${this.peek(1).text}'`);
      on = keywordToken(this.advance(), 'on');
      decl.tokens.push(on);
      decl.data = this.parseDeclarationName('data set to train on', 'train xor on table {', 'data', false);
    } else {
      decl.network = this.parseDeclarationName('network to train', 'train xor on table {', 'network', false);
    }
    if (decl.network !== undefined && this.skipHeaderNewlines()) {
      const token = this.peek();
      if (this.isWord(token, 'on')) {
        on = keywordToken(this.advance(), 'on');
        decl.tokens.push(on);
      } else if (token.kind === 'name' && this.peek(1).kind === 'name') {
        // `train n onn d`: a misspelled `on`.
        this.advance();
        on = keywordToken(token, 'on');
        decl.tokens.push(on);
        this.report(spanOf(token), 'unknown-keyword', `expected 'on' between the network and the data set, found '${token.text}'`, [
          { title: "Change to 'on'", edits: [{ span: spanOf(token), newText: 'on' }], preferred: true },
        ]);
      } else if (token.kind === 'name') {
        this.report({ start: token.start, end: token.start }, 'expected', `expected 'on' before the data set, as in 'train ${decl.network.text} on ${token.text}'`, [
          { title: "Insert 'on'", edits: [{ span: { start: token.start, end: token.start }, newText: 'on ' }], preferred: true },
        ]);
      } else {
        this.unexpected(token, `'on' and the data set to train on, as in 'train ${decl.network.text} on table {'`);
      }
      if (on !== undefined || this.peek().kind === 'name') {
        decl.data = this.parseDeclarationName('data set to train on', `train ${decl.network.text} on table {`, 'data', false);
      }
    }
    const what = decl.network ? `train '${decl.network.text}'` : 'the train block';
    const open = this.parseOpenBrace(what);
    if (open !== null) {
      const seen = new Map<string, Span>();
      this.parseBlock(open, what, TRAIN_STATEMENTS, decl, () => {
        const statement = this.parseTrainStatement();
        if (statement === null) return;
        const first = REPEATABLE_TRAIN_STATEMENTS.includes(statement.kind) ? undefined : seen.get(statement.kind);
        if (first !== undefined) {
          this.duplicate(statement.keyword, statement.kind, first);
        } else {
          seen.set(statement.kind, statement.span);
          decl.statements.push(statement);
        }
      });
    }
    // As for a network: parseOpenBrace has skipped what it could of the header's line, and a declaration
    // on the next line must still be read.
    decl.span = this.spanFrom(keyword.start);
    return decl;
  }

  private parseTrainStatement(): TrainStatement | null {
    const keyword = this.statementKeyword(TRAIN_STATEMENTS, 'a train block');
    if (keyword === null) return null;
    const token = this.advance();
    const start = token.start;
    const lead = keywordToken(token, keyword);
    const base = { span: spanOf(token), keyword: lead.span, tokens: [lead] };
    let statement: TrainStatement;
    switch (keyword) {
      case 'loss': {
        const value = this.expectVocabulary('loss', LOSSES, 'loss mse');
        statement = { kind: 'loss', ...base, ...(value.valid ? { value: value.word } : {}) };
        break;
      }
      case 'optimizer': {
        const name = this.expectVocabulary('optimizer', OPTIMIZERS, 'optimizer sgd rate 0.5');
        statement = { kind: 'optimizer', ...base, params: [], ...(name.valid ? { name: name.word } : {}) };
        if (name.word !== undefined) this.parseParameters(statement, `optimizer ${name.word.text}`, 'rate', `a parameter name such as 'rate' or 'momentum'`);
        break;
      }
      case 'schedule': {
        const name = this.expectVocabulary('schedule', SCHEDULES, 'schedule exponential factor 0.99');
        statement = { kind: 'schedule', ...base, params: [], ...(name.valid ? { name: name.word } : {}) };
        if (name.word !== undefined) {
          const first = name.word.text === 'cosine' ? 'min' : 'factor';
          this.parseParameters(statement, `schedule ${name.word.text}`, first, `a parameter name such as '${first}'`);
        }
        break;
      }
      case 'regularize':
        statement = this.parseRegularize(base);
        break;
      case 'patience':
        statement = { kind: 'patience', ...base, ...optional('value', this.expectInt('the number of epochs without improvement', 'patience 50')) };
        break;
      case 'epochs':
        statement = { kind: 'epochs', ...base, ...optional('value', this.expectInt('the number of epochs', 'epochs 1000')) };
        break;
      case 'seed':
        statement = { kind: 'seed', ...base, ...optional('value', this.expectInt('the seed', 'seed 1')) };
        break;
      case 'batch': {
        const batch: BatchStmt = { kind: 'batch', ...base };
        const next = this.peek();
        if (next.kind === 'name') {
          this.advance();
          const full = this.vocabulary(next, 'batch size', ['full']);
          if (full.valid) batch.value = full.word;
        } else {
          if (next.kind === 'number') {
            const size = this.numberLit(this.advance());
            this.checkWhole(size, 'the batch size');
            batch.value = size;
          } else {
            this.unexpected(next, `the batch size or 'full', as in 'batch 32'`);
          }
        }
        statement = batch;
        break;
      }
      case 'stop': {
        const stop: StopStmt = { kind: 'stop', ...base };
        statement = stop;
        let ok = this.expectSequence(stop, [['when', "'when', as in 'stop when loss < 0.001'"]]);
        // `stop when validation loss < T` (docs/language.md §7.4).
        const validation = ok && this.isWord(this.peek(), 'validation');
        if (validation) stop.tokens.push(keywordToken(this.advance(), 'validation'));
        ok = ok && this.expectSequence(stop, [['loss', `'loss', as in 'stop when ${validation ? 'validation ' : ''}loss < 0.001'`]]);
        if (!ok) break;
        if (this.peek().kind === '>') {
          // The rule ends a run when the loss falls below a bound; there is no other side to it.
          const greater = spanOf(this.peek());
          this.report(greater, 'unexpected-token', `unexpected '>'; a stop condition is written 'stop when loss < 0.001'`, [
            { title: "Change to '<'", edits: [{ span: greater, newText: '<' }] },
          ]);
          this.skipRestOfStatement();
          break;
        }
        if (this.peek().kind !== '<') {
          this.unexpected(this.peek(), `'<', as in 'stop when loss < 0.001'`);
          this.skipRestOfStatement();
          break;
        }
        stop.tokens.push(punctuationToken(this.advance()));
        const threshold = this.expectNumber('the loss to reach', 'stop when loss < 0.001');
        if (threshold !== undefined) statement.threshold = threshold;
        break;
      }
      case 'validate':
        statement = { kind: 'validate', ...base, ...optional('value', this.expectPercent('the share of the data to hold out', 'validate 20%', 'held out')) };
        break;
      case 'start': {
        const start: StartStmt = { kind: 'start', ...base };
        statement = start;
        if (!this.expectSequence(start, [['from', "'from', as in 'start from given'"]])) break;
        const name = this.peek();
        if (name.kind === 'name') start.weights = this.word(this.advance(), 'weights');
        else this.unexpected(name, `the name of a weights declaration, as in 'start from given'`);
        break;
      }
      case 'expect':
        statement = this.parseExpect({ kind: 'expect', ...base, validation: false });
        break;
      default: {
        const value = this.expectVocabulary('precision', PRECISIONS, 'precision f64');
        statement = { kind: 'precision', ...base, ...(value.valid ? { value: value.word } : {}) };
        break;
      }
    }
    statement.span = this.spanFrom(start);
    return statement;
  }

  private percentLit(token: Token): PercentLit {
    return { kind: 'percent', span: spanOf(token), value: token.value };
  }

  /**
   * Takes back the problems reported inside `span` (the lexer's, for a token the parser reads as something
   * the user meant and reports once, with its fix).
   */
  private withdrawLexerProblems(span: Span): void {
    for (let i = this.problems.length - 1; i >= 0; i--) {
      if (this.problems[i].span.start >= span.start && this.problems[i].span.end <= span.end) this.problems.splice(i, 1);
    }
  }

  /**
   * `20 %`: a number and a stray '%' the lexer reported. Reads both and says one thing, with the
   * fix, instead of one error for the number and one for the '%'. False when the text is not that.
   */
  private spacedPercent(): boolean {
    const next = this.peek();
    if (next.kind !== 'number' || this.peek(1).kind !== 'invalid' || this.peek(1).text !== '%') return false;
    this.advance();
    const percent = this.advance();
    this.withdrawLexerProblems(spanOf(percent));
    const span = { start: next.start, end: percent.end };
    this.report(span, 'expected', `write the percentage without a space: ${next.text}%`, [
      { title: `Change to ${next.text}%`, edits: [{ span, newText: `${next.text}%` }], preferred: true },
    ]);
    return true;
  }

  /**
   * The rest of `expect [validation] loss|accuracy <|> BOUND` (docs/language.md §7 "Expectations").
   * Whether the bound's kind suits the measure (a percentage for accuracy) is the checker's to say.
   */
  private parseExpect(expect: ExpectStmt): ExpectStmt {
    const example = (metric?: string) =>
      metric === 'loss' ? `'expect ${expect.validation ? 'validation ' : ''}loss < 0.01'` : `'expect ${expect.validation ? 'validation ' : ''}accuracy > 95%'`;
    let token = this.peek();
    if (this.isWord(token, 'validation')) {
      expect.tokens.push(keywordToken(this.advance(), 'validation'));
      expect.validation = true;
      token = this.peek();
    } else if (token.kind === 'name' && this.peek(1).kind === 'name' && suggest(token.text, ['validation']) !== null) {
      // `expect validaton accuracy > 90%`: a misspelled `validation` before the measure.
      this.report(spanOf(token), 'unknown-keyword', `unknown word '${token.text}'; did you mean 'validation'?`, [
        { title: "Change to 'validation'", edits: [{ span: spanOf(token), newText: 'validation' }], preferred: true },
      ]);
      expect.tokens.push(keywordToken(this.advance(), 'validation'));
      expect.validation = true;
      token = this.peek();
    }
    if (token.kind !== 'name') {
      this.unexpected(token, `what to measure, 'loss' or 'accuracy', as in ${example()}`);
      this.skipRestOfStatement();
      return expect;
    }
    let metric = token.text;
    if (!(EXPECT_METRICS as readonly string[]).includes(metric)) {
      const guess = suggest(metric, EXPECT_METRICS);
      if (guess === null) {
        this.report(spanOf(token), 'unknown-keyword', `unknown measure '${metric}'; an expectation measures 'loss' or 'accuracy'${expect.validation ? '' : ", or with 'validation' before them, those of the held-out rows"}`);
        this.skipRestOfStatement();
        return expect;
      }
      this.report(spanOf(token), 'unknown-keyword', `unknown measure '${metric}'; did you mean '${guess}'?`, [
        { title: `Change to '${guess}'`, edits: [{ span: spanOf(token), newText: guess }], preferred: true },
      ]);
      metric = guess;
    }
    expect.metric = metric as ExpectStmt['metric'];
    expect.tokens.push(keywordToken(this.advance(), metric));

    const op = this.peek();
    if (op.kind !== '<' && op.kind !== '>') {
      if (op.kind === '=') {
        this.report(spanOf(op), 'expected', `write '<' or '>': an expectation says on which side of the bound the ${metric} must end, as in ${example(metric)}`);
      } else {
        this.unexpected(op, `'<' or '>', as in ${example(metric)}`);
      }
      this.skipRestOfStatement();
      return expect;
    }
    expect.tokens.push(punctuationToken(this.advance()));
    expect.op = op.kind;
    const equals = this.peek();
    if (equals.kind === '=' && equals.start === op.end) {
      // `<=`: the comparison is strict; the bound itself decides (a measure is rarely exactly on it).
      this.advance();
      const span = { start: op.start, end: equals.end };
      this.report(span, 'expected', `an expectation compares strictly: write '${op.kind}', not '${op.kind}='`, [
        { title: `Change to '${op.kind}'`, edits: [{ span, newText: op.kind }], preferred: true },
      ]);
    }

    const bound = this.peek();
    if (this.spacedPercent()) return expect;
    if (bound.kind === 'number') expect.bound = this.numberLit(this.advance());
    else if (bound.kind === 'percent') expect.bound = this.percentLit(this.advance());
    else this.unexpected(bound, `the bound, as in ${example(metric)}`);
    return expect;
  }

  /**
   * `NAME NUMBER` pairs to the end of the line (an optimizer's or a schedule's parameters); which
   * names apply is the checker's business. `lead` is the statement as written so far, for the
   * examples; `first` the parameter a bare number most likely lacks.
   */
  private parseParameters(statement: OptimizerStmt | ScheduleStmt, lead: string, first: string, expected: string): void {
    this.parsePairs(statement.params, {
      bareNumber: (number) => `expected a parameter name before ${number}, as in '${lead} ${first} ${number}'`,
      first,
      expected,
      name: (token) => this.word(token, 'parameter'),
      number: (name) => [`a number after '${name}'`, `${name} 0.5`],
    });
  }

  /** `regularize REG λ [REG λ]` (docs/language.md §7.2): `l1`/`l2` then the penalty's weight, to the end of the line. */
  private parseRegularize(base: Pick<RegularizeStmt, 'span' | 'keyword' | 'tokens'>): RegularizeStmt {
    const statement: RegularizeStmt = { kind: 'regularize', ...base, terms: [] };
    if (this.atStatementEnd()) {
      this.unexpected(this.peek(), `the penalty ('l1' or 'l2') and its weight, as in 'regularize l2 0.01'`);
      return statement;
    }
    this.parsePairs(statement.terms, {
      bareNumber: (number) => `expected 'l1' or 'l2' before ${number}, as in 'regularize l2 ${number}'`,
      first: 'l2',
      expected: `'l1' or 'l2', as in 'regularize l1 0.001 l2 0.01'`,
      name: (token) => this.vocabulary(token, 'penalty', REGULARIZERS).word,
      number: (name) => [`the weight of the penalty after '${name}'`, `regularize ${name} 0.01`],
    });
    return statement;
  }

  /**
   * `NAME NUMBER` pairs to the end of the line, each an argument in `into`; at the first pair that
   * goes wrong (a number without its name, a number missing) one error and the rest of the line skipped.
   */
  private parsePairs(into: Argument[], rules: PairRules): void {
    while (!this.atStatementEnd()) {
      const token = this.peek();
      if (token.kind === 'number') {
        const at = token.start;
        this.report(spanOf(token), 'expected', rules.bareNumber(token.text), [
          { title: `Insert '${rules.first}'`, edits: [{ span: { start: at, end: at }, newText: `${rules.first} ` }], preferred: true },
        ]);
        this.skipRestOfStatement();
        return;
      }
      if (token.kind !== 'name') {
        this.unexpected(token, rules.expected);
        this.skipRestOfStatement();
        return;
      }
      this.advance();
      const name = rules.name(token);
      const value = this.expectNumber(...rules.number(token.text));
      into.push({ kind: 'argument', span: this.spanFrom(token.start), tokens: [], name, ...optional('value', value) });
      if (value === undefined) {
        this.skipRestOfStatement();
        return;
      }
    }
  }

  /**
   * Reads fixed words in order (`when loss`) as keywords of `statement`; reports and skips
   * the line at the first one missing.
   */
  private expectSequence(statement: Branch<string>, words: [string, string][]): boolean {
    for (const [word, expected] of words) {
      const token = this.peek();
      if (this.isWord(token, word)) {
        statement.tokens.push(keywordToken(this.advance(), word));
        continue;
      }
      if (token.kind === 'name' && suggest(token.text, [word]) !== null) {
        this.report(spanOf(token), 'unknown-keyword', `unknown word '${echo(token.text)}'; did you mean '${word}'?`, [
          { title: `Change to '${word}'`, edits: [{ span: spanOf(token), newText: word }], preferred: true },
        ]);
        statement.tokens.push(keywordToken(this.advance(), word));
        continue;
      }
      this.unexpected(token, expected);
      this.skipRestOfStatement();
      // Stryker disable next-line BooleanLiteral: the callers then read at the line's end, whose error one-error-per-line drops
      return false;
    }
    return true;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function spanOf(token: Token): Span {
  return { start: token.start, end: token.end };
}

/** A keyword of a node, as the parser read it: `text` is the keyword meant (a reported misspelling reads as it). */
function keywordToken(token: Token, text: string): SyntaxToken {
  return { kind: 'keyword', text, span: spanOf(token) };
}

const OPERATORS: readonly string[] = ['->', '<', '>', '=', '..'];

/** An operator (`->`, `<`, `=`, `..`) or a bracket or comma of a node. */
function punctuationToken(token: Token): SyntaxToken {
  return { kind: OPERATORS.includes(token.kind) ? 'operator' : 'punctuation', text: token.text, span: spanOf(token) };
}

/** How a token is named in a message: `'foo'`, `a line break`, `the end of the file`. */
function quoteToken(token: Token): string {
  if (token.kind === 'newline') return 'the end of the line';
  if (token.kind === 'eof') return 'the end of the file';
  return `'${echo(token.text)}'`;
}

function describe(token: Token): string {
  return `, found ${quoteToken(token)}`;
}
