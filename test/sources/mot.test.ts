import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isGroundTruthName, openMot } from '../../src-main/sources/mot.js';
import { expectInputError, readFileWith, recordingDiagnostics, tempDirEachTest, unreadablePathTests } from './helpers.js';

const MOT_DIR = '/work/shared/data/motchallenge';

const temp = tempDirEachTest();

function readMot(name: string, lines: string[], eol = '\n') {
  return readFileWith(openMot, temp.write(name, lines.join(eol) + eol));
}

describe('MOTChallenge source', () => {
  it("fills the detections' track ids from the id column, -1 where it is not a track", async () => {
    const path = temp.write('gt.txt', ['1,7,1,1,1,1,1,1,1', '1,-1,2,2,2,2,1', '2,12,3,3,3,3,1,1,1', '2,x,4,4,4,4,1'].join('\n'));
    const ids: number[][] = [];
    for await (const frame of openMot(path, recordingDiagnostics().diagnostics).frames(new AbortController().signal)) {
      ids.push(Array.from(frame.detections.trackIds));
    }
    expect(ids).toEqual([[7, -1], [12, -1]]);
  });

  it('is a metadata-only source named heatmap', () => {
    const source = openMot('/nowhere.txt', recordingDiagnostics().diagnostics);
    expect(source).toMatchObject({ name: 'heatmap', hasImages: false });
    expect(source.expectedFrames).toBeUndefined();
  });

  it('turns left,top,width,height into boxes and 1-based frames into 0-based indices', async () => {
    const { frames, warnings } = await readMot('det.txt', [
      '1,-1,286.552,154.138,71.337,167.328,0.998331,-1,-1,-1',
      '1,-1,10,20,30,40,0.5,-1,-1,-1',
      '2,-1,1.5,2.5,3,4,0.25,-1,-1,-1',
    ], '\r\n');
    expect(warnings).toEqual([]);
    expect(frames).toEqual([
      {
        index: 0,
        boxes: [
          [286.552, 154.138, 286.552 + 71.337, 154.138 + 167.328, 0.998331, 0],
          [10, 20, 40, 60, 0.5, 0],
        ],
      },
      { index: 1, boxes: [[1.5, 2.5, 4.5, 6.5, 0.25, 0]] },
    ]);
  });

  it('yields empty frames for frames without rows, from frame 1 on', async () => {
    const { frames } = await readMot('det.txt', ['3,-1,1,1,1,1,1', '', '6,-1,2,2,2,2,0.5']);
    expect(frames).toEqual([
      { index: 0, boxes: [] },
      { index: 1, boxes: [] },
      { index: 2, boxes: [[1, 1, 2, 2, 1, 0]] },
      { index: 3, boxes: [] },
      { index: 4, boxes: [] },
      { index: 5, boxes: [[2, 2, 4, 4, 0.5, 0]] },
    ]);
  });

  it('reads ground truth: six columns mean conf 1, column 8 is the class', async () => {
    const { frames, warnings } = await readMot('gt.txt', [
      '1,1,10,20,30,40',
      '1,2,10,20,30,40,0,7,0.5',
      '1,3,10,20,30,40,1,-1,-1,-1',
      '2,1,5,5,5,5,1,3.5,1',
      '2,2,5,5,5,5,,2',
    ]);
    expect(warnings).toEqual([]);
    expect(frames).toEqual([
      {
        index: 0,
        boxes: [
          [10, 20, 40, 60, 1, 0],
          [10, 20, 40, 60, 0, 7],
          [10, 20, 40, 60, 1, 0],
        ],
      },
      {
        index: 1,
        boxes: [
          [5, 5, 10, 10, 1, 0],
          [5, 5, 10, 10, 1, 2],
        ],
      },
    ]);
  });

  it('gives every detection class 0 in a det file, whatever column 8 holds', async () => {
    const { frames } = await readMot('seq-det.txt', ['1,-1,10,20,30,40,0.9,7,-1,-1']);
    expect(frames).toEqual([{ index: 0, boxes: [[10, 20, 40, 60, 0.9, 0]] }]);
  });

  it('knows ground truth by MOTChallenge naming', () => {
    expect(['gt.txt', 'MOT17-02-gt.txt', 'seq_gt.txt', '/data/MOT17/train/gt/gt.txt'].map(isGroundTruthName)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['det.txt', 'PETS09-S2L1-det.txt', 'night.txt', 'gt.csv'].map(isGroundTruthName)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('skips a row with a nan or infinite value, naming file and line and the value', async () => {
    const { path, frames, warnings } = await readMot('det.txt', ['1,-1,1,NaN,inf,4,-inf,-1,-1,-1', '1,-1,1,2,3,4,inf', '2,-1,5,6,7,8,1']);
    expect(warnings).toEqual([`${path}:1: skipped: top NaN is not a finite number`, `${path}:2: skipped: conf Infinity is not a finite number`]);
    expect(frames).toEqual([{ index: 0, boxes: [] }, { index: 1, boxes: [[5, 6, 12, 14, 1, 0]] }]);
  });

  it('skips unreadable rows naming file and line, and places a row that goes back in time at its own frame', async () => {
    const { path, frames, warnings, diagnostics } = await readMot('det.txt', [
      '1,-1,1,1,1,1,1',
      '2,-1,2,2,2,2,1',
      '1,-1,9,9,9,9,1',
      '2,-1,3,3,3,3,1',
      '0,-1,9,9,9,9,1',
      '2.5,-1,9,9,9,9,1',
      '3,-1,9,9,9',
      '3,-1,x,9,9,9,1',
      '3,-1,9,9,9,9,high',
      '3,-1,9,9,,9,1',
      '3,-1,4,4,4,4,1',
    ]);
    expect(frames).toEqual([
      { index: 0, boxes: [[1, 1, 2, 2, 1, 0], [9, 9, 18, 18, 1, 0]] },
      { index: 1, boxes: [[2, 2, 4, 4, 1, 0], [3, 3, 6, 6, 1, 0]] },
      { index: 2, boxes: [[4, 4, 8, 8, 1, 0]] },
    ]);
    expect(warnings).toEqual([
      `${path}:5: skipped: frame '0' is not a whole number from 1`,
      `${path}:6: skipped: frame '2.5' is not a whole number from 1`,
      `${path}:7: skipped: expected at least 6 comma-separated columns (frame,id,left,top,width,height), found 5`,
      `${path}:8: skipped: left 'x' is not a number`,
      `${path}:9: skipped: conf 'high' is not a number`,
      `${path}:10: skipped: width '' is not a number`,
    ]);
    expect(diagnostics.skippedRecords).toBe(6);
  });

  it('refuses a jump in frame numbers beyond the cap before yielding any frame, naming both rows', async () => {
    const path = temp.write('det.txt', ['1,-1,1,1,1,1,1', '99999999,-1,1,1,1,1,1', '2,-1,1,1,1,1,1'].join('\n'));
    await expectInputError(
      openMot,
      path,
      `${path}:1 (frame 1) and ${path}:2 (frame 99999999) leave 99999997 frames without rows between them; ` +
        'at most 9000 are filled with empty frames (fix or split the file)',
    );
  });

  it('stops when the signal aborts', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `${i + 1},-1,1,1,1,1,1`);
    const path = temp.write('det.txt', lines.join('\n'));
    const controller = new AbortController();
    const seen: number[] = [];
    for await (const frame of openMot(path, recordingDiagnostics().diagnostics).frames(controller.signal)) {
      seen.push(frame.index);
      if (frame.index === 2) controller.abort();
    }
    expect(seen).toEqual([0, 1, 2]);
  });

  describe('errors a user can act on', () => {
    unreadablePathTests(openMot, temp, 'det.txt');

    it.each([
      ['empty', ''],
      ['blank', '\r\n\n   \n'],
    ])('%s file', async (_name, text) => {
      const path = temp.write('det.txt', text);
      await expectInputError(openMot, path, `${path}: no metadata rows`);
    });

    it('rows that are all unusable', async () => {
      const path = temp.write('det.txt', 'frame,id,left\nnot,a,row,at,all,!\n');
      await expectInputError(
        openMot,
        path,
        `${path}: no usable record among 2 rows; the first: ${path}:1: frame 'frame' is not a whole number from 1`,
      );
    });
  });

  describe.skipIf(!existsSync(MOT_DIR))('the MOTChallenge 2015 detections', () => {
    it.each([
      ['PETS09-S2L1', 795, 4359, [649.441, 231.502, 649.441 + 44.417, 231.502 + 86.13, 0.995474, 0], [650.41, 139.082, 650.41 + 25.102, 139.082 + 75.468, 0.90717, 0]],
      ['TUD-Stadtmitte', 179, 951, [340.829, 79.4999, 340.829 + 87.662, 79.4999 + 244.25, 0.998128, 0], [203.324, 82.7671, 203.324 + 30.07, 82.7671 + 166.284, 0.651763, 0]],
      ['ETH-Bahnhof', 1000, 6209, [286.552, 154.138, 286.552 + 71.337, 154.138 + 167.328, 0.998331, 0], [481.598, 243.602, 481.598 + 20.317, 243.602 + 56.317, 0.94687, 0]],
    ])('%s: %i frames, %i detections, exact first and last rows', async (sequence, frameCount, detectionCount, first, last) => {
      const { frames, warnings } = await readFileWith(openMot, `${MOT_DIR}/${sequence}-det.txt`);
      expect(warnings).toEqual([]);
      expect(frames).toHaveLength(frameCount);
      expect(frames.at(-1)?.index).toBe(frameCount - 1);
      expect(frames.every((frame, position) => frame.index === position)).toBe(true);
      expect(frames.reduce((sum, frame) => sum + frame.boxes.length, 0)).toBe(detectionCount);
      expect(frames[0].boxes[0]).toEqual(first);
      expect(frames.at(-1)?.boxes.at(-1)).toEqual(last);
    });
  });
});
