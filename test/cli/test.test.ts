// `nn test` (docs/cli.md "nn test"): one line per expectation, the count, exit statuses, --json, and --junit read back by a CI report's JUnit parser.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { parse as parseTestResults } from 'test-results-parser';
import { describe, expect, it, vi } from 'vitest';
import { testCommand } from '../../server/src/cli/test';
import { collectingIo, fakeIo as fakeTerminal, type FakeIo } from '../support/cliIo';
import { XOR_LEARNED, XOR_NETWORK, XOR_TABLE } from '../support/specs';
import { tempDir } from '../support/temp';

/** XOR learned (momentum): both expectations hold. */
const PASSING = XOR_LEARNED.replace('  stop when loss < 0.001\n', '  stop when loss < 0.001\n  expect loss < 0.001\n  expect accuracy > 99%\n');

/** 200 epochs of plain sgd: far from learned. One expectation holds, one does not; the last run has none and is not trained. */
const FAILING = `${XOR_NETWORK}
${XOR_TABLE}
train xor on xor_table {
  optimizer sgd rate 0.5
  epochs 200
  seed 1
  expect accuracy > 99%
  expect loss > 0.01
}

train xor on xor_table {
  epochs 100000000
}
`;

/** Linear units and a huge rate: the loss overflows, so no expectation can be measured. */
const DIVERGING = `network line {
  input 1
  layer out 1 linear
}
data big {
  3000 -> 1
  -3000 -> 2
}
train line on big {
  optimizer sgd rate 100
  epochs 50
  expect loss < 0.01
}
`;

const BROKEN = PASSING.replace('layer hidden 3 sigmoid', 'layer hidden 3 sigmoidd');

const dir = tempDir('nn-cli-test-');
function spec(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

/** A terminal in the test's folder (test/support/cliIo.ts); Ctrl+C after `interruptAfter` clock readings. */
function fakeIo(options: { interruptAfter?: number } = {}): FakeIo {
  return fakeTerminal(dir, options);
}

describe('nn test', () => {
  it('prints pass for each expectation that holds, the count, and exits 0', async () => {
    const fake = fakeIo();
    expect(await testCommand([spec('passing.nn', PASSING)], fake.io)).toBe(0);
    expect(fake.stdout()).toMatch(/^passing\.nn:19: pass: expect loss < 0\.001 \(measured 0\.000\d+\)\npassing\.nn:20: pass: expect accuracy > 99% \(measured 100%\)\n2 passed, 0 failed\n$/);
  });

  it('prints FAIL with the measure, trains no run without expectations, and exits 1', async () => {
    const fake = fakeIo();
    const started = performance.now();
    expect(await testCommand([spec('failing.nn', FAILING), spec('passing2.nn', PASSING)], fake.io)).toBe(1);
    // The second run of failing.nn (10⁸ epochs, no expectation) would take minutes: it is not trained.
    expect(performance.now() - started).toBeLessThan(20_000);
    const lines = fake.stdout().trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^failing\.nn:18: FAIL: expect accuracy > 99% \(measured \d+%\)$/),
      expect.stringMatching(/^failing\.nn:19: pass: expect loss > 0\.01 \(measured 0\.\d+\)$/),
      expect.stringMatching(/^passing2\.nn:19: pass: /),
      expect.stringMatching(/^passing2\.nn:20: pass: /),
      '3 passed, 1 failed',
    ]);
  });

  it('fails every expectation of a run that diverged, saying so', async () => {
    const fake = fakeIo();
    expect(await testCommand([spec('diverging.nn', DIVERGING)], fake.io)).toBe(1);
    expect(fake.stdout()).toMatch(/^diverging\.nn:12: FAIL: expect loss < 0\.01 \(the run diverged at epoch \d+\)\n0 passed, 1 failed\n$/);
  });

  it('prints the errors of a spec as nn check does, trains nothing of it, and exits 1', async () => {
    const fake = fakeIo();
    expect(await testCommand([spec('broken.nn', BROKEN), spec('passing3.nn', PASSING)], fake.io)).toBe(1);
    expect(fake.stdout().split('\n')).toEqual([
      "broken.nn:3:18: error: unknown activation 'sigmoidd'; did you mean 'sigmoid'?",
      'broken.nn: not tested: the spec has 1 error',
      expect.stringMatching(/^passing3\.nn:19: pass: /),
      expect.stringMatching(/^passing3\.nn:20: pass: /),
      '2 passed, 0 failed',
      '',
    ]);
  });

  it('exits 2 for bad usage, saying what is wrong, and for a spec that cannot be read', async () => {
    const usage: [string[], string][] = [
      [[], 'no spec file given'],
      [['--', '--json'], 'no spec file given'],
      [['--frobnicate', 'x.nn'], 'unknown option --frobnicate'],
      [['x.nn', '--frobnicate=1'], 'unknown option --frobnicate'],
      [['x.nn', '--junit'], '--junit needs a path'],
      [['x.nn', '--junit='], '--junit needs a path'],
      [['x.nn', '--json=yes'], '--json takes no value'],
    ];
    for (const [argv, message] of usage) {
      const fake = fakeIo();
      expect(await testCommand(argv, fake.io), argv.join(' ')).toBe(2);
      expect(fake.stderr()).toBe(`nn test: ${message}\nusage: nn test FILE... [--json] [--junit PATH]\n`);
      expect(fake.stdout()).toBe('');
    }
    const fake = fakeIo();
    expect(await testCommand(['nothere.nn', spec('passing4.nn', PASSING)], fake.io)).toBe(2);
    expect(fake.stderr()).toBe("nn test: cannot read 'nothere.nn': no such file\n");
    expect(fake.stdout()).toMatch(/2 passed, 0 failed\n$/);
  });

  it('refuses a JUnit report in a folder that does not exist before it trains anything', async () => {
    const fake = fakeIo();
    expect(await testCommand([spec('passing5.nn', PASSING), '--junit', 'nofolder/nn.xml'], fake.io)).toBe(2);
    expect(fake.stderr()).toBe("nn test: cannot write the JUnit report 'nofolder/nn.xml': there is no folder 'nofolder'; create it first\n");
    expect(fake.stdout()).toBe('');
  });

  it('stops at Ctrl+C, does not grade the run it stopped, and exits 130', async () => {
    const fake = fakeIo({ interruptAfter: 3 });
    const long = PASSING.replace('epochs 5000', 'epochs 100000000').replace('  stop when loss < 0.001\n', '');
    expect(await testCommand([spec('long.nn', long), spec('passing6.nn', PASSING)], fake.io)).toBe(130);
    expect(fake.stdout()).toMatch(/^long\.nn:18: not graded: expect loss < 0\.001 \(the run was stopped at epoch \d+ before it ended\)\nlong\.nn:19: not graded: .*\n0 passed, 0 failed\n$/);
  });

  it('--json writes one document: each spec as nn train --json writes it, with only its runs that have expectations', async () => {
    const fake = fakeIo();
    expect(await testCommand([spec('failing2.nn', FAILING), spec('broken2.nn', BROKEN), '--json'], fake.io)).toBe(1);
    expect(fake.stderr()).toBe('');
    const document = JSON.parse(fake.stdout());
    expect(document).toEqual({
      files: [
        {
          file: 'failing2.nn',
          problems: [],
          runs: [
            {
              network: 'xor', data: 'xor_table', line: 14, epochs: 200, loss: expect.any(Number), accuracy: expect.any(Number),
              validationLoss: null, validationAccuracy: null, stopped: 'epochs', bestEpoch: null, penalty: null, rate: 0.5, seconds: expect.any(Number),
              expectations: [
                { line: 18, metric: 'accuracy', op: '>', value: 0.99, measured: expect.any(Number), passed: false },
                { line: 19, metric: 'loss', op: '>', value: 0.01, measured: expect.any(Number), passed: true },
              ],
            },
          ],
        },
        { file: 'broken2.nn', problems: [{ line: 3, column: 18, severity: 'error', message: "unknown activation 'sigmoidd'; did you mean 'sigmoid'?" }], runs: [] },
      ],
      passed: 1,
      failed: 1,
    });
    expect(document.files[0].runs[0].expectations[0].measured).toBeLessThan(0.99);
  });

  it('--junit writes a report that a CI report parser reads as one suite per spec, one case per run, failures where expectations fail', async () => {
    const fake = fakeIo();
    const files = [spec('passing7.nn', PASSING), spec('failing3.nn', FAILING), spec('broken3.nn', BROKEN), spec('diverging2.nn', DIVERGING)];
    expect(await testCommand([...files, '--junit', 'report.xml'], fake.io)).toBe(1);
    const path = join(dir, 'report.xml');
    expect(existsSync(path)).toBe(true);
    const xml = readFileSync(path, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);

    // test-results-parser (testbeats' reader) counts as CI dashboards do: by the suites' and cases' own elements.
    const result = parseTestResults({ type: 'junit', files: [path] });
    expect({ total: result.total, passed: result.passed, failed: result.failed, errors: result.errors }).toEqual({ total: 4, passed: 1, failed: 2, errors: 1 });
    expect(result.suites.map((s) => [s.name, s.total, s.passed, s.failed, s.errors])).toEqual([
      ['passing7.nn', 1, 1, 0, 0],
      ['failing3.nn', 1, 0, 1, 0],
      ['broken3.nn', 1, 0, 0, 1],
      ['diverging2.nn', 1, 0, 1, 0],
    ]);
    const cases = result.suites.flatMap((s) => s.cases.map((c) => ({ suite: s.name, name: c.name, status: c.status, failure: c.failure })));
    expect(cases).toEqual([
      { suite: 'passing7.nn', name: 'xor on xor_table', status: 'PASS', failure: '' },
      { suite: 'failing3.nn', name: 'xor on xor_table', status: 'FAIL', failure: expect.stringMatching(/^expect accuracy > 99%: measured \d+%$/) },
      { suite: 'broken3.nn', name: 'xor on xor_table', status: 'FAIL', failure: 'the spec has 1 error; fix it to test it' },
      { suite: 'diverging2.nn', name: 'line on big', status: 'FAIL', failure: expect.stringMatching(/^expect loss < 0\.01: the run diverged at epoch \d+$/) },
    ]);
    // One <failure> per failed expectation, the expectation's own line in its text; the spec's errors in the <error>.
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml).toMatch(/<failure message="expect accuracy &gt; 99%: measured \d+%" type="expectation">failing3\.nn:18: FAIL: expect accuracy &gt; 99% \(measured \d+%\)<\/failure>/);
    expect(xml).toContain('<error message="the spec has 1 error; fix it to test it" type="spec-error">broken3.nn:3:18: error: unknown activation');
    expect(xml).toMatch(/<testcase name="xor on xor_table" classname="passing7\.nn" time="\d+\.\d{3}" file="passing7\.nn" line="14">/);
  });
});

describe('nn test: options, warnings and what it prints around the verdicts', () => {
  it('--help and -h print the usage and every option, and exit 0', async () => {
    for (const flag of ['--help', '-h']) {
      const fake = fakeIo();
      expect(await testCommand(['x.nn', flag], fake.io), flag).toBe(0);
      const help = fake.stdout();
      expect(help.startsWith('usage: nn test FILE... [--json] [--junit PATH]\n'), flag).toBe(true);
      for (const option of ['--json', '--junit PATH', 'Exit status: 0']) expect(help, flag).toContain(option);
      expect(fake.stderr()).toBe('');
    }
  });

  it('reads -- as nothing, and --junit=PATH as --junit PATH', async () => {
    const fake = fakeIo();
    expect(await testCommand(['--', spec('dashes.nn', PASSING), '--junit=dashes.xml'], fake.io)).toBe(0);
    expect(fake.stdout()).toMatch(/^dashes\.nn:19: pass: .*\ndashes\.nn:20: pass: .*\n2 passed, 0 failed\n$/);
    expect(readFileSync(join(dir, 'dashes.xml'), 'utf8')).toContain('<testcase name="xor on xor_table" classname="dashes.nn"');
  });

  it("prints a spec's warnings on stderr, apart from the verdicts, and puts them in --json's problems", async () => {
    const text = `${PASSING}\nnetwork lonely {\n  input 1\n  layer 1 linear\n}\n`;
    const warning = "warned.nn:23:9: warning: network 'lonely' is not trained by any 'train' block; add 'train lonely on DATA { … }' or remove it\n";
    const human = fakeIo();
    expect(await testCommand([spec('warned.nn', text)], human.io)).toBe(0);
    expect(human.stderr()).toBe(warning);
    expect(human.stdout()).toMatch(/^warned\.nn:19: pass: .*\nwarned\.nn:20: pass: .*\n2 passed, 0 failed\n$/);
    const json = fakeIo();
    expect(await testCommand(['warned.nn', '--json'], json.io)).toBe(0);
    expect(json.stderr()).toBe('');
    expect(JSON.parse(json.stdout()).files[0].problems).toEqual([
      { line: 23, column: 9, severity: 'warning', message: expect.stringMatching(/^network 'lonely' is not trained/) },
    ]);
  });

  it('counts the errors of a spec in the plural, and prints its warnings with them', async () => {
    const text = `${BROKEN.replace('epochs 5000', 'epochs -1')}\nnetwork lonely {\n  input 1\n  layer 1 linear\n}\n`;
    const fake = fakeIo();
    expect(await testCommand([spec('two-errors.nn', text)], fake.io)).toBe(1);
    expect(fake.stdout().split('\n')).toEqual([
      "two-errors.nn:3:18: error: unknown activation 'sigmoidd'; did you mean 'sigmoid'?",
      'two-errors.nn:16:10: error: epochs must be at least 1, not -1',
      expect.stringMatching(/^two-errors\.nn:23:9: warning: network 'lonely' is not trained/),
      'two-errors.nn: not tested: the spec has 2 errors',
      '0 passed, 0 failed',
      '',
    ]);
    expect(fake.stderr()).toBe('');
  });

  it('says so of a spec without any expect, trains none of its runs, and exits 0; --json says it with no runs', async () => {
    const file = spec('no-expect.nn', XOR_LEARNED.replace('epochs 5000', 'epochs 100000000').replace('  stop when loss < 0.001\n', ''));
    const human = fakeIo();
    expect(await testCommand([file], human.io)).toBe(0);
    expect(human.stdout()).toBe("no-expect.nn: no expectations to test (no run has an 'expect')\n0 passed, 0 failed\n");
    const json = fakeIo();
    expect(await testCommand([file, '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.stdout())).toEqual({ files: [{ file: 'no-expect.nn', problems: [], runs: [] }], passed: 0, failed: 0 });
  });

  it('draws the progress bar on a terminal, and none with --json', async () => {
    const file = spec('bar.nn', PASSING);
    const terminal = fakeTerminal(dir, { tty: true, tick: 5 });
    expect(await testCommand([file], terminal.io)).toBe(0);
    expect(terminal.stderr()).toMatch(/^\r\x1b\[Kxor on xor_table \[[█·]+\] epoch \d+\/5000 · loss /);
    expect(terminal.stderr().endsWith('\r\x1b[K')).toBe(true);
    const json = fakeTerminal(dir, { tty: true, tick: 5 });
    expect(await testCommand([file, '--json'], json.io)).toBe(0);
    expect(json.stderr()).toBe('');
  });

  it('stops at Ctrl+C in the middle of a file: its later runs are neither trained nor graded', async () => {
    const long = PASSING.replace('epochs 5000', 'epochs 100000000').replace('  stop when loss < 0.001\n', '');
    const fake = fakeIo({ interruptAfter: 3 });
    expect(await testCommand([spec('long-first.nn', `${long}\n${PASSING.slice(PASSING.indexOf('train xor'))}`)], fake.io)).toBe(130);
    expect(fake.stdout()).toMatch(/^long-first\.nn:18: not graded: .*\nlong-first\.nn:19: not graded: .*\n0 passed, 0 failed\n$/);
  });

  it('--json after Ctrl+C: the stopped run is there, its expectations neither passed nor failed (null)', async () => {
    const long = PASSING.replace('epochs 5000', 'epochs 100000000').replace('  stop when loss < 0.001\n', '');
    const fake = fakeIo({ interruptAfter: 3 });
    expect(await testCommand([spec('long-json.nn', long), '--json'], fake.io)).toBe(130);
    const [run] = JSON.parse(fake.stdout()).files[0].runs;
    expect(run.stopped).toBe('cancelled');
    expect(run.expectations.map((e: { passed: boolean | null; measured: number | null }) => [e.passed, e.measured])).toEqual([
      [null, null],
      [null, null],
    ]);
  });

  it('a second Ctrl+C does not wait for the run to wind down: exit 130 at once', async () => {
    const long = PASSING.replace('epochs 5000', 'epochs 100000000').replace('  stop when loss < 0.001\n', '');
    const fake = collectingIo(dir);
    let press: () => void = () => {};
    let listening = 0;
    fake.io.onInterrupt = (handler) => {
      press = handler;
      listening++;
      return () => void listening--;
    };
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    try {
      const done = testCommand([spec('calm-long.nn', long)], fake.io);
      press();
      expect(exit).not.toHaveBeenCalled();
      press();
      expect(exit).toHaveBeenCalledWith(130);
      expect(await done).toBe(130);
      // Ctrl+C is listened for while the runs train, and released after.
      expect(listening).toBe(0);
    } finally {
      exit.mockRestore();
    }
  });
});

describe('the examples', () => {
  it('grade themselves: nn test examples/*.nn passes every expectation and exits 0, as the README shows for CI', async () => {
    const root = resolve(__dirname, '../..');
    const specs = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.nn')).sort().map((f) => `examples/${f}`);
    const terminal = collectingIo(root);
    expect(await testCommand(specs, terminal.io)).toBe(0);
    const lines = terminal.stdout().trimEnd().split('\n');
    const verdicts = lines.slice(0, -1);
    expect(verdicts.every((l) => /^examples\/[\w-]+\.nn:\d+: pass: expect /.test(l)), lines.join('\n')).toBe(true);
    expect(lines.at(-1)).toBe(`${verdicts.length} passed, 0 failed`);
    // Every example grades something, and the ones whose comments promise a result expect it.
    for (const spec of specs) expect(verdicts.some((l) => l.startsWith(`${spec}:`)), spec).toBe(true);
    expect(verdicts).toContainEqual(expect.stringMatching(/^examples\/xor\.nn:\d+: pass: expect accuracy > 99% /));
    expect(verdicts).toContainEqual(expect.stringMatching(/^examples\/iris\.nn:\d+: pass: expect validation accuracy > 95% /));
  }, 60_000);
});
