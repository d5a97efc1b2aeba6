/**
 * Hostile: an analysis deleted right after it was opened, while its views are in flight and its
 * store still loads its blocks and warms (OpenedRun.open, StoreReader.loadDetectionBlocks, warm),
 * through the web host. Every view answers what it answers on an identical analysis, or fails in
 * one line saying the analysis is gone; nothing hangs, no rejection goes unhandled, and the
 * analysis's folder is removed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeriodViewRequest } from '../../src-shared/api.js';
import { startTestHost, timedSampleSettings, type TestHost } from './web-host-fixture.js';

let app: TestHost;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  app = await startTestHost(200);
});

afterAll(async () => {
  await app.close();
  process.off('unhandledRejection', onUnhandled);
});

describe('an analysis deleted while its store opens', () => {
  it('views in flight answer as on an identical analysis or fail in one line; the folder goes; nothing unhandled', async () => {
    const settings = timedSampleSettings({ fps: 0.5, start: '2026-11-23T09:00:00+09:00', grid: [16, 9] });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { runId } = await app.client.call('analyse', { settings });
      expect(await app.finished(runId)).toEqual({ type: 'done', runId, frames: 200 });
      ids.push(runId);
    }
    const [reference, ...victims] = ids;
    const asks = (runId: string): Array<Promise<unknown>> => {
      const periods: PeriodViewRequest[] = [{ runId, period: '1min' }, { runId, period: 'none', params: { grid_num_h: 5, grid_num_v: 3 } }];
      return [
        ...periods.map((request) => app.client.call('periodView', request)),
        ...[0, 99, 199].map((index) => app.client.call('getFrame', { runId, index, params: { grid_num_h: 16, grid_num_v: 9 } })),
        app.client.call('zoneView', { runId, zones: [{ name: 'left', points: [[0, 0], [960, 0], [960, 1080], [0, 1080]] }], period: '1min' }),
      ];
    };
    const expected = await Promise.all(asks(reference));
    const strip = (answer: unknown, runId: string): string => JSON.stringify(answer).replaceAll(runId, 'RUN');
    for (const [k, runId] of victims.entries()) {
      // The first view opens the store; the delete comes after 0, 1 or 2 turns of the event loop.
      const views = asks(runId).map((answer) => answer.then((value) => ({ value }), (error: unknown) => ({ error })));
      for (let turn = 0; turn < k; turn++) await new Promise((next) => setImmediate(next));
      const deleting = app.client.call('deleteAnalysis', { runId });
      // Asked just after the delete: answered before it, or refused as an analysis that is gone.
      const late = asks(runId).map((answer) => answer.then((value) => ({ value }), (error: unknown) => ({ error })));
      await deleting;
      const outcomes = [...(await Promise.all(views)), ...(await Promise.all(late))];
      outcomes.forEach((outcome, i) => {
        if ('value' in outcome) expect(strip(outcome.value, runId)).toBe(strip(expected[i % expected.length], reference));
        else {
          const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
          expect(message).not.toMatch(/\n|disconnected|internal error|Catalog Error|Binder Error/i);
        }
      });
      expect(existsSync(join(app.host.workRoot, 'runs', runId))).toBe(false);
    }
    expect(unhandled).toEqual([]);
  }, 240_000);
});
