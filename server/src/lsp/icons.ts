// Lens titles and hover links with VS Code's codicons where the client draws them, plain words where it would not (Neovim shows `$(play)` as written).

import type { ClientFeatures } from './state';

/** The codicons the server's titles use (https://microsoft.github.io/vscode-codicons/). */
export type Codicon = 'play' | 'debug-step-over' | 'debug-restart' | 'debug-stop' | 'graph-line' | 'pulse' | 'export' | 'check' | 'pass' | 'error' | 'circle-slash' | 'loading~spin';

/** `$(play) Train` for a client that draws codicons; `Train` otherwise. */
export function iconTitle(client: ClientFeatures, icon: Codicon, words: string): string {
  return client.icons ? `$(${icon}) ${words}` : words;
}
