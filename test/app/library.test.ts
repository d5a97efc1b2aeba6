/**
 * The app's back end on analyses of the real seed CSV (600 frames): frames seek from the store
 * (every frame's grid equals the run's own griddata.npy), the chart's series equals a brute force
 * over the run's per-frame counts, re-counts equal a fresh run with the other settings, and the
 * library survives a new Backend on the same work folder (a restart), interrupted ones included.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiHandlers } from '../../src-shared/api.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/index.js';
import type { Backend } from '../../src-main/app/backend.js';
import { finishedIn, inProcessBackend } from './backend-fixture.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { StoreWriter } from '../../src-main/store/store.js';
import { RUN_RECORD_FILE } from '../../src-main/app/library.js';

const SAMPLE = '/work/shared/data/aitrios-sample.csv';
const FRAMES = 600;

let workRoot: string;
let cwd: string;
const events: ApiEvent[] = [];

function backend(): Backend {
  return inProcessBackend(cwd, workRoot, events);
}

function sampleSettings(): Settings {
  const settings = defaultSettings();
  settings.data_source_settings.local_data_settings.meta_file = SAMPLE;
  settings.data_source_settings.local_data_settings.video_file = '';
  return settings;
}

function finished(runId: string): Promise<ApiEvent> {
  return finishedIn(events, runId);
}

/** griddata.npy as one Int32Array of frames × cells (little-endian int32, C order). */
async function readGrids(path: string): Promise<{ shape: number[]; cells: Int32Array }> {
  const bytes = await readFile(path);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').filter((part) => part.trim() !== '').map(Number);
  const body = bytes.subarray(10 + headerLength);
  return { shape, cells: new Int32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)) };
}

/** People per frame as the run wrote them: detect/<frame>.json's number_of_detects. */
async function detectCounts(outputDir: string): Promise<number[]> {
  const names = (await readdir(join(outputDir, 'detect'))).sort();
  return Promise.all(names.map(async (name) => (JSON.parse(await readFile(join(outputDir, 'detect', name), 'utf8')) as { number_of_detects: number }).number_of_detects));
}

beforeAll(async () => {
  workRoot = await mkdtemp(join(tmpdir(), 'crowdheat-library-'));
  cwd = await mkdtemp(join(tmpdir(), 'crowdheat-library-cwd-'));
});

afterAll(async () => {
  await rm(workRoot, { recursive: true, force: true });
  await rm(cwd, { recursive: true, force: true });
});

describe('analyses from their stores, in a library that survives restarts', () => {
  let first: Backend;
  let api: ApiHandlers;
  let runId = '';

  beforeAll(async () => {
    first = backend();
    api = first.handlers;
    ({ runId } = await api.analyse({ settings: sampleSettings() }));
    expect(await finished(runId)).toEqual({ type: 'done', runId, frames: FRAMES });
  }, 120_000);

  afterAll(async () => {
    await first.dispose();
  });

  it('seeks every frame of the real CSV to the grid the run wrote for it, computed from the store', async () => {
    const outputDir = join(workRoot, 'runs', runId, 'output');
    const npy = await readGrids(join(outputDir, 'griddata.npy'));
    expect(npy.shape).toEqual([FRAMES, 108, 192]);
    const cells = 108 * 192;
    const counts = await detectCounts(outputDir);
    for (let index = 0; index < FRAMES; index++) {
      const frame = await api.getFrame({ runId, index });
      expect(frame.grid.length).toBe(cells);
      // Compared as one boolean per frame: 600 × 20,736 separate expects would drown a failure.
      const same = frame.grid.every((value, cell) => value === npy.cells[index * cells + cell]);
      expect({ index, same, count: frame.count }).toEqual({ index, same: true, count: counts[index] });
    }
  }, 120_000);

  it('an analysis without per-frame outputs offers for export only what it wrote', async () => {
    const settings = sampleSettings();
    settings.output_settings.per_frame_outputs = 'never';
    const { runId: lean } = await api.analyse({ settings });
    expect(await finished(lean)).toEqual({ type: 'done', runId: lean, frames: FRAMES });
    expect((await api.getRunInfo({ runId: lean })).exportable).toEqual(['png', 'periods', 'summary', 'zones-csv', 'parquet']);
    // The later tests count the library's analyses: this one leaves it as it found it.
    await api.deleteAnalysis({ runId: lean });
  }, 120_000);

  it('sends the chart min and max people per column, equal to a brute force over the per-frame counts', async () => {
    const counts = await detectCounts(join(workRoot, 'runs', runId, 'output'));
    const info = await api.getRunInfo({ runId });
    expect(info).toMatchObject({ state: 'done', frameCount: FRAMES, hasImages: false, sourceName: 'aitrios-sample' });
    expect(info).not.toHaveProperty('counts');
    expect(info.exportable).toEqual(['video', 'detect-json', 'png', 'npy', 'periods', 'summary', 'zones-csv', 'parquet']);
    for (const [from, to, columns] of [[0, FRAMES, 1000], [0, FRAMES, 7], [13, 590, 50], [299, 300, 3]] as const) {
      const series = await api.timelineSeries({ runId, fromFrame: from, toFrame: to, columns });
      expect(series.columns).toHaveLength(Math.min(columns, to - from));
      expect(series.columns[0].fromFrame).toBe(from);
      expect(series.columns.at(-1)?.toFrame).toBe(to);
      let max = 0;
      series.columns.forEach((column, c) => {
        if (c > 0) expect(column.fromFrame).toBe(series.columns[c - 1].toFrame);
        const slice = counts.slice(column.fromFrame, column.toFrame);
        expect({ min: column.min, max: column.max, startMs: column.startMs, t: column.t }).toEqual({ min: Math.min(...slice), max: Math.max(...slice), startMs: null, t: '' });
        max = Math.max(max, ...slice);
      });
      expect(series.max).toBe(max);
    }
    await expect(api.timelineSeries({ runId, fromFrame: 0, toFrame: FRAMES + 1, columns: 10 })).rejects.toThrow(
      'timelineSeries: frames 0 to 601 are not a range of 0 to 600',
    );
    await expect(api.timelineSeries({ runId, fromFrame: 0, toFrame: FRAMES, columns: 0 })).rejects.toThrow('columns 0 is not a whole number from 1 to 8192');
  });

  it('re-counts a moment with other grid settings exactly as a fresh run with them', async () => {
    const params = { grid_num_h: 32, grid_num_v: 18, last_valid_frame: 5, bbox2pix: true, number_of_add_grid: 1 };
    const settings = sampleSettings();
    Object.assign(settings.heat_map_settings.params, params);
    settings.output_settings.output_dir = join(cwd, 'fresh');
    await runPipeline(settings, { cwd });
    const npy = await readGrids(join(cwd, 'fresh', 'griddata.npy'));
    const cells = 32 * 18;
    for (const index of [0, 4, 5, 123, 599]) {
      const frame = await api.getFrame({ runId, index, params });
      expect(frame.grid).toEqual(Array.from(npy.cells.subarray(index * cells, (index + 1) * cells)));
    }
    await expect(api.getFrame({ runId, index: 3, params: { grid_num_h: 0 } })).rejects.toThrow('getFrame: params.grid_num_h');
  }, 60_000);

  it('lists the analysis, and a new back end on the same folder (a restart) opens it from disk', async () => {
    const listed = (await api.listAnalyses({})).analyses;
    expect(listed).toEqual([
      expect.objectContaining({ runId, sourceName: 'aitrios-sample', frames: FRAMES, fromMs: null, toMs: null, state: 'done', complete: true }),
    ]);
    const restarted = backend();
    try {
      expect((await restarted.handlers.listAnalyses({})).analyses).toEqual(listed);
      await expect(restarted.handlers.getFrame({ runId, index: 5 })).rejects.toThrow(`no analysis "${runId}" is open (open it from the recent analyses)`);
      const info = await restarted.handlers.openAnalysis({ runId });
      expect(info).toEqual(await api.getRunInfo({ runId }));
      expect(await restarted.handlers.getFrame({ runId, index: 5 })).toEqual(await api.getFrame({ runId, index: 5 }));
    } finally {
      await restarted.dispose();
    }
    // Disposing a back end keeps the library.
    expect((await readdir(join(workRoot, 'runs'))).includes(runId)).toBe(true);
  });

  it('keeps zones saved with an analysis after it ran, and a restarted back end opens it with them', async () => {
    expect((await api.getRunInfo({ runId })).zones).toEqual([]);
    const drawn = [
      { name: 'door', points: [[0, 0], [400, 0], [400, 300], [0, 300]] as Array<[number, number]> },
      { name: 'ell', points: [[600, 200], [1300, 200], [1300, 900], [1000, 900], [1000, 500], [600, 500]] as Array<[number, number]> },
    ];
    // Two saves in a row: the last one is what stays.
    await Promise.all([api.saveAnalysisZones({ runId, zones: [drawn[0]] }), api.saveAnalysisZones({ runId, zones: drawn })]);
    expect((await api.getRunInfo({ runId })).zones).toEqual(drawn);
    const record = JSON.parse(await readFile(join(workRoot, 'runs', runId, RUN_RECORD_FILE), 'utf8')) as Record<string, unknown>;
    expect(record.zones).toEqual(drawn);
    expect(record.state).toBe('done');
    await expect(api.saveAnalysisZones({ runId, zones: [{ name: 'flat', points: [[0, 0], [10, 10]] }] })).rejects.toThrow(
      'saveAnalysisZones: zones[0] "flat": needs at least 3 points, got 2',
    );
    const restarted = backend();
    try {
      expect((await restarted.handlers.openAnalysis({ runId })).zones).toEqual(drawn);
      await restarted.handlers.saveAnalysisZones({ runId, zones: [] });
      expect((await restarted.handlers.openAnalysis({ runId })).zones).toEqual([]);
    } finally {
      await restarted.dispose();
    }
    await api.saveAnalysisZones({ runId, zones: [] });
  });

  it('shows an interrupted analysis as interrupted, never opens it, and deletes it', async () => {
    const record = JSON.parse(await readFile(join(workRoot, 'runs', runId, RUN_RECORD_FILE), 'utf8')) as Record<string, unknown>;
    // A run cut short: its record still says running, and its folder has no store.
    const cut = 'run-00000000cafe';
    await mkdir(join(workRoot, 'runs', cut, 'output'), { recursive: true });
    await writeFile(join(workRoot, 'runs', cut, RUN_RECORD_FILE), JSON.stringify({ ...record, runId: cut, state: 'running', createdMs: 1 }));
    // A store in place but never marked complete (e.g. copied from a run's temporary file).
    const unmarked = 'run-00000000beef';
    await mkdir(join(workRoot, 'runs', unmarked, 'output'), { recursive: true });
    await mkdir(join(workRoot, 'runs', unmarked, 'preview'), { recursive: true });
    await copyFile(join(workRoot, 'runs', runId, 'preview', 'index.json'), join(workRoot, 'runs', unmarked, 'preview', 'index.json'));
    await writeFile(join(workRoot, 'runs', unmarked, RUN_RECORD_FILE), JSON.stringify({ ...record, runId: unmarked, createdMs: 2 }));
    const writer = await StoreWriter.create(join(cwd, 'unmarked.duckdb'));
    await writer.abort().catch(() => undefined);
    const half = await StoreWriter.create(join(workRoot, 'runs', unmarked, 'output', 'crowdheat.duckdb'));
    // The writer's temporary file, never finished, renamed into the store's place.
    const temporaries = (await readdir(join(workRoot, 'runs', unmarked, 'output'))).filter((name) => name.includes('crowdheat.duckdb'));
    await half.abort().catch(() => undefined);
    expect(temporaries.length).toBeGreaterThan(0);

    const fresh = backend();
    try {
      const analyses = (await fresh.handlers.listAnalyses({})).analyses;
      expect(analyses.map((entry) => [entry.runId, entry.state, entry.complete])).toEqual([
        [runId, 'done', true],
        [unmarked, 'interrupted', false],
        [cut, 'interrupted', false],
      ]);
      await expect(fresh.handlers.openAnalysis({ runId: cut })).rejects.toThrow(
        'openAnalysis: the analysis of "aitrios-sample" was interrupted before it finished; delete it and analyse again',
      );
      await fresh.handlers.deleteAnalysis({ runId: cut });
      expect((await fresh.handlers.listAnalyses({})).analyses.map((entry) => entry.runId)).toEqual([runId, unmarked]);
      await expect(fresh.handlers.deleteAnalysis({ runId: '../x' })).rejects.toThrow('deleteAnalysis: "../x" is not an analysis id');
    } finally {
      await fresh.dispose();
    }
  });

  it('lists a folder whose run.json is damaged as interrupted under its id, refuses to open it with a message, and deletes it', async () => {
    const record = JSON.parse(await readFile(join(workRoot, 'runs', runId, RUN_RECORD_FILE), 'utf8')) as Record<string, unknown>;
    const settings = record.settings as Settings;
    const damaged: Array<[string, string]> = [
      ['run-0000000000d1', '{"runId":'],
      ['run-0000000000d2', JSON.stringify({ ...record, runId: 'run-0000000000d2', settings: 'zzz' })],
      ['run-0000000000d3', JSON.stringify({ ...record, runId: 'run-0000000000d3', settings: { ...settings, heat_map_settings: null } })],
      ['run-0000000000d4', JSON.stringify({ ...record, runId: 'run-0000000000d4', frames: 'many', sourceName: null })],
      [
        'run-0000000000d5',
        JSON.stringify({ ...record, runId: 'run-0000000000d5', video: { width: 1, height: 1, fps: 1, frames: 1, durationS: 1, bytes: 1, file: '../../../etc/passwd' } }),
      ],
    ];
    for (const [id, text] of damaged) {
      await mkdir(join(workRoot, 'runs', id, 'output'), { recursive: true });
      for (const name of ['crowdheat.duckdb']) await copyFile(join(workRoot, 'runs', runId, 'output', name), join(workRoot, 'runs', id, 'output', name));
      await mkdir(join(workRoot, 'runs', id, 'preview'), { recursive: true });
      await copyFile(join(workRoot, 'runs', runId, 'preview', 'index.json'), join(workRoot, 'runs', id, 'preview', 'index.json'));
      await writeFile(join(workRoot, 'runs', id, RUN_RECORD_FILE), text);
    }
    const fresh = backend();
    try {
      const analyses = (await fresh.handlers.listAnalyses({})).analyses;
      for (const [id] of damaged) {
        expect(analyses.find((entry) => entry.runId === id)).toMatchObject({
          sourceName: `${id} (its run.json is unreadable)`,
          state: 'interrupted',
          complete: false,
          frames: 0,
          fromMs: null,
          toMs: null,
        });
        await expect(fresh.handlers.openAnalysis({ runId: id })).rejects.toThrow(`openAnalysis: no analysis ${id} in the library (it may have been deleted)`);
        await fresh.handlers.deleteAnalysis({ runId: id });
      }
      expect((await fresh.handlers.listAnalyses({})).analyses.map((entry) => entry.runId)).toEqual([runId, 'run-00000000beef']);
    } finally {
      await fresh.dispose();
    }
  });
});
