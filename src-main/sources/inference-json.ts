/**
 * Local inference results (SPEC §2, "inference JSON"): what the Console returns, saved to disk.
 *
 * `path` is a file or a folder. A file holds one record (`{DeviceID, ModelID, Image,
 * Inferences}`) or the Console's wrapper of one, an array of either (the body of
 * `GET /devices/{id}/inferenceresults`), or JSON Lines of any of these. A folder contributes
 * every `.json`, `.jsonl` and `.ndjson` file below it, in name order.
 *
 * Each inference is a frame. The Console lists records newest first and files may be in any
 * order, so all frames are collected (their compact detections and `T`, never the raw text of
 * more than one file at a time), sorted by `T` and then yielded; `Frame.index` is the position
 * after sorting. An inference seen twice (same `T`) is yielded once, with a warning.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { framesOfRecord, type SkipReporter } from '../../src-shared/console/inference.js';
import { InputError } from '../../src-shared/errors.js';
import type { Detections, Frame } from '../../src-shared/frames.js';
import type { Diagnostics } from '../pipeline/diagnostics.js';
import type { FrameSource } from '../pipeline/types.js';
import { readLines } from './line-reader.js';
import { assertMetaFile, describeFileError, fileSize } from './meta-format.js';
import { SkipTally } from './skip-tally.js';
import { showValue } from '../../src-shared/messages.js';
import { isPlainObject } from '../../src-shared/objects.js';
import { MAX_RECORD_CHARS, MAX_RECORD_DEPTH, nestingDepth } from '../../src-shared/perception.js';

const INFERENCE_FILE_EXTENSIONS = new Set(['.json', '.jsonl', '.ndjson']);

/** A decoded inference waiting to be sorted, with where it came from for warnings. */
interface CollectedFrame {
  timestamp: string;
  detections: Detections;
  /** Where the inference is: `file:line, inference n` (JSON Lines) or `file: record r, inference n`. */
  where: string;
}

/** A whole-document JSON file (not JSON Lines) larger than this is refused rather than read into memory. */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/**
 * The frame source of a local inference-JSON file or folder. Nothing is read until `frames`
 * is iterated; a missing path, an unreadable file or input without a single usable inference
 * then fails with an `InputError`, and a bad line, record or inference is skipped with a warning.
 */
export function openInferenceJson(path: string, diagnostics: Diagnostics): FrameSource {
  let collectedCount: number | undefined;
  return {
    name: 'heatmap',
    hasImages: false,
    get expectedFrames() {
      return collectedCount;
    },
    frames: async function* (signal: AbortSignal): AsyncGenerator<Frame> {
      const frames = await collectFrames(path, diagnostics, signal);
      collectedCount = frames.length;
      for (let index = 0; index < frames.length; index++) {
        if (signal.aborted) return;
        const { timestamp, detections } = frames[index];
        yield { index, timestamp, detections };
      }
    },
  };
}

async function collectFrames(path: string, diagnostics: Diagnostics, signal: AbortSignal): Promise<CollectedFrame[]> {
  const files = await inferenceFiles(path);
  const collected: CollectedFrame[] = [];
  const skips = new SkipTally(path, diagnostics);
  const skip: SkipReporter = (where, why) => skips.skip(where, why);
  for (let file = 0; file < files.length && !signal.aborted; file++) {
    const collect = (value: unknown, where: string, whole: boolean): void => {
      for (const { timestamp, detections, where: at } of recordsOf(value, where, whole, skip, skips)) {
        collected.push({ timestamp, detections, where: at });
      }
    };
    try {
      await readJsonValues(files[file], collect, skips, signal);
    } catch (error) {
      // In a folder, one unusable file is a skipped record; a single file is the whole input.
      if (files.length === 1 || !(error instanceof InputError)) throw error;
      const prefix = `${files[file]}: `;
      skips.tried();
      skips.skip(files[file], error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message);
    }
  }
  if (signal.aborted) return [];
  if (collected.length === 0) {
    if (skips.records === 0) throw new InputError(`${path}: no inference results (expected records with an Inferences array)`);
    throw skips.nothingUsable('inferences');
  }
  collected.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  return dropDuplicates(collected, diagnostics);
}

/** Keeps the first of each run of equal `T` (the sort is stable, so the first read). */
function dropDuplicates(sorted: CollectedFrame[], diagnostics: Diagnostics): CollectedFrame[] {
  const kept: CollectedFrame[] = [];
  for (const frame of sorted) {
    const previous = kept.at(-1);
    if (previous !== undefined && previous.timestamp === frame.timestamp) {
      diagnostics.warn(
        'duplicate-inference',
        `inference T ${frame.timestamp} appears twice (${previous.where} and ${frame.where}); kept the first`,
      );
      continue;
    }
    kept.push(frame);
  }
  return kept;
}

/**
 * Records of one JSON value: a record (bare or wrapped) or an array of them, `record r` (from 1)
 * naming each; counts the inferences (or records without any) tried in `skips`.
 */
function* recordsOf(
  value: unknown,
  where: string,
  whole: boolean,
  skip: SkipReporter,
  skips: SkipTally,
): Generator<{ timestamp: string; detections: Detections; where: string }> {
  const records = Array.isArray(value) ? (value as unknown[]) : [value];
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    const body = isPlainObject(record) && 'inference_result' in record ? record.inference_result : record;
    const inferences = isPlainObject(body) && Array.isArray(body.Inferences) ? body.Inferences.length : 1;
    for (let n = 0; n < inferences; n++) skips.tried();
    yield* framesOfRecord(record, skip, whole || Array.isArray(value) ? `${where}: record ${i + 1}` : where);
  }
}

/** The files to read: `path` itself, or the inference files below the folder `path`, sorted. */
export async function inferenceFiles(path: string): Promise<string[]> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch (error) {
    throw describeFileError(path, error);
  }
  if (!isFolder) {
    await assertMetaFile(path);
    return [path];
  }
  let entries;
  try {
    entries = await readdir(path, { recursive: true, withFileTypes: true });
  } catch (error) {
    throw describeFileError(path, error);
  }
  const files = entries
    .filter((entry) => entry.isFile() && INFERENCE_FILE_EXTENSIONS.has(extname(entry.name).toLowerCase()))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !relative(path, file).split(sep).some((part) => part.startsWith('.')))
    .sort();
  if (files.length === 0) throw new InputError(`${path}: folder holds no .json, .jsonl or .ndjson files`);
  return files;
}

/** Receives each JSON value of a file: `where` is `file:line` (JSON Lines) or `file` (a whole document, `whole`). */
type Collect = (value: unknown, where: string, whole: boolean) => void;

/**
 * Hands each JSON value of a file to `collect`: every line of a JSON Lines file, or the whole
 * file when its first line is not JSON by itself (a pretty-printed object or array). Lines are
 * streamed, so a large JSON Lines file is never held whole; a line longer than
 * `MAX_RECORD_CHARS` or nesting deeper than `MAX_RECORD_DEPTH` is skipped unparsed.
 * @throws InputError when the file is neither JSON nor JSON Lines with at least one good line.
 */
async function readJsonValues(path: string, collect: Collect, skips: SkipTally, signal: AbortSignal): Promise<void> {
  let parsedLines = 0;
  for await (const { text, line } of readLines(path)) {
    if (signal.aborted) return;
    if (text.trim() === '') continue;
    const where = `${path}:${line}`;
    if (parsedLines > 0) {
      const refused = refuseRecord(text);
      if (refused !== undefined) {
        skips.tried();
        skips.skip(where, refused);
        continue;
      }
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (parsedLines === 0) return readWholeFile(path, collect, skips);
      skips.tried();
      skips.skip(where, `not JSON: ${(error as Error).message}`);
      continue;
    }
    parsedLines += 1;
    collect(value, where, false);
  }
  if (parsedLines === 0) throw new InputError(`${path}: empty inference JSON file`);
}

/** Why a JSON line is not even parsed (too long, too deep), or undefined. */
function refuseRecord(text: string): string | undefined {
  if (text.length > MAX_RECORD_CHARS) return `line of ${text.length} characters is longer than the cap of ${MAX_RECORD_CHARS}`;
  if (nestingDepth(text) > MAX_RECORD_DEPTH) return `line nests deeper than the cap of ${MAX_RECORD_DEPTH} levels`;
  return undefined;
}

async function readWholeFile(path: string, collect: Collect, skips: SkipTally): Promise<void> {
  const size = await fileSize(path);
  if (size > MAX_DOCUMENT_BYTES) {
    throw new InputError(
      `${path}: a JSON document of ${size} bytes is larger than the cap of ${MAX_DOCUMENT_BYTES}; write it as JSON Lines (one record a line)`,
    );
  }
  let text: string;
  try {
    text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    throw describeFileError(path, error);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return readLinesOfText(path, text, error as Error, collect, skips);
  }
  collect(document, path, true);
}

/** The file is not one JSON document: JSON Lines whose first line is bad. Keeps the good lines, if any. */
function readLinesOfText(path: string, text: string, documentError: Error, collect: Collect, skips: SkipTally): void {
  const bad: { line: number; message: string }[] = [];
  let parsedLines = 0;
  text.split('\n').forEach((raw, i) => {
    const lineText = raw.trim();
    if (lineText === '') return;
    let value: unknown;
    const refused = refuseRecord(lineText);
    if (refused !== undefined) {
      bad.push({ line: i + 1, message: refused });
      return;
    }
    try {
      value = JSON.parse(lineText);
    } catch (error) {
      bad.push({ line: i + 1, message: `not JSON: ${(error as Error).message}` });
      return;
    }
    parsedLines += 1;
    collect(value, `${path}:${i + 1}`, false);
  });
  if (parsedLines === 0) {
    throw new InputError(`${path}: not JSON or JSON Lines: ${showValue(documentError.message, 120)}`);
  }
  for (const { line, message } of bad) {
    skips.tried();
    skips.skip(`${path}:${line}`, message);
  }
}
