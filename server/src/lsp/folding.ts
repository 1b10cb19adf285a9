// Folding ranges: every `{ … }` block that spans lines, and runs of two or more comment lines.

import { FoldingRangeKind } from 'vscode-languageserver';
import type { FoldingRange, FoldingRangeParams } from 'vscode-languageserver';
import type { LineIndex } from '../language/positions';
import type { BlockSpan, SpecFile } from '../language/syntax';
import type { DocumentState } from './state';

export function foldingRanges(state: DocumentState, _params: FoldingRangeParams): FoldingRange[] {
  return [...blockFolds(state.check.file, state.lines), ...commentFolds(state.text, state.lines)].sort(
    (a, b) => a.startLine - b.startLine || a.endLine - b.endLine,
  );
}

function blockOf(declaration: SpecFile['declarations'][number]): BlockSpan | undefined {
  if (declaration.kind === 'data') {
    const source = declaration.source;
    return source && source.kind !== 'generated' ? source.block : undefined;
  }
  return declaration.block;
}

/**
 * From the line of `{` to the line before `}`, so the closing brace stays visible
 * (VS Code's own brace folding does the same). An unterminated block folds to the
 * end of its declaration.
 */
function blockFolds(file: SpecFile, lines: LineIndex): FoldingRange[] {
  const folds: FoldingRange[] = [];
  for (const declaration of file.declarations) {
    const block = blockOf(declaration);
    if (!block) continue;
    const startLine = lines.lineOf(declaration.span.start);
    const endLine = block.close
      ? lines.lineOf(block.close.start) - 1
      : lines.lineOf(Math.max(declaration.span.start, declaration.span.end - 1));
    if (endLine > startLine) folds.push({ startLine, endLine, kind: FoldingRangeKind.Region });
  }
  return folds;
}

/** Lines whose only content is a comment, grouped into runs of consecutive lines. */
function commentFolds(text: string, lines: LineIndex): FoldingRange[] {
  const folds: FoldingRange[] = [];
  let runStart = -1;
  for (let line = 0; line <= lines.lineCount; line++) {
    const isComment =
      line < lines.lineCount && /^[ \t]*#/.test(text.slice(lines.lineStarts[line], lines.lineContentEnd(line)));
    if (isComment && runStart < 0) runStart = line;
    if (!isComment && runStart >= 0) {
      if (line - 1 > runStart) folds.push({ startLine: runStart, endLine: line - 1, kind: FoldingRangeKind.Comment });
      runStart = -1;
    }
  }
  return folds;
}
