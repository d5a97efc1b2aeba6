/**
 * The counter on real detections — the AITRIOS sample's CSV and MOTChallenge files — held against
 * the per-cell brute force, for the six parameter sets a migrating user would try first.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GridCounter } from '../../src-shared/counting/grid-counter.js';
import { prepareDetections } from '../../src-shared/frames.js';
import type { GridParams } from '../../src-shared/settings/types.js';
import { Diagnostics } from '../../src-main/pipeline/diagnostics.js';
import { openSeedCsv } from '../../src-main/sources/seed-csv.js';
import { openMot } from '../../src-main/sources/mot.js';
import type { FrameSource } from '../../src-main/pipeline/types.js';
import { bruteForce, exactCellMember, legacyCellMember } from './brute-force.js';
import { boxesOf, paramsWith, type Box } from './helpers.js';

const CSV = '../shared/data/aitrios-sample.csv';
const PETS = '../shared/data/motchallenge/PETS09-S2L1-det.txt';
const CHECKED_EVERY = 97;

const parameterSets: Partial<GridParams>[] = [
  { number_of_add_grid: 1, last_valid_frame: 15, grid_num_h: 192, grid_num_v: 108, bbox2pix: false },
  { number_of_add_grid: 0, last_valid_frame: 1, grid_num_h: 192, grid_num_v: 108, bbox2pix: false },
  { number_of_add_grid: 2, last_valid_frame: 0, grid_num_h: 48, grid_num_v: 27, bbox2pix: false },
  { number_of_add_grid: 0, last_valid_frame: 10, grid_num_h: 64, grid_num_v: 36, bbox2pix: true },
  { number_of_add_grid: 3, last_valid_frame: 30, grid_num_h: 192, grid_num_v: 108, bbox2pix: true },
  { number_of_add_grid: 1, last_valid_frame: 5, grid_num_h: 48, grid_num_v: 27, bbox2pix: true },
];


async function checkAgainstBruteForce(source: FrameSource, params: GridParams): Promise<number> {
  const member = params.counting === 'legacy' ? legacyCellMember : exactCellMember;
  const counter = new GridCounter(params);
  const options = { imageWidth: params.image_size_h, imageHeight: params.image_size_v, sanitize: params.counting === 'exact', classIds: null, minScore: 0 };
  const stats = { nonFinite: 0, filtered: 0, outsideImage: 0 };
  const seen: Box[][] = [];
  let checked = 0;
  for await (const frame of source.frames(new AbortController().signal)) {
    const detections = prepareDetections(frame.detections, options, stats);
    counter.push(detections);
    seen.push(boxesOf(detections));
    if (seen.length % CHECKED_EVERY === 1) {
      // A dropped point (legacy, n = 0, outside the grid) is absent from both sides alike.
      expect(Array.from(counter.grid)).toEqual(bruteForce(params, seen, member));
      checked += 1;
    }
  }
  return checked;
}

describe.skipIf(!existsSync(CSV))('the real AITRIOS CSV', () => {
  for (const counting of ['exact', 'legacy'] as const) {
    for (const set of parameterSets) {
      it(`${counting}: n=${set.number_of_add_grid} W=${set.last_valid_frame} ${set.grid_num_h}×${set.grid_num_v} ${set.bbox2pix ? 'point' : 'box'}`, async () => {
        const params = paramsWith({ ...set, counting, image_size_h: 1920, image_size_v: 1080 });
        const checked = await checkAgainstBruteForce(openSeedCsv(CSV, new Diagnostics()), params);
        expect(checked).toBe(7);
      });
    }
  }
});

describe.skipIf(!existsSync(PETS))('MOTChallenge PETS09-S2L1 (768×576, float boxes)', () => {
  it('exact counting with a grid that does not divide the image', async () => {
    const params = paramsWith({ image_size_h: 768, image_size_v: 576, grid_num_h: 50, grid_num_v: 37, number_of_add_grid: 1, last_valid_frame: 20, bbox2pix: true, point_ratio: 0.9 });
    expect(await checkAgainstBruteForce(openMot(PETS, new Diagnostics()), params)).toBe(9);
  });
});
