// An MNIST-shaped CSV, the same bytes on every machine: 60,000 rows of 784 pixel columns (0 to 255) and a label (0 to 9), as the issue "Real data sets" asks the loaders to be measured on.
//
// The pixels are not MNIST's (that data set is not downloadable here), but the file has its
// shape and texture: a header `p0,…,p783,label`, about a fifth of the pixels lit, each
// digit class lighting a blob of its own size, so a network can learn the labels.
// Usage: import { writeMnist } from './mnistData.mjs'; writeMnist(path, rows).

import { closeSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MNIST_WIDTH = 784;

/** The repository's root, and the python3 with Debian's numpy and torch (the torch suite's). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PYTHON = '/usr/bin/python3';

/** The value after `--name` on the command line, or `fallback`. */
export function option(name, fallback) {
  const args = process.argv.slice(2);
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
}

/** Writes the file; returns its size in bytes. Deterministic: the same rows and bytes every time. */
export function writeMnist(path, rows = 60_000) {
  // xorshift32: fast, seeded, enough for pixels.
  let state = 12345;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const fd = openSync(path, 'w');
  let size = 0;
  let text = `${Array.from({ length: MNIST_WIDTH }, (_, i) => `p${i}`).join(',')},label\n`;
  const cells = new Array(MNIST_WIDTH);
  for (let r = 0; r < rows; r++) {
    const label = Math.floor(next() * 10);
    for (let i = 0; i < MNIST_WIDTH; i++) {
      const y = Math.floor(i / 28);
      const x = i % 28;
      const lit = Math.abs(x - 14) < 4 + label / 2 && Math.abs(y - 14) < 10 - label / 3;
      cells[i] = (lit ? next() < 0.8 : next() < 0.05) ? 1 + Math.floor(next() * 255) : 0;
    }
    text += `${cells.join(',')},${label}\n`;
    if (text.length > 1 << 20) {
      size += writeSync(fd, text);
      text = '';
    }
  }
  size += writeSync(fd, text);
  closeSync(fd);
  return size;
}
