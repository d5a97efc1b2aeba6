/**
 * Follow in the app, in Chromium through `crowdheat serve`, against the loopback fake Console:
 * the device gains records while the window follows it; the header's frame count grows, says
 * when it last updated, shows a Console outage as a retry and recovers; stopping keeps the frames.
 * In Case 1 (a device's image folder chosen) the images are followed too and the heat is drawn
 * over the newest one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTimestamp } from '../../src-shared/frames.js';
import { FakeConsole, IMAGE_COLORS, type FakeRecord } from '../fake-console.js';
import { seriousViolations } from './axe.js';
import { E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';

const START = Date.UTC(2026, 10, 29, 9, 0, 0, 0);
/** Record r holds two inferences, at START + r s and half a second later. */
const record = (r: number): FakeRecord => ({
  id: `rec-${r}`,
  inferences: [0, 500].map((ms) => ({ T: formatTimestamp(START + r * 1000 + ms) })),
});

/** Case 1: the image folder of device Gate, and its image of record r (at the record's first inference). */
const FOLDER = '20261129090000';
const imageName = (r: number): string => `${formatTimestamp(START + r * 1000)}.jpg`;

describe.skipIf(E2E_SKIP_REASON !== null)('Follow in Chromium through crowdheat serve', () => {
  let fake: FakeConsole;
  let app: OpenApp;
  let page: Page;
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-follow-'));
    fake = await FakeConsole.start({
      devices: [
        { device_id: 'Aid-cam-hall', device_name: 'Hall', records: [0, 1, 2, 3, 4].map(record) },
        { device_id: 'Aid-cam-gate', device_name: 'Gate', records: [0, 1, 2].map(record), directories: { [FOLDER]: [0, 1, 2].map(imageName) } },
      ],
    });
    app = await openApp(cwd, { PATH: process.env.PATH, HOME: process.env.HOME });
    page = app.page;
    await page.goto(app.serve.url.href);
    // Both tests follow a device of the fake Console the window is signed in to.
    await page.getByRole('radio', { name: 'AITRIOS Console' }).click();
    await page.getByLabel('console endpoint', { exact: true }).fill(fake.credentials.console_endpoint);
    await page.getByLabel('portal authorization endpoint').fill(fake.credentials.portal_authorization_endpoint);
    await page.getByLabel('client id').fill(fake.credentials.client_id);
    await page.getByLabel('client secret').fill(fake.credentials.client_secret);
    await page.getByRole('button', { name: 'Save credentials' }).click();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fake?.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  const frames = () => page.getByTestId('follow-frames').textContent();
  const state = () => page.getByTestId('follow-state').textContent();
  /** How many different colours the live picture holds. */
  const distinctColours = () =>
    page.getByTestId('follow-view').evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      return seen.size;
    });

  it('follows the device: the frame count grows as the Console gains records, a 503 outage shows as a retry, and stopping keeps the frames', async () => {
    await page.locator('.devices li button', { hasText: 'Hall' }).click({ timeout: 30_000 });
    await page.getByLabel('result records', { exact: true }).fill('100');
    await page.getByLabel('follow every (seconds)').fill('1');
    const toggle = page.getByTestId('follow-toggle');
    await expect.poll(() => toggle.textContent()).toBe('Follow');
    await toggle.click();

    await expect.poll(frames, { timeout: 30_000 }).toBe('10 frames');
    expect(await page.getByTestId('follow-device').textContent()).toBe('Following Aid-cam-hall');
    expect(await page.getByTestId('follow-updated').textContent()).toMatch(/^last update \d{1,2}:\d{2}:\d{2}/);
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    // The live picture: every followed frame's heat, more than one colour once people were seen.
    const view = page.getByTestId('follow-view');
    await expect.poll(() => view.getAttribute('aria-label'), { timeout: 30_000 }).toMatch(/^Heat of the 10 followed frames, in person-seconds; the busiest cell holds [1-9]/);
    expect(await distinctColours()).toBeGreaterThan(1);
    expect(await seriousViolations(page)).toEqual([]);

    fake.appendRecords('Aid-cam-hall', [5, 6, 7].map(record));
    await expect.poll(frames, { timeout: 30_000 }).toBe('16 frames');
    await expect.poll(() => view.getAttribute('aria-label'), { timeout: 30_000 }).toMatch(/^Heat of the 16 followed frames/);

    // An outage longer than one request's five tries: the header says the follow is retrying.
    fake.inject({ kind: 'status', status: 503 }, 10);
    fake.appendRecords('Aid-cam-hall', [8].map(record));
    await expect.poll(state, { timeout: 60_000 }).toMatch(/^retrying: Console: E503: injected fault \(HTTP 503, GET \/devices\/Aid-cam-hall\/inferenceresults\)$/);
    // After it, the gap is fetched.
    await expect.poll(frames, { timeout: 90_000 }).toBe('18 frames');
    await expect.poll(state, { timeout: 30_000 }).toBe('every 1 s');

    await toggle.click();
    await expect.poll(state, { timeout: 30_000 }).toBe('stopped');
    expect(await frames()).toBe('18 frames');
    expect(await toggle.textContent()).toBe('Follow');
  }, 240_000);

  it('follows a device with its image folder: the header counts frames and images as both grow, and the heat is drawn over the newest image', async () => {
    // Case 1: the second device and its image folder.
    await page.locator('.devices li button', { hasText: 'Gate' }).click({ timeout: 30_000 });
    await page.getByLabel('image folder').selectOption(FOLDER, { timeout: 30_000 });
    await page.getByLabel('images', { exact: true }).fill('100');
    // Images from the Console need a first time (settings validation): a day before the first record, in any zone.
    await page.getByLabel('from (local time)').fill('2026-11-28T00:00');
    await page.getByLabel('follow every (seconds)').fill('1');
    expect(await page.getByText('Follow reads inference results only').count()).toBe(0);
    const toggle = page.getByTestId('follow-toggle');
    await expect.poll(() => toggle.isDisabled()).toBe(false);
    await toggle.click();

    await expect.poll(frames, { timeout: 30_000 }).toBe('6 frames');
    await expect.poll(() => page.getByTestId('follow-images').textContent(), { timeout: 30_000 }).toBe('3 images');
    expect(await page.getByTestId('follow-device').textContent()).toBe('Following Aid-cam-gate');
    const view = page.getByTestId('follow-view');
    await expect.poll(() => view.getAttribute('aria-label'), { timeout: 30_000 }).toMatch(/^Heat of the 6 followed frames, in person-seconds; .*; over the newest image$/);
    await expect.poll(() => view.getAttribute('data-image'), { timeout: 30_000 }).toBe('newest');
    expect(await seriousViolations(page)).toEqual([]);

    fake.appendRecords('Aid-cam-gate', [3, 4].map(record));
    fake.appendImages('Aid-cam-gate', FOLDER, [3, 4].map(imageName));
    await expect.poll(frames, { timeout: 30_000 }).toBe('10 frames');
    await expect.poll(() => page.getByTestId('follow-images').textContent(), { timeout: 30_000 }).toBe('5 images');
    await expect.poll(() => view.getAttribute('aria-label'), { timeout: 30_000 }).toMatch(/^Heat of the 10 followed frames.*; over the newest image$/);
    // The newest image (image 4, IMAGE_COLORS[0]) shows where the heat leaves it uncovered: the picture holds its colour.
    const [r, g, b] = IMAGE_COLORS[4 % IMAGE_COLORS.length];
    await expect
      .poll(
        () =>
          view.evaluate(
            (canvas: HTMLCanvasElement, colour: number[]) => {
              const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
              for (let i = 0; i < data.length; i += 4) {
                if (Math.abs(data[i] - colour[0]) <= 12 && Math.abs(data[i + 1] - colour[1]) <= 12 && Math.abs(data[i + 2] - colour[2]) <= 12) return true;
              }
              return false;
            },
            [r, g, b],
          ),
        { timeout: 30_000 },
      )
      .toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    await toggle.click();
    await expect.poll(state, { timeout: 30_000 }).toBe('stopped');
    expect(await frames()).toBe('10 frames');
    expect(await page.getByTestId('follow-images').textContent()).toBe('5 images');
    expect(await view.getAttribute('data-image')).toBe('newest');
  }, 240_000);
});
