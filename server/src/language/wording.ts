// How messages are worded: counts with their nouns, and what the user wrote repeated safely (one line, printable, short).
//
// A spec, a CSV cell or a path can hold anything: an escape sequence that clears a
// terminal, a line break, five megabytes. Messages repeat such text through echo(), and
// every message of a check passes through oneLine() (docs/language.md §5).

/** `1 column`, `2 columns`. */
export function plural(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralNoun}`;
}

/** The most characters of user text a message repeats; longer text loses its middle to an ellipsis. */
export const ECHO_LENGTH = 60;

/** The longest message a check returns: anything longer was built from user text no echo() shortened. */
export const MESSAGE_LENGTH = 500;

/**
 * C0 controls (tab and, when asked, line feed excepted), DEL, C1 controls, and the bidirectional
 * overrides and isolates that make a line read in another order than it is written.
 */
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const CONTROLS_BUT_LINE_FEED = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const ALL_CONTROLS = new RegExp(CONTROLS.source, 'g');
const ALL_CONTROLS_BUT_LINE_FEED = new RegExp(CONTROLS_BUT_LINE_FEED.source, 'g');

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

/** `\n`, `\r`, else `\u001b`: escapes that also mean the same character inside a JSON or Python string. */
function visible(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Control characters as visible escapes (`\u001b`, `\u0007`, `\u009b`, `\n`), so text cannot move a
 * terminal's cursor, change its colours or title, or hide what follows. Tabs stay; line feeds
 * stay when `keepLineFeeds` (the command line's own output, one message per line).
 */
export function visibleControls(text: string, keepLineFeeds = false): string {
  if (!(keepLineFeeds ? CONTROLS_BUT_LINE_FEED : CONTROLS).test(text)) return text;
  return text.replace(keepLineFeeds ? ALL_CONTROLS_BUT_LINE_FEED : ALL_CONTROLS, visible);
}

/**
 * Cuts text to at most `max` characters by taking out its middle, so both ends stay (a path keeps
 * its file name, a long number its first and last digits); never between the halves of a surrogate pair.
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let head = Math.ceil((max - 1) / 2);
  let tail = text.length - (max - 1 - head);
  if (isHighSurrogate(text.charCodeAt(head - 1))) head--;
  if (isLowSurrogate(text.charCodeAt(tail))) tail++;
  return `${text.slice(0, head)}…${text.slice(tail)}`;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** User text as a message repeats it: at most ECHO_LENGTH characters, on one line, with no control character. */
export function echo(text: string, max = ECHO_LENGTH): string {
  return visibleControls(shorten(text, max));
}

/** A message as a check returns it: one line, printable, at most MESSAGE_LENGTH characters. */
export function oneLine(message: string): string {
  return message.length > MESSAGE_LENGTH || CONTROLS.test(message) ? visibleControls(shorten(message, MESSAGE_LENGTH)) : message;
}
