// Every editor feature answers at every position of every example, and of every half-typed prefix of one, without throwing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeActions } from '../../server/src/lsp/codeActions';
import { completion } from '../../server/src/lsp/completion';
import { foldingRanges } from '../../server/src/lsp/folding';
import { formatting } from '../../server/src/lsp/formatting';
import { hover } from '../../server/src/lsp/hover';
import { inlayHints } from '../../server/src/lsp/inlayHints';
import { definition, prepareRename, references } from '../../server/src/lsp/navigation';
import { semanticTokens } from '../../server/src/lsp/semanticTokens';
import type { DocumentState } from '../../server/src/lsp/state';
import { documentSymbols } from '../../server/src/lsp/symbols';
import { fixture, trainAll, URI, withOutcomes } from './harness';

const examplesDir = join(__dirname, '..', '..', 'examples');
const files: Record<string, string> = {};
for (const name of readdirSync(examplesDir)) if (name.endsWith('.csv')) files[join('/work', name)] = readFileSync(join(examplesDir, name), 'utf8');
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.nn'));

/** Runs every feature once per document and the position-based ones at each given offset; returns how many answers were non-empty. */
function exercise(state: DocumentState, offsets: Iterable<number>): number {
  const textDocument = { uri: URI };
  const whole = { start: { line: 0, character: 0 }, end: state.lines.positionAt(state.text.length) };
  documentSymbols(state, { textDocument });
  foldingRanges(state, { textDocument });
  semanticTokens(state, { textDocument });
  formatting(state, { textDocument, options: { tabSize: 2, insertSpaces: true } });
  inlayHints(state, { textDocument, range: whole });
  let answered = 0;
  for (const offset of offsets) {
    const position = state.lines.positionAt(offset);
    if (hover(state, { textDocument, position })) answered++;
    completion(state, { textDocument, position });
    definition(state, { textDocument, position });
    references(state, { textDocument, position, context: { includeDeclaration: true } });
    prepareRename(state, { textDocument, position });
    codeActions(state, { textDocument, range: { start: position, end: position }, context: { diagnostics: [] } });
  }
  return answered;
}

describe('robustness', () => {
  it.each(examples)('answers at every position of examples/%s, before and after a step', (name) => {
    const text = readFileSync(join(examplesDir, name), 'utf8');
    const { state } = fixture(text.replace(/\$0/g, ''), { files });
    expect(state.check.errorCount).toBe(0);
    const offsets = Array.from({ length: text.length + 1 }, (_, i) => i);
    expect(exercise(state, offsets)).toBeGreaterThan(0);
    // One step gives every run an outcome with per-layer states and (for inline data) explained rows.
    const { outcomes } = trainAll(state, { steps: 1 });
    const stepped = withOutcomes(state, outcomes);
    expect(exercise(stepped, offsets)).toBeGreaterThan(0);
  });

  it('answers while an example is being typed (every prefix, cursor at its end)', () => {
    const text = readFileSync(join(examplesDir, examples.includes('xor.nn') ? 'xor.nn' : examples[0]), 'utf8');
    for (let end = 0; end <= text.length; end++) {
      const { state } = fixture(text.slice(0, end), { files });
      exercise(state, [end, Math.max(0, end - 1)]);
    }
  });
});
