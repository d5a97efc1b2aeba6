/**
 * The seed CSV: the AITRIOS heatmap sample's local metadata file. A header row (its cells are
 * ignored; the sample's has ten cells where data rows have two), then rows `index,"<dict>"`
 * whose dict is `{"perception": {"object_detection_list": [{"class_id", "bounding_box":
 * {"left", "top", "right", "bottom"}, "score"}, ...]}}`, written as JSON or as a Python literal
 * (NumPy 2 scalar reprs included), read by the one perception reader (src-shared/perception.ts).
 *
 * Rows may come in any order: each is placed at its own index (frame-order.ts streams a file in
 * order, and sorts one out of order through temporary files). Rules, each reported through
 * `Diagnostics.skip('<file>:<line>', why)`:
 * - The index is the 0-based frame number. Frames without a row (gaps, and frames before the
 *   first row) are yielded empty, so the counting window advances through them; gaps longer
 *   than `MAX_FRAME_GAP` fail before any output.
 * - A row whose index is not a whole number is skipped whole (no frame), as is a row csv-parse
 *   cannot split, and a second row with an index already read.
 * - A row with a usable index but an unusable dict (malformed, too long or too deep, no
 *   `perception`, a list that is not a list, extra non-empty cells) is an empty frame: the
 *   frame happened, its detections are lost.
 * - One bad detection is dropped; the row's other detections are kept (perception.ts).
 * - A first row that is already data (`0,"{...}"`) is read as data: the file has no header.
 * - A file in which no row has a usable dict fails with an `InputError` (how many rows were
 *   tried, the first reason) before any frame is yielded.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { parse, type CsvError, type Info, type Options } from 'csv-parse';
import { EMPTY_DETECTIONS, type Detections, type Frame } from '../../src-shared/frames.js';
import { CrowdheatError, InputError } from '../../src-shared/errors.js';
import { showValue } from '../../src-shared/messages.js';
import { PerceptionError, parseMetadataText, readPerception } from '../../src-shared/perception.js';
import type { Diagnostics } from '../pipeline/diagnostics.js';
import type { FrameSource } from '../pipeline/types.js';
import { assertMetaFile, describeFileError, fileSize } from './meta-format.js';
import { orderRows, type FrameRow } from './frame-order.js';
import { SkipTally } from './skip-tally.js';

/** Far above any real row (100 detections are ~13 KB); bounds memory when a quote is never closed. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;
const INDEX_PATTERN = /^\d+$/;

export function openSeedCsv(path: string, diagnostics: Diagnostics): FrameSource {
  return {
    name: 'heatmap',
    hasImages: false,
    frames: (signal) => seedCsvFrames(path, diagnostics, signal),
  };
}

interface CsvRow {
  readonly info: Info;
  readonly record: string[];
}

async function* seedCsvFrames(path: string, diagnostics: Diagnostics, signal: AbortSignal): AsyncGenerator<Frame> {
  await assertMetaFile(path);
  const skips = new SkipTally(path, diagnostics);
  const header = await headerLines(path);
  const ordered = await orderRows(path, (report) => csvRows(path, header, report ? skips : undefined), 0, 'index', await fileSize(path), signal);
  /** The index the next yielded frame gets; no frame is yielded before the first usable row. */
  let next = 0;
  let usable = false;
  let lastIndex = -1;
  let lastLine = 0;
  for await (const { frame: index, line, text } of ordered.iterate()) {
    if (signal.aborted) return;
    const where = `${path}:${line}`;
    if (index === lastIndex) {
      skips.skip(where, `index ${index} was already read at line ${lastLine}`);
      continue;
    }
    lastIndex = index;
    lastLine = line;
    // An empty text is a row the reader has already reported (no dict, or extra cells): an empty frame.
    const detections = text === '' ? undefined : readRowDetections(text, where, skips);
    if (detections === undefined && !usable) continue;
    usable = true;
    for (; next < index; next++) {
      if (signal.aborted) return;
      yield { index: next, detections: EMPTY_DETECTIONS };
    }
    yield { index, detections: detections ?? EMPTY_DETECTIONS };
    next = index + 1;
  }
  if (signal.aborted) return;
  if (!usable) throw skips.nothingUsable('rows');
}

/** csv-parse's options for the seed CSV, the same on every pass over a file. */
function csvOptions(fromLine: number, onSkip: (error: CsvError | undefined) => undefined): Options {
  return {
    bom: true,
    info: true,
    relax_column_count: true,
    // Keeps a cell with stray quotes as text, so the row fails (and is reported) on its own;
    // csv-parse's strict mode loses its place after such an error and drops later rows unreported.
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
    skip_records_with_error: true,
    from_line: fromLine,
    on_skip: onSkip,
  };
}

/**
 * The lines the file's header row takes (its last line), or 0 when the file is read from its
 * first line: it has no header (its first row is data), or something before or in its first
 * row is not a clean CSV row (then the header is recognised among the rows, as before).
 *
 * Why: csv-parse takes the first record's width as the expected one and, with
 * `relax_column_count`, still builds an error object (with a stack) for every later record of
 * another width before letting it through. The sample's header has ten cells and its rows two,
 * so without this every row paid for an error; started after the header, the expected width is
 * the first data row's and only rows of odd widths pay.
 */
async function headerLines(path: string): Promise<number> {
  let clean = true;
  const parser = parse({
    ...csvOptions(1, () => {
      clean = false;
      return undefined;
    }),
    to: 1,
  });
  const rows = pipeline(createReadStream(path), parser, () => {});
  try {
    for await (const { info, record } of rows as AsyncIterable<CsvRow>) {
      return clean && !looksLikeDataRow(record) ? info.lines : 0;
    }
    return 0;
  } catch {
    // The main pass meets the same failure and reports it.
    return 0;
  } finally {
    parser.destroy();
  }
}

/**
 * The data rows of the file with a whole-number index, as `{frame: index, line, text: the dict
 * cell}`; `text` is '' for a row without a dict or with extra cells. With `skips`, rows that
 * cannot be split, have no index or carry extra cells are reported and counted there.
 * `header` is `headerLines(path)`: a header found there is not parsed again; with 0 the first
 * record is the header unless it looks like data.
 */
async function* csvRows(path: string, header: number, skips: SkipTally | undefined): AsyncGenerator<FrameRow> {
  let lastUnsplitLine: number | undefined;
  const parser = parse(
    csvOptions(header + 1, (error: CsvError | undefined) => {
      const line = typeof error?.lines === 'number' ? error.lines : undefined;
      // csv-parse can stumble several times inside one broken line; that is one skipped row.
      if (line !== undefined && line === lastUnsplitLine) return undefined;
      lastUnsplitLine = line;
      skips?.tried();
      skips?.skip(`${path}:${line ?? '?'}`, `not a CSV row: ${showValue(error?.message ?? 'unreadable', 120)}`);
      return undefined;
    }),
  );
  // pipeline() rather than pipe(): a read error must end the iteration below, not stall it.
  const rows = pipeline(createReadStream(path), parser, () => {});
  let records = 0;
  try {
    for await (const { info, record } of rows as AsyncIterable<CsvRow>) {
      records += 1;
      if (records === 1 && header === 0 && !looksLikeDataRow(record)) continue;
      skips?.tried();
      const where = `${path}:${info.lines}`;
      const indexText = (record[0] ?? '').trim();
      if (!INDEX_PATTERN.test(indexText) || !Number.isSafeInteger(Number(indexText))) {
        skips?.skip(where, `index '${showValue(indexText, 20)}' is not a whole number from 0`);
        continue;
      }
      let text = record.length < 2 ? '' : record[1].trim();
      if (text === '') skips?.skip(where, 'no metadata dict after the index');
      const extra = record.findIndex((cell, column) => column >= 2 && cell.trim() !== '');
      if (text !== '' && extra !== -1) {
        skips?.skip(where, `unexpected value in column ${extra + 1}: '${showValue(record[extra].trim(), 40)}'`);
        text = '';
      }
      yield { frame: Number(indexText), line: info.lines, text };
    }
  } catch (error) {
    throw describeReadError(path, error);
  } finally {
    parser.destroy();
  }
}

function looksLikeDataRow(record: readonly string[]): boolean {
  return record.length >= 2 && INDEX_PATTERN.test(record[0].trim()) && record[1].trimStart().startsWith('{');
}

/** File-system and csv-parse failures (they carry a `code`) as an `InputError`; anything else is a bug and stays as it is. */
function describeReadError(path: string, error: unknown): unknown {
  if (error instanceof CrowdheatError || !(error instanceof Error)) return error;
  const { code, lines } = error as Error & { code?: unknown; lines?: unknown };
  if (typeof code !== 'string') return error;
  if (typeof lines === 'number') return new InputError(`${path}:${lines}: ${showValue(error.message, 200)}`);
  return describeFileError(path, error);
}

/** The detections of one row's dict, or undefined when the dict is unusable (reported). */
function readRowDetections(text: string, where: string, skips: SkipTally): Detections | undefined {
  try {
    return readPerception(parseMetadataText(text), (i, why) => skips.skip(where, `detection ${i}: ${why}`));
  } catch (error) {
    if (!(error instanceof PerceptionError)) throw error;
    skips.skip(where, error.message);
    return undefined;
  }
}
