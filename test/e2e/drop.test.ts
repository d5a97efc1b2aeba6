/**
 * Drag and drop in a real browser: `crowdheat serve` started as a user would, Debian's Chromium
 * driven by playwright-core, and real `drop` events carrying a DataTransfer of Files built in the
 * page from files made here. Needs the build (`npm test` builds first) and /usr/bin/chromium.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVideo, writeSeedCsv, type Box } from '../video/fixtures.js';
import { E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';

const FRAMES = 20;

const META = '[data-key="data_source_settings.local_data_settings.meta_file"] input';
const VIDEO = '[data-key="data_source_settings.local_data_settings.video_file"] input';
const CMAP = '[data-key="output_settings.cmap"] input';

describe.skipIf(E2E_SKIP_REASON !== null)('dropping files on the window (Chromium through crowdheat serve)', () => {
  let app: OpenApp;
  let page: Page;
  let cwd: string;
  /** File name → its bytes in base64, for building Files in the page. */
  const files: Record<string, string> = {};

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-drop-'));
    const boxes: Box[][] = Array.from({ length: FRAMES }, (_, i) => [[100 + 20 * i, 200, 400 + 20 * i, 900]]);
    await writeSeedCsv(join(cwd, 'meta.csv'), boxes);
    await makeVideo(join(cwd, 'clip.mp4'), { frames: FRAMES, width: 64, height: 48 });
    await writeFile(join(cwd, 'garbage.bin'), Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256)));
    await writeFile(join(cwd, 'heat_map_app.yaml'), 'data_source_settings:\n  mode: "local"\n  local_data_settings:\n    meta_file: "meta.csv"\noutput_settings:\n  cmap: "viridis"\n');
    for (const name of ['meta.csv', 'clip.mp4', 'garbage.bin', 'heat_map_app.yaml']) {
      files[name] = (await readFile(join(cwd, name))).toString('base64');
    }

    app = await openApp(cwd);
    page = app.page;
    await page.goto(app.serve.url.href);
    await page.locator('header h1 small').filter({ hasText: 'browser' }).waitFor();
  });

  afterAll(async () => {
    await app?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  /** Fires `type` at the page's body as the browser does for a drag from the desktop, carrying `names`. */
  async function dispatch(type: 'dragenter' | 'dragleave' | 'drop', names: string[]): Promise<void> {
    await page.evaluate(
      ({ type, dropped }) => {
        const transfer = new DataTransfer();
        for (const { name, base64 } of dropped) {
          const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
          transfer.items.add(new File([bytes], name));
        }
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      { type, dropped: names.map((name) => ({ name, base64: files[name] })) },
    );
  }

  /** Every setting field's value, to see that nothing changed. */
  const fieldValues = () =>
    page.locator('[data-key] input, [data-key] select').evaluateAll((inputs) =>
      inputs.map((input) => `${input.closest('[data-key]')?.getAttribute('data-key')}=${(input as HTMLInputElement).value}`),
    );
  const messages = () => page.locator('.messages').textContent();

  it('shows the overlay while files hover, and hides it when they leave', async () => {
    await dispatch('dragenter', ['meta.csv']);
    await expect.poll(() => page.getByTestId('drop-overlay').textContent()).toBe(
      'Drop a video, a metadata file (CSV, det.txt, inference JSON) or settings YAML',
    );
    await page.screenshot({ path: join(tmpdir(), 'crowdheat-e2e-drop-overlay.png') });
    await dispatch('dragleave', ['meta.csv']);
    await expect.poll(() => page.getByTestId('drop-overlay').count()).toBe(0);
  });

  it('fills the metadata and video from a drop, then analyses them', async () => {
    await dispatch('dragenter', ['meta.csv', 'clip.mp4']);
    await dispatch('drop', ['meta.csv', 'clip.mp4']);
    await expect.poll(messages, { timeout: 30_000 }).toContain('Loaded metadata meta.csv (seed CSV), video clip.mp4 (64×48, 20 frames).');
    // The browser sent copies: the fields hold the host's paths of them.
    expect(await page.locator(META).inputValue()).toMatch(/\/uploads\/[0-9a-f]{16}\/meta\.csv$/);
    expect(await page.locator(VIDEO).inputValue()).toMatch(/\/uploads\/[0-9a-f]{16}\/clip\.mp4$/);
    expect(await page.getByRole('radio', { name: 'Local files' }).getAttribute('aria-checked')).toBe('true');
    expect(await page.getByTestId('drop-overlay').count()).toBe(0);

    await page.getByTestId('analyse').click();
    await page.getByTestId('frame-canvas').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe(`frame 1 / ${FRAMES}`);
  }, 180_000);

  it('shows a message naming a garbage file and changes nothing, even beside a good file', async () => {
    const before = await fieldValues();
    await dispatch('drop', ['garbage.bin', 'heat_map_app.yaml']);
    await expect.poll(messages, { timeout: 30_000 }).toContain(
      'garbage.bin: not a video, metadata or settings file crowdheat can read (cannot be read as a video: Invalid data found when processing input)',
    );
    expect(await fieldValues()).toEqual(before);
    expect(await page.locator(CMAP).inputValue()).toBe('Reds');
    await page.screenshot({ path: join(tmpdir(), 'crowdheat-e2e-drop-error.png') });
  });

  it('imports dropped settings YAML', async () => {
    await dispatch('drop', ['heat_map_app.yaml']);
    await expect.poll(() => page.locator(CMAP).inputValue(), { timeout: 30_000 }).toBe('viridis');
    expect(await messages()).toContain('Loaded settings from heat_map_app.yaml.');
    expect(await page.locator(META).inputValue()).toBe('meta.csv');
  });
});
