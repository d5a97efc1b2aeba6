/**
 * The Export dialog in a real browser: `crowdheat serve` started as a user would, Debian's Chromium
 * driven by playwright-core. The back end answers an export and finishes a small one within
 * milliseconds, so its events race the answer: the dialog must still end, show the result, and close.
 * Needs the build (`npm test` builds first) and /usr/bin/chromium.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_OUTPUTS, type ExportOutput } from '../../src-shared/api.js';
import { writeSeedCsv, type Box } from '../video/fixtures.js';
import { E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';

const FRAMES = 12;

/** The dialog's checkbox label of each output. */
const LABELS: Record<ExportOutput, string> = {
  video: 'MP4 video',
  'detect-json': 'per-frame JSON (detect/)',
  png: 'heatmap.png',
  npy: 'griddata.npy',
  periods: 'period maps: heatmap_period.png and .npy, the buckets’ maps, buckets.csv, people.csv',
  summary: 'summary.json',
  'zones-csv': 'zones.csv',
  parquet: 'Parquet: frames.parquet, detections.parquet (pandas, polars, DuckDB)',
};

describe.skipIf(E2E_SKIP_REASON !== null)('the Export dialog (Chromium through crowdheat serve)', () => {
  let app: OpenApp;
  let page: Page;
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-export-'));
    const boxes: Box[][] = Array.from({ length: FRAMES }, (_, i) => [[100 + 20 * i, 200, 400 + 20 * i, 900]]);
    await writeSeedCsv(join(cwd, 'meta.csv'), boxes);
    app = await openApp(cwd);
    page = app.page;
    await page.goto(app.serve.url.href);
    await page.getByLabel('metadata file').fill(join(cwd, 'meta.csv'));
    await page.getByTestId('analyse').click();
    await page.getByTestId('frame-number').filter({ hasText: `frame 1 / ${FRAMES}` }).waitFor({ timeout: 120_000 });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  const dialog = () => page.getByRole('dialog', { name: 'Export' });
  const messages = () => page.locator('.messages').textContent();

  /** Opens the dialog, ticks only `only`, types `folder` and starts the export. */
  async function startExport(only: ExportOutput, folder: string): Promise<void> {
    await page.getByTestId('export').click();
    // zones.csv is offered only when the analysis has zones; this one has none.
    for (const output of EXPORT_OUTPUTS) if (output !== 'zones-csv') await dialog().getByLabel(LABELS[output]).setChecked(output === only);
    await page.getByTestId('export-folder').fill(folder);
    await page.getByTestId('start-export').click();
  }

  it('finishes a summary-only export, shows its message and closes', async () => {
    const folder = join(cwd, 'summary-only');
    await startExport('summary', folder);
    await expect.poll(messages, { timeout: 30_000 }).toContain(`Exported 1 file(s) to ${folder}`);
    await expect.poll(() => dialog().count()).toBe(0);
    expect(await readdir(folder)).toEqual(['summary.json']);
    expect(JSON.parse(await readFile(join(folder, 'summary.json'), 'utf8'))).toMatchObject({ frames: FRAMES });
  });

  it('exports the store as Parquet (frames.parquet, detections.parquet) that DuckDB reads back, unticked unless asked for', async () => {
    await page.getByTestId('export').click();
    expect(await dialog().getByLabel(LABELS.parquet).isChecked()).toBe(false);
    expect(await dialog().getByLabel(LABELS.summary).isChecked()).toBe(true);
    await page.keyboard.press('Escape');
    const folder = join(cwd, 'parquet-only');
    await startExport('parquet', folder);
    await expect.poll(messages, { timeout: 30_000 }).toContain(`Exported 2 file(s) to ${folder}`);
    expect((await readdir(folder)).sort()).toEqual(['detections.parquet', 'frames.parquet']);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const read = async (sql: string): Promise<unknown[][]> => (await connection.runAndReadAll(sql)).getRows();
      const frames = join(folder, 'frames.parquet').replaceAll("'", "''");
      const detections = join(folder, 'detections.parquet').replaceAll("'", "''");
      expect(await read(`SELECT count(*), min(frame_index), max(frame_index) FROM '${frames}'`)).toEqual([[BigInt(FRAMES), 0, FRAMES - 1]]);
      // One box a frame: frame i's left edge is 100 + 20 i.
      expect(await read(`SELECT frame_index, "left", "right" FROM '${detections}' WHERE frame_index IN (0, 11) ORDER BY 1`)).toEqual([
        [0, 100, 400],
        [11, 320, 620],
      ]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('finishes a heatmap.png-only export', async () => {
    const folder = join(cwd, 'png-only');
    await startExport('png', folder);
    await expect.poll(messages, { timeout: 30_000 }).toContain(`Exported 1 file(s) to ${folder}`);
    await expect.poll(() => dialog().count()).toBe(0);
    expect(await readdir(folder)).toEqual(['heatmap.png']);
  });

  it('shows why a folder cannot be made, and closes with Escape and with Close', async () => {
    await writeFile(join(cwd, 'a-file'), 'a file, not a folder');
    const folder = join(cwd, 'a-file', 'inside');
    const message = `export: cannot create the folder ${folder}: part of the path is a file, not a folder (ENOTDIR)`;

    await startExport('summary', folder);
    await expect.poll(() => dialog().locator('.error-text').textContent(), { timeout: 30_000 }).toBe(message);
    await page.screenshot({ path: join(tmpdir(), 'crowdheat-e2e-export-error.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog().count()).toBe(0);

    await startExport('png', folder);
    await expect.poll(() => dialog().locator('.error-text').textContent(), { timeout: 30_000 }).toBe(message);
    await dialog().getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => dialog().count()).toBe(0);
  });

  it('closes with Escape before an export starts', async () => {
    await page.getByTestId('export').click();
    await dialog().waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog().count()).toBe(0);
  });
});
