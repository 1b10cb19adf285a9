// When the server asks the editor to fetch the lenses again, and when a lens answer goes: the pacing that keeps the lens row moving in VS Code while runs train (docs/editor.md "CodeLens").
//
// The lenses themselves are codeLens.ts's; this is only the timing, for the whole workspace
// (one editor shows the lenses of every open document), bound to the protocol in server.ts.

import { CodeLensRefreshRequest, type Connection } from 'vscode-languageserver';

/**
 * For a client that does not resolve lenses lazily: after the editor asked for lenses, a
 * progress refresh waits this long before it asks again (a change of state, such as Stop, does
 * not wait), so its fetches come further apart than a resolve debounce of about 250 ms. A client
 * that resolves them lazily (VS Code) is paced by its resolves instead (refresh).
 */
const LENS_REFRESH_SPACING_MS = 150;
/**
 * A refresh the editor did not answer with a lens request (no editor shows the file, or VS Code
 * dropped its pending fetch when the editor lost focus) holds the next one back at most this many
 * times as long as the editor usually takes to answer, within the bounds below: long enough
 * never to starve a slow editor, short enough that the lens moves again soon after a focus change.
 */
const LENS_ANSWER_PATIENCE = 4;
const LENS_ANSWER_TIMEOUT_MIN_MS = 2500;
const LENS_ANSWER_TIMEOUT_MAX_MS = 10_000;
/** A wait for a lazy lens's resolve that ends without one doubles the next, at most this many times (2.5 s → 80 s). */
const LENS_RESOLVE_MAX_DOUBLINGS = 5;
/** The margin a refresh's fetch is aimed after the editor's resolve pass: it doubles after each fetch that came first, and creeps back down after passes that came first. */
const LENS_ALIGN_MARGIN_MIN_MS = 60;
const LENS_ALIGN_MARGIN_MAX_MS = 2000;
/** A lens answer waits until this long after the editor's last resolve (answerHold), and for a resolve still owed at most LENS_ANSWER_HOLD_MAX_MS. */
const LENS_ANSWER_HOLD_MS = 50;
export const LENS_ANSWER_HOLD_MAX_MS = 300;

/** How long to wait for an editor's answer (a lens request, a resolve) that usually takes `usual` ms. */
function patienceFor(usual: number): number {
  return Math.min(LENS_ANSWER_TIMEOUT_MAX_MS, Math.max(LENS_ANSWER_TIMEOUT_MIN_MS, LENS_ANSWER_PATIENCE * usual));
}

/** What the pacing needs to know of the client. */
export interface LensClient {
  /** It takes workspace/codeLens/refresh. */
  codeLensRefresh: boolean;
  /** It resolves a lens's command lazily (VS Code). */
  codeLensResolve: boolean;
}

export class LensRefresh {
  private lensRefreshTimer: NodeJS.Timeout | undefined;
  /** When the editor last asked for lenses (Date.now()). */
  private lastLensesServed = 0;
  /** A lens refresh was sent and the editor has not asked for lenses since. */
  private lensRefreshOut = false;
  /** When the last refresh went out, and how long the editor usually takes to ask after one (a moving average). */
  private lensRefreshSent = 0;
  private lensAnswerDelay = 300;
  /** Runs moved since the editor last asked for lenses; `lensRefreshUrgent` when a run changed state (not only progress). */
  private lensesStale = false;
  private lensRefreshUrgent = false;
  /** Lazy lenses were sent and the editor has not resolved them yet; when they went, how long resolves usually take, and waits that ended without one. */
  private lensResolveOwed = false;
  private lensesSentLazily = 0;
  private lensResolveDelay = 300;
  private lensResolveMisses = 0;
  private lensResolveTimer: NodeJS.Timeout | undefined;
  /** How far after the expected resolve pass a refresh's fetch is aimed. */
  private lensAlignMargin = LENS_ALIGN_MARGIN_MIN_MS;
  /** Lens answers served so far per document (each lazy lens carries its answer's number), and when the editor last resolved one. */
  private readonly lensAnswers = new Map<string, number>();
  private lastLensResolve = 0;
  private disposed = false;

  constructor(
    private readonly connection: Connection,
    private readonly support: LensClient,
  ) {}

  /**
   * Asks the client to refetch lenses: at once when a run changed state (`urgent`: started,
   * stopped, finished, stepped), else LENS_REFRESH_SPACING_MS after the editor last asked,
   * and never while an earlier refresh has not been answered by a lens request; for an editor
   * that resolves lenses lazily, timed so that the fetch lands just after the resolve pass of
   * the lenses it was sent (pump), or after that resolve has come.
   *
   * Why the wait for the answer: VS Code answers a refresh by re-arming a RunOnceScheduler with
   * its lens debounce (at least 250 ms, the moving average of how long its lens requests took),
   * and a re-armed scheduler starts its wait over. Refreshes sent on a fixed clock starve it
   * as soon as that average passes the clock's period (under load, or with a busy extension
   * host): no request is ever made again, the average never comes down, and the lens froze
   * for the rest of the run. Sending the next refresh only after the editor has asked makes
   * every refresh end in a request, whatever its debounce (docs/editor.md "CodeLens").
   *
   * Why the wait for the resolve: VS Code draws a lens's new text only in its resolve pass, on
   * a second RunOnceScheduler that every lens answer re-arms, with a delay it learns from the
   * same moving average, updated only when a pass completes. A slow first answer (a server
   * starting on a loaded machine) teaches it a delay of seconds; once answers come faster than
   * that, every answer re-arms the pass before it runs, the delay is never learnt again, and the
   * lens stays as it was drawn first while the run trains. The server sees the pass only when
   * the lenses go without their commands (codeLens.ts lazyLenses), and aims each refresh so that
   * its answer lands after the pending pass, never on it.
   */
  refresh(urgent = false): void {
    if (!this.support.codeLensRefresh || this.disposed) return;
    this.lensesStale = true;
    this.lensRefreshUrgent ||= urgent;
    this.pump();
  }

  /**
   * The client asked for a document's lenses and got the latest state: a refresh may go again,
   * or, when they went lazily (`resolveOwed`), once the editor has resolved them.
   */
  served(uri: string, resolveOwed = false): number {
    const now = Date.now();
    this.lastLensesServed = now;
    const answer = (this.lensAnswers.get(uri) ?? 0) + 1;
    this.lensAnswers.set(uri, answer);
    if (this.lensRefreshOut) this.lensAnswerDelay = 0.7 * this.lensAnswerDelay + 0.3 * (now - this.lensRefreshSent);
    if (this.lensResolveOwed) {
      // Asked again before it resolved the last lenses: the refresh went too early and re-armed the
      // editor's pass (or the lenses are out of view). The next one is aimed at the pass this answer
      // arms, further off it.
      this.lensAlignMargin = Math.min(LENS_ALIGN_MARGIN_MAX_MS, 2 * this.lensAlignMargin);
    }
    if (resolveOwed) this.awaitResolve(now);
    else this.lensResolveOwed = false;
    if (this.lensRefreshOut || this.lensesStale) {
      this.lensRefreshOut = false;
      this.lensesStale = false;
      this.lensRefreshUrgent = false;
      clearTimeout(this.lensRefreshTimer);
      this.lensRefreshTimer = undefined;
    }
    return answer;
  }

  /**
   * How long a lens answer should wait: one that reached VS Code while a resolve pass is still on
   * its way back would have the pass's commands written onto its new lenses, and the answer
   * before it released, so the row drawn would hold commands that no longer run.
   */
  answerHold(): number {
    if (!this.support.codeLensResolve) return 0;
    // Asked before the lenses sent last were resolved: their pass may be on its way, behind this request.
    if (this.lensResolveOwed) return LENS_ANSWER_HOLD_MS;
    return Math.max(0, this.lastLensResolve + LENS_ANSWER_HOLD_MS - Date.now());
  }

  /**
   * The editor resolved lazy lenses of the document's answer `answer`: it has drawn them, and
   * the next refresh may go. A resolve of an older answer than the last means a pass overlapped a newer answer
   * (see answerHold): the row may hold dead commands, and only a new answer resolved
   * afresh mends it, so a refresh goes at once.
   */
  resolved(uri: string, answer: number): void {
    this.lastLensResolve = Date.now();
    this.lensResolveMisses = 0;
    if (answer < (this.lensAnswers.get(uri) ?? 0)) {
      this.lensResolveOwed = false;
      clearTimeout(this.lensResolveTimer);
      this.lensResolveTimer = undefined;
      this.lensesStale = true;
      this.lensRefreshUrgent = true;
      this.pump();
      return;
    }
    if (!this.lensResolveOwed) return;
    this.lensResolveOwed = false;
    this.lensResolveDelay = 0.7 * this.lensResolveDelay + 0.3 * (this.lastLensResolve - this.lensesSentLazily);
    this.lensAlignMargin = Math.max(LENS_ALIGN_MARGIN_MIN_MS, 0.8 * this.lensAlignMargin);
    clearTimeout(this.lensResolveTimer);
    this.lensResolveTimer = undefined;
    this.pump();
  }

  /**
   * Lazy lenses went out: wait for their resolve. An editor resolves only the lenses it shows, so
   * none may come (the lenses are scrolled out of view); after a while the refreshes go on, and
   * each wait that ends without a resolve doubles the next one, so a resolve debounce longer than
   * any guess is outwaited in a few rounds.
   */
  private awaitResolve(now: number): void {
    this.lensResolveOwed = true;
    this.lensesSentLazily = now;
    clearTimeout(this.lensResolveTimer);
    const patience = patienceFor(this.lensResolveDelay);
    this.lensResolveTimer = setTimeout(() => {
      this.lensResolveTimer = undefined;
      this.lensResolveOwed = false;
      this.lensResolveMisses = Math.min(this.lensResolveMisses + 1, LENS_RESOLVE_MAX_DOUBLINGS);
      this.pump();
    }, patience * 2 ** this.lensResolveMisses);
    this.lensResolveTimer.unref();
  }

  private pump(): void {
    if (this.disposed || !this.lensesStale || this.lensRefreshOut) return;
    const lazy = this.support.codeLensResolve;
    let at: number;
    if (this.lensResolveOwed) {
      // Lenses wait for their resolve pass. The refresh may go before it, timed so that the fetch it
      // causes comes a margin after the pass: the editor then has a pass pending nearly all the
      // time, and whatever happens (a Stop) is drawn at the next one, which reads the state then.
      if (!lazy || this.lensRefreshTimer) return;
      at = this.lensesSentLazily + this.lensResolveDelay - this.lensAnswerDelay + this.lensAlignMargin;
    } else {
      if (this.lensRefreshTimer) {
        // A progress refresh is waiting for its turn; a change of state does not wait with it.
        if (!this.lensRefreshUrgent && !lazy) return;
        clearTimeout(this.lensRefreshTimer);
      }
      // After a resolve the editor's own debounces space its passes: no spacing of ours is needed.
      at = this.lensRefreshUrgent ? 0 : this.lastLensesServed + (lazy ? 0 : LENS_REFRESH_SPACING_MS);
    }
    const wait = Math.max(0, at - Date.now());
    this.lensRefreshTimer = setTimeout(() => {
      this.lensRefreshTimer = undefined;
      this.lensRefreshOut = true;
      this.lensRefreshSent = Date.now();
      this.lensesStale = false;
      this.lensRefreshUrgent = false;
      void this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
      // Nothing asked (no editor shows the file, or its fetch was dropped): the next change may refresh again after a while.
      const patience = patienceFor(this.lensAnswerDelay);
      this.lensRefreshTimer = setTimeout(() => {
        this.lensRefreshTimer = undefined;
        this.lensRefreshOut = false;
        this.pump();
      }, patience);
      this.lensRefreshTimer.unref();
    }, wait);
    this.lensRefreshTimer.unref();
  }

  /** A document closed: its answers are not counted any more. */
  forget(uri: string): void {
    this.lensAnswers.delete(uri);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.lensRefreshTimer);
    clearTimeout(this.lensResolveTimer);
    this.lensRefreshTimer = this.lensResolveTimer = undefined;
  }
}
