// Every weight and bias of the shown snapshot as numbers, one table per layer (W⁽ᵏ⁾ rows are units j, columns inputs i, then b): the panel's "Show all weights".

import type { PanelLayer } from '../../../server/src/protocol';
import { formatNumber, inputName, mixRgb, subscript, superscript } from './layout';
import type { Theme } from './theme';

/** Cells per table before it stops: a DOM table of a 784-input layer would freeze the panel. */
const MAX_CELLS = 6000;

export class WeightTables {
  private readonly root: HTMLDivElement;
  private key = '';
  private readonly details = new Map<number, HTMLDetailsElement>();
  private highlightedLine: number | null = null;

  constructor(
    container: HTMLElement,
    private readonly theme: Theme,
  ) {
    this.root = document.createElement('div');
    this.root.className = 'nn-weights';
    container.append(this.root);
  }

  /** Redraws only when the snapshot changes (the panel updates 10 times a second while training). */
  update(inputNames: readonly string[], layers: readonly PanelLayer[], epoch: number): void {
    const key = `${epoch}|${layers.map((l) => `${l.name}:${l.units}x${l.inputs}:${l.weights[0]}:${l.biases[0]}`).join('|')}`;
    if (key === this.key) return;
    this.key = key;
    const open = new Set([...this.details].filter(([, d]) => d.open).map(([k]) => k));
    this.details.clear();
    this.root.replaceChildren(...layers.map((layer, k) => this.table(inputNames, layers, layer, k, open.has(k))));
    this.highlight(this.highlightedLine);
  }

  /** Opens the table of the layer declared on this line (the editor's cursor). */
  highlight(line: number | null): void {
    this.highlightedLine = line;
    for (const details of this.details.values()) {
      const matches = line !== null && Number(details.dataset.line) === line;
      details.classList.toggle('highlighted', matches);
      if (matches) {
        details.open = true;
        this.fill(details);
      }
    }
  }

  /** Tables are built when opened: while a run trains, closed ones cost nothing per update. */
  private readonly fillers = new WeakMap<HTMLDetailsElement, () => void>();

  private fill(details: HTMLDetailsElement): void {
    const filler = this.fillers.get(details);
    if (!filler) return;
    this.fillers.delete(details);
    filler();
  }

  private table(inputNames: readonly string[], layers: readonly PanelLayer[], layer: PanelLayer, k: number, open: boolean): HTMLDetailsElement {
    const details = document.createElement('details');
    details.dataset.line = String(layer.line);
    details.open = open;
    const summary = document.createElement('summary');
    const n = k + 1;
    summary.textContent = `W⁽${superscript(n)}⁾ and b⁽${superscript(n)}⁾ of ${layer.name}: ${layer.units} × ${layer.inputs} ${layer.units * layer.inputs === 1 ? 'weight' : 'weights'}, ${layer.units} ${layer.units === 1 ? 'bias' : 'biases'}`;
    details.append(summary);
    this.details.set(k, details);
    this.fillers.set(details, () => this.fillTable(details, inputNames, layers, layer, k));
    details.addEventListener('toggle', () => {
      if (details.open) this.fill(details);
    });
    if (open) this.fill(details);
    return details;
  }

  private fillTable(details: HTMLDetailsElement, inputNames: readonly string[], layers: readonly PanelLayer[], layer: PanelLayer, k: number): void {
    const rows = Math.min(layer.units, Math.max(1, Math.floor(MAX_CELLS / (layer.inputs + 1))));
    const columns = Math.min(layer.inputs, MAX_CELLS);
    let max = 0;
    for (const w of layer.weights) if (Number.isFinite(w)) max = Math.max(max, Math.abs(w));
    for (const b of layer.biases) if (Number.isFinite(b)) max = Math.max(max, Math.abs(b));

    const table = document.createElement('table');
    table.className = 'nn-matrix';
    const head = table.createTHead().insertRow();
    head.append(document.createElement('th'));
    const source = (i: number) => (k === 0 ? inputName(inputNames, i) : `${layers[k - 1].name}${subscript(i + 1)}`);
    for (let i = 0; i < columns; i++) {
      const th = document.createElement('th');
      th.textContent = source(i);
      head.append(th);
    }
    const biasHead = document.createElement('th');
    biasHead.textContent = 'b';
    biasHead.className = 'bias-column';
    head.append(biasHead);

    const body = table.createTBody();
    for (let j = 0; j < rows; j++) {
      const row = body.insertRow();
      const name = document.createElement('th');
      name.textContent = `${layer.name}${subscript(j + 1)}`;
      row.append(name);
      for (let i = 0; i < columns; i++) row.append(this.cell(layer.weights[j * layer.inputs + i], max));
      const bias = this.cell(layer.biases[j], max);
      bias.classList.add('bias-column');
      row.append(bias);
    }
    const scroller = document.createElement('div');
    scroller.className = 'nn-matrix-scroll';
    scroller.append(table);
    details.append(scroller);
    if (rows < layer.units || columns < layer.inputs) {
      const note = document.createElement('p');
      note.className = 'muted';
      note.textContent = `Showing ${rows} of ${layer.units} units and ${columns} of ${layer.inputs} inputs; \`nn export\` writes every weight as JSON.`;
      details.append(note);
    }
  }

  private cell(value: number, max: number): HTMLTableCellElement {
    const td = document.createElement('td');
    td.textContent = formatNumber(value, 3);
    const strength = max > 0 && Number.isFinite(value) ? Math.abs(value) / max : 0;
    const [r, g, b] = mixRgb(this.theme.rgb.background, value >= 0 ? this.theme.rgb.positive : this.theme.rgb.negative, 0.5 * strength);
    // CSSOM, not a style attribute: the panel's CSP refuses inline styles.
    td.style.backgroundColor = `rgb(${r},${g},${b})`;
    return td;
  }
}
