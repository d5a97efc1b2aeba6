/**
 * The Zones panel in Chromium through `crowdheat serve`: draw a zone by clicking its corners,
 * close it with a double-click, name it, drag a corner, export the settings with it, import a
 * YAML with zones, delete one.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_SKIP_REASON, openApp, type OpenApp } from './browser.js';

describe.skipIf(E2E_SKIP_REASON !== null)('zones in the app', () => {
  let app: OpenApp;
  let page: Page;
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-e2e-zones-'));
    app = await openApp(cwd);
    page = app.page;
    await page.goto(app.serve.url.href);
  });

  afterAll(async () => {
    await app?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  /** A point of the zone canvas at fractions of its size, in page pixels. */
  async function at(fx: number, fy: number): Promise<{ x: number; y: number }> {
    const canvas = page.getByTestId('zone-canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (box === null) throw new Error('no zone canvas');
    return { x: box.x + fx * box.width, y: box.y + fy * box.height };
  }

  const polygons = () => page.locator('[data-testid="zone-canvas"] polygon');

  function parsePoints(attribute: string | null): Array<[number, number]> {
    return (attribute ?? '').split(' ').map((pair) => pair.split(',').map(Number) as [number, number]);
  }

  /** Within 16 metadata pixels (a few page pixels of the small canvas) of where the mouse went. */
  function expectNear(points: Array<[number, number]>, expected: Array<[number, number]>): void {
    expect(points).toHaveLength(expected.length);
    points.forEach(([x, y], i) => {
      expect(Math.abs(x - expected[i][0]), `x of corner ${i}`).toBeLessThanOrEqual(16);
      expect(Math.abs(y - expected[i][1]), `y of corner ${i}`).toBeLessThanOrEqual(16);
    });
  }

  it('draws, names and reshapes a zone, and exports it in the YAML', async () => {
    for (const [fx, fy] of [[0.1, 0.5], [0.4, 0.5]]) {
      const point = await at(fx, fy);
      await page.mouse.click(point.x, point.y);
    }
    const last = await at(0.4, 0.9);
    await page.mouse.dblclick(last.x, last.y);
    await expect.poll(() => polygons().count()).toBe(1);
    // The metadata space is 1920×1080 by default; a page pixel of the small canvas is several metadata pixels.
    const drawn = parsePoints(await polygons().first().getAttribute('points'));
    expectNear(drawn, [[192, 540], [768, 540], [768, 972]]);
    await page.getByTestId('zone-name').fill('entrance');

    const corner = await at(drawn[0][0] / 1920, drawn[0][1] / 1080);
    const target = await at(0.05, 0.4);
    await page.mouse.move(corner.x, corner.y);
    await page.mouse.down();
    await page.mouse.move(target.x, target.y, { steps: 4 });
    await page.mouse.up();
    await expect.poll(async () => parsePoints(await polygons().first().getAttribute('points'))[0][0]).toBeLessThan(130);
    const moved = parsePoints(await polygons().first().getAttribute('points'));
    expectNear(moved, [[96, 432], [768, 540], [768, 972]]);
    expect(moved.slice(1)).toEqual(drawn.slice(1));

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export YAML…' }).click();
    const path = await (await download).path();
    const pairs = moved.map(([x, y]) => `[${x}, ${y}]`).join(', ');
    expect(await readFile(path, 'utf8')).toContain(`zones:\n  - name: entrance\n    points: [${pairs}]\n`);
  });

  it('shows the zones of an imported YAML, and Delete removes the selected one', async () => {
    const yaml = `data_source_settings:\n  local_data_settings:\n    meta_file: det.txt\nzones:\n  - {name: door, points: [[0, 0], [500, 0], [500, 500]]}\n  - {name: till, points: [[1000, 100], [1500, 100], [1500, 600], [1000, 600]]}\n`;
    await page.locator('input[type="file"][accept=".yaml,.yml"]').setInputFiles({ name: 'zones.yaml', mimeType: 'application/yaml', buffer: Buffer.from(yaml) });
    await expect.poll(() => polygons().count()).toBe(2);
    expect(await page.locator('[data-testid="zone-canvas"] text').allTextContents()).toEqual(['door', 'till']);
    const corner = await at(1500 / 1920, 600 / 1080);
    await page.mouse.click(corner.x, corner.y);
    expect(await page.getByTestId('zone-name').inputValue()).toBe('till');
    await page.keyboard.press('Delete');
    await expect.poll(() => polygons().count()).toBe(1);
    expect(await page.locator('[data-testid="zone-canvas"] text').allTextContents()).toEqual(['door']);
  });
});
