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
import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { parse, type CsvError, type Info, type Options } from 'csv-parse';
import { DetectionsBuilder, EMPTY_DETECTIONS, type Detections, type Frame } from '../../src-shared/frames.js';
import { CrowdheatError, InputError } from '../../src-shared/errors.js';
import { showValue } from '../../src-shared/messages.js';
import { MAX_RECORD_CHARS, PerceptionError, parseMetadataText, readPerception } from '../../src-shared/perception.js';
import type { Diagnostics } from '../pipeline/diagnostics.js';
import type { FrameSource } from '../pipeline/types.js';
import { assertMetaFile, describeFileError, fileSize } from './meta-format.js';
import { orderRows, type FrameRow, type FrameSpan } from './frame-order.js';
import { SkipTally } from './skip-tally.js';
import { ReadMeter } from './read-meter.js';

/** Far above any real row (100 detections are ~13 KB); bounds memory when a quote is never closed. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;
const INDEX_PATTERN = /^\d+$/;

/** How the seed CSV reader splits rows; for tests and benchmarks only. */
export interface SeedCsvOptions {
  /**
   * false: every row through csv-parse and every dict through the general perception reader, as
   * before the fast paths for plain rows (`plainRows`) and plain dicts (`plainDetections`); the
   * results must be the same either way. Default true.
   */
  plainRows?: boolean;
}

export function openSeedCsv(path: string, diagnostics: Diagnostics, options: SeedCsvOptions = {}): FrameSource {
  // Known once the first pass over the file (frame-order.ts) has seen the highest index.
  const span: FrameSpan = {};
  const meter = new ReadMeter();
  return {
    name: 'heatmap',
    hasImages: false,
    get expectedFrames() {
      return span.frames;
    },
    preparing: () => (span.frames === undefined ? meter.share() : undefined),
    frames: (signal) => seedCsvFrames(path, diagnostics, signal, options.plainRows ?? true, span, meter),
  };
}

interface CsvRow {
  readonly info: Info;
  readonly record: string[];
}

async function* seedCsvFrames(
  path: string,
  diagnostics: Diagnostics,
  signal: AbortSignal,
  plain: boolean,
  span: FrameSpan,
  meter: ReadMeter,
): AsyncGenerator<Frame> {
  await assertMetaFile(path);
  const skips = new SkipTally(path, diagnostics);
  const header = await headerLines(path);
  const bytes = await fileSize(path);
  meter.setTotal(bytes);
  const ordered = await orderRows(path, (report) => csvRows(path, header, plain, report ? skips : undefined, meter), 0, 'index', bytes, signal);
  // Every index from 0 through the highest is yielded (gaps as empty frames), so this is the run's frame count.
  span.frames = ordered.span;
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
    const detections = text === '' ? undefined : ((plain ? plainDetections(text) : undefined) ?? readRowDetections(text, where, skips));
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
 * record is the header unless it looks like data. With `plainFirst`, rows are split by
 * `plainRows` as long as they are plain, then by csv-parse; else all by csv-parse.
 */
async function* csvRows(
  path: string,
  header: number,
  plainFirst: boolean,
  skips: SkipTally | undefined,
  meter: ReadMeter,
): AsyncGenerator<FrameRow> {
  const plain = { rows: 0, resume: header + 1 };
  if (plainFirst) {
    plain.resume = 0;
    try {
      yield* plainRows(path, header + 1, skips, plain, meter);
    } catch (error) {
      throw describeReadError(path, error);
    }
  }
  if (plain.resume !== 0) yield* parsedRows(path, plain.resume, header === 0 && plain.rows === 0, skips, meter);
}

/** Bytes the plain reader reads at a time. */
const READ_BYTES = 1024 * 1024;
/** Longest row the plain reader takes; longer ones go to csv-parse (and are refused by the perception reader's cap anyway). */
const MAX_PLAIN_ROW_CHARS = 1024 * 1024;

/**
 * The fast path of `csvRows`: rows written exactly as pandas writes the sample, `<digits>,"<dict
 * with quotes doubled>"` on one line, are split here without csv-parse — for such a row csv-parse
 * gives exactly `[digits, dict]`, so the result is the same. Lines end as the file's first line
 * break says, `\n` or `\r\n` (csv-parse's auto-detected record delimiter); blank lines are
 * skipped like csv-parse's `skip_empty_lines`. At the first line that is anything else (another
 * line ending, a lone `\r`, another cell, a stray quote, a quoted line break, an index that is
 * not a safe integer, an empty dict, a replacement character from bytes that are not UTF-8, a
 * row over `MAX_PLAIN_ROW_CHARS`), it stops and sets `state.resume` to that line: csv-parse reads
 * the rest of the file from there, with every rule and report of before. `state.rows` counts the
 * rows yielded. Lines before `firstLine` (the header) are not read; a quote before the file's
 * first line break, a lone `\r` as the first one, or a header line that ends otherwise sends the
 * whole file to csv-parse.
 */
async function* plainRows(
  path: string,
  firstLine: number,
  skips: SkipTally | undefined,
  state: { rows: number; resume: number },
  meter: ReadMeter,
): AsyncGenerator<FrameRow> {
  const handle = await open(path, 'r');
  /** Bytes read from the file's start (for `meter`). */
  let position = 0;
  // One buffer for the whole file: a row cut by a read moves to its start and the next read goes after it.
  const buffer = Buffer.allocUnsafe(READ_BYTES + MAX_PLAIN_ROW_CHARS);
  /** Bytes at the start of `buffer` after the last line break read so far (a row cut by the read). */
  let pending = 0;
  let first = true;
  let line = 0;
  /** Whether lines end in `\r\n`; undefined until the first line break is seen. */
  let crlf: boolean | undefined;
  const take = (raw: string): FrameRow | undefined => {
    const header = line < firstLine;
    let row = raw;
    if (crlf === true) {
      if (row.charCodeAt(row.length - 1) !== 0x0d) {
        state.resume = header ? firstLine : line;
        return undefined;
      }
      row = row.slice(0, -1);
    }
    if (row.includes('\r')) {
      state.resume = header ? firstLine : line;
      return undefined;
    }
    if (header || row === '') return undefined;
    const parsed = plainRow(row, line);
    if (parsed === undefined) state.resume = line;
    return parsed;
  };
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, pending, READ_BYTES, null);
      if (bytesRead === 0) break;
      position += bytesRead;
      meter.observe(position);
      const end = pending + bytesRead;
      let from = 0;
      if (first && end >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) from = 3;
      first = false;
      // Whole lines only are decoded, each read's at once: ASCII (the usual case) as Latin-1, a
      // plain copy, anything else as UTF-8. A line break is a byte of its own in UTF-8, so
      // decoding up to one is decoding each line apart, as csv-parse does its cells.
      const through = buffer.lastIndexOf(0x0a, end - 1) + 1;
      if (through <= from) {
        pending = end;
        if (pending <= MAX_PLAIN_ROW_CHARS) continue;
        state.resume = Math.max(line + 1, firstLine);
        return;
      }
      const lines = buffer.subarray(from, through);
      const text = isAscii(lines) ? lines.toString('latin1') : lines.toString('utf8');
      buffer.copyWithin(0, through, end);
      pending = end - through;
      if (crlf === undefined) {
        const breakAt = firstBreak(text);
        const lone = text.charCodeAt(breakAt) === 0x0d && text.charCodeAt(breakAt + 1) !== 0x0a;
        if (lone || text.lastIndexOf('"', breakAt) !== -1) {
          state.resume = firstLine;
          return;
        }
        crlf = text.charCodeAt(breakAt) === 0x0d;
      }
      let start = 0;
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', start)) {
        line += 1;
        const row = take(text.slice(start, at));
        if (state.resume !== 0) return;
        start = at + 1;
        if (row === undefined) continue;
        state.rows += 1;
        skips?.tried();
        yield row;
      }
    }
    let rest = buffer.toString('utf8', 0, pending);
    if (first && rest.charCodeAt(0) === 0xfeff) rest = rest.slice(1);
    if (rest !== '') {
      // The last line, without a line break: csv-parse takes it as it is (a `\r` there is data).
      line += 1;
      if (crlf === true) crlf = false;
      const row = take(rest);
      if (row !== undefined) {
        state.rows += 1;
        skips?.tried();
        yield row;
      }
    }
  } finally {
    await handle.close();
  }
}

/** Where the first `\r` or `\n` of `text` is, or -1. */
function firstBreak(text: string): number {
  const cr = text.indexOf('\r');
  const lf = text.indexOf('\n');
  return cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
}

/** `<digits>,"<text with quotes doubled>"` as a row, or undefined for anything else (see `plainRows`). */
function plainRow(row: string, line: number): FrameRow | undefined {
  if (row.length > MAX_PLAIN_ROW_CHARS) return undefined;
  const comma = row.indexOf(',');
  if (comma <= 0 || comma > 15 || row.charCodeAt(comma + 1) !== 0x22 || row.charCodeAt(row.length - 1) !== 0x22) return undefined;
  for (let i = 0; i < comma; i++) {
    const c = row.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  if (row.length < comma + 3 || row.includes('\r') || row.includes('\ufffd')) return undefined;
  const inner = row.slice(comma + 2, row.length - 1);
  // Every quote inside must be one of a doubled pair.
  for (let q = inner.indexOf('"'); q !== -1; q = inner.indexOf('"', q + 2)) {
    if (inner.charCodeAt(q + 1) !== 0x22) return undefined;
  }
  if (inner.trim() === '') return undefined;
  const frame = Number(row.slice(0, comma));
  if (!Number.isSafeInteger(frame)) return undefined;
  return new PlainRow(frame, line, inner);
}

/**
 * A plain row whose dict cell is unquoted only when `text` is read: the passes over the file that
 * look at frame numbers alone (frame-order.ts) never pay for it.
 */
class PlainRow implements FrameRow {
  constructor(
    readonly frame: number,
    readonly line: number,
    /** The cell between its quotes, quotes still doubled. */
    private readonly quoted: string,
  ) {}

  get text(): string {
    return (this.quoted.includes('"') ? this.quoted.replaceAll('""', '"') : this.quoted).trim();
  }
}

/**
 * `csvRows` through csv-parse from `fromLine` on; with `checkHeader`, a first record that does
 * not look like data is the header.
 */
async function* parsedRows(
  path: string,
  fromLine: number,
  checkHeader: boolean,
  skips: SkipTally | undefined,
  meter: ReadMeter,
): AsyncGenerator<FrameRow> {
  let lastUnsplitLine: number | undefined;
  const parser = parse(
    csvOptions(fromLine, (error: CsvError | undefined) => {
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
  const file = createReadStream(path);
  const rows = pipeline(file, parser, () => {});
  let records = 0;
  try {
    for await (const { info, record } of rows as AsyncIterable<CsvRow>) {
      meter.observe(file.bytesRead);
      records += 1;
      if (records === 1 && checkHeader && !looksLikeDataRow(record)) continue;
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

/** How `json.dumps` (and so pandas) writes the sample's dict, around and between detections. */
const PLAIN_HEAD = '{"perception": {"object_detection_list": [';
const PLAIN_TAIL = ']}}';
const PLAIN_KEYS = ['{"class_id": ', ', "bounding_box": {"left": ', ', "top": ', ', "right": ', ', "bottom": ', '}, "score": '];
/** Where a JSON number starting at `at` ends (strict JSON grammar), or -1 when there is none. */
function jsonNumberEnd(text: string, at: number): number {
  let i = at;
  if (text.charCodeAt(i) === 0x2d) i += 1;
  const digits = (from: number): number => {
    let j = from;
    while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j += 1;
    return j;
  };
  if (text.charCodeAt(i) === 0x30) i += 1;
  else {
    const after = digits(i);
    if (after === i) return -1;
    i = after;
  }
  if (text.charCodeAt(i) === 0x2e) {
    const after = digits(i + 1);
    if (after === i + 1) return -1;
    i = after;
  }
  if (text.charCodeAt(i) === 0x65 || text.charCodeAt(i) === 0x45) {
    let j = i + 1;
    if (text.charCodeAt(j) === 0x2b || text.charCodeAt(j) === 0x2d) j += 1;
    const after = digits(j);
    if (after === j) return -1;
    i = after;
  }
  return i;
}

/**
 * The detections of a dict written exactly as the sample's are — `json.dumps` layout, keys in
 * the order `class_id`, `bounding_box` (`left`, `top`, `right`, `bottom`), `score`, a class id of
 * at most nine digits, finite JSON numbers — read without building the parsed value; undefined
 * for anything else, which then goes to the general reader (`readRowDetections`). For such a
 * dict JSON.parse and the perception rules give exactly these detections and nothing to report,
 * and Number() reads a JSON number token to the same double as JSON.parse.
 */
function plainDetections(text: string): Detections | undefined {
  if (text.length > MAX_RECORD_CHARS || !text.startsWith(PLAIN_HEAD) || !text.endsWith(PLAIN_TAIL)) return undefined;
  const end = text.length - PLAIN_TAIL.length;
  const builder = new DetectionsBuilder();
  const values = [0, 0, 0, 0, 0, 0];
  let at = PLAIN_HEAD.length;
  while (at < end) {
    for (let k = 0; k < PLAIN_KEYS.length; k++) {
      if (!text.startsWith(PLAIN_KEYS[k], at)) return undefined;
      at += PLAIN_KEYS[k].length;
      const numberEnd = jsonNumberEnd(text, at);
      if (numberEnd === -1) return undefined;
      if (k === 0) {
        // class_id: a whole number from 0 with at most nine digits (below 2³¹), as written.
        const first = text.charCodeAt(at);
        if (numberEnd - at > 9 || first < 0x30 || first > 0x39 || (first === 0x30 && numberEnd - at > 1)) return undefined;
        for (let i = at; i < numberEnd; i++) if (text.charCodeAt(i) < 0x30 || text.charCodeAt(i) > 0x39) return undefined;
      }
      const value = Number(text.slice(at, numberEnd));
      if (!Number.isFinite(value)) return undefined;
      values[k] = value;
      at = numberEnd;
    }
    if (text.charCodeAt(at) !== 0x7d) return undefined;
    at += 1;
    builder.add(values[1], values[2], values[3], values[4], values[5], values[0]);
    if (at === end) break;
    if (!text.startsWith(', ', at)) return undefined;
    at += 2;
    // A list ending in ', ' is not JSON: the general reader says so.
    if (at >= end) return undefined;
  }
  return builder.finish();
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
