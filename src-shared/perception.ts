/**
 * The one reader of the AITRIOS `perception` dict, shared by every source that carries it: the
 * seed CSV's metadata cells, inline-JSON inferences (`F: 1`), and — the same rules in binary —
 * FlatBuffers inferences (flatbuffers/object-detection.ts).
 *
 * Rules:
 * - The record is a dict with a `perception` dict; anything else is a bad record
 *   (`PerceptionError`), which the caller skips and reports.
 * - `perception.object_detection_list` absent or null is a frame without detections
 *   (`{"perception": {}}` is nobody in view, as FlatBuffers omits an empty vector); a value that
 *   is not a list is a bad record.
 * - One bad detection (not a dict, no `bounding_box` dict, a coordinate or `score` that is not a
 *   number, a `class_id` that is not a whole number from 0 to 2³¹−1) is dropped and reported
 *   through `onDropped`; the record's other detections are kept. `class_id` may be absent
 *   (single-class exports omit it; FlatBuffers' default is 0).
 * - A detection with a NaN or infinite coordinate or score is dropped and reported like any bad
 *   detection, so the warning names its record (the pipeline's own check stays as a guard).
 *
 * Text is read by `parseMetadataText`: JSON, else a Python literal (single quotes, True/None,
 * nan, NumPy 2 scalar reprs), within `MAX_RECORD_CHARS` characters and `MAX_RECORD_DEPTH` levels
 * of nesting, so a hostile record costs a bounded time and no stack.
 */
import { CrowdheatError } from './errors.js';
import { DetectionsBuilder, type Detections } from './frames.js';
import { showValue } from './messages.js';
import { isPlainObject } from './objects.js';
import { LiteralSyntaxError, parsePythonLiteral } from './python-literal.js';

/** The longest metadata record (a CSV cell, an inline `O`, a JSON line) read, in characters: 1 MiB, ~80× a 100-person frame. */
export const MAX_RECORD_CHARS = 1024 * 1024;
/** The deepest nesting of brackets a record may have; a perception dict needs 5. */
export const MAX_RECORD_DEPTH = 64;
/** Class ids are held in an `Int32Array`. */
const MAX_CLASS_ID = 0x7fffffff;

/** A record that is not a usable perception dict; the message says why, in one short line. */
export class PerceptionError extends CrowdheatError {
  override readonly name = 'PerceptionError';
}

/** Told of each detection dropped from a record: its position in the list and why. */
export type DroppedDetection = (index: number, why: string) => void;

/**
 * The value of a metadata text: JSON when it is JSON, else a Python literal.
 * @throws PerceptionError when the text is longer than `MAX_RECORD_CHARS`, nests deeper than
 *   `MAX_RECORD_DEPTH`, or is neither (the literal reader's reason, with its position).
 */
export function parseMetadataText(text: string): unknown {
  if (text.length > MAX_RECORD_CHARS) {
    throw new PerceptionError(`record of ${text.length} characters is longer than the cap of ${MAX_RECORD_CHARS}`);
  }
  const depth = nestingDepth(text);
  if (depth > MAX_RECORD_DEPTH) {
    throw new PerceptionError(`record nests deeper than the cap of ${MAX_RECORD_DEPTH} levels`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON (single quotes, a NaN token, a NumPy repr): read it as a Python literal.
  }
  try {
    return parsePythonLiteral(text);
  } catch (error) {
    if (error instanceof LiteralSyntaxError) throw new PerceptionError(`malformed metadata dict: ${error.message}`);
    throw error;
  }
}

/**
 * The deepest nesting of `{`, `[` and `(` in `text`, brackets inside quoted strings not
 * counted. Linear and without recursion, so it can vet any text before a parser sees it.
 */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === 0x5c) i += 1; // backslash: skip the escaped character
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x7b || c === 0x5b || c === 0x28) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d || c === 0x29) depth -= 1;
  }
  return deepest;
}

/**
 * The detections of one perception record (a parsed dict, see the rules above), in its pixels.
 *
 * ```ts
 * readPerception({ perception: {} }, () => {}) // EMPTY_DETECTIONS
 * readPerception({ perception: { object_detection_list: [{ bounding_box: { left: 1, top: 2, right: 3, bottom: 4 }, score: 0.5 }] } }, report)
 * // count 1, boxes [1, 2, 3, 4], classIds [0]
 * ```
 * @throws PerceptionError when the record is not a dict with a `perception` dict, or its list is not a list.
 */
export function readPerception(record: unknown, onDropped: DroppedDetection): Detections {
  if (!isPlainObject(record)) throw new PerceptionError(`metadata is ${describeValue(record)}, not a dict`);
  const perception = record.perception;
  if (!isPlainObject(perception)) throw new PerceptionError("metadata dict has no 'perception' dict");
  const list = perception.object_detection_list;
  const builder = new DetectionsBuilder();
  if (list === undefined || list === null) return builder.finish();
  if (!Array.isArray(list)) throw new PerceptionError("'object_detection_list' is not a list");
  for (let i = 0; i < list.length; i++) {
    const problem = addDetection(list[i] as unknown, builder);
    if (problem !== undefined) onDropped(i, problem);
  }
  return builder.finish();
}

/** Adds one `{class_id, bounding_box, score}` to `builder`, or says why it cannot. */
function addDetection(item: unknown, builder: DetectionsBuilder): string | undefined {
  if (!isPlainObject(item)) return 'not a dict';
  const box = item.bounding_box;
  if (!isPlainObject(box)) return box === undefined ? "no 'bounding_box'" : "'bounding_box' is not a dict";
  const { left, top, right, bottom } = box;
  if (typeof left !== 'number') return describeNonNumber('bounding_box.left', left);
  if (typeof top !== 'number') return describeNonNumber('bounding_box.top', top);
  if (typeof right !== 'number') return describeNonNumber('bounding_box.right', right);
  if (typeof bottom !== 'number') return describeNonNumber('bounding_box.bottom', bottom);
  const score = item.score;
  if (typeof score !== 'number') return describeNonNumber('score', score);
  const notFinite = firstNotFinite([
    ['bounding_box.left', left],
    ['bounding_box.top', top],
    ['bounding_box.right', right],
    ['bounding_box.bottom', bottom],
    ['score', score],
  ]);
  if (notFinite !== undefined) return notFinite;
  const classId = item.class_id === undefined ? 0 : item.class_id;
  if (typeof classId !== 'number' || !Number.isInteger(classId) || classId < 0 || classId > MAX_CLASS_ID) {
    return `class_id ${describeValue(classId)} is not a whole number from 0`;
  }
  builder.add(left, top, right, bottom, score, classId);
  return undefined;
}

/** Why the first of `values` that is NaN or infinite cannot be used, or undefined when all are finite. */
export function firstNotFinite(values: ReadonlyArray<readonly [key: string, value: number]>): string | undefined {
  const found = values.find(([, value]) => !Number.isFinite(value));
  return found === undefined ? undefined : `${found[0]} ${found[1]} is not a finite number`;
}

function describeNonNumber(key: string, value: unknown): string {
  if (value === undefined) return `no '${key}'`;
  return `${key} ${describeValue(value)} is not a number`;
}

/**
 * A parsed value for a message, short and safe: scalars as written, containers by kind and
 * size (never serialised, so a value nested 100,000 deep costs nothing), strings quoted and cut.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${showValue(value, 40)}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (isPlainObject(value)) return `a dict of ${Object.keys(value).length} key(s)`;
  return typeof value;
}
