/**
 * One end for one period: the library's list, the whole period's span and the report all end an
 * analysis when its last frame ends (frameSpanMs), also for a record written before the end was
 * kept in run.json.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../src-shared/api.js';
import { defaultSettings } from '../../src-shared/settings/index.js';
import type { Backend } from '../../src-main/app/backend.js';
import { finishedIn, inProcessBackend } from './backend-fixture.js';
import { RUN_RECORD_FILE } from '../../src-main/app/library.js';

const START_MS = Date.UTC(2026, 10, 23, 9, 0, 0);
/** 12 frames at 2 a second: the last starts 5.5 s in and ends 6 s in. */
const FRAMES = 12;
const END_MS = START_MS + 6000;

let dir: string;
const events: ApiEvent[] = [];

function backend(): Backend {
  return inProcessBackend(dir, join(dir, 'work'), events);
}

function finished(runId: string): Promise<ApiEvent> {
  return finishedIn(events, runId);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-period-end-'));
  const lines: string[] = [];
  for (let frame = 1; frame <= FRAMES; frame++) lines.push(`${frame},-1,100,300,40,100,1`);
  await writeFile(join(dir, 'det.txt'), `${lines.join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the end of an analysis period', () => {
  it('is when the last frame ends in the library list and the whole period, before and after a restart with an older run.json', async () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = join(dir, 'det.txt');
    settings.data_source_settings.local_data_settings.video_file = '';
    settings.data_source_settings.local_data_settings.metadata_fps = 2;
    settings.data_source_settings.local_data_settings.start_time = '2026-11-23T09:00:00Z';
    Object.assign(settings.heat_map_settings.params, { image_size_h: 800, image_size_v: 480, grid_num_h: 8, grid_num_v: 6 });
    settings.output_settings.timezone = 'UTC';
    const first = backend();
    const { runId } = await first.handlers.analyse({ settings });
    try {
      expect(await finished(runId)).toEqual({ type: 'done', runId, frames: FRAMES });
      const [entry] = (await first.handlers.listAnalyses({})).analyses;
      expect([entry.fromMs, entry.toMs, entry.timeClock]).toEqual([START_MS, END_MS, 'wall']);
      expect((await first.handlers.getRunInfo({ runId })).timeClock).toBe('wall');
      const whole = await first.handlers.periodView({ runId, period: 'none', timezone: 'UTC' });
      expect(whole.span).toEqual({ fromMs: START_MS, toMs: END_MS });
    } finally {
      await first.dispose();
    }
    // A record written before the end was kept says only the last frame's time: the end comes from the store.
    const recordPath = join(dir, 'work', 'runs', runId, RUN_RECORD_FILE);
    const record = JSON.parse(await readFile(recordPath, 'utf8')) as Record<string, unknown>;
    expect([record.toMs, record.endMs]).toEqual([START_MS + 5500, END_MS]);
    delete record.endMs;
    delete record.timeBase;
    await writeFile(recordPath, JSON.stringify(record));
    const restarted = backend();
    try {
      const [entry] = (await restarted.handlers.listAnalyses({})).analyses;
      expect([entry.fromMs, entry.toMs, entry.timeClock]).toEqual([START_MS, END_MS, 'wall']);
    } finally {
      await restarted.dispose();
    }
  }, 60_000);

  it('of an analysis without start_time is time since frame 0: the run says so, and the report writes 0:00:00 to 0:00:06, no date', async () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = join(dir, 'det.txt');
    settings.data_source_settings.local_data_settings.video_file = '';
    settings.data_source_settings.local_data_settings.metadata_fps = 2;
    Object.assign(settings.heat_map_settings.params, { image_size_h: 800, image_size_v: 480, grid_num_h: 8, grid_num_v: 6 });
    settings.output_settings.timezone = 'Asia/Tokyo';
    // Bucket maps too: their captions are times since frame 0 as well.
    settings.output_settings.period = '1min';
    const api = backend();
    try {
      const { runId } = await api.handlers.analyse({ settings });
      expect(await finished(runId)).toEqual({ type: 'done', runId, frames: FRAMES });
      expect((await api.handlers.getRunInfo({ runId })).timeClock).toBe('elapsed');
      const entry = (await api.handlers.listAnalyses({})).analyses.find((listed) => listed.runId === runId);
      expect([entry?.fromMs, entry?.toMs, entry?.timeClock]).toEqual([0, 6000, 'elapsed']);
      const folder = join(dir, 'report');
      const { path } = await api.handlers.writeReport({ runId, folder, zones: [] });
      const html = await readFile(path, 'utf8');
      expect(html).toContain('From 0:00:00 to 0:00:06 (times since frame 0: no start_time, so no date; time base: local_data_settings.metadata_fps (2 frames a second)).');
      expect(html).toContain('busiest moment: 0:00:00');
      expect(html).toContain('<figcaption>0:00:00</figcaption>');
      expect(html).not.toContain('1970');
    } finally {
      await api.dispose();
    }
  }, 60_000);
});
