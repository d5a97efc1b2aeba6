/**
 * MOTChallenge `det.txt` / `gt.txt`: one detection a line, `frame,id,left,top,width,height,conf,…`,
 * frames numbered from 1, rows in any order (each row is placed at its own frame; see
 * frame-order.ts: a file in frame order is streamed, one out of order is sorted through
 * temporary files).
 *
 * - Frame `f` becomes `Frame.index` f−1. Frames without rows (before the first row too) are
 *   empty frames, so the counting window advances through them; frames after the last row are
 *   unknown to the file and not yielded.
 * - Box = (left, top, left+width, top+height); score = column 7 (`conf`), 1 when the row stops
 *   at six columns.
 * - class_id: 0 for detections. In ground truth (a file named `gt.txt`, or ending in `-gt.txt` /
 *   `_gt.txt`), MOT16 and later put the object class in column 8; it is read when it is a
 *   non-negative integer, otherwise (MOT15 writes -1 there) the class is 0.
 * - A row that cannot be read is skipped with a warning naming `file:line`; a file without a
 *   single usable row fails with an `InputError` saying how many rows were tried and why the
 *   first failed. Frames more than `MAX_FRAME_GAP` apart fail before any output.
 */
import { basename } from 'node:path';
import { DetectionsBuilder, EMPTY_DETECTIONS, type Frame } from '../../src-shared/frames.js';
import type { Diagnostics } from '../pipeline/diagnostics.js';
import type { FrameSource } from '../pipeline/types.js';
import { showValue } from '../../src-shared/messages.js';
import { firstNotFinite } from '../../src-shared/perception.js';
import { readLines } from './line-reader.js';
import { assertMetaFile, fileSize } from './meta-format.js';
import { orderRows, type FrameRow, type FrameSpan } from './frame-order.js';
import { SkipTally } from './skip-tally.js';
import { ReadMeter } from './read-meter.js';

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE: ReadonlyMap<string, number> = new Map([
  ['nan', Number.NaN],
  ['+nan', Number.NaN],
  ['-nan', Number.NaN],
  ['inf', Number.POSITIVE_INFINITY],
  ['+inf', Number.POSITIVE_INFINITY],
  ['infinity', Number.POSITIVE_INFINITY],
  ['+infinity', Number.POSITIVE_INFINITY],
  ['-inf', Number.NEGATIVE_INFINITY],
  ['-infinity', Number.NEGATIVE_INFINITY],
]);
/** Class and track ids are held in an `Int32Array`. */
const MAX_CLASS_ID = 0x7fffffff;

export function openMot(path: string, diagnostics: Diagnostics): FrameSource {
  // Known once the first pass over the file (frame-order.ts) has seen the highest frame number.
  const span: FrameSpan = {};
  const meter = new ReadMeter();
  return {
    name: 'heatmap',
    hasImages: false,
    get expectedFrames() {
      return span.frames;
    },
    preparing: () => (span.frames === undefined ? meter.share() : undefined),
    frames: (signal) => motFrames(path, diagnostics, signal, span, meter),
  };
}

/** Whether MOTChallenge's naming marks the file as ground truth (column 8 = class). */
export function isGroundTruthName(path: string): boolean {
  return /(?:^|[-_.])gt\.txt$/i.test(basename(path));
}

async function* motFrames(
  path: string,
  diagnostics: Diagnostics,
  signal: AbortSignal,
  span: FrameSpan,
  meter: ReadMeter,
): AsyncGenerator<Frame> {
  await assertMetaFile(path);
  const groundTruth = isGroundTruthName(path);
  const skips = new SkipTally(path, diagnostics);
  const bytes = await fileSize(path);
  meter.setTotal(bytes);
  const ordered = await orderRows(path, (report) => motRows(path, report ? skips : undefined, meter), 1, 'frame', bytes, signal);
  // At most this many frames: fewer when the last frames' rows are all unreadable (run.ts closes on the true count).
  span.frames = ordered.span;
  const builder = new DetectionsBuilder();
  /** The 1-based frame whose detections `builder` holds; 0 before the first usable row. */
  let current = 0;
  // Nothing is yielded before the first usable row, so input without one fails before any output.
  for await (const { frame, line, text } of ordered.iterate()) {
    if (signal.aborted) return;
    const row = readRow(text, groundTruth);
    if (typeof row === 'string') {
      skips.skip(`${path}:${line}`, row);
      continue;
    }
    if (frame > current) {
      if (current > 0) yield { index: current - 1, detections: builder.finish() };
      for (let empty = current + 1; empty < frame; empty++) {
        if (signal.aborted) return;
        yield { index: empty - 1, detections: EMPTY_DETECTIONS };
      }
      current = frame;
    }
    builder.add(row.left, row.top, row.left + row.width, row.top + row.height, row.conf, row.classId, row.trackId);
  }
  if (signal.aborted) return;
  if (current > 0) {
    yield { index: current - 1, detections: builder.finish() };
    return;
  }
  throw skips.nothingUsable('rows');
}

/** The rows of a MOT file that have a frame number; a row without one is reported to `skips` when given. */
async function* motRows(path: string, skips: SkipTally | undefined, meter: ReadMeter): AsyncGenerator<FrameRow> {
  for await (const { text, line } of readLines(path, meter)) {
    if (text.trim() === '') continue;
    const comma = text.indexOf(',');
    const frameText = (comma === -1 ? text : text.slice(0, comma)).trim();
    skips?.tried();
    if (!/^\d+$/.test(frameText) || Number(frameText) < 1 || !Number.isSafeInteger(Number(frameText))) {
      skips?.skip(`${path}:${line}`, `frame '${showValue(frameText, 20)}' is not a whole number from 1`);
      continue;
    }
    yield { frame: Number(frameText), line, text };
  }
}

interface MotRow {
  frame: number;
  left: number;
  top: number;
  width: number;
  height: number;
  conf: number;
  classId: number;
  /** The `id` column: a track id from 1 in ground truth and tracker output, -1 (no track) in detections. */
  trackId: number;
}

/** The row's values, or why it cannot be read. */
function readRow(text: string, groundTruth: boolean): MotRow | string {
  const cells = text.split(',');
  if (cells.length < 6) {
    return `expected at least 6 comma-separated columns (frame,id,left,top,width,height), found ${cells.length}`;
  }
  const frameText = cells[0].trim();
  if (!/^\d+$/.test(frameText) || Number(frameText) < 1 || !Number.isSafeInteger(Number(frameText))) {
    return `frame '${showValue(frameText, 20)}' is not a whole number from 1`;
  }
  const left = readNumber(cells[2]);
  if (left === undefined) return notANumber('left', cells[2]);
  const top = readNumber(cells[3]);
  if (top === undefined) return notANumber('top', cells[3]);
  const width = readNumber(cells[4]);
  if (width === undefined) return notANumber('width', cells[4]);
  const height = readNumber(cells[5]);
  if (height === undefined) return notANumber('height', cells[5]);
  // A row that stops at six columns (or leaves conf empty) has no confidence: take it as certain.
  const confText = cells.length > 6 ? cells[6].trim() : '';
  const conf = confText === '' ? 1 : readNumber(confText);
  if (conf === undefined) return notANumber('conf', confText);
  const notFinite = firstNotFinite([['left', left], ['top', top], ['width', width], ['height', height], ['conf', conf]]);
  if (notFinite !== undefined) return notFinite;
  let classId = 0;
  if (groundTruth && cells.length > 7) {
    const classText = cells[7].trim();
    if (/^\d+$/.test(classText) && Number(classText) <= MAX_CLASS_ID) classId = Number(classText);
  }
  const idText = cells[1].trim();
  const trackId = /^\d+$/.test(idText) && Number(idText) <= MAX_CLASS_ID ? Number(idText) : -1;
  return {
    frame: Number(frameText),
    left,
    top,
    width,
    height,
    conf,
    classId,
    trackId,
  };
}

function notANumber(column: string, cell: string): string {
  return `${column} '${showValue(cell.trim(), 40)}' is not a number`;
}

/** A decimal number, or `nan`/`inf` as numpy writes them (`readRow` then skips the row, naming it). */
function readNumber(cell: string): number | undefined {
  const text = cell.trim();
  if (DECIMAL.test(text)) return Number(text);
  return NON_FINITE.get(text.toLowerCase());
}
