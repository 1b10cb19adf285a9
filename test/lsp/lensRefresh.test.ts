// When the server asks the editor to fetch the lenses again (workspace/codeLens/refresh) and how long a lens answer is
// held, on a fake clock: the pacing docs/editor.md "CodeLens" promises (150 ms after each fetch for a client that
// does not resolve lenses, at once for a change of state, never while a refresh is unanswered, again after 2.5 s
// when the editor drops one, after the resolve pass for a client that resolves lazily). The protocol suites
// (lens-refresh, lens-resolve) show the row moving in a real exchange; this pins the clock that drives it.

import type { Connection } from 'vscode-languageserver';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LensRefresh, type LensClient } from '../../server/src/lsp/lensRefresh';

const URI = 'file:///spec.nn';

/** A pacer on a fake clock that starts at 0, with the times (ms) its refreshes were sent. */
function pacer(support: LensClient): { lenses: LensRefresh; sent: number[] } {
  const sent: number[] = [];
  const connection = { sendRequest: () => (sent.push(Date.now()), Promise.resolve()) } as unknown as Connection;
  return { lenses: new LensRefresh(connection, support), sent };
}

const NEOVIM: LensClient = { codeLensRefresh: true, codeLensResolve: false };
const VSCODE: LensClient = { codeLensRefresh: true, codeLensResolve: true };

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('lens refresh: a client that does not resolve lenses', () => {
  /** A Neovim pacer whose lenses were fetched at 1000 ms, with a progress refresh asked for then. */
  function progressAfterFetch(): { lenses: LensRefresh; sent: number[] } {
    const paced = pacer(NEOVIM);
    vi.setSystemTime(1000);
    paced.lenses.served(URI);
    paced.lenses.refresh();
    return paced;
  }

  it('asks again for progress 150 ms after the last fetch, and not before', () => {
    const { sent } = progressAfterFetch();
    vi.advanceTimersByTime(149);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([1150]);
  });

  it('asks at once for a change of state, also while a progress refresh waits its turn', () => {
    const { lenses, sent } = progressAfterFetch();
    vi.advanceTimersByTime(10);
    lenses.refresh(true);
    vi.advanceTimersByTime(0);
    expect(sent).toEqual([1010]);
    lenses.dispose();
  });

  it('sends nothing to a client without refresh support, or after dispose', () => {
    const none = pacer({ codeLensRefresh: false, codeLensResolve: false });
    none.lenses.refresh(true);
    vi.advanceTimersByTime(60_000);
    expect(none.sent).toEqual([]);
    const closed = pacer(NEOVIM);
    closed.lenses.refresh();
    closed.lenses.dispose();
    vi.advanceTimersByTime(60_000);
    closed.lenses.refresh(true);
    vi.advanceTimersByTime(60_000);
    expect(closed.sent).toEqual([]);
  });

  it('never asks twice before the editor fetched; a refresh it dropped is asked again after 2.5 s', () => {
    const { lenses, sent } = pacer(NEOVIM);
    lenses.refresh(true);
    vi.advanceTimersByTime(0);
    expect(sent).toEqual([0]);
    lenses.refresh(true);
    vi.advanceTimersByTime(2499);
    expect(sent).toEqual([0]);
    vi.advanceTimersByTime(10);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBeGreaterThanOrEqual(2500);
    expect(sent[1]).toBeLessThan(2510);
    // Nothing moved since: no more asks however long it waits.
    lenses.served(URI);
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(2);
  });

  it('a fetch answers the refresh: the next change is asked for at once, a progress 150 ms after that fetch', () => {
    const { lenses, sent } = pacer(NEOVIM);
    lenses.refresh(true);
    vi.advanceTimersByTime(100);
    lenses.served(URI);
    lenses.refresh();
    vi.advanceTimersByTime(149);
    expect(sent).toEqual([0]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([0, 250]);
    lenses.dispose();
  });

  it('learns a slow editor: after fetches that took 3 s, a dropped refresh is waited for longer than 2.5 s', () => {
    const { lenses, sent } = pacer(NEOVIM);
    // Ten refreshes, each fetched 3 s after it was sent: the usual wait tends to 3 s, so patience to 4 × 3 s (at most 10 s).
    for (let i = 0; i < 10; i++) {
      lenses.refresh(true);
      vi.advanceTimersByTime(0);
      vi.setSystemTime(Date.now() + 2400);
      vi.advanceTimersByTime(600);
      lenses.served(URI);
    }
    expect(sent).toHaveLength(10);
    const last = Date.now();
    lenses.refresh(true);
    vi.advanceTimersByTime(0);
    lenses.refresh(true);
    vi.advanceTimersByTime(2600);
    expect(sent).toHaveLength(11);
    vi.advanceTimersByTime(10_000);
    expect(sent).toHaveLength(12);
    // Four times the usual 2.9 s, capped at 10 s.
    expect(sent[11] - last).toBeGreaterThanOrEqual(10_000);
    expect(sent[11] - last).toBeLessThan(10_100);
    lenses.dispose();
  });
});

describe('lens refresh: a client that resolves lenses lazily (VS Code)', () => {
  it('numbers each document’s answers, and forgets a closed document’s', () => {
    const { lenses } = pacer(VSCODE);
    expect([lenses.served(URI), lenses.served(URI), lenses.served('file:///other.nn')]).toEqual([1, 2, 1]);
    lenses.forget(URI);
    expect(lenses.served(URI)).toBe(1);
    lenses.dispose();
  });

  it('holds an answer while the last lenses await their resolve, and for 50 ms after a resolve', () => {
    const { lenses } = pacer(VSCODE);
    vi.setSystemTime(1000);
    expect(lenses.answerHold()).toBe(0);
    const answer = lenses.served(URI, true);
    expect(lenses.answerHold()).toBe(50);
    vi.setSystemTime(1200);
    lenses.resolved(URI, answer);
    expect(lenses.answerHold()).toBe(50);
    vi.setSystemTime(1230);
    expect(lenses.answerHold()).toBe(20);
    vi.setSystemTime(1300);
    expect(lenses.answerHold()).toBe(0);
    // A client that does not resolve is never held.
    const neovim = pacer(NEOVIM).lenses;
    neovim.served(URI, true);
    expect(neovim.answerHold()).toBe(0);
    lenses.dispose();
  });

  it('aims a progress refresh a margin after the expected resolve pass, and asks right after the resolve when it comes first', () => {
    const { lenses, sent } = pacer(VSCODE);
    vi.setSystemTime(1000);
    lenses.served(URI, true);
    lenses.refresh();
    // Sent lazily at 1000, resolves usually 300 ms later, fetches 300 ms after a refresh: aimed 60 ms past the pass.
    vi.advanceTimersByTime(59);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([1060]);
    lenses.dispose();

    const other = pacer(VSCODE);
    vi.setSystemTime(5000);
    const answer = other.lenses.served(URI, true);
    other.lenses.refresh(true);
    // A change of state waits for the pass too, aimed the same; the resolve comes first and sends it at once.
    vi.advanceTimersByTime(20);
    other.lenses.resolved(URI, answer);
    vi.advanceTimersByTime(0);
    expect(other.sent).toEqual([5020]);
    other.lenses.dispose();
  });

  it('a resolve of an older answer asks again at once (the row may hold dead commands); a resolve of the latest does not', () => {
    const { lenses, sent } = pacer(VSCODE);
    const first = lenses.served(URI);
    const second = lenses.served(URI);
    lenses.resolved(URI, second);
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([]);
    lenses.resolved(URI, first);
    vi.advanceTimersByTime(0);
    expect(sent).toEqual([10_000]);
    lenses.dispose();
  });

  it('lenses never resolved (out of view): the answer hold ends after 2.5 s, then after twice as long each time, until a resolve', () => {
    const { lenses } = pacer(VSCODE);
    const holdEnds: number[] = [];
    for (let round = 0; round < 3; round++) {
      vi.setSystemTime(100_000 * (round + 1));
      const start = Date.now();
      lenses.served(URI, true);
      let waited = 0;
      while (lenses.answerHold() > 0 && waited < 50_000) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      holdEnds.push(Date.now() - start);
    }
    expect(holdEnds).toEqual([2500, 5000, 10_000]);
    // A resolve starts the waits over.
    vi.setSystemTime(1_000_000);
    lenses.resolved(URI, lenses.served(URI, true));
    vi.setSystemTime(2_000_000);
    lenses.served(URI, true);
    vi.advanceTimersByTime(2400);
    expect(lenses.answerHold()).toBe(50);
    vi.advanceTimersByTime(100);
    expect(lenses.answerHold()).toBe(0);
    lenses.dispose();
  });
});
