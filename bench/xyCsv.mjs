// A large two-column CSV (`x,y`, a header first), the same bytes for the same seed: the issue "Hardening"'s 60 MB file of 8.1M rows, and the editor tests' large files (test/protocol/data-loading.test.ts, test/reliability/large-data.test.ts).

import { closeSync, openSync, writeSync } from 'node:fs';

/** Writes `rows` rows of x (0 to 999, or 0 to 9.99 with `decimals`) and y (0 or 1), in chunks; about 8 bytes a row. */
export function writeXyCsv(path, rows, { seed = 1, decimals = false } = {}) {
  const fd = openSync(path, 'w');
  let text = 'x,y\n';
  let state = seed;
  for (let r = 0; r < rows; r++) {
    state = (state * 1103515245 + 12345) >>> 0;
    const x = (state >>> 8) % 1000;
    text += `${decimals ? x / 100 : x},${state & 1}\n`;
    if (text.length > 1 << 20) {
      writeSync(fd, text);
      text = '';
    }
  }
  writeSync(fd, text);
  closeSync(fd);
}
