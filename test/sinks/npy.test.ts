import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npySink } from '../../src-main/sinks/npy.js';
import { Diagnostics } from '../../src-main/pipeline/diagnostics.js';
import { defaultSettings } from '../../src-shared/settings/types.js';
import { EMPTY_DETECTIONS } from '../../src-shared/frames.js';
import type { RunContext, RunSummary } from '../../src-main/pipeline/types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-npy-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function contextFor(outputDir: string, rows: number, columns: number): RunContext {
  const settings = defaultSettings();
  settings.heat_map_settings.params.grid_num_v = rows;
  settings.heat_map_settings.params.grid_num_h = columns;
  return {
    settings,
    params: settings.heat_map_settings.params,
    outputDir,
    source: { name: 'heatmap', hasImages: false, frames: async function* () {} },
    diagnostics: new Diagnostics(),
    signal: new AbortController().signal,
    timing: { current: null },
  };
}

describe('griddata.npy', () => {
  it('is a NumPy v1.0 int32 array of shape (frames, rows, columns), byte for byte', async () => {
    const sink = await npySink(contextFor(dir, 2, 3));
    if (sink === null) throw new Error('npy sink declined');
    const grid = new Int32Array(6);
    for (let frame = 0; frame < 2; frame++) {
      for (let i = 0; i < 6; i++) grid[i] = frame * 100 + i - 2;
      await sink.write({ frame: { index: frame, detections: EMPTY_DETECTIONS }, grid, position: frame });
    }
    await sink.finish({} as RunSummary);

    const bytes = await readFile(join(dir, 'griddata.npy'));
    const dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2, 3), }";
    const headerText = dict + ' '.repeat(118 - 1 - dict.length) + '\n';
    const expected = Buffer.concat([
      Buffer.from([0x93]),
      Buffer.from('NUMPY', 'latin1'),
      Buffer.from([1, 0, 118, 0]),
      Buffer.from(headerText, 'latin1'),
      Buffer.from(new Int32Array([-2, -1, 0, 1, 2, 3, 98, 99, 100, 101, 102, 103]).buffer),
    ]);
    expect(bytes.equals(expected)).toBe(true);
    expect(await readdir(dir)).toEqual(['griddata.npy']);
  });

  it('leaves no file behind when aborted', async () => {
    const sink = await npySink(contextFor(dir, 1, 1));
    if (sink === null) throw new Error('npy sink declined');
    await sink.write({ frame: { index: 0, detections: EMPTY_DETECTIONS }, grid: new Int32Array([7]), position: 0 });
    await sink.abort();
    expect(await readdir(dir)).toEqual([]);
  });
});
