/**
 * Writer for `SmartCamera.ObjectDetectionTop` (the schema is in `object-detection.ts`). Cameras
 * write these buffers, not crowdheat: this exists so the tests and the fake Console can serve
 * bytes shaped like a device's.
 */
import { Builder } from 'flatbuffers';

export interface EncodableDetection {
  left: number;
  top: number;
  right: number;
  bottom: number;
  score: number;
  class_id: number;
}

export interface EncodeOptions {
  /**
   * Append fields this schema does not know, as newer device firmware does: `area_count`
   * (a vector of uint) after `object_detection_list`, and an extra uint after each object's score.
   */
  extraField?: boolean;
}

/** Field indexes (declaration order; the union takes two: type tag, then value). */
const BOX_FIELDS = { left: 0, top: 1, right: 2, bottom: 3 } as const;
const OBJECT_FIELDS = { classId: 0, boundingBoxType: 1, boundingBox: 2, score: 3, unknownTrailing: 4 } as const;
const DATA_FIELDS = { objectDetectionList: 0, areaCount: 1 } as const;
const TOP_FIELDS = { perception: 0 } as const;

const BOUNDING_BOX_2D = 1;

/**
 * Encodes detections as an `ObjectDetectionTop` buffer. Coordinates are written as int32
 * (truncated toward zero), the score as float32, `class_id` as uint32.
 *
 * ```ts
 * const bytes = encodeObjectDetectionTop([{ left: 10, top: 20, right: 30, bottom: 60, score: 0.9, class_id: 0 }]);
 * ```
 */
export function encodeObjectDetectionTop(
  detections: readonly EncodableDetection[],
  options: EncodeOptions = {},
): Uint8Array {
  const builder = new Builder(64 + detections.length * 64);
  const objects = detections.map((detection) => {
    builder.startObject(4);
    builder.addFieldInt32(BOX_FIELDS.left, detection.left | 0, 0);
    builder.addFieldInt32(BOX_FIELDS.top, detection.top | 0, 0);
    builder.addFieldInt32(BOX_FIELDS.right, detection.right | 0, 0);
    builder.addFieldInt32(BOX_FIELDS.bottom, detection.bottom | 0, 0);
    const box = builder.endObject();

    builder.startObject(options.extraField ? 5 : 4);
    // A uint32 and an int32 share their bit pattern; `| 0` gives the int32 the runtime writes.
    builder.addFieldInt32(OBJECT_FIELDS.classId, detection.class_id | 0, 0);
    builder.addFieldInt8(OBJECT_FIELDS.boundingBoxType, BOUNDING_BOX_2D, 0);
    builder.addFieldOffset(OBJECT_FIELDS.boundingBox, box, 0);
    builder.addFieldFloat32(OBJECT_FIELDS.score, detection.score, 0);
    if (options.extraField) builder.addFieldInt32(OBJECT_FIELDS.unknownTrailing, 7, 0);
    return builder.endObject();
  });

  builder.startVector(4, objects.length, 4);
  for (let i = objects.length - 1; i >= 0; i--) builder.addOffset(objects[i]);
  const list = builder.endVector();

  let areaCount = 0;
  if (options.extraField) {
    builder.startVector(4, 2, 4);
    builder.addInt32(detections.length);
    builder.addInt32(0);
    areaCount = builder.endVector();
  }

  builder.startObject(options.extraField ? 2 : 1);
  builder.addFieldOffset(DATA_FIELDS.objectDetectionList, list, 0);
  if (options.extraField) builder.addFieldOffset(DATA_FIELDS.areaCount, areaCount, 0);
  const data = builder.endObject();

  builder.startObject(1);
  builder.addFieldOffset(TOP_FIELDS.perception, data, 0);
  builder.finish(builder.endObject());
  return builder.asUint8Array().slice();
}
