// Core values -> LSP values: Problem -> Diagnostic, Fix -> WorkspaceEdit, through the document's one LineIndex (language/positions.ts).

import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { LineIndex } from '../language/positions';
import type { Fix, Problem, Severity } from '../language/problems';
import { rangeOf } from './spans';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function toDiagnostic(lines: LineIndex, problem: Problem): Diagnostic {
  const diagnostic: Diagnostic = {
    range: rangeOf(lines, problem.span),
    severity: SEVERITY[problem.severity],
    code: problem.code,
    source: 'nn',
    message: problem.message,
  };
  if (problem.code === 'unused') diagnostic.tags = [DiagnosticTag.Unnecessary];
  return diagnostic;
}

export function toTextEdits(lines: LineIndex, fix: Fix): TextEdit[] {
  return fix.edits.map((edit) => ({ range: rangeOf(lines, edit.span), newText: edit.newText }));
}

export function toWorkspaceEdit(uri: string, lines: LineIndex, fix: Fix): WorkspaceEdit {
  return { changes: { [uri]: toTextEdits(lines, fix) } };
}
