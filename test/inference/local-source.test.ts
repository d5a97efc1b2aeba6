import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleInferenceRecord, Inference, InferenceResult } from '../../src-shared/console/inference.js';
import { InputError } from '../../src-shared/errors.js';
import { encodeObjectDetectionTop } from '../../src-shared/flatbuffers/index.js';
import type { Frame } from '../../src-shared/frames.js';
import { Diagnostics, type Warning } from '../../src-main/pipeline/diagnostics.js';
import { openInferenceJson } from '../../src-main/sources/inference-json.js';

let dir: string;
let warnings: Warning[];
let diagnostics: Diagnostics;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-inference-'));
  warnings = [];
  diagnostics = new Diagnostics((warning) => warnings.push(warning));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An inference whose frame has `people` detections, the first at x = `people`. */
function inference(T: string, people: number): Inference {
  const detections = Array.from({ length: people }, (_, i) => ({
    left: people + i,
    top: 10,
    right: people + i + 20,
    bottom: 60,
    score: 0.5,
    class_id: 0,
  }));
  return { T, O: Buffer.from(encodeObjectDetectionTop(detections)).toString('base64') };
}

function record(...inferences: Inference[]): InferenceResult {
  return { DeviceID: 'Aid-00010001-0000-2000-9002-000000000000', ModelID: '0300009999990100', Image: false, Inferences: inferences };
}

function wrap(result: InferenceResult, id: number): ConsoleInferenceRecord {
  return { id: `record-${id}`, device_id: result.DeviceID ?? '', model_id: result.ModelID ?? '', inference_result: result };
}

async function framesOf(path: string, signal = new AbortController().signal): Promise<Frame[]> {
  const frames: Frame[] = [];
  for await (const frame of openInferenceJson(path, diagnostics).frames(signal)) frames.push(frame);
  return frames;
}

const summary = (frames: Frame[]): [number, string | undefined, number][] =>
  frames.map((frame) => [frame.index, frame.timestamp, frame.detections.count]);

describe('openInferenceJson', () => {
  it('reads a record file, newest inference first, as frames oldest first', async () => {
    const path = join(dir, 'record.json');
    await writeFile(
      path,
      JSON.stringify(record(inference('20230412140029728', 3), inference('20230412140023098', 1), inference('20230412140026000', 2))),
    );
    const source = openInferenceJson(path, diagnostics);
    expect(source.name).toBe('heatmap');
    expect(source.hasImages).toBe(false);
    const frames = [];
    for await (const frame of source.frames(new AbortController().signal)) frames.push(frame);
    expect(summary(frames)).toEqual([
      [0, '20230412140023098', 1],
      [1, '20230412140026000', 2],
      [2, '20230412140029728', 3],
    ]);
    expect(Array.from(frames[1].detections.boxes)).toEqual([2, 10, 22, 60, 3, 10, 23, 60]);
    expect(source.expectedFrames).toBe(3);
    expect(warnings).toEqual([]);
  });

  it("reads the Console's pretty-printed array of wrapped records", async () => {
    const path = join(dir, 'inferenceresults.json');
    const records = [
      wrap(record(inference('20230412140029728', 2), inference('20230412140028000', 4)), 2),
      wrap(record(inference('20230412140023098', 1)), 1),
    ];
    await writeFile(path, JSON.stringify(records, null, 2));
    expect(summary(await framesOf(path))).toEqual([
      [0, '20230412140023098', 1],
      [1, '20230412140028000', 4],
      [2, '20230412140029728', 2],
    ]);
  });

  it('reads inline JSON inferences (F 1)', async () => {
    const path = join(dir, 'inline.json');
    const perception = {
      perception: {
        object_detection_list: [{ class_id: 0, bounding_box: { left: 1, top: 2, right: 3, bottom: 4 }, score: 0.9 }],
      },
    };
    await writeFile(
      path,
      JSON.stringify(record({ T: '20230412140023098', F: 1, O: perception }, { T: '20230412140023431', F: 1, O: JSON.stringify(perception) })),
    );
    const frames = await framesOf(path);
    expect(summary(frames)).toEqual([
      [0, '20230412140023098', 1],
      [1, '20230412140023431', 1],
    ]);
    expect(Array.from(frames[1].detections.boxes)).toEqual([1, 2, 3, 4]);
  });

  it('skips a bad JSON Lines line, naming its line number, and keeps the rest', async () => {
    const path = join(dir, 'results.jsonl');
    const lines = [
      JSON.stringify(record(inference('20230412140023098', 1))),
      JSON.stringify(record(inference('20230412140023431', 2))),
      '{"DeviceID": "cut off',
      '',
      JSON.stringify(wrap(record(inference('20230412140023765', 3)), 3)),
    ];
    await writeFile(path, lines.join('\n') + '\n');
    expect(summary(await framesOf(path))).toEqual([
      [0, '20230412140023098', 1],
      [1, '20230412140023431', 2],
      [2, '20230412140023765', 3],
    ]);
    expect(diagnostics.skippedRecords).toBe(1);
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(new RegExp(`^${path}:3: skipped: not JSON: `)) as unknown as string,
    ]);
  });

  it('skips a bad inference inside a good record', async () => {
    const path = join(dir, 'one.json');
    await writeFile(path, JSON.stringify(record(inference('20230412140023098', 1), { T: 'yesterday', O: '' }, inference('20230412140023431', 1))));
    expect(summary(await framesOf(path)).map(([, T]) => T)).toEqual(['20230412140023098', '20230412140023431']);
    expect(warnings.map((w) => w.message)).toEqual([
      `${path}:1, inference 2 (T yesterday): skipped: T 'yesterday' is not a yyyyMMddHHmmssfff timestamp`,
    ]);
  });

  it('reads every inference file of a folder and its sub-folders, merged in T order', async () => {
    await mkdir(join(dir, 'day2'));
    await mkdir(join(dir, '.cache'));
    await writeFile(join(dir, 'a.json'), JSON.stringify(record(inference('20230412140030000', 1))));
    await writeFile(join(dir, 'day2', 'b.jsonl'), `${JSON.stringify(record(inference('20230413090000000', 2)))}\n`);
    await writeFile(join(dir, 'c.ndjson'), `${JSON.stringify(record(inference('20230412140023098', 3)))}\n`);
    await writeFile(join(dir, 'notes.txt'), 'not an inference');
    await writeFile(join(dir, '.cache', 'd.json'), JSON.stringify(record(inference('20230101000000000', 4))));
    await writeFile(join(dir, 'broken.json'), '{ "Inferences": [');
    expect(summary(await framesOf(dir))).toEqual([
      [0, '20230412140023098', 3],
      [1, '20230412140030000', 1],
      [2, '20230413090000000', 2],
    ]);
    expect(diagnostics.skippedRecords).toBe(1);
    expect(warnings[0].message).toMatch(new RegExp(`^${join(dir, 'broken.json')}: skipped: not JSON or JSON Lines: `));
  });

  it('keeps one of an inference seen twice and warns', async () => {
    await writeFile(join(dir, 'a.json'), JSON.stringify(record(inference('20230412140023098', 1), inference('20230412140023431', 2))));
    await writeFile(join(dir, 'b.json'), JSON.stringify(record(inference('20230412140023431', 2))));
    expect(summary(await framesOf(dir))).toEqual([
      [0, '20230412140023098', 1],
      [1, '20230412140023431', 2],
    ]);
    expect(warnings).toEqual([
      {
        kind: 'duplicate-inference',
        message: `inference T 20230412140023431 appears twice (${join(dir, 'a.json')}:1, inference 2 (T 20230412140023431) and ` +
          `${join(dir, 'b.json')}:1, inference 1 (T 20230412140023431)); kept the first`,
      },
    ]);
  });

  it('fails with a one-line InputError for a missing path, an empty file or nothing usable', async () => {
    const missing = join(dir, 'missing.json');
    await expect(framesOf(missing)).rejects.toThrow(new InputError(`meta_file not found: ${missing}`));
    const empty = join(dir, 'empty.jsonl');
    await writeFile(empty, '\n\n');
    await expect(framesOf(empty)).rejects.toThrow(new InputError(`${empty}: empty inference JSON file`));
    const useless = join(dir, 'useless.json');
    await writeFile(useless, JSON.stringify({ Inferences: [{ T: '1', O: '' }] }));
    await expect(framesOf(useless)).rejects.toThrow(new InputError(
        `${useless}: no usable record among 1 inferences; the first: ${useless}:1, inference 1 (T 1): T '1' is not a yyyyMMddHHmmssfff timestamp`,
      ));
    const notRecords = join(dir, 'other.json');
    await writeFile(notRecords, '[]');
    await expect(framesOf(notRecords)).rejects.toThrow(
      new InputError(`${notRecords}: no inference results (expected records with an Inferences array)`),
    );
    const emptyFolder = join(dir, 'nothing');
    await mkdir(emptyFolder);
    await expect(framesOf(emptyFolder)).rejects.toThrow(
      new InputError(`${emptyFolder}: folder holds no .json, .jsonl or .ndjson files`),
    );
  });

  it('stops yielding once the signal aborts', async () => {
    const path = join(dir, 'record.json');
    await writeFile(path, JSON.stringify(record(inference('20230412140023098', 1), inference('20230412140023431', 1))));
    const controller = new AbortController();
    const frames: Frame[] = [];
    for await (const frame of openInferenceJson(path, diagnostics).frames(controller.signal)) {
      frames.push(frame);
      controller.abort();
    }
    expect(frames.length).toBe(1);
  });
});
