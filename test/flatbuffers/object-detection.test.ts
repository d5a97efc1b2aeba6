import { Builder } from 'flatbuffers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CrowdheatError } from '../../src-shared/errors.js';
import {
  CorruptBufferError,
  decodeObjectDetectionTop,
  encodeObjectDetectionTop,
  type EncodableDetection,
} from '../../src-shared/flatbuffers/index.js';
import type { Detections } from '../../src-shared/frames.js';

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const detectionArb: fc.Arbitrary<EncodableDetection> = fc.record({
  left: int32,
  top: int32,
  right: int32,
  bottom: int32,
  score: fc.double({ noNaN: true }),
  class_id: fc.integer({ min: 0, max: 0x7fffffff }),
});

function expected(all: readonly EncodableDetection[]): Detections {
  // A score that is infinite as a float32 drops its detection, as in the perception reader.
  const detections = all.filter((d) => Number.isFinite(Math.fround(d.score)));
  return {
    count: detections.length,
    boxes: Float64Array.from(detections.flatMap((d) => [d.left, d.top, d.right, d.bottom])),
    // The builder omits a field equal to its default (0), so a score of -0 comes back as +0.
    scores: Float64Array.from(detections.map((d) => (Object.is(d.score, -0) ? 0 : Math.fround(d.score)))),
    classIds: Int32Array.from(detections.map((d) => d.class_id)),
    trackIds: new Int32Array(detections.length).fill(-1),
  };
}

const twoPeople: EncodableDetection[] = [
  { left: 120, top: 576, right: 412, bottom: 1048, score: 0.99, class_id: 0 },
  { left: 0, top: 3, right: 319, bottom: 300, score: 0.5, class_id: 2 },
];

/** Builds an ObjectDetectionTop with one object per entry of `boxTypes`, carrying it as its union tag. */
function withBoxTypes(...boxTypes: number[]): Uint8Array {
  const builder = new Builder(64);
  const objects = boxTypes.map((boxType) => {
    builder.startObject(4);
    builder.addFieldInt32(0, 5, 0);
    const box = builder.endObject();
    builder.startObject(4);
    builder.addFieldInt8(1, boxType, 0);
    builder.addFieldOffset(2, box, 0);
    return builder.endObject();
  });
  builder.startVector(4, objects.length, 4);
  for (let i = objects.length - 1; i >= 0; i--) builder.addOffset(objects[i]);
  const list = builder.endVector();
  builder.startObject(1);
  builder.addFieldOffset(0, list, 0);
  const data = builder.endObject();
  builder.startObject(1);
  builder.addFieldOffset(0, data, 0);
  builder.finish(builder.endObject());
  return builder.asUint8Array().slice();
}

describe('decodeObjectDetectionTop', () => {
  it('reads boxes, float32 scores and class ids exactly', () => {
    const detections = decodeObjectDetectionTop(encodeObjectDetectionTop(twoPeople));
    expect(detections.count).toBe(2);
    expect(Array.from(detections.boxes)).toEqual([120, 576, 412, 1048, 0, 3, 319, 300]);
    expect(Array.from(detections.scores)).toEqual([Math.fround(0.99), 0.5]);
    expect(Array.from(detections.classIds)).toEqual([0, 2]);
  });

  it('reads a buffer as an IMX500 device writes it', () => {
    // Inference output of a device's object-detection model (two people, 320x320 input tensor), as
    // published in AITRIOS sample code; the expected values were read independently with a
    // hand-rolled Python walk over the same bytes.
    const device = Buffer.from(
      'DAAAAAAABgAKAAQABgAAAAwAAAAAAAYACAAEAAYAAAAEAAAAAgAAAEgAAAAQAAAADAAUAAgABwAMABAADAAAAAAAAAEBAAAACAAAAAAAZj/Q' +
        '////YwAAAFUAAACtAAAAEQEAAAwAEAAAAAcACAAMAAwAAAAAAAABFAAAAAAAfz8MABQABAAIAAwAEAAMAAAArAAAAFgAAAD+AAAAwwAAAA==',
      'base64',
    );
    const detections = decodeObjectDetectionTop(device);
    expect(detections.count).toBe(2);
    expect(Array.from(detections.boxes)).toEqual([172, 88, 254, 195, 99, 85, 173, 273]);
    expect(Array.from(detections.scores)).toEqual([0.99609375, 0.8984375]);
    expect(Array.from(detections.classIds)).toEqual([0, 1]);
    for (let length = 0; length < device.length; length++) {
      expect(() => decodeObjectDetectionTop(device.subarray(0, length)), `length ${length}`).toThrow(CorruptBufferError);
    }
  });

  it('round-trips random detections', () => {
    fc.assert(
      fc.property(fc.array(detectionArb, { maxLength: 40 }), (detections) => {
        expect(decodeObjectDetectionTop(encodeObjectDetectionTop(detections))).toEqual(expected(detections));
      }),
      { numRuns: 300 },
    );
  });

  it('ignores fields appended by newer firmware (area_count)', () => {
    const plain = encodeObjectDetectionTop(twoPeople);
    const extended = encodeObjectDetectionTop(twoPeople, { extraField: true });
    expect(extended.length).toBeGreaterThan(plain.length);
    expect(decodeObjectDetectionTop(extended)).toEqual(expected(twoPeople));
  });

  it('reads an empty detection list and a missing perception as no detections', () => {
    expect(decodeObjectDetectionTop(encodeObjectDetectionTop([])).count).toBe(0);
    const builder = new Builder(16);
    builder.startObject(1);
    builder.finish(builder.endObject());
    expect(decodeObjectDetectionTop(builder.asUint8Array()).count).toBe(0);
  });

  it('drops an object whose bounding box union is not a BoundingBox2d, keeps the others and says which', () => {
    expect(Array.from(decodeObjectDetectionTop(withBoxTypes(1)).boxes)).toEqual([5, 0, 0, 0]);
    const dropped: string[] = [];
    const kept = decodeObjectDetectionTop(withBoxTypes(1, 2, 0), (index, why) => dropped.push(`${index}: ${why}`));
    expect(kept.count).toBe(1);
    expect(dropped).toEqual(['1: bounding box type 2 is not BoundingBox2d', '2: bounding box type 0 is not BoundingBox2d']);
  });

  it('a buffer that fails half-way leaves nothing behind for the next one', () => {
    const bytes = encodeObjectDetectionTop(twoPeople);
    expect(() => decodeObjectDetectionTop(bytes.subarray(0, bytes.length - 4))).toThrow(CorruptBufferError);
    expect(decodeObjectDetectionTop(encodeObjectDetectionTop(twoPeople))).toEqual(expected(twoPeople));
  });

  it('throws CorruptBufferError for a buffer truncated at every length', () => {
    const bytes = encodeObjectDetectionTop(twoPeople, { extraField: true });
    for (let length = 0; length < bytes.length; length++) {
      expect(() => decodeObjectDetectionTop(bytes.subarray(0, length)), `length ${length}`).toThrow(
        CorruptBufferError,
      );
    }
  });

  it('CorruptBufferError is a CrowdheatError', () => {
    expect(new CorruptBufferError('x')).toBeInstanceOf(CrowdheatError);
  });

  it('either decodes or throws CorruptBufferError when bytes are corrupted', () => {
    const bytes = encodeObjectDetectionTop(twoPeople, { extraField: true });
    const corruption = fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 6,
    });
    fc.assert(
      fc.property(corruption, (changes) => {
        const corrupted = bytes.slice();
        for (const [position, value] of changes) corrupted[position] = value;
        assertDecodesOrRejects(corrupted);
      }),
      { numRuns: 2000 },
    );
  });

  it('either decodes or throws CorruptBufferError for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => assertDecodesOrRejects(bytes)),
      { numRuns: 2000 },
    );
  });
});

function assertDecodesOrRejects(bytes: Uint8Array): void {
  let detections: Detections;
  try {
    detections = decodeObjectDetectionTop(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(CorruptBufferError);
    return;
  }
  expect(detections.boxes.length).toBe(detections.count * 4);
  expect(detections.scores.length).toBe(detections.count);
  expect(detections.classIds.length).toBe(detections.count);
  expect(detections.count).toBeLessThanOrEqual(bytes.length / 4);
}
