/**
 * The real AITRIOS CSV through the app, as a user loads it: the path typed into the Source
 * panel, Analyse, then frames scrubbed to. What the window shows is compared with an
 * independent run of the command line over the same file: its per-frame detect JSON decides
 * the people count, the hover text and the canvas colour of the busiest cell.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunInfo } from '../../src-shared/api.js';
import { getColormap } from '../../src-shared/colormaps/index.js';
import { colorScale, heatColors } from '../../src-shared/render/index.js';
import { ROOT } from '../serve-process.js';
import { canvasPixel, E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';

const CSV = join(ROOT, '../shared/data/aitrios-sample.csv');

interface DetectJson {
  number_of_detects: number;
  griddata: number[][];
}

describe.skipIf(E2E_SKIP_REASON !== null || !existsSync(CSV))('the real AITRIOS CSV in the app', () => {
  let cwd: string;
  let app: OpenApp;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-csv-'));
    const cli = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/crowdheat'), 'run', '--meta_file', CSV, '--video_file', '', '--output_dir', join(cwd, 'cli'), '--quiet'],
      { cwd, encoding: 'utf8' },
    );
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    app = await openApp(cwd);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  const detectJson = async (index: number): Promise<DetectJson> =>
    JSON.parse(await readFile(join(cwd, 'cli', 'detect', `${String(index).padStart(8, '0')}.json`), 'utf8')) as DetectJson;

  it('analyses the CSV and shows, frame by frame, what the command line computed', async () => {
    const { page } = app;
    await page.goto(app.serve.url.href);
    await page.getByLabel('metadata file').fill(CSV);
    await page.getByTestId('analyse').click();
    const canvas = page.getByTestId('frame-canvas');
    await canvas.waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe('frame 1 / 600');

    const runId = await page.getByLabel('Timeline').getAttribute('data-run-id');
    const run = await app.serve.api<RunInfo>('getRunInfo', { runId });
    const { grid_num_h: columns, grid_num_v: rows, last_valid_frame: window } = run.params;
    // With a fixed max, or a window (the defaults), the colour scale does not depend on the running maximum.
    expect(run.output.max > 0 || window > 0).toBe(true);
    const size = await canvas.evaluate((element: HTMLCanvasElement) => [element.width, element.height]);
    const box = (await canvas.boundingBox())!;

    for (const index of [0, 14, 299, 599]) {
      await page.getByTestId('scrubber').fill(String(index));
      await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe(`frame ${index + 1} / 600`);
      const expected = await detectJson(index);
      await expect.poll(() => page.getByTestId('people-count').textContent()).toBe(`people: ${expected.number_of_detects}`);

      const grid = expected.griddata.flat();
      expect(grid).toHaveLength(columns * rows);
      let hot = 0;
      for (let cell = 1; cell < grid.length; cell++) if (grid[cell] > grid[hot]) hot = cell;
      expect(grid[hot]).toBeGreaterThan(0);
      const h = hot % columns;
      const v = Math.floor(hot / columns);

      const scale = colorScale(run.output.min, run.output.max, window, 0);
      const colour = Array.from(heatColors(Int32Array.of(grid[hot]), scale, getColormap(run.output.cmap)));
      const centre = { x: Math.floor(((h + 0.5) * size[0]) / columns), y: Math.floor(((v + 0.5) * size[1]) / rows) };
      await expect.poll(() => canvasPixel(canvas, centre)).toEqual(colour);

      await page.mouse.move(box.x + ((h + 0.5) * box.width) / columns, box.y + ((v + 0.5) * box.height) / rows);
      await expect.poll(() => page.getByTestId('cell-tooltip').textContent()).toBe(`cell h ${h}, v ${v}: ${grid[hot]}`);
    }
  }, 240_000);
});
