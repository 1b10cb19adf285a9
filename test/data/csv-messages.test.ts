// CSV problems as messages repeat them: one line each, at the line where the row starts, plural as counted, cells cut short and shown, not obeyed.
import { describe, expect, it } from 'vitest';
import { loadCsv, textSource } from '../../server/src/data/csv';

function messages(text: string): string[] {
  const load = loadCsv(
    {
      name: 'd', fileLabel: 'd.csv', header: true, separator: ',', inputs: null, target: null,
      onehot: false, encode: null, missing: null, normalize: null, maxDataCells: 1_000_000,
    },
    textSource(text),
  );
  // The advice that follows a ';' is another test's (csv.test.ts, the fixtures); these are about the repeated text.
  return load!.problems.map((p) => p.message.split('; its values are words')[0]);
}

describe('CSV messages', () => {
  it('a quoted field with a line break: the message stays on one line and names the row\'s first line', () => {
    expect(messages('a,b\n1,2\n"3\n4",5\n')).toEqual(["d.csv line 3: '3\\n4' in column 'a' is not a number"]);
    expect(messages('a,b\r\n"x\r\n\r\ny",1\r\n')).toEqual(["d.csv line 2: 'x\\r\\n\\r\\ny' in column 'a' is not a number"]);
    // A row after a multi-line field is still named by its own first line.
    expect(messages('a,b\n1,"two\nlines"\n3,x\n')).toEqual([
      "d.csv line 2: 'two\\nlines' in column 'b' is not a number (and 1 more value like it)",
    ]);
    expect(messages('a,b\n"1\n",2\n3,4,5\n')).toEqual(['d.csv line 4 has 3 values, but the header has 2 columns']);
  });

  it('control characters in a cell or a header name are shown as escapes', () => {
    expect(messages('a,b\n\u001b[2J\u001b[31m,1\n')).toEqual(["d.csv line 2: '\\u001b[2J\\u001b[31m' in column 'a' is not a number"]);
    expect(messages('\u009b2J,b\nx,1\n')).toEqual(["d.csv line 2: 'x' in column '\\u009b2J' is not a number"]);
  });

  it('a cell of 200,000 digits is read in linear time and cut to 60 characters, both ends kept', () => {
    // The number pattern used to backtrack quadratically: 40,000 digits took 2 s, a million about 20 minutes.
    const started = performance.now();
    const [message] = messages(`a,b\n1${'2'.repeat(200_000)}x,1\n`);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(message).toBe(`d.csv line 2: '1${'2'.repeat(29)}…${'2'.repeat(28)}x' in column 'a' is not a number`);
  });

  it('counts with their nouns: 1 column, 2 columns', () => {
    expect(messages('a\n1\n2,3\n')).toEqual(['d.csv line 3 has 2 values, but the header has 1 column']);
    expect(messages('a,b\n1,2\n3\n')).toEqual(['d.csv line 3 has 1 value, but the header has 2 columns']);
  });
});
