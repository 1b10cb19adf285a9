// The hover of a network, data or weights name, whole: the shape table, the source and ranges, and the runs that use
// it (docs/editor.md "Hovers"). hover.test.ts checks parts of these with toContain; a lost line, a wrong layer's
// shape or a run of another network passed it unseen.
import { describe, expect, it } from 'vitest';
import { fixture, hoverValue } from './harness';

const SPEC = `network xor {
  input 2
  layer hidden 3 tanh
  layer 1 sigmoid
}
network other {
  input 2
  layer 1 linear
}
data pts = circle(samples 8, noise 0.1, seed 3)
data table {
  0 0 -> 0
  1 1 -> 1
}
weights w for xor {
  hidden W 1 2
  hidden W 3 4
  hidden W 5 6
  hidden b 0 0 0
  layer2 W 1 2 3
  layer2 b 0
}
train xor on table {
  epochs 10
}
train other on table {
  epochs 5
}
train xor on pts {
  start from w
}
`;

/** The hover at the `$0` put into `at` (its first occurrence in SPEC). */
const hoverAt = (at: string) => hoverValue(fixture(SPEC.replace(at.replace('$0', ''), at)));

describe('the hover of a declared name', () => {
  it('shows a network\'s layers aligned with their shapes, and only the runs of that network', () => {
    expect(hoverAt('network x$0or')).toBe(
      [
        '**network xor** — 2 → 3 → 1 · 13 parameters',
        '',
        '```text',
        'input   2',
        'hidden  3    tanh       W⁽¹⁾ 3×2 + b 3 = 9',
        'layer2  1    sigmoid    W⁽²⁾ 1×3 + b 1 = 4',
        '```',
        '',
        'train xor on table (line 23)  ',
        'train xor on pts (line 29)',
      ].join('\n'),
    );
    expect(hoverAt('network o$0ther')).toBe(
      [
        '**network other** — 2 → 1 · 3 parameters',
        '',
        '```text',
        'input   2',
        'layer1  1    linear     W⁽¹⁾ 1×2 + b 1 = 3',
        '```',
        '',
        'train other on table (line 26)',
      ].join('\n'),
    );
  });

  it('shows a data set\'s source, inputs and ranges, and only the runs on it', () => {
    expect(hoverAt('data ta$0ble')).toBe(
      [
        '**data table** — 2 rows · 2 → 1',
        '',
        '```text',
        'inline rows',
        'inputs: x1, x2',
        '  x1 ∈ [0, 1]',
        '  x2 ∈ [0, 1]',
        '```',
        '',
        'train xor on table (line 23)  ',
        'train other on table (line 26)',
      ].join('\n'),
    );
    expect(hoverAt('data p$0ts')).toBe(
      [
        '**data pts** — 8 rows · 2 → 1',
        '',
        '```text',
        'generated: circle(samples 8, noise 0.1, seed 3)',
        'inputs: x1, x2',
        '  x1 ∈ [−3.349, 2.417]',
        '  x2 ∈ [−2.034, 3.985]',
        '```',
        '',
        'train xor on pts (line 29)',
      ].join('\n'),
    );
  });

  it('shows given weights layer by layer, and the runs that start from them', () => {
    expect(hoverAt('weights w$0 for')).toBe(
      [
        '**weights w** for network xor — 13 numbers, written here',
        '',
        '```text',
        'hidden  W⁽¹⁾ 3×2 · b⁽¹⁾ 3',
        'layer2  W⁽²⁾ 1×3 · b⁽²⁾ 1',
        '```',
        '',
        'runs that start from them: train xor on pts (line 29)',
      ].join('\n'),
    );
  });
});
