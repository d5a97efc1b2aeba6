/**
 * The seed CSV: the AITRIOS heatmap sample's local metadata file. A header row (its cells are
 * ignored; the sample's has ten cells where data rows have two), then rows `index,"<dict>"`
 * whose dict is `{"perception": {"object_detection_list": [{"class_id", "bounding_box":
 * {"left", "top", "right", "bottom"}, "score"}, ...]}}`, written as JSON or as a Python literal.
 *
 * Streamed through csv-parse; only the current row is held. Rules, each reported through
 * `Diagnostics.skip('<file>:<line>', why)`:
 * - The index is the 0-based frame number. Frames without a row (gaps, and frames before the
 *   first row) are yielded empty, so the counting window advances through them.
 * - A row whose index is not a whole number, or is not above the previous row's, is skipped
 *   whole (no frame), as is a row csv-parse cannot split.
 * - A row with a usable index but an unreadable dict (malformed, no `perception`, a list that
 *   is not a list, extra non-empty cells) is yielded as an empty frame: the frame happened, its
 *   detections are lost.
 * - One bad detection (no `bounding_box`, a coordinate or score that is not a number, a
 *   negative or fractional `class_id`) is dropped; the row's other detections are kept.
 *   `class_id` may be absent (single-class exports omit it, as FlatBuffers does its default 0).
 *   NaN and infinite values are kept: the pipeline drops those boxes and counts them.
 * - A first row that is already data (`0,"{...}"`) is read as data: the file has no header.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { parse, type CsvError, type Info } from 'csv-parse';
import { DetectionsBuilder, EMPTY_DETECTIONS, type Detections, type Frame } from '../../src-shared/frames.js';
import { CrowdheatError, InputError } from '../../src-shared/errors.js';
import { LiteralSyntaxError, parsePythonLiteral } from '../../src-shared/python-literal.js';
import type { Diagnostics } from '../pipeline/diagnostics.js';
import type { FrameSource } from '../pipeline/types.js';
import { MAX_FRAME_GAP, assertMetaFile, describeFileError } from './meta-format.js';

/** Far above any real row (100 detections are ~13 KB); bounds memory when a quote is never closed. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;
const INDEX_PATTERN = /^\d+$/;
const MAX_CLASS_ID = 0x7fffffff;

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
  let lastUnsplitLine: number | undefined;
  let unsplitRows = 0;
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    // Keeps a cell with stray quotes as text, so the row fails (and is reported) on its own;
    // csv-parse's strict mode loses its place after such an error and drops later rows unreported.
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      const line = typeof error?.lines === 'number' ? error.lines : undefined;
      // csv-parse can stumble several times inside one broken line; that is one skipped row.
      if (line !== undefined && line === lastUnsplitLine) return undefined;
      lastUnsplitLine = line;
      unsplitRows += 1;
      diagnostics.skip(`${path}:${line ?? '?'}`, `not a CSV row: ${error?.message ?? 'unreadable'}`);
      return undefined;
    },
  });
  // pipeline() rather than pipe(): a read error must end the iteration below, not stall it.
  const rows = pipeline(createReadStream(path), parser, () => {});
  const builder = new DetectionsBuilder();
  let records = 0;
  let dataRows = 0;
  /** The frame index the next yielded frame gets. */
  let next = 0;
  try {
    for await (const { info, record } of rows as AsyncIterable<CsvRow>) {
      if (signal.aborted) return;
      records += 1;
      if (records === 1 && !looksLikeDataRow(record)) continue;
      dataRows += 1;
      const where = `${path}:${info.lines}`;
      const indexText = (record[0] ?? '').trim();
      if (!INDEX_PATTERN.test(indexText) || !Number.isSafeInteger(Number(indexText))) {
        diagnostics.skip(where, `index '${indexText}' is not a whole number from 0`);
        continue;
      }
      const index = Number(indexText);
      if (index < next) {
        diagnostics.skip(where, `index ${index} is not above the previous row's ${next - 1}`);
        continue;
      }
      if (index - next > MAX_FRAME_GAP) {
        const previous = next === 0 ? 'the start' : `index ${next - 1}`;
        diagnostics.skip(where, `index ${index} is more than ${MAX_FRAME_GAP} frames after ${previous}`);
        continue;
      }
      for (; next < index; next++) {
        if (signal.aborted) return;
        yield { index: next, detections: EMPTY_DETECTIONS };
      }
      yield { index, detections: readRowDetections(record, where, diagnostics, builder) };
      next = index + 1;
    }
  } catch (error) {
    throw describeReadError(path, error);
  }
  if (signal.aborted) return;
  const rowsSeen = dataRows + unsplitRows;
  if (rowsSeen === 0) throw new InputError(`${path}: no metadata rows`);
  if (next === 0) throw new InputError(`${path}: no usable metadata rows (all ${rowsSeen} skipped; see the warnings)`);
}

function looksLikeDataRow(record: readonly string[]): boolean {
  return record.length >= 2 && INDEX_PATTERN.test(record[0].trim()) && record[1].trimStart().startsWith('{');
}

/** File-system and csv-parse failures (they carry a `code`) as an `InputError`; anything else is a bug and stays as it is. */
function describeReadError(path: string, error: unknown): unknown {
  if (error instanceof CrowdheatError || !(error instanceof Error)) return error;
  const { code, lines } = error as Error & { code?: unknown; lines?: unknown };
  if (typeof code !== 'string') return error;
  if (typeof lines === 'number') return new InputError(`${path}:${lines}: ${error.message}`);
  return describeFileError(path, error);
}

/** The detections of one data row; reports what it drops. */
function readRowDetections(
  record: readonly string[],
  where: string,
  diagnostics: Diagnostics,
  builder: DetectionsBuilder,
): Detections {
  const dictText = record.length < 2 ? '' : record[1].trim();
  if (dictText === '') {
    diagnostics.skip(where, 'no metadata dict after the index');
    return EMPTY_DETECTIONS;
  }
  const extra = record.findIndex((cell, column) => column >= 2 && cell.trim() !== '');
  if (extra !== -1) {
    diagnostics.skip(where, `unexpected value in column ${extra + 1}: '${clip(record[extra].trim())}'`);
    return EMPTY_DETECTIONS;
  }
  let dict: unknown;
  try {
    dict = parseDict(dictText);
  } catch (error) {
    if (!(error instanceof LiteralSyntaxError)) throw error;
    diagnostics.skip(where, `malformed metadata dict: ${error.message}`);
    return EMPTY_DETECTIONS;
  }
  const perception = isDict(dict) ? dict.perception : undefined;
  if (!isDict(perception)) {
    diagnostics.skip(where, "metadata dict has no 'perception' dict");
    return EMPTY_DETECTIONS;
  }
  const list = perception.object_detection_list;
  // FlatBuffers leaves an empty vector out: no list is a frame without detections.
  if (list === undefined || list === null) return EMPTY_DETECTIONS;
  if (!Array.isArray(list)) {
    diagnostics.skip(where, "'object_detection_list' is not a list");
    return EMPTY_DETECTIONS;
  }
  for (let i = 0; i < list.length; i++) {
    const problem = addDetection(list[i], builder);
    if (problem !== undefined) diagnostics.skip(where, `detection ${i}: ${problem}`);
  }
  return builder.finish();
}

/**
 * JSON first, because that is what the sample writes and the native parser is fastest; the
 * Python-literal reader takes the rest (single quotes, True/None, nan), and its error is the
 * one reported, since it accepts everything JSON does except the exotic.
 */
function parseDict(text: string): unknown {
  if (text.charCodeAt(1) === 0x22 || text.charCodeAt(1) === 0x7d) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Not JSON after all (a NaN token, a mixed quote): read it as a literal below.
    }
  }
  return parsePythonLiteral(text);
}

/** Adds one `{class_id, bounding_box, score}` to `builder`, or says why it cannot. */
function addDetection(item: unknown, builder: DetectionsBuilder): string | undefined {
  if (!isDict(item)) return 'not a dict';
  const box = item.bounding_box;
  if (!isDict(box)) return box === undefined ? "no 'bounding_box'" : "'bounding_box' is not a dict";
  const { left, top, right, bottom } = box;
  if (typeof left !== 'number') return describeNonNumber('bounding_box.left', left);
  if (typeof top !== 'number') return describeNonNumber('bounding_box.top', top);
  if (typeof right !== 'number') return describeNonNumber('bounding_box.right', right);
  if (typeof bottom !== 'number') return describeNonNumber('bounding_box.bottom', bottom);
  const score = item.score;
  if (typeof score !== 'number') return describeNonNumber('score', score);
  const classId = item.class_id === undefined ? 0 : item.class_id;
  if (typeof classId !== 'number' || !Number.isInteger(classId) || classId < 0 || classId > MAX_CLASS_ID) {
    return `class_id ${show(classId)} is not a whole number from 0`;
  }
  builder.add(left, top, right, bottom, score, classId);
  return undefined;
}

function describeNonNumber(key: string, value: unknown): string {
  if (value === undefined) return `no '${key}'`;
  return `${key} ${show(value)} is not a number`;
}

/** A parsed value as it would read in the file, shortened. */
function show(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  return clip(text);
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keeps a warning on one line of reasonable length. */
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
