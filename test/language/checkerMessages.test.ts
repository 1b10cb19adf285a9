// What the checker says (docs/language.md §5, §7), as a user meets it: each message on the text it underlines, its
// severity, and each quick fix by its edit (the text it replaces, where, with what) and whether it is preferred. The fixtures pin most
// messages at their lines and their first fix by title; these pin what those leave open (found by the mutation
// run of the checker, docs/RELIABILITY.md "Mutation score").
import * as path from 'node:path';
import { applyFix } from '../support/check';
import { describe, expect, it } from 'vitest';
import { DataStore } from '../../server/src/data/store';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS, type CheckOptions, type CheckResult } from '../../server/src/language';
import { echo } from '../../server/src/language/wording';
import { nodeReadBytes, nodeReadFile } from './fixtures';

const fixtures = path.join(__dirname, 'fixtures');

function checked(text: string, more: Partial<CheckOptions> = {}): CheckResult {
  return check(text, {
    specPath: path.join(fixtures, 'spec.nn'),
    allowedRoot: null,
    readFile: nodeReadFile,
    readBytes: nodeReadBytes,
    maxParameters: DEFAULT_MAX_PARAMETERS,
    maxDataCells: DEFAULT_MAX_DATA_CELLS,
    ...more,
  });
}

/** A message with the folder a file was looked for in left out: it is the checkout's, shortened when long. */
function withoutFolder(message: string): string {
  return message.replace(/\(looked for .*?; the path is relative/, '(looked for …; the path is relative');
}

/** Where an offset is, as `line:column` (1-based). */
function at(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/**
 * Each problem as `"text under it" severity code: message`, and its fixes as
 * `[title: "text replaced"@line:column → "new text"] (preferred)`, one edit after another.
 */
function problems(text: string, more: Partial<CheckOptions> = {}): string[] {
  return checked(text, more).problems.map((p) => {
    const fixes = (p.fixes ?? []).map((fix) => {
      const edits = fix.edits.map((e) => `${JSON.stringify(text.slice(e.span.start, e.span.end))}@${at(text, e.span.start)} → ${JSON.stringify(e.newText)}`);
      return ` [${fix.title}: ${edits.join(', ')}]${fix.preferred === true ? ' (preferred)' : ''}`;
    });
    return `${JSON.stringify(text.slice(p.span.start, p.span.end))} ${p.severity} ${p.code}: ${withoutFolder(p.message)}${fixes.join('')}`;
  });
}

const DATA = 'data d {\n  0 0 -> 0\n  1 1 -> 1\n}\n';

describe('networks', () => {
  it('a network whose parameters overflow a number: more than 10^308 of them', () => {
    const huge = `1${'0'.repeat(200)}`;
    expect(problems(`network n {\n  input ${huge}\n  layer ${huge} sigmoid\n}\n`)).toEqual([
      `"n" error network-too-large: network 'n' has more than 10^308 parameters, more than the limit of 5,000,000 that can be trained here; use fewer or smaller layers`,
    ]);
  });

  it('a network without a name is called "the network"', () => {
    expect(problems('network {\n  layer 1 sigmoid\n}\n')).toEqual([
      `"network" error input-missing: the network has no 'input'; add 'input N' (the width of x) as its first line`,
      `"{" error unexpected-token: expected a name for the network, as in 'network xor {', found '{'`,
    ]);
  });

  it('softmax of one unit: only on the last layer is it the single-unit warning, and its fix leaves sigmoid', () => {
    expect(problems('network n {\n  input 2\n  layer 1 softmax\n  layer 1 sigmoid\n}\n')).toEqual([
      `"softmax" error softmax-not-last: softmax belongs on the last layer only (it turns the outputs into class probabilities); use sigmoid, tanh or relu here`,
    ]);
    const text = `network n {\n  input 2\n  layer 1 softmax\n}\n${DATA}train n on d {\n  loss cross_entropy\n}\n`;
    expect(problems(text).filter((p) => p.includes('softmax-single-unit'))).toEqual([
      `"softmax" warning softmax-single-unit: softmax over a single unit always outputs 1, so this network cannot learn; use sigmoid for one output [Change to 'sigmoid': "softmax"@3:11 → "sigmoid"] (preferred)`,
    ]);
  });

  it('dropout below 0% is out of range too', () => {
    expect(problems(`network n {\n  input 2\n  layer 3 tanh dropout -5%\n  layer 1 sigmoid\n}\n${DATA}train n on d {\n}\n`)).toEqual([
      `"-5%" error out-of-range: dropout must drop at least 0% and less than 100% of the outputs, not -5%`,
    ]);
  });

  it("removing the last layer's dropout takes the blanks and tabs before it, and nothing else", () => {
    const text = `network n {\n  input 2\n  layer 3 tanh dropout 10%\n  layer 1 sigmoid \t dropout 10%\n}\n${DATA}train n on d {\n}\n`;
    expect(problems(text)).toEqual([
      `"dropout 10%" error dropout-on-last-layer: dropout belongs on hidden layers: on the last layer it would zero outputs that the loss compares with the targets; remove it [Remove the dropout: " \\t dropout 10%"@4:18 → ""] (preferred)`,
    ]);
  });

  it('a network of exactly the parameter limit is accepted; one more is refused', () => {
    const text = (units: number) => `network n {\n  input 1\n  layer ${units} sigmoid\n  layer 1 sigmoid\n}\n${DATA.replace(/ 0 ->/g, ' ->').replace(/ 1 ->/g, ' ->')}train n on d {\n}\n`;
    // 1 input, 33 hidden units, 1 output: 33 × 2 + 1 × 34 = 100 parameters.
    expect(problems(text(33), { maxParameters: 100 })).toEqual([]);
    expect(checked(text(33), { maxParameters: 100 }).runs).toHaveLength(1);
    expect(problems(text(34), { maxParameters: 102 })).toEqual([
      `"n" error network-too-large: network 'n' has 103 parameters, more than the limit of 102 that can be trained here; use fewer or smaller layers`,
    ]);
  });
});

describe('which declarations are free of errors', () => {
  it('problems are sorted by where they start: a row that is ragged before the number in it that overflows', () => {
    expect(problems('data d {\n  0 0 -> 1\n  0 1e999 -> 1 2\n}\n')).toEqual([
      `"0 1e999 -> 1 2" error ragged-rows: this row has 2 inputs and 2 targets, but the first row (line 2) has 2 inputs and 1 target; every row needs the same counts`,
      `"1e999" error non-finite: 1e999 is too large to be a number (it overflows to infinity)`,
    ]);
  });

  it("an error right after a block's closing brace is not inside the block", () => {
    const result = checked(`network n {\n  input 2\n  layer 1 sigmoid\n}\n${DATA}train n on d {\n}data e from "absent.csv"\n`);
    expect(result.problems.map((p) => p.code)).toEqual(['csv-missing']);
    expect(result.runs).toHaveLength(1);
  });

  it('in a file of many errors, each declaration is judged by the errors inside it only', () => {
    // Networks, data sets and runs interleaved, every fourth of them with an error of its own: the checker reports
    // networks first, then data, then runs, so its errors arrive out of order and well over the 32 it scans unsorted.
    let text = '';
    for (let i = 0; i < 48; i++) {
      text += `network n${i} {\n  input ${i % 4 === 1 ? 0 : 2}\n  layer 1 sigmoid\n}\n`;
      text += `data d${i} {\n  0 0 -> 0\n  1 1 -> ${i % 4 === 2 ? '1 1' : '1'}\n}\n`;
      text += `train n${i} on d${i} {\n  epochs ${i % 4 === 3 ? 0 : 5}\n}`;
      // Every sixth run is followed by a declaration with an error that starts right at its closing brace.
      text += i % 6 === 0 ? `data e${i} from "absent.csv"\n` : '\n';
    }
    const result = checked(text);
    const clean = (k: number) => [...Array(48).keys()].filter((i) => i % 4 !== k);
    expect([...result.networks.keys()]).toEqual(clean(1).map((i) => `n${i}`));
    expect([...result.datasets.keys()]).toEqual(clean(2).map((i) => `d${i}`));
    expect(result.runs.map((run) => run.index)).toEqual(clean(1).filter((i) => i % 4 === 0).map((i) => i + 1));
    expect(result.errorCount).toBe(12 * 3 + 8);
    // The data sets e… are used by no run, but they have errors: no warning that they are unused.
    expect(result.problems.filter((p) => p.severity !== 'error')).toEqual([]);
  });
});

describe('runs', () => {
  it("the data's widths against the network's ends, each with the fix that makes them agree", () => {
    const text = `network n {\n  input 3\n  layer hidden 4 tanh\n  layer out 2 sigmoid\n}\nnetwork m {\n  input 2\n  layer 2 softmax\n}\n${DATA}train n on d {\n}\ntrain m on d {\n  loss cross_entropy\n}\n`;
    expect(problems(text)).toEqual([
      `"d" error input-width-mismatch: data set 'd' has 2 inputs but network 'n' takes 3 (input 3, line 2) [Change input to 2: "3"@2:9 → "2"]`,
      `"d" error target-width-mismatch: data set 'd' has 1 target but network 'n' gives 2 outputs (layer out 2 sigmoid, line 4) [Change layer 'out' to 1 unit: "2"@4:13 → "1"]`,
      `"d" error target-width-mismatch: data set 'd' has 1 target but network 'm' gives 2 outputs (layer 2 softmax, line 8) [Change the last layer to 1 unit: "2"@8:9 → "1"]`,
    ]);
  });

  it('one-hot targets are counted with their classes, and the fix gives the last layer a unit for each', () => {
    const text = 'network n {\n  input 3\n  layer 2 softmax\n}\ndata f from "flowers.csv" {\n  target species onehot\n}\ntrain n on f {\n  loss cross_entropy\n}\n';
    expect(problems(text)).toEqual([
      `"f" error target-width-mismatch: data set 'f' has 3 targets (3 classes, one-hot) but network 'n' gives 2 outputs (layer 2 softmax, line 3) [Change the last layer to 3 units: "2"@3:9 → "3"]`,
    ]);
  });

  it('targets outside [0, 1]: an error with cross_entropy, a warning on a sigmoid output, and where the largest is', () => {
    const text =
      'network n {\n  input 2\n  layer 4 tanh\n  layer 1 sigmoid\n}\nnetwork lin {\n  input 2\n  layer 1 linear\n}\n' +
      'data up {\n  0 0 -> 0\n  1 1 -> 3\n}\ndata down {\n  0 0 -> 0\n  1 1 -> -3\n}\ndata both {\n  0 0 -> 2\n  1 1 -> -1\n  0 1 -> 0.5\n}\n' +
      'train n on up {\n}\ntrain n on down {\n  loss cross_entropy\n}\ntrain lin on up {\n  loss cross_entropy\n}\ntrain n on both {\n}\ntrain lin on both {\n}\n';
    expect(problems(text)).toEqual([
      `"up" warning targets-outside-unit-interval: network 'n' ends in sigmoid, whose outputs lie between 0 and 1, but data set 'up' has targets up to 3 (line 12); use a linear last layer or scale the targets`,
      `"down" error targets-outside-unit-interval: loss cross_entropy needs targets between 0 and 1, but data set 'down' has targets down to -3, for which the loss has no lower bound; scale the targets into [0, 1] or use loss mse [Set loss to mse: "cross_entropy"@26:8 → "mse"] (preferred)`,
      `"up" error targets-outside-unit-interval: loss cross_entropy needs targets between 0 and 1, but data set 'up' has targets up to 3 (line 12), for which the loss has no lower bound; scale the targets into [0, 1] or use loss mse [Set loss to mse: "cross_entropy"@29:8 → "mse"] (preferred)`,
      `"loss cross_entropy" warning cross-entropy-without-softmax: cross_entropy expects a softmax last layer or a single sigmoid unit, but network 'lin' ends in 1 linear unit; use loss mse or end the network in softmax [Set loss to mse: "cross_entropy"@29:8 → "mse"] (preferred)`,
      `"both" warning targets-outside-unit-interval: network 'n' ends in sigmoid, whose outputs lie between 0 and 1, but data set 'both' has targets from -1 to 2 (2 on line 19); use a linear last layer or scale the targets`,
    ]);
  });

  it('validate and batch against the rows there are: all held out, none held out, a batch larger than what is left', () => {
    const text =
      'network n {\n  input 2\n  layer 1 sigmoid\n}\n' +
      DATA +
      'train n on d {\n  validate 99%\n}\ntrain n on d {\n  validate 10%\n}\ntrain n on d {\n  validate 60%\n  batch 2\n}\ntrain n on d {\n  batch 1\n}\ntrain n on d {\n  batch 3\n}\ntrain n on d {\n  batch 2\n}\n';
    expect(problems(text)).toEqual([
      `"validate 99%" error out-of-range: validate 99% holds out all 2 rows of data set 'd', leaving none to train on; hold out less`,
      `"validate 10%" warning validation-empty: validate 10% of 2 rows holds out no row, so nothing is validated; hold out more or remove it`,
      `"batch 2" warning batch-larger-than-data: batch 2 is larger than the 1 training row of data set 'd'; every update uses all of them, as with 'batch full' [Change to 'batch full': "batch 2"@17:3 → "batch full"]`,
      `"batch 3" warning batch-larger-than-data: batch 3 is larger than the 2 training rows of data set 'd'; every update uses all of them, as with 'batch full' [Change to 'batch full': "batch 3"@23:3 → "batch full"]`,
    ]);
    expect(checked(text).runs.map((run) => run.index)).toEqual([2, 3, 4, 5, 6]);
  });

  it('cross_entropy on two sigmoid units is warned about; with every row held out, no batch is larger than the rest', () => {
    const text = 'network n {\n  input 2\n  layer 2 sigmoid\n}\ndata d {\n  0 0 -> 0 1\n  1 1 -> 1 0\n}\ntrain n on d {\n  loss cross_entropy\n  validate 99%\n  batch 5\n}\n';
    expect(problems(text)).toEqual([
      `"loss cross_entropy" warning cross-entropy-without-softmax: cross_entropy expects a softmax last layer or a single sigmoid unit, but network 'n' ends in 2 sigmoid units; use loss mse or end the network in softmax [Set loss to mse: "cross_entropy"@10:8 → "mse"] (preferred)`,
      `"validate 99%" error out-of-range: validate 99% holds out all 2 rows of data set 'd', leaving none to train on; hold out less`,
    ]);
  });

  it("a validation stop without rows held out: the fix adds 'validate 20%' on the next line, indented as the stop is", () => {
    const text = `network n {\n  input 2\n  layer 1 sigmoid\n}\n${DATA}train n on d {\n  batch 1\n\t  stop when validation loss < 0.1\n  epochs 5\n}\n`;
    expect(problems(text)).toEqual([
      `"validation" error validation-needed: 'stop when validation loss' needs rows held out to measure it on; add 'validate 20%' to this run [Add 'validate 20%': ""@12:1 → "\\t  validate 20%\\n"] (preferred)`,
    ]);
  });

  it("a validation stop followed by a comment, or by the block's closing brace: the fix's line still lands inside the block", () => {
    const head = `network n {\n  input 2\n  layer 1 sigmoid\n}\n${DATA}`;
    const message = `error validation-needed: 'stop when validation loss' needs rows held out to measure it on; add 'validate 20%' to this run`;
    const cases: [string, string][] = [
      ['train n on d {\n  stop when validation loss < 0.1  # soon\n}\n', `[Add 'validate 20%': ""@11:1 → "  validate 20%\\n"] (preferred)`],
      ['train n on d {\n  stop when validation loss < 0.1 }\n', `[Add 'validate 20%': ""@10:35 → "\\n  validate 20%\\n"] (preferred)`],
      ['train n on d { stop when validation loss < 0.1 }', `[Add 'validate 20%': ""@9:48 → "\\nvalidate 20%\\n"] (preferred)`],
    ];
    for (const [train, fix] of cases) {
      const text = head + train;
      expect(problems(text)).toEqual([`"validation" ${message} ${fix}`]);
      // Applied, the run checks: the new line is a statement of the block.
      const fixed = applyFix(text, checked(text).problems[0].fixes![0]);
      expect(checked(fixed).problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(checked(fixed).runs[0].settings.validate).toBe(0.2);
    }
  });

  it('softmax with the default loss: the fix writes the loss as the first line of the block', () => {
    const text = `network m {\n  input 2\n  layer 2 softmax\n}\ndata c {\n  0 0 -> 1 0\n  1 1 -> 0 1\n}\ntrain m on c {\n  epochs 5\n}\n`;
    expect(problems(text)).toEqual([
      `"train" warning softmax-without-cross-entropy: network 'm' ends in softmax, which is meant to go with loss cross_entropy, but this run uses the default loss mse; set 'loss cross_entropy' [Set loss to cross_entropy: ""@9:15 → "\\n  loss cross_entropy"] (preferred)`,
    ]);
  });
});

describe("a run's settings", () => {
  const NET = `network n {\n  input 2\n  layer 1 sigmoid\n}\n${DATA}`;

  it("an optimizer's parameters: a near miss with its fix, one given twice, one of the other optimizer", () => {
    expect(problems(`${NET}train n on d {\n  optimizer sgd rat 0.1 momentum 0.5 momentum 0.6 beta1 0.9\n}\n`)).toEqual([
      `"rat" error unknown-parameter: sgd has no parameter 'rat'; did you mean 'rate'? [Change to 'rate': "rat"@10:17 → "rate"] (preferred)`,
      `"momentum" error duplicate-statement: 'momentum' is already given for sgd; keep one of them`,
      `"beta1" error unknown-parameter: sgd has no parameter 'beta1'; it takes 'rate' and 'momentum'`,
    ]);
  });

  it("a schedule's parameters: PyTorch's names with the fix to ours, one missing with the fix that adds it after the others", () => {
    expect(problems(`${NET}train n on d {\n  schedule step gamma 0.5 step_size 10\n}\ntrain n on d {\n  schedule step every 10 every 2 factor 0.5 lr 3\n}\n`)).toEqual([
      `"step" error parameter-missing: schedule step needs 'every 100': the epochs between two changes of the rate, as in 'schedule step factor 0.5 every 100' [Add 'every 100': ""@10:39 → " every 100"] (preferred)`,
      `"gamma" error unknown-parameter: schedule step calls PyTorch's 'gamma' 'factor' [Change to 'factor': "gamma"@10:17 → "factor"] (preferred)`,
      `"step_size" error unknown-parameter: schedule step calls PyTorch's 'step_size' 'every' [Change to 'every': "step_size"@10:27 → "every"] (preferred)`,
      `"every" error duplicate-statement: 'every' is already given for schedule step; keep one of them`,
      `"lr" error unknown-parameter: schedule step has no parameter 'lr'; it takes 'factor' and 'every'`,
    ]);
  });

  it("a stop target that overflows; PyTorch's name of another schedule's parameter is not offered as ours", () => {
    expect(problems(`${NET}train n on d {\n  stop when loss < 1e999\n  schedule step every 5 eta_min 0.1\n}\n`)).toEqual([
      `"1e999" error non-finite: the loss to reach must be a finite number, not 1e999`,
      `"eta_min" error unknown-parameter: schedule step has no parameter 'eta_min'; it takes 'factor' and 'every'`,
    ]);
  });

  it('a whole number written with an exponent: the fix writes it out; one beyond 2^53 has no fix', () => {
    expect(problems(`${NET}train n on d {\n  epochs 1e3\n  seed 9007199254740993\n}\n`)).toEqual([
      `"1e3" error whole-number-needed: the number of epochs must be a whole number, not 1e3 [Change to 1000: "1e3"@10:10 → "1000"] (preferred)`,
      `"9007199254740993" error out-of-range: seed 9007199254740993 is too large; use at most 9007199254740991 (2^53 − 1)`,
    ]);
  });
});

describe('expectations (docs/language.md §7 "Expectations")', () => {
  const NETS = 'network n {\n  input 2\n  layer 1 sigmoid\n}\nnetwork r {\n  input 2\n  layer 1 linear\n}\n';
  const SETS = `${DATA}data reg {\n  0 0 -> 0.5\n  1 1 -> 0.2\n}\n`;

  it('each bound that decides before training, each written in the wrong kind, each given twice: its message, its fix', () => {
    const text =
      `${NETS.slice(0, 42)}${DATA}train n on d {\n  expect loss < 0.1\n\texpect loss < 0.2 \t\n  expect accuracy > 0.95\n  expect accuracy > 95\n  expect loss < 5%\n` +
      '  expect loss > -1\n  expect accuracy < 120%\n  expect accuracy > 100%\n  expect accuracy < 0%\n  expect loss < 0\n  expect accuracy > -5%\n  expect loss < 1e999\n}\n' +
      'train n on d {\n  expect loss < 0.1\n  expect loss < 0.3 # why\n}\n';
    expect(problems(text)).toEqual([
      `"expect loss < 0.2" warning duplicate-statement: 'expect loss <' is already given on line 10; keep one of them (the stricter bound decides) [Remove this expectation: "\\texpect loss < 0.2 \\t\\n"@11:1 → ""]`,
      `"0.95" error expected: write the accuracy as a percentage: 95% [Change to 95%: "0.95"@12:21 → "95%"] (preferred)`,
      `"95" error expected: write the accuracy as a percentage: 95% [Change to 95%: "95"@13:21 → "95%"] (preferred)`,
      `"5%" error expected: a loss is a number, not a percentage: write 0.05 [Change to 0.05: "5%"@14:17 → "0.05"] (preferred)`,
      `"-1" warning expectation-always-met: expect loss > -1 always holds, so it tests nothing: a loss is never below 0 [Remove this expectation: "  expect loss > -1\\n"@15:1 → ""]`,
      `"120%" warning expectation-always-met: expect accuracy < 120% always holds, so it tests nothing: an accuracy lies between 0% and 100% [Remove this expectation: "  expect accuracy < 120%\\n"@16:1 → ""]`,
      `"100%" error expectation-impossible: expect accuracy > 100% can never hold: an accuracy lies between 0% and 100%`,
      `"0%" error expectation-impossible: expect accuracy < 0% can never hold: an accuracy lies between 0% and 100%`,
      `"0" error expectation-impossible: expect loss < 0 can never hold: a loss is never below 0`,
      `"-5%" warning expectation-always-met: expect accuracy > -5% always holds, so it tests nothing: an accuracy lies between 0% and 100% [Remove this expectation: "  expect accuracy > -5%\\n"@20:1 → ""]`,
      `"1e999" error non-finite: the bound must be a finite number, not 1e999`,
      // A comment after the statement: removing the line would remove it too, so no fix is offered.
      `"expect loss < 0.3" warning duplicate-statement: 'expect loss <' is already given on line 24; keep one of them (the stricter bound decides)`,
    ]);
  });

  it('bounds at the edge of what can be measured are kept', () => {
    const result = checked(`${NETS.slice(0, 42)}${DATA}train n on d {\n  expect accuracy > 0%\n  expect accuracy < 100%\n  expect loss > 0\n  expect loss < 1e-9\n}\n`);
    expect(result.problems).toEqual([]);
    expect(result.runs[0].expectations.map((e) => `${e.metric} ${e.op} ${e.value}`)).toEqual(['accuracy > 0', 'accuracy < 1', 'loss > 0', 'loss < 1e-9']);
  });

  it('what a run cannot measure: accuracy without classes, a validation measure without held-out rows (with the fix), or with none held out', () => {
    const text = `${NETS}${SETS}train r on reg {\n  expect accuracy > 90%\n    expect validation loss < 0.1\n}\ntrain n on d {\n  validate 10%\n  expect validation accuracy > 50%\n}\n`;
    expect(problems(text)).toEqual([
      `"expect accuracy" error expectation-unmeasurable: accuracy is measured for classification only, and the targets of data set 'reg' are not classes (one column of 0 and 1, or one-hot columns); expect a loss instead, as in 'expect loss < 0.01'`,
      `"expect validation loss" error expectation-unmeasurable: 'expect validation loss' measures held-out rows, and this run holds out none; add 'validate 20%' to it [Add 'validate 20%': ""@19:1 → "    validate 20%\\n"] (preferred)`,
      `"validate 10%" warning validation-empty: validate 10% of 2 rows holds out no row, so nothing is validated; hold out more or remove it`,
      `"expect validation accuracy" error expectation-unmeasurable: validate 10% of 2 rows holds out no row, so there is no validation accuracy to measure; hold out more`,
    ]);
  });

  it('in a file with CRLF line ends, the fixes keep them', () => {
    const text = `network n {\r\n  input 2\r\n  layer 1 sigmoid\r\n}\r\n${DATA.replace(/\n/g, '\r\n')}train n on d {\r\n\texpect validation loss < 0.1\r\n  expect loss > -1\r\n  expect loss < 0.5\r\n}\r\n`;
    expect(problems(text)).toEqual([
      `"expect validation loss" error expectation-unmeasurable: 'expect validation loss' measures held-out rows, and this run holds out none; add 'validate 20%' to it [Add 'validate 20%': ""@10:1 → "\\tvalidate 20%\\r\\n"] (preferred)`,
      `"-1" warning expectation-always-met: expect loss > -1 always holds, so it tests nothing: a loss is never below 0 [Remove this expectation: "  expect loss > -1\\r\\n"@11:1 → ""]`,
    ]);
  });
});

describe('data sets', () => {
  const NET = 'network n {\n  input 2\n  layer 1 sigmoid\n}\n';

  it('a data set checked again from the store: the same problems, at the lines where its text now is', () => {
    const store = new DataStore();
    const text = `${NET}data d {\n  0 0 -> 0\n  1 1 -> 3\n  0 1 -> 3\n}\ntrain n on d {\n}\n`;
    const warning = (line: number) => `"d" warning targets-outside-unit-interval: network 'n' ends in sigmoid, whose outputs lie between 0 and 1, but data set 'd' has targets up to 3 (line ${line}); use a linear last layer or scale the targets`;
    // The first row that holds the largest target is named.
    expect(problems(text, { store })).toEqual([warning(7)]);
    expect(problems(text, { store })).toEqual([warning(7)]);
    const moved = `# two lines\n# above\n${text}`;
    expect(problems(moved, { store })).toEqual([warning(9)]);
    const run = checked(moved, { store }).runs[0];
    expect(run.data.rowSpans?.map((span) => moved.slice(span.start, span.end))).toEqual(['0 0 -> 0', '1 1 -> 3', '0 1 -> 3']);
    expect(run.data.rowSpans?.[0].start).toBe(moved.indexOf('0 0 -> 0'));
    // The largest target in the first row: its line is named from the store too.
    const firstRow = `${NET}data d {\n  1 1 -> 3\n  0 0 -> 0\n}\ntrain n on d {\n}\n`;
    expect(problems(firstRow, { store })).toEqual([warning(6)]);
    expect(problems(firstRow, { store })).toEqual([warning(6)]);
    // The same text under another limit is checked against that limit, not taken from the store.
    expect(problems(text, { store, maxDataCells: 8 })).toEqual([`"d" error data-too-large: data set 'd' holds 9 numbers, more than the limit of 8; use fewer rows`]);
  });

  it('a data set with a bad row is not kept in the store: checked again, the row is reported again', () => {
    const store = new DataStore();
    for (const rows of ['0 0 -> 0\n  1 1e999 -> 1', '0 0 -> 0\n  1 1 -> 1 1']) {
      const text = `${NET}data d {\n  ${rows}\n}\ntrain n on d {\n}\n`;
      const first = problems(text, { store });
      expect(first).toHaveLength(1);
      expect(problems(text, { store })).toEqual(first);
      expect(checked(text, { store }).runs).toEqual([]);
    }
  });

  it('a CSV path: empty, missing (with the folder it was looked for in), a near miss kept in its folder, a folder', () => {
    const text = 'data b from "  "\ndata m from "./flowrs.csv"\ndata f from "sub"\ndata z from "zzz.csv"\n';
    expect(problems(text)).toEqual([
      `"\\"  \\"" error csv-missing: the file name is empty; write the CSV's path, as in from "houses.csv"`,
      `"data m from \\"./flowrs.csv\\"" error csv-missing: cannot read './flowrs.csv': no such file (looked for …; the path is relative to the spec's folder); did you mean 'flowers.csv'? [Change to './flowers.csv': "\\"./flowrs.csv\\""@2:13 → "\\"./flowers.csv\\""] (preferred)`,
      `"data f from \\"sub\\"" error csv-unreadable: cannot read 'sub': it is a folder, not a file`,
      `"data z from \\"zzz.csv\\"" error csv-missing: cannot read 'zzz.csv': no such file (looked for …; the path is relative to the spec's folder)`,
    ]);
    // The folder it was looked for in, as the message repeats user text (shortened when long).
    expect(checked(text).problems[3].message).toContain(`(looked for ${echo(path.join(fixtures, 'zzz.csv'))};`);
  });

  it('a separator is one printable ASCII character other than a space or a quote; a tab is written "\\t"', () => {
    const text = ['" "', '""', '"ab"', '"é"', '"\\""', '"\u0001"'].map((s, i) => `data s${i} from "flowers.csv" {\n  separator ${s}\n}\n`).join('');
    const rule = 'the separator is one character (not a space, a quote or a line break), as in separator ";" or separator "\\t" for tabs, not';
    expect(problems(text)).toEqual([
      `"\\" \\"" error out-of-range: ${rule} " "`,
      `"\\"\\"" error out-of-range: ${rule} an empty string`,
      `"\\"ab\\"" error out-of-range: ${rule} "ab"`,
      `"\\"é\\"" error out-of-range: ${rule} "é"`,
      `"\\"\\\\\\"\\"" error out-of-range: ${rule} "\\""`,
      // A control character other than the tab, written as the lexer takes it: raw, between the quotes.
      `"\\"\\u0001\\"" error out-of-range: ${rule} "\\u0001"`,
    ]);
    // The last printable ASCII character, '~', is a separator like any other.
    const tilde = checked(`${NET}data t from "tilde.csv" {\n  separator "~"\n}\ntrain n on t {\n}\n`, { readFile: () => ({ text: 'a~b~y\n0~1~1\n1~1~0\n' }) });
    expect(tilde.problems).toEqual([]);
    expect(Array.from(tilde.runs[0].data.inputs)).toEqual([0, 1, 1, 1]);
    const tabs = checked(`${NET}data t from "tabs.csv" {\n  separator "\\t"\n}\ntrain n on t {\n}\n`);
    expect(tabs.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it("a CSV problem that is not about the separator is shown on the data statement, even when the block has a separator", () => {
    expect(problems('data sp from "not-a-number.csv" {\n  separator ","\n}\n')).toEqual([
      `"data sp from \\"not-a-number.csv\\"" error csv-missing-value: not-a-number.csv line 3: 'n/a' in column 'b' is not a number (and 1 more value like it); it reads as a missing value: add 'missing drop' or 'missing mean' [Add 'missing drop': ""@1:34 → "\\n  missing drop"] [Add 'missing mean': ""@1:34 → "\\n  missing mean"]`,
    ]);
  });

  it('the fixes of CSV problems, by their edits: a statement added to the block, or a block opened for it; a column added to encode', () => {
    expect(problems('data e from "missing.csv"\ndata s from "semicolons.csv"\ndata t from "tabs.csv" {\n  separator ";"\n}\ndata w from "two-words.csv" {\n  encode color onehot\n}\n')).toEqual([
      `"data e from \\"missing.csv\\"" error csv-missing-value: missing.csv line 2: 'NA' in column 'b' is not a number (and 4 more values like it); it reads as a missing value: add 'missing drop' or 'missing mean' [Add 'missing drop': ""@1:26 → " {\\n  missing drop\\n}"] [Add 'missing mean': ""@1:26 → " {\\n  missing mean\\n}"]`,
      `"data s from \\"semicolons.csv\\"" error csv-separator: semicolons.csv line 1 separates its values with ';', but data files are comma-separated; add 'separator ";"' to read it [Add separator ";": ""@2:29 → " {\\n  separator \\";\\"\\n}"] (preferred)`,
      `"separator \\";\\"" error csv-separator: tabs.csv line 1 separates its values with tabs, but this data block reads ';'; add 'separator "\\t"' to read it [Change to separator "\\t": "\\";\\""@4:13 → "\\"\\\\t\\""] (preferred)`,
      `"data w from \\"two-words.csv\\"" error csv-not-a-number: two-words.csv line 2: 'small' in column 'size' is not a number (and 1 more value like it); its values are words: to use them as categories, add 'encode size onehot' [Encode column 'size' as one-hot: ""@7:15 → " size"] (preferred)`,
    ]);
  });

  it('a relative path in a spec not saved yet: data files and weights files say so, each with its own code', () => {
    expect(problems(`${NET}data d from "x.csv"\nweights w for n from "w.json"\ntrain n on d {\n}\n`, { specPath: null })).toEqual([
      `"\\"x.csv\\"" error csv-unreadable: 'x.csv' is relative to the spec's folder, and this spec is not saved yet; save it to load the file`,
      `"\\"w.json\\"" error weights-file-unreadable: 'w.json' is relative to the spec's folder, and this spec is not saved yet; save it to load the file`,
    ]);
  });

  it("in the editor, a path out of the allowed folder is refused, and a name that only starts with '..' is not out", () => {
    const root = { allowedRoot: path.join(fixtures, 'sub'), specPath: path.join(fixtures, 'sub', 'spec.nn') };
    expect(problems('data a from "../flowers.csv"\ndata b from ".."\ndata c from "..inside.csv"\n', root)).toEqual([
      `"\\"../flowers.csv\\"" error path-outside-workspace: '../flowers.csv' is outside the workspace folder; the editor only reads data files inside it (the nn command line reads any path). Move the file into the workspace`,
      `"\\"..\\"" error path-outside-workspace: '..' is outside the workspace folder; the editor only reads data files inside it (the nn command line reads any path). Move the file into the workspace`,
      `"data c from \\"..inside.csv\\"" error csv-missing: cannot read '..inside.csv': no such file (looked for …; the path is relative to the spec's folder); did you mean 'inside.csv'? [Change to 'inside.csv': "\\"..inside.csv\\""@3:13 → "\\"inside.csv\\""] (preferred)`,
    ]);
    expect(problems('data a from "../flowers.csv"\n', { ...root, allowedRootName: "the spec's folder" })).toEqual([
      `"\\"../flowers.csv\\"" error path-outside-workspace: '../flowers.csv' is outside the spec's folder; the editor only reads data files inside it (the nn command line reads any path). Move the file into the spec's folder, or open a folder that holds both`,
    ]);
  });

  it('a data set loaded elsewhere (the editor\'s data worker) is pending: an information at its statement, and its runs wait', () => {
    const loader = {
      csv: () => ({ pending: { activity: 'reading flowers.csv', fraction: 0.5 } }),
      generated: () => ({ pending: { activity: 'drawing circle', fraction: null } }),
    };
    const text = `${NET}data f from "flowers.csv"\ndata g = circle(samples 10)\ntrain n on f {\n}\ntrain n on g {\n}\n`;
    const result = checked(text, { data: loader });
    expect(problems(text, { data: loader })).toEqual([
      `"data f from \\"flowers.csv\\"" info data-loading: reading flowers.csv…; data set 'f' is checked, and its runs trained, once it is loaded`,
      `"data g = circle(samples 10)" info data-loading: drawing circle…; data set 'g' is checked, and its runs trained, once it is loaded`,
    ]);
    expect(result.pending.map((p) => [p.name, text.slice(p.span.start, p.span.end), p.activity, p.fraction])).toEqual([
      ['f', 'data f from "flowers.csv"', 'reading flowers.csv', 0.5],
      ['g', 'data g = circle(samples 10)', 'drawing circle', null],
    ]);
    expect(result.runs).toEqual([]);
    expect(problems(text, { data: { csv: () => ({ failed: 'the data worker stopped' }), generated: () => ({ failed: 'out of memory' }) } })).toEqual([
      `"data f from \\"flowers.csv\\"" error csv-unreadable: cannot read 'flowers.csv': the data worker stopped`,
      `"data g = circle(samples 10)" error data-load-failed: data set 'g' could not be drawn: out of memory`,
    ]);
  });
  it('the one-hot fixes by their edits: encode opened in a new block, onehot added to a target, a one-hot target written', () => {
    const species = `flowers.csv line 2: 'setosa' in column 'species' is not a number (and 5 more values like it); its values are words: for class labels, write 'target species onehot'`;
    const texts = ['data w from "two-words.csv"\n', 'data f from "flowers.csv" {\n  target species\n}\n', 'data g from "flowers.csv"\n'];
    expect(texts.map((text) => problems(text))).toEqual([
      [
        `"data w from \\"two-words.csv\\"" error csv-not-a-number: two-words.csv line 2: 'red' in column 'color' is not a number (and 3 more values like it); its values are words: to use them as categories, add 'encode color onehot' [Encode column 'color' as one-hot: ""@1:28 → " {\\n  encode color onehot\\n}"] (preferred)`,
      ],
      [`"data f from \\"flowers.csv\\"" error csv-not-a-number: ${species} [Add 'onehot' to the target: ""@2:17 → " onehot"] (preferred)`],
      [`"data g from \\"flowers.csv\\"" error csv-not-a-number: ${species} [Make 'species' a one-hot target: ""@1:26 → " {\\n  target species onehot\\n}"] (preferred)`],
    ]);
    // Each fix does what it says: the problem it was offered for is gone.
    texts.forEach((text, i) => {
      const fixed = applyFix(text, checked(text).problems[0].fixes![0]);
      const column = ['color', 'species', 'species'][i];
      expect(problems(fixed).filter((p) => p.includes(`in column '${column}' is not a number`))).toEqual([]);
    });
  });

  it('the near miss of a path written with a backslash keeps it escaped in the fix', () => {
    const text = 'data d from "sub\\\\flowrs.csv"\n';
    const result = checked(text, { readFile: () => ({ error: 'no such file', missing: true, nearby: ['flowers.csv'] }) });
    expect(result.problems.map((p) => [p.message.replace(/\(looked for .*?;/, '(looked for …;'), p.fixes?.map((fix) => [fix.title, applyFix(text, fix)])])).toEqual([
      [
        "cannot read 'sub\\flowrs.csv': no such file (looked for …; the path is relative to the spec's folder); did you mean 'flowers.csv'?",
        [["Change to 'sub\\flowers.csv'", 'data d from "sub\\\\flowers.csv"\n']],
      ],
    ]);
  });

  it('a missing path that ends in a slash names no file, so nothing near it is guessed', () => {
    const nearby = { readFile: () => ({ error: 'no such file', missing: true, nearby: ['a', 'b.csv'] }) };
    expect(problems('data d from "tables/"\n', nearby)).toEqual([
      `"data d from \\"tables/\\"" error csv-missing: cannot read 'tables/': no such file (looked for …; the path is relative to the spec's folder)`,
    ]);
    // The same reader guesses for a file name.
    expect(problems('data d from "tables/c.csv"\n', nearby)[0]).toContain("did you mean 'b.csv'?");
  });

  it('an absolute path is read as written, in a spec not saved yet too', () => {
    const text = `network n {\n  input 3\n  layer 3 softmax\n}\ndata f from ${JSON.stringify(path.join(fixtures, 'flowers.csv'))} {\n  target species onehot\n}\ntrain n on f {\n  loss cross_entropy\n}\n`;
    const result = checked(text, { specPath: null });
    expect(result.problems).toEqual([]);
    expect(result.runs.map((run) => [run.data.rows, run.data.classes])).toEqual([[6, ['setosa', 'versicolor', 'virginica']]]);
  });

  it('a data set checked again from the store is the stored one, not rows read again; moved, it is copied once with its new row spans', () => {
    const store = new DataStore();
    const text = `${NET}data d {\n  0 0 -> 0\n  1 1 -> 1\n}\ntrain n on d {\n}\n`;
    const first = checked(text, { store }).runs[0].data;
    expect(checked(text, { store }).runs[0].data).toBe(first);
    expect(store.usage().declarations.entries).toBe(1);
    const moved = `\n${text}`;
    const copy = checked(moved, { store }).runs[0].data;
    expect(copy).not.toBe(first);
    expect(copy.inputs).toBe(first.inputs);
    expect(checked(moved, { store }).runs[0].data).toBe(copy);
  });
});

describe('names and generated data', () => {
  const net = (name: string) => `network ${name} {\n  input 2\n  layer 1 sigmoid\n}\n`;

  it('a name that is not declared: a near miss with its fix, the names the file has (five at most), or how to declare one', () => {
    const text = `${['n', 'n2', 'n3', 'n4', 'n5', 'n6'].map(net).join('')}${DATA}train nn on dd {\n}\ntrain zz on d {\n  start from ww\n}\ntrain d on n {\n}\nweights w for d {\n}\n`;
    expect(problems(text).filter((p) => !p.includes(' unused: '))).toEqual([
      `"nn" error unknown-name: no network named 'nn'; did you mean 'n'? [Change to 'n': "nn"@29:7 → "n"] (preferred)`,
      `"dd" error unknown-name: no data set named 'dd'; did you mean 'd'? [Change to 'd': "dd"@29:13 → "d"] (preferred)`,
      `"zz" error unknown-name: no network named 'zz'; the file declares 'n', 'n2', 'n3', 'n4' and 'n5', …`,
      `"ww" error unknown-name: no weights named 'ww'; did you mean 'w'? [Change to 'w': "ww"@32:14 → "w"] (preferred)`,
      `"d" error unknown-name: 'd' is a data set, not a network; write 'train NETWORK on DATA'`,
      `"n" error unknown-name: 'n' is a network, not a data set; write 'train NETWORK on DATA'`,
      `"d" error unknown-name: 'd' is a data set, not a network; weights are given for a network: 'weights w for NETWORK'`,
    ]);
    expect(problems('train zz on yy {\n  start from ww\n}\n')).toEqual([
      `"zz" error unknown-name: no network named 'zz'; declare it with 'network zz …'`,
      `"yy" error unknown-name: no data set named 'yy'; declare it with 'data yy …'`,
      `"ww" error unknown-name: no weights named 'ww'; declare them with 'weights ww for NETWORK { … }'`,
    ]);
  });

  it("five names are listed whole; a network's name is no weights' name", () => {
    const text = `${net('n')}${['a', 'b', 'c', 'e', 'f'].map((name) => `data ${name} {\n  0 0 -> 0\n}\n`).join('')}train n on zz {\n  start from n\n}\n`;
    expect(problems(text).filter((p) => !p.includes(' unused: '))).toEqual([
      `"zz" error unknown-name: no data set named 'zz'; the file declares 'a', 'b', 'c', 'e' and 'f'`,
      `"n" error unknown-name: no weights named 'n'; declare them with 'weights n for NETWORK { … }'`,
    ]);
  });

  it('weights without a name given for a data set: the usage shows where the name goes', () => {
    expect(problems(`${DATA}weights for d {\n}\ntrain n on d {\n}\n`).filter((p) => p.includes('unknown-name'))).toEqual([
      `"d" error unknown-name: 'd' is a data set, not a network; weights are given for a network: 'weights NAME for NETWORK'`,
      `"n" error unknown-name: no network named 'n'; declare it with 'network n …'`,
    ]);
  });

  it('names are references for go to definition and rename, found or not', () => {
    const text = `${net('n')}${DATA}train n on e {\n}\n`;
    const refs = checked(text).references.map((r) => `${r.kind} ${text.slice(r.span.start, r.span.end)} → ${r.declaration === null ? 'nothing' : text.slice(r.declaration.start, r.declaration.end) + '@' + at(text, r.declaration.start)}`);
    expect(refs).toEqual(['network n → n@1:9', 'data d → d@5:6', 'network n → n@1:9', 'data e → nothing']);
  });

  it("a generator's arguments: each wrong one where it is written, and the limit on what it would draw", () => {
    const text = 'data a = circle(samples 0, noise -1, seed 1.5, seed 2, smaples 5, what 3)\ndata e = xor(samples 9007199254740993)\ndata c = spiral(samples 2000000)\n';
    expect(problems(text, { maxDataCells: 6_000_000 - 1 })).toEqual([
      `"0" error out-of-range: samples must be at least 1, not 0`,
      `"-1" error out-of-range: noise must be 0 or more, not -1`,
      `"1.5" error whole-number-needed: seed must be a whole number, not 1.5`,
      `"seed" error duplicate-statement: 'seed' is already given in this call; keep one of them`,
      `"smaples" error unknown-parameter: 'circle' has no parameter 'smaples'; did you mean 'samples'? [Change to 'samples': "smaples"@1:56 → "samples"] (preferred)`,
      `"what" error unknown-parameter: 'circle' has no parameter 'what'; it takes 'samples', 'noise' and 'seed'`,
      `"9007199254740993" error out-of-range: samples 9007199254740993 is too large; use at most 9007199254740991 (2^53 − 1)`,
      `"c" error data-too-large: data set 'c' would hold 6,000,000 numbers, more than the limit of 5,999,999; use fewer rows`,
    ]);
    // A whole number written with an exponent: the fix writes it out, when it is a number JavaScript holds exactly.
    expect(problems('data g = xor(samples 5e1)\ndata h = xor(samples 1e400)\n')).toEqual([
      `"5e1" error whole-number-needed: samples must be a whole number, not 5e1 [Change to 50: "5e1"@1:22 → "50"] (preferred)`,
      `"1e400" error whole-number-needed: samples must be a whole number, not 1e400`,
    ]);
    // At the limit, and with a noise of 0 and a seed of 0, the set is drawn.
    const drawn = checked(`${net('n')}data g = gauss(samples 4, noise 0, seed 0)\ntrain n on g {\n}\n`, { maxDataCells: 12 });
    expect(drawn.problems).toEqual([]);
    expect(drawn.runs[0].data.rows).toBe(4);
  });
});

describe('the order of problems', () => {
  it('two at the same place: the shorter first, whichever was found first', () => {
    // The duplicate is found while the expectations are read, the accuracy's problem later, when the run is put together.
    const text = 'network r {\n  input 2\n  layer 1 linear\n}\ndata reg {\n  0 0 -> 0.5\n  1 1 -> 0.2\n}\ntrain r on reg {\n  expect accuracy > 90%\n  expect accuracy > 95%\n}\n';
    const unmeasurable = `error expectation-unmeasurable: accuracy is measured for classification only, and the targets of data set 'reg' are not classes (one column of 0 and 1, or one-hot columns); expect a loss instead, as in 'expect loss < 0.01'`;
    expect(problems(text)).toEqual([
      `"expect accuracy" ${unmeasurable}`,
      `"expect accuracy" ${unmeasurable}`,
      `"expect accuracy > 95%" warning duplicate-statement: 'expect accuracy >' is already given on line 10; keep one of them (the stricter bound decides) [Remove this expectation: "  expect accuracy > 95%\\n"@11:1 → ""]`,
    ]);
  });
});

describe('the edges of each setting (docs/language.md §4.8, §7.2–§7.4)', () => {
  it('a rate or an epsilon that overflows is not a finite number; a plateau factor of 0 is refused as below 1 is', () => {
    const text =
      `network n {\n  input 2\n  layer 1 sigmoid\n}\n${DATA}` +
      'train n on d {\n  optimizer sgd rate 1e999\n}\n' +
      'train n on d {\n  optimizer adam epsilon 1e999\n}\n' +
      'train n on d {\n  schedule plateau factor 0\n}\n';
    expect(problems(text)).toEqual([
      `"1e999" error non-finite: rate must be a finite number, not 1e999`,
      `"1e999" error non-finite: epsilon must be a finite number, not 1e999`,
      `"0" error out-of-range: factor must be above 0 and below 1, not 0`,
    ]);
    expect(checked(text).runs).toEqual([]);
  });

  it('the last value a rule accepts is accepted, and the first it refuses is refused, with its range in words', () => {
    const text =
      `network n {\n  input 2\n  layer 1 sigmoid\n}\n${DATA}` +
      'train n on d {\n  optimizer sgd rate 1e-9 momentum 0\n  schedule step every 1 factor 2\n  regularize l1 0 l2 1e-9\n  validate 1%\n  patience 1\n  epochs 1\n  seed 0\n}\n' +
      'train n on d {\n  optimizer adam beta1 0 beta2 0 epsilon 1e-300\n  schedule cosine min 0\n}\n' +
      'train n on d {\n  optimizer adam\n  schedule cosine min 0.005\n}\n' +
      'train n on d {\n  schedule plateau factor 0.999 patience 0\n  validate 99%\n}\n' +
      'train n on d {\n  optimizer sgd momentum 0.999999\n  schedule exponential factor 1.5\n  batch 1\n}\n' +
      'train n on d {\n  schedule plateau factor 1\n  optimizer sgd momentum 1 rate -1\n}\n' +
      'train n on d {\n  schedule cosine min -1\n  optimizer adam epsilon 0 beta2 1\n}\n' +
      'train n on d {\n  schedule step every 0 factor 1e999\n  validate 0%\n}\n';
    expect(problems(text)).toEqual([
      `"validate 1%" warning validation-empty: validate 1% of 2 rows holds out no row, so nothing is validated; hold out more or remove it`,
      // The cosine's end below the rate it starts from: adam's default rate when none is written.
      `"0.005" error out-of-range: min must be below the rate the schedule starts from (0.001), not 0.005`,
      `"validate 99%" error out-of-range: validate 99% holds out all 2 rows of data set 'd', leaving none to train on; hold out less`,
      `"1" error out-of-range: factor must be above 0 and below 1, not 1`,
      `"1" error out-of-range: momentum must be at least 0 and below 1, not 1`,
      `"-1" error out-of-range: rate must be above 0, not -1`,
      `"-1" error out-of-range: min must be 0 or more, not -1`,
      `"0" error out-of-range: epsilon must be above 0, not 0`,
      `"1" error out-of-range: beta2 must be at least 0 and below 1, not 1`,
      `"0" error out-of-range: every must be at least 1, not 0`,
      `"1e999" error non-finite: factor must be a finite number, not 1e999`,
      `"0%" error out-of-range: validate must hold out more than 0% and less than 100% of the data, not 0%`,
    ]);
    const runs = checked(text).runs;
    expect(runs.map((run) => run.index)).toEqual([1, 2, 5]);
    expect(runs[0].settings).toMatchObject({
      optimizer: { kind: 'sgd', rate: 1e-9, momentum: 0 },
      schedule: { kind: 'step', every: 1, factor: 2 },
      regularization: { l1: 0, l2: 1e-9 },
      validate: 0.01,
      patience: 1,
      epochs: 1,
      seed: 0,
    });
    expect(runs[1].settings).toMatchObject({ optimizer: { kind: 'adam', rate: 0.001, beta1: 0, beta2: 0, epsilon: 1e-300 }, schedule: { kind: 'cosine', min: 0 } });
    expect(runs[2].settings).toMatchObject({ optimizer: { kind: 'sgd', rate: 0.1, momentum: 0.999999 }, schedule: { kind: 'exponential', factor: 1.5 }, batch: 1 });
  });
});

describe('expectations and weights, the rest', () => {
  it('unused weights, a share of 1 read as 100%, a percentage that holds out no row as written, validation accuracy without classes', () => {
    const text =
      'network n {\n  input 2\n  layer 1 sigmoid\n}\nnetwork r {\n  input 2\n  layer 1 linear\n}\n' +
      `${DATA}data reg {\n  0 0 -> 0.5\n  1 1 -> 0.2\n}\nweights w for n {\n  layer1 W 0.1 0.2\n  layer1 b 0\n}\n` +
      'train n on d {\n  epochs 5\n  validate 7%\n  expect validation loss < 0.5\n}\ntrain n on d {\n  expect accuracy > 1\n}\n' +
      'train r on reg {\n  validate 50%\n  expect validation accuracy > 50%\n}\n';
    expect(problems(text)).toEqual([
      `"w" warning unused: weights 'w' are not used by any run; add 'start from w' to a 'train' block of network 'n' or remove them`,
      `"validate 7%" warning validation-empty: validate 7% of 2 rows holds out no row, so nothing is validated; hold out more or remove it`,
      `"expect validation loss" error expectation-unmeasurable: validate 7% of 2 rows holds out no row, so there is no validation loss to measure; hold out more`,
      `"1" error expected: write the accuracy as a percentage: 100% [Change to 100%: "1"@27:21 → "100%"] (preferred)`,
      `"expect validation accuracy" error expectation-unmeasurable: accuracy is measured for classification only, and the targets of data set 'reg' are not classes (one column of 0 and 1, or one-hot columns); expect a loss instead, as in 'expect validation loss < 0.01'`,
    ]);
  });

  it('an expectation on the line of the block\'s opening brace: no fix removes or indents that line', () => {
    const text = `network n {\n  input 2\n  layer 1 sigmoid\n}\n${DATA}train n on d { expect loss > -1\n}\ntrain n on d { expect validation loss < 0.1\n}\n`;
    expect(problems(text)).toEqual([
      `"-1" warning expectation-always-met: expect loss > -1 always holds, so it tests nothing: a loss is never below 0`,
      `"expect validation loss" error expectation-unmeasurable: 'expect validation loss' measures held-out rows, and this run holds out none; add 'validate 20%' to it`,
    ]);
  });
});
