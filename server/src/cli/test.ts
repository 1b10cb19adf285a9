// `nn test FILE... [--json] [--junit PATH]`: train the runs that have expectations and say which hold (docs/cli.md "nn test").
//
// Each spec is checked as `nn check` checks it; a spec with errors is printed as check
// prints it and is not trained. Every run with at least one `expect` trains to its end
// (a run without one is not trained), exactly as `nn train` trains it, and each
// expectation is graded on the run's final weights (present/expectations.ts).

import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineIndex } from '../language/positions';
import type { Problem } from '../language/problems';
import type { TrainDecl } from '../language/syntax';
import { gradeExpectations, testNames, verdictLine } from '../present/expectations';
import { checkSpec, describeWriteError, fileLabel, readSpec } from './check';
import { junitXml, type JunitCase, type JunitSuite } from './junit';
import { problemLine, processIo, reportPathProblem, runJson, trainSliced, type CliIo } from './train';
import { storeWithRowsHelper } from '../loading/rowsHelper';

export const TEST_USAGE = 'usage: nn test FILE... [--json] [--junit PATH]';

const TEST_HELP = `${TEST_USAGE}
Checks each spec, trains every run that has an 'expect' and grades its expectations on the final weights.
Prints one line per expectation (pass or FAIL) and a last line 'N passed, M failed'.
  --json         print one JSON document on stdout instead (each spec as 'nn train --json' writes it)
  --junit PATH   also write the results as JUnit XML (one testsuite per spec, one testcase per run)
Exit status: 0 every expectation holds, 1 one fails or a spec has errors, 130 cancelled (Ctrl+C), 2 bad usage or an unreadable spec.
`;

interface TestOptions {
  files: string[];
  json: boolean;
  junit: string | null;
}

class UsageError extends Error {}

function parseTestArgs(argv: string[]): TestOptions | 'help' {
  const options: TestOptions = { files: [], json: false, junit: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (!arg.startsWith('--') || arg === '--') {
      if (arg !== '--') options.files.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals >= 0 ? arg.slice(0, equals) : arg;
    if (name === '--json') {
      if (equals >= 0) throw new UsageError('--json takes no value');
      options.json = true;
    } else if (name === '--junit') {
      const value = equals >= 0 ? arg.slice(equals + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError('--junit needs a path');
      options.junit = value;
    } else {
      throw new UsageError(`unknown option ${name}`);
    }
  }
  if (options.files.length === 0) throw new UsageError('no spec file given');
  return options;
}

/** One spec as it was tested: its problems, and each run with expectations as a JSON run and a JUnit case. */
interface TestedSpec {
  file: string;
  problems: { line: number; column: number; severity: string; message: string }[];
  runs: object[];
  suite: JunitSuite;
}

/** Runs `nn test` and returns the exit status: 0, 1 (an expectation failed, or a spec has errors), 130 (Ctrl+C), 2 (usage, unreadable). */
export async function testCommand(argv: string[], io: CliIo = processIo()): Promise<number> {
  let options: TestOptions;
  try {
    const parsed = parseTestArgs(argv);
    if (parsed === 'help') {
      io.stdout(TEST_HELP);
      return 0;
    }
    options = parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`nn test: ${error.message}\n${TEST_USAGE}\n`);
    return 2;
  }
  // A report that cannot be written is said before minutes of training, not after.
  if (options.junit !== null) {
    const problem = reportPathProblem(resolve(io.cwd, options.junit), options.junit);
    if (problem !== null) {
      io.stderr(`nn test: cannot write the JUnit report '${fileLabel(options.junit)}': ${problem}\n`);
      return 2;
    }
  }

  const startedAt = new Date().toISOString().slice(0, 19);
  let interrupted = false;
  const stopListening = io.onInterrupt(() => {
    if (interrupted) process.exit(130); // a second Ctrl+C does not wait for the run to wind down
    interrupted = true;
  });
  const store = storeWithRowsHelper();
  const tested: TestedSpec[] = [];
  let unreadable = false;
  let broken = false;
  let passed = 0;
  let failed = 0;
  try {
    for (const file of options.files) {
      if (interrupted) break;
      const specPath = resolve(io.cwd, file);
      const text = readSpec('test', file, specPath, (message) => io.stderr(message));
      if (text === undefined) {
        unreadable = true;
        continue;
      }
      const checked = checkSpec(text, specPath, store);
      const lines = new LineIndex(text);
      const problems = checked.problems.filter((p) => p.severity === 'error' || p.severity === 'warning');
      const spec: TestedSpec = {
        file,
        problems: problems.map((p) => ({ ...lines.cliPosition(p.span.start), severity: p.severity, message: p.message })),
        runs: [],
        suite: { file, cases: [] },
      };
      tested.push(spec);
      const names = testNames(checked.file);
      if (checked.errorCount > 0) {
        broken = true;
        if (!options.json) for (const problem of problems) io.stdout(problemLine(file, lines, problem));
        spec.suite.cases = untestedCases(file, lines, names, problems, checked.errorCount);
        if (!options.json) io.stdout(`${fileLabel(file)}: not tested: the spec has ${checked.errorCount} ${checked.errorCount === 1 ? 'error' : 'errors'}\n`);
        continue;
      }
      if (!options.json) for (const problem of problems) io.stderr(problemLine(file, lines, problem));
      const runs = checked.runs.filter((run) => run.expectations.length > 0);
      if (runs.length === 0 && !options.json) io.stdout(`${fileLabel(file)}: no expectations to test (no run has an 'expect')\n`);
      for (const run of runs) {
        const outcome = await trainSliced(run, null, io, () => interrupted, io.stderrIsTTY && !options.json, undefined);
        const graded = gradeExpectations(run.expectations, { result: outcome.result });
        const line = lines.cliPosition(run.keywordSpan.start).line;
        passed += graded.filter((g) => g.verdict === 'met').length;
        failed += graded.filter((g) => g.verdict === 'failed').length;
        spec.runs.push(runJson(run, outcome.result, outcome.seconds, lines));
        const decl = checked.file.declarations.find((d): d is TrainDecl => d.kind === 'train' && d.keyword.start === run.keywordSpan.start);
        const results = graded.map((g) => ({ line: lines.cliPosition(g.expectation.span.start).line, graded: g }));
        spec.suite.cases.push({ name: (decl && names.get(decl)) ?? `run ${run.index}`, line, seconds: outcome.seconds, graded: results });
        if (!options.json) io.stdout(results.map((r) => `${fileLabel(file)}:${r.line}: ${verdictLine(r.graded)}\n`).join(''));
        if (outcome.result.stopped === 'cancelled') break;
      }
    }
  } finally {
    stopListening();
  }

  if (options.json) {
    const document = { files: tested.map(({ file, problems, runs }) => ({ file, problems, runs })), passed, failed };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    io.stdout(`${passed} passed, ${failed} failed\n`);
  }
  if (options.junit !== null) {
    try {
      writeFileSync(resolve(io.cwd, options.junit), junitXml(tested.map((t) => t.suite), startedAt));
    } catch (error) {
      io.stderr(`nn test: cannot write the JUnit report '${fileLabel(options.junit)}': ${describeWriteError(error, dirname(options.junit))}\n`);
      return 2;
    }
  }
  if (interrupted) return 130;
  if (unreadable) return 2;
  return failed > 0 || broken ? 1 : 0;
}

/** The runs of a spec with errors that have expectations, as JUnit cases in error: they were not trained. */
function untestedCases(file: string, lines: LineIndex, names: Map<TrainDecl, string>, problems: Problem[], errorCount: number): JunitCase[] {
  const details = problems.filter((p) => p.severity === 'error').map((p) => problemLine(file, lines, p).trimEnd()).join('\n');
  const message = `the spec has ${errorCount} ${errorCount === 1 ? 'error' : 'errors'}; fix ${errorCount === 1 ? 'it' : 'them'} to test it`;
  const cases: JunitCase[] = [];
  for (const [decl, name] of names) {
    if (!decl.statements.some((s) => s.kind === 'expect')) continue;
    cases.push({ name, line: lines.cliPosition(decl.keyword.start).line, seconds: 0, graded: [], error: { message, details } });
  }
  // A spec so broken that no run with an expectation can be found still shows up as one failing case.
  if (cases.length === 0) cases.push({ name: 'check', line: 1, seconds: 0, graded: [], error: { message, details } });
  return cases;
}
