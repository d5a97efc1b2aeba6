/**
 * The app as a user opens it: `crowdheat serve` started from the build, its URL loaded in
 * Debian's Chromium driven by playwright-core. Shared by the browser tests.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { SERVE_BUILT, startServe, type ServeProcess } from '../serve-process.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run on this machine, or null when they can. */
export const E2E_SKIP_REASON: string | null = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is not installed (apt-get install chromium)`
  : !SERVE_BUILT
    ? 'the app is not built (npm run build)'
    : null;

if (E2E_SKIP_REASON !== null) console.warn(`e2e: skipped: ${E2E_SKIP_REASON}`);

export interface OpenApp {
  serve: ServeProcess;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** Starts `crowdheat serve` in `cwd` (with `env`) and a headless Chromium page at its size; the page is not loaded yet. */
export async function openApp(cwd: string, env?: NodeJS.ProcessEnv): Promise<OpenApp> {
  const serve = await startServe(cwd, env);
  const browser = await chromium.launch({
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
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  return {
    serve,
    browser,
    page,
    close: async () => {
      await browser.close();
      await serve.stop();
    },
  };
}

/** The RGB of the canvas pixel at `at` (canvas pixels, not CSS pixels). */
export function canvasPixel(canvas: Locator, at: { x: number; y: number }): Promise<number[]> {
  return canvas.evaluate((element: HTMLCanvasElement, point) => {
    const pixel = element.getContext('2d')!.getImageData(point.x, point.y, 1, 1).data;
    return [pixel[0], pixel[1], pixel[2]];
  }, at);
}
