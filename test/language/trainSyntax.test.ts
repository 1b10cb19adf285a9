// The syntax errors of a train block's header and statements (docs/language.md §3, §5): each message where the
// mistake is, and each quick fix by the text it leaves.
import { applyFix } from '../support/check';
import { describe, expect, it } from 'vitest';
import { parse } from '../../server/src/language';

/** Each problem as `"text under it": message`, and its fixes as `[title: the text after the fix] (preferred)`. */
function problems(text: string): string[] {
  return parse(text).problems.map((p) => {
    const fixes = (p.fixes ?? []).map((fix) => {
      return ` [${fix.title}: ${JSON.stringify(applyFix(text, fix))}]${fix.preferred === true ? ' (preferred)' : ''}`;
    });
    return `${JSON.stringify(text.slice(p.span.start, p.span.end))}: ${p.message}${fixes.join('')}`;
  });
}

describe("a train block's header", () => {
  it('without its network: the data set is still read', () => {
    const text = 'train on table {\n}\n';
    expect(problems(text)).toEqual([`"on": expected the network to train before 'on', as in 'train xor on table'`]);
    const train = parse(text).file.declarations[0];
    expect(train.kind === 'train' && [train.network?.text, train.data?.text]).toEqual([undefined, 'table']);
  });

  it("with 'on' misspelt, left out, or nothing after the network", () => {
    expect(problems('train n onn d {\n}\n')).toEqual([
      `"onn": expected 'on' between the network and the data set, found 'onn' [Change to 'on': "train n on d {\\n}\\n"] (preferred)`,
    ]);
    expect(problems('train n d {\n}\n')).toEqual([`"": expected 'on' before the data set, as in 'train n on d' [Insert 'on': "train n on d {\\n}\\n"] (preferred)`]);
    const train = parse('train n d {\n}\n').file.declarations[0];
    expect(train.kind === 'train' && [train.network?.text, train.data?.text]).toEqual(['n', 'd']);
    expect(problems('train n {\n}\n')).toEqual([`"{": expected 'on' and the data set to train on, as in 'train n on table {', found '{'`]);
  });

  it("with a second name after 'on', or a number where 'on' goes", () => {
    expect(problems('train on d e {\n}\n')).toEqual([`"d": expected 'on' between the network and the data set, found 'd' [Change to 'on': "train on on e {\\n}\\n"] (preferred)`]);
    expect(problems('train n 3 d {\n}\n')).toEqual([`"3": expected 'on' and the data set to train on, as in 'train n on table {', found '3'`]);
  });

  it("without its '{': the next line's declaration is still read, with no error of its own", () => {
    const text = 'train n on d\ndata d {\n  0 -> 1\n}\n';
    expect(problems(text)).toEqual([`"": expected '{' to open train 'n', found the end of the line`]);
    const { file } = parse(text);
    expect(file.declarations.map((d) => `${d.kind} ${d.kind === 'train' ? d.network?.text : d.name?.text}`)).toEqual(['train n', 'data d']);
    const data = file.declarations[1];
    expect(data.kind === 'data' && data.source?.kind === 'inline' && data.source.rows.length).toBe(1);
  });

  it('with no name at all', () => {
    expect(problems('train {\n}\n')).toEqual([`"{": expected a name for the network to train, as in 'train xor on table {', found '{'`]);
    expect(problems('train n on {\n}\n')).toEqual([`"{": expected a name for the data set to train on, as in 'train n on table {', found '{'`]);
  });
});

describe("a train block's statements", () => {
  const train = (body: string) => `train n on d {\n  ${body}\n}\n`;

  it('batch: a size, full, or what is expected', () => {
    expect(problems(train('batch'))).toEqual([`"\\n": expected the batch size or 'full', as in 'batch 32', found the end of the line`]);
    expect(problems(train('batch fulll'))).toEqual([`"fulll": unknown batch size 'fulll'; did you mean 'full'? [Change to 'full': "train n on d {\\n  batch full\\n}\\n"] (preferred)`]);
  });

  it("stop: 'when', 'loss', and '<' rather than '>'", () => {
    expect(problems(train('stop loss < 0.1'))).toEqual([`"loss": expected 'when', as in 'stop when loss < 0.001', found 'loss'`]);
    expect(problems(train('stop when validation < 0.1'))).toEqual([`"<": expected 'loss', as in 'stop when validation loss < 0.001', found '<'`]);
    expect(problems(train('stop when loss > 0.1'))).toEqual([
      `">": unexpected '>'; a stop condition is written 'stop when loss < 0.001' [Change to '<': "train n on d {\\n  stop when loss < 0.1\\n}\\n"]`,
    ]);
    const stopped = parse(train('stop when x\n  epochs 3'));
    expect(stopped.problems.map((p) => p.message)).toEqual([`expected 'loss', as in 'stop when loss < 0.001', found 'x'`]);
    const block = stopped.file.declarations[0];
    expect(block.kind === 'train' && block.statements.map((s) => s.kind)).toEqual(['stop', 'epochs']);
    expect(problems(train('stop when loss < x'))).toEqual([`"x": expected the loss to reach, as in 'stop when loss < 0.001', found 'x'`]);
  });

  it('a percentage written with a space: one error, with its fix', () => {
    expect(problems(train('validate 20 %'))).toEqual([`"20 %": write the percentage without a space: 20% [Change to 20%: "train n on d {\\n  validate 20%\\n}\\n"] (preferred)`]);
    expect(problems(train('validate 20'))).toEqual([`"20": write the share held out as a percentage: 20% [Change to 20%: "train n on d {\\n  validate 20%\\n}\\n"] (preferred)`]);
    expect(problems(train('validate x %'))).toEqual([`"x": expected the share of the data to hold out, as in 'validate 20%', found 'x'`, `"%": unexpected character '%'; remove it`]);
    // Another stray character after a number is not a percent sign.
    expect(problems(train('validate 20 @')).join('\n')).not.toContain('without a space');
  });

  it('start: from, then the name of weights', () => {
    expect(problems(train('start given'))).toEqual([`"given": expected 'from', as in 'start from given', found 'given'`]);
    expect(problems(train('start from 3'))).toEqual([`"3": expected the name of a weights declaration, as in 'start from given', found '3'`]);
  });

  it('the words each statement expects', () => {
    expect(problems(train('loss'))).toEqual([`"\\n": expected loss ('mse' or 'cross_entropy'), as in 'loss mse', found the end of the line`]);
    expect(problems(train('schedule cosine 3'))).toEqual([`"3": expected a parameter name before 3, as in 'schedule cosine min 3' [Insert 'min': "train n on d {\\n  schedule cosine min 3\\n}\\n"] (preferred)`]);
    expect(problems(train('schedule step 3'))).toEqual([`"3": expected a parameter name before 3, as in 'schedule step factor 3' [Insert 'factor': "train n on d {\\n  schedule step factor 3\\n}\\n"] (preferred)`]);
    expect(problems(train('optimizer sgd 0.5'))).toEqual([`"0.5": expected a parameter name before 0.5, as in 'optimizer sgd rate 0.5' [Insert 'rate': "train n on d {\\n  optimizer sgd rate 0.5\\n}\\n"] (preferred)`]);
    expect(problems(train('patience x'))).toEqual([`"x": expected the number of epochs without improvement, as in 'patience 50', found 'x'`]);
    expect(problems(train('epochs x'))).toEqual([`"x": expected the number of epochs, as in 'epochs 1000', found 'x'`]);
    expect(problems(train('seed x'))).toEqual([`"x": expected the seed, as in 'seed 1', found 'x'`]);
    expect(problems(train('precision'))).toEqual([`"\\n": expected precision ('f64' or 'f32'), as in 'precision f64', found the end of the line`]);
  });
});
