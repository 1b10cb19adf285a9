// Measured figures of the reliability suite: printed, and appended to a file when NN_RELIABILITY_FIGURES names one (docs/RELIABILITY.md quotes them).
import { appendFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

/** The 1-minute load average with the core count, e.g. "15.2 on 2 cores": the machine is shared, so figures read in context. */
export function loadAverage(): string {
  return `${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`;
}

export function record(test: string, line: string): void {
  console.log(`reliability ${test}: ${line}`);
  const file = process.env.NN_RELIABILITY_FIGURES;
  if (file) appendFileSync(file, `${new Date().toISOString()} ${test}: ${line}\n`);
}
