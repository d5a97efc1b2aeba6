/**
 * The preload as Electron runs it: its source compiled to CommonJS and run in a context of its
 * own whose `require('electron')` answers the three modules it uses (Electron's binary cannot
 * run here), so the bridge it exposes can be called like the page calls it.
 */
import { readFile } from 'node:fs/promises';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PreloadBridge } from '../../src-shared/api.js';

const SOURCE = fileURLToPath(new URL('../../src-main/electron/preload.cts', import.meta.url));

interface Loaded {
  bridge: PreloadBridge;
  exposedAs: string;
  invoked: unknown[][];
  askedFor: File[];
}

let compiled: string;

beforeAll(async () => {
  compiled = ts.transpileModule(await readFile(SOURCE, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
});

/** Runs the preload with `webUtils.getPathForFile` answering `paths` by file name. */
function loadPreload(paths: Record<string, string>): Loaded {
  const loaded: Partial<Loaded> & Pick<Loaded, 'invoked' | 'askedFor'> = { invoked: [], askedFor: [] };
  const electron = {
    contextBridge: {
      exposeInMainWorld(key: string, api: PreloadBridge) {
        loaded.exposedAs = key;
        loaded.bridge = api;
      },
    },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => {
        loaded.invoked.push(args);
        return { ok: true, value: {} };
      },
      on: () => undefined,
      off: () => undefined,
    },
    webUtils: {
      getPathForFile(file: File): string {
        loaded.askedFor.push(file);
        return paths[file.name] ?? '';
      },
    },
  };
  const module = { exports: {} };
  const require = (name: string): unknown => {
    if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
    return electron;
  };
  runInNewContext(compiled, { require, module, exports: module.exports });
  return loaded as Loaded;
}

describe('preload bridge', () => {
  it('exposes the bridge as window.crowdheat', () => {
    expect(loadPreload({}).exposedAs).toBe('crowdheat');
  });

  it("answers a dropped file's path from webUtils, for that very file", () => {
    const preload = loadPreload({ 'hall.mp4': '/home/ana/videos/hall.mp4' });
    const file = new File(['x'], 'hall.mp4');
    expect(preload.bridge.pathForFile(file)).toBe('/home/ana/videos/hall.mp4');
    expect(preload.askedFor).toEqual([file]);
    expect(preload.askedFor[0]).toBe(file);
  });

  it("answers '' for a file with no path on disk", () => {
    expect(loadPreload({}).bridge.pathForFile(new File(['x'], 'made-in-the-page.csv'))).toBe('');
  });

  it('passes known requests to the request channel and refuses others without IPC', async () => {
    const preload = loadPreload({});
    await preload.bridge.invoke('inspectFile', { path: '/data/det.txt' });
    expect(preload.invoked).toEqual([['crowdheat:request', 'inspectFile', { path: '/data/det.txt' }]]);
    const refused = await preload.bridge.invoke('deleteEverything' as never, {});
    expect(refused).toEqual({ ok: false, error: { name: 'NotFound', message: 'no API request named "deleteEverything"' } });
    expect(preload.invoked).toHaveLength(1);
  });
});
