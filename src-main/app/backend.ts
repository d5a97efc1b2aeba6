/**
 * The back end of the app, implementing `src-shared/api.ts` once for every host: the Electron
 * main process and the web host (`host/serve.ts`) wrap the same `Backend`, each with its own
 * transport, dialogs, credential store and way of starting the analysing process.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type {
  AnalysisDisplay,
  ApiEvent,
  ApiHandlers,
  ConsoleCacheInfo,
  CredentialsStatus,
  DeviceSummary,
  ExportRequest,
  AnalysisEntry,
  FrameData,
  HostInfo,
  PeriodViewData,
  PeriodViewRequest,
  PickPurpose,
  RunInfo,
  TimelineSeries,
  TimelineSeriesRequest,
  VideoFacts,
} from '../../src-shared/api.js';
import { EXPORT_ID_PATTERN, EXPORT_OUTPUTS } from '../../src-shared/api.js';
import { CancelledError, CrowdheatError, isCrowdheatError } from '../../src-shared/errors.js';
import { showValue } from '../../src-shared/messages.js';
import type { ConsoleCredentials, ConsoleDevice, ImageDirectoryGroup } from '../../src-shared/console/types.js';
import { findImageFolderRange, findInferenceRange, type RangeQueries } from '../../src-shared/console/discover.js';
import { findSettingsIssues, settingsToYaml, type GridParams, type SettingOverride, type Settings } from '../../src-shared/settings/index.js';
import { LocalClock } from '../../src-shared/periods/buckets.js';
import { blockMax, thumbnailSize } from '../../src-shared/periods/thumbnail.js';
import { frameSpanMs, timeRangeProblem } from '../../src-shared/periods/range.js';
import { timeClockOf, type TimeBaseKind } from '../../src-shared/periods/time-base.js';
import { periodOf, timeZoneOf } from '../sinks/store.js';
import { recountSettings } from '../store/settings.js';
import type { StoredFrames } from '../store/store.js';
import { resolveFfmpeg } from '../ffmpeg/locate.js';
import { writeFileAtomic } from '../sinks/atomic.js';
import { nearestPicture, previewImageName, readPreviewIndex, type PreviewIndex } from '../sinks/preview.js';
import { checkedDisplay, listLibrary, readRunRecord, RUN_ID_PATTERN, runsDirOf, storeOpensComplete, writeRunRecord, type RunRecord } from './library.js';
import { OpenedRun } from './opened-run.js';
import { KEPT_VIEWS_DIR, KeptViews, sameQuestion, storeIdentity, type KeptViewQuestion } from './kept-views.js';
import { StoreReader } from '../store/store.js';
import { decodeExactPicture, exactPicturePath, EXACT_PICTURE_DEADLINE_MS } from './pictures.js';
import { analysisFailure, noFramesError, outputDirOf, previewDirOf, storePathOf, type RunAnalysis } from './analysis.js';
import { exportableOutputs, exportOutputs, PARQUET_FILES } from './export.js';
import { reencodeVideo } from './export-video.js';
import { videoChoiceProblem } from '../../src-shared/render/video-format.js';
import { inspectFile } from './inspect.js';
import { importSettingsFile, importSettingsText } from './import-settings.js';
import { isPlainObject } from '../../src-shared/objects.js';
import { readZones } from '../../src-shared/zones/settings.js';
import { writeReport } from '../report/build.js';
import { ZONES_FILE } from '../sinks/zones.js';
import { checkedZones, writeZonesCsv, zoneViewData } from './zones.js';
import { ConsoleCache, deleteCacheFile } from '../console/cache.js';
import { cacheFileIn } from '../console/cache-dir.js';
import { FollowRunner } from './follow-runner.js';
import type { CoordinateSpaceFinding } from '../../src-shared/counting/coordinate-space.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';

/** Where the host keeps the Console credentials (safeStorage in Electron, memory in the web host). */
export interface CredentialStore {
  /** For the UI's wording, e.g. `OS keychain`. */
  readonly storage: string;
  load(): Promise<ConsoleCredentials | null>;
  save(credentials: ConsoleCredentials): Promise<void>;
  clear(): Promise<void>;
}

/** The part of the Console client the pickers need (`ConsoleClient` is one). */
export interface ConsoleBrowser extends RangeQueries {
  /** Fetches a token: rejects when the credentials are refused or the Console cannot be reached. */
  authenticate(): Promise<void>;
  listDevices(): Promise<ConsoleDevice[]>;
  listImageDirectories(deviceId: string): Promise<ImageDirectoryGroup[]>;
}

export interface BackendOptions {
  host: HostInfo['host'];
  version: string;
  /** Directory relative paths in settings resolve against. */
  cwd: string;
  /** Where per-run work folders and the demo go (temp dir or the app's data dir). */
  workRoot: string;
  /** Runs one analysis: `runInWorker` in the hosts, so the pipeline never blocks them. */
  runAnalysis: RunAnalysis;
  /** Browsing uses these; so do analyses in mode console, when any are saved. */
  credentials: CredentialStore;
  openConsole: (credentials: ConsoleCredentials) => ConsoleBrowser;
  /** Writes the demo scene into `dir`; resolves with settings that analyse it. */
  prepareDemo: (dir: string) => Promise<Settings>;
  emit: (event: ApiEvent) => void;
  /** How the host hands a preview picture to its renderer (a served URL, a data URL). */
  imageUrl: (runId: string, index: number, file: string) => Promise<string>;
  /** Native dialogs, where the host has them. */
  pickPath?: (purpose: PickPurpose) => Promise<string | null>;
  /** Folder of the Console cache analyses read and add to; default `<workRoot>/console-cache`. */
  consoleCacheDir?: string;
}

/**
 * Finished analyses whose stores stay open at once (the most recently used); opening another
 * closes the oldest, which opens again on its next use. Their folders stay in the library either way.
 */
const OPEN_STORES = 3;
/** Records of failed or cancelled analyses kept for getRunInfo (their files are deleted at once). */
const KEPT_FAILURES = 10;
const MAX_WARNINGS_KEPT = 200;

interface Run {
  id: string;
  workDir: string;
  settings: Settings;
  state: RunInfo['state'];
  /** Stops the analysis while it runs; null once it has ended. */
  cancel: (() => void) | null;
  warnings: string[];
  error?: string;
  index?: PreviewIndex;
  /** The heat video's facts and its file (relative to the output folder). */
  video?: VideoFacts & { file: string };
  /** The run's coordinate-space finding (summary.json → coordinate_space), when it has one. */
  coordinateSpace?: CoordinateSpaceFinding;
  createdMs: number;
  sourceName: string;
  /** Zones saved with the analysis from the app (run.json), when any were saved. */
  zones?: ZoneDefinition[];
  /** The last run.json write of `saveAnalysisZones`: saves of one run go one after another. */
  saving?: Promise<void>;
  /** The store opened for the window (OpenedRun), while it is one of the OPEN_STORES. */
  opened?: Promise<OpenedRun>;
  /** Where its frame times came from (the store's time_base), once its store was opened. */
  timeBase?: TimeBaseKind;
  /** The display settings saved with the analysis from the app (run.json), when any were saved. */
  display?: AnalysisDisplay;
  /** The last write of a kept period view (kept-views.ts): deleting the analysis waits for it. */
  keeping?: Promise<void>;
}

export class Backend {
  readonly handlers: ApiHandlers;
  private readonly runs = new Map<string, Run>();
  /** Finished runs with an open store, least recently used first. */
  private readonly openOrder: string[] = [];
  /** Each opened store's file as its open began to read it (kept-views.ts `storeIdentity`; null if it could not be looked at). */
  private readonly openedFrom = new WeakMap<OpenedRun, Promise<string | null>>();
  /** What the library found of each store's completeness (a store never changes once complete). */
  private readonly completeStores = new Map<string, boolean>();
  /** An analysis is being set up (its record is not in `runs` yet). */
  private starting = false;
  private readonly exports = new Map<string, AbortController>();
  /** Where the Console was, after Forget: the form offers these again. */
  private forgottenEndpoints: { console_endpoint: string; portal_authorization_endpoint: string } | null = null;
  /** The app's Follow of a Console device. */
  private readonly follows: FollowRunner;

  constructor(private readonly options: BackendOptions) {
    this.follows = new FollowRunner({ cwd: options.cwd, workRoot: options.workRoot, credentials: () => options.credentials.load(), emit: options.emit });
    this.handlers = {
      hostInfo: async () => ({
        host: options.host,
        version: options.version,
        nativeDialogs: options.pickPath !== undefined,
        cwd: options.cwd,
      }),
      pickPath: async ({ purpose }) => ({ path: options.pickPath === undefined ? null : await options.pickPath(purpose) }),
      openDemo: async () => ({ settings: await options.prepareDemo(join(options.workRoot, 'demo')) }),
      validateSettings: async ({ settings }) => ({ issues: findSettingsIssues(checkedShape(settings, 'validateSettings')) }),
      importYaml: async ({ text, path }) => {
        if (text !== undefined) return importSettingsText(text, options.cwd);
        if (path === undefined || path === '') throw new CrowdheatError('import: give the YAML text or its path');
        return importSettingsFile(path, options.cwd);
      },
      exportYaml: async ({ settings, path }) => {
        checkedShape(settings, 'exportYaml');
        const text = settingsToYaml(settings);
        if (path !== undefined && path !== '') await writeFileAtomic(resolve(options.cwd, path), text);
        return { text };
      },
      saveCredentials: async (input) => {
        const credentials = checkedCredentials(input);
        // Verified before kept: a wrong secret or an unreachable host is refused here, so the
        // window never says "signed in" with credentials that do not work.
        await options.openConsole(credentials).authenticate();
        await options.credentials.save(credentials);
        this.forgottenEndpoints = null;
        return this.credentialsStatus();
      },
      clearCredentials: async () => {
        const stored = await options.credentials.load().catch(() => null);
        await options.credentials.clear();
        if (stored !== null) {
          this.forgottenEndpoints = {
            console_endpoint: stored.console_endpoint,
            portal_authorization_endpoint: stored.portal_authorization_endpoint,
          };
        }
        return this.credentialsStatus();
      },
      credentialsStatus: () => this.credentialsStatus(),
      checkCredentials: async () => {
        await (await this.console()).authenticate();
        return this.credentialsStatus();
      },
      listDevices: async () => ({ devices: (await (await this.console()).listDevices()).map(deviceSummary) }),
      listImageDirectories: async ({ device_id }) => {
        const groups = await (await this.console()).listImageDirectories(device_id);
        const names = groups.flatMap((group) =>
          group.devices.filter((device) => device.device_id === device_id).flatMap((device) => device.Image),
        );
        return { directories: [...new Set(names)].sort().map((name) => ({ name })) };
      },
      consoleRange: async ({ device_id: deviceId, sub_directory_name: folder }) => {
        if (typeof deviceId !== 'string' || deviceId.trim() === '') throw new CrowdheatError('consoleRange: give a device_id');
        const client = await this.console();
        const { oldest, newest } = await findInferenceRange(client, deviceId);
        if (folder === undefined || folder === '') return { device_id: deviceId, inferences: { oldest, newest } };
        const { count, first, last } = await findImageFolderRange(client, deviceId, folder);
        return { device_id: deviceId, inferences: { oldest, newest }, images: { folder, count, first, last } };
      },
      analyse: async ({ settings }) => ({ runId: await this.analyse(checkedShape(settings, 'analyse')) }),
      cancel: async ({ runId }) => {
        this.run(runId).cancel?.();
        return {};
      },
      getRunInfo: async ({ runId }) => this.runInfo(this.run(runId)),
      getFrame: async ({ runId, index, params }) => this.frame(this.run(runId), index, params),
      getFramePicture: async ({ runId, index }) => this.framePicture(this.run(runId), index),
      timelineSeries: async (request) => this.timelineSeries(request),
      listAnalyses: async () => ({ analyses: await this.listAnalyses() }),
      openAnalysis: async ({ runId }) => this.runInfo(await this.openAnalysis(runId)),
      deleteAnalysis: async ({ runId }) => {
        await this.deleteAnalysis(runId);
        return {};
      },
      export: async (request) => ({ exportId: this.startExport(request) }),
      cancelExport: async ({ exportId }) => {
        this.exports.get(exportId)?.abort();
        return {};
      },
      periodView: async (request) => this.periodView(request),
      zoneView: async ({ runId, ...request }) => zoneViewData(outputDirOf(this.finishedRun(runId, 'zoneView').workDir), request),
      writeReport: async ({ runId, folder, zones }) => {
        const run = this.finishedRun(runId, 'writeReport');
        if (typeof folder !== 'string' || folder.trim() === '') throw new CrowdheatError('writeReport: choose a folder');
        const from = outputDirOf(run.workDir);
        if (zones === undefined) {
          const written = await writeReport(from, Date.now(), resolve(options.cwd, folder));
          return { path: written.path, bytes: written.bytes };
        }
        // The zones on screen: their zones.csv computed from the store as an export does, then the report from it.
        const shown = checkedZones(zones, 'writeReport');
        const zonesFile = join(run.workDir, `report-${randomBytes(6).toString('hex')}-zones.csv`);
        try {
          if (shown.length > 0) await writeZonesCsv(from, shown, zonesFile);
          const written = await writeReport(from, Date.now(), resolve(options.cwd, folder), {
            zones: shown,
            zonesCsv: shown.length > 0 ? zonesFile : null,
          });
          return { path: written.path, bytes: written.bytes };
        } finally {
          await rm(zonesFile, { force: true });
        }
      },
      saveAnalysisZones: async ({ runId, zones }) => {
        await this.saveAnalysisZones(runId, zones);
        return {};
      },
      saveAnalysisDisplay: async ({ runId, display }) => {
        await this.saveAnalysisDisplay(runId, display);
        return {};
      },
      consoleCacheInfo: async () => this.consoleCacheInfo(),
      clearConsoleCache: async ({ device_id: deviceId, endpoint }) => {
        if (deviceId !== undefined && (typeof deviceId !== 'string' || deviceId.trim() === '')) {
          throw new CrowdheatError('clearConsoleCache: device_id must be a device ID, or left out to clear everything');
        }
        if (endpoint !== undefined && (typeof endpoint !== 'string' || endpoint.trim() === '' || deviceId === undefined)) {
          throw new CrowdheatError('clearConsoleCache: endpoint must be a Console endpoint, given with a device_id');
        }
        const file = cacheFileIn(this.consoleCacheDir);
        if (deviceId === undefined) await deleteCacheFile(file);
        else if (await exists(file)) {
          const cache = await ConsoleCache.open(file);
          await cache.clearDevice(deviceId, endpoint ?? null);
          cache.close();
        }
        return this.consoleCacheInfo();
      },
      startFollow: async ({ settings, intervalS }) => this.follows.start(checkedShape(settings, 'startFollow'), intervalS),
      stopFollow: async ({ followId }) => this.follows.stop(followId),
      inspectFile: async ({ path }) => {
        if (typeof path !== 'string' || path === '') throw new CrowdheatError('inspectFile: give the path of a file');
        return inspectFile(resolve(options.cwd, path), () => resolveFfmpeg(''));
      },
    };
  }

  /** Where this host's Console cache lives. */
  get consoleCacheDir(): string {
    return this.options.consoleCacheDir ?? join(this.options.workRoot, 'console-cache');
  }

  private async consoleCacheInfo(): Promise<ConsoleCacheInfo> {
    const file = cacheFileIn(this.consoleCacheDir);
    // Looking must not create the file: an app that never used the Console keeps none.
    if (!(await exists(file))) return { file, file_bytes: 0, devices: [] };
    const cache = await ConsoleCache.open(file);
    try {
      const info = await cache.info();
      return {
        file: info.file,
        file_bytes: info.file_bytes,
        devices: info.devices.map(({ endpoint, device_id, inferences, images, bytes, first_t, last_t }) => ({
          endpoint, device_id, inferences, images, bytes, first_t, last_t,
        })),
      };
    } finally {
      cache.close();
    }
  }

  /**
   * The picture file of frame `index` of a run — its sampled preview, or its decoded exact
   * picture once made — or null (for hosts that serve pictures by path).
   */
  previewImagePath(runId: string, index: number): string | null {
    const run = this.runs.get(runId);
    if (run?.index === undefined || !run.index.hasImages) return null;
    if (!Number.isInteger(index) || index < 0 || index >= run.index.frameCount) return null;
    const previewDir = previewDirOf(run.workDir);
    if (nearestPicture(run.index.pictures, index) === index) return join(previewDir, previewImageName(index));
    const exact = exactPicturePath(previewDir, index);
    return existsSync(exact) ? exact : null;
  }

  /**
   * Cancels what runs (deleting their unfinished folders) and closes the open stores. Finished
   * analyses stay in the library for the next start.
   */
  async dispose(): Promise<void> {
    await this.follows.dispose();
    for (const controller of this.exports.values()) controller.abort();
    const running = [...this.runs.values()].filter((run) => run.state === 'running');
    for (const run of running) run.cancel?.();
    await Promise.all(running.map((run) => rm(run.workDir, { recursive: true, force: true })));
    await Promise.all([...this.runs.values()].map((run) => this.closeStore(run)));
    this.runs.clear();
  }

  private async credentialsStatus(): Promise<CredentialsStatus> {
    const stored = await this.options.credentials.load();
    const storage = this.options.credentials.storage;
    if (stored === null) return { configured: false, storage, ...this.forgottenEndpoints };
    return {
      configured: true,
      storage,
      console_endpoint: stored.console_endpoint,
      portal_authorization_endpoint: stored.portal_authorization_endpoint,
      client_id: stored.client_id,
    };
  }

  private async console(): Promise<ConsoleBrowser> {
    const stored = await this.options.credentials.load();
    if (stored === null) throw new CrowdheatError('Console: enter the credentials first');
    return this.options.openConsole(stored);
  }

  private async analyse(settings: Settings): Promise<string> {
    const issues = findSettingsIssues(settings);
    if (issues.length > 0) throw new CrowdheatError(issues.map((issue) => `${issue.key}: ${issue.message}`).join('; '));
    // One analysis at a time: a second (a double click, a second window) would compete for the
    // same cores and push the one on screen out of the kept runs.
    if (this.starting || [...this.runs.values()].some((run) => run.state === 'running')) {
      throw new CrowdheatError('an analysis is already running; wait for it or cancel it first');
    }
    this.starting = true;
    try {
      await this.checkVideoFile(settings);
      return await this.startAnalysis(settings);
    } finally {
      this.starting = false;
    }
  }

  /**
   * The video path holds a video: the same reading a dropped file gets, so a text file named as
   * the video is refused before the run, not taken by ffmpeg's text demuxer for a one-frame video.
   */
  private async checkVideoFile(settings: Settings): Promise<void> {
    const { mode, local_data_settings: local } = settings.data_source_settings;
    if (mode !== 'local' || local.video_file.trim() === '') return;
    const key = 'data_source_settings.local_data_settings.video_file';
    const file = await inspectFile(resolve(this.options.cwd, local.video_file), () => resolveFfmpeg(settings.output_settings.ffmpeg_path)).catch(
      (error: unknown): never => {
        throw isCrowdheatError(error) ? new CrowdheatError(`${key}: ${error.message}`) : error;
      },
    );
    if (file.kind !== 'video') {
      const what = file.kind === 'settings' ? 'settings YAML' : 'a metadata file';
      throw new CrowdheatError(`${key}: "${showValue(local.video_file)}" is ${what}, not a video`);
    }
  }

  private async startAnalysis(settings: Settings): Promise<string> {
    // Saved credentials go to the analysing process over its IPC channel and nowhere else; with
    // none saved, the run reads setting_path and the environment like the command line.
    const consoleCredentials = settings.data_source_settings.mode === 'console' ? await this.options.credentials.load() : null;
    const id = `run-${randomBytes(6).toString('hex')}`;
    const workDir = join(runsDirOf(this.options.workRoot), id);
    await mkdir(workDir, { recursive: true });
    const controller = new AbortController();
    const run: Run = {
      id,
      workDir,
      settings,
      state: 'running',
      cancel: () => controller.abort(),
      warnings: [],
      createdMs: Date.now(),
      sourceName: sourceNameOf(settings),
    };
    this.runs.set(id, run);
    await writeRunRecord(workDir, recordOf(run, null));
    this.forgetOldFailures();
    const runSettings: Settings = {
      ...settings,
      output_settings: { ...settings.output_settings, output_dir: outputDirOf(workDir) },
    };
    this.options
      .runAnalysis(runSettings, {
        signal: controller.signal,
        cwd: this.options.cwd,
        previewDir: previewDirOf(workDir),
        ...(consoleCredentials === null ? {} : { consoleCredentials }),
        ...(settings.data_source_settings.mode === 'console' ? { consoleCacheDir: this.consoleCacheDir } : {}),
        onProgress: (progress) => this.options.emit({ type: 'progress', runId: id, ...progress }),
        onWarning: (warning) => {
          if (run.warnings.length < MAX_WARNINGS_KEPT) run.warnings.push(warning.message);
          this.options.emit({ type: 'warning', runId: id, ...warning });
        },
      })
      .then(async (summary) => {
        const index = await readPreviewIndex(previewDirOf(workDir));
        // A run of no frames has nothing to show or export: a failure that says why, not an empty timeline.
        if (index.frameCount === 0) throw noFramesError(summary);
        if (summary.coordinate_space !== undefined) run.coordinateSpace = summary.coordinate_space;
        if (summary.video !== undefined) {
          const { width, height, fps, frames, duration_s: durationS, file } = summary.video;
          const { size: bytes } = await stat(join(outputDirOf(workDir), file));
          run.video = { width, height, fps, frames, durationS, bytes, file };
        }
        run.index = index;
        const opened = await this.opened(run);
        // A view that cannot be kept is computed when asked: the analysis itself is whole.
        await this.keepFirstViews(run, opened).catch((error: unknown) =>
          console.error(`crowdheat: the first views of ${run.id} were not kept: ${error instanceof Error ? error.message : String(error)}`),
        );
        // Deleted while its first views were kept (the run itself had ended, so nothing else
        // noticed): it ends cancelled, and nothing is recorded in a folder being removed.
        if (controller.signal.aborted) throw new CancelledError();
        // Recorded done last: a folder whose record says so holds a whole analysis.
        await writeRunRecord(workDir, { ...recordOf(run, opened), state: 'done' });
        return index;
      })
      .then(
        (index) => {
          run.cancel = null;
          run.state = 'done';
          this.options.emit({ type: 'done', runId: id, frames: index.frameCount });
        },
        (error: unknown) => {
          if (!isCrowdheatError(error)) console.error('crowdheat: analysis failed', error);
          this.failRun(run, analysisFailure(error));
        },
      );
    return id;
  }

  private failRun(run: Run, failure: { message: string; cancelled: boolean }): void {
    run.cancel = null;
    run.state = failure.cancelled ? 'cancelled' : 'failed';
    run.error = failure.message;
    void this.closeStore(run);
    // Nothing of a failed run can be shown or exported: its files go now (before anyone hears of the
    // failure, so nobody reads a folder being deleted); its record stays for getRunInfo.
    void rm(run.workDir, { recursive: true, force: true })
      .catch(() => undefined)
      .then(() => this.options.emit({ type: 'error', runId: run.id, ...failure }));
  }

  /** Keeps the records of the newest KEPT_FAILURES failed or cancelled analyses (their folders are gone already). */
  private forgetOldFailures(): void {
    const failed = [...this.runs.values()].filter((run) => run.state === 'failed' || run.state === 'cancelled');
    for (const run of failed.slice(0, Math.max(0, failed.length - KEPT_FAILURES))) this.runs.delete(run.id);
  }

  private run(runId: string): Run {
    const run = this.runs.get(runId);
    if (run === undefined) throw new CrowdheatError(`no analysis ${JSON.stringify(runId)} is open (open it from the recent analyses)`);
    return run;
  }

  /** The library: every analysis in the work folder, this session's and earlier ones. */
  private async listAnalyses(): Promise<AnalysisEntry[]> {
    return listLibrary(
      this.options.workRoot,
      (runId) => this.runs.get(runId)?.state === 'running',
      async (workDir, runId) => {
        if (this.runs.get(runId)?.opened !== undefined) return true;
        const known = this.completeStores.get(runId);
        if (known === true) return true;
        const complete = await storeOpensComplete(workDir);
        this.completeStores.set(runId, complete);
        return complete;
      },
    );
  }

  /**
   * A finished analysis of the library, registered again from its folder when this session has
   * not seen it (after a restart): its record, its preview index and its store, which must be complete.
   */
  private async openAnalysis(runId: string): Promise<Run> {
    if (typeof runId !== 'string' || !RUN_ID_PATTERN.test(runId)) throw new CrowdheatError(`openAnalysis: ${JSON.stringify(runId)} is not an analysis id`);
    const known = this.runs.get(runId);
    if (known !== undefined && known.state !== 'failed' && known.state !== 'cancelled') {
      if (known.state === 'done') await this.opened(known);
      return known;
    }
    const workDir = join(runsDirOf(this.options.workRoot), runId);
    const record = await readRunRecord(workDir);
    if (record === null) throw new CrowdheatError(`openAnalysis: no analysis ${runId} in the library (it may have been deleted)`);
    if (record.state !== 'done') {
      throw new CrowdheatError(`openAnalysis: the analysis of ${JSON.stringify(record.sourceName)} was interrupted before it finished; delete it and analyse again`);
    }
    const run: Run = {
      id: runId,
      workDir,
      settings: record.settings,
      state: 'done',
      cancel: null,
      warnings: record.warnings,
      createdMs: record.createdMs,
      sourceName: record.sourceName,
      index: await readPreviewIndex(previewDirOf(workDir)),
      ...(record.video === undefined ? {} : { video: record.video }),
      ...(record.zones === undefined ? {} : { zones: record.zones }),
      ...(record.display === undefined ? {} : { display: record.display }),
    };
    this.runs.set(runId, run);
    try {
      await this.opened(run);
    } catch (error) {
      this.runs.delete(runId);
      throw isCrowdheatError(error) ? new CrowdheatError(`openAnalysis: ${error.message}`) : error;
    }
    return run;
  }

  /**
   * Keeps `zones` with the finished analysis `runId`: in its run.json (written atomically, saves
   * of one run in order) and in what openAnalysis returns.
   *
   * @throws SettingsError for bad zones; CrowdheatError when the analysis has not finished.
   */
  private async saveAnalysisZones(runId: string, zones: unknown): Promise<void> {
    const run = this.finishedRun(runId, 'saveAnalysisZones');
    const checked = checkedZones(zones, 'saveAnalysisZones');
    run.zones = checked;
    await this.saveInRecord(run, 'saveAnalysisZones', { zones: checked });
  }

  /**
   * Keeps `display` with the finished analysis `runId` (checkedDisplay): in its run.json, written
   * after the run's earlier saves (zones or display), and in what openAnalysis returns.
   */
  private async saveAnalysisDisplay(runId: string, display: unknown): Promise<void> {
    const run = this.finishedRun(runId, 'saveAnalysisDisplay');
    const checked = checkedDisplay(display, 'saveAnalysisDisplay');
    run.display = checked;
    await this.saveInRecord(run, 'saveAnalysisDisplay', { display: checked });
  }

  /**
   * Writes `change` into `run`'s run.json once its earlier saves are written (`run.saving`), so
   * saves of zones and display never overwrite each other.
   *
   * @throws CrowdheatError naming `request` when the analysis is no longer in the library.
   */
  private async saveInRecord(run: Run, request: string, change: Pick<RunRecord, 'zones' | 'display'>): Promise<void> {
    const save = (run.saving ?? Promise.resolve()).then(async () => {
      const record = await readRunRecord(run.workDir);
      if (record === null) throw new CrowdheatError(`${request}: the analysis ${run.id} is no longer in the library`);
      await writeRunRecord(run.workDir, { ...record, ...change });
    });
    run.saving = save.catch(() => undefined);
    await save;
  }

  /** Deletes an analysis of the library (cancelling it first when it runs). */
  private async deleteAnalysis(runId: string): Promise<void> {
    if (typeof runId !== 'string' || !RUN_ID_PATTERN.test(runId)) throw new CrowdheatError(`deleteAnalysis: ${JSON.stringify(runId)} is not an analysis id`);
    const run = this.runs.get(runId);
    if (run !== undefined) {
      run.cancel?.();
      this.runs.delete(runId);
      await this.closeStore(run);
      await run.keeping;
    }
    await rm(join(runsDirOf(this.options.workRoot), runId), { recursive: true, force: true });
    this.completeStores.delete(runId);
  }

  /** The run's open store, opening it (and closing the least recently used beyond OPEN_STORES). */
  private opened(run: Run): Promise<OpenedRun> {
    const at = this.openOrder.indexOf(run.id);
    if (at >= 0) this.openOrder.splice(at, 1);
    this.openOrder.push(run.id);
    if (run.opened === undefined) {
      // Taken before the open reads the file: a view is kept only while the file is still this one.
      const identity = storeIdentity(storePathOf(run.workDir)).catch(() => null);
      const opening = OpenedRun.open(outputDirOf(run.workDir), run.settings.heat_map_settings.params);
      opening.then((opened) => {
        this.openedFrom.set(opened, identity);
        run.timeBase = opened.store.meta.time_base;
      }, () => undefined);
      run.opened = opening;
      opening.catch(() => {
        if (run.opened === opening) delete run.opened;
      });
    }
    while (this.openOrder.length > OPEN_STORES) {
      const oldest = this.runs.get(this.openOrder.shift() ?? '');
      if (oldest !== undefined) void this.closeStore(oldest);
    }
    return run.opened;
  }

  private async closeStore(run: Run): Promise<void> {
    const opening = run.opened;
    if (opening === undefined) return;
    delete run.opened;
    const at = this.openOrder.indexOf(run.id);
    if (at >= 0) this.openOrder.splice(at, 1);
    await opening.then((opened) => opened.close(), () => undefined);
  }

  private runInfo(run: Run): RunInfo {
    const index = run.index;
    return {
      runId: run.id,
      state: run.state,
      frameCount: index?.frameCount ?? 0,
      params: run.settings.heat_map_settings.params,
      dataSource: run.settings.data_source_settings,
      output: run.settings.output_settings,
      hasImages: index?.hasImages ?? false,
      peak: index?.peak ?? 0,
      sourceName: run.sourceName,
      createdMs: run.createdMs,
      previewWidth: index?.previewWidth ?? 0,
      previewHeight: index?.previewHeight ?? 0,
      ...(run.timeBase === undefined
        ? {}
        : { timeClock: timeClockOf(run.timeBase, run.settings.data_source_settings.local_data_settings.start_time) }),
      warnings: run.warnings,
      ...(run.error === undefined ? {} : { error: run.error }),
      ...(run.video === undefined ? {} : { video: videoFactsOf(run.video) }),
      ...(run.coordinateSpace === undefined ? {} : { coordinateSpace: run.coordinateSpace }),
      zones: run.zones ?? run.settings.zones,
      ...(run.display === undefined ? {} : { display: run.display }),
      ...(run.state === 'done' ? { exportable: exportableOutputs(outputDirOf(run.workDir)) } : {}),
    };
  }

  /** The run `runId` when it has finished, else an error naming `request`. */
  private finishedRun(runId: string, request: string): Run {
    const run = this.run(runId);
    if (run.state !== 'done') throw new CrowdheatError(`${request}: the analysis has not finished`);
    return run;
  }

  /**
   * A period view of a finished analysis, from the store its run wrote (SPEC §8): the answer
   * kept beside the analysis when the same view was computed before (kept-views.ts), else
   * computed and kept.
   */
  private async periodView(request: PeriodViewRequest): Promise<PeriodViewData> {
    const run = this.run(request.runId);
    if (run.state !== 'done') throw new CrowdheatError('periodView: the analysis has not finished');
    const overrides: SettingOverride[] = [];
    if (request.period !== undefined) overrides.push({ key: 'output_settings.period', value: request.period, label: 'periodView: period' });
    if (request.timezone !== undefined) overrides.push({ key: 'output_settings.timezone', value: request.timezone, label: 'periodView: timezone' });
    overrides.push(...paramOverrides(request.params, 'periodView'));
    const rangeProblem = timeRangeProblem(request.fromMs, request.toMs, { from: 'fromMs', to: 'toMs' });
    if (rangeProblem !== null) throw new CrowdheatError(`periodView: ${rangeProblem}`);
    const opened = await this.opened(run);
    const settings = recountSettings(opened.store.meta.settings, overrides);
    return this.keptOrComputed(run, opened, {
      params: settings.heat_map_settings.params,
      period: periodOf(settings),
      timeZone: timeZoneOf(settings),
      ...(request.fromMs === undefined ? {} : { fromMs: request.fromMs }),
      ...(request.toMs === undefined ? {} : { toMs: request.toMs }),
    });
  }

  /**
   * The answer to `question` kept beside `run`, else computed from its store and kept (not
   * awaited: the answer goes out first; a failure to keep it is logged, never the request's).
   * Kept only when the store is the same before and after the count.
   */
  private async keptOrComputed(run: Run, opened: OpenedRun, question: KeptViewQuestion): Promise<PeriodViewData> {
    const kept = this.keptViews(run);
    const storePath = storePathOf(run.workDir);
    const key = await kept.keyOf(storePath, question).catch(() => null);
    const found = key === null ? undefined : await kept.get(key);
    if (found !== undefined) return found;
    const answer = await viewData(opened, question);
    if (key !== null) this.keep(run, opened, question, key, answer, firstQuestions(opened).some((first) => sameQuestion(first, question)));
    return answer;
  }

  private keptViews(run: Run): KeptViews {
    return new KeptViews(join(run.workDir, KEPT_VIEWS_DIR), this.options.version);
  }

  /**
   * Keeps `answer` (counted from `opened`) under `key` after the run's earlier keeping, if the
   * store is still the one `key` was made from and the one `opened` read (a store replaced or
   * rewritten since its open would otherwise have an answer from the old file under its own
   * name); deleting the run waits for it (`run.keeping`). A failure is logged. `first`: one of
   * the views the analysis is opened to (`firstQuestions`), kept apart from the others.
   */
  private keep(run: Run, opened: OpenedRun, question: KeptViewQuestion, key: string, answer: PeriodViewData, first: boolean): void {
    const kept = this.keptViews(run);
    const storePath = storePathOf(run.workDir);
    const openedFrom = this.openedFrom.get(opened);
    run.keeping = (run.keeping ?? Promise.resolve())
      .then(async () => {
        if (openedFrom === undefined || (await openedFrom) !== (await storeIdentity(storePath))) return;
        if ((await kept.keyOf(storePath, question)) === key) await kept.put(key, answer, first);
      })
      .catch((error: unknown) => console.error(`crowdheat: a period view of ${run.id} was not kept: ${error instanceof Error ? error.message : String(error)}`));
  }

  /**
   * Keeps the views a finished analysis is first opened to (`firstQuestions`), so that they show
   * at once. The whole period's answer is the buckets' answer without its buckets: the same
   * figures to the bit (views.ts sums the whole range apart from the buckets).
   */
  private async keepFirstViews(run: Run, opened: OpenedRun): Promise<void> {
    const [whole, byBuckets] = firstQuestions(opened);
    if (byBuckets === undefined) {
      await this.keptOrComputed(run, opened, whole);
    } else {
      const answer = await this.keptOrComputed(run, opened, byBuckets);
      const single = thumbnailSize(whole.params.grid_num_h, whole.params.grid_num_v, 1);
      const key = await this.keptViews(run).keyOf(storePathOf(run.workDir), whole);
      this.keep(run, opened, whole, key, { ...answer, buckets: [], bucketColumns: single.columns, bucketRows: single.rows }, true);
    }
    await run.keeping;
  }

  /** The finished run's preview index and a checked frame position. */
  private finished(run: Run, frameIndex: number, request: string): PreviewIndex {
    const index = run.index;
    if (index === undefined || run.state !== 'done') throw new CrowdheatError(`${request}: the analysis has not finished yet`);
    if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= index.frameCount) {
      throw new CrowdheatError(`${request}: frame ${frameIndex} does not exist (the analysis has frames 0 to ${index.frameCount - 1})`);
    }
    return index;
  }

  /**
   * Frame `frameIndex`: its window grid computed from the store (for the run's grid settings, or
   * `params` over them), its people count and T, and the picture nearest to it.
   */
  private async frame(run: Run, frameIndex: number, params: Partial<GridParams> | undefined): Promise<FrameData> {
    const index = this.finished(run, frameIndex, 'getFrame');
    const opened = await this.opened(run);
    let gridParams = run.settings.heat_map_settings.params;
    if (params !== undefined && params !== null) {
      if (!isPlainObject(params)) throw new CrowdheatError('getFrame: params must be an object of grid settings');
      const overrides: SettingOverride[] = Object.entries(params).map(([name, value]) => ({
        key: `heat_map_settings.${name}`,
        value,
        label: `getFrame: params.${name}`,
      }));
      gridParams = recountSettings(opened.store.meta.settings, overrides).heat_map_settings.params;
    }
    const grid = await opened.windowGrid(frameIndex, gridParams);
    const pictureFrame = index.hasImages ? nearestPicture(index.pictures, frameIndex) : -1;
    const previewDir = previewDirOf(run.workDir);
    let imageUrl: string | null = null;
    let shown: number | null = null;
    if (pictureFrame >= 0) {
      const exact = exactPicturePath(previewDir, frameIndex);
      const own = pictureFrame === frameIndex || existsSync(exact);
      shown = own ? frameIndex : pictureFrame;
      imageUrl = await this.options.imageUrl(run.id, shown, pictureFrame === frameIndex || !own ? join(previewDir, previewImageName(shown)) : exact);
    }
    return {
      index: frameIndex,
      timestamp: opened.frames.t[frameIndex] ?? '',
      timeMs: opened.frames.timeMs === null ? null : opened.frames.timeMs[frameIndex],
      count: opened.counts[frameIndex],
      grid: Array.from(grid),
      imageUrl,
      pictureFrame: shown,
    };
  }

  /** Frame `frameIndex`'s own picture: sampled, or decoded from the source video now (then kept). */
  private async framePicture(run: Run, frameIndex: number): Promise<{ imageUrl: string | null; pictureFrame: number | null }> {
    const index = this.finished(run, frameIndex, 'getFramePicture');
    if (!index.hasImages) return { imageUrl: null, pictureFrame: null };
    const previewDir = previewDirOf(run.workDir);
    const nearest = nearestPicture(index.pictures, frameIndex);
    if (nearest === frameIndex) {
      return { imageUrl: await this.options.imageUrl(run.id, frameIndex, join(previewDir, previewImageName(frameIndex))), pictureFrame: frameIndex };
    }
    let file: string | null;
    try {
      file = await decodeExactPicture(await resolveFfmpeg(run.settings.output_settings.ffmpeg_path), previewDir, index, frameIndex);
    } catch (error) {
      if (error instanceof Error && error.name === 'CancelledError') {
        throw new CrowdheatError(`getFramePicture: decoding frame ${frameIndex} took longer than ${EXACT_PICTURE_DEADLINE_MS / 1000} s`);
      }
      throw error;
    }
    if (file === null) {
      // Sampled pictures only (Console images): the nearest one stands for the frame.
      return { imageUrl: await this.options.imageUrl(run.id, nearest, join(previewDir, previewImageName(nearest))), pictureFrame: nearest };
    }
    return { imageUrl: await this.options.imageUrl(run.id, frameIndex, file), pictureFrame: frameIndex };
  }

  /** The chart's series over a range of frames (SPEC-free: a view for the window only). */
  private async timelineSeries(request: TimelineSeriesRequest): Promise<TimelineSeries> {
    const run = this.run(request.runId);
    if (run.state !== 'done') throw new CrowdheatError('timelineSeries: the analysis has not finished yet');
    return (await this.opened(run)).series(request.fromFrame, request.toFrame, request.columns);
  }

  private startExport(request: ExportRequest): string {
    const run = this.run(request.runId);
    if (run.state !== 'done') throw new CrowdheatError('export: the analysis has not finished');
    if (typeof request.folder !== 'string' || request.folder.trim() === '') throw new CrowdheatError('export: choose a folder');
    if (!Array.isArray(request.outputs) || !request.outputs.every((output) => EXPORT_OUTPUTS.includes(output))) {
      throw new CrowdheatError(`export: outputs must be a list of ${EXPORT_OUTPUTS.join(', ')}`);
    }
    const id = request.exportId;
    if (typeof id !== 'string' || !EXPORT_ID_PATTERN.test(id)) {
      throw new CrowdheatError(`export: the export id ${JSON.stringify(id)} is not 8 to 64 letters, digits, - or _`);
    }
    if (this.exports.has(id)) throw new CrowdheatError(`export: the export id ${id} is in use`);
    const reencode = this.reencodingFor(run, request);
    const controller = new AbortController();
    this.exports.set(id, controller);
    const folder = resolve(this.options.cwd, request.folder);
    const from = outputDirOf(run.workDir);
    const zonesFile = join(run.workDir, `export-${id}-zones.csv`);
    const parquetDir = join(run.workDir, `export-${id}-parquet`);
    reencode(controller.signal)
      .then(async (replacements) => {
        // zones.csv of the zones as the app shows them (maybe edited), computed from the store.
        if (!request.outputs.includes('zones-csv')) return replacements;
        await writeZonesCsv(from, request.zones, zonesFile);
        return new Map([...replacements, [ZONES_FILE, zonesFile]]);
      })
      .then(async (replacements) => {
        // The store's frames and detections as Parquet, from the store opened for the export alone
        // (as zones.csv is): the window's open store may be closed meanwhile, its views go on.
        if (!request.outputs.includes('parquet')) return replacements;
        await mkdir(parquetDir, { recursive: true });
        const store = await StoreReader.open(from);
        try {
          await store.exportParquet(parquetDir);
        } finally {
          store.close();
        }
        return new Map([...replacements, ...PARQUET_FILES.map((file): [string, string] => [file, join(parquetDir, file)])]);
      })
      .then((replacements) =>
        exportOutputs({
          from,
          to: folder,
          outputs: request.outputs,
          signal: controller.signal,
          onProgress: (progress) => this.options.emit({ type: 'export-progress', exportId: id, ...progress }),
          replacements,
        }),
      )
      .then(
        (files) => this.options.emit({ type: 'export-done', exportId: id, folder, files }),
        (error: unknown) =>
          this.options.emit({
            type: 'export-error',
            exportId: id,
            message: error instanceof CrowdheatError ? error.message : `export failed: ${(error as Error).message}`,
            cancelled: controller.signal.aborted,
          }),
      )
      .finally(() => {
        this.exports.delete(id);
        void rm(join(run.workDir, `export-${id}.mp4`), { force: true });
        void rm(zonesFile, { force: true });
        void rm(parquetDir, { recursive: true, force: true });
      });
    return id;
  }

  /**
   * What an export must re-encode first: the video, when the request asks for another size or
   * rate than the analysis's. Checked before the export starts (a bad choice is refused at once);
   * the returned step makes the new video and maps the analysis's file to it.
   */
  private reencodingFor(run: Run, request: ExportRequest): (signal: AbortSignal) => Promise<Map<string, string>> {
    const none = async (): Promise<Map<string, string>> => new Map();
    const choice = request.video;
    const video = run.video;
    if (choice === undefined || video === undefined || !request.outputs.includes('video')) return none;
    if (!isPlainObject(choice)) throw new CrowdheatError('export: video must be {width, height, fps}');
    const problem = videoChoiceProblem(choice);
    if (problem !== null) throw new CrowdheatError(`export: ${problem}`);
    if (choice.width === video.width && choice.height === video.height && choice.fps === video.fps) return none;
    const output = run.settings.output_settings;
    const file = video.file;
    const target = join(run.workDir, `export-${request.exportId}.mp4`);
    return async (signal) => {
      await reencodeVideo({
        ffmpeg: await resolveFfmpeg(output.ffmpeg_path),
        from: join(outputDirOf(run.workDir), file),
        to: target,
        choice,
        preset: output.encoder_preset,
        crf: output.encoder_crf,
        signal,
      });
      return new Map([[file, target]]);
    };
  }
}

/**
 * The views an analysis is opened to, with its own settings: its whole period, and, when it has a
 * time base, its buckets by its `period` (by hour when none), as the period bar asks them: in
 * its time zone, or in UTC when its times count from frame 0 (the window's `storeZoneOf`).
 */
function firstQuestions(opened: OpenedRun): [KeptViewQuestion] | [KeptViewQuestion, KeptViewQuestion] {
  const settings = recountSettings(opened.store.meta.settings, []);
  const params = settings.heat_map_settings.params;
  const elapsed = timeClockOf(opened.store.meta.time_base, settings.data_source_settings.local_data_settings.start_time) === 'elapsed';
  const timeZone = elapsed ? 'UTC' : timeZoneOf(settings);
  const period = periodOf(settings);
  const whole: KeptViewQuestion = { params, period: { kind: 'none' }, timeZone };
  if (opened.frames.timeMs === null) return [whole];
  return [whole, { params, period: period.kind === 'none' ? { kind: 'hour' } : period, timeZone }];
}

/**
 * A period view computed from the opened store, as the window receives it: the whole range's
 * grid, and each bucket's thumbnail built as its bucket is complete (a week by hour at 192×108
 * was 12 MB of JSON as full grids; blocks grow with the number of buckets, so that a strip of
 * thousands stays a few MB).
 */
function viewData(opened: OpenedRun, question: KeptViewQuestion): Promise<PeriodViewData> {
  const { params, timeZone } = question;
  const clock = new LocalClock(timeZone);
  const shapeFor = (buckets: number): ReturnType<typeof thumbnailSize> => thumbnailSize(params.grid_num_h, params.grid_num_v, buckets);
  const thumbnails: number[][] = [];
  return opened.periodView(
    {
      ...question,
      eachBucketGrid: (bucket, grid, count) => {
        thumbnails[bucket] = blockMax(grid, params.grid_num_h, params.grid_num_v, shapeFor(count).factor).grid;
      },
    },
    (view): PeriodViewData => {
      const buckets = view.buckets;
      const thumbnailShape = shapeFor(buckets === null ? 1 : buckets.starts.length);
      return {
        unit: view.unit,
        columns: view.columns,
        rows: view.rows,
        whole: Array.from(view.whole),
        frames: view.frames,
        detections: view.detections,
        buckets:
          buckets === null
            ? []
            : Array.from(buckets.starts, (startMs, b) => ({
                startMs,
                endMs: buckets.ends[b],
                start: clock.iso(startMs),
                frames: buckets.frames[b],
                detections: buckets.detections[b],
                personSeconds: buckets.personSeconds[b],
                peakFrame: buckets.peakFrame[b],
                grid: thumbnails[b],
              })),
        bucketColumns: thumbnailShape.columns,
        bucketRows: thumbnailShape.rows,
        busiestMoment: view.busiestMoment,
        busiestPlace: view.busiestPlace,
        span: spanOf(opened.frames),
      };
    },
  );
}

/** First frame's time to the last frame's end (frameSpanMs), ms since the epoch; null without a time base. */
function spanOf(frames: StoredFrames): { fromMs: number; toMs: number } | null {
  return frameSpanMs(frames.timeMs, frames.durationMs);
}

/** Grid settings of a request as overrides of the stored run's, each labelled `<request>: params.<key>`. */
function paramOverrides(params: Partial<GridParams> | undefined, request: string): SettingOverride[] {
  return Object.entries(params ?? {}).map(([name, value]) => ({ key: `heat_map_settings.${name}`, value, label: `${request}: params.${name}` }));
}

/** The source's name before the run has said it: the video's or metadata's file stem, or the Console folder. */
function sourceNameOf(settings: Settings): string {
  const { mode, local_data_settings: local, console_data_settings: console } = settings.data_source_settings;
  const path = mode === 'console' ? console.sub_directory_name || console.device_id : local.video_file || local.meta_file;
  const name = path.split(/[\\/]/).filter((part) => part !== '').at(-1) ?? '';
  return name.replace(/\.[^.]*$/, '') || 'heatmap';
}

/** What `run.json` says of a run; the frames and time range come from its opened store. */
function recordOf(run: Run, opened: OpenedRun | null): RunRecord {
  const times = opened?.frames.timeMs ?? null;
  const frames = opened?.frameCount ?? 0;
  const span = opened === null || frames === 0 ? null : spanOf(opened.frames);
  return {
    runId: run.id,
    createdMs: run.createdMs,
    sourceName: run.sourceName,
    settings: run.settings,
    state: run.state === 'done' ? 'done' : 'running',
    warnings: run.warnings,
    ...(run.video === undefined ? {} : { video: run.video }),
    ...(run.zones === undefined ? {} : { zones: run.zones }),
    frames,
    fromMs: times === null || frames === 0 ? null : times[0],
    toMs: times === null || frames === 0 ? null : times[frames - 1],
    endMs: span?.toMs ?? null,
    ...(opened === null ? {} : { timeBase: opened.store.meta.time_base }),
  };
}

/** The facts the renderer sees (not the file's place in the work folder). */
function videoFactsOf(video: VideoFacts & { file: string }): VideoFacts {
  const { width, height, fps, frames, durationS, bytes } = video;
  return { width, height, fps, frames, durationS, bytes };
}

/** The sections every settings object has; a request without one is refused before anything reads it. */
const SETTINGS_SECTIONS = [
  'data_source_settings',
  'data_source_settings.local_data_settings',
  'data_source_settings.console_data_settings',
  'heat_map_settings',
  'heat_map_settings.params',
  'output_settings',
] as const;

/** The request's settings, when they have every section (the values are validated separately). */
function checkedShape(settings: unknown, request: string): Settings {
  for (const path of SETTINGS_SECTIONS) {
    let node: unknown = settings;
    for (const key of path.split('.')) node = isPlainObject(node) ? node[key] : undefined;
    if (!isPlainObject(node)) throw new CrowdheatError(`${request}: the settings have no ${path} section`);
  }
  // Zones arrive as plain JSON: checked for shape (none when left out) before anything uses them.
  const typed = settings as Settings;
  typed.zones = readZones((settings as { zones?: unknown }).zones, request).zones;
  return typed;
}


function checkedCredentials(input: ConsoleCredentials): ConsoleCredentials {
  const credentials: ConsoleCredentials = {
    console_endpoint: String(input.console_endpoint ?? '').trim(),
    portal_authorization_endpoint: String(input.portal_authorization_endpoint ?? '').trim(),
    client_id: String(input.client_id ?? '').trim(),
    client_secret: String(input.client_secret ?? ''),
  };
  for (const key of ['console_endpoint', 'portal_authorization_endpoint'] as const) {
    if (!/^https?:\/\//.test(credentials[key])) {
      throw new CrowdheatError(`console_access_settings.${key}: ${JSON.stringify(credentials[key])} is not an http(s) URL`);
    }
  }
  if (credentials.client_id === '') throw new CrowdheatError('console_access_settings.client_id: required');
  if (credentials.client_secret === '') throw new CrowdheatError('console_access_settings.client_secret: required');
  return credentials;
}

function deviceSummary(device: ConsoleDevice): DeviceSummary {
  return {
    device_id: device.device_id,
    device_name: device.property?.device_name ?? device.device_id,
    connection_state: device.connectionState ?? 'unknown',
    ...(device.place === undefined ? {} : { place: device.place }),
  };
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}
