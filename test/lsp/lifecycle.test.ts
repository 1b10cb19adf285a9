// The errors a client gets for a request out of the protocol's order (docs/editor.md "The protocol's lifecycle"),
// phase by phase: the code and message each request is answered with, and `retry: false` on a second initialize.
// test/protocol/lifecycle.test.ts drives the same over stdio with a spawned server; this checks every phase's answer
// where a mutation run can see it (in this process).

import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../../server/src/lsp/lifecycle';

const NOT_INITIALIZED = { code: ErrorCodes.ServerNotInitialized, message: 'the server is not initialized yet: send initialize first' };
const SHUT_DOWN = { code: ErrorCodes.InvalidRequest, message: 'the server has shut down: after shutdown only exit may be sent' };

function answer(error: ResponseError<unknown> | null): { code: number; message: string; data?: unknown } | null {
  return error && { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) };
}

describe('the lifecycle', () => {
  it('before initialize: requests get -32002 with what to send first; initialize is accepted', () => {
    const lifecycle = new Lifecycle();
    expect(lifecycle.phase).toBe('uninitialized');
    expect(answer(lifecycle.refusal())).toEqual(NOT_INITIALIZED);
    expect(lifecycle.initializeRefusal()).toBeNull();
  });

  it('while running: requests are answered; a second initialize gets -32600 with retry false', () => {
    const lifecycle = new Lifecycle();
    lifecycle.initialized();
    expect(lifecycle.phase).toBe('running');
    expect(lifecycle.refusal()).toBeNull();
    expect(answer(lifecycle.initializeRefusal())).toEqual({
      code: ErrorCodes.InvalidRequest,
      message: 'the server is already initialized: initialize may be sent only once',
      data: { retry: false },
    });
  });

  it('after shutdown: requests and initialize get -32600, and a late initialized notification does not revive the server', () => {
    const lifecycle = new Lifecycle();
    lifecycle.initialized();
    lifecycle.shutDown();
    lifecycle.initialized();
    expect(lifecycle.phase).toBe('shutDown');
    expect(answer(lifecycle.refusal())).toEqual(SHUT_DOWN);
    expect(answer(lifecycle.initializeRefusal())).toEqual({ ...SHUT_DOWN, data: { retry: false } });
  });

  it('a shutdown before initialize still refuses everything as shut down', () => {
    const lifecycle = new Lifecycle();
    lifecycle.shutDown();
    expect(answer(lifecycle.refusal())).toEqual(SHUT_DOWN);
  });

  it('a gated handler runs only while the server runs, with its arguments, and gives its answer back', () => {
    const lifecycle = new Lifecycle();
    const calls: number[][] = [];
    const hover = lifecycle.gate((line: number, character: number) => {
      calls.push([line, character]);
      return `at ${line}:${character}`;
    });
    expect(answer(hover(1, 2) as ResponseError<void>)).toEqual(NOT_INITIALIZED);
    lifecycle.initialized();
    expect(hover(3, 4)).toBe('at 3:4');
    lifecycle.shutDown();
    expect(answer(hover(5, 6) as ResponseError<void>)).toEqual(SHUT_DOWN);
    expect(calls).toEqual([[3, 4]]);
  });
});
