// The command line under the attacks of issue 16: unbounded threads, endless streams, a report that fails late, hostile text, data that cannot train. Each measured (wall time, peak memory, what the user sees).

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../protocol/client';
import { tempDir } from '../support/temp';
import { loadAverage, record } from './figures';

const dir = tempDir('nn-cli-attacks-');
/** The built command line (dist/cli.js, with the report's drawing code beside it in dist/webview). */
const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
beforeAll(() => buildServer(), 120_000);

interface Measured {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
  /** Peak resident memory (VmHWM) and the most threads seen, polled from /proc every 10 ms. */
  peakMB: number;
  threads: number;
}

/** Runs `nn ARGS` in `dir`, killed after `deadline` seconds, watching its memory and threads. */
function nn(args: string[], deadline = 120): Promise<Measured> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { cwd: dir });
    let stdout = '';
    let stderr = '';
    let peakMB = 0;
    let threads = 0;
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const poll = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        peakMB = Math.max(peakMB, Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024);
        threads = Math.max(threads, Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      } catch {
        // The process has just ended.
      }
    }, 10);
    const kill = setTimeout(() => child.kill('SIGKILL'), deadline * 1000);
    child.on('close', (status, signal) => {
      clearInterval(poll);
      clearTimeout(kill);
      resolve({ status, signal, stdout, stderr, seconds: (performance.now() - started) / 1000, peakMB, threads });
    });
  });
}

const figures = (run: Measured) => `${run.seconds.toFixed(2)} s, peak ${Math.round(run.peakMB)} MB, ${run.threads} threads, exit ${run.status}`;

const XOR = `network xor {\n  input 2\n  layer 3 sigmoid\n  layer 1 sigmoid\n}\ndata t {\n  0 0 -> 0\n  0 1 -> 1\n  1 0 -> 1\n  1 1 -> 0\n}\ntrain xor on t {\n  optimizer sgd rate 0.5 momentum 0.9\n  epochs 20000\n  seed 1\n  stop when loss < 0.001\n}\n`;
const readingData = (path: string) => `network n {\n  input 1\n  layer 1 sigmoid\n}\ndata d from "${path}"\ntrain n on d {\n}\n`;

describe('nn train --threads', () => {
  it('1000 threads are lowered to the cores', async () => {
    writeFileSync(join(dir, 'xor.nn'), XOR);
    const run = await nn(['train', 'xor.nn', '--threads', '1000', '--json']);
    record('cli --threads 1000', `${figures(run)} (load ${loadAverage()})`);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`using ${availableParallelism()}`);
    // The main thread, its helpers, and Node's own (V8 platform, libuv): far from 1,000.
    expect(run.threads).toBeLessThan(availableParallelism() + 16);
    expect(run.peakMB).toBeLessThan(500);
  });
});

describe('endless streams as data', () => {
  it.each([
    ['a FIFO', 'fifo.csv', () => void spawnSync('mkfifo', [join(dir, 'fifo.csv')])],
    ['a link to /dev/zero', 'zero.csv', () => symlinkSync('/dev/zero', join(dir, 'zero.csv'))],
    ['a link to /dev/urandom', 'random.csv', () => symlinkSync('/dev/urandom', join(dir, 'random.csv'))],
  ])('%s: "not a regular file" at once', async (what, name, make) => {
    make();
    writeFileSync(join(dir, `${name}.nn`), readingData(name));
    const run = await nn(['check', `${name}.nn`], 30);
    record(`cli check, data path ${what}`, `${figures(run)}: ${run.stdout.trim()}`);
    expect(run.signal).toBeNull();
    expect(run.stdout).toBe(`${name}.nn:5:1: error: cannot read '${name}': it is not a regular file\n`);
    expect(run.peakMB).toBeLessThan(300);
  });
});

describe('nn train --report', () => {
  it('a path that cannot be written is refused before training', async () => {
    writeFileSync(join(dir, 'long.nn'), XOR.replace('stop when loss < 0.001', 'stop when loss < 0'));
    const run = await nn(['train', 'long.nn', '--report', 'missing/report.html']);
    record('cli --report into a missing folder', `${figures(run)}: ${run.stderr.trim()}`);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe("nn train: cannot write the report 'missing/report.html': there is no folder 'missing'; create it first\n");
  });

  it('a run on 12 million samples gets its report (its data alone would be a string longer than the longest)', async () => {
    writeFileSync(join(dir, 'big.nn'), 'network n {\n  input 2\n  layer 2 tanh\n  layer 1 sigmoid\n}\ndata d = circle(samples 12000000)\ntrain n on d {\n  epochs 1\n}\n');
    const run = await nn(['train', 'big.nn', '--report', 'big.html', '--quiet'], 280);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const size = statSync(join(dir, 'big.html')).size;
    record('cli --report, circle(samples 12000000)', `${figures(run)}, report ${(size / 1024).toFixed(0)} kB (load ${loadAverage()})`);
    expect(readFileSync(join(dir, 'big.html'), 'utf8')).toContain('the plots draw 10,000 of the points of &#39;d&#39; (12,000,000)');
  }, 300_000);
});

describe('text that attacks the terminal or the reader', () => {
  it('escape sequences in a CSV reach the terminal as text, each message on its line', async () => {
    writeFileSync(join(dir, 'osc.csv'), 'a,b\n\u001b]0;hidden,1\n"two\nlines",1\n');
    writeFileSync(join(dir, 'other.csv'), 'a,b\n1,x\n');
    writeFileSync(join(dir, 'osc.nn'), `network n {\n  input 1\n  layer 1 sigmoid\n}\ndata d from "osc.csv"\ndata e from "other.csv"\ntrain n on d {\n}\ntrain n on e {\n}\n`);
    const run = await nn(['check', 'osc.nn']);
    record('cli CSV with an OSC sequence and a multi-line field', JSON.stringify(run.stdout));
    expect(run.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(run.stdout.split('\n')).toHaveLength(3);
  });

  it.each([
    ['a 5 MB path', `network n {\n  input 1\n  layer 1 sigmoid\n}\ndata d from "${'a/'.repeat(2_500_000)}x.csv"\ntrain n on d {\n}\n`],
    ['a number of a million digits', `network n {\n  input 1\n  layer 1 sigmoid\n}\ndata d {\n  0 -> 1${'0'.repeat(1_000_000)}\n}\ntrain n on d {\n}\n`],
    ['a CSV cell of a million digits', readingData('digits.csv')],
    ['a spec saved as UTF-16', null],
  ])('%s: one short message', async (what, text) => {
    writeFileSync(join(dir, 'digits.csv'), `a,b\n1${'2'.repeat(1_000_000)}x,1\n`);
    if (text === null) writeFileSync(join(dir, 'echo.nn'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(XOR, 'utf16le')]));
    else writeFileSync(join(dir, 'echo.nn'), text);
    const run = await nn(['check', 'echo.nn']);
    const output = run.stdout + run.stderr;
    record(`cli ${what}`, `${figures(run)}, ${output.length} characters out: ${JSON.stringify(output.trim())}`);
    expect(output.split('\n').filter((line) => line !== '')).toHaveLength(1);
    expect(output.length).toBeLessThan(300);
  });
});

describe('data that cannot train', () => {
  it.each([
    ['cross_entropy with targets up to 5', '  0 -> 0\n  1 -> 5\n', 'sigmoid', '  loss cross_entropy\n'],
    ['targets of 1e200', '  0 -> 1e200\n  1 -> 2e200\n', 'linear', ''],
    ['rate 1e-320', '  0 -> 0\n  1 -> 1\n', 'sigmoid', '  optimizer sgd rate 1e-320\n  stop when loss < 0.001\n'],
  ])('%s: says why', async (what, rows, output, settings) => {
    writeFileSync(join(dir, 'cannot.nn'), `network n {\n  input 1\n  layer 3 sigmoid\n  layer 1 ${output}\n}\ndata d {\n${rows}}\ntrain n on d {\n  epochs 100\n${settings}}\n`);
    const run = await nn(['train', 'cannot.nn']);
    const said = (run.stdout.match(/^(?:cannot\.nn:\d+:\d+: error: .*|  stopped .*)$/m) ?? [''])[0].trim();
    record(`cli ${what}`, `exit ${run.status}: ${said}`);
    expect(said).toMatch(/needs targets between 0 and 1|no rate can help|too small to move any weight/);
  });
});
