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
import type { AnalysisMessage } from '../../src-main/app/analysis.js';
import { dialogFor } from '../../src-main/electron/dialogs.js';
import { menuTemplate } from '../../src-main/electron/menu.js';
import { utilityProcessRunner, type UtilityChild } from '../../src-main/electron/pipeline-process.js';

const BUILT_CHILD = fileURLToPath(new URL('../../dist/src-main/app/analysis-child.js', import.meta.url));

function clickables(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? clickables(item.submenu) : [])]).filter((item) => item.click !== undefined);
}

describe('application menu', () => {
  it('sends each app action once, with the File shortcuts', () => {
    const sent: MenuAction[] = [];
    const items = clickables(menuTemplate((action) => sent.push(action), 'linux'));
    for (const item of items) (item.click as () => void)();
    expect(sent).toEqual(['open-metadata', 'open-video', 'open-demo', 'import-settings', 'export-settings', 'export']);
    expect(items.map((item) => item.accelerator)).toEqual(['CmdOrCtrl+O', 'CmdOrCtrl+Shift+O', undefined, 'CmdOrCtrl+I', 'CmdOrCtrl+S', 'CmdOrCtrl+E']);
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

describe.skipIf(!existsSync(BUILT_CHILD))('utilityProcess runner (over a real child process running the analysis entry)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crowdheat-utility-'));
    const rows = Array.from({ length: 30 }, (_, i) => `${i},"{""perception"": {""object_detection_list"": [{""class_id"": 0, ""bounding_box"": {""left"": 100, ""top"": 100, ""right"": 300, ""bottom"": 500}, ""score"": 0.9}]}}"`);
    await writeFile(join(dir, 'meta.csv'), `,0\n${rows.join('\n')}\n`);
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** A Node child with the utilityProcess surface the runner uses. */
  function forkedChild(): UtilityChild & { killed: () => boolean } {
    const child = fork(BUILT_CHILD, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
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

  it('runs an analysis, reports done once, and stops its process', async () => {
    let child: ReturnType<typeof forkedChild> | undefined;
    const runner = utilityProcessRunner(() => (child = forkedChild()));
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = join(dir, 'meta.csv');
    const messages: AnalysisMessage[] = [];
    await new Promise<void>((resolve) => {
      runner.start({ settings, cwd: dir, workDir: join(dir, 'work') }, (message) => {
        messages.push(message);
        if (message.type === 'done' || message.type === 'error') resolve();
      });
    });
    const last = messages.at(-1)!;
    expect(last.type).toBe('done');
    expect(last.type === 'done' && last.summary.frames).toBe(30);
    expect(child?.killed()).toBe(true);
    expect(messages.filter((message) => message.type === 'done' || message.type === 'error')).toHaveLength(1);
  });
});
