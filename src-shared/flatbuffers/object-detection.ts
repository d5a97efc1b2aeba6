/**
 * Reader for the AITRIOS `SmartCamera.ObjectDetectionTop` FlatBuffer (SPEC §5):
 *
 * ```
 * namespace SmartCamera;
 * table BoundingBox2d { left:int; top:int; right:int; bottom:int; }
 * union BoundingBox { BoundingBox2d }
 * table GeneralObject { class_id:uint; bounding_box:BoundingBox; score:float; }
 * table ObjectDetectionData { object_detection_list:[GeneralObject]; }
 * table ObjectDetectionTop { perception:ObjectDetectionData; }
 * root_type ObjectDetectionTop;
 * ```
 *
 * Hand-written instead of flatc output: the schema is five tables, and generated accessors
 * would trust every offset in the buffer. Buffers come from cameras and networks, so every
 * offset is checked against the buffer's length before it is followed; a bad one raises
 * `CorruptBufferError`, which callers turn into a skipped frame.
 *
 * A field's vtable slot is its declaration order; a union takes two slots (its type tag,
 * then its value), so GeneralObject's slots are class_id 0, bounding_box_type 1,
 * bounding_box 2, score 3. Fields past the ones read here (devices append e.g.
 * `area_count`) are never looked up, which is how FlatBuffers readers skip unknown fields.
 */
import { ByteBuffer } from 'flatbuffers';
import { CrowdheatError } from '../errors.js';
import type { DroppedDetection } from '../perception.js';
import { DetectionsBuilder, EMPTY_DETECTIONS, type Detections } from '../frames.js';

/** The buffer is truncated or one of its offsets points outside it. */
export class CorruptBufferError extends CrowdheatError {
  override readonly name = 'CorruptBufferError';
}

/** The vtable's entry for slot `n` sits at byte `4 + 2n` (after the vtable and object sizes). */
function slot(n: number): number {
  return 4 + 2 * n;
}

const TOP_PERCEPTION = slot(0);
const DATA_OBJECT_DETECTION_LIST = slot(0);
const OBJECT_CLASS_ID = slot(0);
const OBJECT_BOUNDING_BOX_TYPE = slot(1);
const OBJECT_BOUNDING_BOX = slot(2);
const OBJECT_SCORE = slot(3);
const BOX_LEFT = slot(0);
const BOX_TOP = slot(1);
const BOX_RIGHT = slot(2);
const BOX_BOTTOM = slot(3);

/** The union tag of `BoundingBox2d` (0 is the implicit NONE). */
const BOUNDING_BOX_2D = 1;

/** `ByteBuffer` access with every position checked; the runtime itself checks nothing. */
class CheckedBuffer {
  readonly bb: ByteBuffer;
  /** The object of `object_detection_list` being read, for messages; -1 outside the list. */
  objectIndex = -1;
  private readonly length: number;

  constructor(bytes: Uint8Array) {
    this.bb = new ByteBuffer(bytes);
    this.length = bytes.length;
  }

  require(position: number, size: number, what: string, part = ''): void {
    if (!Number.isInteger(position) || position < 0 || position + size > this.length) {
      throw this.corrupt(`${what}${part} at byte ${position} lies outside the ${this.length}-byte buffer`);
    }
  }

  /** Labels are static strings so that a good buffer builds no message text. */
  corrupt(problem: string): CorruptBufferError {
    const where = this.objectIndex < 0 ? '' : `object_detection_list[${this.objectIndex}] `;
    return new CorruptBufferError(`corrupt FlatBuffer: ${where}${problem}`);
  }

  /** Checks a table at `table` and its vtable; returns the table's position. */
  table(table: number, what: string): number {
    this.require(table, 4, what);
    const vtable = table - this.bb.readInt32(table);
    this.require(vtable, 4, what, ' vtable');
    const vtableSize = this.bb.readUint16(vtable);
    const objectSize = this.bb.readUint16(vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0) {
      throw this.corrupt(`${what} vtable has size ${vtableSize}`);
    }
    this.require(vtable, vtableSize, what, ' vtable');
    this.require(table, Math.max(objectSize, 4), what);
    return table;
  }

  /** Position of a field inside a checked table, or 0 when the field is absent. */
  field(table: number, vtableSlot: number, size: number, what: string): number {
    const offset = this.bb.__offset(table, vtableSlot);
    if (offset === 0) return 0;
    if (offset < 4) throw this.corrupt(`${what} has field offset ${offset}`);
    this.require(table + offset, size, what);
    return table + offset;
  }

  /** Follows the offset stored at `position` (a table or union value) to a checked table. */
  indirectTable(position: number, what: string): number {
    return this.table(this.bb.__indirect(position), what);
  }

  /** Start and length of the vector whose offset is stored at `position`; elements are `elementSize` bytes. */
  vector(position: number, elementSize: number, what: string): { start: number; length: number } {
    this.require(this.bb.__indirect(position), 4, what, ' length');
    const length = this.bb.__vector_len(position);
    const start = this.bb.__vector(position);
    if (length < 0) throw this.corrupt(`${what} has length ${length}`);
    this.require(start, length * elementSize, what);
    return { start, length };
  }

  int32(table: number, vtableSlot: number, what: string): number {
    const position = this.field(table, vtableSlot, 4, what);
    return position === 0 ? 0 : this.bb.readInt32(position);
  }
}

/**
 * Decodes an `ObjectDetectionTop` buffer into detections (model input-tensor pixels).
 * A missing `perception` or `object_detection_list` is a frame without detections. The rules
 * are the perception reader's (src-shared/perception.ts): an object without a BoundingBox2d is
 * dropped and told to `onDropped` (its index, why) while the others are kept; an absent
 * `class_id` or `score` is FlatBuffers' default, 0.
 *
 * ```ts
 * decodeObjectDetectionTop(encodeObjectDetectionTop([{ left: 1, top: 2, right: 3, bottom: 4, score: 0.5, class_id: 0 }]))
 * // { count: 1, boxes: [1, 2, 3, 4], scores: [0.5], classIds: [0] }
 * ```
 * @throws CorruptBufferError when the buffer is truncated or malformed.
 */
export function decodeObjectDetectionTop(bytes: Uint8Array, onDropped: DroppedDetection = () => {}): Detections {
  const buffer = new CheckedBuffer(bytes);
  buffer.require(0, 4, 'root offset');
  const top = buffer.indirectTable(0, 'ObjectDetectionTop');

  const perceptionField = buffer.field(top, TOP_PERCEPTION, 4, 'perception');
  if (perceptionField === 0) return EMPTY_DETECTIONS;
  const data = buffer.indirectTable(perceptionField, 'ObjectDetectionData');

  const listField = buffer.field(data, DATA_OBJECT_DETECTION_LIST, 4, 'object_detection_list');
  if (listField === 0) return EMPTY_DETECTIONS;
  const list = buffer.vector(listField, 4, 'object_detection_list');

  try {
    readObjects(buffer, list, onDropped);
  } catch (error) {
    sharedBuilder.finish();
    throw error;
  }
  return sharedBuilder.finish();
}

/**
 * One builder for all calls: decoding is synchronous, and `finish` hands out exact-size copies,
 * so a frame costs those copies and no scratch arrays.
 */
const sharedBuilder = new DetectionsBuilder();

function readObjects(buffer: CheckedBuffer, list: { start: number; length: number }, onDropped: DroppedDetection): void {
  const bb = buffer.bb;
  for (let i = 0; i < list.length; i++) {
    buffer.objectIndex = i;
    const object = buffer.indirectTable(list.start + 4 * i, 'GeneralObject');

    const classIdField = buffer.field(object, OBJECT_CLASS_ID, 4, 'class_id');
    const classId = classIdField === 0 ? 0 : bb.readUint32(classIdField);
    // Class ids are held in an Int32Array; a larger uint would silently change meaning.
    if (classId > 0x7fffffff) throw buffer.corrupt(`class_id ${classId} out of range`);

    // As in the perception reader: an object without a usable box is dropped and told, the others kept.
    const boxField = buffer.field(object, OBJECT_BOUNDING_BOX, 4, 'bounding_box');
    if (boxField === 0) {
      onDropped(i, "no 'bounding_box'");
      continue;
    }
    const typeField = buffer.field(object, OBJECT_BOUNDING_BOX_TYPE, 1, 'bounding_box_type');
    const boxType = typeField === 0 ? 0 : bb.readUint8(typeField);
    if (boxType !== BOUNDING_BOX_2D) {
      onDropped(i, `bounding box type ${boxType} is not BoundingBox2d`);
      continue;
    }
    // A union value is stored like any table reference: an offset to the member's table.
    const box = buffer.indirectTable(boxField, 'bounding_box');

    const scoreField = buffer.field(object, OBJECT_SCORE, 4, 'score');
    const score = scoreField === 0 ? 0 : bb.readFloat32(scoreField);
    if (!Number.isFinite(score)) {
      onDropped(i, `score ${score} is not a finite number`);
      continue;
    }

    sharedBuilder.add(
      buffer.int32(box, BOX_LEFT, 'left'),
      buffer.int32(box, BOX_TOP, 'top'),
      buffer.int32(box, BOX_RIGHT, 'right'),
      buffer.int32(box, BOX_BOTTOM, 'bottom'),
      score,
      classId,
    );
  }
}
