// Where the server stands in the protocol's lifecycle, and the error LSP prescribes for a request that comes out of order (docs/editor.md "The protocol's lifecycle").
//
// LSP: before `initialize` answers, every request gets error -32002 (ServerNotInitialized)
// and notifications are dropped, except `exit`; `initialize` is sent once; after
// `shutdown`, every request gets error -32600 (InvalidRequest) and only `exit` may follow,
// which ends the process with 0 when a shutdown was accepted, else 1.

import { ErrorCodes, ResponseError, type InitializeError } from 'vscode-languageserver';

/** Before `initialize`, between `initialize` and `shutdown`, after `shutdown`. */
export type LifecyclePhase = 'uninitialized' | 'running' | 'shutDown';

export class Lifecycle {
  private current: LifecyclePhase = 'uninitialized';

  get phase(): LifecyclePhase {
    return this.current;
  }

  /** The error a request other than `initialize` gets now, or null while the server runs. */
  refusal(): ResponseError<void> | null {
    if (this.current === 'uninitialized') {
      return new ResponseError(ErrorCodes.ServerNotInitialized, 'the server is not initialized yet: send initialize first');
    }
    if (this.current === 'shutDown') {
      return new ResponseError(ErrorCodes.InvalidRequest, 'the server has shut down: after shutdown only exit may be sent');
    }
    return null;
  }

  /** The error an `initialize` gets now (a second one, or one after shutdown), or null for the first. */
  initializeRefusal(): ResponseError<InitializeError> | null {
    if (this.current === 'uninitialized') return null;
    const message =
      this.current === 'running'
        ? 'the server is already initialized: initialize may be sent only once'
        : 'the server has shut down: after shutdown only exit may be sent';
    // retry false: sending it again will not help.
    return new ResponseError(ErrorCodes.InvalidRequest, message, { retry: false });
  }

  /** A request handler that answers only while the server runs, with the lifecycle's error otherwise. */
  gate<A extends unknown[], R>(handler: (...args: A) => R): (...args: A) => R | ResponseError<void> {
    return (...args) => this.refusal() ?? handler(...args);
  }

  initialized(): void {
    if (this.current === 'uninitialized') this.current = 'running';
  }

  shutDown(): void {
    this.current = 'shutDown';
  }
}
