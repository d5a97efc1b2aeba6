/**
 * The window as a person uses it (issue 13 items 3, 5–8), in Debian's Chromium through
 * `crowdheat serve`: axe-core finds no serious or critical WCAG A/AA violation on any screen;
 * typed paths are inspected as typed; display settings repaint at once at the same frame;
 * source changes mark the view out of date; dialogs keep and return focus; the slider and
 * the chart speak and move by keyboard; settings and recent files survive a reload.
 * Screenshots go to $CROWDHEAT_SCREENSHOTS when set (to look at, never committed).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSeedCsv, type Box } from '../video/fixtures.js';
import { seriousViolations } from './axe.js';
import { canvasPixel, E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';

const FRAMES = 20;
const SCREENSHOTS = process.env.CROWDHEAT_SCREENSHOTS;

describe.skipIf(E2E_SKIP_REASON !== null)('the window for a person (Chromium through crowdheat serve)', () => {
  let app: OpenApp;
  let page: Page;
  let cwd: string;
  let meta: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-ux-'));
    const boxes: Box[][] = Array.from({ length: FRAMES }, (_, i) => [
      [100 + 30 * i, 200, 400 + 30 * i, 900],
      [1200, 300, 1500, 1000],
    ]);
    meta = join(cwd, 'meta.csv');
    await writeSeedCsv(meta, boxes);
    await writeFile(join(cwd, 'notes.txt'), 'these are notes, not a video\nsecond line\n');
    app = await openApp(cwd);
    page = app.page;
    await page.goto(app.serve.url.href);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  async function screenshots(name: string): Promise<void> {
    if (SCREENSHOTS === undefined) return;
    await mkdir(SCREENSHOTS, { recursive: true });
    for (const [width, height] of [
      [1400, 900],
      [1024, 700],
    ]) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}x${height}.png`) });
    }
    await page.setViewportSize({ width: 1400, height: 900 });
  }

  it('has no serious accessibility violation on the first screen, and plain labels with help and YAML keys', async () => {
    await page.getByTestId('open-demo').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const spread = page.locator('.setting[data-key="heat_map_settings.number_of_add_grid"]');
    expect(await spread.locator('label').textContent()).toBe('Spread (cells)');
    expect(await spread.locator('.help').textContent()).toBe(
      'Extra cells counted around each person; 0 counts only the cells they touch. number_of_add_grid',
    );
    await screenshots('first-screen');
  });

  it('has no serious accessibility violation in Console mode', async () => {
    await page.getByRole('radio', { name: 'AITRIOS Console' }).click();
    await page.getByRole('region', { name: 'Console' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots('console');
    await page.getByRole('radio', { name: 'Local files' }).click();
  });

  it('refuses a text file typed as the video as it is typed, tied to the field', async () => {
    const video = page.getByLabel('Video (optional)');
    await video.fill(join(cwd, 'notes.txt'));
    const note = page.getByTestId('note-video_file');
    await expect
      .poll(() => note.textContent(), { timeout: 10_000 })
      .toMatch(/not a video|not a video, metadata or settings file/);
    const describedBy = (await video.getAttribute('aria-describedby')) ?? '';
    expect(describedBy.split(' ')).toContain(await note.getAttribute('id'));
    expect(await video.getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Metadata file').fill(meta);
    await expect.poll(() => page.getByTestId('note-meta_file').textContent(), { timeout: 10_000 }).toBe('seed CSV');
    expect(await page.getByTestId('analyse').isDisabled()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots('path-refused');
    await video.fill('');
    await expect.poll(() => page.getByTestId('analyse').isEnabled()).toBe(true);
  });

  it('opens the shortcut sheet on ?, keeps focus in it, and gives focus back on Escape', async () => {
    const trigger = page.getByRole('button', { name: 'Keyboard shortcuts' });
    await trigger.focus();
    await page.keyboard.press('?');
    const sheet = page.getByTestId('shortcut-sheet');
    await sheet.waitFor();
    expect(await page.evaluate(() => document.activeElement?.closest('[role="dialog"]') !== null)).toBe(true);
    for (let press = 0; press < 3; press++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('[role="dialog"]') !== null)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots('shortcuts');
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
    expect(await trigger.evaluate((element) => element === document.activeElement)).toBe(true);
  });

  it('analyses, then the slider and the chart speak and move by keyboard', async () => {
    await page.getByTestId('analyse').click();
    await page.getByTestId('frame-number').filter({ hasText: `frame 1 / ${FRAMES}` }).waitFor({ timeout: 120_000 });
    const slider = page.getByTestId('scrubber');
    expect(await slider.getAttribute('aria-valuetext')).toBe(`frame 1 of ${FRAMES}`);
    const chart = page.getByTestId('people-chart');
    await chart.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe(`frame ${FRAMES - 1} / ${FRAMES}`);
    expect(await slider.getAttribute('aria-valuetext')).toBe(`frame ${FRAMES - 1} of ${FRAMES}`);
    expect(await chart.getAttribute('aria-valuenow')).toBe(String(FRAMES - 1));
    // The focus ring is drawn (not the page's default none).
    expect(await chart.evaluate((element) => getComputedStyle(element).outlineStyle)).toBe('solid');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots('timeline');
  });


  it('opens the shortcut sheet on ? from the slider and a checkbox, as the timeline hint says, but not from a text field', async () => {
    const sheet = page.getByTestId('shortcut-sheet');
    for (const control of [page.getByTestId('scrubber'), page.getByLabel('Count a point, not the box')]) {
      await control.focus();
      await page.keyboard.press('?');
      await sheet.waitFor({ timeout: 5_000 });
      await page.keyboard.press('Escape');
      await sheet.waitFor({ state: 'detached' });
    }
    await page.getByLabel('Metadata file').focus();
    await page.keyboard.press('?');
    await page.waitForTimeout(300);
    expect(await sheet.count()).toBe(0);
    await page.keyboard.press('Backspace');
  });

  it('repaints at once when a display setting changes, at the same frame', async () => {
    const canvas = page.getByTestId('frame-canvas');
    const picture = page.getByLabel('picture');
    if ((await picture.count()) > 0) await picture.uncheck();
    // The cell under the box of the last frames: hot in every frame.
    const at = { x: 200, y: 100 };
    const before = await canvasPixel(canvas, at);
    await page.getByLabel('Colour map').fill('viridis');
    await expect.poll(() => canvasPixel(canvas, at)).not.toEqual(before);
    expect(await page.getByTestId('frame-number').textContent()).toBe(`frame ${FRAMES - 1} / ${FRAMES}`);
    expect(await page.getByTestId('out-of-date').count()).toBe(0);
  });

  it('says the view is out of date when a source setting changes (grid settings re-count without it)', async () => {
    await page.getByLabel('Metadata rate (frames/s)').fill('5');
    await expect
      .poll(() => page.getByTestId('out-of-date').textContent())
      .toBe('Out of date — Analyse to read the source again (changed: metadata_fps)');
    await page.getByLabel('Metadata rate (frames/s)').fill('0');
    await expect.poll(() => page.getByTestId('out-of-date').count()).toBe(0);
  });

  it('keeps focus in the Export dialog and returns it to Export… on Escape', async () => {
    const exportButton = page.getByTestId('export');
    await exportButton.focus();
    await exportButton.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Export' });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.closest('[role="dialog"]') !== null)).toBe(true);
    for (let press = 0; press < 12; press++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('[role="dialog"]') !== null)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots('export');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await exportButton.evaluate((element) => element === document.activeElement)).toBe(true);
  });

  it('remembers the settings, the panel width and the recent files across a reload', async () => {
    const splitter = page.getByTestId('splitter');
    await splitter.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await splitter.getAttribute('aria-valuenow')).toBe('392');
    await expect.poll(() => page.evaluate(() => localStorage.getItem('crowdheat.remembered.v1')?.includes('"sidebarWidth":392'))).toBe(true);
    await page.reload();
    await page.getByTestId('open-demo').waitFor();
    expect(await page.getByLabel('Metadata file').inputValue()).toBe(meta);
    expect(await page.getByLabel('Colour map').inputValue()).toBe('viridis');
    expect(await page.getByTestId('splitter').getAttribute('aria-valuenow')).toBe('392');
    expect(await page.locator('aside').evaluate((element) => element.getBoundingClientRect().width)).toBe(392);
    const recent = page.getByRole('list', { name: 'Recent files' });
    expect(await recent.getByRole('button').allTextContents()).toEqual(['meta.csv metadata']);
    await page.getByLabel('Metadata file').fill('');
    await recent.getByRole('button', { name: /meta\.csv/ }).click();
    expect(await page.getByLabel('Metadata file').inputValue()).toBe(meta);
  });
});
