/**
 * Matplotlib's colormaps as RGB lookup tables (generated data in `tables.ts`).
 *
 * A table is N rows of (r, g, b) bytes: N is 256 for most maps, fewer for the qualitative
 * ones (`tab10` has 10) and 510 for `twilight`. Keeping Matplotlib's own N is what makes the
 * colour of a value exactly Matplotlib's: a 256-row resampling of a 10-colour map would put
 * some values in the neighbouring colour.
 *
 * ```ts
 * const viridis = getColormap('viridis');          // 768 bytes
 * viridis.subarray(0, 3);                          // [68, 1, 84]
 * colormapIndex(0.5, viridis.length / 3);          // 128
 * ```
 */
import { closeNames } from '../close-names.js';
import { SettingsError } from '../errors.js';
import { COLORMAP_NAMES, STORED_TABLES } from './tables.js';

const REVERSED_SUFFIX = '_r';
const FALLBACK_SUGGESTIONS = 'viridis, Reds, jet, hot, gray (any Matplotlib colormap name)';

const decoded = new Map<string, Uint8Array>();
const knownNames = new Set(COLORMAP_NAMES);

/** Every colormap name crowdheat accepts (Matplotlib's registered names, `_r` included). */
export function colormapNames(): string[] {
  return [...COLORMAP_NAMES];
}

/**
 * The RGB table of a colormap: 3 bytes a row, `length / 3` rows. The array is shared between
 * callers; do not write into it.
 *
 * Throws `SettingsError` naming `output_settings.cmap` and up to five close names when the
 * name is not one of `colormapNames()` (names are case-sensitive, as in Matplotlib).
 */
export function getColormap(name: string): Uint8Array {
  const cached = decoded.get(name);
  if (cached !== undefined) return cached;
  if (!knownNames.has(name)) {
    const close = closeColormapNames(name);
    const hint = close.length > 0 ? `; close matches: ${close.join(', ')}` : `; try one of ${FALLBACK_SUGGESTIONS}`;
    throw new SettingsError(`output_settings.cmap: unknown colormap "${name}"${hint}`);
  }
  const stored = STORED_TABLES[name];
  const table = stored !== undefined ? decodeBase64(stored) : reverseRows(getColormap(name.slice(0, -REVERSED_SUFFIX.length)));
  decoded.set(name, table);
  return table;
}

/**
 * The row Matplotlib uses for a normalised value `fraction` in a table of `entries` rows:
 * `min(floor(fraction * entries), entries - 1)`, with `fraction` clipped to [0, 1] first
 * (Matplotlib's under/over colours default to the end rows, which the clip reproduces).
 *
 * ```ts
 * colormapIndex(0.999, 256) // 255
 * colormapIndex(1, 256)     // 255
 * colormapIndex(-3, 256)    // 0
 * ```
 */
export function colormapIndex(fraction: number, entries: number): number {
  if (!(fraction > 0)) return 0;
  if (fraction >= 1) return entries - 1;
  return Math.floor(fraction * entries);
}

/**
 * Up to five colormap names nearest to `name` (`closeNames`).
 *
 * ```ts
 * closeColormapNames('Redz') // ['Reds', 'OrRd', 'RdBu', 'RdGy', 'RdPu']
 * ```
 */
export function closeColormapNames(name: string): string[] {
  return closeNames(name, COLORMAP_NAMES);
}

function reverseRows(table: Uint8Array): Uint8Array {
  const rows = table.length / 3;
  const reversed = new Uint8Array(table.length);
  for (let row = 0; row < rows; row++) {
    reversed.set(table.subarray(row * 3, row * 3 + 3), (rows - 1 - row) * 3);
  }
  return reversed;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUES = new Map([...BASE64_ALPHABET].map((char, value) => [char, value]));

/** Standard base64 (with `=` padding) to bytes; no Node `Buffer` and no DOM `atob` needed. */
function decodeBase64(text: string): Uint8Array {
  const body = text.replace(/=+$/, '');
  const bytes = new Uint8Array(Math.floor((body.length * 3) / 4));
  let bits = 0;
  let bitCount = 0;
  let offset = 0;
  for (const char of body) {
    const value = BASE64_VALUES.get(char);
    if (value === undefined) throw new Error(`colormap tables: invalid base64 character "${char}"`);
    bits = ((bits << 6) | value) & 0xffffff;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      bytes[offset++] = (bits >> bitCount) & 0xff;
    }
  }
  return bytes;
}
