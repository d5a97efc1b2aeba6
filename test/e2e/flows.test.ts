/**
 * Issue 13's three people, in Chromium through `crowdheat serve`, at 1400×900 and 1024×700: a
 * retail analyst (a video and a CSV), an AITRIOS user (the Console, test/fake-console.ts) and a
 * researcher (a MOTChallenge file). On every screen at both sizes axe-core finds no serious or
 * critical violation and nothing is cut off: the page does not scroll sideways, and the header's
 * buttons, the timeline and the messages lie inside the window and do not overlap.
 * Screenshots go to $CROWDHEAT_SCREENSHOTS when set (to look at, never committed).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTimestamp } from '../../src-shared/frames.js';
import { FakeConsole, type FakeDevice, type FakeRecord } from '../fake-console.js';
import { ROOT } from '../serve-process.js';
import { makeVideo, writeSeedCsv, type Box } from '../video/fixtures.js';
import { seriousViolations, type Violation } from './axe.js';
import { E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';

const SCREENSHOTS = process.env.CROWDHEAT_SCREENSHOTS;
const SIZES = [
  [1400, 900],
  [1024, 700],
] as const;
const MOT = join(ROOT, '../shared/data/motchallenge/TUD-Stadtmitte-det.txt');

/** What is wrong with the layout now: sideways scrolling, elements outside the window or over each other. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) problems.push(`the page scrolls sideways (${root.scrollWidth} > ${root.clientWidth})`);
    const width = root.clientWidth;
    const shown = (element: Element): DOMRect | null => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && box.height > 0 ? box : null;
    };
    const named = (element: Element): string =>
      element.getAttribute('data-testid') ?? element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 30) ?? element.tagName;
    const watched = [
      ...Array.from(document.querySelectorAll('header h1, header .actions > *')),
      ...Array.from(document.querySelectorAll('main [data-testid], main button, main .legend')),
    ];
    for (const element of watched) {
      const box = shown(element);
      if (box !== null && (box.left < 0 || box.right > width + 0.5)) problems.push(`${named(element)} reaches past the window (${Math.round(box.left)}…${Math.round(box.right)} of ${width})`);
    }
    // Things side by side must not cover each other: the header's parts, and the controls of the timeline.
    for (const group of ['header > *', 'header .actions > *', 'main button', 'main .legend > *']) {
      const boxes = Array.from(document.querySelectorAll(group)).flatMap((element) => {
        const box = shown(element);
        return box === null ? [] : [{ element, box }];
      });
      for (let a = 0; a < boxes.length; a++) {
        for (let b = a + 1; b < boxes.length; b++) {
          const p = boxes[a].box;
          const q = boxes[b].box;
          const overlap = Math.min(p.right, q.right) - Math.max(p.left, q.left) > 1 && Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 1;
          if (overlap && !boxes[a].element.contains(boxes[b].element) && !boxes[b].element.contains(boxes[a].element)) {
            problems.push(`${named(boxes[a].element)} overlaps ${named(boxes[b].element)}`);
          }
        }
      }
    }
    return problems;
  });
}

/** At both sizes: a screenshot (when asked for), the layout's problems and axe-core's serious violations. */
async function checkScreen(page: Page, name: string): Promise<{ layout: Record<string, string[]>; axe: Record<string, Violation[]> }> {
  const layout: Record<string, string[]> = {};
  const axe: Record<string, Violation[]> = {};
  if (SCREENSHOTS !== undefined) await mkdir(SCREENSHOTS, { recursive: true });
  for (const [width, height] of SIZES) {
    await page.setViewportSize({ width, height });
    const size = `${width}x${height}`;
    if (SCREENSHOTS !== undefined) await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size}.png`) });
    layout[size] = await layoutProblems(page);
    axe[size] = await seriousViolations(page);
  }
  await page.setViewportSize({ width: 1400, height: 900 });
  return { layout, axe };
}

const CLEAN = { layout: { '1400x900': [], '1024x700': [] }, axe: { '1400x900': [], '1024x700': [] } };

describe.skipIf(E2E_SKIP_REASON !== null)('three people\'s flows at 1400×900 and 1024×700', () => {
  let cwd: string;
  let app: OpenApp;
  let fake: FakeConsole;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-flows-'));
    const frames = 30;
    await makeVideo(join(cwd, 'store.mp4'), { frames, width: 320, height: 180, pattern: true });
    const boxes: Box[][] = Array.from({ length: frames }, (_, i) => [
      [200 + 40 * i, 300, 420 + 40 * i, 1000],
      [1300, 200, 1500, 900],
    ]);
    await writeSeedCsv(join(cwd, 'store.csv'), boxes);
    const start = Date.UTC(2024, 4, 1, 12, 0, 0, 0);
    const records: FakeRecord[] = Array.from({ length: 10 }, (_, r) => ({
      id: `rec-${r}`,
      inferences: [2 * r, 2 * r + 1].map((k) => ({
        T: formatTimestamp(start + k * 500),
        detections: Array.from({ length: (k % 3) + 1 }, (_, p) => ({ left: 20 + p * 90, top: 40, right: 80 + p * 90, bottom: 280, score: 0.8, class_id: 0 })),
      })),
    }));
    const devices: FakeDevice[] = [
      {
        device_id: 'Aid-cam-entrance',
        device_name: 'Entrance',
        records,
        directories: { '20240501120000': Array.from({ length: 10 }, (_, r) => `${formatTimestamp(start + 2 * r * 500)}.jpg`) },
      },
    ];
    fake = await FakeConsole.start({ devices });
    app = await openApp(cwd, { PATH: process.env.PATH, HOME: process.env.HOME });
    await app.page.goto(app.serve.url.href);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await fake?.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('a retail analyst: video and CSV, the timeline and the Export dialog', async () => {
    const { page } = app;
    expect(await checkScreen(page, 'analyst-first')).toEqual(CLEAN);
    await page.getByLabel('Metadata file').fill(join(cwd, 'store.csv'));
    await page.getByLabel('Video (optional)').fill(join(cwd, 'store.mp4'));
    await expect.poll(() => page.getByTestId('note-video_file').textContent(), { timeout: 20_000 }).toMatch(/video/);
    await expect.poll(() => page.getByTestId('analyse').isEnabled(), { timeout: 20_000 }).toBe(true);
    await page.getByTestId('analyse').click();
    await page.getByTestId('frame-number').filter({ hasText: 'frame 1 / 30' }).waitFor({ timeout: 120_000 });
    // 30 frames: Shift+arrows would step 1 frame, as the arrows do, so the caption names only Page Up/Down's 3 frames.
    await expect.poll(() => page.getByTestId('key-steps').textContent()).toBe('Page Up/Down 3 frames');
    expect(await checkScreen(page, 'analyst-timeline')).toEqual(CLEAN);
    await page.getByTestId('export').click();
    await page.getByRole('dialog', { name: 'Export' }).waitFor();
    expect(await checkScreen(page, 'analyst-export')).toEqual(CLEAN);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Export' }).waitFor({ state: 'detached' });
  }, 240_000);

  it('an AITRIOS user: the Console, a device\'s image folder, the timeline', async () => {
    const { page } = app;
    await page.getByRole('radio', { name: 'AITRIOS Console' }).click();
    await page.getByRole('region', { name: 'Console' }).waitFor();
    expect(await checkScreen(page, 'console-signin')).toEqual(CLEAN);
    const credentials = fake.credentials;
    await page.getByLabel('console endpoint', { exact: true }).fill(credentials.console_endpoint);
    await page.getByLabel('portal authorization endpoint').fill(credentials.portal_authorization_endpoint);
    await page.getByLabel('client id').fill(credentials.client_id);
    await page.getByLabel('client secret').fill(credentials.client_secret);
    await page.getByRole('button', { name: 'Save credentials' }).click();
    await page.locator('.devices li button', { hasText: 'Entrance' }).click({ timeout: 30_000 });
    await expect.poll(() => page.getByLabel('image folder').locator('option').count(), { timeout: 30_000 }).toBe(2);
    await page.getByLabel('image folder').selectOption('20240501120000');
    await page.getByRole('button', { name: 'Find the data range' }).click();
    await page.getByRole('button', { name: "Use the images' range" }).click({ timeout: 30_000 });
    expect(await checkScreen(page, 'console-device')).toEqual(CLEAN);
    await page.getByTestId('analyse').click();
    await page.getByTestId('frame-number').filter({ hasText: 'frame 1 / 10' }).waitFor({ timeout: 120_000 });
    expect(await checkScreen(page, 'console-timeline')).toEqual(CLEAN);
    await page.getByRole('radio', { name: 'Local files' }).click();
  }, 240_000);

  it.skipIf(!existsSync(MOT))('a researcher: a MOTChallenge det.txt in its 640×480 space', async () => {
    const { page } = app;
    const rows = readFileSync(MOT, 'utf8').split('\n').filter((line) => line.trim() !== '').length;
    await page.getByLabel('Video (optional)').fill('');
    await page.getByLabel('Metadata file').fill(MOT);
    await expect.poll(() => page.getByTestId('note-meta_file').textContent(), { timeout: 20_000 }).toMatch(/MOT/);
    await page.getByTestId('analyse').click();
    await page.getByTestId('frame-number').filter({ hasText: 'frame 1 / 179' }).waitFor({ timeout: 120_000 });
    // Read with the default 1920×1080, the detections crowd the top-left corner: the notice says so.
    expect(await page.getByTestId('coordinate-seen').textContent()).toBe(`all ${rows} detections stay within x ≤ 639, y ≤ 343`);
    expect(await checkScreen(page, 'researcher-notice')).toEqual(CLEAN);
    await page.getByTestId('use-fitting-size').click();
    expect(await page.getByLabel('Image width (px)').inputValue()).toBe('640');
    expect(await checkScreen(page, 'researcher-out-of-date')).toEqual(CLEAN);
  }, 240_000);
});
