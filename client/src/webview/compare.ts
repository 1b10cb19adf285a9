// "Compare runs": every run of the file's loss curves (and validation curves) on one chart, each named by its line, so "with and without dropout" or "seed 1 vs seed 2" is one picture (docs/editor.md "The training panel").

import uPlot from 'uplot';
import type { RunCurve } from '../../../server/src/protocol';
import { replot, showLatest } from './curve';
import { compareColumns, formatNumber } from './layout';
import type { Theme } from './theme';

export class CompareChart {
  private plot: uPlot | undefined;
  private shapeKey = '';
  private readonly resizeObserver: ResizeObserver;

  constructor(
    private readonly container: HTMLElement,
    private readonly theme: Theme,
  ) {
    this.resizeObserver = new ResizeObserver(() => this.plot?.setSize(this.size()));
    this.resizeObserver.observe(container);
  }

  update(runs: readonly RunCurve[]): void {
    const columns = compareColumns(runs);
    const data: uPlot.AlignedData = [columns.epochs, ...columns.series.map((s) => s.values)];
    const key = [...columns.series.map((s) => s.label), columns.logScale].join('\u0000');
    this.plot = replot(this.plot, key !== this.shapeKey, () => new uPlot(this.options(columns), data, this.container), data);
    this.shapeKey = key;
    showLatest(this.plot);
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(240, this.container.clientWidth), height: 290 };
  }

  private options(columns: ReturnType<typeof compareColumns>): uPlot.Options {
    const t = this.theme;
    const palette = [t.training, t.validation, t.accuracy, t.validationAccuracy, t.error, t.foreground];
    const font = `12px ${t.fontFamily}`;
    const axis = (extra: uPlot.Axis): uPlot.Axis => ({ stroke: t.muted, font, labelFont: `600 12px ${t.fontFamily}`, grid: { stroke: t.grid, width: 1 }, ticks: { stroke: t.grid, width: 1 }, ...extra });
    const value = (_u: uPlot, v: number | null) => (v === null ? '–' : formatNumber(v));
    return {
      ...this.size(),
      series: [
        { label: 'epoch', value: (_u, v) => (v === null ? '–' : String(v)) },
        // A run keeps its colour; its validation curve is dashed.
        ...columns.series.map((s): uPlot.Series => ({ label: s.label, stroke: palette[s.run % palette.length], width: s.validation ? 1.5 : 2, dash: s.validation ? [6, 4] : undefined, value, spanGaps: true })),
      ],
      axes: [
        axis({ label: 'epoch', labelSize: 20 }),
        axis({ label: columns.logScale ? 'loss (log scale)' : 'loss', labelSize: 22, size: 60, values: (_u, splits) => splits.map((v) => (v == null ? '' : formatNumber(v, 2))) }),
      ],
      scales: { x: { time: false }, y: columns.logScale ? { distr: 3, log: 10 } : { auto: true } },
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.plot?.destroy();
  }
}
