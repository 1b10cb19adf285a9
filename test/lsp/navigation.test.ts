// Go to definition, references and rename of network and data names, with the cursor marked `$0`.
import { describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-languageserver';
import type { TextEdit } from 'vscode-languageserver';
import { definition, prepareRename, references, rename } from '../../server/src/lsp/navigation';
import { fixture, textOf, URI } from './harness';

const textDocument = { uri: URI };

const SPEC = `
  network xor {
    input 2
    layer out 1 sigmoid
  }
  data table {
    0 0 -> 0
    1 1 -> 0
  }
  train xor on table {
    epochs 10
  }
  train xor on table {
    epochs 20
  }
`;

/** Where the definition of the name at `$0` is, as `line:character text`. */
function checkDefinition(spec: string, expected: string | null): void {
  const { state, position } = fixture(spec);
  const location = definition(state, { textDocument, position });
  expect(location && `${location.range.start.line}:${location.range.start.character} ${textOf(state, location.range)}`).toBe(expected);
}

function checkReferences(spec: string, includeDeclaration: boolean, expected: string[]): void {
  const { state, position } = fixture(spec);
  const found = references(state, { textDocument, position, context: { includeDeclaration } });
  expect(found.map((l) => `${l.range.start.line}:${l.range.start.character} ${textOf(state, l.range)}`)).toEqual(expected);
}

function applyEdits(text: string, lines: { offsetAt(p: { line: number; character: number }): number }, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  return out;
}

function checkRename(spec: string, newName: string, expected: string): void {
  const { state, position } = fixture(spec);
  const prepared = prepareRename(state, { textDocument, position });
  expect(prepared).not.toBeInstanceOf(ResponseError);
  expect(prepared).not.toBeNull();
  const result = rename(state, { textDocument, position, newName });
  if (result === null || result instanceof ResponseError) throw new Error(`rename refused: ${result?.message}`);
  expect(applyEdits(state.text, state.lines, result.changes![URI])).toBe(fixture(expected).state.text);
}

function checkRenameRefused(spec: string, newName: string, message: RegExp): void {
  const { state, position } = fixture(spec);
  const result = rename(state, { textDocument, position, newName });
  expect(result).toBeInstanceOf(ResponseError);
  expect((result as ResponseError<void>).message).toMatch(message);
}

describe('go to definition', () => {
  it.each([
    ['a network use', SPEC.replace('train xor on table {\n    epochs 10', 'train x$0or on table {\n    epochs 10'), '0:8 xor'],
    ['a data use', SPEC.replace('on table {\n    epochs 20', 'on tab$0le {\n    epochs 20'), '4:5 table'],
    ['the declaration itself', SPEC.replace('data table', 'data $0table'), '4:5 table'],
    ['the cursor just after the name', SPEC.replace('train xor on table {\n    epochs 10', 'train xor$0 on table {\n    epochs 10'), '0:8 xor'],
  ])('from %s', (_, spec, expected) => checkDefinition(spec, expected));

  it.each([
    ['a keyword', SPEC.replace('network xor', 'netw$0ork xor'), null],
    ['an undeclared name', 'train nothing on $0nowhere {\n}\n', null],
  ])('finds nothing from %s', (_, spec, expected) => checkDefinition(spec, expected));
});

describe('references', () => {
  it('lists the declaration and every use', () => {
    checkReferences(SPEC.replace('data table', 'data ta$0ble'), true, ['4:5 table', '8:13 table', '11:13 table']);
    checkReferences(SPEC.replace('data table', 'data ta$0ble'), false, ['8:13 table', '11:13 table']);
  });

  it('keeps networks and data sets apart even when they share a name', () => {
    checkReferences(
      `
      network same {
        input 1
        layer 1 linear
      }
      data same {
        1 -> 1
      }
      train s$0ame on same {
      }
      `,
      true,
      ['0:8 same', '7:6 same'],
    );
  });
});

describe('rename', () => {
  it('renames the declaration and every use', () => {
    checkRename(
      SPEC.replace('train xor on table {\n    epochs 20', 'train xor on table$0 {\n    epochs 20'),
      'truth_table',
      SPEC.replace(/table/g, 'truth_table'),
    );
  });

  it('refuses an invalid identifier', () => {
    checkRenameRefused(SPEC.replace('network xor', 'network x$0or'), '2fast', /not a valid name/);
    checkRenameRefused(SPEC.replace('network xor', 'network x$0or'), 'has space', /not a valid name/);
  });

  it('refuses a name that another network already has', () => {
    checkRenameRefused(
      `
      network a$0 {
        input 1
        layer 1 linear
      }
      network b {
        input 1
        layer 1 linear
      }
      `,
      'b',
      /a network named 'b' already exists/,
    );
  });

  it('allows a data set to take the name of a network (separate name spaces)', () => {
    checkRename(SPEC.replace('data table', 'data t$0able'), 'xor', SPEC.replace(/table/g, 'xor'));
  });

  it('prepareRename refuses a name that refers to nothing, and ignores keywords', () => {
    const unknown = fixture('train nothing$0 on nowhere {\n}\n');
    expect(prepareRename(unknown.state, { textDocument, position: unknown.position })).toBeInstanceOf(ResponseError);
    const keyword = fixture(SPEC.replace('epochs 10', 'ep$0ochs 10'));
    expect(prepareRename(keyword.state, { textDocument, position: keyword.position })).toBeNull();
  });
});

describe('names that no declaration answers, and names in any order', () => {
  const UNRESOLVED = `
    data t {
      0 -> 1
    }
    train ghost on t {
    }
    train ghost on ghost {
      start from ghost
    }
    train other on t {
    }
  `;

  it('lists the other uses of the same undeclared name of the same kind as its references', () => {
    checkReferences(UNRESOLVED.replace('train ghost on t', 'train gh$0ost on t'), true, ['3:6 ghost', '5:6 ghost']);
    checkReferences(UNRESOLVED.replace('on ghost', 'on gh$0ost'), true, ['5:15 ghost']);
    checkReferences(UNRESOLVED.replace('from ghost', 'from gh$0ost'), true, ['6:13 ghost']);
  });

  it('says which kind of declaration an undeclared name lacks, and renames nothing', () => {
    const refused = (spec: string) => {
      const { state, position } = fixture(spec);
      const prepared = prepareRename(state, { textDocument, position });
      const renamed = rename(state, { textDocument, position, newName: 'found' });
      expect(renamed).toBeInstanceOf(ResponseError);
      expect((renamed as ResponseError<void>).message).toBe((prepared as ResponseError<void>).message);
      return (prepared as ResponseError<void>).message;
    };
    expect(refused(UNRESOLVED.replace('train ghost on t', 'train gh$0ost on t'))).toBe("'ghost' names no network in this file, so there is nothing to rename");
    expect(refused(UNRESOLVED.replace('on ghost', 'on gh$0ost'))).toBe("'ghost' names no data set in this file, so there is nothing to rename");
    expect(refused(UNRESOLVED.replace('from ghost', 'from gh$0ost'))).toBe("'ghost' names no weights declaration in this file, so there is nothing to rename");
  });

  it('renames a name to itself, and to a name only undeclared uses have (they then name it)', () => {
    const spec = `
      network ghost {
        input 1
        layer 1 linear
      }
      data t {
        0 -> 1
      }
      train ghost on t {
      }
      train real on t {
      }
    `;
    checkRename(spec.replace('network ghost', 'network gh$0ost'), 'ghost', spec);
    checkRename(spec.replace('network ghost', 'network gh$0ost'), 'real', spec.replace(/ghost/g, 'real'));
  });

  it('lists references in the order of the text when the uses come before the declaration', () => {
    checkReferences(
      `
      train late on t$0 {
      }
      train late on t {
      }
      network late {
        input 1
        layer 1 linear
      }
      data t {
        0 -> 1
      }
      `,
      true,
      ['0:14 t', '2:14 t', '8:5 t'],
    );
  });
});
