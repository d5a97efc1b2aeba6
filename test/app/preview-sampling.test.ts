/**
 * Sampled preview pictures of sources that bring their own (Console images): at most one a
 * second of their T times and at most MAX_PREVIEW_PICTURES a run; the nearest sampled picture
 * stands for a frame without one. Real JPEGs written into a real folder by the preview sink.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_DETECTIONS, formatTimestamp, type Frame } from '../../src-shared/frames.js';
import { defaultSettings } from '../../src-shared/settings/index.js';
import { MAX_PREVIEW_PICTURES, nearestPicture, previewSink, readPreviewIndex } from '../../src-main/sinks/preview.js';
import type { RunContext } from '../../src-main/pipeline/types.js';
import { defaultDataDir } from '../../src-main/app/data-dir.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-preview-sampling-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `frames` picture frames, frame i at i × `intervalMs`, through the preview sink; returns the picture positions. */
async function sample(name: string, frames: number, intervalMs: number, expectedFrames: number): Promise<number[]> {
  const previewDir = join(dir, name);
  const settings = defaultSettings();
  const context = {
    settings,
    params: settings.heat_map_settings.params,
    previewDir,
    source: { name, expectedFrames, hasImages: true },
  } as unknown as RunContext;
  const sink = await previewSink(context);
  if (sink === null) throw new Error('no preview sink');
  const grid = new Int32Array(settings.heat_map_settings.params.grid_num_h * settings.heat_map_settings.params.grid_num_v);
  const start = Date.UTC(2026, 10, 23);
  for (let position = 0; position < frames; position++) {
    const frame: Frame = {
      index: position,
      timestamp: formatTimestamp(start + position * intervalMs),
      detections: EMPTY_DETECTIONS,
      image: { width: 8, height: 4, data: new Uint8Array(8 * 4 * 3).fill(position % 256) },
    };
    await sink.write({ frame, grid, position });
  }
  await sink.finish({} as never);
  const index = await readPreviewIndex(previewDir);
  expect((await readdir(previewDir)).filter((file) => file.endsWith('.jpg')).length).toBe(index.pictures.length);
  expect(index).toMatchObject({ frameCount: frames, hasImages: true, previewWidth: 8, previewHeight: 4 });
  return index.pictures;
}

describe('sampled preview pictures of Console images', () => {
  it('keeps one picture a second of T time', async () => {
    expect(await sample('quarter-second', 13, 250, 13)).toEqual([0, 4, 8, 12]);
  });

  it('keeps every picture of a slow source, and at most MAX_PREVIEW_PICTURES of a long one', async () => {
    expect(await sample('slow', 5, 2000, 5)).toEqual([0, 1, 2, 3, 4]);
    // 4 × MAX frames expected: every 4th frame.
    expect(await sample('long', 20, 2000, 4 * MAX_PREVIEW_PICTURES)).toEqual([0, 4, 8, 12, 16]);
  });

  it('lets the nearest sampled picture stand for a frame without one (the earlier on ties)', () => {
    const pictures = [0, 4, 8, 12];
    expect([0, 1, 2, 3, 5, 6, 7, 13, 40].map((position) => nearestPicture(pictures, position))).toEqual([0, 0, 0, 4, 4, 4, 8, 12, 12]);
    expect(nearestPicture([], 3)).toBe(-1);
    expect(nearestPicture([5], 0)).toBe(5);
  });
});

describe('the data folder of crowdheat serve', () => {
  it('is CROWDHEAT_DATA_DIR when set, else the platform app data folder', () => {
    expect(defaultDataDir({ CROWDHEAT_DATA_DIR: '/srv/crowd' }, 'linux', '/home/ana')).toBe('/srv/crowd');
    expect(defaultDataDir({}, 'linux', '/home/ana')).toBe('/home/ana/.local/share/crowdheat');
    expect(defaultDataDir({ XDG_DATA_HOME: '/data' }, 'linux', '/home/ana')).toBe('/data/crowdheat');
    // A relative XDG_DATA_HOME is invalid by the XDG spec and ignored.
    expect(defaultDataDir({ XDG_DATA_HOME: 'data' }, 'linux', '/home/ana')).toBe('/home/ana/.local/share/crowdheat');
    expect(defaultDataDir({}, 'darwin', '/Users/ana')).toBe('/Users/ana/Library/Application Support/crowdheat');
  });
});
