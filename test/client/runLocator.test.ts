// The palette commands find the run under the cursor from the text alone.
import { describe, expect, it } from 'vitest';
import { enclosingTrainLine, trainLines } from '../../client/src/runLocator';

/** The spec with `$0` marking the cursor's line; returns the text without the marker and the line. */
function cursorAt(spec: string): { text: string; line: number } {
  const lines = spec.split('\n');
  const line = lines.findIndex((l) => l.includes('$0'));
  return { text: spec.replace('$0', ''), line };
}

const spec = (body: string) => `# header comment
network xor {
  input 2
  layer out 1 sigmoid
}
${body}`;

describe('enclosingTrainLine', () => {
  const cases: [string, string, number | undefined][] = [
    ['on the train keyword', spec('train xor on t {$0\n  epochs 10\n}\n'), 5],
    ['inside the block', spec('train xor on t {\n  epochs 10 $0\n}\n'), 5],
    ['on the closing brace', spec('train xor on t {\n  epochs 10\n}$0\n'), 5],
    ['after the closing brace', spec('train xor on t {\n  epochs 10\n}\n$0\n'), undefined],
    ['inside a network block', spec('train xor on t {\n}\n').replace('input 2', 'input 2 $0'), undefined],
    ['a brace in a comment does not close the block', spec('train xor on t {\n  # } not the end\n  seed 1 $0\n}\n'), 5],
    [
      'second of two runs',
      spec('train xor on t {\n  epochs 10\n}\n\ntrain xor on u {\n  seed 2 $0\n}\n'),
      9,
    ],
    ['unterminated block runs to the end', spec('train xor on t {\n  epochs 10\n\n  seed 1$0'), 5],
  ];
  it.each(cases)('%s', (_name, source, expected) => {
    const { text, line } = cursorAt(source);
    expect(enclosingTrainLine(text, line)).toBe(expected);
  });

  it('handles CRLF line ends', () => {
    const text = 'train a on b {\r\n  epochs 3\r\n}\r\n';
    expect(enclosingTrainLine(text, 1)).toBe(0);
    expect(enclosingTrainLine(text, 3)).toBeUndefined();
  });
});

describe('trainLines', () => {
  it('lists the train keywords in order', () => {
    expect(trainLines(spec('train xor on t {\n}\n  train xor on u {\n}\n'))).toEqual([5, 7]);
  });
});
