// What the checker says (docs/language.md §5, §7), as a user meets it: each message on the text it underlines, its
// severity, and each quick fix by the text it leaves and whether it is the preferred one. The fixtures pin most
// messages at their lines and their first fix by title; these pin what those leave open (found by the mutation
// run of the checker, docs/RELIABILITY.md "Mutation score").
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS, type CheckOptions, type CheckResult } from '../../server/src/language';
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

/** Each problem as `"text under it" severity code: message`, and its fixes as `[title: the text after the fix] (preferred)`. */
function problems(text: string, more: Partial<CheckOptions> = {}): string[] {
  return checked(text, more).problems.map((p) => {
    const fixes = (p.fixes ?? []).map((fix) => {
      let out = text;
      for (const edit of [...fix.edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, edit.span.start) + edit.newText + out.slice(edit.span.end);
      return ` [${fix.title}: ${JSON.stringify(out)}]${fix.preferred === true ? ' (preferred)' : ''}`;
    });
    return `${JSON.stringify(text.slice(p.span.start, p.span.end))} ${p.severity} ${p.code}: ${p.message}${fixes.join('')}`;
  });
}

const DATA = 'data d {\n  0 0 -> 0\n  1 1 -> 1\n}\n';

describe('networks', () => {
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
      `"softmax" warning softmax-single-unit: softmax over a single unit always outputs 1, so this network cannot learn; use sigmoid for one output [Change to 'sigmoid': ${JSON.stringify(text.replace('1 softmax', '1 sigmoid'))}] (preferred)`,
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
      `"dropout 10%" error dropout-on-last-layer: dropout belongs on hidden layers: on the last layer it would zero outputs that the loss compares with the targets; remove it [Remove the dropout: ${JSON.stringify(text.replace('sigmoid \t dropout 10%', 'sigmoid'))}] (preferred)`,
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
