// The network diagram in SVG: a node per unit, an edge per weight coloured by sign and as thick as |w|, biases on the nodes, W_ji on hover.

import type { PanelLayer, UnitPictures } from '../../../server/src/protocol';
import {
  biasLabel,
  edgeWidth,
  formatNumber,
  inputName,
  inputPlane,
  layoutDiagram,
  maxAbsBias,
  maxAbsWeight,
  mixRgb,
  subscript,
  superscript,
  unitPixels,
  type EdgeLayout,
} from './layout';
import type { Theme } from './theme';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

interface EdgeElements {
  edge: EdgeLayout;
  line: SVGLineElement;
}

interface NodeElements {
  column: number;
  unit: number;
  circle: SVGCircleElement;
  label: SVGTextElement | null;
  /** The unit's picture, clipped to its circle (hidden without one), and the picture's data URL for the enlarged hover. */
  picture: SVGImageElement;
  pictureUrl: string | null;
}

/** Numbers the diagrams of one page have given their clip paths, so two panels' ids never meet. */
let clipIds = 0;

export interface DiagramOptions {
  /** Clicking a layer's column: reveal its `layer` line in the editor. */
  onLayerClick?: (line: number) => void;
}

export class NetworkDiagram {
  private readonly root: SVGSVGElement;
  private readonly tooltip: HTMLDivElement;
  /** The edge under the pointer, whose tooltip follows live updates. */
  private hoveredEdge: EdgeLayout | null = null;
  private topologyKey = '';
  private edges: EdgeElements[] = [];
  private nodes: NodeElements[] = [];
  private columns = new Map<number, SVGGElement>();
  private layers: readonly PanelLayer[] = [];
  private inputNames: readonly string[] = [];
  private highlightedLine: number | null = null;
  private layoutWidth = 0;
  private epoch = 0;
  private classes: readonly string[] | null = null;
  private units: UnitPictures | null = null;
  /** The node under the pointer, whose enlarged picture follows live updates. */
  private hoveredNode: NodeElements | null = null;
  private readonly canvas = document.createElement('canvas');
  private readonly resizeObserver: ResizeObserver;

  constructor(
    private readonly container: HTMLElement,
    private readonly theme: Theme,
    private readonly options: DiagramOptions = {},
  ) {
    this.root = svg('svg', { class: 'nn-diagram', role: 'img' });
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'nn-tooltip';
    this.tooltip.hidden = true;
    container.append(this.root, this.tooltip);
    container.classList.add('nn-diagram-host');
    // The drawing is laid out at the panel's real width, so its text keeps its size in a narrow panel.
    this.resizeObserver = new ResizeObserver(() => {
      if (this.layers.length > 0 && this.width() !== this.layoutWidth) {
        this.build();
        this.paint();
      }
    });
    this.resizeObserver.observe(container);
  }

  private width(): number {
    return Math.max(360, Math.round(this.container.clientWidth || 900));
  }

  /** `epoch` is the snapshot's: its layers' weightGradient and lastUpdate are those of the last update by then. */
  update(inputNames: readonly string[], layers: readonly PanelLayer[], epoch = 0, classes: readonly string[] | null = null, units: UnitPictures | null = null): void {
    this.units = units;
    // Compared by content: every message brings a fresh array.
    if ((classes ?? []).join('\u0000') !== (this.classes ?? []).join('\u0000')) this.topologyKey = '';
    this.classes = classes;
    this.epoch = epoch;
    this.layers = layers;
    this.inputNames = inputNames;
    const key = `${inputNames.join(',')}|${layers.map((l) => `${l.name}:${l.inputs}x${l.units}:${l.activation}:${l.line}`).join('|')}`;
    if (key !== this.topologyKey) {
      this.topologyKey = key;
      this.build();
    }
    this.paint();
  }

  /** Emphasises the layer whose `layer` statement is on this 0-based line (the editor's cursor). */
  highlight(line: number | null): void {
    this.highlightedLine = line;
    for (const [column, group] of this.columns) {
      const layer = this.layers[column - 1];
      group.classList.toggle('highlighted', line !== null && layer !== undefined && layer.line === line);
    }
  }

  private build(): void {
    this.hoveredEdge = null;
    this.hoveredNode = null;
    this.hideTooltip();
    this.root.replaceChildren();
    this.edges = [];
    this.nodes = [];
    this.columns.clear();
    this.layoutWidth = this.width();
    const outputs = this.layers.at(-1)?.units ?? 0;
    const outputLabels = Array.from({ length: outputs }, (_, unit) => this.outputLabel(unit, outputs));
    const layout = layoutDiagram(this.inputNames, this.layers, this.layoutWidth, outputLabels);
    const columnWidth = Math.min(104, (layout.columns.length > 1 ? layout.columns[1].x - layout.columns[0].x : 200) * 0.8);
    this.root.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
    this.root.setAttribute('aria-label', `network diagram: ${layout.columns.map((c) => `${c.label} ${c.units}`).join(', ')}`);

    const columnLayer = svg('g');
    const edgeLayer = svg('g', { class: 'edges' });
    const nodeLayer = svg('g', { class: 'nodes' });
    const defs = svg('defs');
    this.root.append(defs, columnLayer, edgeLayer, nodeLayer);

    for (const column of layout.columns) {
      const group = svg('g', { class: column.line === null ? 'column input' : 'column layer' });
      const lastY = column.nodes[column.nodes.length - 1]?.y ?? 0;
      const background = svg('rect', {
        class: 'column-bg',
        x: column.x - columnWidth / 2,
        y: 6,
        width: columnWidth,
        height: Math.max(lastY + 30, layout.height - 12) - 6,
        rx: 8,
      });
      const title = svg('text', { class: 'column-title', x: column.x, y: 24, 'text-anchor': 'middle' });
      title.textContent = column.label;
      const detail = svg('text', { class: 'column-detail', x: column.x, y: 40, 'text-anchor': 'middle' });
      detail.textContent = column.detail;
      group.append(background, title, detail);
      if (column.shown < column.units) {
        const more = svg('text', { class: 'column-detail', x: column.x, y: lastY + 26, 'text-anchor': 'middle' });
        more.textContent = `+${column.units - column.shown} more`;
        group.append(more);
      }
      if (column.line !== null) {
        const line = column.line;
        const tip = svg('title');
        tip.textContent = `layer ${column.label} (line ${line + 1}) — click to show it in the editor`;
        group.append(tip);
        group.addEventListener('click', () => this.options.onLayerClick?.(line));
        if (this.options.onLayerClick) {
          // Reachable from the keyboard too: Tab to a layer, Enter shows it in the editor.
          group.setAttribute('tabindex', '0');
          group.setAttribute('role', 'button');
          group.setAttribute('aria-label', `layer ${column.label}, ${column.detail}: show line ${line + 1} in the editor`);
          group.addEventListener('keydown', (event) => {
            if (event.key === 'Enter' || event.key === ' ') {
              event.preventDefault();
              this.options.onLayerClick?.(line);
            }
          });
        }
      }
      columnLayer.append(group);
      this.columns.set(column.column, group);
    }

    for (const edge of layout.edges) {
      const from = layout.columns[edge.layer - 1].nodes[edge.from];
      const to = layout.columns[edge.layer].nodes[edge.to];
      const coordinates = { x1: from.x + layout.radius, y1: from.y, x2: to.x - layout.radius, y2: to.y };
      const line = svg('line', { class: 'edge', ...coordinates });
      // A wide transparent twin makes thin edges easy to hover.
      const hit = svg('line', { class: 'edge-hit', ...coordinates });
      const elements = { edge, line };
      hit.addEventListener('mouseenter', (e) => {
        line.classList.add('hovered');
        this.hoveredEdge = edge;
        this.showTooltip(e, this.edgeTooltip(edge));
      });
      hit.addEventListener('mousemove', (e) => this.moveTooltip(e));
      hit.addEventListener('mouseleave', () => {
        line.classList.remove('hovered');
        this.hoveredEdge = null;
        this.hideTooltip();
      });
      edgeLayer.append(line);
      this.edges.push(elements);
      edgeLayer.append(hit);
    }

    const lastColumn = layout.columns.length - 1;
    for (const column of layout.columns) {
      for (const node of column.nodes) {
        const circle = svg('circle', { class: 'node', cx: node.x, cy: node.y, r: layout.radius });
        // The unit's picture fills its circle (Playground's thumbnails), above the bias tint and under its label.
        const clip = `nn-unit-clip-${++clipIds}`;
        const clipPath = svg('clipPath', { id: clip });
        clipPath.append(svg('circle', { cx: node.x, cy: node.y, r: layout.radius - 1 }));
        defs.append(clipPath);
        const r = layout.radius;
        const picture = svg('image', { class: 'unit-picture', x: node.x - r, y: node.y - r, width: 2 * r, height: 2 * r, 'clip-path': `url(#${clip})`, preserveAspectRatio: 'none' });
        picture.style.display = 'none';
        nodeLayer.append(circle, picture);
        let label: SVGTextElement | null = null;
        if (column.column > 0 && layout.radius >= 13) {
          label = svg('text', { class: 'bias', x: node.x, y: node.y + 3.5, 'text-anchor': 'middle' });
          nodeLayer.append(label);
        }
        if (column.column === 0) {
          const name = svg('text', { class: 'unit-name', x: node.x - layout.radius - 8, y: node.y + 4, 'text-anchor': 'end' });
          name.textContent = inputName(this.inputNames, node.unit);
          nodeLayer.append(name);
        } else if (column.column === lastColumn) {
          const name = svg('text', { class: 'unit-name', x: node.x + layout.radius + 8, y: node.y + 4 });
          name.textContent = this.outputLabel(node.unit, column.units);
          nodeLayer.append(name);
        }
        const nodeElements: NodeElements = { column: column.column, unit: node.unit, circle, label, picture, pictureUrl: null };
        for (const target of [circle, picture, ...(label ? [label] : [])] as SVGElement[]) {
          target.addEventListener('mouseenter', (e: MouseEvent) => {
            this.hoveredNode = nodeElements;
            this.showTooltip(e, this.nodeTooltip(nodeElements));
          });
          target.addEventListener('mousemove', (e: MouseEvent) => this.moveTooltip(e));
          target.addEventListener('mouseleave', () => {
            this.hoveredNode = null;
            this.hideTooltip();
          });
        }
        this.nodes.push(nodeElements);
      }
    }
    this.highlight(this.highlightedLine);
  }

  /** ŷ, or ŷ₁ ŷ₂ … with the class each output stands for (`target … onehot`). */
  private outputLabel(unit: number, outputs: number): string {
    if (outputs <= 1) return 'ŷ';
    const label = this.classes?.[unit];
    return label !== undefined ? `ŷ${subscript(unit + 1)} ${label}` : `ŷ${subscript(unit + 1)}`;
  }

  /** Colours, widths and bias labels for the current weights (cheap; runs on every update). */
  private paint(): void {
    // While a run trains the numbers under the pointer change: keep the open tooltip current.
    if (this.hoveredEdge && !this.tooltip.hidden) this.tooltip.innerHTML = this.edgeTooltip(this.hoveredEdge);
    const t = this.theme;
    const maxW = maxAbsWeight(this.layers);
    const maxB = maxAbsBias(this.layers);
    for (const { edge, line } of this.edges) {
      const w = this.layers[edge.layer - 1]?.weights[edge.index] ?? 0;
      line.setAttribute('stroke', w >= 0 ? t.positive : t.negative);
      line.setAttribute('stroke-width', edgeWidth(w, maxW).toFixed(2));
      const strength = maxW > 0 && Number.isFinite(w) ? Math.abs(w) / maxW : 0;
      line.setAttribute('stroke-opacity', (0.25 + 0.7 * strength).toFixed(2));
    }
    for (const node of this.nodes) {
      if (node.column === 0) {
        node.circle.setAttribute('fill', t.background);
        continue;
      }
      const b = this.layers[node.column - 1]?.biases[node.unit] ?? 0;
      const tint = b >= 0 ? t.rgb.positive : t.rgb.negative;
      const strength = maxB > 0 && Number.isFinite(b) ? Math.abs(b) / maxB : 0;
      const [r, g, bl] = mixRgb(t.rgb.background, tint, 0.15 + 0.6 * strength);
      node.circle.setAttribute('fill', `rgb(${r},${g},${bl})`);
      if (node.label) {
        const text = biasLabel(b);
        node.label.textContent = text;
        // Four characters take a smaller type to stay inside the circle.
        node.label.classList.toggle('long', [...text].length >= 4);
      }
    }
    this.paintPictures();
  }

  /** Each shown unit's picture (and the inputs' own, for the input plane), or none when the snapshot has none. */
  private paintPictures(): void {
    const units = this.units;
    for (const node of this.nodes) {
      const url = units ? this.pictureUrl(units, node) : null;
      node.pictureUrl = url;
      node.picture.style.display = url ? '' : 'none';
      if (url) node.picture.setAttribute('href', url);
      // A picture leaves no room for the bias label: the hover names b.
      node.label?.classList.toggle('pictured', url !== null);
    }
    if (this.hoveredNode && !this.tooltip.hidden) this.tooltip.innerHTML = this.nodeTooltip(this.hoveredNode);
  }

  private pictureUrl(units: UnitPictures, node: NodeElements): string | null {
    const t = this.theme;
    const size = units.size;
    const canvas = this.canvas;
    const context = canvas.getContext('2d');
    if (!context) return null;
    if (units.kind === 'plane') {
      let values: readonly number[];
      let offset = 0;
      let activation = 'linear';
      if (node.column === 0) {
        if (node.unit > 1) return null;
        values = inputPlane(node.unit, size);
      } else {
        values = units.layers[node.column - 1] ?? [];
        offset = node.unit * size * size;
        activation = this.layers[node.column - 1]?.activation ?? 'linear';
        if (offset + size * size > values.length) return null;
      }
      canvas.width = size;
      canvas.height = size;
      const pixels = unitPixels(values, offset, size, activation, t.rgb.negative, t.rgb.positive, t.rgb.background);
      context.putImageData(new ImageData(pixels, size, size), 0, 0);
      return canvas.toDataURL();
    }
    if (node.column === 0) return null;
    const counts = units.layers[node.column - 1] ?? [];
    const offset = node.unit * size;
    if (offset + size > counts.length) return null;
    const most = Math.max(1, ...counts.slice(offset, offset + size));
    canvas.width = 48;
    canvas.height = 48;
    context.fillStyle = t.background;
    context.fillRect(0, 0, 48, 48);
    context.fillStyle = t.positive;
    const bar = 36 / size;
    for (let i = 0; i < size; i++) {
      const height = (counts[offset + i] / most) * 30;
      context.fillRect(6 + i * bar, 40 - height, Math.max(1, bar - 0.5), height);
    }
    return canvas.toDataURL();
  }

  private edgeTooltip(edge: EdgeLayout): string {
    const layer = this.layers[edge.layer - 1];
    if (!layer) return '';
    const k = superscript(edge.layer);
    const j = edge.to + 1;
    const i = edge.from + 1;
    const source = edge.layer === 1 ? inputName(this.inputNames, edge.from) : `${this.layers[edge.layer - 2].name} ${i}`;
    const name = `W⁽${k}⁾${subscript(j)}${subscript(i)}`;
    // W now, then the last single update that led here: its gradient and the step it took.
    const rows: [string, string][] = [[name, formatNumber(layer.weights[edge.index])]];
    if (this.epoch === 0 && !layer.lastUpdate) {
      rows.push(['last update', 'none yet (initial weights)']);
    } else {
      rows.push(['last update', `in epoch ${this.epoch}`]);
      const missing = 'not recorded';
      rows.push([`∂L/∂${name}`, layer.weightGradient ? formatNumber(layer.weightGradient[edge.index]) : missing]);
      rows.push([`Δ${name}`, layer.lastUpdate ? formatNumber(layer.lastUpdate[edge.index]) : missing]);
    }
    return tooltipHtml(`${source} → ${layer.name} ${j}`, rows);
  }

  private nodeTooltip(node: NodeElements): string {
    if (node.column === 0) return tooltipHtml(inputName(this.inputNames, node.unit), [['input', `x${subscript(node.unit + 1)}`]]) + this.enlarged(node);
    const layer = this.layers[node.column - 1];
    if (!layer) return '';
    const k = superscript(node.column);
    const rows: [string, string][] = [
      [`b⁽${k}⁾${subscript(node.unit + 1)}`, formatNumber(layer.biases[node.unit])],
      ['activation', layer.activation],
    ];
    const units = this.units;
    if (units?.kind === 'histogram' && node.pictureUrl) {
      const range = units.ranges?.[node.column - 1];
      if (range) rows.push([`a⁽${k}⁾${subscript(node.unit + 1)} on the training data`, `${formatNumber(range[2 * node.unit])} … ${formatNumber(range[2 * node.unit + 1])}`]);
    }
    return tooltipHtml(`${layer.name} ${node.unit + 1}`, rows) + this.enlarged(node);
  }

  /** The unit's picture, enlarged, with what it shows. */
  private enlarged(node: NodeElements): string {
    if (!node.pictureUrl || !this.units) return '';
    const what = this.units.kind === 'plane' ? 'output over the input plane (the boundary\u2019s box)' : 'histogram of its activations on the training data';
    return `<img class="nn-unit-enlarged" src="${node.pictureUrl}" width="128" height="128" alt="${escapeHtml(what)}"><div class="nn-unit-caption">${escapeHtml(what)}</div>`;
  }

  private showTooltip(event: MouseEvent, html: string): void {
    this.tooltip.innerHTML = html;
    this.tooltip.hidden = false;
    this.moveTooltip(event);
  }

  private moveTooltip(event: MouseEvent): void {
    const box = this.container.getBoundingClientRect();
    const x = event.clientX - box.left + 14;
    const y = event.clientY - box.top + 14;
    const maxX = box.width - this.tooltip.offsetWidth - 4;
    this.tooltip.style.left = `${Math.max(0, Math.min(x, maxX))}px`;
    this.tooltip.style.top = `${y}px`;
  }

  private hideTooltip(): void {
    this.tooltip.hidden = true;
  }

  dispose(): void {
    this.resizeObserver.disconnect();
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

function tooltipHtml(title: string, rows: [string, string][]): string {
  const body = rows
    .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  return `<div class="nn-tooltip-title">${escapeHtml(title)}</div><table>${body}</table>`;
}
