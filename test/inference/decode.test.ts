import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  decodeInference,
  framesOfRecord,
  InvalidInferenceError,
  type ConsoleInferenceRecord,
  type DecodedInference,
  type InferenceResult,
} from '../../src-shared/console/inference.js';
import { CorruptBufferError, encodeObjectDetectionTop } from '../../src-shared/flatbuffers/index.js';

const person = { left: 10, top: 20, right: 30, bottom: 60, score: 0.75, class_id: 1 };
const base64Of = (detections: (typeof person)[]): string =>
  Buffer.from(encodeObjectDetectionTop(detections)).toString('base64');
const inlinePerception = {
  perception: {
    object_detection_list: [{ class_id: 1, bounding_box: { left: 10, top: 20, right: 30, bottom: 60 }, score: 0.75 }],
  },
};

function plain(decoded: DecodedInference): { timestamp: string; boxes: number[]; scores: number[]; classIds: number[] } {
  return {
    timestamp: decoded.timestamp,
    boxes: Array.from(decoded.detections.boxes),
    scores: Array.from(decoded.detections.scores),
    classIds: Array.from(decoded.detections.classIds),
  };
}

const onePerson = { timestamp: '20230412140023098', boxes: [10, 20, 30, 60], scores: [0.75], classIds: [1] };

describe('decodeInference', () => {
  it('decodes base64 FlatBuffers when F is absent or 0', () => {
    expect(plain(decodeInference({ T: '20230412140023098', O: base64Of([person]) }))).toEqual(onePerson);
    expect(plain(decodeInference({ T: '20230412140023098', O: base64Of([person]), F: 0 }))).toEqual(onePerson);
  });

  it('decodes inline JSON when F is 1, as a string or as an object', () => {
    const asString = decodeInference({ T: '20230412140023098', O: JSON.stringify(inlinePerception), F: 1 });
    const asObject = decodeInference({ T: '20230412140023098', O: inlinePerception, F: 1 });
    expect(plain(asString)).toEqual(onePerson);
    expect(plain(asObject)).toEqual(onePerson);
  });

  it('rejects a missing or invalid T', () => {
    const O = base64Of([person]);
    expect(() => decodeInference({ O } as never)).toThrow(
      new InvalidInferenceError('T missing is not a yyyyMMddHHmmssfff timestamp'),
    );
    expect(() => decodeInference({ T: '2023041214002309', O })).toThrow(InvalidInferenceError);
    expect(() => decodeInference({ T: '20230231140023098', O })).toThrow(
      new InvalidInferenceError("T '20230231140023098' is not a yyyyMMddHHmmssfff timestamp"),
    );
  });

  it('rejects bad base64, a corrupt buffer, bad inline JSON and an unknown F', () => {
    const T = '20230412140023098';
    expect(() => decodeInference({ T, O: 'not base64!' })).toThrow(new InvalidInferenceError('O is not valid base64'));
    expect(() => decodeInference({ T, O: base64Of([person]).slice(0, 24) })).toThrow(CorruptBufferError);
    expect(() => decodeInference({ T, O: '{"perception": ', F: 1 })).toThrow(InvalidInferenceError);
    expect(() => decodeInference({ T, O: { other: {} } as never, F: 1 })).toThrow(
      new InvalidInferenceError("O: metadata dict has no 'perception' dict"),
    );
    expect(() => decodeInference({ T, O: base64Of([person]), F: 2 })).toThrow(
      new InvalidInferenceError('F 2 is not 0 (FlatBuffers) or 1 (JSON)'),
    );
  });

  it('decodes base64 without padding', () => {
    expect(Array.from(decodeBase64('AQID'))).toEqual([1, 2, 3]);
    expect(Array.from(decodeBase64('AQI'))).toEqual([1, 2]);
    expect(Array.from(decodeBase64('AQI='))).toEqual([1, 2]);
  });
});

describe('framesOfRecord', () => {
  const record: InferenceResult = {
    DeviceID: 'Aid-00010001-0000-2000-9002-000000000000',
    ModelID: '0300009999990100',
    Image: true,
    Inferences: [
      { T: '20230412140023098', O: base64Of([person]) },
      { T: '20230412140023431', O: base64Of([person, person]) },
      { T: '20230412140023765', O: base64Of([]) },
    ],
  };

  it('yields one frame per inference, in the record order', () => {
    const skips: string[] = [];
    const frames = [...framesOfRecord(record, (where, why) => skips.push(`${where}: ${why}`))];
    expect(frames.map((f) => [f.timestamp, f.detections.count])).toEqual([
      ['20230412140023098', 1],
      ['20230412140023431', 2],
      ['20230412140023765', 0],
    ]);
    expect(skips).toEqual([]);
  });

  it('unwraps the Console record', () => {
    const wrapped: ConsoleInferenceRecord = {
      id: '5f0a7d3e-0000-0000-0000-000000000000',
      device_id: 'Aid-00010001-0000-2000-9002-000000000000',
      model_id: '0300009999990100',
      _ts: 1681308024,
      inference_result: record,
    };
    expect([...framesOfRecord(wrapped, () => {})].length).toBe(3);
  });

  it('skips a bad inference and keeps the others', () => {
    const damaged = {
      Inferences: [record.Inferences[0], { T: '20230412140023431', O: '@@@' }, 'junk', record.Inferences[2]],
    };
    const skips: string[] = [];
    const frames = [...framesOfRecord(damaged, (where, why) => skips.push(`${where}: ${why}`), 'a.json')];
    expect(frames.map((f) => f.timestamp)).toEqual(['20230412140023098', '20230412140023765']);
    expect(skips).toEqual([
      'a.json, inference 2 (T 20230412140023431): O is not valid base64',
      "a.json, inference 3: inference is 'junk', not an object",
    ]);
  });

  it('drops a bad inline detection and keeps the others, by the same rules as the seed CSV', () => {
    const O = JSON.stringify({
      perception: {
        object_detection_list: [
          { class_id: 0, bounding_box: { left: 1, top: 2, right: 3, bottom: 4 }, score: 0.5 },
          { class_id: 0, score: 0.5 },
          { bounding_box: { left: 5, top: 6, right: 7, bottom: 8 }, score: 0.25 },
        ],
      },
    });
    const skips: string[] = [];
    const frames = [...framesOfRecord({ Inferences: [{ T: '20230412140023098', F: 1, O }] }, (where, why) => skips.push(`${where}: ${why}`), 'c.json')];
    expect(frames.map((f) => Array.from(f.detections.boxes))).toEqual([[1, 2, 3, 4, 5, 6, 7, 8]]);
    expect(frames[0].where).toBe('c.json, inference 1 (T 20230412140023098)');
    expect(skips).toEqual(["c.json, inference 1 (T 20230412140023098): detection 1: no 'bounding_box'"]);
  });

  it('reports a value that is not a record', () => {
    const skips: string[] = [];
    expect([...framesOfRecord({ DeviceID: 'x' }, (where, why) => skips.push(`${where}: ${why}`), 'b.json line 3')]).toEqual([]);
    expect(skips).toEqual(['b.json line 3: not an inference result (no Inferences array)']);
  });
});
