/**
 * Every message is one line of bounded length, whatever value it quotes: the mechanisms (error
 * construction, the warning path, the CLI's print path, how settings values are shown) bound
 * and escape, so no caller can forget to.
 */
import { describe, expect, test } from 'vitest';
import { Diagnostics, type Warning } from '../../src-main/pipeline/diagnostics.js';
import { oneLine as cliLine } from '../../src-main/cli/progress.js';
import { InputError, SettingsError } from '../../src-shared/errors.js';
import { MAX_MESSAGE_LENGTH } from '../../src-shared/messages.js';
import { formatValue } from '../../src-shared/settings/fields.js';
import { parseSettings } from '../../src-shared/settings/index.js';

const ESCAPES = '\u001b]0;pwned\u0007\u001b[2J';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const TEN_MB = 'x'.repeat(10 * 1024 * 1024);

describe('messages are one bounded line with control characters escaped', () => {
  test('a warning quoting a 10 MB cell with escape sequences reaches the listener cut and escaped', () => {
    const seen: Warning[] = [];
    const diagnostics = new Diagnostics((warning) => seen.push(warning));
    diagnostics.skip('input.csv:2', `bad cell ${ESCAPES}${TEN_MB}`);
    expect(seen).toHaveLength(1);
    expect(seen[0].message.length).toBe(MAX_MESSAGE_LENGTH);
    expect(seen[0].message.endsWith('…')).toBe(true);
    expect(CONTROL.test(seen[0].message)).toBe(false);
    expect(seen[0].message.startsWith('input.csv:2: skipped: bad cell \\u001b]0;pwned\\u0007\\u001b[2Jxxx')).toBe(true);
  });

  test('an error built from a 20 MB text is one line of at most 300 characters', () => {
    const error = new InputError(`settings.yaml: cannot use ${'y'.repeat(20 * 1024 * 1024)}`);
    expect(error.message.length).toBe(MAX_MESSAGE_LENGTH);
    expect(error.message.endsWith('…')).toBe(true);
  });

  test('an error message with line breaks and escapes becomes one line; breaks fold to spaces', () => {
    const error = new SettingsError(`first\n   second\r\nthird ${ESCAPES}`);
    expect(error.message).toBe('first second third \\u001b]0;pwned\\u0007\\u001b[2J');
  });

  test("the CLI's print path folds, escapes and bounds any text", () => {
    expect(cliLine(`a\n b ${ESCAPES}`)).toBe('a b \\u001b]0;pwned\\u0007\\u001b[2J');
    expect(cliLine(TEN_MB).length).toBe(MAX_MESSAGE_LENGTH);
  });

  test('a settings value is shown quoted, cut to 60 characters and escaped', () => {
    expect(formatValue(`${ESCAPES}`)).toBe('"\\u001b]0;pwned\\u0007\\u001b[2J"');
    expect(formatValue(TEN_MB)).toBe(`"${'x'.repeat(59)}…"`);
    expect(formatValue(Array.from({ length: 1_000_000 }, (_, index) => index))).toBe(
      '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, …',
    );
  });

  test('a bad colormap name with escape sequences is refused with them escaped', () => {
    const yaml = `data_source_settings:\n  local_data_settings:\n    meta_file: a.csv\noutput_settings:\n  cmap: "Reds\\e[2J"\n`;
    let message = '';
    try {
      parseSettings(yaml, 'config.yaml', () => '');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.startsWith('config.yaml: output_settings.cmap must be a Matplotlib colormap name (case-sensitive), got "Reds\\u001b[2J"')).toBe(true);
    expect(CONTROL.test(message)).toBe(false);
  });
});
