// Shares of `validate P%` that are not a whole number of rows, with the rows docs/language.md §4.14 holds out for each; the trainer's and the editor's tests both use them.

/** A spec with one run of a 2-1 network on a generated set of `rows` rows, with `validate P%`. */
export const validateSpec = (percent: number, rows: number): string =>
  `network n {\n  input 2\n  layer 1 sigmoid\n}\ndata d = gauss(samples ${rows})\ntrain n on d {\n  validate ${percent}%\n  seed 7\n}\n`;

/** [P, rows, rows held out]: round(P% × rows), halves up. */
export const AWKWARD_SHARES: [number, number, number][] = [
  [10, 15, 2], // 1.5: a half rounds up
  [25, 10, 3], // 2.5
  [50, 3, 2], // 1.5
  [12.5, 12, 2], // 1.5
  [35, 10, 4], // 3.5
  [5, 10, 1], // 0.5
  [14.5, 100, 15], // 14.5, though 0.145 × 100 is 14.499999999999998 in binary
  [28.5, 100, 29], // 28.5 (28.499999999999996)
  [57.5, 100, 58], // 57.5 (57.49999999999999)
  [33.3, 10, 3], // 3.33
  [30, 7, 2], // 2.1
  [45, 3, 1], // 1.35
  [66.7, 3, 2], // 2.001
  [20, 150, 30], // a whole number of rows
];
