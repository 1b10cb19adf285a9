// The journey of test/e2e, as in-editor checks through the VS Code API, for desktop VS Code under @vscode/test-electron.
//
// Loaded by the extension host (`extensionTestsPath`): exports run(), which
// rejects when any check fails and prints "N passed, N failed" at the end.
// Waits poll a condition with a deadline; none sleeps for a fixed time.
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

const workspace = process.env.NN_TEST_WORKSPACE;

async function until(what, probe, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const lineOf = (doc, pattern) => {
  for (let i = 0; i < doc.lineCount; i++) if (pattern.test(doc.lineAt(i).text)) return i;
  throw new Error(`no line matches ${pattern}`);
};
const diagnostics = (doc) => vscode.languages.getDiagnostics(doc.uri);
const lensTitles = async (doc) =>
  ((await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [])
    .map((l) => (l.command ? l.command.title : ''))
    .join(' | ');
const hoverText = async (doc, position) =>
  ((await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, position)) ?? [])
    .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
    .join('\n');

async function open(name) {
  const doc = await vscode.workspace.openTextDocument(path.join(workspace, name));
  const editor = await vscode.window.showTextDocument(doc);
  return { doc, editor };
}

const checks = [];
const check = (name, fn) => checks.push({ name, fn });
const state = {};

check('xor.nn opens in NN mode', async () => {
  Object.assign(state, await open('xor.nn'));
  assert.equal(state.doc.languageId, 'nn');
});

check("a typed 'sigmoidd' is an error with a suggestion", async () => {
  const { doc } = state;
  const line = lineOf(doc, /^\s*layer\s+hidden\b/);
  const col = doc.lineAt(line).text.indexOf('sigmoid');
  const edit = new vscode.WorkspaceEdit();
  edit.insert(doc.uri, new vscode.Position(line, col + 'sigmoid'.length), 'd');
  assert.ok(await vscode.workspace.applyEdit(edit));
  const error = await until("the 'sigmoidd' error", () =>
    diagnostics(doc).find((d) => d.severity === vscode.DiagnosticSeverity.Error && /unknown activation 'sigmoidd'/.test(d.message)),
  );
  assert.match(error.message, /did you mean 'sigmoid'\?/);
  state.error = error;
});

check("the quick fix \"Change to 'sigmoid'\" repairs it", async () => {
  const { doc, error } = state;
  const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, error.range);
  const fix = (actions ?? []).find((a) => a.title === "Change to 'sigmoid'");
  assert.ok(fix && fix.edit, `actions: ${(actions ?? []).map((a) => a.title).join(', ')}`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit));
  assert.ok(!doc.getText().includes('sigmoidd'));
  await until('the error to clear', () => !diagnostics(doc).some((d) => d.severity === vscode.DiagnosticSeverity.Error));
  await doc.save();
});

check('the run trains and its result shows in the diagnostics and the CodeLens', async () => {
  const { doc } = state;
  const trained = () => diagnostics(doc).find((d) => /trained: loss/.test(d.message));
  if (!(await until('a lens', () => lensTitles(doc))).includes('Retrain')) {
    await vscode.commands.executeCommand('nn.trainNetwork');
  }
  await until('the trained result', trained, 60000);
  const titles = await until('the result lens', async () => {
    const t = await lensTitles(doc);
    return /Retrain/.test(t) && /loss \d/.test(t) ? t : undefined;
  });
  assert.match(titles, /loss [\d.]+/);
});

check('hovering the hidden layer shows W and δ', async () => {
  const { doc } = state;
  const line = lineOf(doc, /^\s*layer\s+hidden\b/);
  const text = await until('the layer hover', async () => {
    const t = await hoverText(doc, new vscode.Position(line, doc.lineAt(line).text.indexOf('hidden') + 1));
    return /δ/.test(t) ? t : undefined;
  });
  assert.match(text, /W/);
});

check('hovering the data row 0 1 -> 1 shows a prediction close to 1', async () => {
  const { doc } = state;
  const line = lineOf(doc, /^\s*0\s+1\s*->\s*1\b/);
  const text = await until('the row hover', async () => {
    const t = await hoverText(doc, new vscode.Position(line, doc.lineAt(line).text.indexOf('->')));
    return /ŷ/.test(t) ? t : undefined;
  });
  const yHat = Number(/ŷ\s*=\s*([−-]?\d+(?:\.\d+)?)/.exec(text)[1].replace('−', '-'));
  assert.ok(yHat > 0.5 && yHat <= 1, `ŷ = ${yHat}`);
});

check('a long run starts from "NN: Train Network" and stops with "NN: Stop Training"', async () => {
  const { doc, editor } = await open('long-run.nn');
  const line = lineOf(doc, /^\s*train\s/);
  editor.selection = new vscode.Selection(line + 1, 2, line + 1, 2);
  await until('the Train lens', async () => /\$\(play\) Train/.test(await lensTitles(doc)));
  await vscode.commands.executeCommand('nn.trainNetwork');
  await until('the run to train', async () => /\$\(debug-stop\) Stop/.test(await lensTitles(doc)), 60000);
  await vscode.commands.executeCommand('nn.stopTrainingActive');
  await until('the run to stop', async () => {
    const t = await lensTitles(doc);
    return !/\$\(debug-stop\) Stop/.test(t) && /\$\(play\) (Train|Retrain)/.test(t);
  });
});

check('"NN: Show Training" opens the training panel', async () => {
  const { doc } = await open('xor.nn');
  const line = lineOf(doc, /^\s*train\s/);
  vscode.window.activeTextEditor.selection = new vscode.Selection(line + 1, 2, line + 1, 2);
  await vscode.commands.executeCommand('nn.showTraining');
  await until('a Training tab', () =>
    vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => /training/i.test(t.label))),
  );
});

async function run() {
  assert.ok(workspace, 'NN_TEST_WORKSPACE is set by run.mjs');
  let passed = 0;
  let failed = 0;
  for (const { name, fn } of checks) {
    const started = Date.now();
    try {
      await fn();
      passed++;
      console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed++;
      console.log(`  ✗ ${name}\n    ${error && error.stack ? error.stack : error}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} in-editor check(s) failed`);
}

module.exports = { run };
