/**
 * MOTChallenge `det.txt` / `gt.txt`: one detection a line, `frame,id,left,top,width,height,conf,…`,
 * frames numbered from 1, rows sorted by frame. Streamed line by line; only the current frame's
 * detections are held.
 *
 * - Frame `f` becomes `Frame.index` f−1. Frames without rows (before the first row too) are
 *   empty frames, so the counting window advances through them; frames after the last row are
 *   unknown to the file and not yielded.
 * - Box = (left, top, left+width, top+height); score = column 7 (`conf`), 1 when the row stops
 *   at six columns.
 * - class_id: 0 for detections. In ground truth (a file named `gt.txt`, or ending in `-gt.txt` /
 *   `_gt.txt`), MOT16 and later put the object class in column 8; it is read when it is a
 *   non-negative integer, otherwise (MOT15 writes -1 there) the class is 0.
 * - A row that cannot be read, or that goes back to an earlier frame, is skipped with a warning
 *   naming `file:line`.
 */
import { basename } from 'node:path';
import { DetectionsBuilder, EMPTY_DETECTIONS, type Frame } from '../../src-shared/frames.js';
import { InputError } from '../../src-shared/errors.js';
import type { Diagnostics } from '../pipeline/diagnostics.js';
import type { FrameSource } from '../pipeline/types.js';
import { readLines } from './line-reader.js';
import { MAX_FRAME_GAP, assertMetaFile } from './meta-format.js';

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
  return {
    name: 'heatmap',
    hasImages: false,
    frames: (signal) => motFrames(path, diagnostics, signal),
  };
}

/** Whether MOTChallenge's naming marks the file as ground truth (column 8 = class). */
export function isGroundTruthName(path: string): boolean {
  return /(?:^|[-_.])gt\.txt$/i.test(basename(path));
}

async function* motFrames(path: string, diagnostics: Diagnostics, signal: AbortSignal): AsyncGenerator<Frame> {
  await assertMetaFile(path);
  const groundTruth = isGroundTruthName(path);
  const builder = new DetectionsBuilder();
  let rows = 0;
  let yielded = 0;
  /** The 1-based frame whose detections `builder` holds; 0 before the first row. */
  let current = 0;
  for await (const { text, line } of readLines(path)) {
    if (signal.aborted) return;
    if (text.trim() === '') continue;
    rows += 1;
    const where = `${path}:${line}`;
    const row = readRow(text, groundTruth);
    if (typeof row === 'string') {
      diagnostics.skip(where, row);
      continue;
    }
    if (row.frame < current) {
      diagnostics.skip(where, `frame ${row.frame} after frame ${current}: rows must be sorted by frame`);
      continue;
    }
    if (row.frame - current > MAX_FRAME_GAP) {
      const previous = current === 0 ? 'the start' : `frame ${current}`;
      diagnostics.skip(where, `frame ${row.frame} is more than ${MAX_FRAME_GAP} frames after ${previous}`);
      continue;
    }
    if (row.frame > current) {
      if (current > 0) {
        yield { index: current - 1, detections: builder.finish() };
        yielded += 1;
      }
      for (let empty = current + 1; empty < row.frame; empty++) {
        if (signal.aborted) return;
        yield { index: empty - 1, detections: EMPTY_DETECTIONS };
        yielded += 1;
      }
      current = row.frame;
    }
    builder.add(row.left, row.top, row.left + row.width, row.top + row.height, row.conf, row.classId, row.trackId);
  }
  if (current > 0 && !signal.aborted) {
    yield { index: current - 1, detections: builder.finish() };
    yielded += 1;
  }
  if (rows === 0) throw new InputError(`${path}: no metadata rows`);
  if (yielded === 0 && !signal.aborted) {
    throw new InputError(`${path}: no usable metadata rows (all ${rows} skipped; see the warnings)`);
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
    return `frame '${frameText}' is not a whole number from 1`;
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
  return `${column} '${cell.trim()}' is not a number`;
}

/** A decimal number, or `nan`/`inf` as numpy writes them (the pipeline drops those boxes with a warning). */
function readNumber(cell: string): number | undefined {
  const text = cell.trim();
  if (DECIMAL.test(text)) return Number(text);
  return NON_FINITE.get(text.toLowerCase());
}
