/**
 * AITRIOS inference-result records and their decoding into frames' detections.
 *
 * One record holds the output of one upload from a device: `Inferences`, each with its
 * timestamp `T` and its output `O` — base64 of a `SmartCamera.ObjectDetectionTop` FlatBuffer
 * (`F` 0 or absent), or inline JSON in the seed CSV's perception shape (`F` 1). The Console
 * REST API wraps each record (`inference_result`) with its own bookkeeping; local files hold
 * either form. Shared by the Console source and the local inference-JSON source.
 */
import { CrowdheatError } from '../errors.js';
import { decodeObjectDetectionTop } from '../flatbuffers/object-detection.js';
import { DetectionsBuilder, isTimestamp, type Detections } from '../frames.js';
import { isPlainObject } from '../objects.js';

/** Inline (`F: 1`) output: the seed CSV's per-frame dict. */
export interface InlinePerception {
  perception: {
    object_detection_list: {
      class_id: number;
      bounding_box: { left: number; top: number; right: number; bottom: number };
      score: number;
    }[];
  };
}

/** One inference of a record: one frame. */
export interface Inference {
  /** Timestamp, `yyyyMMddHHmmssfff` UTC. */
  T: string;
  /** Base64 FlatBuffers (`F` 0 or absent), or inline JSON (`F` 1) as a string or an object. */
  O: string | InlinePerception;
  /** Output format: 0 FlatBuffers, 1 JSON. */
  F?: number;
}

/** The record a device uploads (the Console's `inference_result`; also what local files hold). */
export interface InferenceResult {
  DeviceID?: string;
  ModelID?: string;
  /** Whether the device also uploaded an image for this record. */
  Image?: boolean;
  Inferences: Inference[];
}

/** A record as `GET /devices/{device_id}/inferenceresults` returns it (SPEC §6). */
export interface ConsoleInferenceRecord {
  id: string;
  device_id: string;
  model_id: string;
  model_version_id?: string;
  model_type?: string;
  training_kit_name?: string;
  /** Cosmos DB's last-modified time, seconds since the epoch. */
  _ts?: number;
  inference_result: InferenceResult;
}

/** One decoded inference. `detections` are in the model's input-tensor pixels. */
export interface DecodedInference {
  timestamp: string;
  detections: Detections;
}

/** An inference (or record) cannot be decoded: bad `T`, bad base64, bad inline JSON. */
export class InvalidInferenceError extends CrowdheatError {
  override readonly name = 'InvalidInferenceError';
}

/** Reports a skipped inference or record; `Diagnostics.skip` fits. */
export type SkipReporter = (where: string, why: string) => void;

/**
 * Decodes base64 (standard alphabet; padding and whitespace optional) with `atob`, which
 * Node and browsers both have, so this runs in the renderer too.
 * @throws InvalidInferenceError on characters outside the alphabet.
 */
export function decodeBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new InvalidInferenceError('O is not valid base64');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Decodes one inference into its timestamp and detections.
 *
 * ```ts
 * decodeInference({ T: '20230412140023098', F: 1, O: '{"perception": {"object_detection_list": [' +
 *   '{"class_id": 0, "bounding_box": {"left": 10, "top": 20, "right": 30, "bottom": 60}, "score": 0.9}]}}' })
 * // { timestamp: '20230412140023098', detections: { count: 1, boxes: [10, 20, 30, 60], ... } }
 * ```
 * @throws InvalidInferenceError for a missing or invalid `T`, `O` or `F`;
 *   CorruptBufferError for a FlatBuffer that is truncated or malformed.
 */
export function decodeInference(inference: Inference): DecodedInference {
  // Records come from JSON, so the declared type is a hope; check what matters.
  const { T, O, F } = inference as Partial<Record<keyof Inference, unknown>>;
  if (typeof T !== 'string' || !isTimestamp(T)) {
    throw new InvalidInferenceError(`T ${describe(T)} is not a yyyyMMddHHmmssfff timestamp`);
  }
  if (F === undefined || F === 0) {
    if (typeof O !== 'string') throw new InvalidInferenceError(`O is ${describe(O)}, not a base64 string`);
    return { timestamp: T, detections: decodeObjectDetectionTop(decodeBase64(O)) };
  }
  if (F === 1) return { timestamp: T, detections: decodeInlinePerception(O) };
  throw new InvalidInferenceError(`F ${describe(F)} is not 0 (FlatBuffers) or 1 (JSON)`);
}

/**
 * Yields one decoded inference per entry of a record's `Inferences`, in the record's order.
 * Accepts the bare record or the Console's wrapper. A bad inference is reported through
 * `skip` (naming `where` and its position and `T`) and the others still come; a record
 * without an `Inferences` array is reported once and yields nothing.
 */
export function* framesOfRecord(record: unknown, skip: SkipReporter, where = 'record'): Generator<DecodedInference> {
  const body = isPlainObject(record) && 'inference_result' in record ? record.inference_result : record;
  if (!isPlainObject(body) || !Array.isArray(body.Inferences)) {
    skip(where, 'not an inference result (no Inferences array)');
    return;
  }
  const inferences: unknown[] = body.Inferences;
  for (let i = 0; i < inferences.length; i++) {
    const entry = inferences[i];
    const label = isPlainObject(entry) && typeof entry.T === 'string' ? ` (T ${entry.T})` : '';
    const entryWhere = `${where} inference ${i}${label}`;
    if (!isPlainObject(entry)) {
      skip(entryWhere, `inference is ${describe(entry)}, not an object`);
      continue;
    }
    let decoded: DecodedInference;
    try {
      decoded = decodeInference(entry as unknown as Inference);
    } catch (error) {
      if (!(error instanceof CrowdheatError)) throw error;
      skip(entryWhere, error.message);
      continue;
    }
    yield decoded;
  }
}

function decodeInlinePerception(output: unknown): Detections {
  let value = output;
  if (typeof output === 'string') {
    try {
      value = JSON.parse(output);
    } catch (error) {
      throw new InvalidInferenceError(`O is not valid JSON: ${(error as Error).message}`);
    }
  }
  const perception = isPlainObject(value) ? value.perception : undefined;
  const list = isPlainObject(perception) ? perception.object_detection_list : undefined;
  if (!Array.isArray(list)) {
    throw new InvalidInferenceError('O has no perception.object_detection_list array');
  }
  const builder = new DetectionsBuilder();
  for (let i = 0; i < list.length; i++) {
    const object: unknown = list[i];
    const box = isPlainObject(object) ? object.bounding_box : undefined;
    if (!isPlainObject(object) || !isPlainObject(box)) {
      throw new InvalidInferenceError(`O object_detection_list[${i}] has no bounding_box`);
    }
    builder.add(
      number(box.left, i, 'left'),
      number(box.top, i, 'top'),
      number(box.right, i, 'right'),
      number(box.bottom, i, 'bottom'),
      number(object.score, i, 'score'),
      classId(object.class_id, i),
    );
  }
  return builder.finish();
}

function number(value: unknown, index: number, key: string): number {
  if (typeof value !== 'number') {
    throw new InvalidInferenceError(`O object_detection_list[${index}].${key} is ${describe(value)}, not a number`);
  }
  return value;
}

function classId(value: unknown, index: number): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 0x7fffffff) {
    throw new InvalidInferenceError(
      `O object_detection_list[${index}].class_id is ${describe(value)}, not a non-negative integer`,
    );
  }
  return value as number;
}


/** A short rendering of a bad value for a message. */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
