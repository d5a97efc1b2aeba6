/**
 * The AITRIOS Console flow in a real browser, as a new user goes through it: `crowdheat serve`
 * in Chromium against the fake Console (real HTTP on 127.0.0.1). Expected frames and counts are
 * worked out here from what the fake is seeded with, not from crowdheat's outputs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTimestamp } from '../../src-shared/frames.js';
import { FakeConsole, type FakeDevice, type FakeRecord } from '../fake-console.js';
import { E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';
import { seriousViolations } from './axe.js';

const START = Date.UTC(2024, 4, 1, 12, 0, 0, 0);
/** Inference k is at START + 500·k ms; record r holds inferences 2r and 2r+1; images are at the even ones. */
const timeOf = (k: number): number => START + k * 500;
const t = (k: number): string => formatTimestamp(timeOf(k));
const INFERENCES = 20;
/** People the fake reports at inference k. */
const peopleAt = (k: number): number => (k % 4) + 1;
/** The timeline's way of writing a T, derived here from the clock rather than from the T string. */
const readable = (k: number): string => new Date(timeOf(k)).toISOString().replace('T', ' ').replace('Z', ' UTC');
/** The page runs in Tokyo (UTC+09:00, no daylight saving): the pickers show its wall-clock time. */
const TIME_ZONE = 'Asia/Tokyo';
const TOKYO_OFFSET_MS = 9 * 60 * 60 * 1000;
/** Inference k's moment as Tokyo wall-clock time, to the millisecond: `2024-05-01T21:00:01.500`. */
const tokyoTime = (k: number): string => new Date(timeOf(k) + TOKYO_OFFSET_MS).toISOString().slice(0, 23);
/**
 * The same as the picker's value: HTML's normalized form leaves out zero milliseconds and
 * seconds and trailing zeros of the fraction (`21:00:01.5`, `21:00:09`, `21:00`).
 */
const tokyoInput = (k: number): string => tokyoTime(k).replace(/\.?0+$/, '').replace(/:00$/, '');
const tokyoLabel = (k: number): string => tokyoTime(k).replace('T', ' ');

const records: FakeRecord[] = Array.from({ length: INFERENCES / 2 }, (_, r) => ({
  id: `rec-${r}`,
  inferences: [2 * r, 2 * r + 1].map((k) => ({
    T: t(k),
    detections: Array.from({ length: peopleAt(k) }, (_, p) => ({ left: 40 + p * 60, top: 30, right: 80 + p * 60, bottom: 150, score: 0.8, class_id: 0 })),
  })),
}));
const DEVICES: FakeDevice[] = [
  {
    device_id: 'Aid-cam-entrance',
    device_name: 'Entrance',
    records,
    directories: { '20240501120000': Array.from({ length: INFERENCES / 2 }, (_, r) => `${t(2 * r)}.jpg`) },
  },
  { device_id: 'Aid-cam-bay', device_name: 'Loading bay', connection_state: 'Disconnected' },
];
const WRONG_SECRET = 'not-the-secret-7Hq2';

describe.skipIf(E2E_SKIP_REASON !== null)('the Console flow in Chromium through crowdheat serve', () => {
  let fake: FakeConsole;
  let app: OpenApp;
  let page: Page;
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-console-'));
    fake = await FakeConsole.start({ devices: DEVICES });
    // No credentials or proxy in the environment: only what the user types reaches the Console.
    app = await openApp(cwd, { PATH: process.env.PATH, HOME: process.env.HOME });
    page = await app.browser.newPage({ viewport: { width: 1400, height: 900 }, timezoneId: TIME_ZONE });
    await page.goto(app.serve.url.href);
  });

  afterAll(async () => {
    await app?.close();
    await fake?.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  /** The error messages the window shows, oldest first. */
  const errors = () => page.locator('.messages li.error span').allTextContents();

  async function saveCredentials(credentials: { console_endpoint: string; portal_authorization_endpoint: string; client_id: string; client_secret: string }) {
    const forget = page.getByRole('button', { name: 'Forget' });
    if (await forget.isVisible()) await forget.click();
    await page.getByLabel('console endpoint', { exact: true }).fill(credentials.console_endpoint);
    await page.getByLabel('portal authorization endpoint').fill(credentials.portal_authorization_endpoint);
    await page.getByLabel('client id').fill(credentials.client_id);
    await page.getByLabel('client secret').fill(credentials.client_secret);
    await page.getByRole('button', { name: 'Save credentials' }).click();
  }

  const fromPicker = () => page.getByLabel('from (local time)');
  const toPicker = () => page.getByLabel('to (local time)');
  /** What the range pickers show: local values and the UTC beside each. */
  const pickers = async () => ({
    from: await fromPicker().inputValue(),
    fromUtc: await page.getByTestId('from-utc').textContent(),
    to: await toPicker().inputValue(),
    toUtc: await page.getByTestId('to-utc').textContent(),
  });

  /** What the timeline shows about the current frame. */
  const shown = async () => ({
    number: await page.getByTestId('frame-number').textContent(),
    time: await page.getByTestId('frame-time').textContent(),
    people: await page.getByTestId('people-count').textContent(),
  });

  /**
   * Steps through the timeline from its first frame, expecting frame i to show `inferences[i]`'s
   * time and people count. A frame's data arrives after its number, hence a poll per frame.
   */
  async function expectTimeline(inferences: number[]): Promise<void> {
    const frames = inferences.length;
    const timeline = page.getByLabel('Timeline');
    await expect.poll(() => page.getByTestId('frame-number').textContent(), { timeout: 60_000 }).toBe(`frame 1 / ${frames}`);
    for (let i = 0; i < frames; i++) {
      if (i > 0) await timeline.press('ArrowRight');
      const k = inferences[i];
      await expect.poll(shown, { timeout: 10_000 }).toEqual({ number: `frame ${i + 1} / ${frames}`, time: readable(k), people: `people: ${peopleAt(k)}` });
    }
  }

  it('saves the credentials, lists the devices as the Console reports them, and keeps the secret out of the page', async () => {
    await page.getByRole('radio', { name: 'AITRIOS Console' }).click();
    await expect.poll(() => page.getByTestId('run-credentials').textContent()).toContain('analyses read the credentials file below');
    await saveCredentials(fake.credentials);
    await expect.poll(() => page.locator('.devices li').allTextContents(), { timeout: 30_000 }).toEqual(
      DEVICES.map((device) => `${device.device_name} ${device.connection_state ?? 'Connected'}`),
    );
    await expect.poll(() => page.locator('.credentials-status').textContent()).toContain(`Signed in as ${fake.credentials.client_id}`);
    expect(await page.getByTestId('run-credentials').textContent()).toBe('Analyses use these saved credentials; the credentials file below is not read.');
    expect(await page.content()).not.toContain(fake.credentials.client_secret);
    const values = await page.evaluate(() => Array.from(document.querySelectorAll('input'), (input) => input.value).join('\n'));
    expect(values).not.toContain(fake.credentials.client_secret);
  });

  it('Case 1: analyses a device\'s image folder over a time range and shows each image with its people count', async () => {
    await page.locator('.devices li button', { hasText: 'Entrance' }).click();
    await expect.poll(() => page.getByLabel('device id').inputValue()).toBe('Aid-cam-entrance');
    await expect.poll(() => page.getByLabel('image folder').locator('option').allTextContents()).toEqual(['metadata only (no images)', '20240501120000']);
    await page.getByLabel('image folder').selectOption('20240501120000');
    // Images at inferences 4, 6, … 14 fall in the range; the 5 earliest are analysed. The range
    // is typed as Tokyo wall-clock time; the UTC moment shows beside each picker.
    await fromPicker().fill(tokyoInput(3));
    await toPicker().fill(tokyoInput(15));
    await expect.poll(pickers).toEqual({ from: tokyoInput(3), fromUtc: readable(3), to: tokyoInput(15), toUtc: readable(15) });
    await page.getByLabel('images', { exact: true }).fill('5');
    await page.getByTestId('analyse').click();
    await expectTimeline([4, 6, 8, 10, 12]);
    await page.screenshot({ path: join(tmpdir(), 'crowdheat-e2e-console-case1.png') });
  }, 120_000);

  it('Case 2: analyses metadata only, the newest results within the range', async () => {
    await page.getByLabel('image folder').selectOption('');
    await expect.poll(() => page.getByTestId('results-hint').textContent()).toContain('A record can hold several inferences and each inference is a frame');
    await page.getByLabel('result records', { exact: true }).fill('3');
    await page.getByTestId('analyse').click();
    // Records holding inferences 3…15: the newest 3 are records 7, 6 and 5, i.e. inferences 10…15.
    await expectTimeline([10, 11, 12, 13, 14, 15]);
  }, 120_000);

  it('lists what the analyses kept of the device, passes axe, and Clear empties that device\'s part', async () => {
    const kept = page.getByTestId('console-cache-device');
    // The Case 1 run fetched the folder's one page: all 10 images.
    await expect.poll(() => kept.allTextContents(), { timeout: 30_000 }).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Aid-cam-entrance of ${fake.credentials.console_endpoint.replace(/[.]/g, '\\.')}: \\d+ inferences, 10 images, \\d+ kB ` +
            '\\(from 2024-05-01 21:00:0\\d(\\.\\d+)? to 2024-05-01 21:00:\\d\\d(\\.\\d+)?\\) Clear$',
        ),
      ),
    ]);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: `Clear what is kept of Aid-cam-entrance of ${fake.credentials.console_endpoint}` }).click();
    await expect.poll(() => page.getByTestId('console-cache-empty').textContent()).toBe('Nothing kept yet.');
    expect(await kept.count()).toBe(0);
  }, 60_000);

  it('"Use this range" of metadata only asks for every result record of the range, and the analysis holds all of it', async () => {
    await page.getByLabel('image folder').selectOption('');
    await page.getByLabel('result records', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Find the data range' }).click();
    await page.getByRole('button', { name: 'Use this range' }).click();
    await expect.poll(pickers).toEqual({ from: tokyoInput(0), fromUtc: readable(0), to: tokyoInput(INFERENCES - 1), toUtc: readable(INFERENCES - 1) });
    // It stayed at 3 (the newest 3 records, 6 of the range's 20 inferences) before the fix.
    expect(await page.getByLabel('result records', { exact: true }).inputValue()).toBe('1000000');
    await page.getByTestId('analyse').click();
    await expectTimeline(Array.from({ length: INFERENCES }, (_, k) => k));
  }, 120_000);

  it('finds the device\'s data range and the folder\'s images, shown in local time and UTC, and puts either into the pickers', async () => {
    await page.getByLabel('image folder').selectOption('20240501120000');
    await page.getByRole('button', { name: 'Find the data range' }).click();
    await expect.poll(() => page.getByTestId('range-inferences').textContent(), { timeout: 30_000 }).toBe(
      `Inference results from ${tokyoLabel(0)} to ${tokyoLabel(INFERENCES - 1)} (${readable(0)} to ${readable(INFERENCES - 1)}) Use this range`,
    );
    expect(await page.getByTestId('range-images').textContent()).toBe(
      `10 images in 20240501120000, from ${tokyoLabel(0)} to ${tokyoLabel(18)} (${readable(0)} to ${readable(18)}) Use the images' range`,
    );
    await page.getByLabel('images', { exact: true }).fill('5');
    await page.getByRole('button', { name: "Use the images' range" }).click();
    await expect.poll(pickers).toEqual({ from: tokyoInput(0), fromUtc: readable(0), to: tokyoInput(18), toUtc: readable(18) });
    // The images to fetch become the folder's count, so the range used is analysed whole (it stayed at 5).
    expect(await page.getByLabel('images', { exact: true }).inputValue()).toBe('10');
    await page.getByRole('button', { name: 'Use this range' }).click();
    await expect.poll(pickers).toEqual({ from: tokyoInput(0), fromUtc: readable(0), to: tokyoInput(INFERENCES - 1), toUtc: readable(INFERENCES - 1) });
    await page.getByLabel('images', { exact: true }).fill('3');
    await page.getByTestId('analyse').click();
    await expectTimeline([0, 2, 4]);
  }, 120_000);

  it('switching device resets the image folder; a device without data in range is an error that keeps the result on screen', async () => {
    await expect.poll(() => page.getByLabel('image folder').inputValue()).toBe('20240501120000');
    await page.locator('.devices li button', { hasText: 'Loading bay' }).click();
    await expect.poll(() => page.getByLabel('device id').inputValue()).toBe('Aid-cam-bay');
    // The bay has no folders: only "metadata only" is offered, and it is what is chosen.
    await expect.poll(() => page.getByLabel('image folder').locator('option').allTextContents()).toEqual(['metadata only (no images)']);
    expect(await page.getByLabel('image folder').inputValue()).toBe('');
    const before = await errors();
    await page.getByTestId('analyse').click();
    await expect
      .poll(async () => (await errors()).slice(before.length), { timeout: 30_000 })
      .toEqual([`Analysis failed: no data for device Aid-cam-bay between ${new Date(timeOf(0)).toISOString()} and ${new Date(timeOf(INFERENCES - 1)).toISOString()} on the Console`]);
    // The previous analysis stays: same frames, same last frame shown.
    expect(await shown()).toEqual({ number: 'frame 3 / 3', time: readable(4), people: `people: ${peopleAt(4)}` });
    await expect.poll(() => page.getByTestId('analyse').isEnabled()).toBe(true);
  }, 60_000);

  it('saved credentials are checked again when the window opens: signed in only once a token came, and said so when refused', async () => {
    await page.reload();
    await page.getByRole('radio', { name: 'AITRIOS Console' }).click();
    await expect.poll(() => page.getByTestId('credentials-status').textContent(), { timeout: 30_000 }).toContain(
      `Signed in as ${fake.credentials.client_id}`,
    );
    // The secret is revoked on the Console's side: its next token request is refused.
    fake.inject({ kind: 'status', status: 401 }, 1, 'token');
    // A reload starts the message list afresh; the window may reopen on the Console source it remembers.
    await page.reload();
    await page.getByRole('radio', { name: 'AITRIOS Console' }).click();
    await expect.poll(() => page.getByTestId('credentials-status').textContent(), { timeout: 30_000 }).toBe(
      `The saved credentials for ${fake.credentials.client_id} do not work; forget them and enter them again.Forget`,
    );
    expect(await page.content()).not.toContain('Signed in as');
    await expect
      .poll(errors, { timeout: 30_000 })
      .toEqual([expect.stringMatching(/^Console rejected the credentials \(client_id crowdheat-test-client\): /)]);
  }, 60_000);

  it('Forget drops the secret and the client id, keeps the endpoints; a wrong secret is refused and never shows "Signed in"', async () => {
    await page.getByRole('button', { name: 'Forget' }).click();
    expect(
      await Promise.all(
        ['console endpoint', 'portal authorization endpoint', 'client id', 'client secret'].map((label) =>
          page.getByLabel(label, { exact: true }).inputValue(),
        ),
      ),
    ).toEqual([fake.credentials.console_endpoint, fake.credentials.portal_authorization_endpoint, '', '']);
    const before = await errors();
    await saveCredentials({ ...fake.credentials, client_secret: WRONG_SECRET });
    const refused = /^Console rejected the credentials \(client_id crowdheat-test-client\): .*check client_id and client_secret$/;
    await expect.poll(async () => (await errors()).slice(before.length), { timeout: 30_000 }).toEqual([expect.stringMatching(refused)]);
    expect(await page.locator('.credentials-status').count()).toBe(0);
    expect(await page.content()).not.toContain('Signed in as');
    // The form keeps what was typed, to fix the secret alone.
    expect(await page.getByLabel('client id').inputValue()).toBe(fake.credentials.client_id);
    expect(await page.content()).not.toContain(WRONG_SECRET);
  }, 60_000);

  it('an unreachable Console: the window says it cannot reach it, never "Signed in", and stays usable', async () => {
    const gone = await FakeConsole.start({ devices: [] });
    const closed = gone.credentials;
    await gone.stop();
    await saveCredentials(closed);
    // Connection failures are retried with backoff before the message comes.
    // The line ends with the attempts made: "(5 attempts, 1.2 s in all)".
    const unreachable = `cannot reach ${closed.portal_authorization_endpoint}: connect ECONNREFUSED ${new URL(closed.console_endpoint).host}`;
    await expect
      .poll(async () => (await errors()).map((line) => line.replace(/ \(\d+ attempts?, [\d.]+ s in all\)$/, '')), { timeout: 60_000 })
      .toContain(unreachable);
    expect(await page.content()).not.toContain('Signed in as');
    await page.getByRole('radio', { name: 'Local files' }).click();
    await expect.poll(() => page.getByLabel('metadata file').isVisible()).toBe(true);
  }, 90_000);

  it('never printed a secret on the web host\'s stdout or stderr', () => {
    const printed = app.serve.output();
    expect(printed).toContain(app.serve.url.href);
    expect(printed).not.toContain(fake.credentials.client_secret);
    expect(printed).not.toContain(WRONG_SECRET);
  });
});
