// Diagnostics of one document version: the check's problems and the training results together, in one list.

import type { Diagnostic } from 'vscode-languageserver';
import type { Problem } from '../language/problems';
import type { TrainDecl } from '../language/syntax';
import { toDiagnostic } from './convert';
import { allProblems, type DocumentState } from './state';

/** Why nothing trains in Restricted Mode, said once per `train` block. */
export const UNTRUSTED_MESSAGE =
  'training is off: this workspace is not trusted (Restricted Mode), so data files are not read and runs do not train';

export function diagnostics(state: DocumentState): Diagnostic[] {
  const problems: Problem[] = allProblems(state);
  if (!state.workspaceTrusted) {
    for (const decl of state.check.file.declarations) {
      if (decl.kind !== 'train') continue;
      problems.push({ span: (decl as TrainDecl).keyword, severity: 'info', code: 'training-failed', message: UNTRUSTED_MESSAGE });
    }
  }
  return problems.map((problem) => toDiagnostic(state.lines, problem));
}
