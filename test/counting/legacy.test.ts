import { describe, expect, it } from 'vitest';
import { GridCounter } from '../../src-shared/counting/grid-counter.js';
import { SettingsError } from '../../src-shared/errors.js';
import { detectionsOf, paramsWith, picture, type Box } from './helpers.js';

const legacy = {
  image_size_h: 100,
  image_size_v: 100,
  grid_num_h: 10,
  grid_num_v: 10,
  last_valid_frame: 1,
  counting: 'legacy' as const,
};

function legacyOnce(overrides: Parameters<typeof paramsWith>[0], boxes: Box[]): { rows: string[]; dropped: number } {
  const params = paramsWith({ ...legacy, ...overrides });
  const counter = new GridCounter(params);
  const { droppedOutsideGrid } = counter.push(detectionsOf(boxes));
  return { rows: picture(counter.grid, params.grid_num_h), dropped: droppedOutsideGrid };
}

describe('legacy box mode (the sample arithmetic)', () => {
  it('adds nothing for a box inside one cell with n = 0', () => {
    const { rows } = legacyOnce({ number_of_add_grid: 0 }, [[12, 12, 18, 18]]);
    expect(rows.join('').replaceAll('.', '')).toBe('');
  });

  it('excludes the right and bottom cells', () => {
    // l = 1-1 = 0, r = 3+1 = 4 → columns 0..3; t = 2-1 = 1, b = 4+1 = 5 → rows 1..4.
    expect(legacyOnce({ number_of_add_grid: 1 }, [[15, 25, 34, 47]]).rows.slice(0, 6)).toEqual([
      '..........',
      '1111......',
      '1111......',
      '1111......',
      '1111......',
      '..........',
    ]);
  });

  it('never reaches the last column or row (upper bounds clamp to grid - 1, then are excluded)', () => {
    const { rows } = legacyOnce({ number_of_add_grid: 1 }, [[80, 80, 100, 100]]);
    expect(rows.slice(6)).toEqual(['..........', '.......11.', '.......11.', '..........']);
  });

  it('reads a negative upper bound as a Python slice does, from the end', () => {
    // right = -15 → -2 + 0 = -2 → numpy slice stop -2 means column 8; left clamps to 0.
    const { rows } = legacyOnce({ number_of_add_grid: 0 }, [[-30, 0, -15, 15]]);
    expect(rows[0]).toBe('11111111..');
  });

  it('needs image sizes divisible by the grid', () => {
    expect(() => new GridCounter(paramsWith({ ...legacy, image_size_h: 1919 }))).toThrow(SettingsError);
    expect(() => new GridCounter(paramsWith({ ...legacy, image_size_h: 1919 }))).toThrow(
      'counting: legacy needs image_size_h (1919) to be divisible by grid_num_h (10)',
    );
  });
});

describe('legacy point mode', () => {
  it('takes x = int((left+right)/2) and y = bottom whatever point_ratio says', () => {
    // x = int(59.5) = 59 → column 5; y = 55 → row 5.
    const { rows } = legacyOnce({ bbox2pix: true, number_of_add_grid: 0, point_ratio: 0 }, [[50, 10, 69, 55]]);
    expect(rows[5]).toBe('.....1....');
    expect(rows.join('').replaceAll('.', '')).toBe('1');
  });

  it('loses the last row and column of the disk (ranges exclude ch+n and cv+n)', () => {
    expect(legacyOnce({ bbox2pix: true, number_of_add_grid: 1 }, [[55, 0, 55, 55]]).rows.slice(3, 7)).toEqual([
      '..........',
      '.....1....',
      '....11....',
      '..........',
    ]);
    expect(legacyOnce({ bbox2pix: true, number_of_add_grid: 2 }, [[55, 0, 55, 55]]).rows.slice(2, 8)).toEqual([
      '..........',
      '.....1....',
      '....111...',
      '...1111...',
      '....111...',
      '..........',
    ]);
  });

  it('drops a point outside the grid with n = 0 and reports it', () => {
    // bottom = 100 → row 10 of a 10-row grid (the sample would crash here).
    const { rows, dropped } = legacyOnce({ bbox2pix: true, number_of_add_grid: 0 }, [[50, 0, 60, 100], [5, 0, 5, 5]]);
    expect(dropped).toBe(1);
    expect(rows[0]).toBe('1.........');
  });

  it('keeps the in-grid part of a disk whose centre lies outside', () => {
    const { rows, dropped } = legacyOnce({ bbox2pix: true, number_of_add_grid: 1 }, [[55, 0, 55, 100]]);
    expect(dropped).toBe(0);
    expect(rows[9]).toBe('.....1....');
  });
});
