// The numbers examples/worked-example.nn states in its comment, read back for the tests that check them (test/nn, test/torch).

/** A number as written, and half of what its last digit is worth (the rounding it may carry). */
function written(text: string): { value: number; unit: number } {
  const normalized = text.replace('−', '-');
  const decimals = normalized.includes('.') ? normalized.split('.')[1].length : 0;
  return { value: Number(normalized), unit: 10 ** -decimals };
}

/**
 * The quantities the example's comment states: `name = … = number` on each line of the worked
 * numbers, and the new weights as rows `LAYER W|b numbers`.
 */
export function commentNumbers(spec: string): { values: Record<string, { value: number; unit: number }>; rows: { layer: string; part: string; values: { value: number; unit: number }[] }[] } {
  const values: Record<string, { value: number; unit: number }> = {};
  const rows: { layer: string; part: string; values: { value: number; unit: number }[] }[] = [];
  for (const line of spec.split('\n')) {
    if (!line.startsWith('#')) continue;
    const body = line.replace(/^#\s*(forward|loss|δ output|δ hidden|update)?\s*/, '');
    const stated = /^(\S+) = .*= (−?[0-9.]+)$/.exec(body) ?? /^(\S+) = (−?[0-9.]+)$/.exec(body);
    if (stated) values[stated[1]] = written(stated[2]);
    const row = /^(hidden|output) (W|b) ((?:−?[0-9.]+ ?)+)$/.exec(body);
    if (row) rows.push({ layer: row[1], part: row[2], values: row[3].trim().split(' ').map(written) });
  }
  return { values, rows };
}
