/**
 * The preload: exposes the API of src-shared/api.ts, and nothing else, as `window.crowdheat`.
 * A sandboxed preload cannot load other files, so the request names are listed here; the
 * type below fails to compile when this list and api.ts's differ.
 */
// A sandboxed preload is CommonJS, where verbatimModuleSyntax allows only this form of import.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import electron = require('electron');
import type { ApiEvent, ApiEventListener, PreloadBridge, RequestName } from '../../src-shared/api.js';

const REQUESTS = [
  'hostInfo',
  'pickPath',
  'openDemo',
  'validateSettings',
  'importYaml',
  'exportYaml',
  'saveCredentials',
  'clearCredentials',
  'credentialsStatus',
  'checkCredentials',
  'listDevices',
  'listImageDirectories',
  'consoleRange',
  'analyse',
  'cancel',
  'getRunInfo',
  'getFrame',
  'getFramePicture',
  'timelineSeries',
  'listAnalyses',
  'openAnalysis',
  'deleteAnalysis',
  'export',
  'cancelExport',
  'inspectFile',
  'periodView',
  'zoneView',
  'writeReport',
  'saveAnalysisZones',
  'saveAnalysisDisplay',
  'consoleCacheInfo',
  'clearConsoleCache',
  'startFollow',
  'stopFollow',
] as const satisfies readonly RequestName[];

/** `true` only when every request name of api.ts is in REQUESTS. */
type Complete = Exclude<RequestName, (typeof REQUESTS)[number]> extends never ? true : false;
const complete: Complete = true;
void complete;

// Duplicated from api.ts (IPC_REQUEST_CHANNEL / IPC_EVENT_CHANNEL) for the same reason.
const REQUEST_CHANNEL = 'crowdheat:request';
const EVENT_CHANNEL = 'crowdheat:event';

const bridge: PreloadBridge = {
  invoke(name, request) {
    if (!(REQUESTS as readonly string[]).includes(name)) {
      return Promise.resolve({ ok: false, error: { name: 'NotFound', message: `no API request named ${JSON.stringify(name)}` } });
    }
    return electron.ipcRenderer.invoke(REQUEST_CHANNEL, name, request);
  },
  onEvent(listener: ApiEventListener) {
    const forward = (_event: unknown, apiEvent: ApiEvent): void => listener(apiEvent);
    electron.ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      electron.ipcRenderer.off(EVENT_CHANNEL, forward);
    };
  },
  // Electron ≥ 32 removed File.path; only the preload may ask webUtils for a dropped file's path.
  pathForFile(file) {
    return electron.webUtils.getPathForFile(file);
  },
};

electron.contextBridge.exposeInMainWorld('crowdheat', bridge);
