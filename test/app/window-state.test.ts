/** The desktop window's remembered size and place, read and written as the Electron shell does. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW, readWindowState, writeWindowState } from '../../src-main/app/window-state.js';

const SCREEN = [{ x: 0, y: 0, width: 1920, height: 1040 }];

describe('the remembered window', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crowdheat-window-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('comes back as it was written', async () => {
    const file = join(dir, 'state.json');
    await writeWindowState(file, { x: 120, y: 80, width: 1280, height: 760, maximized: true });
    expect(await readWindowState(file, SCREEN)).toEqual({ x: 120, y: 80, width: 1280, height: 760, maximized: true });
  });

  it('is the default window when the file is missing or broken', async () => {
    expect(await readWindowState(join(dir, 'none.json'), SCREEN)).toEqual(DEFAULT_WINDOW);
    await writeFile(join(dir, 'broken.json'), '{"width": 1280,');
    expect(await readWindowState(join(dir, 'broken.json'), SCREEN)).toEqual(DEFAULT_WINDOW);
  });

  it('drops a place off every screen and sizes out of range, keeping the rest', async () => {
    const file = join(dir, 'odd.json');
    await writeFile(file, JSON.stringify({ x: 2500, y: 100, width: 300, height: 700.4, maximized: 'yes' }));
    expect(await readWindowState(file, SCREEN)).toEqual({ width: 1400, height: 700, maximized: false });
    expect(await readWindowState(file, [...SCREEN, { x: 1920, y: 0, width: 1920, height: 1080 }])).toEqual({
      x: 2500,
      y: 100,
      width: 1400,
      height: 700,
      maximized: false,
    });
  });
});
