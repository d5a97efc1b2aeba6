import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH, oneLine, showValue } from '../src-shared/messages.js';

describe('showValue', () => {
  it('escapes control characters so data cannot drive the terminal', () => {
    expect(showValue('a\u001b]0;pwned\u0007b\nc\td')).toBe('a\\u001b]0;pwned\\u0007b\\nc\\td');
    expect(showValue('x\u009by\u2028z')).toBe('x\\u009by\\u2028z');
  });

  it('escapes the bidirectional controls that would reorder the rest of a terminal line', () => {
    expect(showValue('1\u202e2\u2066x\u2069\u200f\u200e\u202a')).toBe('1\\u202e2\\u2066x\\u2069\\u200f\\u200e\\u202a');
    expect(showValue('caf\u00e9 \u2013 \u00d7')).toBe('caf\u00e9 \u2013 \u00d7');
  });

  it('cuts long values with an ellipsis to the length asked for', () => {
    expect(showValue('abcdefgh', 5)).toBe('abcd…');
    expect(showValue('abcde', 5)).toBe('abcde');
    expect(showValue('y'.repeat(10_000_000)).length).toBe(60);
  });

  it('counts the escapes in the length', () => {
    expect(showValue('\n\n\n\n', 5)).toBe('\\n\\n…');
  });
});

describe('oneLine', () => {
  it('keeps a message on one line of at most 300 characters', () => {
    const line = oneLine(`bad value ${'z'.repeat(1000)}\nsecond line`);
    expect(line.length).toBe(MAX_MESSAGE_LENGTH);
    expect(line).not.toContain('\n');
    expect(line.endsWith('…')).toBe(true);
  });
});
