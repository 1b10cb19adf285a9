// parse() and check() are total over 100,000 generated and mutated specs: no exception, no inconsistent result, none over a second.
import { describe, expect, it } from 'vitest';
import { fuzzChecks } from '../language/fuzzInputs';
import { loadAverage, record } from './figures';

/** A different seed from test/language/fuzz.test.ts, so these are 100,000 other specs. */
const SEED = 4_30_2026;
const TOTAL = Number(process.env.NN_FUZZ_TOTAL ?? 100_000);

describe('fuzz: 100,000 specs', () => {
  it('parses and checks every spec without throwing, and none takes a second (a hang)', () => {
    const started = performance.now();
    const { total, withRuns, durations, slowest } = fuzzChecks(TOTAL, SEED);
    const wall = (performance.now() - started) / 1000;
    const median = durations[Math.floor(durations.length / 2)];
    const p99 = durations[Math.floor(durations.length * 0.99)];
    const line = `${total} specs (${withRuns} runs accepted) in ${wall.toFixed(1)} s: median ${median.toFixed(3)} ms, p99 ${p99.toFixed(2)} ms, slowest ${slowest.ms.toFixed(1)} ms (${slowest.text.length} chars); load ${loadAverage()}`;
    record('fuzz', line);
    expect(total).toBe(TOTAL);
    expect(slowest.ms, `slowest spec: ${JSON.stringify(slowest.text.slice(0, 2000))}`).toBeLessThan(1000);
  });
});
