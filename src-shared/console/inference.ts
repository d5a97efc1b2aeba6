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
import { isTimestamp, type Detections } from '../frames.js';
import { showValue } from '../messages.js';
import { isPlainObject } from '../objects.js';
import { MAX_RECORD_CHARS, PerceptionError, describeValue, parseMetadataText, readPerception, type DroppedDetection } from '../perception.js';

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
 * Decodes one inference into its timestamp and detections. `O` is read by the one perception
 * reader (src-shared/perception.ts): `{"perception": {}}` is a frame without detections, and a
 * bad detection is dropped and told to `onDropped` (its index in the list, why) while the
 * others are kept — for inline JSON and FlatBuffers alike.
 *
 * ```ts
 * decodeInference({ T: '20230412140023098', F: 1, O: '{"perception": {"object_detection_list": [' +
 *   '{"class_id": 0, "bounding_box": {"left": 10, "top": 20, "right": 30, "bottom": 60}, "score": 0.9}]}}' })
 * // { timestamp: '20230412140023098', detections: { count: 1, boxes: [10, 20, 30, 60], ... } }
 * ```
 * @throws InvalidInferenceError for a missing or invalid `T`, `O` or `F`;
 *   CorruptBufferError for a FlatBuffer that is truncated or malformed.
 */
export function decodeInference(inference: Inference, onDropped: DroppedDetection = () => {}): DecodedInference {
  // Records come from JSON, so the declared type is a hope; check what matters.
  const { T, O, F } = inference as Partial<Record<keyof Inference, unknown>>;
  if (typeof T !== 'string' || !isTimestamp(T)) {
    throw new InvalidInferenceError(`T ${describe(T)} is not a yyyyMMddHHmmssfff timestamp`);
  }
  if (F === undefined || F === 0) {
    if (typeof O !== 'string') throw new InvalidInferenceError(`O is ${describe(O)}, not a base64 string`);
    if (O.length > MAX_RECORD_CHARS) {
      throw new InvalidInferenceError(`O of ${O.length} characters is longer than the cap of ${MAX_RECORD_CHARS}`);
    }
    return { timestamp: T, detections: decodeObjectDetectionTop(decodeBase64(O), onDropped) };
  }
  if (F === 1) return { timestamp: T, detections: decodeInlinePerception(O, onDropped) };
  throw new InvalidInferenceError(`F ${describe(F)} is not 0 (FlatBuffers) or 1 (JSON)`);
}

/**
 * Yields one decoded inference per entry of a record's `Inferences`, in the record's order.
 * Accepts the bare record or the Console's wrapper. A bad inference is reported through
 * `skip` as `<where>, inference <n> (T <T>)`, n counted from 1 and the others still come; a record
 * without an `Inferences` array is reported once and yields nothing. Each decoded inference
 * comes with its `where`, for later messages about it.
 */
export function* framesOfRecord(
  record: unknown,
  skip: SkipReporter,
  where = 'record',
): Generator<DecodedInference & { where: string }> {
  const body = isPlainObject(record) && 'inference_result' in record ? record.inference_result : record;
  if (!isPlainObject(body) || !Array.isArray(body.Inferences)) {
    skip(where, 'not an inference result (no Inferences array)');
    return;
  }
  const inferences: unknown[] = body.Inferences;
  for (let i = 0; i < inferences.length; i++) {
    const entry = inferences[i];
    const label = isPlainObject(entry) && typeof entry.T === 'string' ? ` (T ${showValue(entry.T, 20)})` : '';
    const entryWhere = `${where}, inference ${i + 1}${label}`;
    if (!isPlainObject(entry)) {
      skip(entryWhere, `inference is ${describe(entry)}, not an object`);
      continue;
    }
    let decoded: DecodedInference;
    try {
      decoded = decodeInference(entry as unknown as Inference, (index, why) => skip(entryWhere, `detection ${index}: ${why}`));
    } catch (error) {
      if (!(error instanceof CrowdheatError)) throw error;
      skip(entryWhere, error.message);
      continue;
    }
    yield { ...decoded, where: entryWhere };
  }
}

/** Inline output through the one perception reader; its record-level faults become `InvalidInferenceError`s. */
function decodeInlinePerception(output: unknown, onDropped: DroppedDetection): Detections {
  try {
    const value = typeof output === 'string' ? parseMetadataText(output) : output;
    return readPerception(value, onDropped);
  } catch (error) {
    if (error instanceof PerceptionError) throw new InvalidInferenceError(`O: ${error.message}`);
    throw error;
  }
}

/** A short rendering of a bad value for a message (never serialises containers, however deep). */
function describe(value: unknown): string {
  return describeValue(value);
}
