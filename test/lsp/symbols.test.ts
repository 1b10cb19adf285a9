// Document outline: networks with layers as children, data sets with their size, runs named `train NET on DATA`.
import { describe, expect, it } from 'vitest';
import { SymbolKind } from 'vscode-languageserver';
import type { DocumentSymbol } from 'vscode-languageserver';
import { documentSymbols } from '../../server/src/lsp/symbols';
import { fixture, textOf, URI } from './harness';

const KIND: Record<number, string> = { [SymbolKind.Class]: 'network', [SymbolKind.Field]: 'layer', [SymbolKind.Variable]: 'data', [SymbolKind.Event]: 'run' };

function render(symbols: DocumentSymbol[], text: (s: DocumentSymbol) => string, depth = 0): string[] {
  return symbols.flatMap((s) => [
    `${'  '.repeat(depth)}${KIND[s.kind]} ${s.name} — ${s.detail} [${text(s)}]`,
    ...render(s.children ?? [], text, depth + 1),
  ]);
}

function check(spec: string, expected: string[]): void {
  const { state } = fixture(spec);
  const symbols = documentSymbols(state, { textDocument: { uri: URI } });
  for (const s of symbols) {
    // The selection (the name) always lies inside the full range, as clients require.
    expect(state.lines.offsetAt(s.selectionRange.start)).toBeGreaterThanOrEqual(state.lines.offsetAt(s.range.start));
    expect(state.lines.offsetAt(s.selectionRange.end)).toBeLessThanOrEqual(state.lines.offsetAt(s.range.end));
  }
  expect(render(symbols, (s) => textOf(state, s.selectionRange))).toEqual(expected);
}

describe('document symbols', () => {
  it('shows networks with layers, data with size, and runs', () => {
    check(
      `
      network xor {
        input 2
        layer hidden 4 sigmoid
        layer 1 sigmoid
      }
      data table {
        0 0 -> 0
        0 1 -> 1
        1 0 -> 1
        1 1 -> 0
      }
      train xor on table {
        loss mse
        optimizer sgd rate 0.5
        epochs 2000
      }
      `,
      [
        'network xor — 2 → 4 → 1 · 17 params [xor]',
        '  layer hidden — 2 → 4, sigmoid · 12 params [hidden]',
        '  layer layer2 — 4 → 1, sigmoid · 5 params [layer]',
        'data table — 4 rows · 2 → 1 · inline [table]',
        'run train xor on table — mse · sgd rate 0.5 · 2000 epochs [train]',
      ],
    );
  });

  it('keeps declarations with errors in the outline, described as written', () => {
    check(
      `
      network broken {
        input 2
        layer h 3 sigmoidd
      }
      data pts = circle(samples 50)
      train broken on nowhere {
      }
      `,
      [
        'network broken — network [broken]',
        '  layer h — 3 sigmoidd [h]',
        'data pts — 50 rows · 2 → 1 · = circle(…) [pts]',
        'run train broken on nowhere —  [train]',
      ],
    );
  });

  it('describes by what is written the declarations the checker did not build: a second network of a name, data without a source, unnamed parts', () => {
    check(
      `
      network n {
        input 1
        layer 1 linear
      }
      network n {
        input 2
        layer h 3 tanh
        layer h2
      }
      network {
        input 2
        layer h 2 tanh
      }
      data d
      data f from "missing.csv" {
      }
      data g = (samples 3)
      train {
      }
      `,
      [
        'network n — 1 → 1 · 2 params [n]',
        '  layer layer1 — 1 → 1, linear · 2 params [layer]',
        'network n — network [n]',
        '  layer h — 3 tanh [h]',
        '  layer h2 —  [h2]',
        'data d — data [d]',
        'data f — from "missing.csv" [f]',
        'data g — generated [g]',
        'run train ? on ? —  [train]',
      ],
    );
  });

  it('shows given weights with their network, size and source', () => {
    const { state } = fixture(`
      network n {
        input 2
        layer 1 sigmoid
      }
      weights w for n {
        layer1 W 1 2
        layer1 b 0
      }
      weights s for n from "w.json"
      weights x for {
      }
    `);
    const symbols = documentSymbols(state, { textDocument: { uri: URI } });
    expect(symbols.slice(1).map((s) => [s.kind, s.name, s.detail])).toEqual([
      [SymbolKind.Constant, 'w', 'for n · 3 params · written here'],
      [SymbolKind.Constant, 's', 'for n · from "w.json"'],
      [SymbolKind.Constant, 'x', 'for ? · written here'],
    ]);
  });
});
