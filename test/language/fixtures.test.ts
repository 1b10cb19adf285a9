// Every check of docs/language.md §5 and every construct of §3, one small spec per case under fixtures/.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../server/src/language';
import { readFixture, renderProblems } from './fixtures';

const folder = path.join(__dirname, 'fixtures');
const files = readdirSync(folder).filter((f) => f.endsWith('.nn')).sort();

describe('fixtures', () => {
  it('has fixtures', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files)('%s', (name) => {
    const file = path.join(folder, name);
    const text = readFileSync(file, 'utf8');
    const fixture = readFixture(file, text);
    const result = check(text, fixture.options);
    expect(renderProblems(text, result, fixture.expected, folder)).toEqual(fixture.expected);
    if (fixture.runs !== null) expect(result.runs.length).toBe(fixture.runs);
  });
});
