// The syntax errors of a train block's header and statements (docs/language.md §3, §5): each message where the
// mistake is, and each quick fix by the text it leaves.
import { syntaxProblems as problems } from '../support/check';
import { describe, expect, it } from 'vitest';
import { parse } from '../../server/src/language';

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

  it("without its network, and without its '}': later messages call it 'the train block'", () => {
    expect(problems('train on d {\n  epochs 3\n')).toEqual([
      `"on": expected the network to train before 'on', as in 'train xor on d'`,
      `"{": the train block has no closing '}'; add it after the block's last line [Add the closing '}': "train on d {\\n  epochs 3\\n}\\n"]`,
    ]);
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
    // An unknown word keeps no batch size: the run is not trained on the whole set because of a typo.
    const typo = parse(train('batch fulll')).file.declarations[0];
    expect(typo.kind === 'train' && typo.statements[0].kind === 'batch' && typo.statements[0].value).toBeUndefined();
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
    // validate takes fractional percentages (docs/language.md §7), so 0.2 is offered as 0.2%, not as 20% as dropout's is.
    expect(problems(train('validate 0.2'))).toEqual([`"0.2": write the share held out as a percentage: 0.2% [Change to 0.2%: "train n on d {\\n  validate 0.2%\\n}\\n"] (preferred)`]);
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
    expect(problems(train('optimizer sgd rate 0.1 "x"'))).toEqual([`"\\"x\\"": expected a parameter name such as 'rate' or 'momentum', found '"x"'`]);
    expect(problems(train('schedule cosine "x"'))).toEqual([`"\\"x\\"": expected a parameter name such as 'min', found '"x"'`]);
    expect(problems(train('schedule'))).toEqual([
      `"\\n": expected schedule ('step', 'exponential', 'cosine' or 'plateau'), as in 'schedule exponential factor 0.99', found the end of the line`,
    ]);
    expect(problems(train('patience x'))).toEqual([`"x": expected the number of epochs without improvement, as in 'patience 50', found 'x'`]);
    expect(problems(train('epochs x'))).toEqual([`"x": expected the number of epochs, as in 'epochs 1000', found 'x'`]);
    expect(problems(train('seed x'))).toEqual([`"x": expected the seed, as in 'seed 1', found 'x'`]);
    expect(problems(train('precision'))).toEqual([`"\\n": expected precision ('f64' or 'f32'), as in 'precision f64', found the end of the line`]);
  });
});

describe('expectations, penalties and parameters', () => {
  const train = (body: string) => `train n on d {\n  ${body}\n}\n`;
  const statement = (body: string) => {
    const decl = parse(train(body)).file.declarations[0];
    if (decl.kind !== 'train') throw new Error('expected a train block');
    return decl.statements[0];
  };

  it('expect: validation, the measure, a strict comparison, the bound', () => {
    const read = statement('expect validation accuracy > 95%');
    expect(read.kind === 'expect' && [read.validation, read.metric, read.op, read.bound?.kind, read.bound?.value]).toEqual([true, 'accuracy', '>', 'percent', 95]);
    expect(read.tokens.map((t) => `${t.kind} ${t.text}`)).toEqual(['keyword expect', 'keyword validation', 'keyword accuracy', 'operator >']);
    const loss = statement('expect loss < 0.01');
    expect(loss.kind === 'expect' && [loss.validation ?? false, loss.metric, loss.op, loss.bound?.kind, loss.bound?.value]).toEqual([false, 'loss', '<', 'number', 0.01]);
  });

  it("expect's mistakes, each with its example", () => {
    expect(problems(train('expect validaton accuracy > 90%'))).toEqual([
      `"validaton": unknown word 'validaton'; did you mean 'validation'? [Change to 'validation': "train n on d {\\n  expect validation accuracy > 90%\\n}\\n"] (preferred)`,
    ]);
    const fixed = statement('expect validaton accuracy > 90%');
    expect(fixed.kind === 'expect' && [fixed.validation, fixed.metric, fixed.bound?.value]).toEqual([true, 'accuracy', 90]);
    // Read as the keyword it was taken for (its hover and colour are validation's).
    expect(fixed.tokens.map((t) => `${t.kind} ${t.text}`)).toEqual(['keyword expect', 'keyword validation', 'keyword accuracy', 'operator >']);
    expect(problems(train('expect speed > 3'))).toEqual([
      `"speed": unknown measure 'speed'; an expectation measures 'loss' or 'accuracy', or with 'validation' before them, those of the held-out rows`,
    ]);
    expect(problems(train('expect validation speed > 3'))).toEqual([`"speed": unknown measure 'speed'; an expectation measures 'loss' or 'accuracy'`]);
    // A word near 'validation' is taken for it only where a measure follows; alone it is the measure that is wrong.
    const unknownMeasure = (word: string) =>
      `"${word}": unknown measure '${word}'; an expectation measures 'loss' or 'accuracy', or with 'validation' before them, those of the held-out rows`;
    expect(problems(train('expect validaton < 0.1'))).toEqual([unknownMeasure('validaton')]);
    expect(problems(train('expect validaton'))).toEqual([unknownMeasure('validaton')]);
    // A word far from 'validation' before the measure is not offered as it.
    expect(problems(train('expect training loss < 0.1'))).toEqual([unknownMeasure('training')]);
    // Quoted, 'validation' is not a word: what to measure is asked for.
    expect(problems(train('expect "validation" accuracy > 90%'))).toEqual([
      `"\\"validation\\"": expected what to measure, 'loss' or 'accuracy', as in 'expect accuracy > 95%', found '"validation"'`,
    ]);
    expect(problems(train('expect los < 3'))).toEqual([`"los": unknown measure 'los'; did you mean 'loss'? [Change to 'loss': "train n on d {\\n  expect loss < 3\\n}\\n"] (preferred)`]);
    const guessed = statement('expect los < 3');
    expect(guessed.kind === 'expect' && [guessed.metric, guessed.tokens.map((t) => t.text)]).toEqual(['loss', ['expect', 'loss', '<']]);
    expect(problems(train('expect 3'))).toEqual([`"3": expected what to measure, 'loss' or 'accuracy', as in 'expect accuracy > 95%', found '3'`]);
    expect(problems(train('expect validation'))).toEqual([
      `"\\n": expected what to measure, 'loss' or 'accuracy', as in 'expect validation accuracy > 95%', found the end of the line`,
    ]);
    expect(problems(train('expect loss = 0.1'))).toEqual([`"=": write '<' or '>': an expectation says on which side of the bound the loss must end, as in 'expect loss < 0.01'`]);
    expect(problems(train('expect validation loss = 0.1'))).toEqual([
      `"=": write '<' or '>': an expectation says on which side of the bound the loss must end, as in 'expect validation loss < 0.01'`,
    ]);
    expect(problems(train('expect accuracy 0.1'))).toEqual([`"0.1": expected '<' or '>', as in 'expect accuracy > 95%', found '0.1'`]);
    expect(problems(train('expect loss <= 0.1'))).toEqual([`"<=": an expectation compares strictly: write '<', not '<=' [Change to '<': "train n on d {\\n  expect loss < 0.1\\n}\\n"] (preferred)`]);
    expect(problems(train('expect accuracy >= 90%'))).toEqual([`">=": an expectation compares strictly: write '>', not '>=' [Change to '>': "train n on d {\\n  expect accuracy > 90%\\n}\\n"] (preferred)`]);
    const strict = statement('expect loss <= 0.1');
    expect(strict.kind === 'expect' && [strict.op, strict.bound?.value]).toEqual(['<', 0.1]);
    // With a space between, '=' is where the bound goes.
    expect(problems(train('expect loss < = 0.1'))).toEqual([`"=": expected the bound, as in 'expect loss < 0.01', found '='`]);
    expect(problems(train('expect accuracy > 90 %'))).toEqual([`"90 %": write the percentage without a space: 90% [Change to 90%: "train n on d {\\n  expect accuracy > 90%\\n}\\n"] (preferred)`]);
    expect(problems(train('expect accuracy > x'))).toEqual([`"x": expected the bound, as in 'expect accuracy > 95%', found 'x'`]);
  });

  it('regularize: penalties and their weights', () => {
    const read = statement('regularize l1 0.001 l2 0.01');
    expect(read.kind === 'regularize' && read.terms.map((t) => [t.name.text, t.value?.value])).toEqual([
      ['l1', 0.001],
      ['l2', 0.01],
    ]);
    expect(problems(train('regularize'))).toEqual([`"\\n": expected the penalty ('l1' or 'l2') and its weight, as in 'regularize l2 0.01', found the end of the line`]);
    expect(problems(train('regularize 0.01'))).toEqual([`"0.01": expected 'l1' or 'l2' before 0.01, as in 'regularize l2 0.01' [Insert 'l2': "train n on d {\\n  regularize l2 0.01\\n}\\n"] (preferred)`]);
    expect(problems(train('regularize l3 0.1'))).toEqual([`"l3": unknown penalty 'l3'; did you mean 'l1'? [Change to 'l1': "train n on d {\\n  regularize l1 0.1\\n}\\n"] (preferred)`]);
    expect(problems(train('regularize l2 0.1 l1'))).toEqual([`"\\n": expected the weight of the penalty after 'l1', as in 'regularize l1 0.01', found the end of the line`]);
    expect(problems(train('regularize l2 x l1 0.1'))).toEqual([`"x": expected the weight of the penalty after 'l2', as in 'regularize l2 0.01', found 'x'`]);
    // After the first mistake the rest of the line is skipped: one term, without its weight.
    const cut = statement('regularize l2 x l1 0.1');
    expect(cut.kind === 'regularize' && cut.terms.map((t) => [t.name.text, t.value?.value])).toEqual([['l2', undefined]]);
    expect(problems(train('regularize "l2"'))).toEqual([`"\\"l2\\"": expected 'l1' or 'l2', as in 'regularize l1 0.001 l2 0.01', found '"l2"'`]);
  });

  it("an optimizer's parameters", () => {
    const read = statement('optimizer adam rate 0.01 beta1 0.8');
    expect(read.kind === 'optimizer' && read.params.map((p) => [p.name.text, p.value?.value])).toEqual([
      ['rate', 0.01],
      ['beta1', 0.8],
    ]);
    const text = train('optimizer adam rate 0.01 beta1 0.8');
    expect(read.kind === 'optimizer' && read.params.map((p) => text.slice(p.span.start, p.span.end))).toEqual(['rate 0.01', 'beta1 0.8']);
    expect(problems(train('optimizer adam rate'))).toEqual([`"\\n": expected a number after 'rate', as in 'rate 0.5', found the end of the line`]);
    expect(problems(train('optimizer adam rate 0.1 beta1 x'))).toEqual([`"x": expected a number after 'beta1', as in 'beta1 0.5', found 'x'`]);
  });

  it('stop: a misspelt word is read as the one meant', () => {
    expect(problems(train('stop whenn loss < 3'))).toEqual([`"whenn": unknown word 'whenn'; did you mean 'when'? [Change to 'when': "train n on d {\\n  stop when loss < 3\\n}\\n"] (preferred)`]);
    expect(problems(train('stop when lss < 3'))).toEqual([`"lss": unknown word 'lss'; did you mean 'loss'? [Change to 'loss': "train n on d {\\n  stop when loss < 3\\n}\\n"] (preferred)`]);
    // A quoted keyword is not a misspelling of it.
    expect(problems(train('stop "when" loss < 3'))).toEqual([`"\\"when\\"": expected 'when', as in 'stop when loss < 0.001', found '"when"'`]);
    expect(problems(train('start "from" given'))).toEqual([`"\\"from\\"": expected 'from', as in 'start from given', found '"from"'`]);
    const stop = statement('stop whenn lss < 3');
    expect(stop.kind === 'stop' && [stop.tokens.map((t) => t.text), stop.threshold?.value]).toEqual([['stop', 'when', 'loss', '<'], 3]);
  });
});
