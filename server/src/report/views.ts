// Turns runs the command line trained into the TrainingViews the report draws (the same shape nn/training gives the panel).

import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Dataset, RunSpec } from '../language/model';
import { LineIndex } from '../language/positions';
import { reportsOf, thinHistory } from '../nn/history';
import type { TrainResult } from '../nn/types';
import type { Confusion, CurvePoint, PanelLayer, Snapshot, TrainingView, UnitPictures } from '../protocol';
import { BOUNDARY_GRID, boundaryGrid, dataPoints } from '../present/boundary';
import { panelLayer, runCurve, snapshotLayers } from '../present/snapshots';
import { snapshotHealth, type RunHealth } from '../present/health';
import type { HealthMeasure } from '../nn/health';
import { runStatus } from '../present/summary';
import { runStateOf } from '../training/runState';
import { reportPieces } from './html';

/**
 * A run as `nn train --report` hands it over (structurally the CLI's TrainedRun). The
 * slider's snapshots are those its one training recorded (`result.snapshots`, asked for
 * with TrainControl.snapshots): the report never trains a run again to get them.
 */
export interface ReportRun {
  run: RunSpec;
  result: TrainResult;
  seconds: number;
  /** The file's runs, so a run is named by its line when it shares its network with another. */
  runs?: readonly RunSpec[];
  /** The health of the final weights, and of each of `result.snapshots` where measured (docs/editor.md "Training health"). */
  health?: RunHealth;
  snapshotHealth?: readonly (HealthMeasure | null)[];
  /** The per-unit pictures of each of `result.snapshots`, and of the final weights, drawn by the command line's trainer. */
  snapshotUnits?: readonly (UnitPictures | null)[];
  finalUnits?: UnitPictures | null;
  /** Classification runs: the final weights' confusion matrices. */
  confusion?: Confusion | null;
}

/** Curve points kept per run, as the editor keeps them. */
const CURVE_POINTS = 2000;

/**
 * Data points drawn per run: enough to show the data's shape. A set of millions would make a
 * page larger than a browser can read (its data is one string there, as here).
 */
export const REPORT_POINTS = 10_000;

/**
 * At most REPORT_POINTS rows of a two-input data set: evenly spaced, plus the rows where each
 * input is smallest and largest, so the box drawn around them is the whole set's.
 */
export function drawnRows(data: Dataset): Dataset {
  if (!sampled(data)) return data;
  const extremes = 4;
  const step = data.rows / (REPORT_POINTS - extremes);
  const chosen = new Set<number>();
  for (let k = 0; k < REPORT_POINTS - extremes; k++) chosen.add(Math.floor(k * step));
  for (let i = 0; i < 2; i++) {
    let smallest = 0;
    let largest = 0;
    for (let r = 1; r < data.rows; r++) {
      if (data.inputs[2 * r + i] < data.inputs[2 * smallest + i]) smallest = r;
      if (data.inputs[2 * r + i] > data.inputs[2 * largest + i]) largest = r;
    }
    chosen.add(smallest).add(largest);
  }
  const rows = [...chosen].sort((a, b) => a - b);
  const inputs = new Float64Array(rows.length * 2);
  const targets = new Float64Array(rows.length * data.targetWidth);
  rows.forEach((r, i) => {
    inputs.set(data.inputs.subarray(2 * r, 2 * r + 2), 2 * i);
    targets.set(data.targets.subarray(r * data.targetWidth, (r + 1) * data.targetWidth), i * data.targetWidth);
  });
  return { ...data, rows: rows.length, inputs, targets, rowSpans: null };
}

function sampled(data: Dataset): boolean {
  return data.inputWidth === 2 && data.rows > REPORT_POINTS;
}

export function trainingView(uri: string, text: string, report: ReportRun): TrainingView {
  const { run, result, seconds } = report;
  const lines = new LineIndex(text);
  const layerLines = run.network.layers.map((layer) => lines.lineOf(layer.span.start));
  const final = result.layers.map((layer, k) => panelLayer(layer, layerLines[k] ?? 0));
  const recorded = result.snapshots ?? [];
  // As in the editor: each snapshot shows the last single update at its time (the trainer records it),
  // up to the epoch whose weights the run kept (with patience, docs/language.md §7.4: the best one).
  const kept = result.bestEpoch ?? result.epochs;
  const measured = report.snapshotHealth ?? [];
  const units = report.snapshotUnits ?? [];
  const layerSnapshots: { epoch: number; layers: PanelLayer[]; health: HealthMeasure | null; units: UnitPictures | null }[] = recorded
    .map((s, i) => ({ epoch: s.epoch, layers: snapshotLayers(final, s), health: measured[i] ?? null, units: units[i] ?? null }))
    .filter((s) => s.epoch < kept);
  layerSnapshots.push({ epoch: kept, layers: final, health: report.health?.measure ?? null, units: report.finalUnits ?? null });

  const data = dataPoints(drawnRows(run.data));
  const snapshots: Snapshot[] = layerSnapshots.map((s) => ({
    epoch: s.epoch,
    layers: s.layers,
    boundary: data ? boundaryGrid(s.layers, result.normalization, data.box, BOUNDARY_GRID) : null,
    health: snapshotHealth(s.health),
    units: s.units,
  }));

  const curve: CurvePoint[] = reportsOf(thinHistory(result.history, CURVE_POINTS));

  // The same state and status the editor makes of a finished run, so the report says what the panel says.
  const state = runStateOf({ live: null, cached: { outcome: { key: run.key, result, step: null, seconds, rows: null, health: report.health ?? null }, record: null }, failure: null, estimate: seconds });
  return {
    uri,
    version: 0,
    status: runStatus(state, run, { line: lines.lineOf(run.keywordSpan.start), index: run.index, runs: report.runs ?? [run] }),
    inputNames: run.data.inputNames,
    classes: run.data.classes,
    curve,
    confusion: report.confusion ?? null,
    snapshots,
    points: data ? data.points : null,
    box: data ? data.box : null,
    grid: data ? BOUNDARY_GRID : 0,
  };
}

/**
 * `nn train FILE --report PATH`: the CLI's ReportWriter. The page is written in pieces, never
 * held whole; a write that fails (a full disk) leaves no half-written page behind.
 */
export function writeReport(path: string, specPath: string, text: string, runs: ReportRun[]): void {
  const uri = pathToFileURL(specPath).toString();
  const specs = runs.map((r) => r.run);
  const large = runs.filter((r) => sampled(r.run.data));
  const note =
    large.length > 0
      ? `the plots draw ${REPORT_POINTS.toLocaleString('en-US')} of the points of ${large.map((r) => `'${r.run.data.name}' (${r.run.data.rows.toLocaleString('en-US')})`).join(', ')}`
      : undefined;
  const fd = openSync(path, 'w');
  try {
    const views = runs.map((r) => trainingView(uri, text, { ...r, runs: specs }));
    // Every run's curves in every card, for its "Compare runs" (as the editor's panel has them).
    const lines = new LineIndex(text);
    const curves = views.map((view, i) => {
      const run = runs[i].run;
      const line = lines.lineOf(run.keywordSpan.start);
      return runCurve(`train ${run.network.name} on ${run.data.name} (line ${line + 1})`, line, view.curve);
    });
    for (const view of views) view.runs = curves;
    for (const piece of reportPieces(views, { note })) {
      const bytes = Buffer.from(piece, 'utf8');
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
    }
  } catch (error) {
    closeSync(fd);
    unlinkSync(path);
    throw error;
  }
  closeSync(fd);
}
