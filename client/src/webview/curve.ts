// The loss curve: training and validation loss (log axis when it can), accuracy on a second axis, drawn with uPlot in theme colours.

import uPlot from 'uplot';
import type { TrainingView } from '../../../server/src/protocol';
import { curveColumns, formatNumber, formatPercent } from './layout';
import type { Theme } from './theme';

export class LossCurve {
  private plot: uPlot | undefined;
  private shapeKey = '';
  private markerEpoch: number | null = null;
  /** With patience (docs/language.md §7.4): the best epoch so far, or the epoch whose weights the run kept. */
  private keptEpoch: number | null = null;
  private keptFinal = false;
  private readonly resizeObserver: ResizeObserver;

  constructor(
    private readonly container: HTMLElement,
    private readonly theme: Theme,
  ) {
    this.resizeObserver = new ResizeObserver(() => {
      if (this.plot) this.plot.setSize(this.size());
    });
    this.resizeObserver.observe(container);
  }

  update(view: TrainingView): void {
    const columns = curveColumns(view);
    const best = view.status.bestEpoch;
    this.keptEpoch = best !== undefined && best > 0 ? best : null;
    this.keptFinal = view.status.phase !== 'running' && view.status.phase !== 'queued';
    const data: uPlot.AlignedData = [
      columns.epochs,
      columns.loss,
      ...(columns.validationLoss ? [columns.validationLoss] : []),
      ...(columns.accuracy ? [columns.accuracy] : []),
      ...(columns.validationAccuracy ? [columns.validationAccuracy] : []),
    ];
    // The series set (and log or linear axis) decides the chart's options; rebuild only when it changes.
    const key = [!!columns.validationLoss, !!columns.accuracy, !!columns.validationAccuracy, columns.logScale].join();
    this.plot = replot(this.plot, key !== this.shapeKey, () => new uPlot(this.options(columns), data, this.container), data);
    this.shapeKey = key;
    this.showLatestInLegend();
  }

  /** Without a cursor over the chart, the legend shows the last epoch's numbers rather than dashes. */
  private showLatestInLegend(): void {
    if (this.plot) showLatest(this.plot);
  }

  /** A vertical line at the epoch the snapshot slider shows. */
  setMarker(epoch: number | null): void {
    this.markerEpoch = epoch;
    this.plot?.redraw(false);
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(240, this.container.clientWidth), height: 290 };
  }

  private options(columns: ReturnType<typeof curveColumns>): uPlot.Options {
    const t = this.theme;
    const font = `12px ${t.fontFamily}`;
    const axis = (extra: uPlot.Axis): uPlot.Axis => ({
      stroke: t.muted,
      font,
      labelFont: `600 12px ${t.fontFamily}`,
      grid: { stroke: t.grid, width: 1 },
      ticks: { stroke: t.grid, width: 1 },
      ...extra,
    });
    const lossValue = (_u: uPlot, v: number | null) => (v === null ? '–' : formatNumber(v));
    const percentValue = (_u: uPlot, v: number | null) => (v === null ? '–' : formatPercent(v));
    const series: uPlot.Series[] = [
      { label: 'epoch', value: (_u, v) => (v === null ? '–' : String(v)) },
      { label: 'training loss', stroke: t.training, width: 2, scale: 'loss', value: lossValue, spanGaps: false },
    ];
    if (columns.validationLoss) {
      series.push({ label: 'validation loss', stroke: t.validation, width: 2, scale: 'loss', value: lossValue });
    }
    if (columns.accuracy) {
      series.push({ label: 'accuracy', stroke: t.accuracy, width: 1.5, dash: [6, 4], scale: 'acc', value: percentValue });
    }
    if (columns.validationAccuracy) {
      series.push({
        label: 'validation accuracy',
        stroke: t.validationAccuracy,
        width: 1.5,
        dash: [2, 3],
        scale: 'acc',
        value: percentValue,
      });
    }
    const hasAccuracy = !!(columns.accuracy || columns.validationAccuracy);
    const axes: uPlot.Axis[] = [
      axis({ label: 'epoch', labelSize: 20, values: (_u, splits) => splits.map((v) => (v == null ? '' : v >= 10000 ? `${v / 1000}k` : String(v))) }),
      axis({
        scale: 'loss',
        label: columns.logScale ? 'loss (log scale)' : 'loss',
        labelSize: 22,
        size: 60,
        // uPlot hands null for log-axis ticks it leaves unlabelled.
        values: (_u, splits) => splits.map((v) => (v == null ? '' : formatNumber(v, 2))),
      }),
    ];
    if (hasAccuracy) {
      axes.push(
        axis({
          scale: 'acc',
          side: 1,
          label: 'accuracy',
          labelSize: 22,
          size: 50,
          grid: { show: false },
          values: (_u, splits) => splits.map((v) => (v == null ? '' : `${Math.round(v * 100)}%`)),
        }),
      );
    }
    return {
      ...this.size(),
      series,
      axes,
      scales: {
        x: { time: false },
        loss: columns.logScale ? { distr: 3, log: 10 } : { auto: true },
        acc: { auto: false, range: [0, 1] },
      },
      legend: { live: true },
      cursor: { drag: { x: true, y: false }, points: { size: 7 } },
      hooks: {
        setCursor: [
          (u: uPlot) => {
            if ((u.cursor.left ?? -1) < 0 && u.data[0].length > 0) queueMicrotask(() => this.showLatestInLegend());
          },
        ],
        draw: [(u: uPlot) => this.drawKept(u), epochMarker(() => this.markerEpoch, t)],
      },
    };
  }

  /** A solid line at the kept (or, while training, the best) epoch, labelled at the top: patience's choice on the curve. */
  private drawKept(u: uPlot): void {
    if (this.keptEpoch === null) return;
    const t = this.theme;
    const x = u.valToPos(this.keptEpoch, 'x', true);
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = t.validation;
    ctx.fillStyle = t.validation;
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.font = `${11 * devicePixelRatio}px ${t.fontFamily}`;
    ctx.textBaseline = 'top';
    const label = `${this.keptFinal ? 'kept' : 'best'}: epoch ${this.keptEpoch}`;
    const width = ctx.measureText(label).width;
    // Right of the line, or left of it where it would run off the plot.
    const left = x + 4 * devicePixelRatio + width > u.bbox.left + u.bbox.width ? x - 4 * devicePixelRatio - width : x + 4 * devicePixelRatio;
    ctx.fillText(label, left, u.bbox.top + 2 * devicePixelRatio);
    ctx.restore();
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.plot?.destroy();
  }
}

/** A uPlot draw hook: a dashed vertical line at the epoch the snapshot slider shows (none when null). */
export function epochMarker(epoch: () => number | null, t: Theme): (u: uPlot) => void {
  return (u) => {
    const at = epoch();
    if (at === null) return;
    const x = u.valToPos(at, 'x', true);
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = t.focus;
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.restore();
  };
}

/** The chart with new data: a new one (the old destroyed) when its shape changed or there is none, else the same with `data`. */
export function replot(plot: uPlot | undefined, reshaped: boolean, create: () => uPlot, data: uPlot.AlignedData): uPlot {
  if (plot && !reshaped) {
    plot.setData(data);
    return plot;
  }
  plot?.destroy();
  return create();
}

/** Without a cursor over the chart, its legend shows the last point's numbers rather than dashes. */
export function showLatest(plot: uPlot): void {
  if ((plot.cursor.left ?? -1) >= 0) return;
  const count = plot.data[0].length;
  if (count > 0) plot.setLegend({ idx: count - 1 });
}
