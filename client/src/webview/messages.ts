// Messages between the extension host and the training panel's webview (plain data, no DOM or vscode imports).

import type { TrainingView } from '../../../server/src/protocol';

/** Extension -> webview. */
export type ToWebview =
  /**
   * The run's current picture; sent at most 10 times a second. Its snapshots may be only
   * the new ones (TrainingView.after): merge them into the view held (series.ts).
   */
  | { type: 'view'; view: TrainingView }
  /** The run is gone (its block was deleted or no longer checks). */
  | { type: 'missing'; message: string }
  /** The editor's cursor is on this 0-based line (null: not on a layer line); the diagram highlights that layer. */
  | { type: 'cursor'; line: number | null };

/** Webview -> extension. */
export type FromWebview =
  | { type: 'ready' }
  /** A view did not fit what the webview holds: send the whole view again. */
  | { type: 'resync' }
  /** The user clicked a layer: show its `layer` line in the editor. */
  | { type: 'revealLine'; line: number }
  /** Buttons of the panel's header. */
  | { type: 'train' }
  | { type: 'stop' }
  /** One update (one batch): the Step button. */
  | { type: 'step' }
  /** Back to the initial weights (epoch 0): the Reset button. */
  | { type: 'reset' };

/** What the webview keeps with vscode.setState, so VS Code can restore the panel after a reload. */
export interface PanelState {
  uri: string;
  /** 0-based line of the run's `train` keyword, and its 1-based index in the file. */
  line: number;
  index: number;
}
