// Training health in the editor (docs/editor.md "Training health"): findings as Warnings on the layer's line with numbers and fixes that work, the flat-loss rule on the train line, a divergence that names its layer, and no warning on any example.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixesFor } from '../../server/src/lsp/codeActions';
import { healthProblems } from '../../server/src/present/health';
import { resultProblem } from '../../server/src/present/results';
import { dedent, trainedFixture } from '../lsp/harness';
import { DEAD_RELU as DEAD_RELU_SPEC } from '../support/specs';
import { applyFix } from '../support/check';

const EXAMPLES = join(__dirname, '../../examples');

function problemsOf(fixture: ReturnType<typeof trainedFixture>) {
  const { state } = fixture;
  return state.check.runs.flatMap((run, i) => {
    const result = resultProblem(state.check, run, state.runStates[i], state.text);
    return [...(result ? [result] : []), ...healthProblems(state.check, run, state.runStates[i], state.text)];
  });
}


function lineOf(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  return text.slice(start, end < 0 ? text.length : end).trim();
}

const DEAD_RELU = DEAD_RELU_SPEC;

describe('health findings', () => {
  it('puts a dead-ReLU warning with its numbers on the layer, and lowering the rate removes it', () => {
    const fixture = trainedFixture(DEAD_RELU);
    const warnings = problemsOf(fixture).filter((p) => p.code.startsWith('health-'));
    expect(warnings).toHaveLength(1);
    const [dead] = warnings;
    expect(dead.severity).toBe('warning');
    expect(lineOf(fixture.state.text, dead.span.start)).toBe('layer hidden 12 relu');
    expect(dead.message).toMatch(/^\d+ of 12 units never activate on the training data \(dead ReLU\): no gradient reaches their weights \(epoch \d+\)$/);
    const titles = fixesFor(fixture.state, dead).map((f) => f.title);
    expect(titles).toEqual(["Use leaky_relu in layer 'hidden'", 'Set rate to 0.3']);

    const lowered = applyFix(fixture.state.text, fixesFor(fixture.state, dead).find((f) => f.title === 'Set rate to 0.3')!);
    expect(lowered).toContain('optimizer sgd rate 0.3');
    expect(problemsOf(trainedFixture(lowered)).filter((p) => p.code.startsWith('health-'))).toEqual([]);
    const leaky = applyFix(fixture.state.text, fixesFor(fixture.state, dead)[0]);
    expect(leaky).toContain('layer hidden 12 leaky_relu');
  });

  it('shows no health warning and no flat loss on any example', () => {
    const files: Record<string, string> = {};
    for (const name of readdirSync(EXAMPLES).filter((f) => f.endsWith('.csv'))) files[`/work/${name}`] = readFileSync(join(EXAMPLES, name), 'utf8');
    const specs = readdirSync(EXAMPLES).filter((f) => f.endsWith('.nn'));
    expect(specs.length).toBeGreaterThanOrEqual(7);
    for (const name of specs) {
      const fixture = trainedFixture(readFileSync(join(EXAMPLES, name), 'utf8'), { files });
      expect(fixture.state.check.runs.length, name).toBeGreaterThan(0);
      // Every run was measured: the absence of warnings is a verdict, not a missing measurement.
      for (const state of fixture.state.runStates) expect(state.outcome?.health?.measure, name).toBeTruthy();
      const flagged = problemsOf(fixture).filter((p) => p.code.startsWith('health-') || p.code === 'loss-flat');
      expect(flagged.map((p) => `${name}: ${p.message}`)).toEqual([]);
    }
  });
});

describe('the flat loss', () => {
  it('says so on the train line of XOR seed 2, and the fix changes the seed', () => {
    const xor = readFileSync(join(EXAMPLES, 'xor.nn'), 'utf8').replace('seed 1', 'seed 2');
    const fixture = trainedFixture(xor);
    const [problem] = problemsOf(fixture);
    expect(problem.code).toBe('loss-flat');
    expect(problem.severity).toBe('warning');
    expect(lineOf(xor, problem.span.start)).toMatch(/^train /);
    expect(problem.message).toMatch(
      /^loss 0\.0625 after 20,?000 epochs did not reach 0\.001: loss flat at 0\.0625 since epoch \d[\d,]*: likely a local minimum; try another seed or more hidden units\.$/,
    );
    const [fix] = fixesFor(fixture.state, problem);
    expect(fix.title).toBe('Try seed 3');
    const reseeded = applyFix(xor, fix);
    expect(reseeded).toMatch(/\n\s*seed 3\n/);
    expect(problemsOf(trainedFixture(reseeded))[0].code).toBe('trained');
  });
});

describe('a divergence', () => {
  it('names the layer whose weights blew up first', () => {
    const spec = dedent(`
      network deep {
        input 2
        layer first 8 relu
        layer second 8 relu
        layer out 1 linear
      }

      data d {
        0 0 -> 0
        0 1 -> 1
        1 0 -> 1
        1 1 -> 0
      }

      train deep on d {
        optimizer sgd rate 50
        epochs 200
        seed 1
      }
    `);
    const fixture = trainedFixture(spec);
    const [problem] = problemsOf(fixture);
    expect(problem.code).toBe('diverged');
    expect(problem.message).toMatch(/The weights of layer '(first|second|out)' blew up first \(‖W‖ (grew [\d.,e+]+×|stopped being finite) by epoch \d+\)\.$/);
    // The health findings of the blown-up weights would only repeat the error.
    expect(problemsOf(fixture).filter((p) => p.code.startsWith('health-'))).toEqual([]);
  });
});

