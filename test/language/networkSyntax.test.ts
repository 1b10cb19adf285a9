// The syntax errors of a network block (docs/language.md §3): each message where the mistake is, each quick fix by
// the text it leaves, and what the tree keeps of a layer after its errors.
import { describe, expect, it } from 'vitest';
import { parse } from '../../server/src/language';
import type { NetworkDecl } from '../../server/src/language/syntax';
import { syntaxProblems as problems } from '../support/check';

const net = (body: string) => `network n {\n  ${body}\n}\n`;

function network(text: string): NetworkDecl {
  const decl = parse(text).file.declarations[0];
  if (decl.kind !== 'network') throw new Error(`expected a network, found ${decl.kind}`);
  return decl;
}

describe("a network's header", () => {
  it('without its name', () => {
    expect(problems('network {\n}\n')).toEqual([`"{": expected a name for the network, as in 'network xor {', found '{'`]);
    // Later messages call it 'the network'.
    expect(problems('network {\n  input 2\n')).toEqual([
      `"{": expected a name for the network, as in 'network xor {', found '{'`,
      `"{": the network has no closing '}'; add it after the block's last line [Add the closing '}': "network {\\n  input 2\\n}\\n"]`,
    ]);
  });

  it('its name declares the network (the editor marks it as a declaration and goes to it)', () => {
    const decl = network('network n {\n  layer h 2 relu\n}\n');
    const layer = decl.statements[0];
    expect([decl.name?.declares, layer.kind === 'layer' && layer.name?.declares]).toEqual([true, true]);
  });

  it("without its '{' (a network's or a train block's): the next line's declaration is still read, with no error of its own", () => {
    for (const [header, what, first] of [
      ['network n', "network 'n'", 'network n'],
      ['train n on d', "train 'n'", 'train n'],
    ]) {
      const text = `${header}\ndata d {\n  0 -> 1\n}\n`;
      expect(problems(text)).toEqual([`"": expected '{' to open ${what}, found the end of the line`]);
      const { file } = parse(text);
      expect(file.declarations.map((d) => `${d.kind} ${d.kind === 'train' ? d.network?.text : d.name?.text}`)).toEqual([first, 'data d']);
      const data = file.declarations[1];
      expect(data.kind === 'data' && data.source?.kind === 'inline' && data.source.rows.length).toBe(1);
    }
    // The same with blank lines between, and with a word where the '{' goes.
    expect(problems('network n\n\ntrain n on d {\n}\n')).toEqual([`"": expected '{' to open network 'n', found the end of the line`]);
    expect(parse('network n foo\ndata d {\n  0 -> 1\n}\n').file.declarations.map((d) => d.kind)).toEqual(['network', 'data']);
  });

  it("with a word before its '{': the block is still read", () => {
    const text = 'network my net {\n  input 2\n}\n';
    expect(problems(text)).toEqual([`"net": expected '{' to open network 'my', found 'net'`]);
    expect(network(text).statements.map((s) => s.kind)).toEqual(['input']);
    expect(problems('network n input 2\n')).toEqual([`"input": expected '{' to open network 'n', found 'input'`]);
  });

  it("without its '}': the fix closes the block before the next declaration, or at the end", () => {
    expect(problems('network n {\n  input 2\n')).toEqual([
      `"{": network 'n' has no closing '}'; add it after the block's last line [Add the closing '}': "network n {\\n  input 2\\n}\\n"]`,
    ]);
    expect(problems('network n {\n  input 2\ndata d {\n  1 -> 1\n}\n')).toEqual([
      `"{": network 'n' has no closing '}'; add it after the block's last line [Add the closing '}': "network n {\\n  input 2\\n}\\ndata d {\\n  1 -> 1\\n}\\n"]`,
    ]);
  });

  it("spans the network from its keyword to its '}'", () => {
    const text = 'network n {\n  input 2\n}\n\n\n';
    const decl = network(text);
    expect(text.slice(decl.span.start, decl.span.end)).toBe('network n {\n  input 2\n}');
    // A header alone, even a keyword alone, is spanned over what was written.
    expect(network('network').span).toEqual({ start: 0, end: 7 });
    const open = 'network n\n\n';
    expect(open.slice(network(open).span.start, network(open).span.end)).toBe('network n');
  });
});

describe("a network's statements", () => {
  it('an unknown statement: the closest one as a fix, or the list', () => {
    expect(problems(net('lyer h 3 relu'))).toEqual([`"lyer": unknown statement 'lyer' in a network; did you mean 'layer'? [Change to 'layer': "network n {\\n  layer h 3 relu\\n}\\n"] (preferred)`]);
    // The misspelt statement is read as the one it most likely is.
    expect(network(net('lyer h 3 relu')).statements.map((s) => s.kind)).toEqual(['layer']);
    expect(problems(net('frob 3'))).toEqual([`"frob": unknown statement 'frob' in a network; expected 'input' or 'layer'`]);
    expect(problems(net('3'))).toEqual([`"3": unexpected '3' in a network; expected 'input' or 'layer'`]);
    expect(problems(net('"x"'))).toEqual([`"\\"x\\"": unexpected '"x"' in a network; expected 'input' or 'layer'`]);
    // A bad character was reported by the lexer, once.
    expect(problems(net('@'))).toEqual([`"@": unexpected character '@'; remove it`]);
  });

  it('input: a whole number', () => {
    expect(problems(net('input'))).toEqual([`"\\n": expected the input width, as in 'input 2', found the end of the line`]);
    expect(problems(net('input 2.5'))).toEqual([`"2.5": the input width must be a whole number, not 2.5`]);
    expect(problems(net('input 1e2'))).toEqual([`"1e2": the input width must be a whole number, not 1e2 [Change to 100: "network n {\\n  input 100\\n}\\n"] (preferred)`]);
    const input = network(net('input 2')).statements[0];
    expect(input.kind === 'input' && input.size?.value).toBe(2);
  });

  it('layer: the name, the units and the activation, each in its place', () => {
    const layer = network(net('layer hidden 3 tanh')).statements[0];
    expect(layer.kind === 'layer' && [layer.name?.text, layer.units?.value, layer.activation?.text]).toEqual(['hidden', 3, 'tanh']);
    const unnamed = network(net('layer 3 relu')).statements[0];
    expect(unnamed.kind === 'layer' && [unnamed.name, unnamed.units?.value, unnamed.activation?.text]).toEqual([undefined, 3, 'relu']);
    // A layer may be named like an activation when its units follow.
    const named = network(net('layer sigmoid 3 relu')).statements[0];
    expect(named.kind === 'layer' && [named.name?.text, named.activation?.text]).toEqual(['sigmoid', 'relu']);
    // Without units, an activation is the forgotten size's neighbour, not a name.
    expect(problems(net('layer sigmoid'))).toEqual([`"sigmoid": expected the number of units, as in 'layer hidden 3 sigmoid', found 'sigmoid'`]);
    expect(problems(net('layer h'))).toEqual([`"\\n": expected the number of units, as in 'layer hidden 3 sigmoid', found the end of the line`]);
    expect(problems(net('layer h 3'))).toEqual([
      `"\\n": expected an activation after the units ('sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear' or 'softmax'), as in 'layer hidden 3 sigmoid', found the end of the line`,
    ]);
    expect(problems(net('layer h 3 4'))).toEqual([
      `"4": expected an activation after the units ('sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear' or 'softmax'), as in 'layer hidden 3 sigmoid', found '4'`,
    ]);
    expect(problems(net('layer 3 sigmoidd'))).toEqual([`"sigmoidd": unknown activation 'sigmoidd'; did you mean 'sigmoid'? [Change to 'sigmoid': "network n {\\n  layer 3 sigmoid\\n}\\n"] (preferred)`]);
    expect(problems(net('layer 3 foo'))).toEqual([`"foo": unknown activation 'foo'; use 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear' or 'softmax'`]);
    // An unknown activation is kept: the layer is still there.
    const unknown = network(net('layer 3 foo')).statements[0];
    expect(unknown.kind === 'layer' && [unknown.activation?.text, unknown.activation?.role]).toEqual(['foo', 'unknown']);
    expect(problems(net('layer 3 sigmoid extra'))).toEqual([`"extra": unexpected 'extra' after the statement; put each statement on its own line`]);
  });

  it('init and dropout: in either order, each once', () => {
    const layer = network(net('layer h 3 relu dropout 20% init he')).statements[0];
    expect(layer.kind === 'layer' && [layer.init?.text, layer.dropout?.value]).toEqual(['he', 20]);
    const other = network(net('layer h 3 relu init zeros dropout 5%')).statements[0];
    expect(other.kind === 'layer' && [other.init?.text, other.dropout?.value]).toEqual(['zeros', 5]);
    expect(problems(net('layer h 3 relu init xavier init he'))).toEqual([`"init": 'init' is already given for this layer; keep one of them`]);
    expect(problems(net('layer h 3 relu dropout 20% init xavier dropout 10%'))).toEqual([`"dropout": 'dropout' is already given for this layer; keep one of them`]);
    expect(problems(net('layer h 3 relu init'))).toEqual([
      `"\\n": expected initialization ('xavier', 'he', 'uniform' or 'zeros'), as in 'init xavier', found the end of the line`,
    ]);
    expect(problems(net('layer h 3 relu init 3 dropout 20%'))).toEqual([
      `"3": expected initialization ('xavier', 'he', 'uniform' or 'zeros'), as in 'init xavier', found '3'`,
    ]);
    expect(problems(net('layer h 3 relu init he dropout 20% extra'))).toEqual([`"extra": unexpected 'extra' after the statement; put each statement on its own line`]);
  });

  it("an initialization without 'init': the fix inserts the word", () => {
    expect(problems(net('layer h 3 relu xavier'))).toEqual([
      `"xavier": write 'init xavier' to choose the initial weights [Change to 'init xavier': "network n {\\n  layer h 3 relu init xavier\\n}\\n"] (preferred)`,
    ]);
    expect(problems(net('layer h 3 relu dropout 20% he'))).toEqual([
      `"he": write 'init he' to choose the initial weights [Change to 'init he': "network n {\\n  layer h 3 relu dropout 20% init he\\n}\\n"] (preferred)`,
    ]);
  });

  it('dropout: a percentage; a fraction or a plain number is offered as one', () => {
    expect(problems(net('layer h 3 relu dropout 0.2'))).toEqual([
      `"0.2": write the share dropped as a percentage: 20% [Change to 20%: "network n {\\n  layer h 3 relu dropout 20%\\n}\\n"] (preferred)`,
    ]);
    // Rounded to twelve digits: 0.07 × 100 is 7.000000000000001 in binary floating point.
    expect(problems(net('layer h 3 relu dropout 0.07'))).toEqual([
      `"0.07": write the share dropped as a percentage: 7% [Change to 7%: "network n {\\n  layer h 3 relu dropout 7%\\n}\\n"] (preferred)`,
    ]);
    expect(problems(net('layer h 3 relu dropout 20'))).toEqual([
      `"20": write the share dropped as a percentage: 20% [Change to 20%: "network n {\\n  layer h 3 relu dropout 20%\\n}\\n"] (preferred)`,
    ]);
    // Only a value strictly between 0 and 1 is read as a fraction.
    expect(problems(net('layer h 3 relu dropout -0.5'))).toEqual([
      `"-0.5": write the share dropped as a percentage: -0.5% [Change to -0.5%: "network n {\\n  layer h 3 relu dropout -0.5%\\n}\\n"] (preferred)`,
    ]);
    // 1 and 0 are not fractions of a share: written as they are.
    expect(problems(net('layer h 3 relu dropout 1'))).toEqual([
      `"1": write the share dropped as a percentage: 1% [Change to 1%: "network n {\\n  layer h 3 relu dropout 1%\\n}\\n"] (preferred)`,
    ]);
    expect(problems(net('layer h 3 relu dropout 0'))).toEqual([
      `"0": write the share dropped as a percentage: 0% [Change to 0%: "network n {\\n  layer h 3 relu dropout 0%\\n}\\n"] (preferred)`,
    ]);
    expect(problems(net('layer h 3 relu dropout 20 %'))).toEqual([
      `"20 %": write the percentage without a space: 20% [Change to 20%: "network n {\\n  layer h 3 relu dropout 20%\\n}\\n"] (preferred)`,
    ]);
    expect(problems(net('layer h 3 relu dropout x'))).toEqual([`"x": expected the share of outputs to drop, as in 'dropout 20%', found 'x'`]);
    // Without a percentage the layer keeps no dropout, and the rest of the line is not read as more clauses.
    const layer = network(net('layer h 3 relu dropout 0.2 init he')).statements[0];
    expect(layer.kind === 'layer' && [layer.dropout, layer.init]).toEqual([undefined, undefined]);
  });

  it("spans each statement from its keyword to its last word", () => {
    const text = net('layer h 3 relu init he dropout 20%   ');
    const layer = network(text).statements[0];
    expect(text.slice(layer.span.start, layer.span.end)).toBe('layer h 3 relu init he dropout 20%');
    const short = net('layer h');
    const cut = network(short).statements[0];
    expect(short.slice(cut.span.start, cut.span.end)).toBe('layer h');
  });
});
