/**
 * report.html in Debian's Chromium with the network cut off: nothing is requested, nothing
 * logs an error, and the numbers on the page are those of zones.csv and summary.json.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { writeReport } from '../../src-main/report/build.js';
import { InputError } from '../../src-shared/errors.js';
import { formatTimestamp } from '../../src-shared/frames.js';
import { defaultSettings } from '../../src-shared/settings/types.js';

const CHROMIUM = '/usr/bin/chromium';

let dir: string;
let out: string;
let browser: Browser | undefined;

/** 400 frames at 1 fps with a 60 s hole after frame 199; people walk left to right along y = 150. */
async function writeTimedResults(path: string): Promise<void> {
  const start = Date.UTC(2024, 5, 3, 8, 0, 0);
  const inferences = [];
  for (let i = 0; i < 400; i++) {
    const t = start + i * 1000 + (i >= 200 ? 60000 : 0);
    const people = 1 + (i % 7) + (i === 250 ? 9 : 0);
    const list = Array.from({ length: people }, (_, p) => {
      const x = (i * 3 + p * 97) % 1000;
      return { class_id: 0, score: 0.9, bounding_box: { left: x, top: 100, right: x + 20, bottom: 150 } };
    });
    inferences.push({ T: formatTimestamp(t), F: 1, O: JSON.stringify({ perception: { object_detection_list: list } }) });
  }
  await writeFile(path, inferences.map((inference) => JSON.stringify({ DeviceID: 'cam-1', ModelID: 'm', Image: false, Inferences: [inference] })).join('\n'));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-report-'));
  out = join(dir, 'out');
  const meta = join(dir, 'results.jsonl');
  await writeTimedResults(meta);
  const settings = defaultSettings();
  settings.data_source_settings.local_data_settings.meta_file = meta;
  settings.data_source_settings.local_data_settings.meta_format = 'inference_json';
  Object.assign(settings.heat_map_settings.params, { image_size_h: 1040, image_size_v: 200, grid_num_h: 52, grid_num_v: 10 });
  Object.assign(settings.output_settings, { output_dir: out, output_video_width: 520, output_video_height: 100 });
  settings.zones = [
    { name: 'left <door>', points: [[0, 0], [300, 0], [300, 200], [0, 200]] },
    { name: 'middle', points: [[400, 100], [700, 100], [700, 200], [550, 160], [400, 200]] },
  ];
  await runPipeline(settings, { cwd: dir });
  // i11's optional outputs, by their names: period pictures and buckets.csv.
  await mkdir(join(out, 'periods'));
  await copyFile(join(out, 'heatmap.png'), join(out, 'periods', '2024-06-03T08.png'));
  await copyFile(join(out, 'heatmap.png'), join(out, 'periods', '2024-06-03T09.png'));
  await writeFile(join(out, 'buckets.csv'), 'bucket_start,frames\n2024-06-03T08:00:00+00:00,400\n');
  await writeReport(out);
  if (existsSync(CHROMIUM)) {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('crowdheat report', () => {
  it('writes one self-contained file well under 5 MB that names no outside resource', async () => {
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect((await stat(join(out, 'report.html'))).size).toBeLessThan(5_000_000);
    expect(html).not.toMatch(/(?:src|href)\s*=\s*"(?!data:)/);
    expect(html).not.toMatch(/url\(/);
    expect(html).toContain('@media print');
    expect(html).toContain('left &lt;door&gt;');
  });

  it.skipIf(!existsSync(CHROMIUM))('opens in Chromium offline with no request, no console error, and the files\' numbers', async () => {
    if (browser === undefined) throw new Error('no browser');
    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    const pageUrl = pathToFileURL(join(out, 'report.html')).href;
    await page.route('**/*', (route) => (route.request().url() === pageUrl ? route.continue() : route.abort()));
    page.on('request', (request) => {
      if (request.url() !== pageUrl && !request.url().startsWith('data:')) requests.push(request.url());
    });
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pageUrl, { waitUntil: 'load' });
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    // Every picture decoded from its data: URI.
    const broken = await page.$$eval('img', (images) => images.filter((image) => !(image as HTMLImageElement).complete || (image as HTMLImageElement).naturalWidth === 0).length);
    expect(broken).toBe(0);
    expect(await page.locator('img').count()).toBe(3);

    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as {
      frames: number; detections: number; people: { busiest: { frame: number; people: number }; gaps: { count: number } };
    };
    const fact = (key: string): Promise<string | null> => page.locator(`[data-key="${key}"]`).getAttribute('data-value');
    expect(await fact('frames')).toBe(String(summary.frames));
    expect(await fact('detections')).toBe(String(summary.detections));
    expect(await fact('busiest-people')).toBe(String(summary.people.busiest.people));
    // Frame 250: 1 + 250 % 7 + 9 people.
    expect(summary.people.busiest).toMatchObject({ frame: 250, people: 15 });
    expect(await fact('gaps')).toBe(String(summary.people.gaps.count));
    expect(summary.people.gaps.count).toBe(1);

    const csv = parse(await readFile(join(out, 'zones.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    const table = await page.$$eval('table.zones tbody tr', (rows) => rows.map((row) => Array.from(row.querySelectorAll('td'), (cell) => cell.getAttribute('data-value') ?? '')));
    expect(table).toEqual(
      csv.map((row) => [row.zone, row.mean_occupancy, row.peak_occupancy, row.peak_frame, row.person_time, row.occupied_share, row.visits, row.mean_visit, row.median_visit]),
    );
    const shownPersonSeconds = await page.locator('table.zones tbody tr').first().locator('td').nth(4).textContent();
    expect(shownPersonSeconds).toBe(String(Math.round(Number(csv[0].person_time) * 10) / 10));
    expect(await page.locator('svg.chart polyline').count()).toBe(2); // the gap breaks the line
    await page.close();
  });

  it('refuses a folder without summary.json with one line naming the file', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await expect(writeReport(empty)).rejects.toThrow(InputError);
    await expect(writeReport(empty)).rejects.toThrow(`${join(empty, 'summary.json')}: not found; a report is made from a folder crowdheat run wrote`);
  });

  it('refuses a target folder that cannot be made in one line, also under /proc (where node\'s recursive mkdir never returns)', async () => {
    await expect(writeReport(out, Date.now(), join(out, 'summary.json', 'x'))).rejects.toThrow(
      `report: cannot create the folder ${join(out, 'summary.json', 'x')}: part of the path is a file, not a folder (ENOTDIR)`,
    );
    await expect(writeReport(out, Date.now(), '/proc/crowdheat-report')).rejects.toThrow(InputError);
    await expect(writeReport(out, Date.now(), '/proc/crowdheat-report')).rejects.toThrow(
      'report: cannot create the folder /proc/crowdheat-report: /proc does not allow folders in it (ENOENT)',
    );
  }, 20_000);
});
