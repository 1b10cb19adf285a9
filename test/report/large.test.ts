// A report of any size is written: its data streamed in pieces (never one string), and large data sets drawn as a sample.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../server/src/language/model';
import { jsonPieces } from '../../server/src/report/html';
import { drawnRows, REPORT_POINTS, trainingView, writeReport } from '../../server/src/report/views';
import { Trainer } from '../../server/src/nn/trainer';
import { checkedWithoutErrors } from '../support/check';
import { tempDir } from '../support/temp';

describe('jsonPieces', () => {
  it('concatenates to JSON.stringify, in pieces of bounded size', () => {
    const value = {
      a: [1, 2.5, -0, 1e300, NaN, Infinity],
      big: Array.from({ length: 100_000 }, (_, i) => i / 7),
      nested: [{ x: 1, skip: undefined, f: () => 1 }, null, 'ß"\\<\u2028', [undefined, true]],
      empty: [],
      none: {},
    };
    const pieces = [...jsonPieces(value)];
    expect(pieces.join('')).toBe(JSON.stringify(value));
    expect(pieces.length).toBeGreaterThan(10);
    for (const piece of pieces.slice(0, -1)) expect(piece.length).toBeLessThan(2 * 65_536 + 200_000);
  });
});

const SPEC = `network n {
  input 2
  layer 3 tanh
  layer 1 sigmoid
}
data d = circle(samples 50000)
train n on d {
  epochs 1
}
`;

describe('a report of a large data set', () => {
  it(`draws ${REPORT_POINTS} of its points, the box around all of them, and says so`, () => {
    const check = checkedWithoutErrors(SPEC);
    const run = check.runs[0];
    const result = new Trainer(run.network, run.data, run.settings).train();
    const view = trainingView('file:///spec.nn', SPEC, { run, result, seconds: 1 });
    expect(view.points).toHaveLength(REPORT_POINTS);
    const xs = Array.from({ length: run.data.rows }, (_, r) => run.data.inputs[2 * r]);
    const drawnXs = view.points!.map((p) => p.x);
    expect(Math.min(...drawnXs)).toBe(Math.min(...xs));
    expect(Math.max(...drawnXs)).toBe(Math.max(...xs));

    const path = join(tempDir('nn-report-large-'), 'report.html');
    writeReport(path, '/spec.nn', SPEC, [{ run, result, seconds: 1 }]);
    const html = readFileSync(path, 'utf8');
    expect(html).toContain("the plots draw 10,000 of the points of &#39;d&#39; (50,000)");
    const data = JSON.parse(/<script type="application\/json" id="nn-report-data">(.*?)<\/script>/s.exec(html)![1]);
    expect(data[0].points).toHaveLength(REPORT_POINTS);
  });

  it('keeps small sets whole', () => {
    const data: Dataset = {
      name: 'd', rows: 3, inputWidth: 2, targetWidth: 1, inputs: Float64Array.of(0, 0, 1, 1, 2, 2), targets: Float64Array.of(0, 1, 0),
      inputNames: ['x1', 'x2'], classes: null, normalize: null, rowSpans: null,
    };
    expect(drawnRows(data)).toBe(data);
  });
});
