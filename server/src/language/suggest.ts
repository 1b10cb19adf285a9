// "Did you mean …?": the closest known word to a misspelled one, by edit distance.

/** Three rows of the distance table, reused by every call (suggest runs once per unknown word, over every candidate). */
let rows = [new Int32Array(32), new Int32Array(32), new Int32Array(32)];

/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and
 * swaps of two neighbours each cost 1, so `inptu` is one edit from `input`.
 * With `limit`, any distance above it may be returned as `limit + 1` (sooner).
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  if (rows[0].length <= b.length) rows = rows.map(() => new Int32Array(2 * (b.length + 1)));
  let [previous2, previous, current] = rows;
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  let previousMin = 0;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, previous2[j - 2] + 1);
      }
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    // A cell comes from its own row, the row above, or (a swap) two rows up plus 1: once
    // two rows in a row are all above the limit, every later one is too.
    // Stryker disable next-line EqualityOperator,LogicalOperator: once a row is past the limit every later one is, so any stop returns above the limit, all it promises
    if (rowMin > limit && previousMin > limit) return limit + 1;
    previousMin = rowMin;
    [previous2, previous, current] = [previous, current, previous2];
  }
  return previous[b.length];
}

/** How many edits still read as a typo of a word this long (short words allow fewer). */
function tolerance(length: number): number {
  if (length <= 3) return 1;
  if (length <= 6) return 2;
  return 3;
}

/**
 * The candidate closest to `word` (ignoring case), or null when none is close
 * enough to be a likely typo. Ties go to the earlier candidate.
 */
export function suggest(word: string, candidates: Iterable<string>): string | null {
  const lower = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    // Names are short; skip candidates whose length alone rules them out.
    // Stryker disable next-line ConditionalExpression: the length filter only saves work: the distance refuses the same words
    if (Math.abs(candidate.length - word.length) > tolerance(word.length)) continue;
    // Farther than the word's own tolerance can never be suggested (see the last line).
    const d = editDistance(lower, candidate.toLowerCase(), tolerance(word.length));
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  if (best === null) return null;
  return bestDistance <= Math.min(tolerance(word.length), tolerance(best.length)) ? best : null;
}

/** "a, b or c" for messages that list the allowed words. */
export function listWords(words: readonly string[], conjunction = 'or'): string {
  // Stryker disable next-line StringLiteral: joining at most one word uses no separator
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}
