// parse() and check() are total: 10,000 random and mutated specs, none throws, none hangs, every result is consistent.
import { describe, expect, it } from 'vitest';
import { fuzzChecks } from './fuzzInputs';

describe('fuzz', () => {
  it('parses and checks 10,000 random and mutated specs without throwing or hanging', () => {
    const { total, withRuns, durations, slowest } = fuzzChecks(10_000);
    const median = durations[Math.floor(durations.length / 2)];
    const p99 = durations[Math.floor(durations.length * 0.99)];
    const sum = durations.reduce((a, b) => a + b, 0);
    console.log(
      `fuzz: ${total} specs, ${withRuns} runs accepted; median ${median.toFixed(3)} ms, 99th percentile ${p99.toFixed(2)} ms, total ${(sum / 1000).toFixed(1)} s, slowest ${slowest.ms.toFixed(1)} ms (${slowest.text.length} chars)`,
    );
    if (process.env.NN_FUZZ_SHOW_SLOWEST) console.log(slowest.text
    );
    // A hang detector only: no single check may take a second.
    expect(slowest.ms).toBeLessThan(1000);
  });
});
