/**
 * Issue 13 item 6, the coordinate space, in Chromium through `crowdheat serve`: a CSV whose boxes
 * are in 640×480 space analysed with image_size 1920×1080 shows what was seen and what is set
 * beside the result, and one click sets 640×480: the image size is a counting setting, so the
 * frame on screen is re-counted from the analysis's store at once, with no new analysis and no
 * out-of-date notice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSeedCsv, type Box } from '../video/fixtures.js';
import { seriousViolations } from './axe.js';
import { E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';

const FRAMES = 15;

describe.skipIf(E2E_SKIP_REASON !== null)('the coordinate-space notice', () => {
  let app: OpenApp;
  let cwd: string;
  let meta: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-space-'));
    // People walking across a 640×480 frame: boxes reach x = 30 + 14 × 40 + 40 = 630, y = 470.
    const boxes: Box[][] = Array.from({ length: FRAMES }, (_, i) => [
      [30 + i * 40, 200, 70 + i * 40, 470],
      [300, 40, 360, 180],
    ]);
    meta = join(cwd, 'vga.csv');
    await writeSeedCsv(meta, boxes);
    app = await openApp(cwd);
    await app.page.goto(app.serve.url.href);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  it('says what was seen and what is set, and one click sets 640×480', async () => {
    const { page } = app;
    await page.getByLabel('Metadata file').fill(meta);
    await expect.poll(() => page.getByTestId('note-meta_file').textContent(), { timeout: 10_000 }).toBe('seed CSV');
    expect(await page.getByLabel('Image width (px)').inputValue()).toBe('1920');
    await page.getByTestId('analyse').click();
    const notice = page.getByTestId('coordinate-space');
    await notice.waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('coordinate-seen').textContent()).toBe(`all ${2 * FRAMES} detections stay within x ≤ 630, y ≤ 470`);
    expect(await page.getByTestId('coordinate-set').textContent()).toBe('image_size 1920×1080 (16:9)');
    // The button's help says what it does: a re-count at once, not a new analysis.
    expect(await page.locator('#coordinate-fix-help').textContent()).toBe(
      'sets image_size_h × image_size_v; the view is re-counted from the analysis at once, no need to Analyse again',
    );
    expect(await page.getByTestId('out-of-date').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    // The run's warning says the same in the message list, until the fitting size is used.
    const messages = page.getByRole('list', { name: 'Messages' });
    await expect.poll(() => messages.textContent()).toContain('(640×480 would fit)');

    const pixels = (): Promise<string> => page.getByTestId('frame-canvas').evaluate((canvas) => (canvas as HTMLCanvasElement).toDataURL());
    const before = await pixels();
    const use = page.getByRole('button', { name: 'Use 640×480' });
    await use.focus();
    await page.keyboard.press('Enter');
    expect(await page.getByLabel('Image width (px)').inputValue()).toBe('640');
    expect(await page.getByLabel('Image height (px)').inputValue()).toBe('480');
    await expect.poll(() => notice.count()).toBe(0);
    // Settled: the warning that said to set this size is gone from the messages too.
    await expect.poll(() => messages.textContent()).not.toContain('would fit');
    // Re-counted from the store: the heat on screen is the 640×480 reading, with no new analysis.
    await expect.poll(pixels, { timeout: 20_000 }).not.toBe(before);
    expect(await page.getByTestId('out-of-date').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    // Analysed again in the fitting space: nothing left to say.
    await page.getByTestId('analyse').click();
    await page.getByTestId('frame-number').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('out-of-date').count()).toBe(0);
    expect(await notice.count()).toBe(0);
  }, 240_000);
});
