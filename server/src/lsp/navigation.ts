// Go to definition, find references and rename for network, data set and weights names, all from CheckResult.references.

import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import type {
  DefinitionParams,
  Location,
  PrepareRenameParams,
  Range,
  ReferenceParams,
  RenameParams,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import type { CheckResult, NameReference } from '../language';
import type { Span } from '../language/syntax';
import { rangeOf, touches } from './spans';
import type { DocumentState } from './state';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A name under the cursor, with every place the same declaration is named. */
export interface NameSite {
  kind: NameReference['kind'];
  name: string;
  /** The span under the cursor. */
  span: Span;
  declaration: Span | null;
  /** Every span naming the same declaration (declaration included), in document order. */
  occurrences: Span[];
}

/** The network, data or weights name at `offset`, or null when the cursor is on anything else. */
export function nameAt(check: CheckResult, offset: number): NameSite | null {
  const hits = check.references.filter((r) => touches(r.span, offset));
  // A cursor between two names (`a,b` never occurs, but be exact) prefers the one it is inside.
  const hit = hits.find((r) => offset < r.span.end) ?? hits[0];
  if (!hit) return null;
  return { kind: hit.kind, name: hit.name, span: hit.span, declaration: hit.declaration, occurrences: occurrencesOf(check, hit) };
}

function sameSpan(a: Span | null, b: Span | null): boolean {
  return a !== null && b !== null && a.start === b.start && a.end === b.end;
}

function occurrencesOf(check: CheckResult, ref: NameReference): Span[] {
  const spans: Span[] = [];
  const add = (span: Span): void => {
    if (!spans.some((s) => sameSpan(s, span))) spans.push(span);
  };
  if (ref.declaration) {
    add(ref.declaration);
    for (const r of check.references) if (r.kind === ref.kind && sameSpan(r.declaration, ref.declaration)) add(r.span);
  } else {
    // An unresolved name: its occurrences are the other unresolved uses of the same word.
    for (const r of check.references) if (r.kind === ref.kind && r.declaration === null && r.name === ref.name) add(r.span);
  }
  return spans.sort((a, b) => a.start - b.start);
}

export function definition(state: DocumentState, params: DefinitionParams): Location | null {
  const site = nameAt(state.check, state.lines.offsetAt(params.position));
  if (!site?.declaration) return null;
  return { uri: state.uri, range: rangeOf(state.lines, site.declaration) };
}

export function references(state: DocumentState, params: ReferenceParams): Location[] {
  const site = nameAt(state.check, state.lines.offsetAt(params.position));
  if (!site) return [];
  return site.occurrences
    .filter((span) => params.context.includeDeclaration || !sameSpan(span, site.declaration))
    .map((span) => ({ uri: state.uri, range: rangeOf(state.lines, span) }));
}

export function prepareRename(state: DocumentState, params: PrepareRenameParams): { range: Range; placeholder: string } | ResponseError | null {
  const site = nameAt(state.check, state.lines.offsetAt(params.position));
  if (!site) return null;
  if (!site.declaration) {
    return new ResponseError(ErrorCodes.InvalidRequest, `'${site.name}' names no ${kindWord(site.kind)} in this file, so there is nothing to rename`);
  }
  return { range: rangeOf(state.lines, site.span), placeholder: site.name };
}

export function rename(state: DocumentState, params: RenameParams): WorkspaceEdit | ResponseError | null {
  const site = nameAt(state.check, state.lines.offsetAt(params.position));
  if (!site) return null;
  const problem = renameProblem(state.check, site, params.newName);
  if (problem) return new ResponseError(ErrorCodes.InvalidRequest, problem);
  const edits: TextEdit[] = site.occurrences.map((span) => ({ range: rangeOf(state.lines, span), newText: params.newName }));
  return { changes: { [state.uri]: edits } };
}

/** Why `newName` cannot replace the name at the site, or null when it can. */
export function renameProblem(check: CheckResult, site: NameSite, newName: string): string | null {
  if (!site.declaration) return `'${site.name}' names no ${kindWord(site.kind)} in this file, so there is nothing to rename`;
  if (!IDENTIFIER.test(newName)) {
    return `'${newName}' is not a valid name: start with a letter or '_', then letters, digits or '_'`;
  }
  if (newName === site.name) return null;
  const clash =
    check.references.some((r) => r.kind === site.kind && r.name === newName && r.declaration !== null) ||
    check.file.declarations.some((d) => d.kind === site.kind && d.name?.text === newName);
  if (clash) return `a ${kindWord(site.kind)} named '${newName}' already exists`;
  return null;
}

function kindWord(kind: NameReference['kind']): string {
  return kind === 'network' ? 'network' : kind === 'data' ? 'data set' : 'weights declaration';
}
