// The server commands' arguments (protocol.ts Commands: [uri, line?]) and which runs they mean.

import type { RunSpec } from '../language/model';
import { runAtLine, type DocumentState } from './state';

export interface CommandTarget {
  uri: string;
  /** 0-based line inside a `train` block, or null for "every run of the file". */
  line: number | null;
}

/** Reads `[uri, line?]`; anything else is not a call of ours. */
export function commandTarget(args: unknown[] | undefined): CommandTarget | null {
  const [uri, line] = args ?? [];
  if (typeof uri !== 'string') return null;
  return { uri, line: typeof line === 'number' && Number.isInteger(line) && line >= 0 ? line : null };
}

/** The run at the line, or every run of the file when there is no line (a line outside every run selects none). */
export function selectRuns(state: DocumentState, line: number | null): RunSpec[] {
  if (line === null) return [...state.check.runs];
  const run = runAtLine(state, line);
  return run ? [run] : [];
}
