/**
 * The back end of the app, implementing `src-shared/api.ts` once for every host: the Electron
 * main process and the web host (`host/serve.ts`) wrap the same `Backend`, each with its own
 * transport, dialogs, credential store and way of starting the analysing process.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type {
  ApiEvent,
  ApiHandlers,
  ConsoleCacheInfo,
  CredentialsStatus,
  DeviceSummary,
  ExportRequest,
  FrameData,
  HostInfo,
  PeriodViewData,
  PeriodViewRequest,
  PickPurpose,
  RunInfo,
  VideoFacts,
} from '../../src-shared/api.js';
import { EXPORT_ID_PATTERN, EXPORT_OUTPUTS } from '../../src-shared/api.js';
import { CrowdheatError, isCrowdheatError } from '../../src-shared/errors.js';
import { showValue } from '../../src-shared/messages.js';
import type { ConsoleCredentials, ConsoleDevice, ImageDirectoryGroup } from '../../src-shared/console/types.js';
import { findImageFolderRange, findInferenceRange, type RangeQueries } from '../../src-shared/console/discover.js';
import { findSettingsIssues, settingsToYaml, type SettingOverride, type Settings } from '../../src-shared/settings/index.js';
import { LocalClock } from '../../src-shared/periods/buckets.js';
import { periodOf, timeZoneOf } from '../sinks/store.js';
import { recountSettings } from '../store/settings.js';
import { StoreReader } from '../store/store.js';
import { periodView } from '../store/views.js';
import { resolveFfmpeg } from '../ffmpeg/locate.js';
import { writeFileAtomic } from '../sinks/atomic.js';
import { previewImageName, readPreviewGrid, readPreviewIndex, type PreviewIndex } from '../sinks/preview.js';
import { analysisFailure, noFramesError, outputDirOf, previewDirOf, type RunAnalysis } from './analysis.js';
import { exportOutputs } from './export.js';
import { reencodeVideo } from './export-video.js';
import { videoChoiceProblem } from '../../src-shared/render/video-format.js';
import { inspectFile } from './inspect.js';
import { importSettingsFile, importSettingsText } from './import-settings.js';
import { isPlainObject } from '../../src-shared/objects.js';
import { readZones } from '../../src-shared/zones/settings.js';
import { writeReport } from '../report/build.js';
import { ZONES_FILE } from '../sinks/zones.js';
import { writeZonesCsv, zoneViewData } from './zones.js';
import { ConsoleCache, deleteCacheFile } from '../console/cache.js';
import { cacheFileIn } from '../console/cache-dir.js';

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

/** Finished analyses kept for the timeline and export; older work folders are deleted. */
const KEPT_RUNS = 3;
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
}

export class Backend {
  readonly handlers: ApiHandlers;
  private readonly runs = new Map<string, Run>();
  /** An analysis is being set up (its record is not in `runs` yet). */
  private starting = false;
  private readonly exports = new Map<string, AbortController>();
  /** Where the Console was, after Forget: the form offers these again. */
  private forgottenEndpoints: { console_endpoint: string; portal_authorization_endpoint: string } | null = null;

  constructor(private readonly options: BackendOptions) {
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
      getFrame: async ({ runId, index }) => this.frame(this.run(runId), index),
      export: async (request) => ({ exportId: this.startExport(request) }),
      cancelExport: async ({ exportId }) => {
        this.exports.get(exportId)?.abort();
        return {};
      },
      periodView: async (request) => this.periodView(request),
      zoneView: async ({ runId, ...request }) => zoneViewData(outputDirOf(this.finishedRun(runId, 'zoneView').workDir), request),
      writeReport: async ({ runId, folder }) => {
        const run = this.finishedRun(runId, 'writeReport');
        if (typeof folder !== 'string' || folder.trim() === '') throw new CrowdheatError('writeReport: choose a folder');
        const written = await writeReport(outputDirOf(run.workDir), Date.now(), resolve(options.cwd, folder));
        return { path: written.path, bytes: written.bytes };
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

  /** The picture of frame `index` of a run, or null (for hosts that serve pictures by path). */
  previewImagePath(runId: string, index: number): string | null {
    const run = this.runs.get(runId);
    if (run?.index === undefined || !run.index.hasImages) return null;
    if (!Number.isInteger(index) || index < 0 || index >= run.index.frameCount) return null;
    return join(previewDirOf(run.workDir), previewImageName(index));
  }

  /** Cancels what runs and deletes every work folder. */
  async dispose(): Promise<void> {
    for (const controller of this.exports.values()) controller.abort();
    for (const run of this.runs.values()) run.cancel?.();
    await Promise.all([...this.runs.values()].map((run) => rm(run.workDir, { recursive: true, force: true })));
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
    const workDir = join(this.options.workRoot, 'runs', id);
    await mkdir(workDir, { recursive: true });
    const controller = new AbortController();
    const run: Run = { id, workDir, settings, state: 'running', cancel: () => controller.abort(), warnings: [] };
    this.runs.set(id, run);
    await this.forgetOldRuns();
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
        if (summary.video !== undefined) {
          const { width, height, fps, frames, duration_s: durationS, file } = summary.video;
          const { size: bytes } = await stat(join(outputDirOf(workDir), file));
          run.video = { width, height, fps, frames, durationS, bytes, file };
        }
        return index;
      })
      .then(
        (index) => {
          run.cancel = null;
          run.index = index;
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
    // Nothing of a failed run can be shown or exported: its files go now (before anyone hears of the
    // failure, so nobody reads a folder being deleted); its record stays for getRunInfo.
    void rm(run.workDir, { recursive: true, force: true })
      .catch(() => undefined)
      .then(() => this.options.emit({ type: 'error', runId: run.id, ...failure }));
  }

  /** Keeps the newest KEPT_RUNS finished analyses (failed ones do not count) and a few failure records. */
  private async forgetOldRuns(): Promise<void> {
    const runs = [...this.runs.values()];
    const done = runs.filter((run) => run.state === 'done');
    const failed = runs.filter((run) => run.state === 'failed' || run.state === 'cancelled');
    const forgotten = [
      ...done.slice(0, Math.max(0, done.length - KEPT_RUNS)),
      ...failed.slice(0, Math.max(0, failed.length - KEPT_FAILURES)),
    ];
    for (const run of forgotten) {
      this.runs.delete(run.id);
      await rm(run.workDir, { recursive: true, force: true });
    }
  }

  private run(runId: string): Run {
    const run = this.runs.get(runId);
    if (run === undefined) throw new CrowdheatError(`no analysis ${JSON.stringify(runId)} (it may have been replaced by newer ones)`);
    return run;
  }

  private runInfo(run: Run): RunInfo {
    const index = run.index;
    return {
      runId: run.id,
      state: run.state,
      frameCount: index?.frameCount ?? 0,
      params: run.settings.heat_map_settings.params,
      output: run.settings.output_settings,
      hasImages: index?.hasImages ?? false,
      counts: index?.counts ?? [],
      timestamps: index?.timestamps ?? [],
      runningMax: index?.runningMax ?? [],
      previewWidth: index?.previewWidth ?? 0,
      previewHeight: index?.previewHeight ?? 0,
      warnings: run.warnings,
      ...(run.error === undefined ? {} : { error: run.error }),
      ...(run.video === undefined ? {} : { video: videoFactsOf(run.video) }),
    };
  }

  /** The run `runId` when it has finished, else an error naming `request`. */
  private finishedRun(runId: string, request: string): Run {
    const run = this.run(runId);
    if (run.state !== 'done') throw new CrowdheatError(`${request}: the analysis has not finished`);
    return run;
  }

  /** A period view of a finished analysis, from the store its run wrote (SPEC §8). */
  private async periodView(request: PeriodViewRequest): Promise<PeriodViewData> {
    const run = this.run(request.runId);
    if (run.state !== 'done') throw new CrowdheatError('periodView: the analysis has not finished');
    const overrides: SettingOverride[] = [];
    if (request.period !== undefined) overrides.push({ key: 'output_settings.period', value: request.period, label: 'periodView: period' });
    if (request.timezone !== undefined) overrides.push({ key: 'output_settings.timezone', value: request.timezone, label: 'periodView: timezone' });
    for (const [name, value] of Object.entries(request.params ?? {})) {
      overrides.push({ key: `heat_map_settings.${name}`, value, label: `periodView: params.${name}` });
    }
    for (const [name, value] of [['fromMs', request.fromMs], ['toMs', request.toMs]] as const) {
      if (value !== undefined && !Number.isFinite(value)) throw new CrowdheatError(`periodView: ${name} must be a number of ms since the epoch`);
    }
    const store = await StoreReader.open(outputDirOf(run.workDir));
    try {
      const settings = recountSettings(store.meta.settings, overrides);
      const frames = await store.frames();
      const timeZone = timeZoneOf(settings);
      const view = await periodView(store, frames, {
        params: settings.heat_map_settings.params,
        period: periodOf(settings),
        timeZone,
        ...(request.fromMs === undefined ? {} : { fromMs: request.fromMs }),
        ...(request.toMs === undefined ? {} : { toMs: request.toMs }),
      });
      const clock = new LocalClock(timeZone);
      const cells = view.columns * view.rows;
      const buckets = view.buckets;
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
                grid: Array.from(buckets.grids.subarray(b * cells, (b + 1) * cells)),
              })),
        busiestMoment: view.busiestMoment,
        busiestPlace: view.busiestPlace,
      };
    } finally {
      store.close();
    }
  }

  private async frame(run: Run, frameIndex: number): Promise<FrameData> {
    const index = run.index;
    if (index === undefined) throw new CrowdheatError('the analysis has not finished yet');
    if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= index.frameCount) {
      throw new CrowdheatError(`frame ${frameIndex} does not exist (the analysis has frames 0 to ${index.frameCount - 1})`);
    }
    const previewDir = previewDirOf(run.workDir);
    const grid = await readPreviewGrid(previewDir, index, frameIndex);
    return {
      index: frameIndex,
      timestamp: index.timestamps[frameIndex],
      count: index.counts[frameIndex],
      grid: Array.from(grid),
      imageUrl: index.hasImages
        ? await this.options.imageUrl(run.id, frameIndex, join(previewDir, previewImageName(frameIndex)))
        : null,
    };
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
    reencode(controller.signal)
      .then(async (replacements) => {
        // zones.csv of the zones as the app shows them (maybe edited), computed from the store.
        if (!request.outputs.includes('zones-csv')) return replacements;
        await writeZonesCsv(from, request.zones, zonesFile);
        return new Map([...replacements, [ZONES_FILE, zonesFile]]);
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
