/**
 * The app in a real browser: `crowdheat serve` started as a user would, Debian's Chromium
 * driven by playwright-core. Needs the build (`npm test` builds first) and /usr/bin/chromium.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameData, RunInfo } from '../../src-shared/api.js';
import { getColormap } from '../../src-shared/colormaps/index.js';
import { colorScale, heatColors } from '../../src-shared/render/index.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT = existsSync(join(ROOT, 'dist/src-main/cli.js')) && existsSync(join(ROOT, 'dist/renderer/index.html'));
const FFMPEG = '/usr/bin/ffmpeg';

if (!existsSync(CHROMIUM)) console.warn(`e2e: skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);
else if (!BUILT) console.warn('e2e: skipped: the app is not built (npm run build)');

describe.skipIf(!existsSync(CHROMIUM) || !BUILT)('the app in Chromium through crowdheat serve', () => {
  let server: ChildProcess;
  let browser: Browser;
  let page: Page;
  let url: URL;
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-'));
    server = spawn(process.execPath, [join(ROOT, 'bin/crowdheat'), 'serve', '--port', '0'], {
      cwd,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const firstLine = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: server.stdout! });
      lines.once('line', resolve);
      server.once('exit', (code) => reject(new Error(`crowdheat serve exited with ${code}`)));
    });
    url = new URL(firstLine);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    if (server !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await rm(cwd, { recursive: true, force: true });
  });

  /** The back end's answer to a request, fetched beside the page (the page's own token). */
  async function api<T>(name: string, body: unknown): Promise<T> {
    const response = await fetch(`${url.origin}/api/${name}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${url.searchParams.get('token')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  it('prints the URL with its token first and serves on 127.0.0.1', () => {
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('opens the demo, analyses it, and shows a frame with the grid colours, the count and the hover text', async () => {
    await page.goto(url.href);
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
    const scale = colorScale(run.output.min, run.output.max, run.params.last_valid_frame, run.runningMax[301]);
    const expected = Array.from(heatColors(Int32Array.of(frame.grid[hot]), scale, getColormap(run.output.cmap)));
    const size = await canvas.evaluate((element: HTMLCanvasElement) => [element.width, element.height]);
    const blockWidth = size[0] / columns;
    const blockHeight = size[1] / run.params.grid_num_v;
    const centre = { x: Math.floor((h + 0.5) * blockWidth), y: Math.floor((v + 0.5) * blockHeight) };
    await expect
      .poll(() =>
        canvas.evaluate((element: HTMLCanvasElement, at) => {
          const pixel = element.getContext('2d')!.getImageData(at.x, at.y, 1, 1).data;
          return [pixel[0], pixel[1], pixel[2]];
        }, centre),
      )
      .toEqual(expected);

    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + ((h + 0.5) * box.width) / columns, box.y + ((v + 0.5) * box.height) / run.params.grid_num_v);
    await expect.poll(() => page.getByTestId('cell-tooltip').textContent()).toBe(`cell h ${h}, v ${v}: ${frame.grid[hot]}`);

    if ((await picture.count()) > 0) await picture.check();
    await page.screenshot({ path: join(tmpdir(), 'crowdheat-e2e-timeline.png') });

    const chart = (await page.getByTestId('people-chart').boundingBox())!;
    await page.mouse.click(chart.x + chart.width / 2, chart.y + chart.height / 2);
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe('frame 301 / 600');
  }, 360_000);

  it.skipIf(!existsSync(join(ROOT, 'dist/src-main/sinks/video.js')))('exports an MP4 that decodes', async () => {
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
