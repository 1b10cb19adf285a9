// nn/runs: where the train blocks are, for the palette's Train, Stop and Show Training, with the cursor at `$0`.
import { describe, expect, it } from 'vitest';
import { runLocations } from '../../server/src/lsp/runs';
import { fixture, URI } from './harness';

/** The line of the `train` block the cursor at `$0` is in, or undefined outside every block. */
function runAt(spec: string): number | undefined {
  const { state, position } = fixture(spec);
  const found = runLocations(state, { textDocument: { uri: URI }, position });
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.line;
}

const spec = (body: string): string => `# header comment
network xor {
  input 2
  layer out 1 sigmoid
}
${body}`;

describe('nn/runs at a position', () => {
  const cases: [string, string, number | undefined][] = [
    ['on the train keyword', spec('train xor on t {$0\n  epochs 10\n}\n'), 5],
    ['in the indentation before it', spec('  $0  train xor on t {\n  epochs 10\n}\n'), 5],
    ['inside the block', spec('train xor on t {\n  epochs 10 $0\n}\n'), 5],
    ['on the closing brace', spec('train xor on t {\n  epochs 10\n}$0\n'), 5],
    ['after the closing brace, on its line', spec('train xor on t {\n  epochs 10\n}   $0\n'), 5],
    ['on the line after the closing brace', spec('train xor on t {\n  epochs 10\n}\n$0\n'), undefined],
    ['inside a network block', spec('train xor on t {\n}\n').replace('input 2', 'input 2 $0'), undefined],
    ['a brace in a comment does not close the block', spec('train xor on t {\n  # } not the end\n  seed 1 $0\n}\n'), 5],
    ['a brace in a string does not open one', spec('data d from "{x}.csv"\ntrain xor on d {\n  seed 1 $0\n}\n'), 6],
    ['the second of two runs', spec('train xor on t {\n  epochs 10\n}\n\ntrain xor on u {\n  seed 2 $0\n}\n'), 9],
    ['an unterminated block, up to its last statement', spec('train xor on t {\n  epochs 10\n\n  seed 1$0'), 5],
    ['a block with errors', spec('train xor on nowhere {\n  epochs ten $0\n}\n'), 5],
    ['a header broken over lines', spec('train xor\n  on t {\n  seed 1 $0\n}\n'), 5],
  ];
  it.each(cases)('%s', (_name, source, expected) => {
    expect(runAt(source)).toBe(expected);
  });

  it('reads CRLF line ends', () => {
    const { state } = fixture('train a on b {\r\n  epochs 3\r\n}\r\n');
    const at = (line: number) => runLocations(state, { textDocument: { uri: URI }, position: { line, character: 0 } }).map((r) => r.line);
    expect([at(0), at(1), at(2), at(3)]).toEqual([[0], [0], [0], []]);
  });
});

describe('nn/runs of a document', () => {
  it('lists every train block in order, with its range and names as written', () => {
    const { state } = fixture(spec('train xor on t {\n}\n  train xor on u {\n  seed 2\n}\ntrain {\n}\n'));
    expect(runLocations(state, { textDocument: { uri: URI } })).toEqual([
      { line: 5, range: { start: { line: 5, character: 0 }, end: { line: 6, character: 1 } }, network: 'xor', data: 't' },
      { line: 7, range: { start: { line: 7, character: 2 }, end: { line: 9, character: 1 } }, network: 'xor', data: 'u' },
      { line: 10, range: { start: { line: 10, character: 0 }, end: { line: 11, character: 1 } }, network: null, data: null },
    ]);
  });

  it('is empty for a document without runs', () => {
    expect(runLocations(fixture(spec('')).state, { textDocument: { uri: URI } })).toEqual([]);
  });
});
