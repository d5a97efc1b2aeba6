/**
 * Hostile: many views of one opened analysis asked at once through the web host (period views
 * with thumbnails taken bucket by bucket, re-counts, seeks, zone views) share the opened run's
 * scratch memory; each answer must equal the same request answered alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeriodViewRequest } from '../../src-shared/api.js';
import { startTestHost, timedSampleSettings, type TestHost } from './web-host-fixture.js';

let app: TestHost;

beforeAll(async () => {
  app = await startTestHost(300);
});

afterAll(() => app.close());

describe('views of one analysis asked at once', () => {
  it('period views, seeks and zone views in flight together each answer what they answer alone', async () => {
    // 300 frames 20 s apart from 01:40 Berlin time on the day clocks go forward: buckets on both sides of the jump.
    const settings = timedSampleSettings({ fps: 0.05, start: '2026-03-29T01:40:00+01:00', grid: [250, 7], timezone: 'Europe/Berlin' });
    const { runId } = await app.client.call('analyse', { settings });
    expect(await app.finished(runId)).toEqual({ type: 'done', runId, frames: 300 });

    const start = Date.parse('2026-03-29T01:40:00+01:00');
    const periods: PeriodViewRequest[] = [
      { runId, period: '1min' },
      { runId, period: 'hour' },
      { runId, period: '7min', params: { grid_num_h: 5, grid_num_v: 3, bbox2pix: true } },
      { runId, period: '1min', fromMs: start + 30 * 60_000 + 10_000, toMs: start + 70 * 60_000 - 1 },
      { runId, period: '1min', params: { number_of_add_grid: 0, class_ids: [99] } },
      { runId, period: 'day', timezone: 'Asia/Kolkata', params: { grid_num_h: 1, grid_num_v: 1 } },
      { runId, period: '30min', timezone: 'America/New_York', params: { grid_num_h: 361, grid_num_v: 3 } },
    ];
    const frames = [0, 5, 77, 150, 299];
    const ask = (): Promise<unknown[]> =>
      Promise.all([
        ...periods.map((request) => app.client.call('periodView', request)),
        ...frames.map((index) => app.client.call('getFrame', { runId, index, params: { grid_num_h: 16, grid_num_v: 9 } })),
        app.client.call('zoneView', { runId, zones: [{ name: 'left', points: [[0, 0], [960, 0], [960, 1080], [0, 1080]] }], period: '10min' }),
      ]);
    const together = await ask();
    const alone: unknown[] = [];
    for (const request of periods) alone.push(await app.client.call('periodView', request));
    for (const index of frames) alone.push(await app.client.call('getFrame', { runId, index, params: { grid_num_h: 16, grid_num_v: 9 } }));
    alone.push(await app.client.call('zoneView', { runId, zones: [{ name: 'left', points: [[0, 0], [960, 0], [960, 1080], [0, 1080]] }], period: '10min' }));
    expect(together).toEqual(alone);
    // And a second burst, now that the store is warm, answers the same again.
    expect(await ask()).toEqual(alone);
  }, 180_000);
});
