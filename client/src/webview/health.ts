// The training-health chart: ‖∂L/∂W‖/‖W‖ of every layer over the epochs (log axis), the picture of vanishing or exploding gradients, with the dead and saturated units of the snapshot shown (docs/editor.md "Training health").

import uPlot from 'uplot';
import type { Snapshot, TrainingView } from '../../../server/src/protocol';
import { epochMarker, replot, showLatest } from './curve';
import { formatNumber, healthColumns, unitsText } from './layout';
import type { Theme } from './theme';

export class HealthChart {
  private plot: uPlot | undefined;
  private shapeKey = '';
  private markerEpoch: number | null = null;
  private readonly chart = document.createElement('div');
  private readonly units = document.createElement('p');
  private readonly resizeObserver: ResizeObserver;

  constructor(
    private readonly container: HTMLElement,
    private readonly theme: Theme,
  ) {
    this.chart.className = 'nn-health-chart';
    this.units.className = 'nn-health-units muted';
    container.append(this.chart, this.units);
    this.resizeObserver = new ResizeObserver(() => this.plot?.setSize(this.size()));
    this.resizeObserver.observe(container);
  }

  /** Draws the view's measured snapshots; false when none was measured (the figure hides). */
  update(view: TrainingView): boolean {
    const columns = healthColumns(view);
    if (!columns) return false;
    const data: uPlot.AlignedData = [columns.epochs, ...columns.ratios];
    const key = columns.layers.join('\u0000');
    this.plot = replot(this.plot, key !== this.shapeKey, () => new uPlot(this.options(columns.layers), data, this.chart), data);
    this.shapeKey = key;
    showLatest(this.plot);
    return true;
  }

  /** The snapshot the slider shows: a marker at its epoch, and its dead and saturated units. */
  show(snapshot: Snapshot | undefined, latest: boolean): void {
    this.markerEpoch = snapshot && !latest ? snapshot.epoch : null;
    this.plot?.redraw(false);
    const lines = unitsText(snapshot);
    this.units.textContent = snapshot?.health
      ? lines.length > 0 ? lines.join(' · ') : 'no dead or saturated units at this epoch'
      : '';
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(240, this.container.clientWidth), height: 200 };
  }

  private options(layers: string[]): uPlot.Options {
    const t = this.theme;
    const palette = [t.training, t.validation, t.accuracy, t.validationAccuracy, t.foreground, t.error];
    const font = `12px ${t.fontFamily}`;
    const axis = (extra: uPlot.Axis): uPlot.Axis => ({ stroke: t.muted, font, labelFont: `600 12px ${t.fontFamily}`, grid: { stroke: t.grid, width: 1 }, ticks: { stroke: t.grid, width: 1 }, ...extra });
    const value = (_u: uPlot, v: number | null) => (v === null ? '–' : v.toExponential(1));
    return {
      ...this.size(),
      series: [
        { label: 'epoch', value: (_u, v) => (v === null ? '–' : String(v)) },
        ...layers.map((name, k): uPlot.Series => ({ label: name, stroke: palette[k % palette.length], width: 2, dash: k >= palette.length ? [5, 3] : undefined, value, points: { show: true, size: 4 } })),
      ],
      axes: [
        axis({ label: 'epoch', labelSize: 20 }),
        axis({ label: '‖∂L/∂W‖ / ‖W‖ (log)', labelSize: 22, size: 60, values: (_u, splits) => splits.map((v) => (v == null ? '' : formatNumber(v, 1))) }),
      ],
      scales: { x: { time: false }, y: { distr: 3, log: 10 } },
      legend: { live: true },
      hooks: { draw: [epochMarker(() => this.markerEpoch, t)] },
    };
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.plot?.destroy();
  }
}
