// The classification detail of a run: its confusion matrices (training and validation) with per-class precision and recall, named by `onehot`'s labels (docs/editor.md "The training panel").

import type { Confusion } from '../../../server/src/protocol';
import { classScores, formatPercent } from './layout';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Draws `confusion` into `host` (emptied first): one table per part. */
export function renderConfusion(host: HTMLElement, confusion: Confusion): void {
  const parts: [string, number[][] | null][] = [['training', confusion.training], ['validation', confusion.validation]];
  host.replaceChildren(...parts.filter(([, matrix]) => matrix !== null).map(([name, matrix]) => table(name, confusion.classes, matrix!)));
}

function table(part: string, classes: readonly string[], matrix: number[][]): HTMLTableElement {
  const scores = classScores(matrix);
  const total = matrix.reduce((sum, row) => sum + row.reduce((a, b) => a + b, 0), 0);
  const most = Math.max(1, ...matrix.flat());
  const t = element('table', 'nn-confusion');
  t.append(element('caption', undefined, `${part}: ${total} rows · rows are the true class, columns the predicted one`));
  const head = element('tr');
  head.append(element('th', 'corner', 'true \\ predicted'), ...classes.map((name) => element('th', 'class', name)), element('th', 'score', 'precision'), element('th', 'score', 'recall'));
  t.append(head);
  matrix.forEach((row, c) => {
    const tr = element('tr');
    tr.append(element('th', 'class', classes[c] ?? String(c)));
    row.forEach((count, p) => {
      const cell = element('td', p === c ? 'right' : count > 0 ? 'wrong' : 'zero', String(count));
      // Shade by the count, so the diagonal of a good classifier stands out.
      cell.style.setProperty('--share', (count / most).toFixed(3));
      tr.append(cell);
    });
    const { precision, recall } = scores[c];
    tr.append(element('td', 'score', precision === null ? '–' : formatPercent(precision)), element('td', 'score', recall === null ? '–' : formatPercent(recall)));
    t.append(tr);
  });
  return t;
}
