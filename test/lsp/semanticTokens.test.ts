// Semantic tokens: what each word is, as the parser knows it, encoded the LSP way.
import { describe, expect, it } from 'vitest';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from '../../server/src/lsp/semanticTokens';
import { fixture, URI } from './harness';

/** Decodes the relative encoding back into `text type[.modifier]` entries. */
function decode(text: string, data: number[]): string[] {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [deltaLine, deltaStart, length, type, modifiers] = data.slice(i, i + 5);
    line += deltaLine;
    character = deltaLine === 0 ? character + deltaStart : deltaStart;
    const mods = SEMANTIC_TOKENS_LEGEND.tokenModifiers.filter((_, bit) => modifiers & (1 << bit));
    out.push(`${lines[line].slice(character, character + length)} ${[SEMANTIC_TOKENS_LEGEND.tokenTypes[type], ...mods].join('.')}`);
  }
  return out;
}

function check(spec: string, expected: string[]): void {
  const { state } = fixture(spec);
  expect(decode(state.text, semanticTokens(state, { textDocument: { uri: URI } }).data)).toEqual(expected);
}

describe('semantic tokens', () => {
  it('classifies the training vocabulary of docs/language.md §7.2–§7.4', () => {
    check(
      `
      network n {
        input 2
        layer 4 relu dropout 20%
        layer 1 sigmoid
      }
      data d {
        0 1 -> 1
      }
      train n on d {
        regularize l1 0.001 l2 0.01
        schedule step factor 0.5 every 10
        patience 20
        validate 25%
        stop when validation loss < 0.1
      }
      `,
      [
        'network keyword', 'n class.declaration',
        'input keyword', '2 number',
        'layer keyword', '4 number', 'relu enumMember', 'dropout keyword', '20% number',
        'layer keyword', '1 number', 'sigmoid enumMember',
        'data keyword', 'd variable.declaration',
        '0 number', '1 number', '-> operator', '1 number',
        'train keyword', 'n class', 'on keyword', 'd variable',
        'regularize keyword', 'l1 enumMember', '0.001 number', 'l2 enumMember', '0.01 number',
        'schedule keyword', 'step enumMember', 'factor parameter', '0.5 number', 'every parameter', '10 number',
        'patience keyword', '20 number',
        'validate keyword', '25% number',
        'stop keyword', 'when keyword', 'validation keyword', 'loss keyword', '< operator', '0.1 number',
      ],
    );
  });

  it('classifies a network block', () => {
    check(
      `
      network xor {  # two inputs
        input 2
        layer hidden 4 relu init he
      }
      `,
      [
        'network keyword',
        'xor class.declaration',
        '# two inputs comment',
        'input keyword',
        '2 number',
        'layer keyword',
        'hidden property.declaration',
        '4 number',
        'relu enumMember',
        'init keyword',
        'he enumMember',
      ],
    );
  });

  it('classifies inline, file and generated data', () => {
    check(
      `
      data t {
        0 1 -> 1
        normalize zscore
      }
      data iris from "iris.csv" {
        inputs a..c 4 "d e"
        target species onehot
        header yes
      }
      data g = spiral(samples 40, noise 0.1)
      `,
      [
        'data keyword', 't variable.declaration', '0 number', '1 number', '-> operator', '1 number', 'normalize keyword', 'zscore enumMember',
        'data keyword', 'iris variable.declaration', 'from keyword', '"iris.csv" string',
        'inputs keyword', 'a property', '.. operator', 'c property', '4 number', '"d e" string',
        'target keyword', 'species property', 'onehot keyword',
        'header keyword', 'yes enumMember',
        'data keyword', 'g variable.declaration', '= operator', 'spiral enumMember', 'samples parameter', '40 number', 'noise parameter', '0.1 number',
      ],
    );
  });

  it('classifies a train block, including `stop when loss <`', () => {
    check(
      `
      train xor on table {
        loss cross_entropy
        optimizer adam rate 0.01 beta1 0.9
        batch full
        stop when loss < 1e-3
        validate 20%
        precision f32
      }
      `,
      [
        'train keyword', 'xor class', 'on keyword', 'table variable',
        'loss keyword', 'cross_entropy enumMember',
        'optimizer keyword', 'adam enumMember', 'rate parameter', '0.01 number', 'beta1 parameter', '0.9 number',
        'batch keyword', 'full enumMember',
        'stop keyword', 'when keyword', 'loss keyword', '< operator', '1e-3 number',
        'validate keyword', '20% number',
        'precision keyword', 'f32 enumMember',
      ],
    );
  });

  it('colours a misspelled keyword the parser read as that keyword, and no word of another slot as a value', () => {
    const { state } = fixture('network n {\n  layer 1 full init sigmoid\n}\ntrain n on d {\n  stop whenn loss < 1\n}\n');
    const tokens = decode(state.text, semanticTokens(state, { textDocument: { uri: URI } }).data);
    expect(tokens).toContain('whenn keyword');
    // `full` is a value of `batch` and `sigmoid` an activation, neither is one here.
    expect(tokens.filter((t) => t.startsWith('full') || t.startsWith('sigmoid'))).toEqual([]);
  });

  it('leaves misspelled values uncoloured as values but still marks the statement keyword', () => {
    const { state } = fixture('network n {\n  input 2\n  layer 1 sigmoidd\n}\n');
    const tokens = decode(state.text, semanticTokens(state, { textDocument: { uri: URI } }).data);
    expect(tokens).toContain('layer keyword');
    expect(tokens.filter((t) => t.startsWith('sigmoidd'))).toEqual([]);
  });
});
