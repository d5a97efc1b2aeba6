/**
 * The app's period views through the web host (`crowdheat serve`): a finished analysis answers
 * whole-period, hourly and re-counted views from its store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src-shared/settings/types.js';
import { startTestHost, timedSampleSettings, type TestHost } from './web-host-fixture.js';

let app: TestHost;

beforeAll(async () => {
  app = await startTestHost();
});

afterAll(() => app.close());

describe('periodView through the web host', () => {
  it('answers the whole period, hourly buckets and a re-count from the analysis store', async () => {
    const settings = timedSampleSettings({ fps: 1, start: '2026-11-23T08:59:00+09:00', grid: [48, 27], timezone: 'Asia/Tokyo' });
    const { runId } = await app.client.call('analyse', { settings });
    expect(await app.finished(runId)).toEqual({ type: 'done', runId, frames: 120 });
    // The library lists it with the zone its times are shown in.
    expect((await app.client.call('listAnalyses', {})).analyses.find((entry) => entry.runId === runId)).toMatchObject({ timezone: 'Asia/Tokyo' });

    const whole = await app.client.call('periodView', { runId });
    expect(whole).toMatchObject({ unit: 'person-seconds', columns: 48, rows: 27, frames: 120, buckets: [] });
    expect(whole.whole).toHaveLength(48 * 27);

    const hourly = await app.client.call('periodView', { runId, period: 'hour' });
    expect(hourly.buckets.map((bucket) => [bucket.start, bucket.frames])).toEqual([
      ['2026-11-23T08:00:00+09:00', 60],
      ['2026-11-23T09:00:00+09:00', 60],
    ]);
    expect(hourly.whole).toEqual(whole.whole);
    // The window keeps an answer by buckets as the same range's answer without them (usePeriodView): they agree in every field.
    expect({ ...hourly, buckets: [] }).toEqual(whole);
    const nineOn = { fromMs: Date.UTC(2026, 10, 23, 0), params: { grid_num_h: 8, grid_num_v: 6 } };
    const hourlyRange = await app.client.call('periodView', { runId, period: '1min', ...nineOn });
    expect(hourlyRange.buckets.length).toBe(1);
    expect({ ...hourlyRange, buckets: [] }).toEqual(await app.client.call('periodView', { runId, period: 'none', ...nineOn }));
    // At 48 columns a bucket's thumbnail is its whole grid.
    expect(hourly).toMatchObject({ bucketColumns: 48, bucketRows: 27 });
    expect(hourly.buckets[0].grid.map((value, cell) => value + hourly.buckets[1].grid[cell])).toEqual(whole.whole);
    expect(hourly.buckets[0].detections + hourly.buckets[1].detections).toBe(whole.detections);

    const range = await app.client.call('periodView', { runId, fromMs: Date.UTC(2026, 10, 23, 0), params: { grid_num_h: 8, grid_num_v: 6, bbox2pix: true } });
    expect(range).toMatchObject({ columns: 8, rows: 6, frames: 60, detections: hourly.buckets[1].detections });
    // Point mode with n = 1 from the defaults: every detection adds 1 s to at least its own cell.
    expect(range.whole.reduce((sum, value) => sum + value, 0)).toBeGreaterThanOrEqual(range.detections);

    // getFrame gives each frame's time from the time base (the CSV has no T): frame 60 is 1 min after 08:59 Tokyo time.
    const sixty = await app.client.call('getFrame', { runId, index: 60 });
    expect([sixty.timestamp, sixty.timeMs]).toEqual(['', Date.UTC(2026, 10, 23, 0, 0)]);
    expect(whole.span).toEqual({ fromMs: Date.UTC(2026, 10, 22, 23, 59), toMs: Date.UTC(2026, 10, 23, 0, 1) });

    await expect(app.client.call('periodView', { runId, period: 'weekly' })).rejects.toThrow(
      'periodView: period must be none, hour, day or <N>min with N from 1 to 1440, got "weekly"',
    );
    await expect(app.client.call('periodView', { runId, params: { grid_num_h: 0 } })).rejects.toThrow(
      'periodView: params.grid_num_h must be an integer from 1 to 4194304, got 0',
    );
    // A reversed range is refused, not answered with an empty grid; NaN arrives as null through JSON.
    await expect(app.client.call('periodView', { runId, fromMs: 5, toMs: 1 })).rejects.toThrow('periodView: toMs (1) must be after fromMs (5)');
    await expect(app.client.call('zoneView', { runId, fromMs: 5, toMs: 5 })).rejects.toThrow('zoneView: toMs (5) must be after fromMs (5)');
    await expect(app.client.call('periodView', { runId, fromMs: Number.NaN })).rejects.toThrow('periodView: fromMs must be a number of ms since the epoch');
  }, 120_000);
});

describe('bucket thumbnails within a budget', () => {
  it('many buckets of a fine grid come with larger blocks, so the answer stays bounded (1.5 M thumbnail cells)', async () => {
    // 120 frames 100 s apart, the last 3 h 18 min 20 s after the first: 199 one-minute buckets.
    const settings = timedSampleSettings({ fps: 0.01, start: '2026-11-23T09:00:00Z' });
    const { runId } = await app.client.call('analyse', { settings });
    expect(await app.finished(runId)).toMatchObject({ type: 'done', frames: 120 });
    const view = await app.client.call('periodView', { runId, period: '1min', params: { grid_num_h: 1920, grid_num_v: 1080 } });
    expect(view.buckets.length).toBe(199);
    // Blocks of 16 (what 1920 columns need) would give 199 × 120 × 68 = 1.62 M cells: 17 gives 113 × 64, 1.44 M.
    expect(view).toMatchObject({ columns: 1920, rows: 1080, bucketColumns: 113, bucketRows: 64 });
    for (const bucket of view.buckets) expect(bucket.grid).toHaveLength(113 * 64);
    // A thumbnail cell holds the highest cell of its block: the highest of all is the whole grid's (which has every frame).
    const highest = (values: number[]): number => values.reduce((a, b) => Math.max(a, b), 0);
    const peak = highest(view.buckets.map((bucket) => highest(bucket.grid)));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(highest(view.whole));
  }, 120_000);
});

describe('getFrame re-counts from the store', () => {
  it('a frame re-counted with other grid settings equals the same frame of a fresh analysis with them', async () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = 'sample.csv';
    const first = await app.client.call('analyse', { settings });
    expect(await app.finished(first.runId)).toMatchObject({ type: 'done' });
    const other = { grid_num_h: 16, grid_num_v: 9, last_valid_frame: 5, bbox2pix: true, min_score: 0.5 };
    const fresh = await app.client.call('analyse', {
      settings: { ...settings, heat_map_settings: { ...settings.heat_map_settings, params: { ...settings.heat_map_settings.params, ...other } } },
    });
    expect(await app.finished(fresh.runId)).toMatchObject({ type: 'done' });

    for (const index of [0, 37, 119]) {
      const recounted = await app.client.call('getFrame', { runId: first.runId, index, params: other });
      const expected = await app.client.call('getFrame', { runId: fresh.runId, index });
      expect(recounted.grid).toHaveLength(16 * 9);
      expect(recounted.grid).toEqual(expected.grid);
      expect(recounted.count).toBe(expected.count);
    }
    const unchanged = await app.client.call('getFrame', { runId: first.runId, index: 37 });
    expect(unchanged.grid).toHaveLength(192 * 108);
    await expect(app.client.call('getFrame', { runId: first.runId, index: 0, params: { grid_num_v: -1 } })).rejects.toThrow(
      'getFrame: params.grid_num_v must be an integer from 1 to 4194304, got -1',
    );
  }, 120_000);
});
