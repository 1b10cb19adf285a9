// The real command line under a real Ctrl+C: the run in progress is reported as cancelled and the exit status is 130.

import { describe, expect, it } from 'vitest';
import { spawnTrain } from '../support/cli';
import { XOR_TABLE } from '../support/specs';

const SPEC = `network xor {
  input 2
  layer 3 sigmoid
  layer 1 sigmoid
}
${XOR_TABLE}train xor on xor_table {
  epochs 10
}
train xor on xor_table {
  epochs 100000000
}
`;

describe('nn train and SIGINT', () => {
  it("cancels the second run when interrupted after the first one's summary", async () => {
    const child = await spawnTrain('nn-sigint-', SPEC);
    let stdout = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // The first summary is printed: the second, endless run is under way.
      if (!interrupted && stdout.includes('time ')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(status).toBe(130);
    expect(stdout).toContain('xor.nn:12: train xor on xor_table');
    expect(stdout).toMatch(/xor\.nn:15: train xor on xor_table[\s\S]*stopped +cancelled \(Ctrl\+C\)/);
  });
});
