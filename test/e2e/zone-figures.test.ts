/**
 * Zone figures in Chromium through `crowdheat serve`, on the real AITRIOS CSV: draw a zone after
 * an analysis (clicks, Enter closes), name it, see its figures, drag a corner and see them
 * recounted from the store, export zones.csv with the numbers shown, seek from the zone's
 * occupancy chart by mouse and keyboard, write the report; no serious accessibility violation.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_OUTPUTS, type ExportOutput } from '../../src-shared/api.js';
import { seriousViolations } from './axe.js';
import { E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';

const REAL_CSV = '/work/shared/data/aitrios-sample.csv';
const FRAMES = 120;

describe.skipIf(E2E_SKIP_REASON !== null || !existsSync(REAL_CSV))('zone figures in the app', () => {
  let app: OpenApp;
  let page: Page;
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-zone-figures-'));
    const rows = (await readFile(REAL_CSV, 'utf8')).split('\n').slice(0, FRAMES + 1).join('\n') + '\n';
    await writeFile(join(cwd, 'sample.csv'), rows);
    app = await openApp(cwd);
    page = app.page;
    await page.goto(app.serve.url.href);
    await page.getByLabel('metadata file').fill(join(cwd, 'sample.csv'));
    await page.getByTestId('analyse').click();
    await page.getByTestId('frame-number').filter({ hasText: `frame 1 / ${FRAMES}` }).waitFor({ timeout: 120_000 });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  async function at(fx: number, fy: number): Promise<{ x: number; y: number }> {
    const canvas = page.getByTestId('zone-canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (box === null) throw new Error('no zone canvas');
    return { x: box.x + fx * box.width, y: box.y + fy * box.height };
  }

  const cell = (key: string) => page.locator(`[data-testid="zone-figures"] tr[data-zone="floor"] td[data-key="${key}"]`).getAttribute('data-value');

  it('shows a drawn zone’s figures, recounts them when a corner moves, and exports exactly them', async () => {
    for (const [fx, fy] of [[0.02, 0.3], [0.5, 0.3], [0.5, 0.98], [0.02, 0.98]]) {
      const point = await at(fx, fy);
      await page.mouse.click(point.x, point.y);
    }
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="zone-canvas"] polygon').count()).toBe(1);
    await page.getByTestId('zone-name').fill('floor');

    await expect.poll(() => cell('person-time'), { timeout: 30_000 }).not.toBeNull();
    const before = Number(await cell('person-time'));
    expect(before).toBeGreaterThan(0);

    // Drag the top-right corner far right: the zone grows, so more person-frames.
    const points = ((await page.locator('[data-testid="zone-canvas"] polygon').getAttribute('points')) ?? '').split(' ').map((pair) => pair.split(',').map(Number));
    const corner = await at(points[1][0] / 1920, points[1][1] / 1080);
    const target = await at(0.98, 0.3);
    await page.mouse.move(corner.x, corner.y);
    await page.mouse.down();
    await page.mouse.move(target.x, target.y, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => Number(await cell('person-time')), { timeout: 30_000 }).toBeGreaterThan(before);
    await expect.poll(() => page.locator('.zone-figures').getAttribute('aria-busy')).toBe('false');

    const shown = { person_time: await cell('person-time'), mean_occupancy: await cell('mean'), peak_occupancy: await cell('peak'), occupied_share: await cell('occupied') };
    const folder = join(cwd, 'zones-export');
    await page.getByTestId('export').click();
    const dialog = page.getByRole('dialog', { name: 'Export' });
    const labels: Record<ExportOutput, string> = { video: 'MP4 video', 'detect-json': 'per-frame JSON (detect/)', png: 'heatmap.png', npy: 'griddata.npy', periods: 'period maps: heatmap_period.png and .npy, the buckets’ maps, buckets.csv, people.csv', summary: 'summary.json', 'zones-csv': 'zones.csv', parquet: 'Parquet: frames.parquet, detections.parquet (pandas, polars, DuckDB)' };
    for (const output of EXPORT_OUTPUTS) await dialog.getByLabel(labels[output]).setChecked(output === 'zones-csv');
    await page.getByTestId('export-folder').fill(folder);
    await page.getByTestId('start-export').click();
    await expect.poll(() => page.locator('.messages').textContent(), { timeout: 30_000 }).toContain(`Exported 1 file(s) to ${folder}`);
    const [row] = parse(await readFile(join(folder, 'zones.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(row.zone).toBe('floor');
    expect({ person_time: row.person_time, mean_occupancy: row.mean_occupancy, peak_occupancy: row.peak_occupancy, occupied_share: row.occupied_share }).toEqual(shown);
  });

  it('seeks the timeline from the zone’s occupancy chart by mouse and by keyboard', async () => {
    const chart = page.getByTestId('zone-chart-floor');
    await chart.scrollIntoViewIfNeeded();
    const box = await chart.boundingBox();
    if (box === null) throw new Error('no zone chart');
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height / 2);
    await expect.poll(async () => Number(/frame (\d+) \//.exec((await page.getByTestId('frame-number').textContent()) ?? '')?.[1])).toBeGreaterThan(50);
    await chart.focus();
    await page.keyboard.press('End');
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe(`frame ${FRAMES} / ${FRAMES}`);
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe(`frame 1 / ${FRAMES}`);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('writes report.html of the analysis from the Report button, with the zone drawn after the analysis', async () => {
    await page.getByTestId('write-report').click();
    const path = join(cwd, 'output', 'report.html');
    await expect.poll(() => page.locator('.messages').textContent(), { timeout: 30_000 }).toContain(`Report written: ${path}`);
    expect((await stat(path)).size).toBeGreaterThan(10_000);
    // The analysis had no zones: the report's table is the zone on screen, with the figures shown.
    const html = await readFile(path, 'utf8');
    const rows = [...html.matchAll(/<tr data-zone="([^"]*)">(.*?)<\/tr>/g)];
    expect(rows.map((row) => row[1])).toEqual(['floor']);
    const values = [...rows[0][2].matchAll(/data-value="([^"]*)"/g)].map((value) => value[1]);
    expect(Number(values[4])).toBe(Number(await cell('person-time')));
  });
});
