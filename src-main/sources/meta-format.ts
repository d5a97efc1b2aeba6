/**
 * Which reader a metadata file needs, told from its first lines rather than its name: users
 * rename files freely, and a `.csv` or `.txt` extension says nothing about the rows inside.
 */
import { open, stat } from 'node:fs/promises';
import { InputError } from '../../src-shared/errors.js';

export type ConcreteMetaFormat = 'seed_csv' | 'mot' | 'inference_json';

/** Enough for the header and several rows of any of the formats; lines past it are not needed. */
const SNIFF_BYTES = 64 * 1024;
/** Rows looked at; a seed CSV shows its first data row on line 2, a MOT file is uniform. */
const SNIFF_LINES = 8;

/** A seed CSV data row: an index, then the dict in a quoted cell (JSON or Python literal). */
const SEED_CSV_ROW = /^\s*"?\d+"?\s*,\s*"\s*\{/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Fails with a one-line `InputError` unless `path` is a readable regular file. Readers call it
 * before streaming so that a wrong path reads as a wrong path, not as a stream error.
 */
export async function assertMetaFile(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError(`meta_file is a directory, not a file: ${path}`);
    if (!info.isFile()) throw new InputError(`meta_file is not a regular file: ${path}`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw describeFileError(path, error);
  }
}

/** The `InputError` for a failed open or read of a metadata file. */
export function describeFileError(path: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new InputError(`meta_file not found: ${path}`);
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`meta_file cannot be read (permission denied): ${path}`);
  if (code === 'EISDIR') return new InputError(`meta_file is a directory, not a file: ${path}`);
  const reason = error instanceof Error ? error.message : String(error);
  return new InputError(`meta_file cannot be read: ${path}: ${reason}`);
}

/**
 * The format of a metadata file, from its first non-empty lines:
 * - `inference_json` when the text starts with `{` or `[` (a JSON record, an array of them, or
 *   JSON Lines);
 * - `seed_csv` when a row reads `index,"{...}"` — or when the file holds one line that is none
 *   of the others (a header alone), so that the CSV reader reports it as having no rows;
 * - `mot` when every row looked at has at least six numeric cells and a frame number ≥ 1
 *   (a seed CSV's header `0,1,…,9` is numeric too, but starts at frame 0).
 */
export async function sniffMetaFormat(path: string): Promise<ConcreteMetaFormat> {
  await assertMetaFile(path);
  const head = await readHead(path);
  const text = head.text.replace(/^\uFEFF/, '');
  const firstChar = /\S/.exec(text)?.[0];
  if (firstChar === undefined) throw new InputError(`${path}: no metadata rows`);
  if (firstChar === '{' || firstChar === '[') return 'inference_json';

  const lines = text.split('\n');
  // The last piece of a cut-off head is a partial line: judge only complete ones.
  if (head.truncated && lines.length > 1) lines.pop();
  const rows = lines.filter((line) => line.trim() !== '').slice(0, SNIFF_LINES);
  if (rows.some((row) => SEED_CSV_ROW.test(row))) return 'seed_csv';
  if (rows.every(isMotRow)) return 'mot';
  if (rows.length === 1) return 'seed_csv';
  throw new InputError(
    `${path}: unrecognised metadata format: expected a seed CSV (header, then rows index,"{...}"), ` +
      'a MOTChallenge det/gt file (rows frame,id,left,top,width,height,...) or inference JSON ' +
      '(starting with { or [); set local_data_settings.meta_format to force one',
  );
}

function isMotRow(line: string): boolean {
  const cells = line.split(',');
  if (cells.length < 6) return false;
  const frame = cells[0].trim();
  if (!/^\d+$/.test(frame) || Number(frame) < 1) return false;
  return cells.every((cell, column) => DECIMAL.test(cell.trim()) || (column >= 6 && cell.trim() === ''));
}

async function readHead(path: string): Promise<{ text: string; truncated: boolean }> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    // A multi-byte character cut at the end decodes to U+FFFD, harmless for the tests above.
    return { text: buffer.toString('utf8', 0, bytesRead), truncated: bytesRead === SNIFF_BYTES };
  } catch (error) {
    throw describeFileError(path, error);
  } finally {
    await handle?.close();
  }
}


/** The size of a file in bytes. @throws InputError when it cannot be read. */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    throw describeFileError(path, error);
  }
}
