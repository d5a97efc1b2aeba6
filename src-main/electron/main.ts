/**
 * The Electron main process, kept thin (DESIGN.md): one window, the IPC of api.ts, native
 * dialogs, the menu, safeStorage credentials, and analyses in a utilityProcess. Everything
 * else is the shared back end (app/backend.ts), tested in Node.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, safeStorage, screen, session, utilityProcess } from 'electron';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  IPC_EVENT_CHANNEL,
  IPC_REQUEST_CHANNEL,
  isRequestName,
  type ApiEvent,
  type BridgeResult,
  type PickPurpose,
} from '../../src-shared/api.js';
import { isCrowdheatError } from '../../src-shared/errors.js';
import { ConsoleClient } from '../../src-shared/console/client.js';
import { Backend } from '../app/backend.js';
import { prepareDemoSettings } from '../app/demo.js';
import { packageVersion, rendererDir } from '../app/package-root.js';
import { runSmokeTest, wantsSmokeTest } from '../app/smoke-test.js';
import { MIN_WINDOW, readWindowState, writeWindowState, type WindowState } from '../app/window-state.js';
import { runInWorker, WORKER_PATH } from '../pipeline/worker-client.js';
import { WORKER_ENV } from '../pipeline/worker-protocol.js';
import { credentialsFileIn, SafeStorageCredentialStore } from './credentials.js';
import { dialogFor } from './dialogs.js';
import { menuTemplate } from './menu.js';
import { utilityProcessWorker, type UtilityChild } from './pipeline-process.js';

const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'";

let window: BrowserWindow | null = null;

function send(event: ApiEvent): void {
  window?.webContents.send(IPC_EVENT_CHANNEL, event);
}

async function pickPath(purpose: PickPurpose): Promise<string | null> {
  const request = dialogFor(purpose);
  if (window === null) return null;
  if (request.kind === 'save') {
    const result = await dialog.showSaveDialog(window, request.options);
    return result.canceled || result.filePath === undefined ? null : result.filePath;
  }
  const result = await dialog.showOpenDialog(window, request.options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/** The pipeline worker (the same worker.js as the CLI's) in a utilityProcess. */
const startWorker = utilityProcessWorker(
  () =>
    utilityProcess.fork(WORKER_PATH, [], {
      serviceName: 'crowdheat analysis',
      env: { ...process.env, [WORKER_ENV]: '1' },
    }) as unknown as UtilityChild,
);

/** Per-run work folders and the demo: the app's own, under its data folder. */
function workRoot(): string {
  return join(app.getPath('userData'), 'work');
}

function createBackend(): Backend {
  const store = new SafeStorageCredentialStore(safeStorage, credentialsFileIn(app.getPath('userData')));
  return new Backend({
    host: 'electron',
    version: packageVersion(),
    cwd: app.getPath('documents'),
    workRoot: workRoot(),
    runAnalysis: (settings, options) => runInWorker(settings, { ...options, startWorker }),
    credentials: {
      storage: "the system's keychain",
      load: () => store.load(),
      save: (credentials) => store.save(credentials),
      clear: () => store.clear(),
    },
    openConsole: (credentials) => new ConsoleClient(credentials),
    prepareDemo: prepareDemoSettings,
    emit: send,
    // Pictures cross as data: URLs, so the page needs no file:// access beyond its own folder.
    imageUrl: async (_runId, _index, file) => `data:image/jpeg;base64,${(await readFile(file)).toString('base64')}`,
    pickPath,
  });
}

/** Where the window's size and place are remembered between sessions. */
function windowStateFile(): string {
  return join(app.getPath('userData'), 'window-state.json');
}

/** Remembers the window's normal (unmaximised) bounds and whether it is maximised, when it closes. */
function rememberBounds(created: BrowserWindow): void {
  created.on('close', () => {
    const bounds = created.getNormalBounds();
    const state: WindowState = { ...bounds, maximized: created.isMaximized() };
    void writeWindowState(windowStateFile(), state).catch((error: unknown) => console.error('crowdheat: cannot remember the window', error));
  });
}

function createWindow(state: WindowState): BrowserWindow {
  const created = new BrowserWindow({
    ...(state.x === undefined || state.y === undefined ? {} : { x: state.x, y: state.y }),
    width: state.width,
    height: state.height,
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
    title: 'crowdheat',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, 'preload.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
    },
  });
  created.once('ready-to-show', () => {
    if (state.maximized) created.maximize();
    created.show();
  });
  rememberBounds(created);
  // The window shows the app and nothing else: links and new windows do not navigate it.
  created.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  created.webContents.on('will-navigate', (event) => event.preventDefault());
  void created.loadFile(join(rendererDir(), 'index.html'));
  return created;
}

if (wantsSmokeTest(process.argv)) {
  // The release workflow's check of a packaged app: the demo through the app's own worker, no window.
  void app.whenReady().then(async () => {
    const code = await runSmokeTest({
      runAnalysis: (settings, options) => runInWorker(settings, { ...options, startWorker }),
      tempDir: app.getPath('temp'),
      log: (line) => process.stdout.write(`${line}\n`),
    });
    app.exit(code);
  });
} else if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (window === null) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  void app.whenReady().then(async () => {
    // The library of analyses (workRoot()/runs) stays between sessions; one a crash cut short
    // lists as interrupted (app/library.ts) until the user deletes it.
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [PAGE_CSP] } });
    });
    const backend = createBackend();
    ipcMain.handle(IPC_REQUEST_CHANNEL, async (_event, name: unknown, request: unknown): Promise<BridgeResult<unknown>> => {
      if (typeof name !== 'string' || !isRequestName(name)) {
        return { ok: false, error: { name: 'NotFound', message: `no API request named ${JSON.stringify(name)}` } };
      }
      try {
        const handler = backend.handlers[name] as (request: unknown) => Promise<unknown>;
        return { ok: true, value: await handler(request ?? {}) };
      } catch (error) {
        if (!isCrowdheatError(error)) console.error(`crowdheat: ${name} failed`, error);
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, error: { name: isCrowdheatError(error) ? error.name : 'InternalError', message } };
      }
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate((action) => send({ type: 'menu', action }))));
    window = createWindow(await readWindowState(windowStateFile(), screen.getAllDisplays().map((display) => display.workArea)));
    window.on('closed', () => {
      window = null;
    });
    // Every way of quitting (last window, Cmd+Q, the menu) passes here: stop the runs, delete their folders.
    let disposed = false;
    app.on('before-quit', (event) => {
      if (disposed) return;
      event.preventDefault();
      void backend.dispose().finally(() => {
        disposed = true;
        app.quit();
      });
    });
    app.on('window-all-closed', () => app.quit());
  });
}
