import { describe, expect, it } from 'vitest';
import { getColormap } from '../../src-shared/colormaps/index.js';
import { defaultSettings, findSettingsIssues, SETTING_FIELDS } from '../../src-shared/settings/index.js';
import { cellAt, colourScaleOf, legendGradient, paintHeat } from '../../src-renderer/logic/heat.js';
import { choicesOf, kindOf, settingField as field, valueFromText, withSetting } from '../../src-renderer/logic/settings-form.js';
import {
  advancePlayback,
  chartFrameAt,
  frameForKey,
  keySteps,
  readableTimestamp,
  secondsPerFrame,
  seriesSecondsPerFrame,
  frameLocalText,
  frameTimeText,
  seriesPath,
  stepFrame,
  zoomView,
} from '../../src-renderer/logic/timeline.js';


describe('timeline stepping', () => {
  const steps = keySteps(50, null);

  it('steps one frame with the arrow keys and stops at both ends', () => {
    expect(frameForKey('ArrowRight', 0, 5, keySteps(5, null))).toBe(1);
    expect(frameForKey('ArrowLeft', 0, 5, keySteps(5, null))).toBe(0);
    expect(frameForKey('ArrowRight', 4, 5, keySteps(5, null))).toBe(4);
    expect(frameForKey('Home', 30, 50, steps)).toBe(0);
    expect(frameForKey('End', 3, 50, steps)).toBe(49);
    expect(frameForKey('a', 3, 50, steps)).toBeNull();
  });

  it('moves Page Up on and Page Down back by the large step, Shift+arrows by the small one, within the run', () => {
    const week = keySteps(604_800, 1);
    expect(frameForKey('PageUp', 1000, 604_800, week)).toBe(1000 + 21_600);
    expect(frameForKey('PageDown', 30_000, 604_800, week)).toBe(30_000 - 21_600);
    expect(frameForKey('PageDown', 1000, 604_800, week)).toBe(0);
    expect(frameForKey('ArrowRight', 1000, 604_800, week, true)).toBe(4600);
    expect(frameForKey('ArrowLeft', 1000, 604_800, week, true)).toBe(0);
    expect(frameForKey('ArrowRight', 604_000, 604_800, week, true)).toBe(604_799);
    // Without Shift the arrows stay one frame, however long the run.
    expect(frameForKey('ArrowRight', 1000, 604_800, week)).toBe(1001);
  });

  it('scales the steps with the frames in view: time units with a time base, shares of the view without', () => {
    // A week at 1 fps, whole: 1 h and 6 h; zoomed to one hour: 10 s and 6 min → 1 min.
    expect(keySteps(604_800, 1)).toEqual({ small: 3600, large: 21_600, smallText: '1 h', largeText: '6 h' });
    expect(keySteps(3600, 1)).toEqual({ small: 10, large: 60, smallText: '10 s', largeText: '1 min' });
    // A week at 10 fps: a step of 1 h is 36,000 frames.
    expect(keySteps(6_048_000, 0.1)).toEqual({ small: 36_000, large: 216_000, smallText: '1 h', largeText: '6 h' });
    // 200 frames at 10 fps: a hundredth (0.2 s) is below 1 s, so it is 2 frames; a tenth (2 s) is 1 s = 10 frames.
    expect(keySteps(200, 0.1)).toEqual({ small: 2, large: 10, smallText: '2 frames', largeText: '1 s' });
    // A month and more at 1 fps: the large step stops at a day.
    expect(keySteps(5_000_000, 1)).toMatchObject({ large: 86_400, largeText: '1 day' });
    // Without a time base: a hundredth and a tenth of the view, at least one frame.
    expect(keySteps(604_800, null)).toEqual({ small: 6048, large: 60_480, smallText: '6,048 frames', largeText: '60,480 frames' });
    expect(keySteps(20, null)).toEqual({ small: 1, large: 2, smallText: '1 frame', largeText: '2 frames' });
    expect(keySteps(1, 0)).toEqual({ small: 1, large: 1, smallText: '1 frame', largeText: '1 frame' });
  });

  it('takes the mean frame interval from the first and last frames, none without a time base', () => {
    expect(secondsPerFrame(0, 604_799_000, 604_800)).toBe(1);
    expect(secondsPerFrame(1000, 1000 + 59_900, 600)).toBeCloseTo(0.1, 12);
    expect(secondsPerFrame(null, 5000, 600)).toBeNull();
    expect(secondsPerFrame(0, 5000, 1)).toBeNull();
    expect(secondsPerFrame(5000, 5000, 10)).toBeNull();
  });

  it('takes the mean seconds a frame from a chart series\' first and last columns, null without two timed columns', () => {
    // A week at 1 fps in 1,300 columns of 465 frames (the last shorter).
    const week = Array.from({ length: 1300 }, (_, c) => ({ fromFrame: c * 465, startMs: 1_795_359_600_000 + c * 465_000 }));
    expect(seriesSecondsPerFrame(week)).toBe(1);
    expect(seriesSecondsPerFrame([{ fromFrame: 0, startMs: 1000 }, { fromFrame: 1, startMs: 1100 }])).toBeCloseTo(0.1, 12);
    expect(seriesSecondsPerFrame([{ fromFrame: 0, startMs: 0 }])).toBeNull();
    expect(seriesSecondsPerFrame([])).toBeNull();
    expect(seriesSecondsPerFrame([{ fromFrame: 0, startMs: null }, { fromFrame: 10, startMs: null }])).toBeNull();
  });

  it('keeps an empty run at frame 0', () => {
    expect(stepFrame(0, 1, 0)).toBe(0);
    expect(frameForKey('End', 0, 0, keySteps(0, null))).toBe(0);
  });

  it('plays at fps times speed and ends on the last frame', () => {
    expect(advancePlayback(10, 500, 2, 1, 600)).toEqual({ position: 11, ended: false });
    expect(advancePlayback(10, 250, 10, 0.5, 600)).toEqual({ position: 11.25, ended: false });
    expect(advancePlayback(598, 1000, 10, 1, 600)).toEqual({ position: 599, ended: true });
  });

  it('seeks the chart by equal slots per frame', () => {
    expect(chartFrameAt(0, 1000, 600)).toBe(0);
    expect(chartFrameAt(500, 1000, 600)).toBe(300);
    expect(chartFrameAt(999.9, 1000, 600)).toBe(599);
    expect(chartFrameAt(1200, 1000, 600)).toBe(599);
    expect(chartFrameAt(-5, 1000, 600)).toBe(0);
  });

  it('draws the chart as a band from each column\'s fewest to most people, the busiest at the top', () => {
    const columns = [
      { fromFrame: 0, toFrame: 1, min: 0, max: 0 },
      { fromFrame: 1, toFrame: 2, min: 2, max: 2 },
      { fromFrame: 2, toFrame: 3, min: 1, max: 1 },
    ];
    expect(seriesPath(columns, 0, 3, 300, 100, 2)).toBe('M50,100 L150,0 L250,50 L250,50 L150,0 L50,100 Z');
    // A column of many frames spans its min to its max; a zoomed view places columns by their frames.
    expect(seriesPath([{ fromFrame: 10, toFrame: 20, min: 1, max: 4 }], 10, 20, 100, 100, 4)).toBe('M50,0 L50,75 Z');
    expect(seriesPath([], 0, 3, 300, 100, 2)).toBe('');
  });

  it('zooms the chart around the current frame, inside the run and never closer than 20 frames', () => {
    expect(zoomView({ from: 0, to: 1000 }, 0.5, 500, 1000)).toEqual({ from: 250, to: 750 });
    expect(zoomView({ from: 0, to: 1000 }, 0.5, 10, 1000)).toEqual({ from: 0, to: 500 });
    expect(zoomView({ from: 250, to: 750 }, 2, 900, 1000)).toEqual({ from: 0, to: 1000 });
    expect(zoomView({ from: 0, to: 30 }, 0.5, 29, 1000)).toEqual({ from: 19, to: 39 });
    expect(zoomView({ from: 0, to: 12 }, 0.5, 5, 12)).toEqual({ from: 0, to: 12 });
  });

  it('shows a T string as a UTC date and anything else as it is', () => {
    expect(readableTimestamp('20230412140023098')).toBe('2023-04-12 14:00:23.098 UTC');
    expect(readableTimestamp('')).toBe('');
    // Without T, the analysis's time base gives the frame's time, in the same form; without either, nothing.
    expect(frameTimeText('', Date.UTC(2026, 10, 22, 15, 6, 49, 5))).toBe('2026-11-22 15:06:49.005 UTC');
    expect(frameTimeText('20230412140023098', Date.UTC(2026, 10, 22))).toBe('2023-04-12 14:00:23.098 UTC');
    expect(frameTimeText('', null)).toBe('');
  });

  it('writes a frame\'s time on the period bar\'s clock too, and nothing for UTC or a frame without a time', () => {
    // The week's busiest moment: 15:06:49 UTC is past midnight in Tokyo, another date.
    expect(frameLocalText(Date.UTC(2026, 10, 22, 15, 6, 49, 5), 'Asia/Tokyo')).toBe('2026-11-23 00:06:49 Asia/Tokyo');
    expect(frameLocalText(Date.UTC(2026, 2, 29, 1, 30), 'Europe/Berlin')).toBe('2026-03-29 03:30:00 Europe/Berlin');
    expect(frameLocalText(Date.UTC(2026, 10, 22, 15, 6, 49), 'UTC')).toBe('');
    expect(frameLocalText(null, 'Asia/Tokyo')).toBe('');
  });
});

describe('cell under the cursor', () => {
  it('maps a pixel to its cell with the nearest-neighbour blocks of the picture', () => {
    // 640 × 360 showing 64 × 36 cells: 10-pixel blocks.
    expect(cellAt(0, 0, 640, 360, 64, 36)).toEqual({ h: 0, v: 0 });
    expect(cellAt(9.99, 9.99, 640, 360, 64, 36)).toEqual({ h: 0, v: 0 });
    expect(cellAt(10, 359.5, 640, 360, 64, 36)).toEqual({ h: 1, v: 35 });
    expect(cellAt(639.9, 0, 640, 360, 64, 36)).toEqual({ h: 63, v: 0 });
  });

  it('finds nothing outside the picture', () => {
    expect(cellAt(640, 10, 640, 360, 64, 36)).toBeNull();
    expect(cellAt(-0.1, 10, 640, 360, 64, 36)).toBeNull();
    expect(cellAt(5, 360, 640, 360, 64, 36)).toBeNull();
  });

  it('agrees with the blocks paintHeat draws when sizes do not divide evenly', () => {
    const columns = 7;
    const rows = 3;
    const grid = Array.from({ length: columns * rows }, (_, i) => i);
    const table = new Uint8Array(256 * 3).map((_, i) => Math.floor(i / 3));
    const pixels = paintHeat(
      { grid, columns, rows, scale: { min: 0, max: 256 }, table, interpolation: 'nearest', image: null, transparency: 0.5, emptyCells: 'clear' },
      50,
      20,
    );
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 50; x++) {
        const cell = cellAt(x, y, 50, 20, columns, rows)!;
        expect(pixels[(y * 50 + x) * 4]).toBe(cell.v * columns + cell.h);
      }
    }
  });
});

describe('period pictures', () => {
  it('paints fractional person-seconds: 0.5 s of 1 is the table\'s middle row over the picture, not an empty cell', () => {
    const table = new Uint8Array(256 * 3).map((_, i) => Math.floor(i / 3));
    const image = new Uint8ClampedArray(2 * 1 * 4).fill(200);
    const pixels = paintHeat(
      { grid: [0, 0.5], columns: 2, rows: 1, scale: { min: 0, max: 1 }, table, interpolation: 'nearest', image, transparency: 1, emptyCells: 'clear' },
      2,
      1,
    );
    // The empty cell leaves the picture as it was; the half-second cell takes row floor(0.5 × 256) = 128.
    expect(Array.from(pixels)).toEqual([200, 200, 200, 255, 128, 128, 128, 255]);
  });
});

describe('heat colours', () => {
  const params = { ...defaultSettings().heat_map_settings.params, last_valid_frame: 15 };
  const output = defaultSettings().output_settings;

  it('uses max, else W, else the running maximum as the top of the scale', () => {
    expect(colourScaleOf({ ...output, min: 2, max: 10 }, params, 99)).toEqual({ min: 2, max: 10 });
    expect(colourScaleOf({ ...output, max: 0 }, params, 99)).toEqual({ min: 0, max: 15 });
    expect(colourScaleOf({ ...output, max: 0 }, { ...params, last_valid_frame: 0 }, 99)).toEqual({ min: 0, max: 99 });
    expect(colourScaleOf({ ...output, max: 0 }, { ...params, last_valid_frame: 0 }, 0)).toEqual({ min: 0, max: 1 });
  });

  it('colours a cell with the table row Matplotlib picks', () => {
    const table = getColormap('jet');
    const scale = { min: 0, max: 15 };
    const pixels = paintHeat(
      { grid: [0, 8, 15, 40], columns: 4, rows: 1, scale, table, interpolation: 'nearest', image: null, transparency: 0.4, emptyCells: 'clear' },
      4,
      1,
    );
    const rowColour = (row: number) => [table[row * 3], table[row * 3 + 1], table[row * 3 + 2], 255];
    expect(Array.from(pixels)).toEqual([...rowColour(0), ...rowColour(136), ...rowColour(255), ...rowColour(255)]);
  });

  it('blends the heat over the picture with the transparency', () => {
    const table = getColormap('jet');
    const image = new Uint8ClampedArray([200, 100, 0, 255]);
    const [r, g, b, a] = paintHeat(
      { grid: [15], columns: 1, rows: 1, scale: { min: 0, max: 15 }, table, interpolation: 'nearest', image, transparency: 0.4, emptyCells: 'clear' },
      1,
      1,
    );
    const top = 255 * 3;
    expect([r, g, b, a]).toEqual([
      Math.round(0.6 * 200 + 0.4 * table[top]),
      Math.round(0.6 * 100 + 0.4 * table[top + 1]),
      Math.round(0.6 * 0 + 0.4 * table[top + 2]),
      255,
    ]);
  });
});

describe('settings form', () => {
  it('offers every setting that takes one of a few words as a choice of exactly those words', () => {
    expect(kindOf(field('output_settings.empty_cells'))).toBe('choice');
    expect(choicesOf(field('output_settings.empty_cells'))).toEqual(['clear', 'tinted']);
    expect(choicesOf(field('output_settings.encoder_preset'))).toEqual(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow']);
    expect(choicesOf(field('output_settings.per_frame_outputs'))).toEqual(['auto', 'always', 'never']);
    expect(choicesOf(field('output_settings.interpolation'))).toEqual(['nearest', 'bilinear']);
    // Every choice is a value the setting accepts, and every such setting is a choice.
    for (const setting of SETTING_FIELDS) {
      const choices = choicesOf(setting);
      if (choices === undefined) continue;
      expect(kindOf(setting)).toBe('choice');
      for (const choice of choices) expect(setting.rule.accepts(choice)).toBe(true);
      expect(setting.rule.accepts('not one of them')).toBe(false);
    }
    expect(kindOf(field('output_settings.cmap'))).toBe('text');
  });

  it('keeps a half-typed number as text so validation names it', () => {
    const transparency = field('output_settings.transparency');
    expect(kindOf(transparency)).toBe('number');
    expect(valueFromText('number', '0.25')).toBe(0.25);
    expect(valueFromText('number', '-1.5e2')).toBe(-150);
    // Only decimal notation is a number: hex, binary and spaces inside stay text for validation to name.
    expect(valueFromText('number', '0x10')).toBe('0x10');
    expect(valueFromText('number', '0b1')).toBe('0b1');
    expect(valueFromText('number', '1 000')).toBe('1 000');
    const typed = withSetting(defaultSettings(), transparency, valueFromText('number', '0.'));
    expect(typed.output_settings.transparency).toBe(0);
    const broken = withSetting(defaultSettings(), transparency, valueFromText('number', 'abc'));
    expect(broken.output_settings.transparency).toBe('abc');
    expect(findSettingsIssues(broken).find((issue) => issue.key === 'output_settings.transparency')?.message).toBe(
      'output_settings.transparency must be a number from 0 to 1, got "abc"',
    );
  });

  it('reads class ids as a list, "all" as null', () => {
    expect(valueFromText('class-ids', '0, 2 5')).toEqual([0, 2, 5]);
    expect(valueFromText('class-ids', 'all')).toBeNull();
    expect(valueFromText('class-ids', '')).toBeNull();
    expect(valueFromText('class-ids', 'people')).toBe('people');
  });

  it('does not change the settings it copies', () => {
    const original = defaultSettings();
    withSetting(original, field('output_settings.cmap'), 'jet');
    expect(original.output_settings.cmap).toBe('Reds');
  });
});

describe('timeline legend', () => {
  it('runs from the first table row to the last in evenly spaced stops', () => {
    const table = Uint8Array.from([0, 0, 0, 10, 20, 30, 100, 110, 120, 255, 254, 253]);
    expect(legendGradient(table, 4)).toBe(
      'linear-gradient(to right, rgb(0, 0, 0) 0.0%, rgb(10, 20, 30) 33.3%, rgb(100, 110, 120) 66.7%, rgb(255, 254, 253) 100.0%)',
    );
    const viridis = getColormap('viridis');
    const gradient = legendGradient(viridis);
    expect(gradient.startsWith(`linear-gradient(to right, rgb(${viridis[0]}, ${viridis[1]}, ${viridis[2]}) 0.0%`)).toBe(true);
    const last = viridis.length - 3;
    expect(gradient.endsWith(`rgb(${viridis[last]}, ${viridis[last + 1]}, ${viridis[last + 2]}) 100.0%)`)).toBe(true);
  });
});
