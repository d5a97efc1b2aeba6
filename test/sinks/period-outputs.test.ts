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
