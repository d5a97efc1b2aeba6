/**
 * What an analysis shows leaves with it, and one period has one end, in Chromium through
 * `crowdheat serve` (issue 13 item 7: "stale ones clear"): a run's warnings go when its analysis
 * is deleted or another is opened, and "Recent analyses" ends a period where the whole period's
 * caption does — when its last frame ends.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './axe.js';
import { E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';

/** 12 frames at 2 a second from 09:00:00 UTC: the last starts at 09:00:05.5 and ends at 09:00:06. */
const FRAMES = 12;
const PATIENT = { timeout: 60_000 };

describe.skipIf(E2E_SKIP_REASON !== null)('an analysis leaving the screen takes its messages; its period ends where its last frame does', () => {
  let app: OpenApp;
  let page: Page;
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-leaves-'));
    const rows = Array.from({ length: FRAMES }, (_, i) => `${i + 1},-1,100,300,40,100,1,-1,-1,-1`);
    await writeFile(join(cwd, 'clean.txt'), `${rows.join('\n')}\n`);
    // Line 9 does not read: the run skips it with a warning naming it.
    await writeFile(join(cwd, 'bad.txt'), `${[...rows.slice(0, 8), '9,-1,x,300,40,100,1,-1,-1,-1', ...rows.slice(8)].join('\n')}\n`);
    app = await openApp(cwd);
    page = app.page;
    await page.goto(app.serve.url.href);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  const warnings = () => page.locator('.messages li.warning span').allTextContents();
  const shownRunId = () => page.getByLabel('Timeline').getAttribute('data-run-id');

  async function analyse(file: string): Promise<string> {
    const before = (await page.getByLabel('Timeline').count()) > 0 ? await shownRunId() : null;
    await page.getByLabel('metadata file').fill(join(cwd, file));
    await page.getByTestId('analyse').click();
    await expect.poll(async () => (await page.getByLabel('Timeline').count()) > 0 && (await shownRunId()) !== before, PATIENT).toBe(true);
    await expect.poll(() => page.getByTestId('frame-number').textContent(), PATIENT).toBe(`frame 1 / ${FRAMES}`);
    return (await shownRunId())!;
  }

  it('shows one end for the period in Recent analyses and the whole period, and a deleted analysis takes its warning', async () => {
    await page.locator('summary', { hasText: 'Advanced' }).first().click();
    await page.getByLabel('Metadata rate (frames/s)').fill('2');
    await page.getByLabel('Start time of frame 0').fill('2026-11-23T09:00:00Z');
    await page.getByLabel('Time zone of the buckets').fill('UTC');
    const runId = await analyse('bad.txt');
    await expect.poll(warnings, PATIENT).toEqual(expect.arrayContaining([expect.stringContaining('bad.txt:9')]));

    const entry = page.getByTestId('recent-analyses').locator(`li[data-run-id="${runId}"] .analysis-facts`);
    await expect.poll(() => entry.textContent(), PATIENT).toBe(`${FRAMES} frames, 2026-11-23 09:00:00 to 09:00:06 UTC`);
    await page.getByRole('radio', { name: 'Whole period' }).check();
    await expect.poll(() => page.getByTestId('period-caption').textContent(), PATIENT).toBe('whole period, 2026-11-23 09:00:00 to 2026-11-23 09:00:06 (UTC)');

    await page.getByRole('button', { name: /^Delete the analysis of bad/ }).click();
    await page.getByTestId('confirm-delete').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => page.getByTestId('frame-canvas').count(), PATIENT).toBe(0);
    await expect.poll(warnings).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
  }, 180_000);

  it('an analysis opened from the list takes the warnings of the one it replaces off the screen', async () => {
    const clean = await analyse('clean.txt');
    await analyse('bad.txt');
    await expect.poll(warnings, PATIENT).toEqual(expect.arrayContaining([expect.stringContaining('bad.txt:9')]));
    await page.getByTestId('recent-analyses').locator(`li[data-run-id="${clean}"] button.recent-file`).click();
    await expect.poll(shownRunId, PATIENT).toBe(clean);
    await expect.poll(warnings).toEqual([]);
  }, 180_000);

  it('an analysis without start_time shows time since frame 0 in the timeline, the whole period, the buckets and Recent analyses, never 1970', async () => {
    await page.getByLabel('Start time of frame 0').fill('');
    const runId = await analyse('clean.txt');
    await page.getByRole('radio', { name: 'This moment' }).check();
    await page.getByTestId('scrubber').fill(String(FRAMES - 1));
    await expect.poll(() => page.getByTestId('frame-time').textContent(), PATIENT).toBe('0:00:05.500 since frame 0');
    expect(await page.getByTestId('scrubber').getAttribute('aria-valuetext')).toBe(`frame ${FRAMES} of ${FRAMES}, 0:00:05.500 since frame 0`);
    expect(await page.getByTestId('frame-local-time').count()).toBe(0);
    const entry = page.getByTestId('recent-analyses').locator(`li[data-run-id="${runId}"] .analysis-facts`);
    await expect.poll(() => entry.textContent(), PATIENT).toBe(`${FRAMES} frames, 0:00:00 to 0:00:06 since frame 0`);
    await page.getByRole('radio', { name: 'Whole period' }).check();
    await expect.poll(() => page.getByTestId('period-caption').textContent(), PATIENT).toBe('whole period, 0:00:00 to 0:00:06 (since frame 0)');
    await expect.poll(() => page.getByTestId('busiest-moment').textContent(), PATIENT).toContain('0:00:00 since frame 0');
    await page.getByRole('radio', { name: 'By hour' }).check();
    await expect.poll(() => page.getByTestId('bucket-thumb').count(), PATIENT).toBe(1);
    await page.getByRole('radio', { name: 'Custom range' }).check();
    expect(await page.getByTestId('range-to').inputValue()).toBe('0:00:06');
    // A zone's figures say the range they cover the same way.
    const canvas = page.getByTestId('zone-canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (box === null) throw new Error('no zone canvas');
    for (const [fx, fy] of [[0.02, 0.02], [0.5, 0.02], [0.5, 0.9], [0.02, 0.9]]) await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="zone-figures"] caption').textContent(), PATIENT).toBe('0:00:00 to 0:00:06 since frame 0');
    expect(await page.locator('main').textContent()).not.toContain('1970');
    expect(await page.locator('aside').textContent()).not.toContain('1970');
    expect(await seriousViolations(page)).toEqual([]);
  }, 180_000);

  it('with a start_time, a zone’s figures name their range on the period bar’s clock, as its caption does', async () => {
    // The zone drawn in the test before stays in the settings and is counted by this analysis too.
    await page.getByLabel('Start time of frame 0').fill('2026-11-23T09:00:00Z');
    await page.getByLabel('Time zone of the buckets').fill('Asia/Tokyo');
    await analyse('clean.txt');
    await page.getByRole('radio', { name: 'Whole period' }).check();
    await expect.poll(() => page.getByTestId('period-caption').textContent(), PATIENT).toBe('whole period, 2026-11-23 18:00:00 to 2026-11-23 18:00:06 (Asia/Tokyo)');
    // Before: the ISO strings with their offsets, `2026-11-23 18:00:00+09:00 to 2026-11-23 18:00:06+09:00`.
    await expect.poll(() => page.locator('[data-testid="zone-figures"] caption').textContent(), PATIENT).toBe('2026-11-23 18:00:00 to 2026-11-23 18:00:06 (Asia/Tokyo)');
    expect(await seriousViolations(page)).toEqual([]);
  }, 180_000);

  it('a colormap changed while looking at an analysis comes back with it when it is opened again; another keeps its own', async () => {
    const shown = (await shownRunId())!;
    const { analyses } = await app.serve.api<{ analyses: Array<{ runId: string; state: string }> }>('listAnalyses', {});
    const other = analyses.find((entry) => entry.runId !== shown && entry.state === 'done')!.runId;
    const colourMap = page.getByLabel('Colour map', { exact: true });
    const before = await colourMap.inputValue();
    expect(before).not.toBe('turbo');
    await colourMap.fill('turbo');
    await expect.poll(async () => (await app.serve.api<{ display?: { cmap: string } }>('getRunInfo', { runId: shown })).display?.cmap, PATIENT).toBe('turbo');
    await page.getByTestId('recent-analyses').locator(`li[data-run-id="${other}"] button.recent-file`).click();
    await expect.poll(shownRunId, PATIENT).toBe(other);
    await expect.poll(() => colourMap.inputValue()).toBe(before);
    await page.getByTestId('recent-analyses').locator(`li[data-run-id="${shown}"] button.recent-file`).click();
    await expect.poll(shownRunId, PATIENT).toBe(shown);
    await expect.poll(() => colourMap.inputValue()).toBe('turbo');
  }, 120_000);
});
