// The real command line writing into a pipe whose reader leaves early (`nn train spec.nn | head -1`): a quiet stop, no EPIPE stack.

import { describe, expect, it } from 'vitest';
import { spawnTrain } from '../support/cli';
import { XOR_TABLE } from '../support/specs';

const RUN = (epochs: number) => `train xor on xor_table {\n  epochs ${epochs}\n}\n`;
const SPEC = `network xor {\n  input 2\n  layer 3 sigmoid\n  layer 1 sigmoid\n}\n${XOR_TABLE}${RUN(10)}${RUN(20000)}${RUN(20000)}`;

describe('nn train into a closed pipe', () => {
  it('stops quietly with status 141 once the reader has gone', async () => {
    const child = await spawnTrain('nn-pipe-', SPEC);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    // Like `head -1`: read the first chunk, then close the read end while the later runs train.
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(stderr).toBe('');
    expect(status).toBe(141);
  });
});
