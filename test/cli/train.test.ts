// `nn train` (docs/cli.md "nn train") through trainCommand with a fake terminal: summaries, JSON, exit codes, Ctrl+C, time limits, usage errors.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainCommand } from '../../server/src/cli/train';
import { fakeIo as fakeTerminal, type FakeIo } from '../support/cliIo';
import { neverImproves, XOR_LEARNED, XOR_NETWORK, XOR_TABLE } from '../support/specs';
import { tempDir } from '../support/temp';

const XOR_SPEC = XOR_LEARNED;

const LONG_RUN = `train xor on xor_table {
  epochs 100000000
}
`;

const dir = tempDir('nn-cli-train-');
function spec(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

/** A terminal in the test's folder (test/support/cliIo.ts). */
function fakeIo(options: Parameters<typeof fakeTerminal>[1] = {}): FakeIo {
  return fakeTerminal(dir, options);
}

describe('nn train', () => {
  it('after --epochs cut a run short of its target, says so, and suggests nothing the run already does', async () => {
    const file = spec('cut.nn', XOR_SPEC);
    const fake = fakeIo();
    await trainCommand([file, '--epochs', '10'], fake.io);
    const stopped = /^ {2}stopped +(.*)$/m.exec(fake.stdout())![1];
    expect(stopped).toBe('all 10 epochs run, target loss < 0.001 not reached. The run stopped after the 10 epochs --epochs allows (the file asks for 5000): run it without --epochs, or with more.');
    expect(stopped).not.toMatch(/momentum/);
  });

  it('trains every run and prints a human summary per run', async () => {
    const file = spec('xor.nn', XOR_SPEC + '\n' + XOR_SPEC.slice(XOR_SPEC.indexOf('train')));
    const fake = fakeIo();
    expect(await trainCommand([file], fake.io)).toBe(0);
    const out = fake.stdout();
    expect(out.match(/^xor\.nn:\d+: train xor on xor_table$/gm)).toHaveLength(2);
    expect(out).toContain('xor.nn:14: train xor on xor_table');
    expect(out).toMatch(/network +2-3-1 \(13 parameters/);
    expect(out).toMatch(/stopped +loss < 0\.001 \(target reached\)/);
    expect(out).toMatch(/accuracy +100%/);
    expect(out).toMatch(/loss +0\.000\d+/);
    expect(fake.stderr()).toBe('');
  });

  it('--json writes exactly one document with the fields of docs/cli.md', async () => {
    const file = spec('xor.nn', XOR_SPEC);
    const fake = fakeIo({ tty: false });
    expect(await trainCommand([file, '--json'], fake.io)).toBe(0);
    const document = JSON.parse(fake.stdout());
    expect(document).toEqual({
      file: 'xor.nn',
      problems: [],
      runs: [
        {
          network: 'xor',
          data: 'xor_table',
          line: 14,
          epochs: expect.any(Number),
          loss: expect.any(Number),
          accuracy: 1,
          validationLoss: null,
          validationAccuracy: null,
          stopped: 'target',
          bestEpoch: null,
          penalty: null,
          rate: 0.5,
          seconds: expect.any(Number),
          // Empty without `expect` (docs/cli.md "--json").
          expectations: [],
        },
      ],
    });
    expect(document.runs[0].loss).toBeLessThan(0.001);
  });

  it('--json and the summary report bestEpoch, the penalty and the last epoch\'s rate (docs/cli.md "--json")', async () => {
    const file = spec('vocabulary.nn', `${XOR_NETWORK}
${XOR_TABLE}
train xor on xor_table {
  optimizer sgd rate 0.5 momentum 0.9
  epochs 400
  regularize l2 0.001
  schedule step factor 0.5 every 50
  patience 500
}
`);
    const fake = fakeIo({ tty: false });
    expect(await trainCommand([file, '--json'], fake.io)).toBe(0);
    const [run] = JSON.parse(fake.stdout()).runs;
    expect([run.stopped, run.epochs]).toEqual(['epochs', 400]);
    expect(run.bestEpoch).toBeGreaterThan(0);
    expect(run.bestEpoch).toBeLessThanOrEqual(400);
    expect(run.penalty).toBeGreaterThan(0);
    // Epoch 400 trains at the rate halved after epochs 50, 100, …, 350.
    expect(run.rate).toBe(0.5 * 0.5 ** 7);
    const human = fakeIo({ tty: false });
    await trainCommand([file], human.io);
    expect(human.stdout()).toMatch(/penalty {3}[0-9.e-]+ \(of the final weights\)/);
    expect(human.stdout()).toMatch(/rate {6}[0-9.e-]+ in the last epoch \(schedule step\)/);
  });

  it('a run that patience stops says so: the epoch, the wait, the kept epoch', async () => {
    const file = spec('patience.nn', neverImproves('  epochs 100\n  patience 7\n'));
    const json = fakeIo({ tty: false });
    expect(await trainCommand([file, '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.stdout()).runs[0]).toMatchObject({ stopped: 'patience', epochs: 8, bestEpoch: 1, penalty: null, rate: 0.1 });
    const human = fakeIo({ tty: false });
    await trainCommand([file], human.io);
    expect(human.stdout()).toContain('  stopped   no improvement for 7 epochs; kept the weights of epoch 1\n');
  });

  it('the same file trains to the same numbers every time', async () => {
    const file = spec('xor.nn', XOR_SPEC);
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const fake = fakeIo();
      await trainCommand([file, '--json'], fake.io);
      runs.push(JSON.parse(fake.stdout()).runs[0]);
    }
    expect(runs[1].loss).toBe(runs[0].loss);
    expect(runs[1].epochs).toBe(runs[0].epochs);
  });

  it('spec errors are printed like nn check, nothing is trained, exit 1', async () => {
    const file = spec('broken.nn', XOR_SPEC.replace('train xor on xor_table', 'train xor on missing_table'));
    const fake = fakeIo();
    expect(await trainCommand([file], fake.io)).toBe(1);
    expect(fake.stdout()).toMatch(/^broken\.nn:14:\d+: error: .*missing_table/m);
    expect(fake.stdout()).not.toContain('stopped');
    const json = fakeIo();
    expect(await trainCommand([file, '--json'], json.io)).toBe(1);
    const document = JSON.parse(json.stdout());
    expect(document.runs).toEqual([]);
    expect(document.problems).toContainEqual({ line: 14, column: expect.any(Number), severity: 'error', message: expect.stringContaining('missing_table') });
  });

  it('warnings go to stderr in check format; with --json only into the document', async () => {
    const file = spec('warn.nn', XOR_SPEC + '\ndata unused_table {\n  1 1 -> 1\n}\n');
    const fake = fakeIo();
    expect(await trainCommand([file], fake.io)).toBe(0);
    expect(fake.stderr()).toMatch(/^warn\.nn:\d+:\d+: warning: /m);
    expect(fake.stdout()).not.toContain('warning');
    const json = fakeIo();
    await trainCommand([file, '--json'], json.io);
    expect(json.stderr()).toBe('');
    expect(JSON.parse(json.stdout()).problems.some((p: { severity: string }) => p.severity === 'warning')).toBe(true);
  });

  it('--run N trains only the N-th train block; a run that does not exist is a usage error', async () => {
    const file = spec('two.nn', XOR_SPEC + '\n' + XOR_SPEC.slice(XOR_SPEC.indexOf('train')).replace('seed 1', 'seed 2'));
    const fake = fakeIo();
    expect(await trainCommand([file, '--run', '2', '--json'], fake.io)).toBe(0);
    const runs = JSON.parse(fake.stdout()).runs;
    expect(runs).toHaveLength(1);
    expect(runs[0].line).toBe(21);
    const missing = fakeIo();
    expect(await trainCommand([file, '--run=3'], missing.io)).toBe(2);
    expect(missing.stderr()).toContain('there is no run 3');
    // Said alone, not below the spec's warnings.
    const warned = spec('warned.nn', `network lonely {\n  input 1\n  layer 1 linear\n}\n${XOR_SPEC}`);
    const usage = fakeIo();
    expect(await trainCommand([warned, '--run', '2'], usage.io)).toBe(2);
    expect(usage.stderr()).toBe(`nn train: there is no run 2 in ${warned} (it has 1 train block)\n`);
    // With --json too: no document on a usage error (docs/language.md, Decisions); the exit status says it.
    const jsonUsage = fakeIo();
    expect(await trainCommand([warned, '--run', '2', '--json'], jsonUsage.io)).toBe(2);
    expect(jsonUsage.stdout()).toBe('');
  });

  it('--epochs N overrides every run\'s epochs', async () => {
    const file = spec('xor.nn', XOR_SPEC);
    const fake = fakeIo();
    expect(await trainCommand([file, '--epochs', '7', '--json'], fake.io)).toBe(0);
    expect(JSON.parse(fake.stdout()).runs[0]).toMatchObject({ epochs: 7, stopped: 'epochs' });
  });

  it('a run that misses its stop target says so and what to try', async () => {
    const file = spec(
      'short.nn',
      'network line {\n  input 1\n  layer 1 linear\n}\ndata d {\n  1 -> 2\n  2 -> 4\n}\ntrain line on d {\n  optimizer sgd rate 0.05\n  epochs 5\n  stop when loss < 0.000001\n}\n',
    );
    const fake = fakeIo();
    expect(await trainCommand([file], fake.io)).toBe(0);
    expect(fake.stdout()).toContain('stopped   all 5 epochs run, target loss < 0.000001 not reached. The loss was still falling: try more epochs or a higher rate.\n');
  });

  it('a diverged run reports its epoch and exits 1', async () => {
    const file = spec(
      'diverge.nn',
      'network line {\n  input 1\n  layer 4 linear\n  layer 1 linear\n}\ndata big {\n  100 -> 1\n  -200 -> 3\n}\ntrain line on big {\n  optimizer sgd rate 5\n  epochs 1000\n}\n',
    );
    const fake = fakeIo();
    expect(await trainCommand([file, '--json'], fake.io)).toBe(1);
    const run = JSON.parse(fake.stdout()).runs[0];
    expect(run).toMatchObject({ stopped: 'diverged', loss: null });
    expect(run.epochs).toBeGreaterThan(0);
    expect(run.epochs).toBeLessThan(1000);
    const human = fakeIo();
    await trainCommand([file], human.io);
    // It says which it became, when, and what to change (messages say what to do).
    expect(human.stdout()).toMatch(
      new RegExp(`diverged: the loss became (NaN|infinite) in epoch ${run.epochs}; lower the rate \\(now 5\\), or add 'normalize zscore' to data 'big' \\(inputs up to 200\\)\n`),
    );
  });

  it('Ctrl+C stops the run in progress, reports it as cancelled and exits 130', async () => {
    const file = spec('long.nn', XOR_SPEC.slice(0, XOR_SPEC.indexOf('train')) + LONG_RUN + LONG_RUN);
    const fake = fakeIo({ tick: 1, interruptAfter: 5000 });
    expect(await trainCommand([file, '--json'], fake.io)).toBe(130);
    const runs = JSON.parse(fake.stdout()).runs;
    expect(runs).toHaveLength(1); // the second run never starts
    expect(runs[0].stopped).toBe('cancelled');
    expect(runs[0].epochs).toBeGreaterThan(0);
  });

  it('--max-seconds stops a run as time, exit 0', async () => {
    const file = spec('long.nn', XOR_SPEC.slice(0, XOR_SPEC.indexOf('train')) + LONG_RUN);
    const fake = fakeIo({ tick: 1 }); // 1 ms per clock reading: the 0.5 s pass after ~500 readings
    expect(await trainCommand([file, '--max-seconds', '0.5'], fake.io)).toBe(0);
    expect(fake.stdout()).toMatch(/stopped +time limit/);
    const json = fakeIo({ tick: 1 });
    await trainCommand([file, '--max-seconds=0.5', '--json'], json.io);
    expect(JSON.parse(json.stdout()).runs[0]).toMatchObject({ stopped: 'time', seconds: expect.closeTo(0.5, 1) });
  });

  it('draws a progress bar on stderr only when it is a terminal, and not with --quiet', async () => {
    const file = spec('xor.nn', XOR_SPEC);
    const tty = fakeIo({ tty: true });
    await trainCommand([file], tty.io);
    expect(tty.stderr()).toMatch(/xor on xor_table \[.*\] epoch \d+\/5000/);
    const quiet = fakeIo({ tty: true });
    await trainCommand([file, '--quiet'], quiet.io);
    expect(quiet.stderr()).toBe('');
    expect(quiet.stdout()).toContain('stopped');
  });

  it.each([
    [['--json'], 'no spec file given'],
    [['a.nn', 'b.nn'], 'one spec file'],
    [['xor.nn', '--epochs', '0'], '--epochs needs a whole number'],
    [['xor.nn', '--epochs', '1e3'], '--epochs needs a whole number'],
    [['xor.nn', '--max-seconds', 'soon'], '--max-seconds needs a number'],
    [['xor.nn', '--frobnicate'], 'unknown option --frobnicate'],
    [['xor.nn', '--run'], '--run needs a value'],
    [['nothere.nn'], "cannot read 'nothere.nn': no such file"],
    [['xor.nn', '--json=yes'], '--json takes no value'],
    [['xor.nn', '--quiet=1'], '--quiet takes no value'],
    [['xor.nn', '--epochs=0'], "--epochs needs a whole number ≥ 1, got '0'"],
    [['xor.nn', '--max-seconds', '0'], "--max-seconds needs a number of seconds > 0, got '0'"],
    [['xor.nn', '--max-seconds', '-1'], "--max-seconds needs a number of seconds > 0, got '-1'"],
    [['xor.nn', '--max-seconds', ' '], "--max-seconds needs a number of seconds > 0, got ' '"],
    [['xor.nn', '--max-seconds=Infinity'], "--max-seconds needs a number of seconds > 0, got 'Infinity'"],
    [['xor.nn', '--report='], '--report needs a path'],
    [['xor.nn', '--', '--json'], 'nn train takes one spec file'],
  ])('usage error %j: exit 2 with "%s"', async (args, message) => {
    spec('xor.nn', XOR_SPEC);
    const fake = fakeIo();
    expect(await trainCommand(args, fake.io)).toBe(2);
    expect(fake.stderr()).toContain(message);
    expect(fake.stdout()).toBe('');
  });

  it('accepts --threads N with the same numbers', async () => {
    const file = spec('xor.nn', XOR_SPEC);
    const one = fakeIo();
    const two = fakeIo();
    await trainCommand([file, '--json'], one.io);
    expect(await trainCommand([file, '--json', '--threads', '2'], two.io)).toBe(0);
    expect(JSON.parse(two.stdout()).runs[0].loss).toBe(JSON.parse(one.stdout()).runs[0].loss);
  });

  it('--report hands the trained runs to the report writer', async () => {
    const file = spec('xor.nn', XOR_SPEC);
    const refused = fakeIo();
    expect(await trainCommand([file, '--report', 'out.html'], refused.io)).toBe(2);
    const fake = fakeIo();
    const written: { path: string; runs: number }[] = [];
    const code = await trainCommand([file, '--report', 'out.html'], fake.io, {
      writeReport: (path, _spec, _text, runs) => void written.push({ path, runs: runs.length }),
    });
    expect(code).toBe(0);
    expect(written).toEqual([{ path: join(dir, 'out.html'), runs: 1 }]);
  });
});

describe('nn train, more', () => {
  it('--help prints the options and exits 0', async () => {
    const fake = fakeIo();
    expect(await trainCommand(['--help'], fake.io)).toBe(0);
    expect(fake.stdout()).toContain('--max-seconds S');
    expect(fake.stderr()).toBe('');
  });

  it('--report runs carry evenly spaced weight snapshots recorded while training', async () => {
    const file = spec('xor.nn', XOR_SPEC);
    const snapshots: number[][] = [];
    await trainCommand([file, '--report', 'out.html'], fakeIo().io, {
      writeReport: (_path, _spec, _text, runs) => void snapshots.push(...runs.map((r) => (r.result.snapshots ?? []).map((s) => s.epoch))),
    });
    const [epochs] = snapshots;
    expect(epochs[0]).toBe(0);
    expect(epochs.length).toBeGreaterThan(2);
    expect(epochs.length).toBeLessThanOrEqual(40);
    const plain = fakeIo();
    await trainCommand([file, '--json'], plain.io);
    expect(epochs[epochs.length - 1]).toBe(JSON.parse(plain.stdout()).runs[0].epochs);
  });
});

describe('nn train --report failures', () => {
  it('a report that cannot be written is said plainly, exit 2', async () => {
    const file = spec('xor.nn', XOR_SPEC);
    const fake = fakeIo();
    const code = await trainCommand([file, '--report', 'missing-folder/out.html'], fake.io, {
      writeReport: () => {
        throw Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
      },
    });
    expect(code).toBe(2);
    expect(fake.stderr()).toContain("cannot write the report 'missing-folder/out.html': there is no folder 'missing-folder'; create it first");
  });
});
