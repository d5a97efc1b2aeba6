import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { REQUEST_NAMES, type MenuAction } from '../../src-shared/api.js';
import { defaultSettings } from '../../src-shared/settings/index.js';
import { InputError } from '../../src-shared/errors.js';
import { dialogFor } from '../../src-main/electron/dialogs.js';
import { menuTemplate } from '../../src-main/electron/menu.js';
import { utilityProcessWorker, type UtilityChild } from '../../src-main/electron/pipeline-process.js';
import { outsideAsar } from '../../src-main/ffmpeg/locate.js';
import { runInWorker } from '../../src-main/pipeline/worker-client.js';
import { WORKER_ENV } from '../../src-main/pipeline/worker-protocol.js';
import { readPreviewIndex } from '../../src-main/sinks/preview.js';

/** The compiled worker, as Electron's main process starts it (tests run from the sources). */
const BUILT_WORKER = fileURLToPath(new URL('../../dist/src-main/pipeline/worker.js', import.meta.url));

function clickables(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? clickables(item.submenu) : [])]).filter((item) => item.click !== undefined);
}

describe('application menu', () => {
  it('sends each app action once, with the File shortcuts', () => {
    const sent: MenuAction[] = [];
    const items = clickables(menuTemplate((action) => sent.push(action), 'linux'));
    for (const item of items) (item.click as () => void)();
    expect(sent).toEqual(['open-metadata', 'open-video', 'open-demo', 'import-settings', 'export-settings', 'export', 'export-parquet', 'write-report']);
    expect(items.map((item) => item.accelerator)).toEqual(['CmdOrCtrl+O', 'CmdOrCtrl+Shift+O', undefined, 'CmdOrCtrl+I', 'CmdOrCtrl+S', 'CmdOrCtrl+E', undefined, undefined]);
  });

  it('puts the app menu first on macOS and Quit in File elsewhere', () => {
    expect(menuTemplate(() => undefined, 'darwin')[0].role).toBe('appMenu');
    const file = menuTemplate(() => undefined, 'win32')[0].submenu as MenuItemConstructorOptions[];
    expect(file.at(-1)?.role).toBe('quit');
  });
});

describe('native dialogs', () => {
  it('opens files for sources, a folder for export, and saves settings as YAML', () => {
    expect(dialogFor('video')).toMatchObject({ kind: 'open', options: { properties: ['openFile'] } });
    expect(dialogFor('folder')).toMatchObject({ kind: 'open', options: { properties: ['openDirectory', 'createDirectory'] } });
    expect(dialogFor('settings-save')).toMatchObject({ kind: 'save', options: { defaultPath: 'heat_map_app.yaml' } });
  });
});

describe('preload', () => {
  it('lists exactly the request names of api.ts', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(fileURLToPath(new URL('../../src-main/electron/preload.cts', import.meta.url)), 'utf8');
    const listed = /const REQUESTS = \[([^\]]*)\]/.exec(source)![1].match(/'(\w+)'/g)!.map((name) => name.slice(1, -1));
    expect(listed).toEqual([...REQUEST_NAMES]);
  });
});

describe('packaged paths', () => {
  it('starts the bundled ffmpeg from app.asar.unpacked, where asarUnpack puts it', () => {
    expect(outsideAsar('/opt/crowdheat/resources/app.asar/node_modules/@ffmpeg-installer/linux-x64/ffmpeg')).toBe(
      '/opt/crowdheat/resources/app.asar.unpacked/node_modules/@ffmpeg-installer/linux-x64/ffmpeg',
    );
    expect(outsideAsar('C:\\Program Files\\crowdheat\\resources\\app.asar\\node_modules\\@ffmpeg-installer\\win32-x64\\ffmpeg.exe')).toBe(
      'C:\\Program Files\\crowdheat\\resources\\app.asar.unpacked\\node_modules\\@ffmpeg-installer\\win32-x64\\ffmpeg.exe',
    );
    expect(outsideAsar('/opt/crowdheat/resources/app.asar.unpacked/node_modules/x/ffmpeg')).toBe('/opt/crowdheat/resources/app.asar.unpacked/node_modules/x/ffmpeg');
    expect(outsideAsar('/home/me/crowdheat/node_modules/@ffmpeg-installer/linux-x64/ffmpeg')).toBe('/home/me/crowdheat/node_modules/@ffmpeg-installer/linux-x64/ffmpeg');
  });
});

describe.skipIf(!existsSync(BUILT_WORKER))('utilityProcess worker (a real child process running the pipeline worker entry)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crowdheat-utility-'));
    const rows = Array.from({ length: 30 }, (_, i) => `${i},"{""perception"": {""object_detection_list"": [{""class_id"": 0, ""bounding_box"": {""left"": 100, ""top"": 100, ""right"": 300, ""bottom"": 500}, ""score"": 0.9}]}}"`);
    await writeFile(join(dir, 'meta.csv'), `,0\n${rows.join('\n')}\n`);
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** A Node child with the utilityProcess surface the adapter uses, started as main.ts starts the worker. */
  function forkedChild(): UtilityChild & { killed: () => boolean } {
    const child = fork(BUILT_WORKER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, [WORKER_ENV]: '1' } });
    let killed = false;
    const adapter = {
      postMessage: (message: unknown) => void child.send(message as object),
      on(event: 'message' | 'exit', listener: (value: never) => void) {
        if (event === 'message') child.on('message', listener as (message: unknown) => void);
        else child.on('exit', (code) => (listener as (code: number) => void)(code ?? 0));
        return adapter;
      },
      kill: () => {
        killed = true;
        return child.kill();
      },
      killed: () => killed,
    };
    return adapter as UtilityChild & { killed: () => boolean };
  }

  it('runs an analysis with its previews, and ends the process once the run is reported', async () => {
    let child: ReturnType<typeof forkedChild> | undefined;
    const startWorker = utilityProcessWorker(() => (child = forkedChild()));
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = join(dir, 'meta.csv');
    settings.output_settings.output_dir = join(dir, 'work', 'output');
    const frames: number[] = [];
    const summary = await runInWorker(settings, {
      cwd: dir,
      previewDir: join(dir, 'work', 'preview'),
      onProgress: (progress) => frames.push(progress.frames),
      startWorker,
    });
    expect(summary.frames).toBe(30);
    expect(frames.at(-1)).toBe(30);
    const index = await readPreviewIndex(join(dir, 'work', 'preview'));
    expect(index.frameCount).toBe(30);
    // One person standing still in every frame: a cell under the box counts them once a frame,
    // 15 times over the default 15-frame window.
    expect(index.peak).toBe(15);
    expect(child?.killed()).toBe(true);
  });

  it('carries an input error back as the same typed error and ends the process', async () => {
    let child: ReturnType<typeof forkedChild> | undefined;
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = join(dir, 'missing.csv');
    settings.output_settings.output_dir = join(dir, 'work-missing', 'output');
    const error = await runInWorker(settings, { cwd: dir, startWorker: utilityProcessWorker(() => (child = forkedChild())) }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`meta_file not found: ${join(dir, 'missing.csv')}`);
    expect(child?.killed()).toBe(true);
  });
});
