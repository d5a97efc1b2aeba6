import { describe, expect, it } from 'vitest';
import { detectFileName, detectJson } from '../../src-main/sinks/detect-json.js';
import { DetectionsBuilder, EMPTY_DETECTIONS } from '../../src-shared/frames.js';
import { DEFAULT_GRID_PARAMS, type GridParams } from '../../src-shared/settings/types.js';

const params = (overrides: Partial<GridParams>): GridParams => ({
  ...DEFAULT_GRID_PARAMS,
  class_ids: null,
  grid_num_h: 3,
  grid_num_v: 2,
  ...overrides,
});

function oneBox(): ReturnType<DetectionsBuilder['finish']> {
  const b = new DetectionsBuilder();
  b.add(120, 576, 413, 1048, 0.99, 0);
  return b.finish();
}

const grid = new Int32Array([0, 1, 2, 3, 4, 5]);

describe('detect/<name>.json', () => {
  it('box mode writes bboxes and griddata rows, as Python json.dumps would', () => {
    const text = detectJson({ index: 0, detections: oneBox() }, grid, params({ bbox2pix: false }));
    expect(text).toBe(
      '{"number_of_detects": 1, "bboxes": [{"left": 120, "top": 576, "right": 413, "bottom": 1048}], "griddata": [[0, 1, 2], [3, 4, 5]]}',
    );
    expect(JSON.parse(text)).toEqual({
      number_of_detects: 1,
      bboxes: [{ left: 120, top: 576, right: 413, bottom: 1048 }],
      griddata: [
        [0, 1, 2],
        [3, 4, 5],
      ],
    });
  });

  it('point mode writes positions at the anchor point, with the timestamp when known', () => {
    const frame = { index: 3, timestamp: '20230412140023098', detections: oneBox() };
    const parsed = JSON.parse(detectJson(frame, grid, params({ bbox2pix: true, point_ratio: 0.5 })));
    expect(Object.keys(parsed)).toEqual(['number_of_detects', 'positions', 'griddata', 'timestamp']);
    expect(parsed.positions).toEqual([{ x: 266.5, y: 812 }]);
    expect(parsed.timestamp).toBe('20230412140023098');
  });

  it('legacy point mode keeps the sample key "positiones" and its integer point on the bottom edge', () => {
    const parsed = JSON.parse(detectJson({ index: 0, detections: oneBox() }, grid, params({ bbox2pix: true, counting: 'legacy' })));
    expect(Object.keys(parsed)).toEqual(['number_of_detects', 'positiones', 'griddata']);
    expect(parsed.positiones).toEqual([{ x: 266, y: 1048 }]);
  });

  it('an empty frame has zero detects and an empty list', () => {
    const parsed = JSON.parse(detectJson({ index: 0, detections: EMPTY_DETECTIONS }, grid, params({})));
    expect(parsed.number_of_detects).toBe(0);
    expect(parsed.bboxes).toEqual([]);
  });

  it('is named by timestamp, else by the frame number on 8 digits', () => {
    expect(detectFileName({ index: 42, detections: EMPTY_DETECTIONS })).toBe('00000042.json');
    expect(detectFileName({ index: 42, timestamp: '20230412140023098', detections: EMPTY_DETECTIONS })).toBe('20230412140023098.json');
  });
});
