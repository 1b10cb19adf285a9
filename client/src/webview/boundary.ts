// The decision boundary of a two-input network: its output over the data's box as a heatmap on a canvas, with the data points on top.

import type { TrainingView } from '../../../server/src/protocol';
import { boundaryColor, formatNumber, inputName, niceTicks } from './layout';
import type { Theme } from './theme';

const MARGIN = { left: 58, right: 12, top: 10, bottom: 42 };

export class BoundaryMap {
  private readonly canvas: HTMLCanvasElement;
  private readonly lattice: HTMLCanvasElement;
  private lastView: TrainingView | undefined;
  private lastBoundary: number[] | null = null;
  private readonly resizeObserver: ResizeObserver;

  constructor(
    private readonly container: HTMLElement,
    private readonly theme: Theme,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'nn-boundary';
    this.canvas.setAttribute('role', 'img');
    this.lattice = document.createElement('canvas');
    container.append(this.canvas);
    this.resizeObserver = new ResizeObserver(() => this.draw());
    this.resizeObserver.observe(container);
  }

  update(view: TrainingView, boundary: number[] | null): void {
    this.lastView = view;
    this.lastBoundary = boundary;
    this.draw();
  }

  private draw(): void {
    const view = this.lastView;
    if (!view || !view.box) return;
    const t = this.theme;
    const cssSize = Math.max(220, Math.min(380, this.container.clientWidth || 340));
    const ratio = window.devicePixelRatio || 1;
    this.canvas.style.width = `${cssSize}px`;
    this.canvas.style.height = `${cssSize}px`;
    this.canvas.width = Math.round(cssSize * ratio);
    this.canvas.height = Math.round(cssSize * ratio);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, cssSize, cssSize);

    const plot = {
      x: MARGIN.left,
      y: MARGIN.top,
      width: cssSize - MARGIN.left - MARGIN.right,
      height: cssSize - MARGIN.top - MARGIN.bottom,
    };
    const { xMin, xMax, yMin, yMax } = view.box;
    const toX = (x: number) => plot.x + ((x - xMin) / (xMax - xMin || 1)) * plot.width;
    const toY = (y: number) => plot.y + (1 - (y - yMin) / (yMax - yMin || 1)) * plot.height;

    const grid = view.grid;
    const oneHot = (view.classes?.length ?? 0) >= 2;
    const boundary = this.lastBoundary;
    if (boundary && grid > 0 && boundary.length === grid * grid) {
      this.lattice.width = grid;
      this.lattice.height = grid;
      const latticeContext = this.lattice.getContext('2d');
      if (latticeContext) {
        const image = latticeContext.createImageData(grid, grid);
        for (let cell = 0; cell < grid * grid; cell++) {
          // With one-hot classes the grid holds ŷ₁, the chance of the first class, whose points are drawn in
          // the class-0 colour: shade by 1 − ŷ₁ so region and points agree.
          const value = oneHot ? 1 - boundary[cell] : boundary[cell];
          const [r, g, b] = boundaryColor(value, t.rgb.negative, t.rgb.positive, t.rgb.background);
          image.data.set([r, g, b, 255], cell * 4);
        }
        latticeContext.putImageData(image, 0, 0);
        ctx.imageSmoothingEnabled = true;
        ctx.imageSmoothingQuality = 'high';
        ctx.drawImage(this.lattice, plot.x, plot.y, plot.width, plot.height);
      }
    } else {
      ctx.fillStyle = t.background;
      ctx.fillRect(plot.x, plot.y, plot.width, plot.height);
    }

    ctx.strokeStyle = t.border;
    ctx.lineWidth = 1;
    ctx.strokeRect(plot.x + 0.5, plot.y + 0.5, plot.width - 1, plot.height - 1);

    // Points: the class colour, outlined in the background colour so they stand out on either side of the boundary.
    const radius = (view.points?.length ?? 0) > 400 ? 2.5 : 3.5;
    for (const point of view.points ?? []) {
      ctx.beginPath();
      ctx.arc(toX(point.x), toY(point.y), radius, 0, Math.PI * 2);
      ctx.fillStyle = point.label >= 0.5 ? t.positive : t.negative;
      ctx.fill();
      ctx.lineWidth = 1.2;
      ctx.strokeStyle = t.background;
      ctx.stroke();
    }

    // Axes: round ticks inside the box, and the inputs' names.
    ctx.fillStyle = t.muted;
    ctx.strokeStyle = t.muted;
    ctx.lineWidth = 1;
    ctx.font = `11px ${t.fontFamily}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const x of niceTicks(xMin, xMax, 4)) {
      const px = Math.round(toX(x)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(px, plot.y + plot.height);
      ctx.lineTo(px, plot.y + plot.height + 4);
      ctx.stroke();
      ctx.fillText(formatNumber(x, 3), px, plot.y + plot.height + 6);
    }
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const y of niceTicks(yMin, yMax, 4)) {
      const py = Math.round(toY(y)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(plot.x - 4, py);
      ctx.lineTo(plot.x, py);
      ctx.stroke();
      ctx.fillText(formatNumber(y, 3), plot.x - 6, py);
    }
    ctx.fillStyle = t.foreground;
    ctx.font = `600 12px ${t.fontFamily}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillText(inputName(view.inputNames, 0), plot.x + plot.width / 2, cssSize - 4);
    ctx.save();
    ctx.translate(11, plot.y + plot.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(inputName(view.inputNames, 1), 0, 0);
    ctx.restore();
    this.canvas.setAttribute(
      'aria-label',
      `decision boundary over ${inputName(view.inputNames, 0)} and ${inputName(view.inputNames, 1)} with ${view.points?.length ?? 0} data points`,
    );
  }

  dispose(): void {
    this.resizeObserver.disconnect();
  }
}
