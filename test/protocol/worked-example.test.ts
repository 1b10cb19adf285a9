// examples/worked-example.nn in the editor: one Step, then the layer hovers show the numbers its comment works out by hand; after training, the run offers to save its weights.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { commentNumbers } from '../support/workedExample';
import { buildServer, LspClient, ROOT, VSCODE_CAPABILITIES } from './client';

const FILE = join(ROOT, 'examples', 'worked-example.nn');
const TEXT = readFileSync(FILE, 'utf8');
const URI = pathToFileURL(FILE).href;
const stated = commentNumbers(TEXT);

let client: LspClient | null = null;
afterEach(async () => {
  await client?.stop();
  client = null;
});

beforeAll(() => buildServer(), 120_000);

/** The 0-based line of the first line of the text that matches. */
const lineOf = (needle: RegExp) => TEXT.split('\n').findIndex((line) => needle.test(line));

async function hoverOn(c: LspClient, line: number): Promise<string> {
  const hover = await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: URI }, position: { line, character: 4 } });
  return hover.contents.value;
}

/** A number as the hover shows it, with half of what its last digit is worth. */
function shown(cell: string): { value: number; half: number } {
  const text = cell.replace('−', '-');
  const decimals = text.includes('.') ? text.split('.')[1].length : 0;
  return { value: Number(text), half: 0.5 * 10 ** -decimals };
}

/** The cells of the rows labelled `labels` in the first table after `heading` (W with b as its last column). */
function table(hover: string, heading: string, labels: string[]): { value: number; half: number }[][] {
  const from = hover.indexOf(heading);
  expect(from, `${heading} in the hover`).toBeGreaterThanOrEqual(0);
  const lines = hover.slice(from).split('\n');
  return labels.map((label) => {
    const line = lines.find((l) => l.startsWith(`${label} `))!;
    return line.slice(label.length).trim().split(/\s+/).map(shown);
  });
}

/** Each shown number is the stated one, as far as both are written. */
function agrees(hoverCells: { value: number; half: number }[], statedCells: { value: number; unit: number }[], what: string): void {
  expect(hoverCells.length, what).toBe(statedCells.length);
  hoverCells.forEach((cell, i) => {
    const written = statedCells[i];
    expect(Math.abs(cell.value - written.value), `${what}[${i}]: the hover shows ${cell.value}, the comment ${written.value}`).toBeLessThanOrEqual(cell.half + written.unit / 2);
  });
}

/** The comment's new W of a layer with its b as a last column, row by row. */
function statedLayer(layer: string): { value: number; unit: number }[][] {
  const weights = stated.rows.filter((r) => r.layer === layer && r.part === 'W').map((r) => r.values);
  const [biases] = stated.rows.filter((r) => r.layer === layer && r.part === 'b').map((r) => r.values);
  return weights.map((row, j) => [...row, biases[j]]);
}

describe('the worked example in the editor', () => {
  it('one Step: the hovers show W before as given, and the comment\'s δ, E and new W and b', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    client.open(URI, TEXT);
    await client.waitForDiagnostics(URI, () => true);
    const trainLine = lineOf(/^train /);
    const seen = client.runStatuses.length;
    expect(await client.command<{ stepped: boolean }>('nn.step', URI, trainLine)).toEqual({ stepped: true });
    await client.waitFor('step 1', () => client!.runStatuses.slice(seen).some((s) => s.uri === URI && s.runs[0].summary.startsWith('step 1 ')));

    const hidden = await hoverOn(client, lineOf(/^ {2}layer hidden/));
    const output = await hoverOn(client, lineOf(/^ {2}layer output/));
    for (const [hover, k, labels, layer, deltas] of [
      [hidden, '⁽¹⁾', ['h₁', 'h₂'], 'hidden', ['δ_h1', 'δ_h2']],
      [output, '⁽²⁾', ['ŷ₁', 'ŷ₂'], 'output', ['δ_o1', 'δ_o2']],
    ] as const) {
      // W before is the given weights.
      const given = layer === 'hidden' ? [[0.15, 0.2, 0.35], [0.25, 0.3, 0.35]] : [[0.4, 0.45, 0.6], [0.5, 0.55, 0.6]];
      table(hover, `W${k} before:`, [...labels]).forEach((row, j) => agrees(row, given[j].map((value) => ({ value, unit: 0 })), `${layer} W before, row ${j + 1}`));
      // W after is the comment's new W and b.
      const after = table(hover, `W${k} after:`, [...labels]);
      statedLayer(layer).forEach((row, j) => agrees(after[j], row, `${layer} W after, row ${j + 1}`));
      // δ of the update.
      const delta = new RegExp(`δ${k} of this update \\(batch mean\\): \\[([^\\]]+)\\]`).exec(hover)!;
      agrees(delta[1].split(', ').map(shown), deltas.map((name) => stated.values[name]), `${layer} δ`);
      // E, the batch's loss before the update.
      const loss = /batch loss ([\d.]+)/.exec(hover)!;
      agrees([shown(loss[1])], [stated.values.E], 'E');
    }
  });

  it('trained (its one epoch): E in the result, the new W in the hover, and the weights can be saved', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'onChange' } });
    client.open(URI, TEXT);
    const trained = await client.waitForDiagnostics(URI, (p) => p.diagnostics.some((d) => d.code === 'trained'));
    const message = trained.diagnostics.find((d) => d.code === 'trained')!.message as string;
    agrees([shown(/^trained: loss ([\d.]+) after 1 epoch/.exec(message)![1])], [stated.values.E], 'E');
    const hidden = await hoverOn(client, lineOf(/^ {2}layer hidden/));
    const rows = table(hidden, '**layer hidden**', ['h₁', 'h₂']);
    statedLayer('hidden').forEach((row, j) => agrees(rows[j], row, `hidden W, row ${j + 1}`));
    // At least four decimals: the change from the given weights (2e-4 and more) shows.
    expect(rows[0][0].half).toBeLessThanOrEqual(0.00005);
    const trainLine = lineOf(/^train /);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: { start: { line: trainLine, character: 0 }, end: { line: trainLine, character: 0 } },
      context: { diagnostics: [] },
    });
    expect(actions.map((a) => a.title)).toEqual(["Save trained weights as 'weights net_trained'", "Save trained weights as 'weights net_trained' and start this run from them"]);
    const inserted = actions[0].edit!.changes![URI][0].newText;
    // The very numbers of the hand computation in plain floats (test/torch/worked_example.py), every digit.
    expect(inserted).toContain('weights net_trained for net {\n  hidden W  0.1497807161327628 0.19956143226552567\n');
  });

  it('a client that resolves edits gets the save actions without their edit, and the same edit when it resolves one', async () => {
    const capabilities = { ...VSCODE_CAPABILITIES, textDocument: { ...VSCODE_CAPABILITIES.textDocument, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor'] } }, resolveSupport: { properties: ['edit'] } } } };
    client = await LspClient.start({ settings: { autoTrain: 'onChange' }, capabilities });
    expect(client.capabilities.codeActionProvider).toMatchObject({ resolveProvider: true, codeActionKinds: ['quickfix', 'refactor.extract'] });
    client.open(URI, TEXT);
    await client.waitForDiagnostics(URI, (p) => p.diagnostics.some((d) => d.code === 'trained'));
    const trainLine = lineOf(/^train /);
    const [save] = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: { start: { line: trainLine, character: 0 }, end: { line: trainLine, character: 0 } },
      context: { diagnostics: [], only: ['refactor'] },
    });
    expect(save).toMatchObject({ title: "Save trained weights as 'weights net_trained'", kind: 'refactor.extract' });
    expect(save.edit).toBeUndefined();
    const resolved = await client.request<CodeAction>('codeAction/resolve', save);
    expect(resolved.edit!.changes![URI][0].newText).toContain('weights net_trained for net {\n  hidden W  0.1497807161327628 0.19956143226552567\n');
  });
});
