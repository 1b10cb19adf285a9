// Folding ranges: blocks fold from `{` to the line before `}`; runs of comment lines fold together.
import { describe, expect, it } from 'vitest';
import { foldingRanges } from '../../server/src/lsp/folding';
import { fixture, URI } from './harness';

function check(spec: string, expected: string[]): void {
  const { state } = fixture(spec);
  const folds = foldingRanges(state, { textDocument: { uri: URI } });
  expect(folds.map((f) => `${f.startLine}-${f.endLine} ${f.kind}`)).toEqual(expected);
}

describe('folding ranges', () => {
  it('folds every block and comment runs of two or more lines', () => {
    check(
      `
      # XOR, the classic.
      # Needs a hidden layer.
      network xor {
        input 2
        layer out 1 sigmoid
      }
      # one comment line does not fold
      data table {
        0 0 -> 0
      }
      data pts = xor(samples 10)
      train xor on table {
        epochs 10
      }
      `,
      ['0-1 comment', '2-4 region', '7-8 region', '11-12 region'],
    );
  });

  it('folds an unterminated block to the end of its declaration', () => {
    check(
      `
      network xor {
        input 2
        layer out 1 sigmoid

      train xor on table {
        epochs 10
      }
      `,
      ['0-2 region', '4-5 region'],
    );
  });

  it('does not fold a block that opens and closes on one line', () => {
    check(
      `
      data from_file from "x.csv" {}
      `,
      [],
    );
  });
});
