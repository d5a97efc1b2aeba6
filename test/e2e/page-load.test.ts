/**
 * Opening the app's page logs nothing as an error: every request the page makes on load (the
 * script, the style sheet, the icon) is answered, so the browser's console stays clean.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';

describe.skipIf(E2E_SKIP_REASON !== null)('loading the app in Chromium through crowdheat serve', () => {
  let app: OpenApp;
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-load-'));
    app = await openApp(cwd);
  });

  afterAll(async () => {
    await app?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  it('logs no console error and gets no failed response while the page loads (no /favicon.ico 404)', async () => {
    const { page } = app;
    const errors: string[] = [];
    const failed: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url.replace(/token=[^&]*/, 'token=…')})`);
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    await page.goto(app.serve.url.href, { waitUntil: 'networkidle' });
    await page.getByTestId('analyse').waitFor();
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
  });
});
