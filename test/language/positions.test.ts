// Offsets <-> LSP positions (UTF-16, CRLF aware) and the CLI's 1-based line:col.
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../server/src/language/positions';

describe('LineIndex', () => {
  it('round-trips every offset of a text with emoji, é, tabs and mixed line ends', () => {
    const text = '# café 😀 comment\r\n\tnetwork x {\n  input 2\r}\n😀é';
    const index = new LineIndex(text);
    for (let offset = 0; offset <= text.length; offset++) {
      const position = index.positionAt(offset);
      const atLineBreak = /[\r\n]/.test(text[offset] ?? '') || (text[offset - 1] === '\r' && text[offset] === '\n');
      if (!atLineBreak) expect(index.offsetAt(position)).toBe(offset);
    }
  });

  it('counts characters in UTF-16 code units, so an emoji is two', () => {
    const text = '# 😀é\nnetwork';
    const index = new LineIndex(text);
    expect(index.positionAt(text.indexOf('é'))).toEqual({ line: 0, character: 4 });
    expect(index.positionAt(text.indexOf('network'))).toEqual({ line: 1, character: 0 });
  });

  it('treats \\r\\n as one line break and a tab as one column', () => {
    const text = 'a\r\n\tb';
    const index = new LineIndex(text);
    expect(index.positionAt(4)).toEqual({ line: 1, character: 1 });
    expect(index.cliPosition(4)).toEqual({ line: 2, column: 2 });
    expect(index.lineCount).toBe(2);
  });

  it('clamps positions past a line end to that line end, before its \\r\\n', () => {
    const index = new LineIndex('ab\r\ncd');
    expect(index.offsetAt({ line: 0, character: 99 })).toBe(2);
    expect(index.offsetAt({ line: 9, character: 0 })).toBe(6);
    expect(index.positionAt(3)).toEqual({ line: 0, character: 2 });
  });
});

describe('LineIndex at the edges a client can send (LSP: a line ends at \\n, \\r\\n or a lone \\r)', () => {
  it('a lone \\r ends a line, and the character after it starts the next', () => {
    const index = new LineIndex('a\rb\rc');
    expect(index.lineCount).toBe(3);
    expect(index.positionAt(2)).toEqual({ line: 1, character: 0 });
    expect(index.positionAt(4)).toEqual({ line: 2, character: 0 });
    expect(index.cliPosition(4)).toEqual({ line: 3, column: 1 });
  });

  it('clamps a character past the end of a line before its lone \\r, and on the last line at the end of the text', () => {
    const index = new LineIndex('ab\rcd');
    expect(index.offsetAt({ line: 0, character: 99 })).toBe(2);
    expect(index.offsetAt({ line: 1, character: 99 })).toBe(5);
    // An empty line between two lone \r ends where it starts.
    expect(new LineIndex('a\r\rb').offsetAt({ line: 1, character: 5 })).toBe(2);
  });

  it('clamps a negative line or character to the start of the text or line, and a line one past the last to the end', () => {
    const index = new LineIndex('ab\ncd');
    expect(index.offsetAt({ line: 0, character: 99 })).toBe(2);
    expect(index.offsetAt({ line: -1, character: 5 })).toBe(0);
    expect(index.offsetAt({ line: 1, character: -3 })).toBe(3);
    expect(index.offsetAt({ line: 1, character: Number.NaN })).toBe(3);
    expect(index.offsetAt({ line: 2, character: 0 })).toBe(5);
  });
});
