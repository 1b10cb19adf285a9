// Folding ranges: every `{ … }` block that spans lines, and runs of two or more comment lines.

import { FoldingRangeKind } from 'vscode-languageserver';
import type { FoldingRange, FoldingRangeParams } from 'vscode-languageserver';
import type { LineIndex } from '../language/positions';
import type { Node, SpecFile } from '../language/syntax';
import { blockOf, walk } from '../language/walk';
import type { DocumentState } from './state';

export function foldingRanges(state: DocumentState, _params: FoldingRangeParams): FoldingRange[] {
  return [...blockFolds(state.check.file, state.lines), ...commentFolds(state.text, state.check.file, state.lines)].sort(
    (a, b) => a.startLine - b.startLine || a.endLine - b.endLine,
  );
}

/**
 * Every node with a block, from the first line of its declaration (`data t` above a `{`
 * on the next line folds with it) to the line before `}`, so the closing brace stays
 * visible (VS Code's own brace folding does the same). An unterminated block folds to
 * the end of its declaration.
 */
function blockFolds(file: SpecFile, lines: LineIndex): FoldingRange[] {
  const folds: FoldingRange[] = [];
  let declaration: Node = file;
  walk(file, (node, parent) => {
    if (parent === file) declaration = node;
    const block = blockOf(node);
    if (!block) return;
    const startLine = lines.lineOf(declaration.span.start);
    const endLine = block.close
      ? lines.lineOf(block.close.start) - 1
      : lines.lineOf(Math.max(declaration.span.start, declaration.span.end - 1));
    if (endLine > startLine) folds.push({ startLine, endLine, kind: FoldingRangeKind.Region });
  }, { leaves: false });
  return folds;
}

/** Lines whose only content is a comment, grouped into runs of consecutive lines. */
function commentFolds(text: string, file: SpecFile, lines: LineIndex): FoldingRange[] {
  const folds: FoldingRange[] = [];
  // The current run of comment lines (none yet: a run that no line can continue).
  let runStart = -2;
  let runEnd = -2;
  for (const comment of file.comments) {
    const line = lines.lineOf(comment.start);
    // Only blanks before the `#`: a comment line, not a comment after a statement.
    if (!/^[ \t]*$/.test(text.slice(lines.lineStarts[line], comment.start))) continue;
    if (line !== runEnd + 1) {
      if (runEnd > runStart) folds.push({ startLine: runStart, endLine: runEnd, kind: FoldingRangeKind.Comment });
      runStart = line;
    }
    runEnd = line;
  }
  if (runEnd > runStart) folds.push({ startLine: runStart, endLine: runEnd, kind: FoldingRangeKind.Comment });
  return folds;
}
