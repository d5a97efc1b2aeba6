import { describe, expect, it } from 'vitest';
import { GridCounter } from '../../src-shared/counting/grid-counter.js';
import { diskHalfWidths } from '../../src-shared/counting/footprint.js';
import { EMPTY_DETECTIONS } from '../../src-shared/frames.js';
import { detectionsOf, paramsWith, picture } from './helpers.js';

const tenByTen = { image_size_h: 100, image_size_v: 100, grid_num_h: 10, grid_num_v: 10, last_valid_frame: 1 };

function countOnce(overrides: Parameters<typeof paramsWith>[0], boxes: Parameters<typeof detectionsOf>[0]): string[] {
  const params = paramsWith({ ...tenByTen, ...overrides });
  const counter = new GridCounter(params);
  counter.push(detectionsOf(boxes));
  return picture(counter.grid, params.grid_num_h);
}

describe('exact box mode', () => {
  it('covers every cell from the left cell to the right cell, bounds included', () => {
    expect(countOnce({ number_of_add_grid: 0 }, [[15, 25, 34, 47]])).toEqual([
      '..........',
      '..........',
      '.111......',
      '.111......',
      '.111......',
      '..........',
      '..........',
      '..........',
      '..........',
      '..........',
    ]);
  });

  it('grows by number_of_add_grid on every side', () => {
    expect(countOnce({ number_of_add_grid: 1 }, [[15, 25, 34, 47]])).toEqual([
      '..........',
      '11111.....',
      '11111.....',
      '11111.....',
      '11111.....',
      '11111.....',
      '..........',
      '..........',
      '..........',
      '..........',
    ]);
  });

  it('is clipped at every edge of the grid', () => {
    expect(countOnce({ number_of_add_grid: 2 }, [[0, 0, 5, 5]]).slice(0, 4)).toEqual([
      '111.......',
      '111.......',
      '111.......',
      '..........',
    ]);
    expect(countOnce({ number_of_add_grid: 2 }, [[95, 95, 100, 100]]).slice(6)).toEqual([
      '..........',
      '.......111',
      '.......111',
      '.......111',
    ]);
  });

  it('puts a coordinate on the image edge into the last cell', () => {
    expect(countOnce({ number_of_add_grid: 0 }, [[100, 100, 100, 100]])[9]).toBe('.........1');
  });

  it('adds at most one per detection and cell, and overlapping detections add up', () => {
    const rows = countOnce({ number_of_add_grid: 0 }, [
      [0, 0, 19, 9],
      [10, 0, 29, 9],
    ]);
    expect(rows[0]).toBe('121.......');
  });
});

describe('exact point mode', () => {
  it('takes the feet by default and fills a disk that is symmetric', () => {
    // Centre x = 55 → column 5; point_ratio 1 puts y on the bottom edge, 55 → row 5.
    expect(countOnce({ bbox2pix: true, number_of_add_grid: 2 }, [[50, 10, 60, 55]])).toEqual([
      '..........',
      '..........',
      '..........',
      '.....1....',
      '....111...',
      '...11111..',
      '....111...',
      '.....1....',
      '..........',
      '..........',
    ]);
  });

  it('moves the point with point_ratio (0 = top edge)', () => {
    const rows = countOnce({ bbox2pix: true, number_of_add_grid: 0, point_ratio: 0 }, [[50, 10, 60, 55]]);
    expect(rows[1]).toBe('.....1....');
    expect(rows.join('').replaceAll('.', '')).toBe('1');
  });

  it('with n = 0 counts exactly one cell', () => {
    const rows = countOnce({ bbox2pix: true, number_of_add_grid: 0 }, [[0, 0, 9, 99]]);
    expect(rows[9]).toBe('1.........');
    expect(rows.join('').replaceAll('.', '')).toBe('1');
  });

  it('clips the disk at the grid edge', () => {
    expect(countOnce({ bbox2pix: true, number_of_add_grid: 1 }, [[0, 0, 0, 0]]).slice(0, 3)).toEqual([
      '11........',
      '1.........',
      '..........',
    ]);
  });

  it('disk half-widths are the largest k with k² + d² ≤ n²', () => {
    expect(Array.from(diskHalfWidths(0))).toEqual([0]);
    expect(Array.from(diskHalfWidths(3))).toEqual([3, 2, 2, 0]);
    expect(Array.from(diskHalfWidths(5))).toEqual([5, 4, 4, 4, 3, 0]);
  });
});

describe('image sizes that do not divide the grid', () => {
  it('maps pixels to cells by floor(x * grid / size)', () => {
    // 100 px over 3 columns: x = 33 → 0.99 → 0, 34 → 1.02 → 1, 66 → 1.98 → 1, 67 → 2.01 → 2.
    const base = { image_size_h: 100, image_size_v: 7, grid_num_h: 3, grid_num_v: 1, number_of_add_grid: 0, bbox2pix: true, last_valid_frame: 1 };
    const column = (x: number): string => {
      const counter = new GridCounter(paramsWith(base));
      counter.push(detectionsOf([[x, 0, x, 0]]));
      return picture(counter.grid, 3)[0];
    };
    expect([33, 34, 66, 67].map(column)).toEqual(['1..', '.1.', '.1.', '..1']);
  });
});

describe('window', () => {
  const frameAt = (column: number): ReturnType<typeof detectionsOf> => detectionsOf([[column * 10, 0, column * 10, 0]]);
  const oneRow = { image_size_h: 100, image_size_v: 10, grid_num_h: 10, grid_num_v: 1, number_of_add_grid: 0, bbox2pix: false };

  it('sums the last W frames', () => {
    const counter = new GridCounter(paramsWith({ ...oneRow, last_valid_frame: 2 }));
    const seen: string[] = [];
    for (const column of [0, 1, 1, 2]) {
      counter.push(frameAt(column));
      seen.push(picture(counter.grid, 10)[0]);
    }
    expect(seen).toEqual(['1.........', '11........', '.2........', '.11.......']);
  });

  it('W = 0 sums every frame so far', () => {
    const counter = new GridCounter(paramsWith({ ...oneRow, last_valid_frame: 0 }));
    for (const column of [0, 1, 1, 2, 0]) counter.push(frameAt(column));
    expect(picture(counter.grid, 10)[0]).toBe('221.......');
    expect(counter.frameCount).toBe(5);
  });

  it('an empty frame advances the window', () => {
    const counter = new GridCounter(paramsWith({ ...oneRow, last_valid_frame: 2 }));
    counter.push(frameAt(3));
    counter.push(EMPTY_DETECTIONS);
    expect(picture(counter.grid, 10)[0]).toBe('...1......');
    counter.push(EMPTY_DETECTIONS);
    expect(picture(counter.grid, 10)[0]).toBe('..........');
  });

  it('W = 1 shows the current frame alone', () => {
    const counter = new GridCounter(paramsWith({ ...oneRow, last_valid_frame: 1 }));
    counter.push(frameAt(4));
    counter.push(frameAt(5));
    expect(picture(counter.grid, 10)[0]).toBe('.....1....');
  });
});
