// What check() messages repeat of the user's text: at most 60 characters of it, on one line, no control character; UTF-16 text is one problem.
import { describe, expect, it } from 'vitest';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS } from '../../server/src/language';
import { echo, oneLine, shorten, visibleControls } from '../../server/src/language/wording';

function messages(text: string): string[] {
  const result = check(text, {
    specPath: '/virtual/spec.nn',
    allowedRoot: null,
    readFile: () => ({ error: 'no such file', missing: true }),
    maxParameters: DEFAULT_MAX_PARAMETERS,
    maxDataCells: DEFAULT_MAX_DATA_CELLS,
  });
  return result.problems.map((p) => p.message);
}

const NETWORK = 'network n {\n  input 1\n  layer 1 linear\n}\n';
const LONG = 500_000;

describe('long user text is cut', () => {
  it.each([
    ['a number of half a million digits', `${NETWORK}data d {\n  0 -> 1${'0'.repeat(LONG)}\n}\ntrain n on d {\n}\n`],
    ['a path of half a million characters', `${NETWORK}data d from "${'a/'.repeat(LONG / 2)}x.csv"\ntrain n on d {\n}\n`],
    ['a name of half a million letters', `${NETWORK}data d {\n  0 -> 1\n}\ntrain n on d${'x'.repeat(LONG)} {\n}\n`],
    ['an unknown word of half a million letters', `${NETWORK}${'w'.repeat(LONG)}\n`],
    ['a layer size of half a million digits', `network n {\n  input 1\n  layer ${'9'.repeat(LONG)} linear\n}\n`],
  ])('%s', (_what, text) => {
    const all = messages(text);
    expect(all.length).toBeGreaterThan(0);
    for (const message of all) expect(message.length).toBeLessThan(300);
  });

  it('keeps both ends of what it cuts', () => {
    expect(messages(`${NETWORK}data d {\n  0 -> 1${'0'.repeat(LONG)}\n}\ntrain n on d {\n}\n`)).toContain(
      `1${'0'.repeat(29)}…${'0'.repeat(29)} is too large to be a number (it overflows to infinity)`,
    );
  });
});

describe('control characters in a spec', () => {
  it('a path with an escape sequence is quoted with it escaped', () => {
    const [message] = messages(`${NETWORK}data d from "\u001b[2J\u009b.csv"\ntrain n on d {\n}\n`);
    expect(message).toMatch(/^cannot read '\\u001b\[2J\\u009b\.csv': no such file \(looked for \/virtual\/\\u001b\[2J\\u009b\.csv;/);
  });

  it('no message of a spec full of control characters holds one', () => {
    const soup = Array.from({ length: 64 }, (_, i) => `${String.fromCharCode(i < 32 ? i : 0x80 + i - 32)}x`).join(' ');
    for (const message of messages(`${NETWORK}${soup}\n"${soup}"\n`)) expect(message).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/); // a tab may stay
  });
});

describe('text read in the wrong encoding', () => {
  const spec = `${NETWORK}data d {\n  0 -> 1\n}\ntrain n on d {\n}\n`;
  it('UTF-16 read as UTF-8 is one error at the start, and nothing trains', () => {
    for (const text of [Buffer.from(spec, 'utf16le').toString('utf8'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(spec, 'utf16le')]).toString('utf8')]) {
      const result = check(text, { specPath: null, allowedRoot: null, readFile: null, maxParameters: 100, maxDataCells: 100 });
      expect(result.problems.map((p) => [p.code, p.span, p.message])).toEqual([
        ['not-utf8', { start: 0, end: 0 }, 'this file is not UTF-8 text: it holds a NUL between its letters, as UTF-16 text does; save it as UTF-8'],
      ]);
      expect(result.runs).toEqual([]);
      expect(result.errorCount).toBe(1);
    }
  });

  it('a few NULs in a UTF-8 spec are reported where they are', () => {
    expect(messages(`${NETWORK}\u0000\n`)).toContain("unexpected character '\\u0000'; remove it");
  });

  it('UTF-16 is told by a quarter of NULs among the first 400 characters, in a text of 8 characters or more (docs/language.md §5.1)', () => {
    const codes = (text: string) => check(text, { specPath: null, allowedRoot: null, readFile: null, maxParameters: 100, maxDataCells: 100 }).problems.map((p) => p.code);
    const notUtf8 = ['not-utf8'];
    // Eight characters, every other one NUL: UTF-16; seven are too few to tell, each NUL is shown where it is.
    expect(codes('\u0000n\u0000e\u0000t\u0000w')).toEqual(notUtf8);
    expect(codes('\u0000n\u0000e\u0000t\u0000')).toEqual(Array(4).fill('invalid-token'));
    // 100 NULs among the first 400 characters is a quarter: UTF-16, whatever follows.
    const quarter = 'net\u0000'.repeat(100);
    expect(codes(`${quarter}${'x'.repeat(100)}`)).toEqual(notUtf8);
    // 99 among the first 400 is less than a quarter, and a NUL at the 401st character is not counted.
    const fewer = `${'net\u0000'.repeat(99)}netw\u0000${'x'.repeat(100)}`;
    expect(codes(fewer)).not.toContain('not-utf8');
    expect(codes(fewer).filter((code) => code === 'invalid-token')).toHaveLength(100);
  });
});

describe('wording helpers', () => {
  it.each([
    ['short', 10, 'short'],
    ['abcdefghijkl', 7, 'abc…jkl'],
    ['😀😀😀😀😀😀', 6, '😀…😀'],
    // Exactly max characters: kept whole.
    ['abcdefg', 7, 'abcdefg'],
    // A pair at the end of the head or the start of the tail goes whole or not at all: the first and last
    // code points of the astral planes (U+10000 is D800 DC00, U+10FFFF is DBFF DFFF), and an emoji.
    ...['😀', '\u{10000}', '\u{10FFFF}'].flatMap((pair): [string, number, string][] => [
      [`a${pair}bcdefgh`, 5, 'a…gh'],
      [`abcdefg${pair}h`, 5, 'ab…h'],
    ]),
    // A character above the surrogates (U+FF21, fullwidth A) is one unit, cut like any letter.
    ['aＡbcdefgh', 5, 'aＡ…gh'],
    ['abcdefgＡh', 5, 'ab…Ａh'],
  ])('shorten(%j, %i) is %j', (text, max, expected) => {
    expect(shorten(text, max)).toBe(expected);
    expect(shorten(text, max).length).toBeLessThanOrEqual(max);
  });

  it('escapes controls, keeping tabs and (when asked) line feeds', () => {
    expect(visibleControls('a\tb\nc\rd\u001b\u007f\u0085\u202e')).toBe('a\tb\\nc\\rd\\u001b\\u007f\\u0085\\u202e');
    expect(visibleControls('a\nb\u0007', true)).toBe('a\nb\\u0007');
    expect(visibleControls('a\u001bb\nc\u0007', true)).toBe('a\\u001bb\nc\\u0007');
    expect(echo('x'.repeat(100)).length).toBe(60);
    expect(oneLine('y'.repeat(10_000)).length).toBe(500);
    // A message of exactly the longest length is kept whole.
    expect(oneLine('z'.repeat(500))).toBe('z'.repeat(500));
  });
});
