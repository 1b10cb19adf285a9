// "Did you mean": the edit distance with its early stop and reused rows gives the plain table's answers.
import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from '../../server/src/language/suggest';
import { random } from './fuzzInputs';

/** The definition: the whole optimal-string-alignment table, a fresh row per character. */
function referenceDistance(a: string, b: string): number {
  const table: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    table.push([]);
    for (let j = 0; j <= b.length; j++) {
      if (i === 0 || j === 0) table[i].push(i + j);
      else {
        let d = Math.min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, table[i - 2][j - 2] + 1);
        table[i].push(d);
      }
    }
  }
  return table[a.length][b.length];
}

function referenceSuggest(word: string, candidates: string[]): string | null {
  const tolerance = (n: number) => (n <= 3 ? 1 : n <= 6 ? 2 : 3);
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word || Math.abs(candidate.length - word.length) > tolerance(word.length)) continue;
    const d = referenceDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== null && bestDistance <= Math.min(tolerance(word.length), tolerance(best.length)) ? best : null;
}

/** Words from a small alphabet, so near misses, swaps and repeats are common. */
function words(next: () => number, count: number, maxLength: number): string[] {
  return Array.from({ length: count }, () => Array.from({ length: Math.floor(next() * (maxLength + 1)) }, () => 'abcdeAB_1'[Math.floor(next() * 9)]).join(''));
}

describe('suggest', () => {
  it('measures the distance of the full table, and stops early only above the limit', () => {
    const next = random(3);
    const list = words(next, 400, 12);
    for (let k = 0; k < 4000; k++) {
      const a = list[Math.floor(next() * list.length)];
      const b = list[Math.floor(next() * list.length)];
      const exact = referenceDistance(a, b);
      expect(editDistance(a, b), `${a} ${b}`).toBe(exact);
      const limit = Math.floor(next() * 4);
      const capped = editDistance(a, b, limit);
      expect(exact <= limit ? capped === exact : capped > limit, `${a} ${b} limit ${limit}`).toBe(true);
    }
    // Longer than the reused rows were at first.
    expect(editDistance('x'.repeat(80), 'y'.repeat(70))).toBe(80);
    // The rows grow to twice a longer word's length plus 2 (7,919 letters: 15,840); a word of exactly that length
    // needs one more cell than they hold, so they grow again.
    expect(editDistance('ab', 'b'.repeat(7_919))).toBe(7_918);
    const long = `b${'c'.repeat(15_838)}a`;
    expect(editDistance('ab', long)).toBe(referenceDistance('ab', long));
  });

  it('suggests what the plain definition suggests', () => {
    const next = random(4);
    for (let k = 0; k < 1500; k++) {
      const candidates = words(next, 1 + Math.floor(next() * 30), 9);
      const word = next() < 0.5 ? candidates[Math.floor(next() * candidates.length)] + 'a' : words(next, 1, 9)[0];
      expect(suggest(word, candidates), `${word} in ${candidates.join(',')}`).toBe(referenceSuggest(word, candidates));
    }
    expect(suggest('inptu', ['input', 'layer'])).toBe('input');
  });
});
