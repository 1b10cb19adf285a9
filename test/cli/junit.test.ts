// `nn test --junit PATH` (docs/cli.md "nn test"): the report as a CI system reads it, in this process so that
// `npm run test:mutation` sees a changed line of the writer (docs/RELIABILITY.md "Mutation score"): the names, the
// failure, error and skipped elements, the counts and times of every level, the verdicts in <system-out>, the
// timestamp, and a spec path that XML must escape or cannot hold at all.

import { readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse as parseTestResults } from 'test-results-parser';
import { describe, expect, it } from 'vitest';
import { testCommand } from '../../server/src/cli/test';
import { fakeIo, type FakeIo } from '../support/cliIo';
import { XOR_LEARNED, XOR_NETWORK, XOR_TABLE } from '../support/specs';
import { tempDir } from '../support/temp';

const dir = tempDir('nn-cli-junit-');
function spec(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

/** XOR learned: both expectations hold. */
const PASSING = XOR_LEARNED.replace('  stop when loss < 0.001\n', '  stop when loss < 0.001\n  expect loss < 0.001\n  expect accuracy > 99%\n');

/** Two runs of the same network on the same data, each with an expectation: the second fails hers. */
const TWO_RUNS = `${XOR_NETWORK}
${XOR_TABLE}
train xor on xor_table {
  optimizer sgd rate 0.5 momentum 0.9
  epochs 2000
  seed 1
  expect accuracy > 99%
}

train xor on xor_table {
  optimizer sgd rate 0.5
  epochs 30
  seed 1
  expect loss < 0.001
}
`;

/** The report as an XML tree, attributes as `@name`, every element a list (as JUnit readers see it). */
function tree(xml: string): any {
  const parser = new XMLParser({
    ignoreAttributes: false, attributeNamePrefix: '@', parseAttributeValue: false, parseTagValue: false, trimValues: false, htmlEntities: true,
    isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  });
  return parser.parse(xml);
}

/** `nn test` with a JUnit report at report.xml: its exit status, what it printed and the report. */
async function tested(files: string[], io: FakeIo = fakeIo(dir), extra: string[] = []): Promise<{ status: number; io: FakeIo; xml: string }> {
  rmSync(join(dir, 'report.xml'), { force: true });
  const status = await testCommand([...files, '--junit', 'report.xml', ...extra], io.io);
  return { status, io, xml: readFileSync(join(dir, 'report.xml'), 'utf8') };
}

describe('nn test --junit', () => {
  it('names two runs of the same network and data apart, each at its own line, with its own verdicts in <system-out>', async () => {
    const { status, xml } = await tested([spec('two.nn', TWO_RUNS)]);
    expect(status).toBe(1);
    const result = parseTestResults({ type: 'junit', files: [join(dir, 'report.xml')] });
    expect(result.suites[0].cases.map((c) => [c.name, c.status])).toEqual([
      ['xor on xor_table', 'PASS'],
      ['xor on xor_table (2)', 'FAIL'],
    ]);
    const cases = tree(xml).testsuites[0].testsuite[0].testcase;
    expect(cases.map((c: any) => c['@line'])).toEqual(['14', '21']);
    expect(cases[0]['system-out']).toEqual([expect.stringMatching(/^two\.nn:18: pass: expect accuracy > 99% \(measured 100%\)$/)]);
    expect(cases[1]['system-out']).toEqual([expect.stringMatching(/^two\.nn:25: FAIL: expect loss < 0\.001 \(measured 0\.\d+\)$/)]);
    expect(cases[1].failure[0]['@message']).toMatch(/^expect loss < 0\.001: measured 0\.\d+$/);
  });

  it('gives every case the time its run trained, each suite the sum of its cases, the whole report the sum of all', async () => {
    // A clock of 7.3 ms a reading: times with more than three decimals, so the rounding shows.
    const io = fakeIo(dir, { tick: 7.3 });
    const { status, xml } = await tested([spec('two2.nn', TWO_RUNS), spec('one.nn', PASSING)], io, ['--json']);
    expect(status).toBe(1);
    const json = JSON.parse(io.stdout());
    const seconds: number[] = json.files.flatMap((f: any) => f.runs.map((r: any) => r.seconds));
    expect(seconds.every((s) => s > 0.01)).toBe(true);
    const root = tree(xml).testsuites[0];
    const suites = root.testsuite;
    const caseTimes = suites.flatMap((s: any) => s.testcase.map((c: any) => c['@time']));
    // The JSON document's seconds (rounded to the millisecond) are the case's time, written with three decimals.
    expect(caseTimes).toEqual(seconds.map((s) => s.toFixed(3)));
    for (const suite of suites) {
      const sum = suite.testcase.reduce((total: number, c: any) => total + Number(c['@time']), 0);
      expect(Math.abs(Number(suite['@time']) - sum)).toBeLessThanOrEqual(0.0015);
    }
    expect(Math.abs(Number(root['@time']) - seconds.reduce((a, b) => a + b, 0))).toBeLessThanOrEqual(0.002);
    // What a CI dashboard shows as the durations (milliseconds).
    const result = parseTestResults({ type: 'junit', files: [join(dir, 'report.xml')] });
    expect(result.suites.map((s) => Math.round(s.duration))).toEqual(suites.map((s: any) => Math.round(Number(s['@time']) * 1000)));
  });

  it('counts tests, failures, errors and skipped at every level', async () => {
    const broken = PASSING.replace('layer hidden 3 sigmoid', 'layer hidden 3 sigmoidd');
    const { xml } = await tested([spec('two3.nn', TWO_RUNS), spec('pass.nn', PASSING), spec('broken.nn', broken)]);
    const root = tree(xml).testsuites[0];
    const counts = (element: any) => ['@tests', '@failures', '@errors', '@skipped'].map((name) => Number(element[name]));
    expect(counts(root)).toEqual([4, 1, 1, 0]);
    expect(root.testsuite.map(counts)).toEqual([
      [2, 1, 0, 0],
      [1, 0, 0, 0],
      [1, 0, 1, 0],
    ]);
    expect(root['@name']).toBe('nn test');
  });

  it('a run stopped by Ctrl+C is skipped, with the reason; the runs after it are not in the report', async () => {
    const long = TWO_RUNS.replace('epochs 2000', 'epochs 100000000');
    const io = fakeIo(dir, { interruptAfter: 3 });
    const { status, xml } = await tested([spec('long.nn', long), spec('pass2.nn', PASSING)], io);
    expect(status).toBe(130);
    const result = parseTestResults({ type: 'junit', files: [join(dir, 'report.xml')] });
    expect(result.suites.map((s) => [s.name, s.cases.map((c) => c.status)])).toEqual([['long.nn', ['SKIP']]]);
    const root = tree(xml).testsuites[0];
    expect([root['@tests'], root['@skipped'], root['@failures'], root['@errors']]).toEqual(['1', '1', '0', '0']);
    expect(root.testsuite[0]['@skipped']).toBe('1');
    const [only] = root.testsuite[0].testcase;
    expect(only.skipped[0]['@message']).toMatch(/^the run was stopped at epoch \d+ before it ended$/);
    expect(only.failure).toBeUndefined();
    expect(only['system-out'][0]).toMatch(/^long\.nn:18: not graded: expect accuracy > 99% \(the run was stopped at epoch \d+ before it ended\)$/);
  });

  it('a spec with errors: one error case per run with expectations, listing each error on its own line, and no <system-out>', async () => {
    const broken = TWO_RUNS.replace('layer hidden 3 sigmoid', 'layer hidden 3 sigmoidd').replace('epochs 30', 'epochs -1');
    // A third run without an expectation is not a test case; the warning of an untrained network is not an error to list.
    const text = `${broken}\ntrain xor on xor_table {\n  epochs 10\n}\n\nnetwork lonely {\n  input 1\n  layer 1 linear\n}\n`;
    const { status, xml } = await tested([spec('broken2.nn', text)]);
    expect(status).toBe(1);
    const cases = tree(xml).testsuites[0].testsuite[0].testcase;
    expect(cases.map((c: any) => [c['@name'], c['@line'], c['@time']])).toEqual([
      ['xor on xor_table', '14', '0.000'],
      ['xor on xor_table (2)', '21', '0.000'],
    ]);
    for (const c of cases) {
      expect(c.error[0]['@message']).toBe('the spec has 2 errors; fix them to test it');
      expect(c.error[0]['@type']).toBe('spec-error');
      expect(c.error[0]['#text'].split('\n')).toEqual([
        "broken2.nn:3:18: error: unknown activation 'sigmoidd'; did you mean 'sigmoid'?",
        expect.stringMatching(/^broken2\.nn:23:10: error: /),
      ]);
      expect(c['system-out']).toBeUndefined();
      expect(c.skipped).toBeUndefined();
    }
  });

  it('a spec so broken that no run can be found is still one failing case, named check', async () => {
    const { status, xml } = await tested([spec('garbage.nn', 'network {\n')]);
    expect(status).toBe(1);
    const result = parseTestResults({ type: 'junit', files: [join(dir, 'report.xml')] });
    expect(result.suites.map((s) => [s.name, s.cases.map((c) => [c.name, c.status, c.failure])])).toEqual([
      ['garbage.nn', [['check', 'FAIL', expect.stringMatching(/^the spec has \d+ errors?; fix (it|them) to test it$/)]]],
    ]);
    expect(tree(xml).testsuites[0].testsuite[0].testcase[0]['@line']).toBe('1');
  });

  it('is stamped with the second the tests started, in the JUnit schema form (no zone, no fraction)', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const { xml } = await tested([spec('pass3.nn', PASSING)]);
    const after = Date.now();
    const stamp: string = tree(xml).testsuites[0].testsuite[0]['@timestamp'];
    expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const time = Date.parse(`${stamp}Z`);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(after);
  });

  it('escapes a spec path that XML must escape, and replaces the characters XML cannot hold', async () => {
    // & < > " and a line break must be escaped; a control character and lone surrogates have no XML form at all;
    // an emoji (a surrogate pair) is kept. The file system stores a lone surrogate as U+FFFD.
    const name = 'a&b<c>"d"\r\n\u0001e😀\ud800f\udc00.nn';
    spec(name, PASSING);
    const { status, xml } = await tested([name]);
    expect(status).toBe(0);
    expect(XMLValidator.validate(xml)).toBe(true);
    const shown = 'a&b<c>"d"\r\n\ufffde😀\ufffdf\ufffd.nn';
    const suite = tree(xml).testsuites[0].testsuite[0];
    // fast-xml-parser leaves numeric character references as they are; an XML reader replaces them.
    const attribute = (value: string) => value.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));
    expect(attribute(suite['@name'])).toBe(shown);
    expect(attribute(suite['@file'])).toBe(shown);
    expect(attribute(suite.testcase[0]['@classname'])).toBe(shown);
    expect(xml).toContain(' file="a&amp;b&lt;c&gt;&quot;d&quot;&#13;&#10;\ufffde😀\ufffdf\ufffd.nn"');
    // In element text a line break is itself (the path's own included), one verdict a line.
    expect(suite.testcase[0]['system-out'][0].split('\n')).toEqual([
      'a&b<c>"d"\r',
      expect.stringMatching(/^\ufffde😀\ufffdf\ufffd\.nn:19: pass: expect loss < 0\.001 \(measured [\d.]+\)$/),
      'a&b<c>"d"\r',
      expect.stringMatching(/^\ufffde😀\ufffdf\ufffd\.nn:20: pass: expect accuracy > 99% \(measured 100%\)$/),
    ]);
    const result = parseTestResults({ type: 'junit', files: [join(dir, 'report.xml')] });
    expect(attribute(result.suites[0].name)).toBe(shown);
  });

  it('is XML a person can read: a declaration, then one element per line', async () => {
    const { xml } = await tested([spec('pass4.nn', PASSING)]);
    const lines = xml.split('\n');
    expect(lines[0]).toBe('<?xml version="1.0" encoding="UTF-8"?>');
    expect(lines.slice(1).map((line) => line.replace(/"[^"]*"/g, '""'))).toEqual([
      '<testsuites name="" tests="" failures="" errors="" skipped="" time="">',
      '  <testsuite name="" id="" tests="" failures="" errors="" skipped="" time="" timestamp="" file="">',
      '    <testcase name="" classname="" time="" file="" line="">',
      expect.stringMatching(/^ {6}<system-out>pass4\.nn:19: pass: expect loss &lt; 0\.001 \(measured [\d.]+\)$/),
      expect.stringMatching(/^pass4\.nn:20: pass: expect accuracy &gt; 99% \(measured 100%\)<\/system-out>$/),
      '    </testcase>',
      '  </testsuite>',
      '</testsuites>',
      '',
    ]);
  });

  it('a report that cannot be written after the runs trained: the verdicts are printed, the reason said, exit 2', async () => {
    const report = join(dir, 'report.xml');
    writeFileSync(report, '');
    const io = fakeIo(dir);
    // The report's path was writable when nn test started; while the run trains it becomes a folder.
    const now = io.io.now;
    let swapped = false;
    io.io.now = () => {
      if (!swapped) {
        swapped = true;
        rmSync(report);
        mkdirSync(report);
      }
      return now();
    };
    try {
      expect(await testCommand([spec('pass5.nn', PASSING), '--junit', 'report.xml'], io.io)).toBe(2);
      expect(io.stdout()).toMatch(/pass: expect accuracy > 99% .*\n2 passed, 0 failed\n$/);
      expect(io.stderr()).toMatch(/^nn test: cannot write the JUnit report 'report\.xml': .+\n$/);
    } finally {
      rmSync(report, { recursive: true, force: true });
    }
  });
});
