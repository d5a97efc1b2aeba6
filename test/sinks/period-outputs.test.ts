/**
 * The period pictures (heatmap_period.png, periods/*.png) carry the zones' outlines as
 * heatmap.png does, and leave them out with `zone_outlines: false`.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePeriodOutputs } from '../../src-main/sinks/period-outputs.js';
import { rangeLabel } from '../../src-main/sinks/store.js';
import { getColormap } from '../../src-shared/colormaps/index.js';
import { FrameRenderer } from '../../src-shared/render/index.js';
import type { PeriodView } from '../../src-main/store/views.js';
import { defaultSettings } from '../../src-shared/settings/types.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-period-outputs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HOUR = 3_600_000;

/** A 4×2 grid of zeros over two hourly buckets. */
function emptyView(): PeriodView {
  const columns = 4;
  const rows = 2;
  return {
    unit: 'person-seconds',
    columns,
    rows,
    whole: new Float64Array(columns * rows),
    buckets: {
      starts: Float64Array.of(0, HOUR),
      ends: Float64Array.of(HOUR, 2 * HOUR),
      grids: new Float64Array(2 * columns * rows),
      frames: Int32Array.of(1, 1),
      detections: Int32Array.of(0, 0),
      personSeconds: Float64Array.of(0, 0),
      peakFrame: Int32Array.of(0, 1),
    },
    frames: 2,
    detections: 0,
    busiestMoment: null,
    busiestPlace: null,
    droppedOutsideGrid: 0,
    filtered: 0,
  };
}

/** In 1920×1080 metadata pixels; the pictures are 1280×720, so its top edge runs along y = 360 from x = 640 to 960. */
const ZONE: ZoneDefinition = { name: 'z', points: [[960, 540], [1440, 540], [1440, 810], [960, 810]] };

async function pixel(path: string, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([1280, 720]);
  const o = (y * info.width + x) * info.channels;
  return [data[o], data[o + 1], data[o + 2]];
}

describe('period pictures and zones', () => {
  it('draw each zone outline (cyan) on heatmap_period.png and on every periods/*.png', async () => {
    const output = defaultSettings().output_settings;
    const written = await writePeriodOutputs(dir, emptyView(), {
      output,
      imageSize: { width: 1920, height: 1080 },
      timeZone: 'UTC',
      label: 'test',
      zones: [ZONE],
    });
    expect(written).toEqual(['heatmap_period.npy', 'heatmap_period.png', 'heatmap_buckets.npy', 'buckets.csv', 'periods/']);
    for (const file of ['heatmap_period.png', 'periods/19700101-0000.png', 'periods/19700101-0100.png']) {
      expect(await pixel(join(dir, file), 800, 360)).toEqual([0, 255, 255]);
      // Inside the zone, away from its outline and name: the heat's colour, not the outline's.
      expect(await pixel(join(dir, file), 800, 450)).not.toEqual([0, 255, 255]);
    }
  });

  it('leave the outlines out with zone_outlines: false', async () => {
    const output = { ...defaultSettings().output_settings, zone_outlines: false };
    await writePeriodOutputs(dir, emptyView(), {
      output,
      imageSize: { width: 1920, height: 1080 },
      timeZone: 'UTC',
      label: 'test',
      zones: [ZONE],
    });
    const inside = await pixel(join(dir, 'heatmap_period.png'), 800, 450);
    expect(await pixel(join(dir, 'heatmap_period.png'), 800, 360)).toEqual(inside);
    expect(await pixel(join(dir, 'periods/19700101-0000.png'), 800, 360)).toEqual(inside);
  });

  it('repaint only the buckets named in onlyBuckets and leave the other pictures as they were', async () => {
    const output = defaultSettings().output_settings;
    const options = { output, imageSize: { width: 1920, height: 1080 }, timeZone: 'UTC', label: 'test' };
    await writePeriodOutputs(dir, emptyView(), options);
    const before = await Promise.all(['periods/19700101-0000.png', 'periods/19700101-0100.png'].map((f) => readFile(join(dir, f))));
    const view = emptyView();
    // Heat in both buckets; only bucket 1 is to be repainted.
    view.buckets?.grids.fill(5);
    await writePeriodOutputs(dir, view, { ...options, onlyBuckets: new Set([1]) });
    expect(await readFile(join(dir, 'periods/19700101-0000.png'))).toEqual(before[0]);
    expect(await readFile(join(dir, 'periods/19700101-0100.png'))).not.toEqual(before[1]);
  });
});

describe('period outputs written into a folder an earlier run wrote', () => {
  const options = { output: defaultSettings().output_settings, imageSize: { width: 1920, height: 1080 }, timeZone: 'UTC', label: 'test' };
  const listing = async (): Promise<string[]> => (await readdir(dir, { recursive: true })).map((name) => name.split(sep).join('/')).sort();

  it('leave none of its buckets beside this run\'s: no buckets, other buckets, and the user\'s own files kept', async () => {
    // An earlier run by hour over three hours, and a file of the user's in periods/.
    const earlier = emptyView();
    earlier.buckets = { ...earlier.buckets!, starts: Float64Array.of(0, HOUR, 2 * HOUR), ends: Float64Array.of(HOUR, 2 * HOUR, 3 * HOUR), grids: new Float64Array(3 * 8), frames: Int32Array.of(1, 1, 1), detections: Int32Array.of(0, 0, 0), personSeconds: Float64Array.of(0, 0, 0), peakFrame: Int32Array.of(0, 1, 2) };
    await writePeriodOutputs(dir, earlier, options);
    await writeFile(join(dir, 'periods', 'notes.txt'), 'mine');
    expect(await listing()).toEqual(['buckets.csv', 'heatmap_buckets.npy', 'heatmap_period.npy', 'heatmap_period.png', 'periods', 'periods/19700101-0000.png', 'periods/19700101-0100.png', 'periods/19700101-0200.png', 'periods/notes.txt']);

    // This run by hour over two hours: the third hour's picture goes.
    await writePeriodOutputs(dir, emptyView(), options);
    expect(await listing()).toEqual(['buckets.csv', 'heatmap_buckets.npy', 'heatmap_period.npy', 'heatmap_period.png', 'periods', 'periods/19700101-0000.png', 'periods/19700101-0100.png', 'periods/notes.txt']);
    expect((await readFile(join(dir, 'buckets.csv'), 'utf8')).trim().split('\n')).toHaveLength(3);

    // A run without buckets (period none): the buckets' files and pictures go, the user's file stays.
    await writePeriodOutputs(dir, { ...emptyView(), buckets: null }, options);
    expect(await listing()).toEqual(['heatmap_period.npy', 'heatmap_period.png', 'periods', 'periods/notes.txt']);
  });
});

describe('the period pictures of times that count from frame 0', () => {
  /** The bucket picture the renderer paints for `label` over an empty grid, as writePeriodOutputs paints it (1280×720, no picture). */
  function expectedPicture(label: string): Uint8Array {
    const output = defaultSettings().output_settings;
    const renderer = new FrameRenderer({
      width: 1280, height: 720, table: getColormap(output.cmap), interpolation: output.interpolation, overlay: output.overlay,
      transparency: output.transparency, emptyCells: output.empty_cells, colorbar: true,
    });
    return renderer.render({ grid: new Float64Array(8), columns: 4, rows: 2, scale: { min: 0, max: 1 }, label }).data;
  }
  /** Whether the picture at `path` is, pixel for pixel, `expectedPicture(label)` (compared as bytes: a deep equality of 2.7 MB is slow). */
  const paintedWith = async (path: string, label: string): Promise<boolean> => {
    const data = await sharp(path).raw().toBuffer();
    const expected = expectedPicture(label);
    return data.equals(Buffer.from(expected.buffer, expected.byteOffset, expected.length));
  };

  it('label each bucket picture with its start since frame 0, and keep the ISO names of the files', async () => {
    const options = { output: defaultSettings().output_settings, imageSize: { width: 1920, height: 1080 }, timeZone: 'UTC', label: 'test', elapsed: true };
    await writePeriodOutputs(dir, emptyView(), options);
    expect(await paintedWith(join(dir, 'periods/19700101-0100.png'), 'person-seconds\n1:00:00 since frame 0')).toBe(true);
    expect(await paintedWith(join(dir, 'periods/19700101-0000.png'), 'person-seconds\n0:00:00 since frame 0')).toBe(true);
    expect(await paintedWith(join(dir, 'periods/19700101-0100.png'), 'person-seconds\n1970-01-01T01:00:00+00:00')).toBe(false);
    // Without `elapsed`, the same bucket reads as a date.
    await writePeriodOutputs(dir, emptyView(), { ...options, elapsed: false });
    expect(await paintedWith(join(dir, 'periods/19700101-0100.png'), 'person-seconds\n1970-01-01T01:00:00+00:00')).toBe(true);
  });
});

describe('rangeLabel', () => {
  const frames = {
    index: Int32Array.of(0, 1, 2),
    t: [null, null, null],
    timeMs: Float64Array.of(0, 60_000, 120_000),
    durationMs: Float64Array.of(60_000, 60_000, 60_000),
  };
  const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');

  it('runs from the first frame to the end of the last, as a period ends', () => {
    expect(rangeLabel(frames, iso)).toBe('1970-01-01 00:00:00 to 1970-01-01 00:03:00');
  });

  it('reads as time since frame 0 on the elapsed clock, and by frame numbers without a time base', () => {
    expect(rangeLabel(frames, iso, 'elapsed')).toBe('0:00:00 to 0:03:00 since frame 0');
    expect(rangeLabel({ ...frames, timeMs: null, durationMs: null }, iso, 'none')).toBe('frames 0 to 2');
    expect(rangeLabel({ index: new Int32Array(0), t: [], timeMs: null, durationMs: null }, iso)).toBe('no frames');
  });
});
