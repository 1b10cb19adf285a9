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

  it('folds a data block from its declaration\'s line when `from` starts the next', () => {
    check(
      `
      data t
        from "x.csv" {
        target y
      }
      `,
      ['0-2 region'],
    );
  });

  it('does not fold an empty block whose brace closes on the next line', () => {
    check('network n {\n}\n', []);
  });

  it('folds comment lines, indented or not, up to the end of the file; a comment after a statement is not one', () => {
    check(
      `
      network n {
        input 2 # two
        # inputs
        layer 1 sigmoid
      }
      network m {
        # one
        # two
        input 2
      }
      # end
      # of file
      `,
      ['0-3 region', '5-8 region', '6-7 comment', '10-11 comment'],
    );
  });
});
