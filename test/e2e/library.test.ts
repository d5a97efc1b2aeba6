/**
 * The library of analyses in Chromium through `crowdheat serve`: an analysis stays in the
 * "Recent analyses" list after a reload of the page and after a restart of the host (its data
 * folder is kept), and opens from it — by mouse and by keyboard — with its timeline, chart and frame.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisEntry, FrameData } from '../../src-shared/api.js';
import { ROOT } from '../serve-process.js';
import { seriousViolations } from './axe.js';
import { E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';

const CSV = join(ROOT, '../shared/data/aitrios-sample.csv');
const FRAMES = 120;

describe.skipIf(E2E_SKIP_REASON !== null || !existsSync(CSV))('recent analyses survive a reload and a restart', () => {
  let cwd: string;
  let app: OpenApp | undefined;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-library-'));
    const rows = (await readFile(CSV, 'utf8')).split('\n').slice(0, FRAMES + 1).join('\n');
    await writeFile(join(cwd, 'sample.csv'), `${rows}\n`);
  });

  afterAll(async () => {
    await app?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  /** The timeline shows frame `index` of the run with the count the back end has for it. */
  async function showsFrame(page: Page, opened: OpenApp, index: number): Promise<void> {
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe(`frame ${index + 1} / ${FRAMES}`);
    const runId = await page.getByLabel('Timeline').getAttribute('data-run-id');
    const frame = await opened.serve.api<FrameData>('getFrame', { runId, index });
    await expect.poll(() => page.getByTestId('people-count').textContent()).toBe(`people: ${frame.count}`);
    // The chart is drawn from the series: a closed band, not empty.
    await expect.poll(() => page.getByTestId('people-chart-path').getAttribute('d')).toMatch(/^M.* Z$/);
  }

  it('analyses, then lists and reopens the analysis after a reload and after the host restarts', async () => {
    app = await openApp(cwd);
    let page = app.page;
    await page.goto(app.serve.url.href);
    await page.getByLabel('metadata file').fill(join(cwd, 'sample.csv'));
    await page.getByTestId('analyse').click();
    await page.getByTestId('frame-canvas').waitFor({ timeout: 120_000 });
    await showsFrame(page, app, 0);
    const runId = await page.getByLabel('Timeline').getAttribute('data-run-id');
    const recent = page.getByTestId('recent-analyses');
    await expect.poll(() => recent.locator(`li[data-run-id="${runId}"]`).count()).toBe(1);

    // A reload forgets the window's state; the library does not.
    await page.reload();
    await expect.poll(() => page.getByTestId('frame-canvas').count()).toBe(0);
    const seriesAsked: Array<{ columns: number }> = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/timelineSeries')) seriesAsked.push(JSON.parse(request.postData() ?? '{}') as { columns: number });
    });
    await recent.getByRole('button', { name: /^sample / }).click();
    await page.getByTestId('frame-canvas').waitFor({ timeout: 30_000 });
    await showsFrame(page, app, 0);
    // Opening asks for the chart's series once, at the chart's measured width (not a default first, then the width).
    const chartWidth = Math.round((await page.getByTestId('people-chart').boundingBox())?.width ?? 0);
    expect(seriesAsked).toEqual([expect.objectContaining({ columns: chartWidth })]);
    expect(await page.getByLabel('Timeline').getAttribute('data-run-id')).toBe(runId);

    // A zone drawn after the analysis is saved with it (run.json), once the drawing stops.
    const canvas = page.getByTestId('zone-canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (box === null) throw new Error('no zone canvas');
    for (const [fx, fy] of [[0.02, 0.3], [0.5, 0.3], [0.5, 0.98], [0.02, 0.98]]) await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
    await page.keyboard.press('Enter');
    await page.getByTestId('zone-name').fill('door');
    const savedZones = async () => (await app!.serve.api<{ zones?: Array<{ name: string }> }>('getRunInfo', { runId })).zones?.map((zone) => zone.name);
    await expect.poll(savedZones, { timeout: 10_000 }).toEqual(['door']);

    // A restart of the host on the same data folder: the analysis opens from disk, by keyboard.
    await app.close();
    app = await openApp(cwd);
    page = app.page;
    await page.goto(app.serve.url.href);
    const { analyses } = await app.serve.api<{ analyses: AnalysisEntry[] }>('listAnalyses', {});
    expect(analyses.map((entry) => [entry.runId, entry.sourceName, entry.frames, entry.state])).toEqual([[runId, 'sample', FRAMES, 'done']]);
    const open = page.getByTestId('recent-analyses').getByRole('button', { name: /^sample / });
    await open.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('frame-canvas').waitFor({ timeout: 30_000 });
    await showsFrame(page, app, 0);
    // A new browser remembers no settings: opening puts the analysis's own in the form, so it is not "out of date".
    expect(await page.getByLabel('metadata file').inputValue()).toBe(join(cwd, 'sample.csv'));
    expect(await page.getByTestId('out-of-date').count()).toBe(0);
    // The zone drawn before the restart is back on screen, with its figures.
    await expect.poll(() => page.locator('[data-testid="zone-canvas"] polygon').count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid="zone-figures"] tr[data-zone="door"]').count(), { timeout: 30_000 }).toBe(1);
    await page.getByTestId('scrubber').fill('57');
    await showsFrame(page, app, 57);
    expect(await seriousViolations(page)).toEqual([]);

    // × asks first: Escape (and Keep) keep the analysis; Delete removes it.
    const library = page.getByTestId('recent-analyses');
    await page.getByRole('button', { name: /^Delete the analysis of sample/ }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Keep');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => library.getByTestId('confirm-delete').count()).toBe(0);
    expect(await page.getByTestId('frame-canvas').count()).toBe(1);
    expect((await app!.serve.api<{ analyses: AnalysisEntry[] }>('listAnalyses', {})).analyses.length).toBe(1);
    await page.getByRole('button', { name: /^Delete the analysis of sample/ }).click();
    await library.getByTestId('confirm-delete').getByRole('button', { name: 'Keep' }).click();
    expect((await app!.serve.api<{ analyses: AnalysisEntry[] }>('listAnalyses', {})).analyses.length).toBe(1);
    // Deleted from the list: gone from the library and from the screen.
    await page.getByRole('button', { name: /^Delete the analysis of sample/ }).click();
    await library.getByTestId('confirm-delete').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => page.getByTestId('frame-canvas').count()).toBe(0);
    await expect.poll(async () => (await app!.serve.api<{ analyses: AnalysisEntry[] }>('listAnalyses', {})).analyses.length).toBe(0);
    expect(existsSync(join(cwd, '.crowdheat-data', 'runs', runId ?? ''))).toBe(false);
  }, 300_000);
});
