/** Writes `rows` rows of `x,y` (a header first) to `path`, the same bytes for the same seed (xyCsv.mjs). */
export function writeXyCsv(path: string, rows: number, options?: { seed?: number; decimals?: boolean }): void;
