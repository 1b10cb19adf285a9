// Entry of the browser bundle dist/webview/panel.js: the live training panel inside VS Code, or the static report when opened from a file.

import 'uplot/dist/uPlot.min.css';
import './panel.css';
import type { TrainingView } from '../../../server/src/protocol';
import type { FromWebview, PanelState, ToWebview } from './messages';
import { RunView } from './runView';
import { mergeView } from './series';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

function startPanel(root: HTMLElement): void {
  const vscode = acquireVsCodeApi();
  const view = new RunView({
    onLayerClick: (line) => vscode.postMessage({ type: 'revealLine', line }),
    onTrain: () => vscode.postMessage({ type: 'train' }),
    onStop: () => vscode.postMessage({ type: 'stop' }),
    onStep: () => vscode.postMessage({ type: 'step' }),
    onReset: () => vscode.postMessage({ type: 'reset' }),
  });
  const notice = document.createElement('p');
  notice.className = 'nn-notice';
  notice.hidden = true;
  root.append(notice, view.element);
  // Every message is merged as it comes; drawing waits for the next animation frame, so
  // however many arrive, the panel draws at most once a frame and only the latest.
  let held: TrainingView | null = null;
  let frame: number | undefined;
  const draw = () => {
    frame = undefined;
    if (held) view.update(held);
  };
  window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
    const message = event.data;
    switch (message.type) {
      case 'view': {
        notice.hidden = true;
        const merged = mergeView(held, message.view);
        if (!merged) {
          vscode.postMessage({ type: 'resync' });
          break;
        }
        held = merged;
        frame ??= requestAnimationFrame(draw);
        vscode.setState({ uri: merged.uri, line: merged.status.line, index: merged.status.index });
        break;
      }
      case 'missing':
        notice.textContent = message.message;
        notice.hidden = false;
        break;
      case 'cursor':
        view.highlightLine(message.line);
        break;
    }
  });
  vscode.postMessage({ type: 'ready' });
}

function startReport(root: HTMLElement): void {
  const data = document.getElementById('nn-report-data');
  const views = JSON.parse(data?.textContent ?? '[]') as TrainingView[];
  for (const trainingView of views) {
    const view = new RunView();
    root.append(view.element);
    view.update(trainingView);
  }
}

const root = document.getElementById('nn-root');
if (root) {
  if (root.dataset.mode === 'panel' && typeof acquireVsCodeApi === 'function') startPanel(root);
  else startReport(root);
}
