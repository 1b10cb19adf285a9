// Lenses sent without their commands to an editor that resolves them (VS Code), and resolved from the state at the resolve (docs/editor.md "CodeLens").
import { describe, expect, it } from 'vitest';
import type { CodeLens, Range } from 'vscode-languageserver';
import { codeLenses, lazyLensData, lazyLenses, resolveLens } from '../../server/src/lsp/codeLens';
import type { DocumentState } from '../../server/src/lsp/state';
import { fixture, trainedFixture, URI } from './harness';

const SPEC = `
  network fit {
    input 2
    layer hidden 3 tanh
    layer out 1 sigmoid
  }

  data xor {
    0 0 -> 0
    0 1 -> 1
    1 0 -> 1
    1 1 -> 0
  }

  train fit on xor {$0
    optimizer sgd rate 0.5
    epochs 40
    seed 1
  }
`;

/** The row the editor draws: each lazy lens of `sent` resolved against `now`. */
function drawn(sent: DocumentState, now: DocumentState | null): string[] {
  return lazyLenses(URI, 1, codeLenses(sent)).map((lens) => resolveLens(now, lens as CodeLens & { range: Range }, lazyLensData(lens)!).command!.title);
}
const titles = (state: DocumentState) => codeLenses(state).map((l) => l.command!.title);

describe('lazy lenses', () => {
  it('go without their commands, each with its place in its row', () => {
    const { state } = fixture(SPEC);
    const lazy = lazyLenses(URI, 7, codeLenses(state));
    expect(lazy.length).toBe(3);
    expect(lazy.every((l) => l.command === undefined)).toBe(true);
    expect(lazy.map((l) => lazyLensData(l))).toMatchObject([
      { uri: URI, answer: 7, slot: 0, row: 3 },
      { uri: URI, answer: 7, slot: 1, row: 3 },
      { uri: URI, answer: 7, slot: 2, row: 3 },
    ]);
    expect(lazyLensData({ range: lazy[0].range, data: { uri: URI, slot: 0 } } as CodeLens)).toBeNull();
  });

  it('resolve to the state at the resolve when the row kept its shape', () => {
    const { state } = fixture(SPEC);
    expect(drawn(state, state)).toEqual(titles(state));
    expect(titles(state)).toEqual(['$(play) Train', '$(debug-step-over) Step', expect.stringMatching(/^est\./)]);
  });

  it('show the new state at once when the row grew (the run finished): its first actions and its words', () => {
    const { state: untrained } = fixture(SPEC);
    const { state: trained } = trainedFixture(SPEC);
    const now = titles(trained);
    expect(now.length).toBeGreaterThan(3);
    expect(drawn(untrained, trained)).toEqual([now[0], now[1], now.find((t) => /loss [\d.e-]+ after 40 epochs/.test(t))]);
    expect(now[0]).toBe('$(play) Retrain');
  });

  it('stay as they were sent when the row shrank, or the document is gone', () => {
    const { state: untrained } = fixture(SPEC);
    const { state: trained } = trainedFixture(SPEC);
    expect(drawn(trained, untrained)).toEqual(titles(trained));
    expect(drawn(untrained, null)).toEqual(titles(untrained));
  });
});
