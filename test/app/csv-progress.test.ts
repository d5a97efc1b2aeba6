/**
 * An analysis of a seed CSV through the web host reports its progress as a share of a known
 * total (issue 13 item 7: %, rate and ETA on every analysis), not as a bare frame count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../src-shared/api.js';
import { defaultSettings } from '../../src-shared/settings/types.js';
import { progressFacts } from '../../src-renderer/logic/progress.js';
import { startTestHost, type TestHost } from './web-host-fixture.js';
import { afterFirstPass } from '../progress-reports.js';

let app: TestHost;

beforeAll(async () => {
  app = await startTestHost(600);
});

afterAll(() => app.close());

describe('progress of a CSV analysis in the app', () => {
  it('carries the CSV’s frame count, a rising fraction, and ends at 100 %', async () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = 'sample.csv';
    const { runId } = await app.client.call('analyse', { settings });
    expect(await app.finished(runId)).toEqual({ type: 'done', runId, frames: 600 });
    const events = app.events.filter((event): event is Extract<ApiEvent, { type: 'progress' }> => event.type === 'progress' && event.runId === runId);
    const progress = afterFirstPass(events);
    expect(progress.length).toBeGreaterThan(0);
    for (const event of progress) expect(event.expectedFrames).toBe(600);
    const fractions = progress.map((event) => event.frames / 600);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
    const last = progress[progress.length - 1];
    expect(last).toMatchObject({ frames: 600, expectedFrames: 600 });
    // What the progress bar shows of it.
    const facts = progressFacts(last.frames, last.expectedFrames, last.rate);
    expect([facts.percent, facts.frames]).toEqual([100, '600 / 600 frames']);
  });
});
