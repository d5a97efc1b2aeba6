/**
 * The period bar in Chromium through `crowdheat serve` (issue 11 item 5): the real AITRIOS CSV
 * analysed with a time base (1 frame a second from 08:55 Tokyo time), then seen as the whole
 * period, by hour and as a custom range — every figure on screen equal to what `periodView`
 * answers for the same request — the busiest moment seeking the timeline, the busiest place
 * outlined, and a grid change repainting both views without a new analysis. axe-core finds no
 * serious or critical violation on the new screens.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeriodViewData, PeriodViewRequest } from '../../src-shared/api.js';
import { blockMax } from '../../src-shared/periods/thumbnail.js';
import { formatFigure, personTimeText } from '../../src-renderer/logic/period.js';
import { gridMax } from '../../src-renderer/logic/legend.js';
import { ROOT } from '../serve-process.js';
import { seriousViolations } from './axe.js';
import { E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';

const CSV = join(ROOT, '../shared/data/aitrios-sample.csv');
const ZONE = 'Asia/Tokyo';
const FRAMES = 600;
/** Screenshots go here when set (to look at, never committed). */
const SCREENSHOTS = process.env.CROWDHEAT_SCREENSHOTS;
/** How long the page may take to show a view: the store's sums compete with six other engineers' work for 2 cores. */
const PATIENT = { timeout: 60_000 };

describe.skipIf(E2E_SKIP_REASON !== null || !existsSync(CSV))('the period bar (Chromium through crowdheat serve)', () => {
  let app: OpenApp;
  let page: Page;
  let cwd: string;
  let runId: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-period-'));
    app = await openApp(cwd);
    page = app.page;
    await page.goto(app.serve.url.href);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  async function screenshot(name: string): Promise<void> {
    if (SCREENSHOTS === undefined) return;
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `period-${name}.png`), fullPage: true });
  }

  const view = (request: Omit<PeriodViewRequest, 'runId'>): Promise<PeriodViewData> =>
    app.serve.api<PeriodViewData>('periodView', { runId, timezone: ZONE, ...request });
  const text = (testId: string) => page.getByTestId('period-view').getByTestId(testId).textContent();

  /** The period view on screen shows exactly `expected`'s figures. */
  async function expectFigures(expected: PeriodViewData): Promise<void> {
    await expect.poll(() => text('period-frames'), PATIENT).toBe(`${formatFigure(expected.frames)} frames`);
    await expect.poll(() => text('period-detections'), PATIENT).toBe(`${formatFigure(expected.detections)} detections`);
    await expect.poll(() => text('period-highest'), PATIENT).toBe(`highest cell ${formatFigure(gridMax(expected.whole))} ${expected.unit}`);
    expect(await text('busiest-moment-count')).toBe(`${expected.busiestMoment!.count} people`);
    // Every time shown names its clock (the buckets' time zone).
    if (expected.busiestMoment!.time !== null) expect(await page.getByTestId('busiest-moment').textContent()).toContain(ZONE);
    if (expected.buckets.length === 0) expect(await page.getByTestId('period-summary').textContent()).toContain(`(${ZONE})`);
    expect(await text('busiest-place-value')).toBe(`${formatFigure(expected.busiestPlace!.value)} ${expected.unit}`);
    // The busiest place's person-seconds also in the person-minutes or -hours a reader takes in at a glance.
    const placeTime = personTimeText(expected.busiestPlace!.value, expected.unit);
    if (placeTime === null) expect(await page.getByTestId('busiest-place-time').count()).toBe(0);
    else expect(await text('busiest-place-time')).toBe(`${placeTime} · `);
    await expect.poll(() => page.getByTestId('period-canvas').getAttribute('data-grid'), PATIENT).toBe(`${expected.columns}x${expected.rows}`);
  }

  it('analyses the CSV with a time base and shows its whole period as the store counts it', async () => {
    await page.getByLabel('metadata file').fill(CSV);
    await page.locator('summary', { hasText: 'Advanced' }).first().click();
    await page.getByLabel('Metadata rate (frames/s)').fill('1');
    await page.getByLabel('Start time of frame 0').fill('2026-11-23T08:55:00+09:00');
    await page.getByLabel('Time zone of the buckets').fill(ZONE);
    await page.getByTestId('analyse').click();
    await page.getByTestId('frame-canvas').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByTestId('frame-number').textContent(), PATIENT).toBe(`frame 1 / ${FRAMES}`);
    runId = (await page.getByLabel('Timeline').getAttribute('data-run-id'))!;

    await page.getByRole('radio', { name: 'Whole period' }).check();
    const whole = await view({ period: 'none' });
    expect(whole).toMatchObject({ unit: 'person-seconds', frames: FRAMES, columns: 192, rows: 108 });
    await expectFigures(whole);
    await screenshot('whole');
    await expect.poll(() => page.getByTestId('legend-unit').filter({ visible: true }).textContent(), PATIENT).toBe('person-seconds');
    expect(await page.getByTestId('period-explanation').textContent()).toMatch(/^person-seconds: each cell adds up the seconds people spent in it/);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByTestId('busiest-place').click();
    const highlight = page.getByTestId('cell-highlight');
    await highlight.waitFor();
    const place = whole.busiestPlace!;
    expect(await highlight.getAttribute('style')).toContain(`left: ${(place.h / 192) * 100}%`);
  }, 240_000);

  it('shows the hours as a strip of maps whose totals are the store\'s, and opens one by keyboard', async () => {
    await page.getByRole('radio', { name: 'By hour' }).check();
    const hourly = await view({ period: 'hour' });
    expect(hourly.buckets.map((bucket) => [bucket.start, bucket.frames])).toEqual([
      ['2026-11-23T08:00:00+09:00', 300],
      ['2026-11-23T09:00:00+09:00', 300],
    ]);
    const thumbs = page.getByTestId('bucket-thumb');
    await expect.poll(() => thumbs.count(), PATIENT).toBe(2);
    expect(await page.locator('#strip-caption').textContent()).toContain(`its local start (${ZONE})`);
    expect(await page.getByTestId('bucket-total').allTextContents()).toEqual(
      hourly.buckets.map((bucket) => `${formatFigure(bucket.personSeconds)} person-seconds in all`),
    );
    // A thumbnail's name is what it shows: its local start and total.
    expect(await page.getByRole('button', { name: `09:00 ${formatFigure(hourly.buckets[1].personSeconds)} person-seconds in all` }).count()).toBe(1);
    await expectFigures(hourly);

    await thumbs.nth(1).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => thumbs.nth(1).getAttribute('aria-pressed'), PATIENT).toBe('true');
    const nine = hourly.buckets[1];
    const bucket = await view({ period: 'none', fromMs: nine.startMs, toMs: nine.endMs });
    // The strip's thumbnail of 192×108 cells is 96×54, each the highest of 2×2 cells of the bucket's own grid.
    expect(hourly).toMatchObject({ bucketColumns: 96, bucketRows: 54 });
    expect(nine.grid).toEqual(blockMax(bucket.whole, 192, 108, 2).grid);
    expect(Math.max(...nine.grid)).toBe(Math.max(...bucket.whole));
    await expectFigures(bucket);
    const captionOf = (from: string, to: string): string => `2026-11-23 ${from}:00 to 2026-11-23 ${to}:00 (${ZONE})`;
    expect(await page.getByTestId('period-summary').textContent()).toContain(captionOf('09:00', '10:00'));
    // Opening the other hour: while it is counted, the caption stays with the figures on screen.
    const eight = hourly.buckets[0];
    expect(eight.detections).not.toBe(nine.detections);
    await thumbs.nth(0).click();
    const seen: string[] = [];
    await expect
      .poll(async () => {
        const summary = (await page.getByTestId('period-summary').textContent()) ?? '';
        seen.push(summary);
        return summary.includes(captionOf('08:00', '09:00'));
      }, PATIENT)
      .toBe(true);
    for (const summary of seen) {
      const detections = summary.includes(captionOf('08:00', '09:00')) ? eight.detections : summary.includes(captionOf('09:00', '10:00')) ? nine.detections : null;
      expect(detections, summary).not.toBeNull();
      expect(summary).toContain(`${formatFigure(detections ?? 0)} detections`);
    }
    await thumbs.nth(1).click();
    await expectFigures(bucket);
    await screenshot('by-hour');
    expect(await seriousViolations(page)).toEqual([]);
  }, 120_000);

  it('counts a custom range picked on the local clock', async () => {
    await page.getByRole('radio', { name: 'Custom range' }).check();
    // The pickers start at the analysis's span, in Tokyo time.
    // (Chromium leaves out seconds that are 0.)
    await expect.poll(() => page.getByTestId('range-from').inputValue(), PATIENT).toBe('2026-11-23T08:55');
    expect(await page.getByTestId('range-to').inputValue()).toBe('2026-11-23T09:05');
    await page.getByTestId('range-from').fill('2026-11-23T09:02:00');
    await page.getByTestId('range-to').fill('2026-11-23T09:04:30');
    const range = await view({ period: 'none', fromMs: Date.UTC(2026, 10, 23, 0, 2), toMs: Date.UTC(2026, 10, 23, 0, 4, 30) });
    expect(range.frames).toBe(150);
    await expectFigures(range);
    await screenshot('custom');
    expect(await page.getByText('2026-11-23 00:02:00 UTC').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByTestId('range-to').fill('2026-11-23T09:01:00');
    await expect.poll(() => page.getByRole('alert').textContent(), PATIENT).toBe('to (2026-11-23 09:01:00) must be after from (2026-11-23 09:02:00)');
    expect(await page.getByTestId('range-to').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('range-to').fill('2026-11-23T09:04:30');
  }, 120_000);

  it('the busiest moment card seeks the timeline to its frame in the This-moment view', async () => {
    // The whole period was seen in the first test: it shows again at once, without asking the back end.
    const asked: string[] = [];
    const onRequest = (request: Request): void => {
      if (request.url().endsWith('/api/periodView')) asked.push(request.postData() ?? '');
    };
    page.on('request', onRequest);
    await page.getByRole('radio', { name: 'Whole period' }).check();
    expect(await page.getByTestId('period-view').getByRole('status').textContent()).toBe('grid 192 × 108');
    const whole = await view({ period: 'none' });
    const moment = whole.busiestMoment!;
    await expectFigures(whole);
    // Longer than the quarter second a view waits before asking: still nothing asked.
    await page.waitForTimeout(1_000);
    page.off('request', onRequest);
    expect(asked).toEqual([]);
    await page.getByTestId('busiest-moment').click();
    await expect.poll(() => page.getByRole('radio', { name: 'This moment' }).isChecked(), PATIENT).toBe(true);
    await expect.poll(() => page.getByTestId('frame-number').textContent(), PATIENT).toBe(`frame ${moment.frame + 1} / ${FRAMES}`);
    await expect.poll(() => page.getByTestId('people-count').textContent(), PATIENT).toBe(`people: ${moment.count}`);
    // The timeline names the moment as the card did, on the period bar's clock, beside its UTC time.
    expect(moment.time).toMatch(/^2026-11-23T\d\d:\d\d:\d\d\+09:00$/);
    await expect.poll(() => page.getByTestId('frame-local-time').textContent(), PATIENT).toBe(`${moment.time!.slice(0, 19).replace('T', ' ')} ${ZONE}`);
    expect(await page.getByTestId('frame-time').textContent()).toMatch(/^2026-11-23 \d\d:\d\d:\d\d\.000 UTC$/);
    expect(await page.getByTestId('period-view').count()).toBe(0);
  }, 60_000);

  it('a grid change repaints this moment and the whole period with the new grid, without a new analysis', async () => {
    await page.getByLabel('Columns (cells)').fill('96');
    await page.getByLabel('Rows (cells)').fill('54');
    const canvas = page.getByTestId('frame-canvas');
    await expect.poll(() => canvas.getAttribute('data-grid'), PATIENT).toBe('96x54');
    expect(await page.getByTestId('out-of-date').count()).toBe(0);
    const frame = await app.serve.api<{ grid: number[] }>('getFrame', { runId, index: 0, params: { grid_num_h: 96, grid_num_v: 54 } });
    expect(frame.grid).toHaveLength(96 * 54);

    await page.getByRole('radio', { name: 'Whole period' }).check();
    const recounted = await view({ period: 'none', params: { grid_num_h: 96, grid_num_v: 54 } });
    expect(recounted).toMatchObject({ columns: 96, rows: 54, frames: FRAMES });
    await expectFigures(recounted);
    // Still the same analysis: no new one was started.
    expect(await page.getByLabel('Timeline').getAttribute('data-run-id')).toBe(runId);
    expect(await seriousViolations(page)).toEqual([]);
  }, 120_000);
});
