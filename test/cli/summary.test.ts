// What `nn train` prints (docs/cli.md "nn train"), whole lines at a time, in this process: the summary of each
// run against the same run's --json document, the progress bar's width and fill, the exit status of a file of
// several runs. The spawned-process tests (multi-run.test.ts, terminal.test.ts) say the same of the real
// process; these run where `npm run test:mutation` can see a changed line (docs/RELIABILITY.md "Mutation score").

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { trainCommand, type CliIo } from '../../server/src/cli/train';
import { writeReport } from '../../server/src/report/views';
import { collectingIo } from '../support/cliIo';
import { REGRESSION, RING_EXAMPLE } from '../support/specs';
import { tempDir } from '../support/temp';

const dir = tempDir('nn-cli-summary-');
function spec(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

/** 120 points of two rings, a fifth held out: a classification run with validation numbers. */
const RING = RING_EXAMPLE;

/** Four significant digits, as the summary prints a loss. */
const loss = (value: number) => String(Number(value.toPrecision(4)));
const percent = (share: number) => `${Number((share * 100).toPrecision(3))}%`;

interface JsonRun {
  epochs: number;
  loss: number;
  accuracy: number | null;
  validationLoss: number | null;
  validationAccuracy: number | null;
  seconds: number;
}

async function jsonRuns(file: string, extra: string[] = []): Promise<JsonRun[]> {
  const io = collectingIo(dir);
  await trainCommand([file, '--json', ...extra], io.io);
  return JSON.parse(io.stdout()).runs;
}

/** `nn train NAME …` on `text` written as NAME, with what it printed. */
async function trained(name: string, text: string, ...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const io = collectingIo(dir);
  const status = await trainCommand([spec(name, text), ...argv], io.io);
  return { status, stdout: io.stdout(), stderr: io.stderr() };
}

/** The summary's lines with the time line's number left out (the clock is real). */
function withoutTime(text: string): string {
  return text.replace(/^( {2}time {6}).*$/gm, '$1…');
}

describe('nn train: the summary says what --json says', () => {
  it('a classification run with a held-out part, then a regression run: every line, a blank line between', async () => {
    const file = spec('two.nn', `${RING}\n${REGRESSION}`);
    const [ring, fit] = await jsonRuns(file);
    const human = collectingIo(dir);
    const before = performance.now();
    expect(await trainCommand([file], human.io)).toBe(0);
    const wall = (performance.now() - before) / 1000;
    // The final weights' loss is the trainer's, not in the JSON document's `loss`: read it from the line itself.
    const finals = [...human.stdout().matchAll(/\(final weights: ([^)]+)\)/g)].map((m) => m[1]);
    expect(finals).toHaveLength(2);
    expect(withoutTime(human.stdout())).toBe(
      [
        'two.nn:10: train ring on rings',
        '  network   2-6-1 (25 parameters, tanh/sigmoid)',
        '  data      120 rows (96 trained on, 24 held out)',
        `  loss      ${loss(ring.loss)} (final weights: ${finals[0]})`,
        '  epoch     300 of 300',
        '  stopped   all 300 epochs run',
        `  accuracy  ${percent(ring.accuracy!)}`,
        `  validation loss ${loss(ring.validationLoss!)}, accuracy ${percent(ring.validationAccuracy!)}`,
        '  time      …',
        '',
        'two.nn:33: train fit on points',
        '  network   2-4-1 (17 parameters, tanh/linear)',
        '  data      6 rows',
        `  loss      ${loss(fit.loss)} (final weights: ${finals[1]})`,
        '  epoch     200 of 200',
        '  stopped   all 200 epochs run',
        '  time      …',
        '',
      ].join('\n'),
    );
    // A regression run has no accuracy: null in JSON, no line in the summary.
    expect(fit.accuracy).toBeNull();
    expect(fit.validationLoss).toBeNull();
    expect(Number(finals[0])).toBeGreaterThan(0);
    // Seconds of training, on the real clock: no more than the command took, not the clock's reading.
    const [ringSeconds, fitSeconds] = [...human.stdout().matchAll(/^ {2}time {6}(.*)$/gm)].map((m) => m[1]);
    for (const text of [ringSeconds, fitSeconds]) {
      const seconds = text.startsWith('<') ? 0 : Number(text.replace(/ s$/, ''));
      expect(seconds, text).toBeGreaterThanOrEqual(0);
      expect(seconds, text).toBeLessThanOrEqual(wall + 0.01);
    }
  });

  it('--epochs shorter than the file says both counts; one epoch is "1 epoch run"', async () => {
    const file = spec('ring.nn', RING);
    const human = collectingIo(dir);
    await trainCommand([file, '--epochs', '1'], human.io);
    expect(human.stdout()).toContain('  epoch     1 of 1\n  stopped   1 epoch run\n');
  });

  it('a run given start weights says where it started', async () => {
    const file = spec(
      'start.nn',
      'network line {\n  input 1\n  layer 1 linear\n}\nweights w for line {\n  layer1 W 0.5\n  layer1 b 0\n}\ndata d {\n  1 -> 2\n  2 -> 4\n}\ntrain line on d {\n  start from w\n  epochs 3\n}\n',
    );
    const human = collectingIo(dir);
    expect(await trainCommand([file], human.io)).toBe(0);
    expect(human.stdout()).toContain('  data      2 rows\n  start     from weights w\n  loss      ');
  });
});

describe('nn train: a file of several runs', () => {
  const DIVERGES = 'network wild {\n  input 1\n  layer 4 linear\n  layer 1 linear\n}\ndata big {\n  100 -> 1\n  -200 -> 3\n}\ntrain wild on big {\n  optimizer sgd rate 5\n  epochs 1000\n}\n';
  const TRAINS = 'network calm {\n  input 1\n  layer 1 linear\n}\ndata small {\n  1 -> 2\n  2 -> 4\n}\ntrain calm on small {\n  optimizer sgd rate 0.05\n  epochs 5\n}\n';

  it.each([
    ['the diverging run first', DIVERGES + TRAINS],
    ['the diverging run last', TRAINS + DIVERGES],
  ])('exits 1 when any run diverges (%s), and still trains the other', async (_, text) => {
    const file = spec('mixed.nn', text);
    const io = collectingIo(dir);
    expect(await trainCommand([file, '--json'], io.io)).toBe(1);
    expect(JSON.parse(io.stdout()).runs.map((r: { stopped: string }) => r.stopped).sort()).toEqual(['diverged', 'epochs']);
  });

  it('a diverged run: the reason and the advice, no health lines, and each expectation failed, indented', async () => {
    const run = await trained('wild.nn', DIVERGES.replace('  epochs 1000\n', '  epochs 1000\n  expect loss < 0.1\n'));
    expect(run.status).toBe(1);
    expect(withoutTime(run.stdout).split('\n')).toEqual([
      'wild.nn:10: train wild on big',
      '  network   1-4-1 (13 parameters, linear/linear)',
      '  data      2 rows',
      '  loss      n/a',
      expect.stringMatching(/^ {2}epoch {5}(\d+) of 1000$/),
      expect.stringMatching(/^ {2}stopped {3}diverged: the loss became (NaN|infinite) in epoch \d+; lower the rate \(now 5\), or add 'normalize zscore' to data 'big' \(inputs up to 200\)$/),
      '  time      …',
      expect.stringMatching(/^ {2}FAIL: expect loss < 0\.1 \(the run diverged at epoch \d+\)$/),
      '',
    ]);
  });

  it('a run whose loss overflowed while its weights are still numbers: diverged, and no health lines about those weights', async () => {
    const text = 'network n {\n  input 1\n  layer 8 tanh\n  layer 1 linear\n}\ndata d {\n  0 -> 0\n  1 -> 100\n  2 -> -100\n}\ntrain n on d {\n  optimizer sgd rate 3\n  epochs 1000\n}\n';
    const run = await trained('overflow.nn', text);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/\n {2}stopped {3}diverged: the loss became infinite in epoch \d+; lower the rate \(now 3\)\n {2}time {6}/);
  });

  it('with --report, a diverged run also names the layer whose weights blew up first (the report records the snapshots it needs)', async () => {
    const file = spec('blown.nn', DIVERGES);
    const io = collectingIo(dir);
    expect(await trainCommand([file, '--report', 'blown.html'], io.io, { writeReport })).toBe(1);
    expect(io.stdout()).toMatch(
      /\n {2}stopped {3}diverged: the loss became NaN in epoch \d+; lower the rate \(now 5\), or add 'normalize zscore' to data 'big' \(inputs up to 200\)\. The weights of layer 'layer1' blew up first \(‖W‖ grew [\d,]+× by epoch \d+\)\.\n/,
    );
  });

  it('a run whose rate moves no weight, without a stop target, says so after its epochs', async () => {
    const text = 'network n {\n  input 1\n  layer 3 sigmoid\n  layer 1 sigmoid\n}\ndata d {\n  0 -> 0\n  1 -> 1\n}\ntrain n on d {\n  optimizer sgd rate 1e-320\n  epochs 100\n}\n';
    const run = await trained('frozen.nn', text);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      "\n  stopped   all 100 epochs run. Rate 1e-320 is too small to move any weight: the last update changed none of them, each step being below the weights' rounding. Raise the rate (sgd's default is 0.1).\n",
    );
  });

  it('a file without train blocks says so and exits 0; --json says it with an empty list', async () => {
    const file = spec('none.nn', 'network calm {\n  input 1\n  layer 1 linear\n}\n');
    const human = collectingIo(dir);
    expect(await trainCommand([file, '--quiet'], human.io)).toBe(0);
    expect(human.stdout()).toBe('none.nn: no train blocks to run\n');
    const json = collectingIo(dir);
    expect(await trainCommand([file, '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.stdout())).toMatchObject({ file: 'none.nn', runs: [] });
  });

  it('Ctrl+C is listened for while the runs train, and released after', async () => {
    const file = spec('calm.nn', TRAINS);
    let listening = 0;
    const io = collectingIo(dir);
    io.io.onInterrupt = () => {
      listening++;
      return () => void listening--;
    };
    await trainCommand([file, '--quiet'], io.io);
    expect(listening).toBe(0);
  });

  it('a second Ctrl+C does not wait for the run to wind down: exit 130 at once', async () => {
    const file = spec('calm-long.nn', TRAINS.replace('epochs 5', 'epochs 100000000'));
    const io = collectingIo(dir);
    let press: () => void = () => {};
    io.io.onInterrupt = (handler) => {
      press = handler;
      return () => {};
    };
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    try {
      const done = trainCommand([file, '--max-seconds', '20'], io.io);
      press();
      expect(exit).not.toHaveBeenCalled();
      press();
      expect(exit).toHaveBeenCalledWith(130);
      expect(await done).toBe(130);
      expect(io.stdout()).toContain('\n  stopped   cancelled (Ctrl+C)\n');
    } finally {
      exit.mockRestore();
    }
  });

  it('--run N of a file with one block names the count in the singular', async () => {
    expect(await trained('calm.nn', TRAINS, '--run', '3')).toEqual({
      status: 2,
      stdout: '',
      stderr: 'nn train: there is no run 3 in calm.nn (it has 1 train block)\n',
    });
  });

  it('--run N beyond the blocks counts them in the plural', async () => {
    const run = await trained('mixed.nn', TRAINS + DIVERGES, '--run', '5');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('nn train: there is no run 5 in mixed.nn (it has 2 train blocks)\n');
  });

  it('a diverged run names its largest input wherever it is in the data', async () => {
    const run = await trained('first-large.nn', DIVERGES.replace('-200 -> 3', '-2 -> 3'));
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("or add 'normalize zscore' to data 'big' (inputs up to 100)\n");
  });

  it('a regression run with a held-out part shows its validation loss and no accuracy', async () => {
    const run = await trained('fit.nn', REGRESSION.replace('  seed 7\n', '  seed 7\n  validate 50%\n'));
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\n {2}validation loss [0-9.e-]+\n {2}time /);
  });

  it('a run that meets its validation target names that loss', async () => {
    const run = await trained('valtarget.nn', RING.replace('  validate 20%\n', '  validate 20%\n  stop when validation loss < 10\n'));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('\n  stopped   validation loss < 10 (target reached)\n');
  });

  it('a diverged run on small inputs advises a lower rate only', async () => {
    const run = await trained('small-wild.nn', DIVERGES.replace('100 -> 1', '10 -> 1').replace('-200 -> 3', '-10 -> 3').replace('rate 5', 'rate 50'));
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/; lower the rate \(now 50\)\n/);
    // No number to show for a loss that is not finite, and no final weights' loss either.
    expect(run.stdout).toContain('\n  loss      n/a\n');
  });
});

describe('nn train: the progress bar', () => {
  /** A terminal `columns` wide whose clock advances `tick` ms a reading (a slice of training ends after 50 ms). */
  function terminal(columns: number, tick = 1): { io: CliIo; bars: () => string[] } {
    let err = '';
    let clock = 1_000_000; // an arbitrary origin, as performance.now() has
    const io: CliIo = {
      stdout: () => {},
      stderr: (text) => void (err += text),
      stderrIsTTY: true,
      stderrColumns: columns,
      onInterrupt: () => () => {},
      now: () => (clock += tick),
      cwd: dir,
    };
    return { io, bars: () => err.split('\r\x1b[K').slice(1) };
  }

  const LONG = 'network calm {\n  input 1\n  layer 1 linear\n}\ndata small {\n  1 -> 2\n  2 -> 4\n}\ntrain calm on small {\n  optimizer sgd rate 0.05\n  epochs 100000000\n}\n';

  const FILLING = LONG.replace('epochs 100000000', 'epochs 3000');

  it.each([200, 80, 60])('in %i columns the bar is as wide as fits between 10 and 30 cells, filled by the share of epochs done, and cleared at the end', async (columns) => {
    const file = spec('filling.nn', FILLING);
    const term = terminal(columns, 10);
    expect(await trainCommand([file], term.io)).toBe(0);
    const bars = term.bars();
    expect(bars.at(-1)).toBe(''); // the line is cleared when the run ends
    for (const bar of bars.slice(0, -1)) {
      const match = /^calm on small \[(█*)(·*)\]( epoch (\d+)\/3000 · loss [^ ]+ · .+)?/.exec(bar);
      expect(match, bar).not.toBeNull();
      const width = match![1].length + match![2].length;
      if (columns === 60) {
        // Too narrow for the whole line: the narrowest bar, and the line cut to the terminal.
        expect(width).toBe(10);
        expect(bar.length).toBe(59);
        continue;
      }
      expect(match![3], bar).toBeDefined();
      expect(width).toBe(Math.max(10, Math.min(30, columns - 'calm on small'.length - match![3].length - 4)));
      expect(match![1].length).toBe(Math.round((Number(match![4]) / 3000) * width));
      expect(bar.length).toBeLessThanOrEqual(columns - 1);
    }
    expect(bars.length).toBeGreaterThan(2);
    // The bar fills as the epochs pass: part way, then full at the end.
    expect(bars[0]).toMatch(/\[█+·+\]/);
    expect(bars.at(-2)).toMatch(/\[█+\]/);
  });

  it('a bar wider than the terminal is cut to the width, and the time shown is the time trained', async () => {
    const file = spec('long.nn', LONG);
    const term = terminal(40);
    await trainCommand([file, '--max-seconds', '0.2'], term.io);
    const bars = term.bars().slice(0, -1);
    for (const bar of bars) expect(bar.length).toBe(39);
    const full = terminal(200);
    await trainCommand([file, '--max-seconds', '0.2'], full.io);
    const seconds = full.bars().slice(0, -1).map((bar) => Number(/· ([0-9.]+) s$/.exec(bar)?.[1] ?? 'NaN'));
    // 1 ms a clock reading: well under the 0.2 s limit plus one slice, and growing.
    expect(seconds.at(-1)).toBeGreaterThan(0);
    expect(seconds.at(-1)).toBeLessThanOrEqual(0.3);
  });
});
