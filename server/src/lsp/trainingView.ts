// The answer to nn/training: what the training panel draws of one run, live while it trains, else its finished record.

import { runCurve, seriesId, snapshotsToSend } from '../present/snapshots';
import type { TrainingParams, TrainingView } from '../protocol';
import type { DocumentSession } from './session';
import { runAtLine } from './state';

/**
 * The run at the request's line, as the panel shows it; null when the document or the run is
 * unknown. Only the snapshots the asker does not hold yet travel (TrainingParams.held).
 */
export function trainingView(session: DocumentSession, params: TrainingParams): TrainingView | null {
  const state = session.state;
  const run = state ? runAtLine(state, params.line) : undefined;
  if (!state || !run) return null;
  const index = state.check.runs.indexOf(run);
  const { cached, live } = session.record(run);
  const layerLines = run.network.layers.map((layer) => state.lines.positionAt(layer.span.start).line);
  const record = cached?.record;
  // While a run trains, the panel gets the live curve and snapshots; otherwise the finished record.
  const training = live !== null;
  const part = training
    ? snapshotsToSend(seriesId(live.snapshots), live.snapshots.snapshotsAfter(null), params.held)
    : record
      ? snapshotsToSend(seriesId(record), record.snapshots.map((snapshot, seq) => ({ seq, snapshot })), params.held)
      : { snapshots: [] };
  const frame = (training ? live.frame : null) ?? record;
  return {
    uri: state.uri,
    version: state.version,
    status: state.statuses[index],
    inputNames: run.data.inputNames,
    classes: run.data.classes,
    curve: training ? live.curve : record?.curve ?? [],
    confusion: training ? null : (record?.confusion ?? null),
    // Every run of the file with a curve (live or finished), this one included: the panel's "Compare runs".
    runs: state.check.runs.flatMap((other) => {
      const parts = session.record(other);
      const curve = parts.live ? parts.live.curve : (parts.cached?.record?.curve ?? []);
      const line = state.lines.positionAt(other.keywordSpan.start).line;
      return curve.length > 0 ? [runCurve(`train ${other.network.name} on ${other.data.name} (line ${line + 1})`, line, curve)] : [];
    }),
    ...part,
    snapshots: part.snapshots.map((s) => ({ ...s, layers: s.layers.map((l, k) => ({ ...l, line: layerLines[k] ?? 0 })) })),
    points: frame?.points ?? null,
    box: frame?.box ?? null,
    grid: frame?.grid ?? 0,
  };
}
