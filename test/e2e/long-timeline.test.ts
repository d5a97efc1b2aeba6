/**
 * The timeline on a long analysis in Chromium through `crowdheat serve` (issues 11 and 13): a
 * two-hour CSV at 1 frame a second. The keys scale with what the chart shows — ← → one frame,
 * Shift+← → and Page Up/Down steps in time units from the frames in view — on the slider and the
 * chart alike; the scrubber keeps a usable width at 1024×700 and 1400×900; a focused date picker's
 * ring leaves its time-zone and UTC lines visible; axe-core finds no serious violation.
 * Screenshots go to $CROWDHEAT_SCREENSHOTS when set (to look at, never committed).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeriodViewData } from '../../src-shared/api.js';
import { getColormap } from '../../src-shared/colormaps/index.js';
import { thumbnailSize } from '../../src-shared/periods/thumbnail.js';
import { defaultSettings } from '../../src-shared/settings/types.js';
import { paintThumbnail } from '../../src-renderer/logic/heat.js';
import { formatFigure, periodScale } from '../../src-renderer/logic/period.js';
import { writeSeedCsv, type Box } from '../video/fixtures.js';
import { seriousViolations } from './axe.js';
import { E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';

/** Two hours at 1 frame a second. */
const FRAMES = 7200;
const SCREENSHOTS = process.env.CROWDHEAT_SCREENSHOTS;
const PATIENT = { timeout: 60_000 };
const SIZES = [
  [1400, 900],
  [1024, 700],
] as const;

interface Box2 {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

describe.skipIf(E2E_SKIP_REASON !== null)('the timeline of a long analysis (Chromium through crowdheat serve)', () => {
  let app: OpenApp;
  let page: Page;
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-long-'));
    const boxes: Box[][] = Array.from({ length: FRAMES }, (_, i) => [[100 + (i % 1500), 200, 400 + (i % 1500), 900]]);
    await writeSeedCsv(join(cwd, 'meta.csv'), boxes);
    app = await openApp(cwd);
    page = app.page;
    await page.goto(app.serve.url.href);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  async function screenshot(name: string, width: number, height: number): Promise<void> {
    if (SCREENSHOTS === undefined) return;
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `long-${name}-${width}x${height}.png`) });
  }

  const frameNumber = () => page.getByTestId('frame-number').textContent();
  const press = async (key: string, expected: number): Promise<void> => {
    await page.keyboard.press(key);
    await expect.poll(frameNumber, PATIENT).toBe(`frame ${formatFigure(expected)} / ${formatFigure(FRAMES)}`);
  };

  it('analyses two hours at 1 frame a second', async () => {
    await page.getByLabel('metadata file').fill(join(cwd, 'meta.csv'));
    await page.locator('summary', { hasText: 'Advanced' }).first().click();
    await page.getByLabel('Metadata rate (frames/s)').fill('1');
    await page.getByLabel('Start time of frame 0').fill('2026-11-23T08:00:00Z');
    await page.getByLabel('Per-frame outputs').selectOption('never');
    await page.getByTestId('analyse').click();
    await page.getByTestId('frame-canvas').waitFor({ timeout: 120_000 });
    await expect.poll(frameNumber, PATIENT).toBe(`frame 1 / ${formatFigure(FRAMES)}`);
  }, 180_000);

  it('opens the analysis from Recent analyses asking for the frame on screen only: the key steps come from the chart series', async () => {
    await page.reload();
    const asked: unknown[] = [];
    const record = (request: { url(): string; postDataJSON(): unknown }): void => {
      if (request.url().endsWith('/api/getFrame')) asked.push(request.postDataJSON());
    };
    page.on('request', record);
    try {
      const recent = page.getByTestId('recent-analyses');
      await recent.getByRole('button').filter({ hasNotText: '×' }).first().click({ timeout: 60_000 });
      await expect.poll(frameNumber, PATIENT).toBe(`frame 1 / ${formatFigure(FRAMES)}`);
      await expect.poll(() => page.getByTestId('key-steps').textContent(), PATIENT).toBe('Shift+← → 1 min, Page Up/Down 10 min');
      await page.waitForTimeout(500);
      // Before: the first and the last frame were asked as well, only for their times, competing with the frame shown.
      expect(asked.map((body) => (body as { index: number }).index)).toEqual([0]);
    } finally {
      page.off('request', record);
    }
  });

  it('moves the slider one frame with the arrows, a minute with Shift, ten minutes a page, to the ends with Home and End', async () => {
    // 7200 frames in view: a hundredth is 72 s (→ 1 min), a tenth 720 s (→ 10 min).
    await expect.poll(() => page.getByTestId('key-steps').textContent(), PATIENT).toBe('Shift+← → 1 min, Page Up/Down 10 min');
    const slider = page.getByTestId('scrubber');
    await slider.focus();
    await press('PageUp', 601);
    await press('Shift+ArrowRight', 661);
    await press('ArrowRight', 662);
    await press('PageDown', 62);
    await press('Shift+ArrowLeft', 2);
    await press('Shift+ArrowLeft', 1);
    await press('End', FRAMES);
    await press('PageUp', FRAMES);
    await press('Home', 1);
    await press('PageUp', 601);
    await expect.poll(() => slider.getAttribute('aria-valuetext'), PATIENT).toBe(`frame 601 of ${formatFigure(FRAMES)}, 2026-11-23 08:10:00.000 UTC`);
  });

  it('moves the chart by the same steps, which shrink as the chart zooms in', async () => {
    const chart = page.getByTestId('people-chart');
    await chart.focus();
    await press('PageUp', 1201);
    // Zoomed in twice around frame 1201: 1800 frames in view, so 10 s and 1 min (a tenth is 180 s, the largest unit within it 1 min).
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(() => page.getByTestId('key-steps').textContent(), PATIENT).toBe('Shift+← → 10 s, Page Up/Down 1 min');
    await chart.focus();
    await press('PageUp', 1261);
    await press('Shift+ArrowLeft', 1251);
    await press('ArrowLeft', 1250);
    expect(await chart.getAttribute('aria-valuenow')).toBe('1250');
    await page.getByRole('button', { name: 'All frames' }).click();
    await expect.poll(() => page.getByTestId('key-steps').textContent(), PATIENT).toBe('Shift+← → 1 min, Page Up/Down 10 min');
  });

  it('lists the scaled steps on the shortcut sheet', async () => {
    await page.getByTestId('people-chart').focus();
    await page.keyboard.press('?');
    const sheet = page.getByTestId('shortcut-sheet');
    await sheet.waitFor();
    const text = await sheet.textContent();
    expect(text).toContain('Shift+← →');
    expect(text).toContain('about 1/10 of the frames in view');
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
  });

  it('keeps the scrubber at least 400 px wide at 1024×700 and at 1400×900', async () => {
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      await expect.poll(async () => (await page.getByTestId('scrubber').boundingBox())?.width ?? 0, PATIENT).toBeGreaterThanOrEqual(400);
      // The chart below it is wider still.
      expect((await page.getByTestId('people-chart').boundingBox())!.width).toBeGreaterThanOrEqual(560);
      await screenshot('timeline', width, height);
    }
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('a side panel widened in a wide window yields to the timeline in a narrow one', async () => {
    const splitter = page.getByTestId('splitter');
    await splitter.focus();
    await page.keyboard.press('End');
    await expect.poll(() => splitter.getAttribute('aria-valuenow')).toBe('640');
    await page.setViewportSize({ width: 1024, height: 700 });
    // 1024 − 620 px kept for the main area.
    await expect.poll(() => splitter.getAttribute('aria-valuenow')).toBe('404');
    expect((await page.getByTestId('scrubber').boundingBox())!.width).toBeGreaterThanOrEqual(400);
    await page.setViewportSize({ width: 1400, height: 900 });
    await expect.poll(() => splitter.getAttribute('aria-valuenow')).toBe('640');
    await splitter.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => splitter.getAttribute('aria-valuenow')).toBe('360');
  });

  /** The box a focus ring covers: the element's box grown by the outline's width and offset. */
  async function ringOf(input: Locator): Promise<Box2> {
    const box = (await input.boundingBox())!;
    const grow = await input.evaluate((element) => {
      const style = getComputedStyle(element);
      return style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
    });
    return { left: box.x - grow, top: box.y - grow, right: box.x + box.width + grow, bottom: box.y + box.height + grow };
  }

  async function boxOf(locator: Locator): Promise<Box2> {
    const box = (await locator.boundingBox())!;
    return { left: box.x, top: box.y, right: box.x + box.width, bottom: box.y + box.height };
  }

  const overlaps = (a: Box2, b: Box2): boolean => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

  it('draws a focused date picker’s ring clear of its time-zone and UTC lines, at both sizes', async () => {
    await page.getByRole('radio', { name: 'Custom range' }).check();
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      for (const end of ['from', 'to']) {
        const input = page.getByTestId(`range-${end}`);
        await input.waitFor(PATIENT);
        await input.focus();
        // Focused from the keyboard's point of view: the ring is drawn.
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Tab');
        await input.evaluate((element) => element.scrollIntoView({ block: 'center' }));
        expect(await input.evaluate((element) => getComputedStyle(element).outlineStyle)).toBe('solid');
        const ring = await ringOf(input);
        const label = input.locator('xpath=..');
        const lines = label.locator('small');
        expect(await lines.count()).toBe(2);
        for (let line = 0; line < 2; line++) {
          const text = await boxOf(lines.nth(line));
          expect(overlaps(ring, text), `${end} ring over line ${line} at ${width}×${height}`).toBe(false);
        }
        await screenshot(`range-${end}`, width, height);
      }
      expect(await seriousViolations(page)).toEqual([]);
    }
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('draws each hour’s thumbnail of a 250 × 100 grid with its one-cell last block column and row at their true size', async () => {
    await page.getByLabel('Columns (cells)').fill('250');
    await page.getByLabel('Rows (cells)').fill('100');
    await page.getByRole('radio', { name: 'By hour' }).check();
    const thumbs = page.getByTestId('bucket-thumb');
    await expect.poll(() => thumbs.count(), PATIENT).toBe(2);
    const runId = (await page.getByLabel('Timeline').getAttribute('data-run-id'))!;
    const params = { grid_num_h: 250, grid_num_v: 100 };
    const hourly = await app.serve.api<PeriodViewData>('periodView', { runId, period: 'hour', params });
    // Blocks of 3: 84 × 34 blocks, the last column and row one cell wide.
    expect(thumbnailSize(250, 100)).toEqual({ factor: 3, columns: 84, rows: 34 });
    expect(hourly).toMatchObject({ columns: 250, rows: 100, bucketColumns: 84, bucketRows: 34 });
    const output = defaultSettings().output_settings;
    const colours = { scale: periodScale(0, ...hourly.buckets.map((bucket) => bucket.grid)), table: getColormap(output.cmap), interpolation: output.interpolation };
    const canvas = thumbs.nth(0).locator('canvas');
    // 120 px wide, 48 high: the grid's own 5:2.
    expect([await canvas.getAttribute('width'), await canvas.getAttribute('height')]).toEqual(['120', '48']);
    const expected = Array.from(paintThumbnail(hourly.buckets[0].grid, 250, 100, 3, colours, 120, 48));
    await expect
      .poll(() => canvas.evaluate((element: HTMLCanvasElement) => Array.from(element.getContext('2d')!.getImageData(0, 0, 120, 48).data)), PATIENT)
      .toEqual(expected);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('paints a thumbnail when it comes near the strip’s visible part: 120 one-minute maps, a dozen painted, the last once scrolled to', async () => {
    await page.getByLabel('Period buckets').fill('1min');
    const thumbs = page.getByTestId('bucket-thumb');
    await expect.poll(() => thumbs.count(), PATIENT).toBe(120);
    const painted = () => page.locator('[data-testid=bucket-thumb] canvas[data-painted=true]').count();
    await expect.poll(painted, PATIENT).toBeGreaterThan(4);
    expect(await painted()).toBeLessThan(30);
    expect(await thumbs.nth(0).locator('canvas').getAttribute('data-painted')).toBe('true');
    const last = thumbs.nth(119).locator('canvas');
    expect(await last.getAttribute('data-painted')).toBeNull();
    await page.getByTestId('small-multiples').evaluate((strip) => strip.scrollTo({ left: strip.scrollWidth }));
    await expect.poll(() => last.getAttribute('data-painted'), PATIENT).toBe('true');
    const runId = (await page.getByLabel('Timeline').getAttribute('data-run-id'))!;
    const minutes = await app.serve.api<PeriodViewData>('periodView', { runId, period: '1min', params: { grid_num_h: 250, grid_num_v: 100 } });
    const output = defaultSettings().output_settings;
    const colours = { scale: periodScale(0, ...minutes.buckets.map((bucket) => bucket.grid)), table: getColormap(output.cmap), interpolation: output.interpolation };
    const shape = thumbnailSize(250, 100, 120);
    expect(minutes).toMatchObject({ bucketColumns: shape.columns, bucketRows: shape.rows });
    const expected = Array.from(paintThumbnail(minutes.buckets[119].grid, 250, 100, shape.factor, colours, 120, 48));
    expect(await last.evaluate((element: HTMLCanvasElement) => Array.from(element.getContext('2d')!.getImageData(0, 0, 120, 48).data))).toEqual(expected);
  });
});
