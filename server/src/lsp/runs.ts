// Where the runs of a document are (protocol.ts RunsRequest), for the client's palette commands: every `train` block of the syntax tree, or the one at a line.

import type { TrainDecl } from '../language/syntax';
import type { RunLocation, RunsParams } from '../protocol';
import { rangeOf } from './spans';
import type { DocumentState } from './state';

/**
 * Every `train` block, checked or not (Train on a block with errors should say so, not
 * train the whole file), or the one whose lines hold `params.position`: a cursor anywhere
 * on a line of the block, its indentation and the rest of the `}` line included, means it.
 */
export function runLocations(state: DocumentState, params: RunsParams): RunLocation[] {
  const located: RunLocation[] = [];
  for (const decl of state.check.file.declarations) {
    if (decl.kind !== 'train') continue;
    const location = locate(state, decl);
    const line = params.position?.line;
    if (line === undefined || (location.range.start.line <= line && line <= location.range.end.line)) located.push(location);
  }
  return located;
}

function locate(state: DocumentState, decl: TrainDecl): RunLocation {
  const range = rangeOf(state.lines, decl.span);
  return { line: range.start.line, range, network: decl.network?.text ?? null, data: decl.data?.text ?? null };
}
