/**
 * Pieces of user-facing messages. Every message crowdheat prints is one line of bounded length:
 * a value taken from a file or a setting is quoted, cut, and its control characters escaped, so
 * a 10 MB CSV cell or a terminal escape sequence in the data cannot flood or drive the terminal.
 */

/** The longest a quoted value may be, in characters, before it is cut with `…`. */
export const MAX_QUOTED_LENGTH = 60;

/** The longest a whole message may be, in characters. */
export const MAX_MESSAGE_LENGTH = 300;

/**
 * A value as it appears inside a message: control characters (C0, DEL, C1, the Unicode line
 * and paragraph separators, and the bidirectional marks, embeddings, overrides and isolates that
 * would reorder the rest of the line on a terminal) escaped as `\n`, `\t` or `\u001b`, then cut to `max` characters with a
 * trailing `…`. Not quoted: callers put it in the quotes their sentence needs.
 *
 * ```ts
 * showValue('a\u001b[2Jb') // 'a\\u001b[2Jb'
 * showValue('x'.repeat(100), 5) // 'xxxx…'
 * ```
 */
export function showValue(value: string, max = MAX_QUOTED_LENGTH): string {
  const head = value.length > max * 8 ? value.slice(0, max * 8) : value;
  // eslint-disable-next-line no-control-regex
  const escaped = head.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, escapeControl);
  const cut = escaped.length > max || head.length < value.length;
  return cut ? `${escaped.slice(0, max - 1)}…` : escaped;
}

/** A message made safe to print as one line: control characters escaped, at most `max` characters. */
export function oneLine(message: string, max = MAX_MESSAGE_LENGTH): string {
  return showValue(message, max);
}

function escapeControl(character: string): string {
  if (character === '\n') return '\\n';
  if (character === '\r') return '\\r';
  if (character === '\t') return '\\t';
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
