// Turns runs the command line trained into the TrainingViews the report draws (the same shape nn/training gives the panel).

import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { RunSpec } from '../language/model';
import { LineIndex } from '../language/positions';
import { reportsOf, thinHistory } from '../nn/history';
import type { TrainResult } from '../nn/types';
import type { CurvePoint, PanelLayer, RunPhase, Snapshot, TrainingView } from '../protocol';
import { BOUNDARY_GRID, boundaryGrid, dataPoints } from '../present/boundary';
import { panelLayer, snapshotLayers } from '../present/snapshots';
import type { RunState } from '../training/host';
import { resultText } from '../present/summary';
import { renderReport } from './html';

/**
 * A run as `nn train --report` hands it over (structurally the CLI's TrainedRun). The
 * slider's snapshots are those its one training recorded (`result.snapshots`, asked for
 * with TrainControl.snapshots): the report never trains a run again to get them.
 */
export interface ReportRun {
  run: RunSpec;
  result: TrainResult;
  seconds: number;
}

/** Curve points kept per run, as the editor keeps them. */
const CURVE_POINTS = 2000;

const phases: Record<TrainResult['stopped'], RunPhase> = {
  target: 'done',
  epochs: 'done',
  time: 'done',
  diverged: 'diverged',
  cancelled: 'cancelled',
  patience: 'done',
};

export function trainingView(uri: string, text: string, report: ReportRun): TrainingView {
  const { run, result, seconds } = report;
  const lines = new LineIndex(text);
  const layerLines = run.network.layers.map((layer) => lines.lineOf(layer.span.start));
  const final = result.layers.map((layer, k) => panelLayer(layer, layerLines[k] ?? 0));
  const recorded = result.snapshots ?? [];
  // As in the editor: each snapshot shows the last single update at its time (the trainer records it).
  const layerSnapshots: { epoch: number; layers: PanelLayer[] }[] = recorded
    .filter((s) => s.epoch < result.epochs)
    .map((s) => ({ epoch: s.epoch, layers: snapshotLayers(final, s) }));
  layerSnapshots.push({ epoch: result.epochs, layers: final });

  const data = dataPoints(run.data);
  const snapshots: Snapshot[] = layerSnapshots.map((s) => ({
    epoch: s.epoch,
    layers: s.layers,
    boundary: data ? boundaryGrid(s.layers, result.normalization, data.box, BOUNDARY_GRID) : null,
  }));

  const curve: CurvePoint[] = reportsOf(thinHistory(result.history, CURVE_POINTS));

  const phase = phases[result.stopped];
  const state: RunState = {
    phase,
    progress: null,
    outcome: { key: run.key, result, step: null, seconds, rows: null },
    failure: null,
    estimate: seconds,
  };
  return {
    uri,
    version: 0,
    status: {
      line: lines.lineOf(run.keywordSpan.start),
      index: run.index,
      network: run.network.name,
      data: run.data.name,
      phase,
      epoch: result.epochs,
      epochs: run.settings.epochs,
      loss: result.loss,
      validationLoss: result.validationLoss,
      accuracy: result.accuracy,
      seconds,
      summary: resultText(state, run) ?? '',
    },
    inputNames: run.data.inputNames,
    classes: run.data.classes,
    curve,
    snapshots,
    points: data ? data.points : null,
    box: data ? data.box : null,
    grid: data ? BOUNDARY_GRID : 0,
  };
}

/** `nn train FILE --report PATH`: the CLI's ReportWriter. */
export function writeReport(path: string, specPath: string, text: string, runs: ReportRun[]): void {
  const uri = pathToFileURL(specPath).toString();
  writeFileSync(path, renderReport(runs.map((r) => trainingView(uri, text, r))));
}
