/**
 * The app in a real browser: `crowdheat serve` started as a user would, Debian's Chromium
 * driven by playwright-core. Needs the build (`npm test` builds first) and /usr/bin/chromium.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameData, RunInfo } from '../../src-shared/api.js';
import { getColormap } from '../../src-shared/colormaps/index.js';
import { colorScale, heatColors } from '../../src-shared/render/index.js';
import { canvasPixel, E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';

const FFMPEG = '/usr/bin/ffmpeg';

describe.skipIf(E2E_SKIP_REASON !== null)('the app in Chromium through crowdheat serve', () => {
  let app: OpenApp;
  let page: Page;
  let url: URL;
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-'));
    app = await openApp(cwd);
    page = app.page;
    url = app.serve.url;
  });

  afterAll(async () => {
    await app?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  const api = <T>(name: string, body: unknown): Promise<T> => app.serve.api<T>(name, body);

  it('prints the URL with its token first and serves on 127.0.0.1', () => {
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('opens the demo, analyses it, and shows a frame with the grid colours, the count and the hover text', async () => {
    await page.goto(url.href);
    // A new user's first screen: the empty metadata path is a quiet to-do, not an error.
    await expect
      .poll(() => page.locator('.setting .issue.pending').first().textContent())
      .toBe('Needed to analyse: a path.');
    expect(await page.locator('.setting.invalid').count()).toBe(0);
    await page.getByTestId('open-demo').click();
    // The demo scene (metadata and video) is written first: a few seconds.
    await expect.poll(() => page.getByTestId('analyse').isEnabled(), { timeout: 60_000 }).toBe(true);
    expect(await page.locator('.messages').textContent()).toContain('Press Analyse');
    await page.getByTestId('analyse').click();
    const canvas = page.getByTestId('frame-canvas');
    await canvas.waitFor({ timeout: 240_000 });
    // The hint is gone once the run has started.
    expect(await page.locator('.messages').textContent()).not.toContain('Press Analyse');
    // The heat alone, so the canvas colour of a cell is its table row (the blend is tested in logic.test.ts).
    const picture = page.getByLabel('picture');
    if ((await picture.count()) > 0) await picture.uncheck();

    await page.getByTestId('scrubber').fill('300');
    await page.getByLabel('Timeline').press('ArrowRight');
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe('frame 302 / 600');

    const runId = await page.getByLabel('Timeline').getAttribute('data-run-id');
    const run = await api<RunInfo>('getRunInfo', { runId });
    const frame = await api<FrameData>('getFrame', { runId: run.runId, index: 301 });
    await expect.poll(() => page.getByTestId('people-count').textContent()).toBe(`people: ${frame.count}`);

    // The busiest cell of the frame: its colour on the canvas is its table row, exactly.
    const columns = run.params.grid_num_h;
    let hot = 0;
    for (let cell = 1; cell < frame.grid.length; cell++) if (frame.grid[cell] > frame.grid[hot]) hot = cell;
    const h = hot % columns;
    const v = Math.floor(hot / columns);
    const scale = colorScale(run.output.min, run.output.max, run.params.last_valid_frame, Math.max(...frame.grid));
    const expected = Array.from(heatColors(Int32Array.of(frame.grid[hot]), scale, getColormap(run.output.cmap)));
    const size = await canvas.evaluate((element: HTMLCanvasElement) => [element.width, element.height]);
    const blockWidth = size[0] / columns;
    const blockHeight = size[1] / run.params.grid_num_v;
    const centre = { x: Math.floor((h + 0.5) * blockWidth), y: Math.floor((v + 0.5) * blockHeight) };
    await expect.poll(() => canvasPixel(canvas, centre)).toEqual(expected);
    // The legend spans the same scale: its min and max either side of the gradient, `max+` when a
    // cell on screen counts more, and the unit of the counts.
    const saturated = frame.grid[hot] > scale.max;
    expect(await page.getByTestId('legend-low').textContent()).toBe(`${scale.min}`);
    await expect.poll(() => page.getByTestId('legend-high').textContent()).toBe(`${scale.max}${saturated ? '+' : ''}`);
    expect(await page.getByTestId('legend-unit').textContent()).toBe(`people in the last ${run.params.last_valid_frame} frames`);

    // "Fit to data": the max becomes the run's peak, and the canvas repaints with it at once.
    const peak = run.peak;
    if (peak !== scale.max) {
      await page.getByTestId('fit-to-data').click();
      await expect.poll(() => page.getByTestId('legend-high').textContent()).toBe(`${peak}`);
      const fitted = colorScale(run.output.min, peak, run.params.last_valid_frame, Math.max(...frame.grid));
      const refitted = Array.from(heatColors(Int32Array.of(frame.grid[hot]), fitted, getColormap(run.output.cmap)));
      await expect.poll(() => canvasPixel(canvas, centre)).toEqual(refitted);
      await expect.poll(() => page.getByTestId('fit-to-data').count()).toBe(0);
    }

    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + ((h + 0.5) * box.width) / columns, box.y + ((v + 0.5) * box.height) / run.params.grid_num_v);
    await expect.poll(() => page.getByTestId('cell-tooltip').textContent()).toBe(`cell h ${h}, v ${v}: ${frame.grid[hot]}`);

    if ((await picture.count()) > 0) await picture.check();
    await page.screenshot({ path: join(tmpdir(), 'crowdheat-e2e-timeline.png') });

    const chart = (await page.getByTestId('people-chart').boundingBox())!;
    // The series is drawn whole inside the chart: its peak lies below the top border, not under it
    // (a run with as many people in every frame drew its line as the border, unseen).
    const line = (await page.getByTestId('people-chart-path').boundingBox())!;
    expect(line.y).toBeGreaterThanOrEqual(chart.y + 3);
    expect(line.y + line.height).toBeLessThanOrEqual(chart.y + chart.height - 3);
    await page.mouse.click(chart.x + chart.width / 2, chart.y + chart.height / 2);
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe('frame 301 / 600');
  }, 360_000);

  it('stops playback on a step, replays from the start at the end, and keeps the timeline through a failed run', async () => {
    const frameNumber = () => page.getByTestId('frame-number').textContent();
    await page.getByTestId('play').click();
    await page.getByLabel('Previous frame').click();
    await expect.poll(() => page.getByTestId('play').textContent()).toBe('Play');
    const stepped = await frameNumber();
    await page.waitForTimeout(400);
    expect(await frameNumber()).toBe(stepped);

    await page.getByLabel('Timeline').press('End');
    await expect.poll(frameNumber).toBe('frame 600 / 600');
    await page.getByTestId('play').click();
    await expect.poll(async () => Number(/frame (\d+)/.exec((await frameNumber()) ?? '')?.[1])).toBeLessThan(300);
    await page.getByTestId('play').click();

    // A run that fails leaves the finished analysis on screen and exportable.
    const shownRun = await page.getByLabel('Timeline').getAttribute('data-run-id');
    const metadata = page.getByLabel('metadata file');
    const demoMetadata = await metadata.inputValue();
    // A missing file is caught as it is typed: Analyse waits for a path that fits.
    await metadata.fill('missing-metadata.csv');
    await expect.poll(() => page.getByTestId('note-meta_file').textContent(), { timeout: 30_000 }).toContain('missing-metadata.csv: not found');
    expect(await page.getByTestId('analyse').isDisabled()).toBe(true);
    // A file that reads as inference JSON but holds no result passes that check and fails in the run.
    await writeFile(join(cwd, 'no-results.json'), '{"DeviceID": "cam", "ModelID": "m", "Image": false, "Inferences": []}\n');
    await metadata.fill('no-results.json');
    await expect.poll(() => page.getByTestId('note-meta_file').textContent(), { timeout: 30_000 }).toBe('inference results (JSON)');
    await page.getByTestId('analyse').click();
    await expect.poll(() => page.locator('.messages').textContent(), { timeout: 30_000 }).toContain('Analysis failed:');
    expect(await page.locator('.messages').textContent()).toContain('no-results.json');
    expect(await page.getByLabel('Timeline').getAttribute('data-run-id')).toBe(shownRun);
    expect(await page.getByTestId('export').isEnabled()).toBe(true);

    // A double click starts one analysis, which then replaces the one on screen.
    await metadata.fill(demoMetadata);
    await page.getByTestId('analyse').dblclick();
    await expect
      .poll(() => page.getByLabel('Timeline').getAttribute('data-run-id'), { timeout: 240_000 })
      .not.toBe(shownRun);
    expect(await page.locator('.messages').textContent()).not.toContain('already running');
  }, 300_000);

  it('exports an MP4 that decodes', async () => {
    await page.getByTestId('export').click();
    const folder = join(cwd, 'exported');
    await page.getByTestId('export-folder').fill(folder);
    await page.getByTestId('start-export').click();
    await expect.poll(() => page.locator('.messages').textContent(), { timeout: 30_000 }).toContain(`to ${folder}`);
    const videos = await readdir(join(folder, 'video'));
    expect(videos).toHaveLength(1);
    expect(videos[0]).toMatch(/\.mp4$/);
    if (existsSync(FFMPEG)) {
      const probe = spawnSync(FFMPEG, ['-v', 'error', '-i', join(folder, 'video', videos[0]), '-f', 'null', '-'], { encoding: 'utf8' });
      expect(probe.status).toBe(0);
      expect(probe.stderr).toBe('');
    }
  });
});
