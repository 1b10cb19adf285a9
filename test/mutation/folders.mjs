// For each folder `npm run test:mutation` mutates: the test files that run its code in the test process.
// Left out everywhere: the suites that spawn the server or the CLI (a mutant is active only in the test
// process) and the tidy checks (they read the source, which Stryker rewrites).
const SLOW = [
  '!test/lsp/semanticTokensSpeed.test.ts', '!test/language/fuzz.test.ts', '!test/lsp/robustness.test.ts',
  '!test/language/checkCache.test.ts', '!test/data/csvScan.test.ts',
];
const PROTOCOL_IN_PROCESS = ['server', 'insight', 'lens-resolve', 'lens-refresh', 'stale-publish', 'worked-example', 'expectations'].map(
  (name) => `test/protocol/${name}.test.ts`,
);
export const FOLDERS = {
  // The reference is scored by its own tests of meaning (gradient checks, hand derivations, the worked
  // example), not by the engine's comparisons with it: those take a minute a run, and every mutant that
  // runs at import or in a describe block (Stryker's "static" mutants, half of nn/) needs a whole run.
  nn: ['test/nn'],
  // Left out (`!file`): the timing test (instrumented code is many times slower), and the tests that push
  // thousands of random or large texts through everything (fuzz, robustness, the check cache, the CSV scan):
  // seconds plain, many minutes instrumented, rerun for every mutant that survives. They run in `npm test`.
  language: ['test/language', 'test/lsp', 'test/cli/check.test.ts', 'test/data', ...SLOW],
  // With test/present/advice.test.ts: it runs `nn train` in this process on runs that cannot learn (the advice lines).
  cli: ['test/cli', 'test/export', 'test/present/advice.test.ts'],
  // With the protocol suites whose server LspClient.start runs in the test process under a mutation run
  // (test/protocol/client.ts): the views a user reads (lenses, diagnostics, the panel's view) are tested there.
  lsp: ['test/lsp', 'test/training/live.test.ts', ...PROTOCOL_IN_PROCESS, ...SLOW],
};

// Named parts of a folder (`npm run test:mutation -- FOLDER PART`): the files one run mutates, so that a folder
// too slow to run whole on the shared machine is scored part by part. Each part keeps its own report and
// incremental file (reports/mutation/FOLDER-PART.json), so running one part does not discard another's results.
export const PARTS = {
  nn: {
    // The math of the derivation (docs/language.md §4.9–§4.11, §7.2–§7.3), without the matrix products.
    math: ['activations', 'losses', 'backprop:1-106', 'optimizers', 'regularization', 'dropout', 'schedules'],
    // The matrix products as plain loops (backprop.ts from line 107): every multiply-add of every test runs
    // through them, so with them instrumented the tests run over a hundred times slower; apart, they are
    // scored by the few tests that compute products by hand.
    products: ['backprop:107-150'],
    // The training loop: batches, the split, the stop rules, patience, the result.
    trainer: ['trainer', 'parts', 'epochEnd', 'history'],
    // The seeded generator, with the tests that replay its numbers (PART_TESTS['nn-rng']): test files draw their rows
    // from it while they are collected, so every mutant of it is static and runs every test of the run.
    rng: ['rng'],
    // The rest: initial weights, normalization, missing values, health, the gradient check, snapshots.
    rest: ['initializers', 'network', 'normalize', 'missing', 'health', 'gradientCheck', 'snapshotRecorder', 'fastPath', 'types'],
  },
  language: {
    front: ['lexer', 'parser', 'syntax', 'walk', 'positions'],
    checker: ['checker', 'problems', 'suggest', 'wording', 'model', 'digest', 'index'],
    rest: ['format', 'weights'],
  },
  lsp: {
    views: ['hover', 'inlayHints', 'codeLens', 'diagnostics', 'describe', 'notation', 'trainingView', 'runs', 'spans', 'icons', 'convert'],
    // hover.ts alone, with the unit tests only (PART_TESTS['lsp-hover']).
    hover: ['hover'],
    editing: ['completion', 'codeActions', 'formatting', 'folding', 'semanticTokens', 'symbols', 'navigation', 'keywordDocs'],
    // completion.ts alone, with its own tests only (PART_TESTS['lsp-completion']).
    completion: ['completion'],
    // The handler table, the sessions, the workspace and the Test Explorer: reached only over the protocol (PART_TESTS['lsp-server']).
    server: ['server', 'session', 'workspace', 'tests'],
    // The server's pieces that test/lsp drives directly (PART_TESTS['lsp-serverUnits']): a survivor reruns unit tests, not protocol suites.
    serverUnits: ['state', 'lifecycle', 'settings', 'commands', 'dataFiles', 'exportModel', 'saveWeights', 'lensRefresh'],
    // keywordDocs.ts alone, with the tests of what its documentation says (PART_TESTS['lsp-keywords']).
    keywords: ['keywordDocs'],
  },
};

// The tests of a part, where they are fewer than its folder's: a mutant that survives reruns every test that
// covers it, so the tests that train whole examples (seconds plain, minutes instrumented) are left to the
// parts whose code they are about. Each still runs in `npm test`.
const MATH_TESTS = ['activations', 'losses', 'sgd-step', 'worked-example', 'gradient-check', 'trajectory', 'dropout', 'schedules', 'optimizers', 'regularization', 'trainer', 'final-scores'];
export const PART_TESTS = {
  'nn-math': MATH_TESTS.map((name) => `test/nn/${name}.test.ts`),
  // Every test of test/nn but the gradient check of every example, which trains each one whole.
  'nn-trainer': ['test/nn/**/*.test.ts', '!test/nn/gradcheck-command.test.ts'],
  // The generator's numbers (the reference C code's), and what is drawn from it: initial weights, the split, dropout's
  // masks, the shuffle. Its mutants are static (above), so each runs all of these: 1 s plain, not test/nn's 40 s.
  'nn-rng': ['rng', 'initializers', 'split', 'dropout', 'trainer'].map((name) => `test/nn/${name}.test.ts`),
  'nn-products': ['products', 'activations', 'sgd-step', 'worked-example', 'trajectory', 'dropout', 'regularization'].map((name) => `test/nn/${name}.test.ts`),
  // The lexer and the parser run in every test of the folder (each opens a document), so a mutant of theirs that
  // survives reruns all of them, and instrumented they make each run slower: 2 minutes a run, 6 mutants in the
  // first 2 minutes. They are scored by the language's own tests (the parser's and lexer's tests, every fixture's
  // messages at their places, the walk), which is what they are for; the editor's features are the lsp folder's.
  // hover.ts is a pure function of a document's state, which test/lsp builds directly (the layer, row, name and keyword
  // hovers of test/lsp/hover*.test.ts). The protocol suites reach it through the same function, but a mutant that survives
  // reruns every test that covers it, and a protocol test takes seconds in the test process: the views part's seven files
  // (37 minutes) spent 12 minutes on their last 150 mutants that way. Without them the score can only be lower.
  'lsp-hover': ['test/lsp', ...SLOW],
  // The editing features (completion, quick fixes, formatting, folding, semantic tokens, symbols, navigation, keyword
  // docs) are pure functions of a document's state as well, each tested by its own file of test/lsp; the protocol
  // suites reach them only to check the wiring (the `lsp server` part), at seconds a test for every survivor.
  'lsp-editing': ['test/lsp', ...SLOW],
  // completion.ts's tables (the schedules' parameters, the activation choice, the block kinds, the data file names) run
  // at import, so Stryker runs each of their mutants against every test of the part: with test/lsp, 32 such mutants
  // were estimated at 91% of the run's time (a minute each). Only completion's own tests import it (and the robustness
  // test, left out everywhere): with them alone a static mutant reruns two files.
  'lsp-completion': ['test/lsp/completion.test.ts', 'test/lsp/completionInserts.test.ts'],
  // The server part (the handler table, sessions, the workspace, settings, commands, the Testing API, the lens refresh)
  // is reached by test/lsp's session, command, lifecycle and lens refresh tests and, for the rest, only over the
  // protocol: the suites whose server runs in this process under a mutation run (PROTOCOL_IN_PROCESS), and
  // weightsFiles.test.ts for the data reader. Not data-loading's (in process too): it times hovers against 50 ms, which
  // instrumented code on a loaded machine does not meet (its dry run failed); nor test/training/live.test.ts, which
  // drives the training host (not this folder). A protocol test takes seconds, so each surviving mutant costs much.
  'lsp-server': ['test/lsp', ...PROTOCOL_IN_PROCESS, 'test/language/weightsFiles.test.ts', ...SLOW],
  // The pieces of the server with unit tests of their own (commands, settings, lifecycle, lensRefresh, dataFiles, specTests,
  // exportModel, saveWeights): test/lsp and the weights files' reader only. With the protocol suites, a run of seven of them
  // tested 276 of 482 mutants in 37 minutes at load 17-24 (each survivor reran every protocol test that reached it, and
  // lifecycle's gate and the settings reach them all) and was stopped. Without them the score can only be lower.
  'lsp-serverUnits': ['test/lsp', 'test/language/weightsFiles.test.ts', ...SLOW],
  // keywordDocs.ts is one table built at import (the documentation of every word), so every mutant of it is static and
  // runs every test of the part: with test/lsp (whose harness imports hover.ts, and so the table) that is the whole
  // folder for each of some 500 string mutants. Its own tests check what a reader reads of every word (each word's
  // title, syntax sketch, formula, defaults compared with the checker's, example, and the hovers of a whole spec);
  // hover's and completion's tests reach the same table through their features and are the other parts' tests.
  'lsp-keywords': ['test/lsp/keywordDocs.test.ts'],
  'language-front': ['test/language', 'test/cli/check.test.ts', '!test/language/fuzz.test.ts', '!test/language/checkCache.test.ts'],
  // The checker runs in every test of the folder as well (each opens a document), so the same holds: it is scored by
  // what the checker is for, every message at its place in the fixtures and the language's own tests, and `nn check`.
  'language-checker': ['test/language', 'test/cli/check.test.ts', '!test/language/fuzz.test.ts', '!test/language/checkCache.test.ts'],
};
