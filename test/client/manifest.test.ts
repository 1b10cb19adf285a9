// The extension manifest and the code agree on command ids: package.json's commands are protocol.ts's ClientCommands, and no source file spells an id of its own.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { format } from '../../server/src/language/format';
import { ClientCommands, Commands } from '../../server/src/protocol';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string }[];
    menus: Record<string, { command: string }[]>;
    keybindings: { command: string }[];
    configurationDefaults?: Record<string, Record<string, unknown>>;
  };
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sourceFiles(path) : entry.endsWith('.ts') ? [path] : [];
  });
}

describe('command ids', () => {
  it('package.json contributes exactly the client commands', () => {
    expect(manifest.contributes.commands.map((c) => c.command).sort()).toEqual(Object.values(ClientCommands).sort());
  });

  it('menus and keybindings name only contributed commands', () => {
    const named = [...Object.values(manifest.contributes.menus).flat(), ...manifest.contributes.keybindings].map((c) => c.command);
    expect(named.filter((id) => !(Object.values(ClientCommands) as string[]).includes(id))).toEqual([]);
  });

  it('are written only in protocol.ts', () => {
    const ids = [...Object.values(Commands), ...Object.values(ClientCommands)];
    const offenders: string[] = [];
    for (const file of [...sourceFiles(join(root, 'server', 'src')), ...sourceFiles(join(root, 'client', 'src'))]) {
      const path = relative(root, file).split(sep).join('/');
      if (path === 'server/src/protocol.ts') continue;
      const text = readFileSync(file, 'utf8');
      for (const id of ids) if (text.includes(`'${id}'`) || text.includes(`"${id}"`) || text.includes(`\`${id}\``)) offenders.push(`${path}: ${id}`);
    }
    expect(offenders).toEqual([]);
  });
});

describe('editor defaults for .nn files', () => {
  it('indent as the formatter and the snippets do: two spaces, never tabs', () => {
    expect(manifest.contributes.configurationDefaults?.['[nn]']).toMatchObject({ 'editor.tabSize': 2, 'editor.insertSpaces': true });
    // The formatter's default indent is that width (docs/editor.md "Other language features").
    expect(format('network n {\ninput 2\n}\n')).toBe('network n {\n  input 2\n}\n');
  });
});
